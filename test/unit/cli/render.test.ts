// The result tables of the demo and `npm run cli -- analyze/show` fit a 120-column terminal: a
// realistic result (12 labelled wallets, 66 pairs with detection evidence, long insights, clusters,
// coverage, failed wallets) renders with every line at most 120 columns wide, ANSI codes stripped
// before measuring; the table names each pair's strongest evidence, the clusters what binds them,
// and `show --pair` prints one pair's evidence with every signature in full.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { analysisLinks } from '../../../src/api/analysis-view';
import type { AnalysisView } from '../../../src/api/schemas/analyses';
import { clusterBindingPhrases, otherPhrases, strongestPhrase } from '../../../src/cli/evidence';
import { PairNotFoundError, findPair, renderPairEvidence, resolveWallet } from '../../../src/cli/pair-detail';
import { RENDER_WIDTH, renderAnalysis, shortAddress, wrapWords } from '../../../src/cli/render';
import type { InsightType, PairEvidence, SimilarityCluster, SimilarityPair, WalletCoverage } from '../../../src/domain/similarity/types';
import { derivedAddress } from '../../../src/simulator/keys';
import { analysisWorkflowId, enrichmentWorkflowId } from '../../../src/workflows/contract';
import { FUNDER, LAUNCH_MINT, bundleEvidence, clusterOf, copyEvidence, directEvidence, sig } from './evidence-fixtures';

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

const INSIGHTS: InsightType[] = [
  'Behavioral Mirror',
  'Capital Divergence',
  'Sustained Alignment',
  'Shared Zero Holdings',
  'Significant Asymmetry',
  'Co-trading',
  'Common Funder',
  'Direct Transfer',
  'Same-Block Buying',
  'Copy Trading',
  'Rare Tokens',
];

/** The first five wallets are a launch bundle, the next three copy wallet 5, two pairs sent SOL directly; the rest have none. */
function evidenceOf(a: number, b: number): PairEvidence | null {
  if (b < 5) return bundleEvidence(wallets[a], wallets[b]);
  if (a >= 5 && b < 8) return copyEvidence(wallets[a], wallets[b]);
  if ((a === 8 && b === 9) || (a === 2 && b === 10)) return directEvidence(wallets[b], wallets[a]);
  return null;
}
const strengthOf = (c: number | null): SimilarityPair['strength'] =>
  c === null ? null : c >= 0.7 ? 'Very High' : c >= 0.5 ? 'High' : c >= 0.3 ? 'Moderate' : c >= 0.15 ? 'Low' : 'Very Low';
const combinedOf = (e: PairEvidence | null): number | null => (e ? Math.round(Object.values(e.contributions).reduce((x, y) => x + y, 0) * 1000) / 1000 : maybe(rnd() * 0.3));
const longReason = (i: number) =>
  `Both wallets bought ${mints.length - i} of the same tokens within 300 seconds of each other on ${12 + i} separate days, ` +
  `with a median hold of 4.2 h against 4.5 h and position sizes in a steady 1:4 ratio (capital cosine 0.97; binary 0.88; ` +
  `timing 0.91), which independent traders of popular tokens rarely reach: see docs/analytics.md#insights for the rule.`;

function pairs(): SimilarityPair[] {
  const out: SimilarityPair[] = [];
  for (let a = 0; a < wallets.length; a++) {
    for (let b = a + 1; b < wallets.length; b++) {
      const shared = Math.floor(rnd() * 30);
      const evidence = evidenceOf(a, b);
      out.push({
        walletA: wallets[a],
        walletB: wallets[b],
        scores: {
          capital: maybe(rnd()),
          binary: maybe(rnd()),
          jaccardTraded: maybe(rnd()),
          jaccardHeld: maybe(rnd()),
          behavior: maybe(rnd()),
          timing: maybe(rnd()),
          funding: evidence?.funding.length ? maybe(0.5 + rnd() / 2) : 0,
          bundle: evidence?.bundles.length ? maybe(0.5 + rnd() / 2) : 0,
          rarity: maybe(rnd()),
          similarity: maybe(rnd()),
          combined: combinedOf(evidence),
        },
        nullReasons: {},
        strength: strengthOf(combinedOf(evidence)),
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
        evidence,
      });
    }
  }
  return out;
}

