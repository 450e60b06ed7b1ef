// What changed between two analyses of a group (GET /v1/analyses/{id}/changes): the wallets
// compared, and the clusters matched one to one by the members they share. The links (pairs at or
// above the cluster threshold) formed and broken are read from the stored pairs
// (src/store/analysis-pairs.ts, linkChanges).
import { major, valid } from 'semver';

/** A cluster as the comparison shows it. */
export interface ClusterSide {
  /** sorted addresses */
  members: string[];
  confidence: number;
}

/** A cluster of the earlier analysis and the later one matched to it, with the members that moved. */
export interface ClusterChange {
  before: ClusterSide;
  after: ClusterSide;
  /** members of `after` that were not in `before` (sorted) */
  joined: string[];
  /** members of `before` that are not in `after` (sorted) */
  left: string[];
}

export interface ClusterChanges {
  /** matched clusters whose members moved, the most moved first */
  changed: ClusterChange[];
  /** matched clusters of the same members (the later analysis's) */
  unchanged: ClusterSide[];
  /** later clusters matched to none: a group that formed, or the part of one that split off */
  formed: ClusterSide[];
  /** earlier clusters matched to none: a group that came apart, or one merged into another */
  dissolved: ClusterSide[];
}

export interface WalletChanges {
  /** analysed by the later analysis only (sorted) */
  added: string[];
  /** analysed by the earlier analysis only (sorted) */
  removed: string[];
  /** analysed by both */
  compared: number;
}

/** The wallets each analysis analysed (its group, less the wallets it left out). */
export function walletChanges(before: readonly string[], after: readonly string[]): WalletChanges {
  const inBefore = new Set(before);
  const inAfter = new Set(after);
  return {
    added: [...inAfter].filter((w) => !inBefore.has(w)).sort(),
    removed: [...inBefore].filter((w) => !inAfter.has(w)).sort(),
    compared: [...inAfter].filter((w) => inBefore.has(w)).length,
  };
}

const side = (c: ClusterSide): ClusterSide => ({ members: [...c.members].sort(), confidence: c.confidence });

/**
 * How the later analysis's clusters differ from the earlier one's. Each later cluster is matched to
 * at most one earlier cluster and each earlier to at most one later: the two sharing the most
 * members first (ties: the earlier clusters' order, then the later's, which rank clusters
 * strongest first), and only clusters sharing at least one member. So a cluster that split is
 * matched to its larger part, the other part `formed`; two that merged, the larger `changed`, the
 * other `dissolved`.
 */
export function clusterChanges(before: readonly ClusterSide[], after: readonly ClusterSide[]): ClusterChanges {
  const clusterOf = new Map<string, number>();
  before.forEach((c, i) => c.members.forEach((m) => clusterOf.set(m, i)));
  const overlaps: Array<{ b: number; a: number; shared: number }> = [];
  after.forEach((c, a) => {
    const shared = new Map<number, number>();
    for (const m of c.members) {
      const b = clusterOf.get(m);
      if (b !== undefined) shared.set(b, (shared.get(b) ?? 0) + 1);
    }
    for (const [b, n] of shared) overlaps.push({ b, a, shared: n });
  });
  overlaps.sort((x, y) => y.shared - x.shared || x.b - y.b || x.a - y.a);
  const matchOfAfter = new Map<number, number>();
  const matchedBefore = new Set<number>();
  for (const o of overlaps) {
    if (matchOfAfter.has(o.a) || matchedBefore.has(o.b)) continue;
    matchOfAfter.set(o.a, o.b);
    matchedBefore.add(o.b);
  }
  const changes: ClusterChanges = { changed: [], unchanged: [], formed: [], dissolved: [] };
  after.forEach((c, a) => {
    const b = matchOfAfter.get(a);
    if (b === undefined) {
      changes.formed.push(side(c));
      return;
    }
    const [was, is] = [side(before[b]), side(c)];
    const wasSet = new Set(was.members);
    const isSet = new Set(is.members);
    const joined = is.members.filter((m) => !wasSet.has(m));
    const left = was.members.filter((m) => !isSet.has(m));
    if (joined.length === 0 && left.length === 0) changes.unchanged.push(is);
    else changes.changed.push({ before: was, after: is, joined, left });
  });
  before.forEach((c, b) => {
    if (!matchedBefore.has(b)) changes.dissolved.push(side(c));
  });
  changes.changed.sort((x, y) => y.joined.length + y.left.length - (x.joined.length + x.left.length));
  return changes;
}

/** The first engine whose `combined` is the relatedness score: scores of 1.x (a similarity blend) are not on its scale. */
export const FIRST_COMPARABLE_ENGINE_MAJOR = 2;

/** Whether an analysis by engine `version` has scores on today's scale, so that it can be compared (null or not a version: no). */
export function comparableEngine(version: string | null): boolean {
  const parsed = version === null ? null : valid(version);
  return parsed !== null && major(parsed) >= FIRST_COMPARABLE_ENGINE_MAJOR;
}
