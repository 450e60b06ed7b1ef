// The optimized all-pairs path (row kernel, packed postings, helper threads, selection-based
// medians) against a slow, obvious reference computed pair by pair from each wallet's own legs.
// Same operations in the same order, so figures must be exactly equal, not merely close.
import type { SwapLeg } from '../swaps/types';
import { buy, sell, transferIn } from '../testing/legs';
import { computeSimilarity } from './compute';
import { cosine } from './metrics';
import { availableParallelism } from 'node:os';
import type { MetricSummary, PairRowStats, SimilarityPair, SimilarityResult, SimilarityWalletInput } from './types';
import { SCORE_NAMES } from './types';
import { seededRandom as prng } from '../random';

const MSOL = 'mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So';
const T0 = 1_700_000_000;


/**
 * A group with popular and rare tokens, one to three buys and zero to two sales per token, trades
 * near each other in time, ties in capital weight, and the odd wallet: empty, transfers only,
 * sells only (spent nothing), an excluded mint only, fewer than five trades.
 */
function generatedGroup(seed: number, wallets: number, tokens: number): SimilarityWalletInput[] {
  const random = prng(seed);
  const mints = Array.from({ length: tokens }, (_, t) => `T${String(t).padStart(3, '0')}-${seed}`);
  const group: SimilarityWalletInput[] = [];
  for (let w = 0; w < wallets; w++) {
    const address = `W${String(w).padStart(3, '0')}`;
    const legs: SwapLeg[] = [];
    const holdings: Record<string, { uiAmount: string }> = {};
    const kind = w % 11;
    const count = kind === 0 ? 0 : kind === 1 ? 2 : 3 + Math.floor(random() * Math.min(tokens, 25));
    for (let k = 0; k < count; k++) {
      const token = Math.floor(tokens * random() ** 2); // popular tokens first
      const mint = kind === 3 ? MSOL : mints[token];
      // times on a 100 s grid, so trades exactly one window apart occur
      const t = T0 + token * 400 + 100 * Math.floor(random() * 9);
      // equal weights (every product ties) for some wallets, zero-SOL buys for others
      const sol = kind === 5 || kind === 6 ? 1 : Math.round(random() * 40) / 8;
      if (kind === 2) legs.push(transferIn({ wallet: address, mint, t, raw: 5 }));
      else if (kind === 4) legs.push(sell({ wallet: address, mint, t, raw: 5, sol }));
      else {
        const buys = 1 + Math.floor(random() * 3);
        for (let b = 0; b < buys; b++) legs.push(buy({ wallet: address, mint, t: t + 100 * b * Math.floor(random() * 5), raw: 5, sol }));
        const sells = Math.floor(random() * 3);
        for (let s = 0; s < sells; s++) legs.push(sell({ wallet: address, mint, t: t + 200 + 100 * s * Math.floor(random() * 7), raw: 5, sol: sol * 1.1 }));
      }
      if (random() < 0.4) holdings[mint] = { uiAmount: random() < 0.1 ? '0.0001' : '12.5' };
    }
    group.push({ address, legs, holdings });
  }
  return group;
}

interface RefToken {
  weight: number;
  buys: number[];
  sells: number[];
}

/** One wallet as the reference sees it: universe tokens by index, straight from the legs. */
function refWallet(w: SimilarityWalletInput, index: Map<string, number>): { tokens: Map<number, RefToken>; held: Set<number>; norm: number } {
  const spent = new Map<number, number>();
  const tokens = new Map<number, RefToken>();
  for (const leg of w.legs) {
    const t = index.get(leg.mint);
    if (leg.kind !== 'swap' || t === undefined) continue;
    if (!tokens.has(t)) tokens.set(t, { weight: 0, buys: [], sells: [] });
    if (leg.direction === 'buy') {
      spent.set(t, (spent.get(t) ?? 0) + leg.solValue);
      tokens.get(t)!.buys.push(leg.timestamp);
    } else tokens.get(t)!.sells.push(leg.timestamp);
  }
  const order = [...tokens.keys()].sort((a, b) => a - b);
  let total = 0;
  for (const t of order) total += spent.get(t) ?? 0;
  let sumSquares = 0;
  for (const t of order) {
    const r = tokens.get(t)!;
    r.weight = total > 0 ? (spent.get(t) ?? 0) / total : 0;
    sumSquares += r.weight * r.weight;
    r.buys.sort((a, b) => a - b);
    r.sells.sort((a, b) => a - b);
  }
  const held = new Set<number>();
  for (const [mint, h] of Object.entries(w.holdings)) {
    const t = index.get(mint);
    if (t !== undefined && Number(h.uiAmount) >= 0.001) held.add(t);
  }
  return { tokens, held, norm: Math.sqrt(sumSquares) };
}

