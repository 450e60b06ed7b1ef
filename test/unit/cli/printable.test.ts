// A token's symbol is DexScreener's text: wherever the CLI prints one (the pair table, the "why"
// lines, the clusters, a pair's full evidence, a page of `pairs`), its control characters are
// dropped, so a symbol cannot send the terminal an escape sequence.
import type { AnalysisView } from '../../../src/api/schemas/analyses';
import type { PairsPage } from '../../../src/api/schemas/pairs';
import type { SimilarityPair } from '../../../src/domain/similarity/types';
import { LAUNCH_MINT, RARE_MINTS, bundleEvidence, clusterOf, scoresFor } from './evidence-fixtures';
import { derivedAddress } from '../../../src/simulator/keys';
import { printable, shortSymbol } from '../../../src/cli/evidence';
import { renderPairEvidence } from '../../../src/cli/pair-detail';
import { renderPairsPage } from '../../../src/cli/pairs';
import { renderAnalysis, tokenName } from '../../../src/cli/render';

const [A, B] = [derivedAddress('printable', 'a'), derivedAddress('printable', 'b')];
/** clears the screen, sets the window title and writes to the clipboard (OSC 52), then a CSI in its C1 form */
const HOSTILE = '\u001b[2J\u001b]0;owned\u0007\u001b]52;c;cm0gLXJmIH4=\u0007LAUNCH\u009b31m\r\n';
/** the C0 and C1 control characters of the text but the renderer's own line breaks */
const controls = (text: string): string[] => [...text].filter((c) => c !== '\n' && (c <= '\u001f' || (c >= '\u007f' && c <= '\u009f')));

const token = (mint: string, symbol: string | null) => ({ mint, status: 'resolved' as const, symbol, name: null, imageUrl: null, priceUsd: null, liquidityUsd: null, pairAddress: null, dexId: null, metadataFetchedAt: null, priceFetchedAt: null });

// its strongest signal the launch co-buy, so the pair table names the token
const evidence = { ...bundleEvidence(A, B), strongest: 'bundle' as const };
const pair = {
  walletA: A,
  walletB: B,
  scores: scoresFor(evidence),
  nullReasons: {},
  strength: 'Very High',
  sharedTokenCount: 2,
  tradedTokenCountA: 3,
  tradedTokenCountB: 3,
  unionTokenCount: 4,
  sharedHeldCount: 0,
  heldTokenCountA: 0,
  heldTokenCountB: 0,
  capitalOverlapPercent: 50,
  capitalInSharedPercentA: 50,
  capitalInSharedPercentB: 50,
  sharedTokens: [LAUNCH_MINT, RARE_MINTS[0]].map((mint) => ({ mint, weightA: 0.5, weightB: 0.5, contribution: 0.1 })),
  sharedTokensOmitted: 0,
  omittedContribution: 0,
  coTrading: { coTradedA: 1, coTradedB: 1, tradesA: 2, tradesB: 2 },
  insights: [],
  evidence,
} as SimilarityPair;

const view = {
  analysisId: 'a1',
  workflowId: 'analysis:a1',
  status: 'completed',
  wallets: [A, B],
  params: { window: null, sync: 'auto', failureThreshold: 0.8 },
  createdAt: '2026-11-29T14:00:00.000Z',
  completedAt: '2026-11-29T14:00:02.000Z',
  progress: null,
  error: null,
  summary: null,
  result: { pairs: [pair], clusters: [clusterOf([A, B])], coverage: [], tokenUniverse: [LAUNCH_MINT, ...RARE_MINTS], globalMetrics: { pairCount: 1 } },
  coverage: null,
  failedWallets: [],
  enrichment: { status: 'completed', workflowId: 'enrichment:a1', fetchingElsewhere: 0 },
  tokens: { [LAUNCH_MINT]: token(LAUNCH_MINT, HOSTILE), [RARE_MINTS[0]]: token(RARE_MINTS[0], '\u0085R\u00e4RE\u007f'), [RARE_MINTS[1]]: token(RARE_MINTS[1], '\u001b\u0007') },
  links: { self: '/v1/analyses/a1', events: '/v1/analyses/a1/events', temporalUi: 'http://127.0.0.1:8233/namespaces/default/workflows/analysis:a1', pairs: '/v1/analyses/a1/pairs' },
} as unknown as AnalysisView;

describe("a token symbol's control characters", () => {
  it('are dropped from the text, printable characters kept', () => {
    expect(printable(HOSTILE)).toBe('[2J]0;owned]52;c;cm0gLXJmIH4=LAUNCH31m');
    expect(tokenName(view, RARE_MINTS[0])).toBe('RäRE');
  });

  it('are cut to 16 characters, a long symbol ending in …', () => {
    expect(shortSymbol(HOSTILE)).toBe('[2J]0;owned]52;…');
    expect(shortSymbol('S'.repeat(16))).toBe('S'.repeat(16));
    expect(shortSymbol(`${'🚀'.repeat(17)}`)).toBe(`${'🚀'.repeat(15)}…`);
  });

  it('leave the short mint when nothing printable is left', () => {
    expect(tokenName(view, RARE_MINTS[1])).toBe(`${RARE_MINTS[1].slice(0, 4)}…${RARE_MINTS[1].slice(-4)}`);
  });

  it.each([
    ['the analysis tables', () => renderAnalysis(view)],
    ["a pair's full evidence", () => renderPairEvidence(view, pair)],
    ['a page of pairs', () => renderPairsPage(view, { analysisId: 'a1', pairCount: 1, matched: 1, pairs: [pair], nextCursor: null } as unknown as PairsPage, 1, {})],
  ])('never reach the terminal: %s', (_name, render) => {
    const text = render();
    // (printable, and cut to a table's width: see shortSymbol)
    expect(text).toContain('[2J]0;owned]52;…');
    expect(controls(text)).toEqual([]);
  });
});
