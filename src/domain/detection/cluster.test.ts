import { seededRandom } from '../random';
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

  it('keeps a group that is the graph’s only structure whole (Louvain alone cuts it where pairs happen to be missing)', () => {
    // a token's holders dominated by one operator: 10 wallets, about 80% of their pairs strong
    // links, the others at the weak style-only level, and 20 unlinked holders beside them
    const operator = Array.from({ length: 10 }, (_, i) => `OP${i}`);
    const others = Array.from({ length: 20 }, (_, i) => `H${String(i).padStart(2, '0')}`);
    let splitWithoutMerge = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const random = seededRandom(seed);
      const pairs = allPairs(operator, 0).map((p) => ({ ...p, score: random() < 0.8 ? 0.85 + 0.1 * random() : 0.09 }));
      const clusters = clusterPairs([...operator, ...others], pairs);
      expect(clusters.map((c) => c.members)).toEqual([operator]);
      if (clusterPairs([...operator, ...others], pairs, { minMergeDensity: 2 }).length > 1) splitWithoutMerge++;
    }
    expect(splitWithoutMerge).toBeGreaterThanOrEqual(5);
  });

  it('does not merge two groups that share only a few strong cross pairs', () => {
    const g1 = ['A1', 'A2', 'A3', 'A4', 'A5'];
    const g2 = ['B1', 'B2', 'B3', 'B4', 'B5'];
    // 6 of 25 cross pairs strong: under half
    const bridges = [['A1', 'B1'], ['A1', 'B2'], ['A2', 'B1'], ['A3', 'B3'], ['A4', 'B4'], ['A5', 'B5']].map(([a, b]) => ({ a, b, score: 0.5 }));
    const clusters = clusterPairs([...g1, ...g2], [...allPairs(g1, 0.9), ...allPairs(g2, 0.8), ...bridges]);
    expect(clusters.map((c) => c.members)).toEqual([g1, g2]);
  });

  it('makes no cluster of an edge under minMemberMeanLink, and one of an edge at it', () => {
    expect(clusterPairs(['A', 'B'], [{ a: 'A', b: 'B', score: 0.19 }], { minEdge: 0.1 })).toEqual([]);
    expect(clusterPairs(['A', 'B'], [{ a: 'A', b: 'B', score: 0.21 }], { minEdge: 0.1 }).map((c) => c.members)).toEqual([['A', 'B']]);
  });

  it('does not gather the spokes of a hub: a bot linked to many unrelated users, who share only weak links', () => {
    const users = Array.from({ length: 12 }, (_, i) => `U${String(i).padStart(2, '0')}`);
    const pairs = [...users.map((u) => ({ a: 'BOT', b: u, score: 0.93 })), ...allPairs(users, 0.08)];
    const clusters = clusterPairs(['BOT', ...users], pairs);
    // at most the bot and three users: each user's one edge (to the bot) is a third of its three
    // partners, the least minMemberEdgeShare allows
    for (const c of clusters) expect(c.members.length).toBeLessThanOrEqual(4);
    expect(clusters.flatMap((c) => c.members)).toContain('BOT');
    // counting the weak links and no edge share, the hub gathered more of its spokes
    const loose = clusterPairs(['BOT', ...users], pairs, { minMemberEdgeShare: 0, minMemberMeanLink: 0.15 });
    expect(Math.max(...loose.map((c) => c.members.length))).toBeGreaterThan(4);
  });
});

