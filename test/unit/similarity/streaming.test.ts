// computeSimilarity streamed (a pair sink, the strongest `topPairs` kept) against the same run
// unstreamed, on a hard generator world that has clusters: the sink sees every pair once in rank
// order (strongest first, each with its pair index), the result's pairs are the head of the full ranking, and the rest of the result is equal.
import { walletEngineInput, worldStats } from '../../../bench/lib/detection-pipeline';
import { computeSimilarity, rankOrder } from '../../../src/domain/similarity/compute';
import type { SimilarityDatabaseStats, SimilarityPair, SimilarityResult, SimilarityRunOptions, SimilarityWalletInput } from '../../../src/domain/similarity/types';
import { generateWorld } from '../../../src/simulator/generator';
import { SimWorld } from '../../../src/simulator/model';
import { parseWorld } from '../../../src/simulator/world';

const w = parseWorld(generateWorld({ seed: 4, wallets: 40, txPerWallet: 40, scenario: 'hard', largeWallet: false }));
const sim = new SimWorld(w);
const world: SimilarityWalletInput[] = w.wallets.map((_, i) => walletEngineInput(sim, i).input);
// a copy of a wallet ties its original's pairs; two wallets with no trades nor known transfers give
// pairs without a combined score (ranked last, by index)
const wallets: SimilarityWalletInput[] = [
  ...world,
  { ...world[3], address: 'CopyOfWallet3111111111111111111111111111111' },
  { address: 'Empty111111111111111111111111111111111111111', legs: [], holdings: {} },
  { address: 'Empty222222222222222222222222222222222222222', legs: [], holdings: {} },
];
const database: SimilarityDatabaseStats = worldStats(wallets);
const pairCount = (wallets.length * (wallets.length - 1)) / 2;

const full = computeSimilarity({ wallets, database });

/** The full ranking: combined descending, no score last, ties in engine order. */
const ranking = full.pairs
  .map((pair, index) => ({ pair, index }))
  .sort((x, y) => (y.pair.scores.combined ?? -1) - (x.pair.scores.combined ?? -1) || x.index - y.index);

function streamed(topPairs: number | undefined, options: SimilarityRunOptions = {}, clusterThreshold?: number) {
  const seen: Array<{ pair: SimilarityPair; index: number; rank: number }> = [];
  let ranks: Int32Array | null = null;
  const result = computeSimilarity(
    { wallets, database, clusterThreshold },
    { ...options, topPairs, pairSink: (pair, index, rank) => seen.push({ pair, index, rank }), onRanks: (r) => (ranks = r) },
  );
  return { result, seen, ranks: ranks as Int32Array | null };
}

/** The result without what streaming changes. */
function rest(r: SimilarityResult) {
  const { pairs: _pairs, pairCount: _count, pairsComplete: _complete, ...others } = r;
  return others;
}

describe('computeSimilarity streamed through a pair sink', () => {
  it('the world is one that clusters, with ties and pairs without a combined score to rank', () => {
    expect(full.clusters.length).toBeGreaterThan(1);
    expect(full.pairs).toHaveLength(pairCount);
    expect(full).not.toHaveProperty('pairCount');
    expect(full).not.toHaveProperty('pairsComplete');
    const scores = full.pairs.map((p) => p.scores.combined);
    expect(scores.filter((c) => c === null).length).toBeGreaterThan(w.wallets.length);
    const scored = scores.filter((c) => c !== null);
    expect(new Set(scored).size).toBeLessThan(scored.length); // ties between scores, decided by pair index
    // the five strongest, named by the pairs' own wallets (looked up by pair index, not from the pairs)
    expect(full.globalMetrics.mostSimilarPairs).toEqual(ranking.slice(0, 5).map(({ pair }) => ({ walletA: pair.walletA, walletB: pair.walletB, combined: pair.scores.combined })));
  });

  it.each([0, 1, 7, 100, pairCount, pairCount + 50])('topPairs %i: the sink sees every pair once in rank order; clusters and metrics are the unstreamed ones', (topPairs) => {
    const { result, seen, ranks } = streamed(topPairs);
    expect(seen.map((s) => s.rank)).toEqual(full.pairs.map((_, r) => r));
    expect(seen.map((s) => s.index)).toEqual(ranking.map((r) => r.index));
    expect(seen.map((s) => s.pair)).toEqual(ranking.map((r) => r.pair));
    expect(rest(result)).toEqual(rest(full));
    expect(result.clusters).toEqual(full.clusters);
    expect(result.globalMetrics).toEqual(full.globalMetrics);
    // the listed pairs are the first topPairs of the full ranking, in rank order
    const listed = Math.min(topPairs, pairCount);
    expect(result.pairs).toEqual(ranking.slice(0, listed).map((r) => r.pair));
    expect(result.pairCount).toBe(pairCount);
    expect(result.pairsComplete).toBe(listed === pairCount);
    // every pair's rank is its place in the full ranking
    const expectedRanks = new Int32Array(pairCount);
    ranking.forEach((r, rank) => (expectedRanks[r.index] = rank));
    expect(ranks).toEqual(expectedRanks);
  });

  it('with a lower cluster threshold (more edges, clusters reading pairs outside the top) and a helper thread, still the unstreamed result', () => {
    const fullLow = computeSimilarity({ wallets, database, clusterThreshold: 0.1 });
    const { result, seen } = streamed(3, { threads: 2 }, 0.1);
    expect(fullLow.clusters.length).toBeGreaterThan(0);
    const byIndex: SimilarityPair[] = [];
    for (const s of seen) byIndex[s.index] = s.pair;
    expect(byIndex).toEqual(fullLow.pairs);
    expect(rest(result)).toEqual(rest(fullLow));
  });

  it('rankOrder: combined descending, NaN last, ties by index; order and ranks inverse of each other', () => {
    const { order, ranks } = rankOrder(new Float64Array([0.2, NaN, 0.5, 0.2, NaN, 1, 0]));
    expect([...ranks]).toEqual([2, 5, 1, 3, 6, 0, 4]);
    expect([...order]).toEqual([5, 2, 0, 3, 6, 1, 4]);
    expect(rankOrder(new Float64Array(0)).ranks).toHaveLength(0);
  });

  it('topPairs without a sink, or not a whole number ≥ 0, is refused', () => {
    expect(() => computeSimilarity({ wallets: wallets.slice(0, 3) }, { topPairs: 5 })).toThrow(/topPairs needs a pairSink/);
    expect(() => computeSimilarity({ wallets: wallets.slice(0, 3) }, { topPairs: -1, pairSink: () => undefined })).toThrow(/topPairs must be a whole number/);
    expect(() => computeSimilarity({ wallets: wallets.slice(0, 3) }, { topPairs: 1.5, pairSink: () => undefined })).toThrow(/topPairs must be a whole number/);
  });
});
