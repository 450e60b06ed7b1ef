// Clusters that do not chain: Louvain communities on the weighted pair graph, then members that
// are not linked to most of their community are let go (docs/analytics.md, "Detection v2 signals").
import Graph from 'graphology';
import louvain from 'graphology-communities-louvain';
import { seededRandom } from '../random';

export interface WeightedPair {
  a: string;
  b: string;
  /** relatedness in [0, 1] */
  score: number;
}

export const CLUSTER_DEFAULTS = {
  /** pairs below this relatedness are not edges of the graph */
  minEdge: 0.3,
  /**
   * a member whose mean relatedness to the rest of its cluster is lower leaves; pairs under
   * `minEdge` count 0 (engine 2.1.0: the weak style-only link every two traders have, about 0.08,
   * kept spokes of a hub and strangers chained through one pair at the edge); tuned with
   * bench:detection seeds 1-20, checked on 21-40: at 0.25 with edges only, 5 copy-trader pairs of
   * 222 fell out; at 0.15, 19 exchange-funded decoy pairs came in
   */
  minMemberMeanLink: 0.2,
  /**
   * a member with edges to fewer than this share of the others leaves too: the spokes of a hub (a
   * bot that trades right after many unrelated users is linked to each, they to nothing else)
   */
  minMemberEdgeShare: 1 / 3,
  /** Louvain resolution: above 1 favours smaller communities */
  resolution: 1,
  /**
   * two communities whose cross pairs are at least this share of edges are one group, merged:
   * Louvain splits a group that is the graph's only structure at random seams (see mergeDense)
   */
  minMergeDensity: 0.5,
  /** seed of Louvain's random order, so the same input always gives the same clusters */
  seed: 1,
  /** strongest internal pairs listed as the cluster's evidence */
  maxBindingPairs: 5,
} as const;

export type ClusterOptions = Partial<Record<keyof typeof CLUSTER_DEFAULTS, number>>;

export interface DetectedCluster<P extends WeightedPair> {
  /** sorted */
  members: string[];
  /** mean relatedness over all member pairs, missing pairs counting 0 (average linkage) */
  confidence: number;
  /** share of member pairs that are edges (relatedness ≥ minEdge) */
  density: number;
  /** the weakest member's mean relatedness to the others */
  weakestMemberLink: number;
  /** strongest internal pairs, strongest first: the evidence that binds the cluster */
  binding: P[];
}

/**
 * Clusters of `wallets` from scored pairs. Steps: edges = pairs with score ≥ `minEdge`; Louvain
 * (graphology-communities-louvain, weighted by score, seeded) splits the graph into communities,
 * so one strong pair can not chain two groups the way connected components over a threshold do;
 * communities that are one group are merged back (`mergeDense`); then, per community, the member
 * with the lowest mean relatedness to the others (edges only) leaves while some member's mean is
 * under `minMemberMeanLink` or its edges reach under `minMemberEdgeShare` of the others.
 * Communities left with one member are not clusters. Sorted by confidence, then first member.
 */