/** Trades of xs with some trade of ys within the window, by brute force. */
function near(xs: number[], ys: number[], window: number): number {
  return xs.filter((x) => ys.some((y) => Math.abs(x - y) <= window)).length;
}

/** The figures of pair (a, b) that the optimized path accumulates, computed the obvious way. */
function referencePair(a: ReturnType<typeof refWallet>, b: ReturnType<typeof refWallet>, mints: string[], window: number, maxShared: number) {
  const shared = [...a.tokens.keys()].filter((t) => b.tokens.has(t)).sort((x, y) => x - y);
  let dot = 0;
  let minSum = 0;
  let sharedA = 0;
  let sharedB = 0;
  let coA = 0;
  let coB = 0;
  for (const t of shared) {
    const x = a.tokens.get(t)!;
    const y = b.tokens.get(t)!;
    dot += x.weight * y.weight;
    minSum += Math.min(x.weight, y.weight);
    sharedA += x.weight;
    sharedB += y.weight;
    coA += near(x.buys, y.buys, window) + near(x.sells, y.sells, window);
    coB += near(y.buys, x.buys, window) + near(y.sells, x.sells, window);
  }
  const capital = cosine(dot, a.norm, b.norm);
  // top tokens: product desc, ties in ascending token order (Array.prototype.sort is stable)
  const top = shared
    .map((t) => ({ t, product: a.tokens.get(t)!.weight * b.tokens.get(t)!.weight }))
    .sort((x, y) => y.product - x.product)
    .slice(0, maxShared);
  let listed = 0;
  for (const x of top) listed += x.product;
  return {
    sharedTokenCount: shared.length,
    sharedHeldCount: [...a.held].filter((t) => b.held.has(t)).length,
    coTrading: { coTradedA: coA, coTradedB: coB },
    capital,
    capitalOverlapPercent: capital === null ? null : Math.min(100, minSum * 100),
    capitalInSharedPercentA: a.norm > 0 ? Math.min(100, sharedA * 100) : null,
    capitalInSharedPercentB: b.norm > 0 ? Math.min(100, sharedB * 100) : null,
    sharedTokens: top.map((x) => ({
      mint: mints[x.t],
      weightA: a.tokens.get(x.t)!.weight,
      weightB: b.tokens.get(x.t)!.weight,
      contribution: capital === null ? 0 : x.product / (a.norm * b.norm),
    })),
    omittedContribution: capital === null ? 0 : Math.max(0, dot - listed) / (a.norm * b.norm),
  };
}

function expectMatchesReference(wallets: SimilarityWalletInput[], result: SimilarityResult, window: number, maxShared: number): void {
  const mints = [...new Set(wallets.flatMap((w) => w.legs.filter((l) => l.kind === 'swap' && l.mint !== MSOL).map((l) => l.mint)))].sort();
  const index = new Map(mints.map((m, i) => [m, i]));
  const refs = wallets.map((w) => refWallet(w, index));
  let p = 0;
  for (let i = 0; i < wallets.length; i++) {
    for (let j = i + 1; j < wallets.length; j++) {
      const got: SimilarityPair = result.pairs[p++];
      expect([got.walletA, got.walletB]).toEqual([wallets[i].address, wallets[j].address]);
      const want = referencePair(refs[i], refs[j], mints, window, maxShared);
      expect({
        sharedTokenCount: got.sharedTokenCount,
        sharedHeldCount: got.sharedHeldCount,
        coTrading: { coTradedA: got.coTrading.coTradedA, coTradedB: got.coTrading.coTradedB },
        capital: got.scores.capital,
        capitalOverlapPercent: got.capitalOverlapPercent,
        capitalInSharedPercentA: got.capitalInSharedPercentA,
        capitalInSharedPercentB: got.capitalInSharedPercentB,
        sharedTokens: got.sharedTokens,
        omittedContribution: got.omittedContribution,
      }).toStrictEqual(want); // exact: the same sums in the same order
    }
  }
  expect(p).toBe(result.pairs.length);
}

