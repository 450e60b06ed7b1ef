// Pair scores for unit tests: every score null unless given.
import type { PairScores } from '../similarity/types';

export function scores(given: Partial<PairScores> = {}): PairScores {
  return { capital: null, binary: null, jaccardTraded: null, jaccardHeld: null, behavior: null, timing: null, funding: null, bundle: null, rarity: null, similarity: null, combined: null, ...given };
}
