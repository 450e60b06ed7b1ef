// The result tables of the demo and `npm run cli -- analyze/show` fit a 120-column terminal: a
// realistic result (12 labelled wallets, 66 pairs, long insights, clusters, coverage, failed wallets)
// renders with every line at most 120 columns wide, ANSI codes stripped before measuring.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { analysisLinks } from '../../../src/api/analysis-view';
import type { AnalysisView } from '../../../src/api/schemas/analyses';
import { RENDER_WIDTH, renderAnalysis, shortAddress, wrapWords } from '../../../src/cli/render';
import type { InsightType, SimilarityCluster, SimilarityPair, WalletCoverage } from '../../../src/domain/similarity/types';
import { derivedAddress } from '../../../src/simulator/keys';
import { analysisWorkflowId, enrichmentWorkflowId } from '../../../src/workflows/contract';

const demo = JSON.parse(readFileSync(join(__dirname, '../../../worlds/demo.json'), 'utf8')) as { wallets: Array<{ address: string; label?: string }> };
const wallets = demo.wallets.map((w) => w.address);
const labels = Object.fromEntries(demo.wallets.filter((w) => w.label).map((w) => [w.address, w.label as string]));
const ANALYSIS_ID = '0b6f8f8e-5a3e-4b8c-9a43-6f3b1d2c9e71';
const mints = Array.from({ length: 40 }, (_, i) => derivedAddress('render-mint', String(i)));

// deterministic pseudo-random scores
let seed = 7;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const maybe = (v: number): number | null => (rnd() < 0.1 ? null : Math.round(v * 1000) / 1000);

const INSIGHTS: InsightType[] = ['Behavioral Mirror', 'Capital Divergence', 'Sustained Alignment', 'Shared Zero Holdings', 'Significant Asymmetry', 'Co-trading'];
const longReason = (i: number) =>
  `Both wallets bought ${mints.length - i} of the same tokens within 300 seconds of each other on ${12 + i} separate days, ` +
  `with a median hold of 4.2 h against 4.5 h and position sizes in a steady 1:4 ratio (capital cosine 0.97; binary 0.88; ` +
  `timing 0.91), which independent traders of popular tokens rarely reach: see docs/analytics.md#insights for the rule.`;

function pairs(): SimilarityPair[] {
  const out: SimilarityPair[] = [];
  for (let a = 0; a < wallets.length; a++) {
    for (let b = a + 1; b < wallets.length; b++) {
      const shared = Math.floor(rnd() * 30);
      out.push({
        walletA: wallets[a],
        walletB: wallets[b],
        scores: { capital: maybe(rnd()), binary: maybe(rnd()), jaccardTraded: maybe(rnd()), jaccardHeld: maybe(rnd()), behavior: maybe(rnd()), timing: maybe(rnd()), funding: null, bundle: null, rarity: null, similarity: null, combined: maybe(rnd()) },
        nullReasons: {},
        strength: (['Very High', 'High', 'Moderate', 'Low', 'Very Low'] as const)[Math.floor(rnd() * 5)],
        sharedTokenCount: shared,
        tradedTokenCountA: 30,
        tradedTokenCountB: 31,
        unionTokenCount: 40,
        sharedHeldCount: 3,
        heldTokenCountA: 10,
        heldTokenCountB: 11,
        capitalOverlapPercent: 55,
        capitalInSharedPercentA: 70,
        capitalInSharedPercentB: 60,
        sharedTokens: mints.slice(0, Math.min(shared, 10)).map((mint) => ({ mint, weightA: 0.1, weightB: 0.1, contribution: 0.01 })),
        sharedTokensOmitted: Math.max(0, shared - 10),
        omittedContribution: 0.02,
        coTrading: { coTradedA: 10, coTradedB: 9, tradesA: 40, tradesB: 38 },
        insights: INSIGHTS.filter(() => rnd() < 0.5).map((type, i) => ({ type, score: rnd(), reason: longReason(i) })),
        evidence: null,
      });
    }
  }
  return out;
}

const clusterExtras = {
  confidence: 0.7,
  density: 1,
  weakestMemberLink: 0.6,
  evidence: { bindingPairs: [], commonCounterparties: [], signalPairs: { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 } },
};
const clusters: SimilarityCluster[] = [
  { members: wallets.slice(0, 5), edgeCount: 10, meanCombined: 0.81, bindingTokens: mints.slice(0, 12).map((mint, i) => ({ mint, memberCount: 5 - (i % 3), totalWeight: 1 })), ...clusterExtras },
  { members: wallets.slice(5, 8), edgeCount: 3, meanCombined: 0.74, bindingTokens: mints.slice(10, 14).map((mint) => ({ mint, memberCount: 3, totalWeight: 1 })), ...clusterExtras },
  { members: wallets.slice(8, 10), edgeCount: 1, meanCombined: null, bindingTokens: [], ...clusterExtras },
];

const coverage: WalletCoverage[] = wallets.map((address, i) => ({
  address,
  firstTradeAt: 1_727_000_000 + i * 86_400,
  lastTradeAt: 1_729_000_000,
  legsTotal: 12_345,
  swapLegs: 10_234 + i,
  transferLegs: 99,
  transactionsRejected: i === 3 ? 2 : 0,
  legsUsed: 9_876,
  tradedTokenCount: 1_234,
  heldTokenCount: 10_050,
  capitalSolSpent: 123_456.789,
  behaviorAvailable: true,
  truncated: i === 3,
  signaturesFetched: 10_000,
  transactionsFetched: 10_000,
  windowStartSec: null,
  windowEndSec: null,
}));

