// Seeded randomness so every benchmark run sees the same data (the simulator's generator, mulberry32).
export { seededRandom } from '../../src/simulator/keys';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** A base58 string shaped like a Solana address or signature. */
export function base58(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += BASE58[Math.floor(random() * 58)];
  return s;
}

/** Log-normal-ish positive number around `median`. */
export function logNormal(random: () => number, median: number, spread: number): number {
  const u = Math.max(1e-12, random());
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return median * Math.exp(spread * z);
}

/** Sampler of indices 0..n-1 with Zipf weights 1 / (rank + 1)^s (binary search over the CDF). */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / Math.pow(i + 1, s);
    cdf[i] = total;
  }
  return () => {
    const x = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
