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
  /** pairs of the whole analysis; more than `pairs.length` when the result lists only the strongest */
  pairCount: number;
  /** every pair is in `pairs`; false: the rest are read a page at a time (GET /v1/analyses/{id}/pairs) */
  pairsComplete: boolean;
}

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

export function resultView(result: SimilarityResult | null | undefined, wallets: readonly string[] = []): ResultView {
  const r = (result ?? {}) as Record<string, unknown>;
  const pairs = arr<Pair>(r.pairs).filter((p) => p && typeof p.walletA === 'string' && typeof p.walletB === 'string');
  const gm = (r.globalMetrics ?? {}) as { combinedHistogram?: unknown; pairCount?: unknown };
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
    ...pairTotals(r, gm.pairCount, pairs.length),
  };
}

/** How many pairs the analysis has and whether the result lists them all (results before topPairs always did). */
function pairTotals(r: Record<string, unknown>, metricsCount: unknown, listed: number): { pairCount: number; pairsComplete: boolean } {
  const pairCount = Math.max(listed, finite(r.pairCount) ?? finite(metricsCount) ?? listed);
  return { pairCount, pairsComplete: r.pairsComplete !== false && pairCount <= listed };
}

/** Above this many wallets the heatmap and the graph draw only a focus: clustered wallets and the top pairs. */
export const GROUP_VIEW_MAX_WALLETS = 100;

export interface GroupFocus {
  view: ResultView;
  /** what is left out, to say on the page; null when everything is drawn */
  note: string | null;
}

/**
 * The wallets and pairs the heatmap and the graph draw. A small group with every pair: all of it.
 * Otherwise at most `max` wallets, those of the clusters first (largest cluster first), then those of
 * the strongest listed pairs; and only the listed pairs among them.
 */
export function groupFocus(view: ResultView, max = GROUP_VIEW_MAX_WALLETS): GroupFocus {
  const big = view.wallets.length > max;
  if (!big && view.pairsComplete) return { view, note: null };
  const listed = view.pairsComplete ? '' : ` Only the strongest ${view.pairs.length} of ${view.pairCount} pairs are drawn; the others are blank.`;
  if (!big) return { view, note: listed.trim() };
  const chosen = new Set<string>();
  const { order, clusterOf } = clusterOrder(view);
  for (const w of order) if (chosen.size < max && clusterOf.has(w)) chosen.add(w);
  const clustered = chosen.size;
  for (const p of sortPairs(view.pairs, 'combined', true)) {
    for (const w of [p.walletA as string, p.walletB as string]) if (chosen.size < max) chosen.add(w);
    if (chosen.size >= max) break;
  }
  const wallets = view.wallets.filter((w) => chosen.has(w));
  const pairs = view.pairs.filter((p) => chosen.has(p.walletA as string) && chosen.has(p.walletB as string));
  const note =
    `${view.wallets.length} wallets are too many to draw: showing ${wallets.length}, ` +
    `${clustered > 0 ? `the ${clustered} in clusters${wallets.length > clustered ? ' and then those of the strongest pairs' : ''}` : 'those of the strongest pairs'}.${listed}`;
  // clusters cut to the wallets drawn (the cluster list itself reads the whole result); one left with
  // none stays in its place, as a cluster's index in the result is its colour
  const clusters = view.clusters.map((c) => ({ ...c, members: (c.members ?? []).filter((m) => chosen.has(m)) }));
  return { view: { ...view, wallets, pairs, clusters }, note };
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

/**
 * Wallets ordered cluster by cluster (largest first), then the rest; with each wallet's cluster as
 * its index in the result (the engine lists clusters by confidence), the key of the cluster's colour
 * in the cluster list, the heatmap and the graph alike.
 */
export function clusterOrder(view: ResultView): { order: string[]; clusterOf: Map<string, number> } {
  const clusterOf = new Map<string, number>();
  const bySize = view.clusters.map((c, i) => ({ members: c.members ?? [], i })).sort((a, b) => b.members.length - a.members.length);
  const order: string[] = [];
  bySize.forEach(({ members, i }) => {
    for (const m of members) {
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
  if (hasFunding(p) && !named('Common Funder', 'Common Collector', 'Fee Payer', 'NFT Wash Trading', 'Direct Transfer', 'Indirect Transfer')) kinds.push('Funding');
  if (((Array.isArray(e.bundle) && e.bundle.length > 0) || (Array.isArray(e.bundles) && e.bundles.length > 0) || (finite(p.scores?.bundle) ?? 0) > 0) && !named('Same-Block Buying') && !named('Bought Within Seconds')) kinds.push('Bundle');
  if (((Array.isArray(e.rareTokens) && e.rareTokens.length > 0) || (Array.isArray(e.rarity) && e.rarity.length > 0)) && !named('Rare Tokens')) kinds.push('Rare Tokens');
  return kinds;
}

/**
 * The wallet of the group a filter text names, for the API's `wallet` filter (which takes one whole
 * address of the group): the address itself, or the only wallet containing the text. Else why not.
 */
export function walletOfFilter(wallets: readonly string[], text: string): { wallet: string | null; issue: string | null } {
  const q = text.trim();
  if (!q) return { wallet: null, issue: null };
  if (wallets.includes(q)) return { wallet: q, issue: null };
  // part of an address, or the short form the list shows ("7xKX…gAsU")
  const [head, tail] = q.includes('…') ? q.split('…') : [q, ''];
  const found = wallets.filter((w) => (tail ? w.startsWith(head) && w.endsWith(tail) : w.includes(q)));
  if (found.length === 1) return { wallet: found[0], issue: null };
  return { wallet: null, issue: found.length === 0 ? 'No wallet of this group matches.' : `${found.length} wallets match: type more of the address.` };
}