// half the tokens resolved by enrichment, some with long symbols; the rest shown as short mints
const tokens = Object.fromEntries(
  mints.map((mint, i) => [
    mint,
    { mint, status: i % 2 === 0 ? ('resolved' as const) : ('pending' as const), symbol: i % 2 === 0 ? (i % 4 === 0 ? `TOKEN${i}LONGSYMBOLNAME` : `T${i}`) : null, name: null, imageUrl: null, priceUsd: null, liquidityUsd: null, pairAddress: null, dexId: null, metadataFetchedAt: null, priceFetchedAt: null },
  ]),
);

const failedReason =
  'Helius answered 429 Too Many Requests (max usage reached) on every retry for 30 minutes, so the sync stopped at page 57 of the history; run the analysis again once the quota resets or with a smaller window';

function view(overrides: Partial<AnalysisView> = {}): AnalysisView {
  return {
    analysisId: ANALYSIS_ID,
    workflowId: analysisWorkflowId(ANALYSIS_ID),
    status: 'completed',
    wallets: [...wallets, derivedAddress('render', 'failed-1'), derivedAddress('render', 'failed-2')],
    params: { window: null, sync: 'auto', failureThreshold: 0.8 },
    createdAt: '2026-11-29T14:00:00.000Z',
    completedAt: '2026-11-29T14:00:21.500Z',
    progress: null,
    error: null,
    summary: null,
    // the domain's types, as computeGroupSimilarity stores them
    result: { pairs: pairs(), clusters, coverage, partialWallets: [wallets[4]], tokenUniverse: mints, globalMetrics: { pairCount: 66 } } as unknown as AnalysisView['result'],
    coverage: null,
    failedWallets: [
      { wallet: derivedAddress('render', 'failed-1'), reason: failedReason },
      { wallet: derivedAddress('render', 'failed-2'), reason: 'invalid address' },
    ],
    enrichment: { status: 'completed', workflowId: enrichmentWorkflowId(ANALYSIS_ID) },
    tokens,
    links: analysisLinks('http://127.0.0.1:8233', 'default', ANALYSIS_ID, analysisWorkflowId(ANALYSIS_ID)),
    ...overrides,
  };
}

const widest = (text: string): { width: number; line: string } =>
  stripVTControlCharacters(text)
    .split('\n')
    .reduce((w, line) => (line.length > w.width ? { width: line.length, line } : w), { width: 0, line: '' });

describe('renderAnalysis', () => {
  it.each([
    ['the demo (wallet labels, top 10)', { labels }],
    ['the CLI (no labels, top 25)', { topPairs: 25 }],
    ['every pair', { labels, topPairs: 1000 }],
  ])('fits %s in 120 columns', (_name, opts) => {
    const text = renderAnalysis(view(), opts);
    expect(widest(text).width).toBeLessThanOrEqual(RENDER_WIDTH);
    // and still says what matters: pairs, their insights and reasons, clusters, coverage, failures
    expect(text).toContain(`${shortAddress(wallets[0])}`);
    expect(text).toContain('Behavioral Mirror');
    expect(text).toContain('Clusters (3)');
    expect(text).toContain('partial');
    expect(text).toContain(derivedAddress('render', 'failed-1'));
    expect(text).toContain(view().links.temporalUi);
  });

  it('keeps every word of a long insight reason and a failure reason, wrapped', () => {
    const text = stripVTControlCharacters(renderAnalysis(view(), { labels }));
    const words = (s: string) => s.split(/\s+/).filter(Boolean);
    const all = new Set(words(text));
    for (const w of words(longReason(0))) expect(all).toContain(w);
    for (const w of words(failedReason)) expect(all).toContain(w);
  });

  it('fits a failed analysis with a long error in 120 columns', () => {
    const text = renderAnalysis(view({ status: 'failed', result: null, completedAt: null, error: `Activity task failed: ${failedReason} `.repeat(3) }));
    expect(widest(text).width).toBeLessThanOrEqual(RENDER_WIDTH);
    expect(text).toContain('Error: Activity task failed');
  });

  it('never cuts a link: a long one moves to a line of its own', () => {
    const temporalUi = `https://temporal.example.com/namespaces/wallet-similarity-production/workflows/${encodeURIComponent(analysisWorkflowId(ANALYSIS_ID))}`;
    const text = renderAnalysis(view({ links: { ...view().links, temporalUi } }));
    expect(text.split('\n')).toContain(`  ${temporalUi}`);
  });

  it('measures without ANSI codes', () => {
    expect(widest(`\u001b[31m${'x'.repeat(120)}\u001b[0m`).width).toBe(120);
  });
});

describe('wrapWords', () => {
  it('wraps at word boundaries and cuts words longer than a line', () => {
    expect(wrapWords('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapWords('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrapWords('one two three', 3, 5)).toEqual(['one', 'two', 'three']);
    expect(wrapWords('', 10)).toEqual(['']);
  });
});
