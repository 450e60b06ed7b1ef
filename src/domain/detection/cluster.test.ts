import type { WeightedPair } from './cluster';
import { clusterPairs } from './cluster';

const allPairs = (members: string[], score: number): WeightedPair[] =>
  members.flatMap((a, i) => members.slice(i + 1).map((b) => ({ a, b, score })));

describe('clusterPairs', () => {
  it('keeps two tight groups apart although one strong pair bridges them (no chaining)', () => {
    const g1 = ['A1', 'A2', 'A3', 'A4'];
    const g2 = ['B1', 'B2', 'B3', 'B4'];
    const pairs = [...allPairs(g1, 0.8), ...allPairs(g2, 0.85), { a: 'A4', b: 'B1', score: 0.7 }];
    const clusters = clusterPairs([...g1, ...g2, 'LONER'], pairs);
    expect(clusters.map((c) => c.members)).toEqual([g2, g1]);
    expect(clusters[0].confidence).toBeCloseTo(0.85, 12);
    expect(clusters[0].density).toBe(1);
    expect(clusters[0].binding).toHaveLength(5);
  });

  it('forms no cluster from a crowd of weak links under the edge threshold', () => {
    const crowd = Array.from({ length: 10 }, (_, i) => `P${i}`);
    expect(clusterPairs(crowd, allPairs(crowd, 0.25))).toEqual([]);
  });

  it('lets go of a member linked to only one of many members', () => {
    const g = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
    const pairs = [...allPairs(g, 0.9), { a: 'C1', b: 'HANGER', score: 0.35 }];
    const [cluster, ...rest] = clusterPairs([...g, 'HANGER'], pairs);
    expect(rest).toEqual([]);
    expect(cluster.members).toEqual(g);
    expect(cluster.weakestMemberLink).toBeCloseTo(0.9, 12);
  });

  it('gives the same clusters whatever the order of wallets and pairs', () => {
    const g1 = ['A1', 'A2', 'A3'];
    const g2 = ['B1', 'B2', 'B3'];
    const pairs = [...allPairs(g1, 0.6), ...allPairs(g2, 0.9), { a: 'A1', b: 'B1', score: 0.4 }];
    const one = clusterPairs([...g1, ...g2], pairs);
    const two = clusterPairs([...g2, ...g1].reverse(), [...pairs].reverse().map((p) => ({ a: p.b, b: p.a, score: p.score })));
    expect(two.map((c) => [c.members, c.confidence])).toEqual(one.map((c) => [c.members, c.confidence]));
    expect(one.map((c) => c.members)).toEqual([g2, g1]);
  });
});
