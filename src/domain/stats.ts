// Small numeric helpers; each name says exactly which statistic it is.

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median (middle value, mean of the two middle values for an even count). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Percentile with linear interpolation between closest ranks (p in [0, 100]). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/**
 * −log10 P(X ≥ k) for X ~ Poisson(λ): 0 when k ≤ λ. Summed in log space from the k-th term (the
 * terms fall at least as fast as λ / (k + 1) from there), exact enough for any k and λ.
 */
export function poissonTailDigits(k: number, lambda: number): number {
  if (k <= 0 || k <= lambda) return 0;
  if (lambda <= 0) return Infinity;
  let logTerm = -lambda + k * Math.log(lambda) - logFactorial(k);
  let logSum = logTerm;
  for (let i = k + 1; i < k + 1000; i++) {
    logTerm += Math.log(lambda / i);
    const next = logSum + Math.log1p(Math.exp(logTerm - logSum));
    if (next - logSum < 1e-12) break;
    logSum = next;
  }
  return Math.max(0, -logSum / Math.LN10);
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/**
 * P(X ≥ k) for X ~ Poisson(λ): from the tail's digits where it is small (k > λ), else 1 − the
 * distribution function below k.
 */
export function poissonTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  if (k > lambda) return 10 ** -poissonTailDigits(k, lambda);
  let term = Math.exp(-lambda);
  let below = 0;
  for (let i = 0; i < k; i++) {
    below += term;
    term *= lambda / (i + 1);
  }
  return clamp01(1 - below);
}

/**
 * −log10 of the chance of two independent tests as improbable together as digits `a` and `b`
 * (Fisher's method for two: P(p₁·p₂ ≤ x) = x·(1 − ln x) for uniform p₁, p₂): the sum of the digits,
 * less Fisher's correction, log10(1 + (a + b)·ln 10) (many pairs of chances multiply to as little);
 * at least 0.
 */
export function jointDigits(a: number, b: number): number {
  const s = Math.max(0, a) + Math.max(0, b);
  return Math.max(0, s - Math.log10(1 + s * Math.LN10));
}
