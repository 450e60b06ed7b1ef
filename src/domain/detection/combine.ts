// One relatedness score per pair in which evidence of coordination dominates, with each signal's
// contribution (docs/analytics.md, "Detection v2 signals", relatedness).

/** Signal scores of one pair, each in [0, 1]; null or absent when the signal does not apply. */
export interface PairSignals {
  funding?: number | null;
  bundle?: number | null;
  timing?: number | null;
  /** rarity-weighted token overlap (`rarityOverlap(...).score`) */
  rarity?: number | null;
  /** trading-style similarity (the engine's `behavior` metric) */
  behavior?: number | null;
}

export type SignalName = keyof PairSignals;

/**
 * Coordination signals (funding, bundles, timing) each count up to their weight and combine as a
 * noisy-OR, so one strong link is enough and several add up. Similarity signals (rare tokens in
 * common, trading style) only support: their weighted mean enters with at most `supportCap`, so
 * two wallets that merely look alike never score above 0.3 (below any cluster threshold), while
 * coordination alone reaches 0.9. Provisional values, to be tuned with `npm run bench:detection`
 * on the generator's ground truth (average precision of `relatedness` over the seeds).
 */
export const RELATEDNESS_WEIGHTS = {
  funding: 0.9,
  bundle: 0.9,
  timing: 0.9,
  /** within the support term */
  rarity: 0.7,
  behavior: 0.3,
  /** the support term's largest share of the score */
  supportCap: 0.3,
} as const;

export interface Relatedness {
  score: number;
  /** per signal, its share of `score` (they sum to `score`); absent signals are 0 */
  contributions: Record<SignalName, number>;
  /** the signal with the largest contribution, null when the score is 0 */
  strongest: SignalName | null;
}

/**
 * relatedness = 1 − Π over coordination signals (1 − w·s) × (1 − supportCap·support), where support
 * = weighted mean of rarity and behavior over those present. Contributions split the score in
 * proportion to each term's −ln(1 − term), so they sum exactly to the score.
 */
export function relatedness(signals: PairSignals, weights: Partial<typeof RELATEDNESS_WEIGHTS> = NO_OVERRIDES): Relatedness {
  // scalar code on purpose: this runs once per pair (500,000 pairs for 1,000 wallets)
  const w = weights === NO_OVERRIDES ? RELATEDNESS_WEIGHTS : { ...RELATEDNESS_WEIGHTS, ...weights };
  const funding = term(signals.funding, w.funding);
  const bundle = term(signals.bundle, w.bundle);
  const timing = term(signals.timing, w.timing);
  const rarity = signals.rarity === null || signals.rarity === undefined ? -1 : clampUnit(signals.rarity) * w.rarity;
  const behavior = signals.behavior === null || signals.behavior === undefined ? -1 : clampUnit(signals.behavior) * w.behavior;
  const supportWeight = (rarity >= 0 ? w.rarity : 0) + (behavior >= 0 ? w.behavior : 0);
  const supportSum = Math.max(0, rarity) + Math.max(0, behavior);
  const support = supportWeight > 0 ? Math.min((w.supportCap * supportSum) / supportWeight, MAX_TERM) : 0;
  const lf = -Math.log1p(-funding);
  const lb = -Math.log1p(-bundle);
  const lt = -Math.log1p(-timing);
  const ls = -Math.log1p(-support);
  const total = lf + lb + lt + ls;
  const score = -Math.expm1(-total);
  const k = total > 0 ? score / total : 0;
  const supportShare = supportSum > 0 ? (k * ls) / supportSum : 0;
  const contributions: Record<SignalName, number> = {
    funding: k * lf,
    bundle: k * lb,
    timing: k * lt,
    rarity: supportShare * Math.max(0, rarity),
    behavior: supportShare * Math.max(0, behavior),
  };
  let strongest: SignalName | null = null;
  let top = 0;
  for (const n of SIGNAL_ORDER) {
    if (contributions[n] > top) {
      top = contributions[n];
      strongest = n;
    }
  }
  return { score, contributions, strongest };
}

/**
 * `relatedness(...).score` without the contributions, for the many pairs whose evidence is not
 * shown: the same arithmetic in the same order, so the two are equal to the last bit. NaN stands
 * for a null signal.
 */
export function relatednessScore(funding: number, bundle: number, timing: number, rarity: number, behavior: number): number {
  const w = RELATEDNESS_WEIGHTS;
  const f = Number.isNaN(funding) ? 0 : Math.min(clampUnit(funding) * w.funding, MAX_TERM);
  const b = Number.isNaN(bundle) ? 0 : Math.min(clampUnit(bundle) * w.bundle, MAX_TERM);
  const t = Number.isNaN(timing) ? 0 : Math.min(clampUnit(timing) * w.timing, MAX_TERM);
  const r = Number.isNaN(rarity) ? -1 : clampUnit(rarity) * w.rarity;
  const be = Number.isNaN(behavior) ? -1 : clampUnit(behavior) * w.behavior;
  const supportWeight = (r >= 0 ? w.rarity : 0) + (be >= 0 ? w.behavior : 0);
  const supportSum = Math.max(0, r) + Math.max(0, be);
  const support = supportWeight > 0 ? Math.min((w.supportCap * supportSum) / supportWeight, MAX_TERM) : 0;
  // a zero term adds −0: skipping it leaves the sum unchanged to the last bit
  let total = f > 0 ? -Math.log1p(-f) : -0;
  if (b > 0) total += -Math.log1p(-b);
  if (t > 0) total += -Math.log1p(-t);
  total += -Math.log1p(-support);
  return -Math.expm1(-total);
}

const NO_OVERRIDES = {};
const MAX_TERM = 1 - 1e-12;
const SIGNAL_ORDER: readonly SignalName[] = ['funding', 'bundle', 'timing', 'rarity', 'behavior'];

function term(score: number | null | undefined, weight: number): number {
  return score === null || score === undefined ? 0 : Math.min(clampUnit(score) * weight, MAX_TERM);
}

function clampUnit(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
