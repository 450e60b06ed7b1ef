import { disjointTriples, triples } from '../../../bench/lib/burst-groups';

const pool = Array.from({ length: 10 }, (_, i) => `w${i}`);

describe("bench:e2e's burst groups", () => {
  it('triples: three different wallets each, every combination once before any repeats, the same for the same seed', () => {
    const groups = triples(pool, 130, 7);
    expect(groups.every((g) => new Set(g).size === 3 && g.every((w) => pool.includes(w)))).toBe(true);
    const firstRound = new Set(groups.slice(0, 120).map((g) => g.join()));
    expect(firstRound.size).toBe(120); // C(10, 3)
    expect(groups.slice(120)).toEqual(groups.slice(0, 10));
    expect(triples(pool, 130, 7)).toEqual(groups);
    expect(triples(pool, 130, 8)).not.toEqual(groups);
  });

  it('disjointTriples: no wallet in two groups until the pool is used up, then the same groups again', () => {
    const groups = disjointTriples(pool, 5, 3);
    const firstThree = groups.slice(0, 3).flat();
    expect(new Set(firstThree).size).toBe(9);
    expect(groups[3]).toEqual(groups[0]);
    expect(groups[4]).toEqual(groups[1]);
    expect(disjointTriples(pool, 5, 3)).toEqual(groups);
  });

  it('disjointTriples refuses a pool of fewer than 3 wallets', () => {
    expect(() => disjointTriples(['a', 'b'], 1, 1)).toThrow('at least 3 wallets');
  });
});
