// The metric formulas. Each returns null where the metric is undefined for the pair; the caller
// attaches the reason (see compute.ts).

/** Cosine of two non-negative vectors from their dot product and norms; null if either is all zeros. */
export function cosine(dot: number, normA: number, normB: number): number | null {
  if (normA === 0 || normB === 0) return null;
  return clampScore(dot / (normA * normB));
}

/** Ochiai: cosine of indicator vectors = |A∩B| / √(|A|·|B|); null if either set is empty. */
export function ochiai(sizeA: number, sizeB: number, shared: number): number | null {
  if (sizeA === 0 || sizeB === 0) return null;
  return clampScore(shared / Math.sqrt(sizeA * sizeB));
}

/** Jaccard |A∩B| / |A∪B|; an empty union is undefined (null), never 1. */
export function jaccard(sizeA: number, sizeB: number, shared: number): number | null {
  const union = sizeA + sizeB - shared;
  if (union === 0) return null;
  return clampScore(shared / union);
}

/** Co-trading share: co-traded trades of both wallets / all their trades; null if a side has none. */
export function coTradingShare(coA: number, coB: number, tradesA: number, tradesB: number): number | null {
  if (tradesA === 0 || tradesB === 0) return null;
  return clampScore((coA + coB) / (tradesA + tradesB));
}

/** Behavior: cosine of unit z-score vectors mapped from [-1, 1] to [0, 1] as (1 + cos) / 2. */
export function behaviorSimilarity(a: Float64Array | null, b: Float64Array | null): number | null {
  if (a === null || b === null) return null;
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return clampScore((1 + dot) / 2);
}

export function clampScore(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** One implementation of co-trade counting, the row kernel's, which all-pairs similarity runs. */
export { countNear } from './kernel';
