// Groups of wallets linked by strong pairs: connected components over `combined ≥ threshold`.
import type { SimilarityCluster } from './types';
import type { WalletVector } from './vectors';

/**
 * Pairs with `combined` at or above this link their wallets into one cluster. Measured on generated
 * worlds (docs/analytics.md, "Clusters"): group members scored 0.70 or more, unrelated pairs 0.61 or less.
 */
export const DEFAULT_CLUSTER_THRESHOLD = 0.65;
const BINDING_TOKENS_PER_CLUSTER = 10;

/** Pair i links wallets pairA[i] and pairB[i] with score combined[i] (NaN when null). */
export interface PairEdges {
  pairA: Int32Array;
  pairB: Int32Array;
  combined: Float64Array;
}

export function findClusters(
  vectors: readonly WalletVector[],
  edges: PairEdges,
  threshold: number,
  universeMints: readonly string[],
): SimilarityCluster[] {
  const parent = Int32Array.from(vectors, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const { pairA, pairB, combined } = edges;
  for (let e = 0; e < pairA.length; e++) {
    if (combined[e] >= threshold) parent[find(pairA[e])] = find(pairB[e]);
  }
  const groups = new Map<number, number[]>();
  vectors.forEach((_, i) => {
    const root = find(i);
    const g = groups.get(root) ?? [];
    g.push(i);
    groups.set(root, g);
  });
  const stats = new Map<number, { edgeCount: number; sum: number; scored: number }>();
  for (const [root, members] of groups) if (members.length >= 2) stats.set(root, { edgeCount: 0, sum: 0, scored: 0 });
  for (let e = 0; e < pairA.length; e++) {
    const root = find(pairA[e]);
    const s = stats.get(root);
    if (s === undefined || find(pairB[e]) !== root || Number.isNaN(combined[e])) continue;
    s.scored++;
    s.sum += combined[e];
    if (combined[e] >= threshold) s.edgeCount++;
  }
  const clusters: SimilarityCluster[] = [];
  for (const [root, s] of stats) {
    const members = groups.get(root)!;
    clusters.push({
      members: members.map((i) => vectors[i].address).sort(),
      edgeCount: s.edgeCount,
      meanCombined: s.scored > 0 ? s.sum / s.scored : null,
      bindingTokens: bindingTokens(members.map((i) => vectors[i]), universeMints),
      // placeholders until detection v2's clusterPairs replaces connected components
      confidence: s.scored > 0 ? s.sum / ((members.length * (members.length - 1)) / 2) : 0,
      density: s.edgeCount / ((members.length * (members.length - 1)) / 2),
      weakestMemberLink: 0,
      evidence: { bindingPairs: [], commonCounterparties: [], signalPairs: { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 } },
    });
  }
  return clusters.sort((x, y) => y.members.length - x.members.length || (x.members[0] < y.members[0] ? -1 : 1));
}

/** Tokens traded by at least two members; most members first, then total capital weight. */
function bindingTokens(members: WalletVector[], universeMints: readonly string[]) {
  const count = new Map<number, { members: number; weight: number }>();
  for (const m of members) {
    for (let k = 0; k < m.tokens.length; k++) {
      const c = count.get(m.tokens[k]) ?? { members: 0, weight: 0 };
      c.members++;
      c.weight += m.weights[k];
      count.set(m.tokens[k], c);
    }
  }
  return [...count.entries()]
    .filter(([, c]) => c.members >= 2)
    .map(([token, c]) => ({ mint: universeMints[token], memberCount: c.members, totalWeight: c.weight }))
    .sort((x, y) => y.memberCount - x.memberCount || y.totalWeight - x.totalWeight || (x.mint < y.mint ? -1 : 1))
    .slice(0, BINDING_TOKENS_PER_CLUSTER);
}
