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
export function relatedness(signals: PairSignals, weights: Partial<typeof RELATEDNESS_WEIGHTS> = {}): Relatedness {
  const w = { ...RELATEDNESS_WEIGHTS, ...weights };
  // each term: the signals it stands for with their shares of it, and its value in [0, 1)
  const terms: Array<{ parts: Array<[SignalName, number]>; value: number }> = [];
  for (const name of ['funding', 'bundle', 'timing'] as const) {
    const s = signals[name];
    if (s !== null && s !== undefined) terms.push({ parts: [[name, 1]], value: clampUnit(s) * w[name] });
  }
  let supportSum = 0;
  let supportWeight = 0;
  const support: Array<[SignalName, number]> = [];
  for (const name of ['rarity', 'behavior'] as const) {
    const s = signals[name];
    if (s === null || s === undefined) continue;
    supportSum += clampUnit(s) * w[name];
    supportWeight += w[name];
    support.push([name, clampUnit(s) * w[name]]);
  }
  if (supportWeight > 0 && supportSum > 0) {
    terms.push({ parts: support.map(([n, v]) => [n, v / supportSum]), value: (w.supportCap * supportSum) / supportWeight });
  }

  let miss = 1;
  let totalLog = 0;
  const logs = terms.map(({ value }) => {
    const t = Math.min(value, 1 - 1e-12);
    miss *= 1 - t;
    const l = -Math.log(1 - t);
    totalLog += l;
    return l;
  });
  const score = 1 - miss;
  const contributions: Record<SignalName, number> = { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 };
  if (totalLog > 0) {
    terms.forEach(({ parts }, i) => {
      const share = (score * logs[i]) / totalLog;
      for (const [n, part] of parts) contributions[n] += share * part;
    });
  }
  let strongest: SignalName | null = null;
  for (const n of Object.keys(contributions) as SignalName[]) {
    if (contributions[n] > 0 && (strongest === null || contributions[n] > contributions[strongest])) strongest = n;
  }
  return { score, contributions, strongest };
}

function clampUnit(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
