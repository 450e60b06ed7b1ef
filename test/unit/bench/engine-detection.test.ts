// computeSimilarity on the hard generator's worlds (src/simulator/generator-hard.ts), the way the
// analysis runs it: legs and plain transfers from the rendered history, the world as the database.
// The ground truth's groups must come back as clusters, each with its evidence.
import { detect, walletEngineInput, worldStats } from '../../../bench/lib/detection-pipeline';
import { CLUSTER_DEFAULTS } from '../../../src/domain/detection/cluster';
import { clusterAgreement, evaluateScore, pairKey, pairsWithin } from '../../../src/domain/evaluation';
import { computeSimilarity } from '../../../src/domain/similarity/compute';
import type { SimilarityResult, SimilarityWalletInput } from '../../../src/domain/similarity/types';
import { generateWorld } from '../../../src/simulator/generator';
import { SimWorld } from '../../../src/simulator/model';
import { parseWorld, type GroundTruth } from '../../../src/simulator/world';

function world(seed: number): { wallets: SimilarityWalletInput[]; truth: GroundTruth } {
  const w = parseWorld(generateWorld({ seed, wallets: 40, txPerWallet: 40, scenario: 'hard', largeWallet: false }));
  const sim = new SimWorld(w);
  return { wallets: w.wallets.map((_, i) => walletEngineInput(sim, i).input), truth: w.groundTruth! };
}

// seed 2 is one of those the weights were tuned on, seed 9 one held out
const worlds = [2, 9].map((seed) => {
  const { wallets, truth } = world(seed);
  const database = worldStats(wallets);
  return { seed, wallets, truth, database, result: detect(wallets, database) };
});

describe('detection v2 in computeSimilarity, on the hard generator worlds', () => {
  it.each(worlds)('seed $seed: the ground-truth groups come back as clusters (pairwise F1 ≥ 0.95), combined separates related pairs (AUC ≥ 0.98)', ({ result, truth }) => {
    const agreement = clusterAgreement(result.clusters.map((c) => c.members), truth.clusters);
    expect(agreement.f1).toBeGreaterThanOrEqual(0.95);
    const related = pairsWithin(truth.clusters);
    const combined = evaluateScore(result.pairs.map((p) => ({ score: p.scores.combined, related: related.has(pairKey(p.walletA, p.walletB)) })));
    expect(combined.rocAuc).toBeGreaterThanOrEqual(0.98);
  });

  it.each(worlds)('seed $seed: every cluster carries its confidence and the evidence that binds it', ({ result }) => {
    expect(result.clusters.length).toBeGreaterThan(0);
    for (const c of result.clusters) {
      expect(c.confidence).toBeGreaterThanOrEqual(CLUSTER_DEFAULTS.minMemberMeanLink);
      expect(c.weakestMemberLink).toBeGreaterThanOrEqual(CLUSTER_DEFAULTS.minMemberMeanLink);
      expect(c.density).toBeGreaterThan(0);
      expect(c.density).toBeLessThanOrEqual(1);
      const memberPairs = (c.members.length * (c.members.length - 1)) / 2;
      expect(c.edgeCount).toBe(Math.round(c.density * memberPairs));
      expect(c.evidence.bindingPairs.length).toBeGreaterThan(0);
      expect(c.evidence.bindingPairs.length).toBeLessThanOrEqual(CLUSTER_DEFAULTS.maxBindingPairs);
      for (const b of c.evidence.bindingPairs) {
        expect(c.members).toEqual(expect.arrayContaining([b.walletA, b.walletB]));
        expect(b.combined).toBeGreaterThanOrEqual(CLUSTER_DEFAULTS.minEdge);
        expect(b.summary.length).toBeGreaterThan(0);
      }
      expect(Object.values(c.evidence.signalPairs).some((n) => n > 0)).toBe(true);
    }
  });

  it.each(worlds)('seed $seed: a launch bundle is bound by same-block buys and its one funder', ({ result, truth }) => {
    const bundles = truth.clusters.filter((_, i) => truth.clusterKinds?.[i] === 'launch-bundle');
    expect(bundles.length).toBeGreaterThan(0);
    for (const group of bundles) {
      const cluster = result.clusters.find((c) => group.every((m) => c.members.includes(m)))!;
      expect(cluster).toBeDefined();
      expect(cluster.evidence.signalPairs.bundle + cluster.evidence.signalPairs.funding).toBeGreaterThan(0);
      const pair = result.pairs.find((p) => p.walletA === group[0] && group.includes(p.walletB)) ?? result.pairs.find((p) => p.walletB === group[0] && group.includes(p.walletA))!;
      expect(pair.evidence).not.toBeNull();
      expect(pair.evidence!.bundles.length + pair.evidence!.funding.length).toBeGreaterThan(0);
    }
  });

  it('evidence is only on pairs with coordination evidence or rare tokens, and capped', () => {
    const { result } = worlds[0];
    const withEvidence = result.pairs.filter((p) => p.evidence !== null);
    expect(withEvidence.length).toBeGreaterThan(0);
    expect(withEvidence.length).toBeLessThan(result.pairs.length);
    for (const p of withEvidence) {
      const e = p.evidence!;
      expect(e.funding.length).toBeLessThanOrEqual(8);
      expect(e.bundles.length).toBeLessThanOrEqual(5);
      expect(e.rareTokens.length).toBeLessThanOrEqual(5);
      expect(e.timing === null || e.timing.matches.length <= 5).toBe(true);
    }
  });

  it('without transfers, funding is null with its reason; without database counts, rarity is counted in the group', () => {
    const { wallets } = worlds[0];
    const bare = computeSimilarity({ wallets: wallets.map(({ transfers: _transfers, ...w }) => w) });
    expect(bare.pairs.every((p) => p.scores.funding === null)).toBe(true);
    expect(bare.pairs[0].nullReasons.funding).toBe("wallet A's transfers are not known");
    const inGroup = computeSimilarity({ wallets });
    // the bench's database is the world itself: the same counts as the group's own
    expect(inGroup.pairs.map((p) => p.scores.rarity)).toEqual(worlds[0].result.pairs.map((p) => p.scores.rarity));
  });

  it('the result does not depend on the threads computing the rows or on the input order', () => {
    const { wallets, database, result } = worlds[1];
    const helped = computeSimilarity({ wallets, database }, { threads: 2, helpersOnly: true });
    expect(JSON.stringify(helped)).toBe(JSON.stringify(result));
    const reversed: SimilarityResult = computeSimilarity({ wallets: [...wallets].reverse(), database }, { threads: 3 });
    expect(reversed.clusters).toEqual(result.clusters);
    const byKey = new Map(reversed.pairs.map((p) => [pairKey(p.walletA, p.walletB), p]));
    for (const p of result.pairs) {
      const q = byKey.get(pairKey(p.walletA, p.walletB))!;
      expect(q.scores.combined).toBeCloseTo(p.scores.combined!, 12);
      expect(q.evidence?.strongest ?? null).toBe(p.evidence?.strongest ?? null);
    }
  });
});