/** Summaries recomputed from the listed pairs with a full sort. */
function expectSummariesFromPairs(result: SimilarityResult): void {
  for (const m of SCORE_NAMES) {
    const all = result.pairs.map((p) => p.scores[m]);
    const values = all.filter((v): v is number => v !== null);
    let sum = 0;
    for (const v of values) sum += v;
    const sorted = Float64Array.from(values).sort();
    const mid = sorted.length >> 1;
    const want: MetricSummary = {
      count: values.length,
      nullCount: all.length - values.length,
      mean: values.length > 0 ? sum / values.length : null,
      median: values.length === 0 ? null : values.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
      min: values.length > 0 ? sorted[0] : null,
      max: values.length > 0 ? sorted[sorted.length - 1] : null,
    };
    expect(result.globalMetrics.metrics[m]).toStrictEqual(want);
  }
}

describe('optimized all-pairs path against a slow reference', () => {
  it.each([
    [1, 23, 12, 300, 10],
    [2, 37, 40, 300, 3],
    [3, 30, 6, 3600, 0],
    [4, 45, 90, 100, 1],
    [6, 60, 25, 300, 2],
  ])('group %i (%i wallets, %i tokens, window %i s, %i listed): every pair figure is exactly the reference', (seed, wallets, tokens, window, maxShared) => {
    const group = generatedGroup(seed, wallets, tokens);
    const result = computeSimilarity({ wallets: group, coTradeWindowSeconds: window, maxSharedTokensPerPair: maxShared }, { threads: 1 });
    expectMatchesReference(group, result, window, maxShared);
    expectSummariesFromPairs(result);
  });
});

describe('pair rows on helper threads (pair-worker.ts)', () => {
  const group = generatedGroup(5, 40, 30); // 780 pairs
  let stats: PairRowStats[] = [];
  const onRowStats = (s: PairRowStats) => stats.push(s);
  beforeEach(() => {
    stats = [];
  });

  it('helper threads computing the rows give exactly the same result as one thread', () => {
    const single = computeSimilarity({ wallets: group }, { threads: 1, onRowStats });
    expect(stats[0]).toEqual({ rows: 40, helpers: 0, helperRows: 0, fallbackRows: 0 });

    const helped = computeSimilarity({ wallets: group }, { threads: 2, helpersOnly: true, onRowStats }); // every row from the helper
    expect(stats[1]).toEqual({ rows: 40, helpers: 1, helperRows: 40, fallbackRows: 0 });
    expect(JSON.stringify(helped)).toBe(JSON.stringify(single));
    expectMatchesReference(group, helped, 300, 10);

    const three = computeSimilarity({ wallets: group }, { threads: 4, helpersOnly: true, onRowStats }); // three helpers share the rows
    expect(stats[2]).toEqual({ rows: 40, helpers: 3, helperRows: 40, fallbackRows: 0 });
    expect(JSON.stringify(three)).toBe(JSON.stringify(single));

    const shared = computeSimilarity({ wallets: group }, { threads: 2, onRowStats }); // rows go to whichever thread takes them
    expect(stats[3]).toMatchObject({ rows: 40, helpers: 1, fallbackRows: 0 });
    expect(JSON.stringify(shared)).toBe(JSON.stringify(single));
  });

  it("'auto' starts a helper thread from minPairsForThreads pairs on, on a machine with 2+ cores", () => {
    computeSimilarity({ wallets: group }, { onRowStats }); // default: from 50,000 pairs
    computeSimilarity({ wallets: group }, { threads: 'auto', minPairsForThreads: 781, onRowStats });
    computeSimilarity({ wallets: group }, { threads: 'auto', minPairsForThreads: 780, onRowStats });
    expect(stats.map((s) => s.helpers)).toEqual([0, 0, availableParallelism() > 1 ? 1 : 0]);
  });

  it('groups of fewer than three wallets use this thread alone, whatever the options', () => {
    computeSimilarity({ wallets: group.slice(0, 2) }, { threads: 3, helpersOnly: true, onRowStats });
    expect(stats).toEqual([{ rows: 2, helpers: 0, helperRows: 0, fallbackRows: 0 }]);
  });

  it('rejects thread options it cannot follow, naming the option', () => {
    expect(() => computeSimilarity({ wallets: group }, { threads: 0 })).toThrow("threads must be 'auto' or a whole number ≥ 1, got 0");
    expect(() => computeSimilarity({ wallets: group }, { threads: 1.5 })).toThrow("threads must be 'auto' or a whole number ≥ 1, got 1.5");
    expect(() => computeSimilarity({ wallets: group }, { minPairsForThreads: -1 })).toThrow('minPairsForThreads must be a whole number ≥ 0, got -1');
  });
});