const clusters: SimilarityCluster[] = [
  clusterOf(wallets.slice(0, 5), { bindingTokens: mints.slice(0, 12).map((mint, i) => ({ mint, memberCount: 5 - (i % 3), totalWeight: 1 })) }),
  clusterOf(wallets.slice(5, 8), {
    edgeCount: 2,
    confidence: 0.62,
    density: 2 / 3,
    weakestMemberLink: 0.41,
    evidence: {
      bindingPairs: [{ walletA: wallets[5], walletB: wallets[6], combined: 0.81, strongest: 'timing', summary: `${wallets[6]} follows ${wallets[5]} by about 40 s on 17 of 22 trades` }],
      commonCounterparties: [],
      signalPairs: { funding: 0, bundle: 0, timing: 2, rarity: 1, behavior: 0 },
    },
  }),
  clusterOf(wallets.slice(8, 10), { edgeCount: 1, meanCombined: 0.6, confidence: 0.6, bindingTokens: [] }),
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
    enrichment: { status: 'completed', workflowId: enrichmentWorkflowId(ANALYSIS_ID), fetchingElsewhere: 0 },
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

describe('the evidence in the tables', () => {
  const text = stripVTControlCharacters(renderAnalysis(view(), { labels, topPairs: 1000 }));

  const pairsOf = (view().result as unknown as { pairs: SimilarityPair[] }).pairs;
  const pairAt = (x: number, y: number) => pairsOf.find((p) => p.walletA === wallets[x] && p.walletB === wallets[y])!;
  const pairOf = (a: string, b: string) => pairsOf.find((p) => p.walletA === a && p.walletB === b);
  const names = { address: shortAddress, token: shortAddress };

  it('names each pair’s strongest signal with a short phrase', () => {
    // launch bundle pairs: the common funder; copy pairs: who follows whom; direct transfers: who sent what
    expect(strongestPhrase(pairAt(0, 1), names)).toBe(`funding: common funder ${shortAddress(FUNDER)} (3 wallets)`);
    expect(strongestPhrase(pairAt(5, 6), names)).toBe('timing: B follows A ~40 s on 17/22');
    expect(strongestPhrase(pairAt(8, 9), names)).toBe('funding: direct 12.5 SOL B→A');
    expect(otherPhrases(pairAt(0, 1), names)).toEqual([`bundle: same slot on ${shortAddress(LAUNCH_MINT)}`]);
    const inLaunchBlock = structuredClone(pairAt(0, 1));
    inLaunchBlock.evidence!.bundles[0].launchBlock = true;
    expect(otherPhrases(inLaunchBlock, names)).toEqual([`bundle: launch block on ${shortAddress(LAUNCH_MINT)}`]);
    expect(strongestPhrase(pairAt(10, 11), names)).toBe(pairAt(10, 11).insights[0]?.type ?? '–');
    // and the table shows them (wrapped in its last column), the other evidence after it
    expect(text).toMatch(/Related +│ Fund +│ Bundle +│ Timing +│ Rare +│ Simil +│ Strongest signal/);
    expect(text).toContain(shortAddress(FUNDER));
    expect(text).toMatch(/timing: B follows A ~40 s/);
    expect(text).toContain(`also bundle: same slot on ${shortAddress(LAUNCH_MINT)}`);
  });

  it('phrases wallets first funded with the same amount minutes apart', () => {
    const base = pairAt(8, 9);
    const ref = (t: number) => ({ asset: 'SOL', amount: '1.2345', signature: sig(wallets[8], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const funding = [{ kind: 'same-amount-funding' as const, a: ref(0), b: ref(90), funderA: FUNDER, funderB: wallets[3], secondsApart: 90, strength: 0.65 }];
    expect(strongestPhrase({ ...base, evidence: { ...base.evidence!, funding } }, names)).toBe('funding: same first funding 1.2345 SOL 2 min apart');
  });

  it('says when a common funder is a wallet of one owner on chain', () => {
    const base = pairAt(0, 1);
    const funding = base.evidence!.funding.map((f) => (f.kind === 'common-first-funder' ? { ...f, counterpartyWeight: 1, counterpartyActivity: { transactions: 41, complete: true, dedicated: true } } : f));
    expect(strongestPhrase({ ...base, evidence: { ...base.evidence!, funding } }, names)).toBe(`funding: common funder ${shortAddress(FUNDER)} (3 wallets, its whole history 41 txs)`);
    const detail = stripVTControlCharacters(renderPairEvidence(view(), { ...base, evidence: { ...base.evidence!, funding } })).replace(/\n\s+/g, ' ');
    expect(detail).toContain('a wallet of one owner: 41 transactions in its whole history, weight 1.00');
    // read but ordinary: said nothing of
    const ordinary = base.evidence!.funding.map((f) => (f.kind === 'common-first-funder' ? { ...f, counterpartyActivity: { transactions: 1000, complete: false, dedicated: false } } : f));
    expect(strongestPhrase({ ...base, evidence: { ...base.evidence!, funding: ordinary } }, names)).toBe(`funding: common funder ${shortAddress(FUNDER)} (3 wallets)`);
  });

  it('phrases a common upstream funder with its chains, and prints both chains and both fundings in full', () => {
    const base = pairAt(8, 9);
    const [hopA, hopB, hopC] = [wallets[2], wallets[3], wallets[4]];
    const ref = (t: number, amount: string) => ({ asset: 'SOL', amount, signature: sig(wallets[8], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const upstream = { kind: 'common-upstream-funder' as const, counterparty: FUNDER, counterpartyWallets: 0, counterpartyWeight: 1, counterpartyActivity: { transactions: 12, complete: true, dedicated: true }, viaA: [hopC, hopA], viaB: [hopB], a: ref(0, '3.5'), b: ref(7200, '4.25'), secondsApart: 7200, strength: 0.42 };
    const pair = { ...base, evidence: { ...base.evidence!, funding: [upstream], strongest: 'funding' as const } };
    expect(strongestPhrase(pair, names)).toBe(`funding: common funder ${shortAddress(FUNDER)} via 3 hops`);
    const detail = stripVTControlCharacters(renderPairEvidence(view(), pair));
    expect(widest(detail).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = detail.replace(/\n\s+/g, ' ');
    expect(flat).toContain(`common upstream funder ${FUNDER} (a wallet of one owner: 12 transactions in its whole history), weight 1.00, its fundings 2 h apart, strength 0.42`);
    expect(flat).toContain(`A's chain: ${FUNDER} → ${hopC} → ${hopA} → A`);
    expect(flat).toContain(`B's chain: ${FUNDER} → ${hopB} → B`);
    for (const r of [upstream.a, upstream.b]) expect(detail.split('\n').map((l) => l.trim())).toContain(r.signature);
    expect(flat).toContain(`${hopC} received 3.5 SOL`);
  });

  it('phrases a fee payer (engine 2.8.0): one wallet paying the other\'s fees, or one account paying both\'s, with each fee in full', () => {
    const base = pairAt(8, 9);
    const ref = (t: number) => ({ asset: 'FEE', amount: '0.000005', signature: sig(wallets[8], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const common = { kind: 'common-fee-payer' as const, counterparty: FUNDER, counterpartyWallets: 5, counterpartyWeight: 1, counterpartyActivity: { transactions: 60, complete: true, dedicated: true }, a: ref(0), b: ref(7200), transactionsA: 12, transactionsB: 9, secondsApart: 7200, strength: 0.8 };
    const commonPair = { ...base, evidence: { ...base.evidence!, funding: [common], strongest: 'funding' as const } };
    expect(strongestPhrase(commonPair, names)).toBe(`funding: common fee payer ${shortAddress(FUNDER)} (5 wallets, its whole history 60 txs)`);
    const detail = stripVTControlCharacters(renderPairEvidence(view(), commonPair));
    expect(widest(detail).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = detail.replace(/\n\s+/g, ' ');
    expect(flat).toContain(`common fee payer ${FUNDER} (paid fees of or transferred with 5 wallets of the database; a wallet of one owner: 60 transactions in its whole history, weight 1.00): 12 transactions of A's own, 9 transactions of B's, the closest 2 h apart, strength 0.80`);
    expect(flat).toContain("it paid A's a fee of 0.000005 SOL on 2024-03-09 16:00:00 UTC, slot 302000000");
    for (const r of [common.a, common.b]) expect(detail.split('\n').map((l) => l.trim())).toContain(r.signature);
    const paid = { kind: 'fee-payer' as const, payer: base.walletB, wallet: base.walletA, transaction: ref(60), transactions: 3, strength: 0.9 };
    const paidPair = { ...base, evidence: { ...base.evidence!, funding: [paid], strongest: 'funding' as const } };
    expect(strongestPhrase(paidPair, names)).toBe("funding: B paid A's fees (3 txs)");
    const paidDetail = stripVTControlCharacters(renderPairEvidence(view(), paidPair)).replace(/\n\s+/g, ' ');
    expect(paidDetail).toContain("B paid the fees of 3 transactions of A's own (it signed them with A), strength 0.90");
    expect(paidDetail).toContain('the first: B paid a fee of 0.000005 SOL on 2024-03-09 16:01:00 UTC');
  });

  it('phrases NFTs sold between the two and an NFT sold around the group (engine 2.20.0), with each sale\'s price in SOL and signature in full', () => {
    const base = pairAt(8, 9);
    const third = wallets[2];
    const nft = wallets[3];
    const ref = (t: number, amount: string) => ({ asset: 'NFT_SALE', amount, signature: sig(wallets[8], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const sale = { kind: 'nft-sale' as const, seller: base.walletA, buyer: base.walletB, nft, sale: ref(0, '42'), sales: 3, occasions: 2, bothWays: true, strength: 0.54 };
    const salePair = { ...base, evidence: { ...base.evidence!, funding: [sale], strongest: 'funding' as const } };
    expect(strongestPhrase(salePair, names)).toBe('funding: NFT sale A→B 42 SOL (3 sales, both ways)');
    const detail = stripVTControlCharacters(renderPairEvidence(view(), salePair));
    expect(widest(detail).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = detail.replace(/\n\s+/g, ' ');
    expect(flat).toContain(`NFT sales through a market: 3 NFTs sold between them on 2 occasions, each selling to the other, strength 0.54; the first, NFT ${nft}: A sold it to B for 42 SOL on 2024-03-09 16:00:00 UTC`);
    expect(detail.split('\n').map((l) => l.trim())).toContain(sale.sale.signature);
    const trip = { kind: 'nft-round-trip' as const, nft, wallets: [base.walletA, base.walletB, third], first: ref(0, '42'), last: ref(172_800, '40'), secondsApart: 172_800, strength: 0.74 };
    const tripPair = { ...base, evidence: { ...base.evidence!, funding: [trip], strongest: 'funding' as const } };
    expect(strongestPhrase(tripPair, names)).toContain('sold around 3 wallets back to A (2 d away)');
    const tripFlat = stripVTControlCharacters(renderPairEvidence(view(), tripPair)).replace(/\n\s+/g, ' ');
    expect(tripFlat).toContain(`NFT round trip: ${nft} sold from wallet to wallet of the group, A → B → ${third} → A, back after 2 d, strength 0.74`);
    expect(tripFlat).toContain('sold out of A for 42 SOL');
    expect(tripFlat).toContain('sold back to A for 40 SOL');
  });

  it('phrases a common collector with its deposit addresses, and prints both sweeps and the collector\'s receipts in full', () => {
    const base = pairAt(8, 9);
    const depositA = wallets[2];
    const ref = (t: number, amount: string) => ({ asset: 'SOL', amount, signature: sig(wallets[8], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const downstream = { kind: 'common-downstream-collector' as const, counterparty: FUNDER, counterpartyWallets: 2, counterpartyWeight: 1, counterpartyActivity: { transactions: 9, complete: true, dedicated: true }, viaA: [depositA], viaB: [], a: ref(0, '9.99'), b: ref(172_800, '4.5'), secondsApart: 172_800, strength: 0.55 };
    const pair = { ...base, evidence: { ...base.evidence!, funding: [downstream], strongest: 'funding' as const } };
    expect(strongestPhrase(pair, names)).toBe(`funding: common collector ${shortAddress(FUNDER)} via 1 deposit address`);
    const detail = stripVTControlCharacters(renderPairEvidence(view(), pair));
    expect(widest(detail).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = detail.replace(/\n\s+/g, ' ');
    expect(flat).toContain(`common collector ${FUNDER} (a wallet of one owner: 9 transactions in its whole history), weight 1.00, its receipts 2 d apart, strength 0.55`);
    expect(flat).toContain(`A's sweep: A → ${depositA} → ${FUNDER}`);
    expect(flat).toContain(`B's sweep: B → ${FUNDER}`);
    for (const r of [downstream.a, downstream.b]) expect(detail.split('\n').map((l) => l.trim())).toContain(r.signature);
    expect(flat).toContain("A's deposit address sent it 9.99 SOL");
    expect(flat).toContain('B sent it 4.5 SOL');
    // a sweep through a fresh address to the other wallet
    const swept = { kind: 'indirect-transfer' as const, from: wallets[8], to: wallets[9], via: [depositA], first: ref(0, '9.99'), last: ref(3600, '9.9'), sweep: true as const, secondsApart: 3600, strength: 0.6 };
    const sweptPair = { ...base, evidence: { ...base.evidence!, funding: [swept], strongest: 'funding' as const } };
    expect(strongestPhrase(sweptPair, names)).toBe('funding: A→B swept via 1 fresh wallet');
    const sweptDetail = stripVTControlCharacters(renderPairEvidence(view(), sweptPair)).replace(/\n\s+/g, ' ');
    expect(sweptDetail).toContain('swept A → B through a fresh address A funded first, which forwarded it 60 min later, strength 0.60');
    expect(sweptDetail).toContain(`chain: A → ${depositA} → B`);
    // a common destination that is one exchange account's deposit address (engine 2.7.0)
    const account = { kind: 'common-destination' as const, counterparty: depositA, counterpartyWallets: 2, counterpartyWeight: 1, counterpartyActivity: { transactions: 32, complete: true, dedicated: true }, depositTo: FUNDER, a: ref(0, '5'), b: ref(1_728_000, '7'), secondsApart: 1_728_000, strength: 0.6 };
    const accountPair = { ...base, evidence: { ...base.evidence!, funding: [account], strongest: 'funding' as const } };
    expect(strongestPhrase(accountPair, names)).toBe(`funding: common deposit address ${shortAddress(depositA)} at ${shortAddress(FUNDER)} (20 d apart)`);
    const accountDetail = stripVTControlCharacters(renderPairEvidence(view(), accountPair)).replace(/\n\s+/g, ' ');
    expect(accountDetail).toContain(`an exchange deposit address: it passes what it receives on, within a day, to ${FUNDER} and trades nothing (one account's)`);
    // through two fresh addresses in a row (engine 2.7.0), on either side
    const hop = wallets[3];
    const layered = { ...base, evidence: { ...base.evidence!, funding: [{ ...downstream, viaB: [depositA, hop] }], strongest: 'funding' as const } };
    const layeredDetail = stripVTControlCharacters(renderPairEvidence(view(), layered)).replace(/\n\s+/g, ' ');
    expect(layeredDetail).toContain(`B's sweep: B → ${depositA} → ${hop} → ${FUNDER}`);
    expect(layeredDetail).toContain("B's last fresh address sent it 4.5 SOL");
    const twice = { ...base, evidence: { ...base.evidence!, funding: [{ ...swept, via: [depositA, hop] }], strongest: 'funding' as const } };
    const twiceDetail = stripVTControlCharacters(renderPairEvidence(view(), twice)).replace(/\n\s+/g, ' ');
    expect(twiceDetail).toContain('swept A → B through 2 fresh addresses in a row (A funded the first, each one the next, first), the last forwarding it 60 min later, strength 0.60');
    expect(twiceDetail).toContain(`chain: A → ${depositA} → ${hop} → B`);
  });

  it('phrases an indirect transfer with its direction, and prints its chain and both transfers in full', () => {
    const base = pairAt(8, 9);
    const [hopA, hopB] = [wallets[2], wallets[3]];
    const ref = (t: number, amount: string) => ({ asset: 'SOL', amount, signature: sig(wallets[9], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const hop = { kind: 'indirect-transfer' as const, from: wallets[9], to: wallets[8], via: [hopA, hopB], first: ref(0, '6.5'), last: ref(90_000, '2.25'), secondsApart: 90_000, strength: 0.31 };
    const pair = { ...base, evidence: { ...base.evidence!, funding: [hop], strongest: 'funding' as const } };
    // A is wallets[8], B wallets[9]: B funded A
    expect(strongestPhrase(pair, names)).toBe('funding: B→A via 2 fresh wallets');
    const detail = stripVTControlCharacters(renderPairEvidence(view(), pair));
    expect(widest(detail).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = detail.replace(/\n\s+/g, ' ');
    expect(flat).toContain('indirect transfer B → A through 2 fresh wallets (each first funded by the one before), 25 h from the first transfer to the last, strength 0.31');
    expect(flat).toContain(`chain: B → ${hopA} → ${hopB} → A`);
    for (const r of [hop.first, hop.last]) expect(detail.split('\n').map((l) => l.trim())).toContain(r.signature);
    expect(flat).toContain(`${hopA} received 6.5 SOL`);
    expect(flat).toContain('A received 2.25 SOL');
  });

  it('phrases the same amount one hop up, and prints both fresh funders and their fundings', () => {
    const base = pairAt(8, 9);
    const [hopA, hopB] = [wallets[2], wallets[3]];
    const ref = (t: number) => ({ asset: 'SOL', amount: '1.2345', signature: sig(wallets[8], t), slot: 302_000_000 + t, timestamp: 1_710_000_000 + t });
    const same = { kind: 'same-amount-funding' as const, a: ref(0), b: ref(120), funderA: FUNDER, funderB: FUNDER, viaA: [hopA], viaB: [hopB], secondsApart: 120, strength: 0.5 };
    const pair = { ...base, evidence: { ...base.evidence!, funding: [same], strongest: 'funding' as const } };
    expect(strongestPhrase(pair, names)).toBe('funding: same funding of their fresh funders 1.2345 SOL 2 min apart');
    const detail = stripVTControlCharacters(renderPairEvidence(view(), pair));
    expect(widest(detail).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = detail.replace(/\n\s+/g, ' ');
    expect(flat).toContain(`first funded by fresh wallets that were first funded with exactly the same amount, 1.2345 SOL, 2 min apart (A's ${hopA} from ${FUNDER}, B's ${hopB} from ${FUNDER})`);
    expect(flat).toContain(`${hopA} received 1.2345 SOL`);
    expect(flat).toContain(`${hopB} received 1.2345 SOL`);
  });

  it('shows each cluster’s confidence and what binds it', () => {
    expect(text).toContain('0.91');
    expect(text).toContain('10/10 linked');
    expect(text).toContain('pairs linked by');
    expect(text).toContain(`common first funder ${shortAddress(FUNDER)}`);
    expect(text).toContain('timing 2');
    // the strongest pair with its evidence
    expect(clusterBindingPhrases(clusters[1].evidence, names, pairOf)).toEqual([
      'pairs linked by timing 2, rarity 1',
      `strongest ${shortAddress(wallets[5])} ~ ${shortAddress(wallets[6])} 0.81, timing: B follows A ~40 s on 17/22`,
    ]);
    // members funded through fresh wallets of one owner: their common upstream funder
    const upstream = { ...clusters[1].evidence!, signalPairs: { funding: 3, bundle: 0, timing: 0, rarity: 0, behavior: 0 }, commonCounterparties: [{ counterparty: FUNDER, kind: 'upstream-funder' as const, memberCount: 3 }], bindingPairs: [] };
    expect(clusterBindingPhrases(upstream, names, pairOf)).toEqual(['pairs linked by funding 3', `common upstream funder ${shortAddress(FUNDER)} (3 members)`]);
    // members sweeping through fresh deposit addresses to one wallet: their common collector
    const downstream = { ...upstream, commonCounterparties: [{ counterparty: FUNDER, kind: 'downstream-collector' as const, memberCount: 4 }] };
    expect(clusterBindingPhrases(downstream, names, pairOf)).toEqual(['pairs linked by funding 3', `common collector ${shortAddress(FUNDER)} (4 members)`]);
  });

  it('renders a stored engine 1.x result (no evidence, clusters without confidence) in 120 columns', () => {
    const v1 = view();
    const result = v1.result as unknown as { pairs: SimilarityPair[]; clusters: Array<Record<string, unknown>> };
    const old = {
      ...result,
      pairs: result.pairs.map((p) => ({ ...p, evidence: null, scores: { ...p.scores, funding: null, bundle: null, rarity: null, similarity: p.scores.combined } })),
      clusters: result.clusters.map((c) => ({ ...c, confidence: null, density: null, weakestMemberLink: null, evidence: null })),
    };
    const rendered = renderAnalysis({ ...v1, result: old as unknown as AnalysisView['result'] }, { labels });
    expect(widest(rendered).width).toBeLessThanOrEqual(RENDER_WIDTH);
    expect(rendered).toContain('10/10 linked');
    expect(rendered).toContain('mean');
  });
});

describe('show --pair: one pair’s full evidence', () => {
  const v = view();
  const [a, b] = [wallets[0], wallets[1]];

  it('finds the pair by full address, unique prefix or the table’s short form, in either order', () => {
    expect(findPair(v, a, b)).toBe(findPair(v, b.slice(0, 10), shortAddress(a)));
    expect(findPair(v, `${a.slice(0, 4)}...${a.slice(-4)}`, b).walletA).toBe(a);
  });

  it('refuses, in one line, a wallet not in the analysis, an ambiguous prefix and the same wallet twice', () => {
    expect(() => findPair(v, 'zzzz', b)).toThrow(PairNotFoundError);
    expect(() => resolveWallet(['abc1', 'abc2'], 'abc')).toThrow("'abc' matches 2 wallets of this analysis");
    expect(() => findPair(v, a, a)).toThrow(/the same wallet/);
    expect(() => findPair(view({ status: 'running', result: null }), a, b)).toThrow(/is running/);
    for (const f of [() => findPair(v, 'zzzz', b), () => findPair(v, a, a)]) expect(() => f()).toThrow(/^[^\n]+$/);
  });

  it('prints every signature in full, with amounts, slots and times, within 120 columns', () => {
    const text = stripVTControlCharacters(renderPairEvidence(v, findPair(v, a, b), { labels }));
    expect(widest(text).width).toBeLessThanOrEqual(RENDER_WIDTH);
    const flat = text.replace(/\n\s+/g, ' ');
    const e = bundleEvidence(a, b);
    const f = e.funding[0];
    if (f.kind !== 'common-first-funder') throw new Error('fixture: a common funder first');
    for (const signature of [f.a.signature, f.b.signature, e.bundles[0].signatureA, e.bundles[0].signatureB]) expect(text.split('\n').map((l) => l.trim())).toContain(signature);
    expect(flat).toContain(`common first funder ${FUNDER} (transferred with 3 wallets of the database, weight 0.81), 41 s apart`);
    expect(text).toMatch(/^Pair #\d+ of analysis /);
    expect(text).toContain('A received 2.5 SOL on 2024-11-19 07:06:40 UTC, slot 301000120');
    expect(text).toContain('same slot 301500000, among its first buyers');
    expect(text).toContain(`  A ${a}`);
  });

  it('says when both buys landed in the token’s launch block', () => {
    const pair = structuredClone(findPair(v, a, b));
    pair.evidence!.bundles[0].launchBlock = true;
    const text = stripVTControlCharacters(renderPairEvidence(v, pair, { labels })).replace(/\n\s+/g, ' ');
    expect(text).toContain('both in its launch block, slot 301500000, among its first buyers');
  });

  it('weighs the co-buys against the pair’s chances where the result says them (engine 2.10.0)', () => {
    const pair = structuredClone(findPair(v, a, b));
    const before = stripVTControlCharacters(renderPairEvidence(v, pair, { labels }));
    expect(before).not.toContain('likely by chance');
    pair.evidence!.bundleOdds = { coBuys: 1, nearBuyPairs: 7, chance: 0.0419, kept: 0.31, summary: '1 of the 7 pairs of their buys of one token within 30 min of each other came within seconds (4.2 % likely by chance)' };
    const text = stripVTControlCharacters(renderPairEvidence(v, pair, { labels }));
    expect(widest(text).width).toBeLessThanOrEqual(RENDER_WIDTH);
    expect(text.replace(/\n\s+/g, ' ')).toContain('1 of the 7 pairs of their buys of one token within 30 min of each other came within seconds (4.2 % likely by chance); the score keeps 0.31 of their strength');
    // all of it kept: the line says the odds alone
    pair.evidence!.bundleOdds = { ...pair.evidence!.bundleOdds, chance: 2e-5, kept: 1, summary: '3 of the 12 pairs of their buys of one token within 30 min of each other came within seconds (under 0.1 % likely by chance)' };
    const kept = stripVTControlCharacters(renderPairEvidence(v, pair, { labels })).replace(/\n\s+/g, ' ');
    expect(kept).toContain('(under 0.1 % likely by chance)');
    expect(kept).not.toContain('the score keeps');
  });

  it('prints a copier’s lag and copied trades with both signatures', () => {
    const text = stripVTControlCharacters(renderPairEvidence(v, findPair(v, wallets[5], wallets[6])));
    expect(widest(text).width).toBeLessThanOrEqual(RENDER_WIDTH);
    expect(text).toContain('Timing: B follows A by about 40 s on 17 of 22 trades (B made 26)');
    expect(text).toContain(`    A ${sig(wallets[5], 20)}`);
    expect(text).toContain(`    B ${sig(wallets[6], 20)}`);
    expect(text).toContain('… 12 more copied trades not kept in the result');
    expect(text).toContain('Rare tokens in common (3 tokens, 2 more not kept)');
  });

  it('says a copier\'s typical lag, not the median of all its matches, and the sales\' own lag where the result has one (engine 2.11.0)', () => {
    const pair = structuredClone(findPair(v, wallets[5], wallets[6]));
    // a copier at 15 s in a crowd whose matches put the median at 339 s
    pair.evidence!.timing = { ...pair.evidence!.timing!, medianLagSeconds: 339, typicalLagSeconds: 15, typicalSellLagSeconds: null };
    const typical = stripVTControlCharacters(renderPairEvidence(v, pair));
    expect(typical).toContain('Timing: B follows A by about 15 s on 17 of 22 trades (B made 26)');
    const names = { address: shortAddress, token: shortAddress };
    expect(strongestPhrase(pair, names)).toBe('timing: B follows A ~15 s on 17/22');
    pair.evidence!.timing = { ...pair.evidence!.timing!, typicalLagSeconds: 20, typicalSellLagSeconds: 40 };
    const joined = stripVTControlCharacters(renderPairEvidence(v, pair)).replace(/\n\s+/g, ' ');
    expect(joined).toContain('Timing: B follows A by about 20 s on buys and 40 s on sales, on 17 of 22 trades (B made 26)');
    expect(strongestPhrase(pair, names)).toBe('timing: B follows A ~20 s (sales ~40 s) on 17/22');
    // trading together: the lag that decided it, not the median of all the matches
    pair.evidence!.timing = { ...pair.evidence!.timing!, simultaneous: true, leader: null, follower: null, typicalLagSeconds: 1, typicalSellLagSeconds: null };
    expect(stripVTControlCharacters(renderPairEvidence(v, pair))).toContain('Timing: they trade together (lag 1 s) on 17 of 22 trades');
    // the matches' sides are the scoring direction's: B a second ahead of A, though no one leads
    const m = pair.evidence!.timing!.matches[0];
    pair.evidence!.timing = { ...pair.evidence!.timing!, matchedWallets: { leader: wallets[6], follower: wallets[5] }, matches: [{ ...m, leaderSignature: sig(wallets[6], 1), followerSignature: sig(wallets[5], 1) }] };
    const together = stripVTControlCharacters(renderPairEvidence(v, pair));
    expect(together).toContain(`    B ${sig(wallets[6], 1)}`);
    expect(together).toContain(`    A ${sig(wallets[5], 1)}`);
    expect(together).toMatch(/: B on .*, A .* later/);
  });

  it('says so when a pair has no evidence', () => {
    const text = renderPairEvidence(v, findPair(v, wallets[10], wallets[11]));
    expect(text).toContain('No detection evidence for this pair');
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
