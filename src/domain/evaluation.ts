// How well detection matches ground truth: pairwise precision/recall/F1 of clusters against known
// groups, and how well one pair score ranks related pairs above unrelated ones (ROC-AUC, average
// precision, unrelated pairs above the median related pair). Used by `npm run bench:detection`.
//
// A null score (the metric had nothing to compare for the pair) ranks BELOW every number and ties
// with the other nulls: "no evidence" is the weakest evidence, and dropping those pairs instead would
// flatter a metric that is null exactly where it cannot tell.

/** Unordered pair key; `a` and `b` in any order. */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Every unordered pair inside each group, as pairKey strings (a wallet in two groups counts in both). */
export function pairsWithin(groups: readonly (readonly string[])[]): Set<string> {
  const out = new Set<string>();
  for (const group of groups) {
    const members = [...new Set(group)];
    for (let i = 0; i < members.length; i++) for (let j = i + 1; j < members.length; j++) out.add(pairKey(members[i], members[j]));
  }
  return out;
}

export interface ClusterAgreement {
  /** pairs put in the same cluster that are in the same ground-truth group */
  truePositives: number;
  /** pairs put in the same cluster */
  predictedPairs: number;
  /** pairs in the same ground-truth group */
  relatedPairs: number;
  /** truePositives / predictedPairs; null when no pair was clustered */
  precision: number | null;
  /** truePositives / relatedPairs; null when the truth has no related pair */
  recall: number | null;
  /** 2·TP / (2·TP + FP + FN) (the harmonic mean when both are defined); null when both counts are 0 */
  f1: number | null;
}

/** Pairwise agreement of predicted clusters with ground-truth groups (wallets in neither are singletons). */
export function clusterAgreement(predicted: readonly (readonly string[])[], truth: readonly (readonly string[])[]): ClusterAgreement {
  const p = pairsWithin(predicted);
  const t = pairsWithin(truth);
  let tp = 0;
  for (const key of p) if (t.has(key)) tp += 1;
  const fp = p.size - tp;
  const fn = t.size - tp;
  return {
    truePositives: tp,
    predictedPairs: p.size,
    relatedPairs: t.size,
    precision: p.size === 0 ? null : tp / p.size,
    recall: t.size === 0 ? null : tp / t.size,
    f1: p.size + t.size === 0 ? null : (2 * tp) / (2 * tp + fp + fn),
  };
}

export interface LabelledScore {
  score: number | null;
  related: boolean;
}

/** Null ranks below every number (see the file comment). */
const rankValue = (s: number | null): number => (s === null || Number.isNaN(s) ? Number.NEGATIVE_INFINITY : s);
/** Ascending; safe for −∞ (a subtraction would give NaN for two of them). */
const ascending = (a: number, b: number): number => (a === b ? 0 : a < b ? -1 : 1);

/**
 * ROC-AUC: the probability that a random related pair scores above a random unrelated one, ties
 * (nulls included) counting one half (Mann-Whitney U / (P·N)). Null without both classes.
 */
export function rocAuc(items: readonly LabelledScore[]): number | null {
  const sorted = items.map((x) => ({ v: rankValue(x.score), related: x.related })).sort((a, b) => ascending(a.v, b.v));
  const positives = sorted.filter((x) => x.related).length;
  const negatives = sorted.length - positives;
  if (positives === 0 || negatives === 0) return null;
  // walk tie groups upwards: each related pair beats every unrelated pair below its group and half of those in it
  let negativesBelow = 0;
  let wins = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let pos = 0;
    let neg = 0;
    while (j < sorted.length && sorted[j].v === sorted[i].v) {
      if (sorted[j].related) pos += 1;
      else neg += 1;
      j += 1;
    }
    wins += pos * (negativesBelow + neg / 2);
    negativesBelow += neg;
    i = j;
  }
  return wins / (positives * negatives);
}

/**
 * Average precision: Σ over score thresholds, highest first, of (recall gained) × (precision at that
 * threshold). Pairs with equal scores (and all nulls) enter together as one threshold, so the order
 * inside a tie does not matter. Null without a related pair.
 */
export function averagePrecision(items: readonly LabelledScore[]): number | null {
  const sorted = items.map((x) => ({ v: rankValue(x.score), related: x.related })).sort((a, b) => ascending(b.v, a.v));
  const positives = sorted.filter((x) => x.related).length;
  if (positives === 0) return null;
  let seen = 0;
  let hits = 0;
  let ap = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    let pos = 0;
    while (j < sorted.length && sorted[j].v === sorted[i].v) {
      if (sorted[j].related) pos += 1;
      j += 1;
    }
    seen += j - i;
    hits += pos;
    ap += (pos / positives) * (hits / seen);
    i = j;
  }
  return ap;
}

/** Median of numbers where null counts as −∞ (the mean of the two middle values for an even count). */
function medianWithNulls(values: readonly (number | null)[]): number {
  const v = values.map(rankValue).sort(ascending);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 === 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

export interface AboveMedian {
  /** median score of the related pairs; null when there are none or the median is a null score */
  medianRelated: number | null;
  /** unrelated pairs scoring strictly above it (a null median: every unrelated pair with a score) */
  count: number;
  unrelated: number;
}

/** How many unrelated pairs score strictly above the median related pair. */
export function unrelatedAboveMedianRelated(items: readonly LabelledScore[]): AboveMedian {
  const related = items.filter((x) => x.related).map((x) => x.score);
  const unrelated = items.filter((x) => !x.related);
  if (related.length === 0) return { medianRelated: null, count: 0, unrelated: unrelated.length };
  const median = medianWithNulls(related);
  const count = unrelated.filter((x) => rankValue(x.score) > median).length;
  return { medianRelated: Number.isFinite(median) ? median : null, count, unrelated: unrelated.length };
}

export interface ScoreEvaluation {
  rocAuc: number | null;
  averagePrecision: number | null;
  aboveMedian: AboveMedian;
  /** pairs whose score is null, per class */
  nullRelated: number;
  nullUnrelated: number;
}

export function evaluateScore(items: readonly LabelledScore[]): ScoreEvaluation {
  return {
    rocAuc: rocAuc(items),
    averagePrecision: averagePrecision(items),
    aboveMedian: unrelatedAboveMedianRelated(items),
    nullRelated: items.filter((x) => x.related && x.score === null).length,
    nullUnrelated: items.filter((x) => !x.related && x.score === null).length,
  };
}
