// The 3-wallet groups of bench:e2e's burst, drawn in a seeded order so every run sends the same ones.
import { seededRandom } from '../../src/domain/random';

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const order = [...items];
  const random = seededRandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** `count` groups of three different wallets of `pool`, any three, in the seed's order (repeating when every combination was sent). */
export function triples(pool: readonly string[], count: number, seed: number): string[][] {
  const all: string[][] = [];
  for (let i = 0; i < pool.length; i++) for (let j = i + 1; j < pool.length; j++) for (let k = j + 1; k < pool.length; k++) all.push([pool[i], pool[j], pool[k]]);
  const order = shuffled(all, seed);
  return Array.from({ length: count }, (_, i) => order[i % order.length]);
}

/** `count` groups of three wallets of `pool` that share no wallet while the pool lasts (⌊pool/3⌋ groups, then again from the first). */
export function disjointTriples(pool: readonly string[], count: number, seed: number): string[][] {
  const order = shuffled(pool, seed);
  const groups = Math.floor(order.length / 3);
  if (groups === 0) throw new Error(`disjoint groups of 3 need at least 3 wallets (got ${order.length})`);
  return Array.from({ length: count }, (_, i) => order.slice((i % groups) * 3, (i % groups) * 3 + 3));
}