export function clusterPairs<P extends WeightedPair>(
  wallets: readonly string[],
  pairs: readonly P[],
  opts: ClusterOptions = {},
  /**
   * the score of any pair, also one not in `pairs` (a large group passes only its edges and looks
   * the rest up here); default: from `pairs`, else 0
   */
  linkOf?: (x: string, y: string) => number,
): Array<DetectedCluster<P>> {
  const o = { ...CLUSTER_DEFAULTS, ...opts };
  const graph = new Graph({ type: 'undirected', multi: false, allowSelfLoops: false });
  for (const w of [...new Set(wallets)].sort()) graph.addNode(w);
  const score = new Map<string, P>();
  const key = (x: string, y: string): string => (x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`);
  const sortedPairs = [...pairs].sort((x, y) => cmp(key(x.a, x.b), key(y.a, y.b)));
  for (const p of sortedPairs) {
    if (p.a === p.b || !graph.hasNode(p.a) || !graph.hasNode(p.b)) continue;
    const k = key(p.a, p.b);
    const prev = score.get(k);
    if (!prev || p.score > prev.score) score.set(k, p);
  }
  for (const [k, p] of score) {
    if (p.score < o.minEdge) continue;
    const [x, y] = k.split('\u0000');
    graph.addEdge(x, y, { weight: p.score });
  }
  if (graph.size === 0) return [];
  const communities = louvain(graph, { getEdgeWeight: 'weight', resolution: o.resolution, rng: seededRandom(o.seed) });
  const groups = new Map<number, string[]>();
  graph.forEachNode((node) => {
    if (graph.degree(node) === 0) return;
    const c = communities[node];
    const list = groups.get(c);
    if (list) list.push(node);
    else groups.set(c, [node]);
  });
  const link = linkOf ?? ((x: string, y: string): number => score.get(key(x, y))?.score ?? 0);
  const out: Array<DetectedCluster<P>> = [];
  for (const members of mergeDense([...groups.values()], graph, link, o)) {
    // sub-edge links count 0 in pruning (see minMemberMeanLink)
    const edgeLink = (x: string, y: string): number => {
      const v = link(x, y);
      return v >= o.minEdge ? v : 0;
    };
    const kept = prune(members.sort(), edgeLink, o.minMemberMeanLink, o.minMemberEdgeShare);
    if (kept.length < 2) continue;
    out.push(describe(kept, link, (x, y) => score.get(key(x, y)), o));
  }
  return out.sort((x, y) => y.confidence - x.confidence || cmp(x.members[0], y.members[0]));
}

/**
 * Merges communities that are one group: while two communities have cross pairs of which at least
 * `minMergeDensity` are edges and whose mean link (missing pairs 0) is at least `minEdge`, the
 * densest-linked two become one. Louvain maximises modularity, and a group that is the graph's
 * only structure (a token's holders dominated by one operator) gains nothing from modularity as one
 * community (its modularity is 0), so Louvain cuts it along the few pairs that happen to be
 * missing: a 10-wallet group with 80% of its pairs linked came back whole in 1 of 20 seeds. Two
 * groups joined by a few strong pairs, or spokes of a hub, have cross densities far below one half
 * and stay apart.
 */
function mergeDense(communities: string[][], graph: Graph, link: (x: string, y: string) => number, o: Record<keyof typeof CLUSTER_DEFAULTS, number>): string[][] {
  const groups = communities.map((c) => [...c]);
  const crossMean = (x: string[], y: string[]): number => {
    let sum = 0;
    for (const a of x) for (const b of y) sum += link(a, b);
    return sum / (x.length * y.length);
  };
  for (;;) {
    const index = new Map<string, number>();
    groups.forEach((g, i) => g.forEach((m) => index.set(m, i)));
    const cross = new Map<string, number>();
    graph.forEachEdge((_e, _attrs, x, y) => {
      const [i, j] = [index.get(x), index.get(y)];
      if (i === undefined || j === undefined || i === j) return;
      const k = i < j ? `${i} ${j}` : `${j} ${i}`;
      cross.set(k, (cross.get(k) ?? 0) + 1);
    });
    const candidates = [...cross]
      .map(([k, edges]) => {
        const [i, j] = k.split(' ').map(Number);
        return { i, j, density: edges / (groups[i].length * groups[j].length) };
      })
      .filter((c) => c.density >= o.minMergeDensity)
      .sort((x, y) => y.density - x.density || x.i - y.i || x.j - y.j);
    // densest first; the pair must also be linked as strongly as an edge on average (missing pairs
    // 0), so a few edges among weak links do not chain a small community into another
    const merge = candidates.find((c) => crossMean(groups[c.i], groups[c.j]) >= o.minEdge);
    if (!merge) return groups;
    groups[merge.i] = [...groups[merge.i], ...groups[merge.j]];
    groups.splice(merge.j, 1);
  }
}

/**
 * Lets the least-linked member go while some member's mean link to the others is under `min` or
 * it has edges (links above 0: the caller passes edge-only links) to under `minEdgeShare` of them.
 */
function prune(members: string[], link: (x: string, y: string) => number, min: number, minEdgeShare: number): string[] {
  const kept = [...members];
  while (kept.length >= 2) {
    let worst = -1;
    let worstMean = Infinity;
    kept.forEach((m, i) => {
      const mean = meanLink(m, kept, link);
      let edges = 0;
      for (const other of kept) if (other !== m && link(m, other) > 0) edges++;
      if ((mean < min || edges / (kept.length - 1) < minEdgeShare) && mean < worstMean) {
        worstMean = mean;
        worst = i;
      }
    });
    if (worst < 0) break;
    kept.splice(worst, 1);
  }
  return kept;
}

function meanLink(member: string, members: readonly string[], link: (x: string, y: string) => number): number {
  let sum = 0;
  for (const other of members) if (other !== member) sum += link(member, other);
  return members.length > 1 ? sum / (members.length - 1) : 0;
}

function describe<P extends WeightedPair>(
  members: string[],
  link: (x: string, y: string) => number,
  pairOf: (x: string, y: string) => P | undefined,
  o: Record<keyof typeof CLUSTER_DEFAULTS, number>,
): DetectedCluster<P> {
  let sum = 0;
  let edges = 0;
  let count = 0;
  const internal: P[] = [];
  for (let i = 0; i < members.length; i++) {
    for (let j = i + 1; j < members.length; j++) {
      const s = link(members[i], members[j]);
      sum += s;
      count++;
      if (s >= o.minEdge) edges++;
      const p = pairOf(members[i], members[j]);
      if (p) internal.push(p);
    }
  }
  internal.sort((x, y) => y.score - x.score || cmp(x.a + x.b, y.a + y.b));
  return {
    members,
    confidence: sum / count,
    density: edges / count,
    weakestMemberLink: Math.min(...members.map((m) => meanLink(m, members, link))),
    binding: internal.slice(0, o.maxBindingPairs),
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

