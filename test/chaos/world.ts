// The chaos suite's small world and its plan of overlapping analyses, both fixed by a seed, so every
// scenario asks exactly what the clean run asked.
import { generateWorld } from '../../src/simulator';
import { seededRandom } from '../../src/simulator/keys';

export const CHAOS_SEED = Number(process.env.CHAOS_SEED ?? 10);

export const WORLD = generateWorld({ seed: 1010, wallets: 24, txPerWallet: 100, largeWallet: false, name: 'chaos' });
export const WALLETS = (WORLD.wallets as Array<{ address: string }>).map((w) => w.address);

/** Slow enough history pages that faults land while syncs are under way. */
export const SIM_LATENCY = { 'helius:history': 400, default: 30 };

export interface PlannedAnalysis {
  /** the same index in every scenario: results are compared index by index with the clean run */
  index: number;
  wallets: string[];
  /** when the client asks for it, after the scenario's start */
  startAtMs: number;
}

/** `count` analyses of 3 to 6 wallets each drawn from the world's wallets, so most wallets are shared. */
export function overlappingAnalyses(count = 20, seed = CHAOS_SEED): PlannedAnalysis[] {
  const rng = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const size = 3 + Math.floor(rng() * 4);
    const pool = [...WALLETS];
    const wallets: string[] = [];
    while (wallets.length < size) wallets.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
    return { index, wallets: wallets.sort(), startAtMs: index * 300 };
  });
}

/** Seeded moments in [fromMs, toMs), ascending. */
export function randomMoments(count: number, fromMs: number, toMs: number, seed = CHAOS_SEED): number[] {
  const rng = seededRandom(seed * 7919 + count);
  return Array.from({ length: count }, () => Math.round(fromMs + rng() * (toMs - fromMs))).sort((a, b) => a - b);
}
