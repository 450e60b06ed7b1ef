// Read-only views of a similarity result, every optional field guarded. Pure functions: the
// components memoize them (useMemo) so a 50-wallet result (1,225 pairs) is derived once.
import type { Cluster, CommonToken, Pair, PairEvidence, SimilarityResult, WalletCoverage } from '../api/types';
import { finite } from './scores';

export interface ResultView {
  wallets: string[];
  pairs: Pair[];
  clusters: Cluster[];
  coverage: WalletCoverage[];
  commonTokens: CommonToken[];
  /** ten bins of `combined`, [0,0.1) … [0.9,1] */
  histogram: number[];
  partialWallets: string[];
}

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export function resultView(result: SimilarityResult | null | undefined, wallets: readonly string[] = []): ResultView {
  const r = (result ?? {}) as Record<string, unknown>;
  const pairs = arr<Pair>(r.pairs).filter((p) => p && typeof p.walletA === 'string' && typeof p.walletB === 'string');
  const gm = (r.globalMetrics ?? {}) as { combinedHistogram?: unknown };
  let histogram = arr<number>(gm.combinedHistogram).map((n) => finite(n) ?? 0);
  if (histogram.length === 0) {
    histogram = new Array(10).fill(0);
    for (const p of pairs) {
      const c = finite(p.scores?.combined);
      if (c !== null) histogram[Math.min(9, Math.max(0, Math.floor(c * 10)))]++;
    }
  }
  const seen = new Set<string>(wallets);
  for (const p of pairs) {
    seen.add(p.walletA as string);
    seen.add(p.walletB as string);
  }
  return {
    wallets: [...seen],
    pairs,
    clusters: arr<Cluster>(r.clusters).filter((c) => Array.isArray(c?.members)),
    coverage: arr<WalletCoverage>(r.coverage),
    commonTokens: arr<CommonToken>(r.mostCommonTokens).filter((t) => typeof t?.mint === 'string'),
    histogram,
    partialWallets: arr<string>(r.partialWallets),
  };
}

export const pairKey = (p: Pair): string => `${p.walletA}|${p.walletB}`;

/** Pairs at or above `threshold` on one score. */
export function countAbove(pairs: readonly Pair[], metric: 'behavior' | 'capital' | 'combined', threshold = 0.5): number {
  let n = 0;
  for (const p of pairs) {
    const v = finite(p.scores?.[metric]);
    if (v !== null && v >= threshold) n++;
  }
  return n;
}

/** Wallets whose coverage deserves a warning, with the reason. */
export function coverageWarnings(view: ResultView, failed: ReadonlyArray<{ wallet: string; reason: string }> = []): Array<{ wallet: string; reason: string }> {
  const out: Array<{ wallet: string; reason: string }> = failed.map((f) => ({ wallet: f.wallet, reason: `failed: ${f.reason}` }));
  for (const w of view.partialWallets) out.push({ wallet: w, reason: 'partial history (proceeded before its sync finished)' });
  for (const c of view.coverage) {
    if (!c.address) continue;
    if (c.truncated) out.push({ wallet: c.address, reason: 'history truncated at the signature cap or window' });
    if (c.legsUsed === 0) out.push({ wallet: c.address, reason: 'no trades in the compared tokens' });
    else if (c.behaviorAvailable === false) out.push({ wallet: c.address, reason: 'too few trades for a behavior profile' });
    if ((c.transactionsRejected ?? 0) > 0) out.push({ wallet: c.address, reason: `${c.transactionsRejected} transactions rejected by validation` });
  }
  return out;
}

/** Wallets ordered cluster by cluster (largest first), then the rest; with each wallet's cluster index or -1. */
export function clusterOrder(view: ResultView): { order: string[]; clusterOf: Map<string, number> } {
  const clusterOf = new Map<string, number>();
  const clusters = [...view.clusters].sort((a, b) => (b.members?.length ?? 0) - (a.members?.length ?? 0));
  const order: string[] = [];
  clusters.forEach((c, i) => {
    for (const m of c.members ?? []) {
      if (!clusterOf.has(m)) {
        clusterOf.set(m, i);
        order.push(m);
      }
    }
  });
  for (const w of view.wallets) if (!clusterOf.has(w)) order.push(w);
  return { order, clusterOf };
}

/** Pair lookup by unordered wallet pair. */
export function pairIndex(pairs: readonly Pair[]): Map<string, Pair> {
  const m = new Map<string, Pair>();
  for (const p of pairs) {
    m.set(`${p.walletA}|${p.walletB}`, p);
    m.set(`${p.walletB}|${p.walletA}`, p);
  }
  return m;
}

export function evidenceOf(p: Pair): PairEvidence {
  const e = p.evidence;
  return e && typeof e === 'object' ? e : {};
}

export function hasFunding(p: Pair): boolean {
  const f = evidenceOf(p).funding;
  return (Array.isArray(f) && f.length > 0) || (finite(p.scores?.funding) ?? 0) > 0;
}

export type SortField = 'combined' | 'behavior' | 'capital' | 'timing' | 'walletA' | 'walletB';

export function sortPairs(pairs: readonly Pair[], field: SortField, descending: boolean): Pair[] {
  const dir = descending ? -1 : 1;
  const copy = [...pairs];
  if (field === 'walletA' || field === 'walletB') copy.sort((a, b) => dir * String(a[field]).localeCompare(String(b[field])));
  else
    copy.sort((a, b) => {
      const x = finite(a.scores?.[field]);
      const y = finite(b.scores?.[field]);
      if (x === null && y === null) return 0;
      if (x === null) return 1; // missing scores last either way
      if (y === null) return -1;
      return dir * (x - y);
    });
  return copy;
}

export function filterPairs(pairs: readonly Pair[], text: string, minCombined: number): Pair[] {
  const q = text.trim();
  return pairs.filter((p) => {
    if (q && !String(p.walletA).includes(q) && !String(p.walletB).includes(q)) return false;
    if (minCombined > 0) {
      const c = finite(p.scores?.combined);
      if (c === null || c < minCombined) return false;
    }
    return true;
  });
}

/** The kinds the insight column shows for a pair: strength, the engine's insights, then evidence kinds present. */
export function insightKinds(p: Pair): string[] {
  const kinds: string[] = [];
  if (p.strength === 'Very High') kinds.push('Very High Similarity');
  for (const i of p.insights ?? []) if (typeof i?.type === 'string' && !kinds.includes(i.type)) kinds.push(i.type);
  const e = evidenceOf(p);
  // evidence kinds that no insight names already (an insight such as Common Funder says more)
  const named = (...types: string[]) => types.some((t) => kinds.includes(t));
  if (hasFunding(p) && !named('Common Funder', 'Direct Transfer')) kinds.push('Funding');
  if (((Array.isArray(e.bundle) && e.bundle.length > 0) || (Array.isArray(e.bundles) && e.bundles.length > 0) || (finite(p.scores?.bundle) ?? 0) > 0) && !named('Same-Block Buying')) kinds.push('Bundle');
  if (((Array.isArray(e.rareTokens) && e.rareTokens.length > 0) || (Array.isArray(e.rarity) && e.rarity.length > 0)) && !named('Rare Tokens')) kinds.push('Rare Tokens');
  return kinds;
}
