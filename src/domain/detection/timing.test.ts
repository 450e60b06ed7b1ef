import type { SwapLeg } from '../swaps/types';
import { buy, sell } from '../testing/legs';
import { seededRandom as rng } from '../random';
import { computeSimilarity } from '../similarity/compute';
import { jointDigits, poissonTailDigits } from '../stats';
import { TIMING_DEFAULTS, crowdedLaunches, timingForPair, timingLinks, tradeIndex } from './timing';

const T0 = 1_710_000_000;
const DAY = 86_400;

/** A leader's round trips: 11 tokens, each bought then sold 2 h later, one every 6 h → 22 trades. */
function leaderTrades(wallet: string): SwapLeg[] {
  const legs: SwapLeg[] = [];
  for (let k = 0; k < 11; k++) {
    const t = T0 + k * 6 * 3600;
    legs.push(buy({ wallet, mint: `TOK${k}`, t, raw: 1000, sol: 1 }), sell({ wallet, mint: `TOK${k}`, t: t + 7200, raw: 1000, sol: 1.2 }));
  }
  return legs;
}

/** `wallet`'s copy of `leg`, `lag` seconds later */
const copyOf = (leg: SwapLeg, wallet: string, lag: number): SwapLeg => (leg.direction === 'buy' ? buy : sell)({ wallet, mint: leg.mint, t: leg.timestamp + lag, raw: 1, sol: 1 });

/** The timing score of wallets A and B in computeSimilarity: the kernel's bound must not skip a pair that scores. */
const engineTiming = (leader: SwapLeg[], follower: SwapLeg[]): number | null =>
  computeSimilarity({ wallets: [{ address: 'A', legs: leader, holdings: {} }, { address: 'B', legs: follower, holdings: {} }] }).pairs[0].scores.timing;

describe('timingForPair', () => {
  it('finds a copy-trader 10 min behind at 10× the size, skipping some trades and adding its own', () => {
    const random = rng(7);
    const leader = leaderTrades('A');
    const follower: SwapLeg[] = [];
    leader.forEach((l, i) => {
      if (i % 4 === 3 && i < 20) return; // skips 5 of 22
      const lag = 540 + Math.floor(random() * 120); // 9–11 min
      const make = l.direction === 'buy' ? buy : sell;
      follower.push(make({ wallet: 'B', mint: l.mint, t: l.timestamp + lag, raw: 10_000, sol: l.solValue * 10 }));
    });
    for (let k = 0; k < 8; k++) follower.push(buy({ wallet: 'B', mint: `OWN${k}`, t: T0 + k * 5 * 3600 + 999, raw: 5, sol: 3 }));
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.leader).toBe('A');
    expect(r.follower).toBe('B');
    expect(r.forward.matched).toBe(17);
    expect(r.forward.leaderTrades).toBe(22);
    expect(r.forward.followerTrades).toBe(25);
    expect(r.forward.medianLagSeconds).toBeGreaterThanOrEqual(540);
    expect(r.forward.medianLagSeconds).toBeLessThanOrEqual(660);
    expect(r.summary).toBe('B follows A by about 10 min on 17 of 22 trades');
    expect(r.score).toBeGreaterThan(0.6);
    expect(r.backward.matched).toBe(0);
    expect(r.evidence).toHaveLength(5);
    expect(r.evidenceOmitted).toBe(12);
    for (const e of r.evidence) expect(e.lagSeconds).toBeGreaterThanOrEqual(540);
  });

  it('finds a copier whose copies are a fifth of its trades: 20 at a steady 15 s lag are not chance, whatever else it trades', () => {
    const random = rng(3);
    const own = (wallet: string): SwapLeg[] =>
      Array.from({ length: 80 }, (_, k) => (k % 2 === 0 ? buy : sell)({ wallet, mint: `${wallet}-OWN${k % 40}`, t: T0 + Math.floor(random() * 30 * DAY), raw: 1, sol: 1 }));
    const leader = own('A');
    const follower = own('B');
    for (let k = 0; k < 10; k++) {
      const t = T0 + Math.floor(random() * 30 * DAY);
      for (const [make, at] of [[buy, t], [sell, t + 3600]] as const) {
        leader.push(make({ wallet: 'A', mint: `PLAY${k}`, t: at, raw: 1, sol: 0.5 }));
        follower.push(make({ wallet: 'B', mint: `PLAY${k}`, t: at + 15, raw: 1, sol: 0.5 }));
      }
    }
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.summary).toBe('B follows A by about 15 s on 20 of 100 trades');
    // by coverage alone (20 of 100 trades) this would score about 0.2
    expect(r.forward.leaderCoverage).toBeCloseTo(0.2, 12);
    expect(r.forward.improbability).toBeGreaterThan(12);
    expect(r.score).toBeGreaterThan(0.75);
    // the similarity kernel skips pairs by an upper bound of this score (its lag peaks): it must hold here too
    expect(engineTiming(leader, follower)).toBe(r.score);
  });

  it('finds a diluted copier: 7 of the leader\'s 150 trades copied, buys 15 s and sales 30 s behind, among 100 trades of its own', () => {
    const random = rng(11);
    const trades = (wallet: string, prefix: string, count: number): SwapLeg[] =>
      Array.from({ length: count }, (_, k) => (k % 2 === 0 ? buy : sell)({ wallet, mint: `${prefix}${k >> 1}`, t: T0 + Math.floor(random() * 60 * DAY) + (k % 2) * 3600, raw: 1, sol: 1 }));
    const leader = trades('A', 'LEAD', 150);
    // the copies: 5 buys 15 s behind and 2 sales 30 s behind (the buy's delay again)
    const follower = trades('B', 'OWN', 100);
    for (const k of [0, 10, 20, 30, 40, 51, 61]) {
      const l = leader[k];
      follower.push(copyOf(l, 'B', (l.direction === 'buy' ? 15 : 30) + Math.round(random() * 2 - 1)));
    }
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.matched).toBe(7);
    expect(r.forward.leaderCoverage).toBeLessThan(0.05);
    // the buys' lags are packed at their median (5 matches where chance puts a few thousandths), the
    // sales' at theirs (2): the two peaks joined
    expect(r.forward.peakedMatches).toBe(7);
    expect(r.forward.typicalSellLagSeconds).toBeGreaterThanOrEqual(29);
    expect(r.forward.improbability).toBeGreaterThan(8);
    expect(r.score).toBeGreaterThan(0.4);
    expect(r.leader).toBe('A');
    // the similarity kernel's bound must not skip it
    expect(engineTiming(leader, follower)).toBe(r.score);
  });

  it('finds a copier whose buys and sales each pack at their own lag, four of each: too few on either side alone', () => {
    const random = rng(5);
    const leader = leaderTrades('A');
    // its own trades: 40 of 20 tokens the leader never trades
    const follower = Array.from({ length: 40 }, (_, k) => (k % 2 === 0 ? buy : sell)({ wallet: 'B', mint: `OWN${k >> 1}`, t: T0 + Math.floor(random() * 3 * DAY) + (k % 2) * 3600, raw: 1, sol: 1 }));
    // the copies: the buys of tokens 0, 2, 4 and 6 after 20 s, the sales of 1, 3, 5 and 7 after 40 s (± 1 s)
    for (const k of [0, 2, 4, 6]) follower.push(copyOf(leader[2 * k], 'B', 20 + Math.round(random() * 2 - 1)));
    for (const k of [1, 3, 5, 7]) follower.push(copyOf(leader[2 * k + 1], 'B', 40 + Math.round(random() * 2 - 1)));
    // and a sale of its own 25 s after the leader's sale of token 9: nearer the buys' lag than the sales'
    follower.push(copyOf(leader[19], 'B', 25));
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.matched).toBe(9);
    // the buys' peak and the sales' peak, four matches each, joined
    expect(r.forward.peakedMatches).toBe(8);
    expect(r.forward.improbability).toBeGreaterThan(8);
    expect(r.forward.typicalLagSeconds).toBeGreaterThanOrEqual(19);
    expect(r.forward.typicalLagSeconds).toBeLessThanOrEqual(21);
    expect(r.forward.typicalSellLagSeconds).toBeGreaterThanOrEqual(39);
    expect(r.forward.typicalSellLagSeconds).toBeLessThanOrEqual(41);
    // by coverage alone (8 of the leader's 22 trades) about 0.3
    expect(r.score).toBeGreaterThan(0.6);
    expect(r.summary).toMatch(/^B follows A by about 2\d s on buys and 4\d s on sales, on 9 of 22 trades$/);
    // the evidence: the matches nearest their own side's lag (by the buys' lag alone, the sale at 25 s would be among them)
    for (const e of r.evidence) expect(Math.abs(e.lagSeconds - (e.direction === 'buy' ? 20 : 40))).toBeLessThanOrEqual(1);
    expect(engineTiming(leader, follower)).toBe(r.score);
  });

  it('does not join a side with a single match at its peak, nor two sides of four matches in all', () => {
    const leader = leaderTrades('A');
    // 4 buys copied after 20 s and 1 sale after 40 s: the sales have no peak of two
    const follower = [0, 2, 4, 6].map((k) => copyOf(leader[2 * k], 'B', 20));
    follower.push(copyOf(leader[3], 'B', 40));
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.matched).toBe(5);
    expect(r.forward.typicalSellLagSeconds).toBeNull();
    expect(r.forward.peakedMatches).toBe(4);
    // 2 buys after 20 s and 2 sales after 40 s: four in all, under the five the route needs
    const few = [0, 2].map((k) => copyOf(leader[2 * k], 'B', 20)).concat([1, 3].map((k) => copyOf(leader[2 * k + 1], 'B', 40)));
    const r4 = timingForPair(tradeIndex('A', leader), tradeIndex('B', few))!;
    expect(r4.forward.peakedMatches).toBe(2);
    expect(r4.forward.typicalSellLagSeconds).toBeNull();
  });

  it('keeps a peak of five at one lag where it is more improbable than the two sides joined', () => {
    const leader = leaderTrades('A');
    // 5 buys copied after 20 s, and sales of 6 tokens 10 to 20 min after the leader's: a peak of two
    // among them is likely where their lags are so dense, and adds less than the join costs
    const follower = [0, 1, 2, 3, 4].map((k) => copyOf(leader[2 * k], 'B', 20));
    [600, 700, 760, 900, 1000, 1150].forEach((lag, n) => follower.push(copyOf(leader[2 * (5 + n) + 1], 'B', lag)));
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.peakedMatches).toBe(5);
    expect(r.forward.typicalSellLagSeconds).toBeNull();
    expect(r.forward.typicalLagSeconds).toBe(20);
  });

  /** a bot's round trips: 12 tokens, each bought at `at(k)` and sold `hold(k)` seconds later */
  const roundTrips = (wallet: string, at: (k: number) => number, hold: (k: number) => number): SwapLeg[] =>
    Array.from({ length: 12 }, (_, k) => [buy({ wallet, mint: `RT${k}`, t: at(k), raw: 1, sol: 1 }), sell({ wallet, mint: `RT${k}`, t: at(k) + hold(k), raw: 1, sol: 1 })]).flat();

  it('does not count one coincidence twice: two strangers\' bots selling a fixed time after buying pack their sales wherever their buys packed', () => {
    const random = rng(8);
    const starts = Array.from({ length: 12 }, () => T0 + Math.floor(random() * 20 * DAY));
    // A sells every token 1 h after buying it, B 1 h 40 s after; B's buys land 20 s after A's on 3
    // tokens by chance (the rest from 2 to 28 min after): its sales 60 s after A's on those 3
    const lagOf = (k: number) => (k < 3 ? 20 : 120 + Math.floor(random() * 1560));
    const lags = Array.from({ length: 12 }, (_, k) => lagOf(k));
    // each trades 60 round trips of tokens of its own besides: the 12 in common are no copying by coverage
    const own = (wallet: string, hold: number): SwapLeg[] =>
      Array.from({ length: 60 }, (_, k) => {
        const t = T0 + Math.floor(random() * 20 * DAY);
        return [buy({ wallet, mint: `${wallet}-OWN${k}`, t, raw: 1, sol: 1 }), sell({ wallet, mint: `${wallet}-OWN${k}`, t: t + hold, raw: 1, sol: 1 })];
      }).flat();
    const a = [...roundTrips('A', (k) => starts[k], () => 3600), ...own('A', 3600)];
    const b = [...roundTrips('B', (k) => starts[k] + lags[k], () => 3640), ...own('B', 3640)];
    const r = timingForPair(tradeIndex('A', a), tradeIndex('B', b))!;
    expect(r.forward.matched).toBe(24);
    // three buys at 20 s and three sales at 60 s: one coincidence, not two
    expect(r.forward.peakedMatches).toBeLessThan(5);
    expect(r.score).toBeLessThan(0.2);
    // and where the two hold alike, the sales land at the buys' lag: six matches at 20 s, three once
    const alike = timingForPair(tradeIndex('A', a), tradeIndex('B', [...roundTrips('B', (k) => starts[k] + lags[k], () => 3600), ...own('B', 3640)]))!;
    expect(alike.forward.matched).toBe(24);
    expect(alike.forward.peakedMatches).toBeLessThan(5);
    expect(alike.score).toBeLessThan(0.2);
    // and where A trades one of those tokens again days later, B's buy 20 s behind it again: each
    // sale is timed from its own round trip's buy (from the token's first buy, its hold was days)
    const again = (wallet: string, lag: number, hold: number): SwapLeg[] => [buy({ wallet, mint: 'RT0', t: starts[0] + 5 * DAY + lag, raw: 1, sol: 1 }), sell({ wallet, mint: 'RT0', t: starts[0] + 5 * DAY + lag + hold, raw: 1, sol: 1 })];
    const twice = timingForPair(tradeIndex('A', [...a, ...again('A', 0, 3600)]), tradeIndex('B', [...b, ...again('B', 20, 3640)]))!;
    expect(twice.forward.matched).toBe(26);
    expect(twice.forward.peakedMatches).toBeLessThan(5);
    expect(twice.forward.typicalSellLagSeconds).toBeNull();
    // had A held each token for its own time, B's sales packing at one lag after A's would be a copy of its own
    const holds = [3600, 9000, 5400, 12_600];
    const c = [...roundTrips('C', (k) => starts[k], (k) => holds[k % 4]), ...own('C', 3600)];
    const d = [...roundTrips('D', (k) => starts[k] + lags[k], (k) => (k < 3 ? holds[k % 4] + 40 : 3640)), ...own('D', 3640)];
    const r2 = timingForPair(tradeIndex('C', c), tradeIndex('D', d))!;
    expect(r2.forward.peakedMatches).toBe(6);
    expect(r2.forward.improbability).toBeGreaterThan(r.forward.improbability);
  });

  it('names a bot that buys in the leader\'s second and sells 40 s after it a follower, not a wallet trading together with it', () => {
    const random = rng(10);
    const leader = roundTrips('A', (k) => T0 + k * 9 * 3600, () => 3600 + Math.floor(random() * 7 * 3600));
    const follower = [0, 2, 4, 6, 8].flatMap((k) => [copyOf(leader[2 * k], 'B', 1), copyOf(leader[2 * k + 1], 'B', 40)]);
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.typicalLagSeconds).toBe(1);
    expect(r.forward.typicalSellLagSeconds).toBe(40);
    expect(r.simultaneous).toBe(false);
    expect(r.leader).toBe('A');
    expect(r.summary).toBe('B follows A by about 1 s on buys and 40 s on sales, on 10 of 24 trades');
  });

  it('joins the buys and the sales of the same round trips where the leader held each for its own time', () => {
    const random = rng(9);
    // the leader's round trips held 1 to 8 h; the follower copies four of them whole, buys 20 s and sales 40 s late, among trades of its own
    const leader = roundTrips('A', (k) => T0 + k * 9 * 3600, () => 3600 + Math.floor(random() * 7 * 3600));
    const follower = Array.from({ length: 30 }, (_, k) => (k % 2 === 0 ? buy : sell)({ wallet: 'B', mint: `OWN${k >> 1}`, t: T0 + Math.floor(random() * 5 * DAY) + (k % 2) * 3600, raw: 1, sol: 1 }));
    for (const k of [0, 3, 6, 9]) follower.push(copyOf(leader[2 * k], 'B', 20), copyOf(leader[2 * k + 1], 'B', 40));
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.peakedMatches).toBe(8);
    expect(r.forward.typicalSellLagSeconds).toBe(40);
    expect(r.score).toBeGreaterThan(0.6);
    expect(engineTiming(leader, follower)).toBe(r.score);
  });

  /** trades of a crowd around 40 launches: each within `spread` seconds after its token's launch */
  const crowd = (random: () => number, launches: number[], spread: number) => (wallet: string, count: number): SwapLeg[] =>
    Array.from({ length: count }, () => {
      const k = Math.floor(random() * launches.length);
      return (random() < 0.5 ? buy : sell)({ wallet, mint: `LAUNCH${k}`, t: launches[k] + Math.floor(random() * spread), raw: 1, sol: 1 });
    });

  it('finds a copier hiding in a crowd: copies at 15 s among the same launches traded at scattered lags', () => {
    const random = rng(21);
    const launches = Array.from({ length: 40 }, () => T0 + Math.floor(random() * 30 * DAY));
    const trade = crowd(random, launches, 1800);
    const leader = trade('A', 100);
    const follower = trade('B', 60);
    for (let k = 0; k < 20; k++) {
      follower.push(copyOf(leader[k * 3], 'B', 15));
    }
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    // the crowd's matches pull the median lag far from the copies' 15 s (to 339 s: 3 matches near
    // it), and take some copied trades for themselves (one to one): 11 of the 47 matches are at 15 s
    expect(r.forward.medianLagSeconds).toBeGreaterThan(200);
    expect(r.forward.peakedMatches).toBeGreaterThanOrEqual(10);
    expect(r.forward.improbability).toBeGreaterThan(8);
    expect(r.forward.typicalLagSeconds).toBe(15);
    // by coverage alone (the crowd's matches) 0.36
    expect(r.score).toBeGreaterThan(0.45);
    expect(r.summary).toMatch(/^B follows A by about 15 s on \d+ of 100 trades$/);
    for (const e of r.evidence) expect(e.lagSeconds).toBe(15);
    expect(engineTiming(leader, follower)).toBe(r.score);
  });

  it('does not take a crowd for copiers: the matches around a peak say how dense lags are there', () => {
    // 100 pairs of strangers trading the same 40 launches within 20 min of each: their lags are
    // dense at small values, and a few land together anywhere
    let improbable = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const random = rng(seed);
      const launches = Array.from({ length: 40 }, () => T0 + Math.floor(random() * 30 * DAY));
      const trade = crowd(random, launches, 1200);
      const r = timingForPair(tradeIndex('A', trade('A', 100)), tradeIndex('B', trade('B', 100)))!;
      for (const d of [r.forward, r.backward]) if (d.peakedMatches >= 5 && d.improbability > TIMING_DEFAULTS.significanceFrom) improbable++;
      expect(r.score).toBeLessThan(0.4);
    }
    // measured: 2 of the 200 directions (6 when only an even spread over the window set the chance)
    expect(improbable).toBeLessThanOrEqual(3);
  });

  it('does not take a few consistent matches for a copier by improbability alone', () => {
    const leader = leaderTrades('A');
    // 4 of the 22 trades copied 15 s later: improbable, but under the 5 the improbability needs
    const follower = leader.slice(0, 4).map((l) => (l.direction === 'buy' ? buy : sell)({ wallet: 'B', mint: l.mint, t: l.timestamp + 15, raw: 1, sol: 1 }));
    const r = timingForPair(tradeIndex('A', leader), tradeIndex('B', follower))!;
    expect(r.forward.matched).toBe(4);
    expect(r.forward.improbability).toBeGreaterThan(4);
    expect(r.score).toBeLessThan(0.25);
  });

  it('does not link unrelated traders of the same popular tokens at random times', () => {
    const popular = ['BONK', 'WIF', 'POPCAT', 'MEW', 'JUP2'];
    const randomTrades = (wallet: string, seed: number, count = 60, days = 30): SwapLeg[] => {
      const random = rng(seed);
      const legs: SwapLeg[] = [];
      for (let k = 0; k < count; k++) {
        const mint = popular[Math.floor(random() * popular.length)];
        const t = T0 + Math.floor(random() * days * DAY);
        legs.push((random() < 0.5 ? buy : sell)({ wallet, mint, t, raw: 1, sol: 1 }));
      }
      return legs;
    };
    for (const [x, y] of [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ]) {
      const r = timingForPair(tradeIndex('A', randomTrades('A', x)), tradeIndex('B', randomTrades('B', y)))!;
      expect(r.score).toBeLessThan(0.1);
    }
    // dense traders: 200 trades each in 2 days, so dozens of trades fall within 30 min by chance
    for (const [x, y] of [
      [11, 12],
      [13, 14],
      [15, 16],
    ]) {
      const r = timingForPair(tradeIndex('A', randomTrades('A', x, 200, 2)), tradeIndex('B', randomTrades('B', y, 200, 2)))!;
      expect(r.forward.matched + r.backward.matched).toBeGreaterThan(30);
      expect(r.score).toBeLessThan(0.15);
    }
  });

  it('reports wallets buying in the same second as trading together, with no leader', () => {
    const a = [buy({ wallet: 'A', mint: 'NEW', t: T0, raw: 1, sol: 1 }), buy({ wallet: 'A', mint: 'NEW2', t: T0 + 9000, raw: 1, sol: 1 }), buy({ wallet: 'A', mint: 'NEW3', t: T0 + 20000, raw: 1, sol: 1 })];
    const b = a.map((l) => buy({ wallet: 'B', mint: l.mint, t: l.timestamp, raw: 7, sol: 2 }));
    const r = timingForPair(tradeIndex('A', a), tradeIndex('B', b))!;
    expect(r.simultaneous).toBe(true);
    expect(r.leader).toBeNull();
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.summary).toBe('trade together (within 0 s) on 3 of 3 trades');
  });

  it('does not count a trade after the window (30 min) or one in the other direction', () => {
    const a = [buy({ wallet: 'A', mint: 'X', t: T0, raw: 1, sol: 1 })];
    const late = [buy({ wallet: 'B', mint: 'X', t: T0 + 1801, raw: 1, sol: 1 }), sell({ wallet: 'B', mint: 'X', t: T0 + 60, raw: 1, sol: 1 })];
    const r = timingForPair(tradeIndex('A', a), tradeIndex('B', late))!;
    expect(r.forward.matched).toBe(0);
    expect(r.score).toBe(0);
  });

  it('is null when a wallet has no trades', () => {
    expect(timingForPair(tradeIndex('A', []), tradeIndex('B', leaderTrades('B')))).toBeNull();
  });
});

describe('timingLinks over a group', () => {
  it('visits only pairs that share a token and returns the copy pair first by score', () => {
    const leader = leaderTrades('L');
    const copier = leader.map((l) => (l.direction === 'buy' ? buy : sell)({ wallet: 'C', mint: l.mint, t: l.timestamp + 30, raw: 1, sol: 1 }));
    const loner = [buy({ wallet: 'Z', mint: 'ELSEWHERE', t: T0, raw: 1, sol: 1 })];
    const links = timingLinks([tradeIndex('Z', loner), tradeIndex('L', leader), tradeIndex('C', copier)]);
    expect(links.map((l) => [l.a, l.b, l.leader])).toEqual([['C', 'L', 'L']]);
    expect(links[0].summary).toBe('C follows L by about 30 s on 22 of 22 trades');
  });
});

describe('poissonTailDigits', () => {
  it('is −log10 of the Poisson upper tail', () => {
    // P(X ≥ 2 | λ = 1) = 1 − 2e^−1
    expect(poissonTailDigits(2, 1)).toBeCloseTo(-Math.log10(1 - 2 * Math.exp(-1)), 9);
    // P(X ≥ 3 | λ = 0.5) = 1 − e^−0.5 (1 + 0.5 + 0.125)
    expect(poissonTailDigits(3, 0.5)).toBeCloseTo(-Math.log10(1 - Math.exp(-0.5) * 1.625), 9);
    // far in the tail: 20 events where 0.01 are expected, ≈ 20·2 + log10(20!)
    expect(poissonTailDigits(20, 0.01)).toBeCloseTo(40 + Math.log10(2432902008176640000) + 0.01 / Math.LN10, 3);
  });

  it('is 0 when no more events than expected happened (a tail that is not improbable)', () => {
    expect(poissonTailDigits(0, 0.3)).toBe(0);
    expect(poissonTailDigits(5, 5)).toBe(0);
    expect(poissonTailDigits(3, 7.5)).toBe(0);
  });
});

describe('jointDigits', () => {
  it('is −log10 of the chance that two independent uniform chances multiply to as little (Fisher\'s method for two)', () => {
    // P(p1·p2 ≤ x) = x·(1 − ln x): with x = 10^−16, about 37.8 × 10^−16
    const x = 1e-16;
    expect(jointDigits(8, 8)).toBeCloseTo(-Math.log10(x * (1 - Math.log(x))), 9);
    // checked against the product of two simulated uniforms: the share of products under 10^−2
    const random = rng(3);
    let under = 0;
    for (let k = 0; k < 200_000; k++) if (random() * random() <= 0.01) under++;
    expect(-Math.log10(under / 200_000)).toBeCloseTo(jointDigits(1, 1), 1);
    expect(jointDigits(0, 0)).toBe(0);
  });
});

describe('crowded launches', () => {
  // a stream of fresh launches, each traded by a crowd within half an hour of its first buy and sold
  // within the hour, as pump.fun's crowds trade: any two of them match on most launches both traded
  const launchTraders = (seed: number, wallets: number, launches = 40, share = 0.5) => {
    const random = rng(seed);
    const times = Array.from({ length: launches }, () => T0 + Math.floor(random() * 30 * DAY));
    const group = Array.from({ length: wallets }, (_, i) => {
      const address = `W${String(i).padStart(2, '0')}`;
      const legs = times.flatMap((t, k) => {
        if (random() >= share) return [];
        const at = t + Math.floor(random() * 1800);
        return [buy({ wallet: address, mint: `LAUNCH${k}`, t: at, raw: 1, sol: 1 }), sell({ wallet: address, mint: `LAUNCH${k}`, t: at + 300 + Math.floor(random() * 3300), raw: 1, sol: 1 })];
      });
      return { address, legs, holdings: {} };
    });
    const firstBuyTime = new Map(times.map((t, k) => [`LAUNCH${k}`, t]));
    return { group, firstBuyTime };
  };

  it('are the tokens more than 6 wallets of the group bought at their first buy or from a minute to 2 h after it', () => {
    const wallet = (w: string, legs: SwapLeg[]) => ({ address: w, legs });
    const seven = Array.from({ length: 7 }, (_, i) => wallet(`C${i}`, [buy({ wallet: `C${i}`, mint: 'HOT', t: T0 + 120 + 600 * i, raw: 1, sol: 1 }), buy({ wallet: `C${i}`, mint: 'HOT', t: T0 + 120 + 600 * i + 5, raw: 1, sol: 1 })]));
    const first = new Map([['HOT', T0], ['LATE', T0]]);
    expect(crowdedLaunches(seven, first)).toEqual(new Map([['HOT', { from: T0, to: T0 + TIMING_DEFAULTS.launchSeconds }]]));
    // a buy in the first minute after the first buy (a leader's copy bots follow it in within seconds) or a sale does not count…
    const early = [...seven.slice(0, 6), wallet('C6', [buy({ wallet: 'C6', mint: 'HOT', t: T0 + 59, raw: 1, sol: 1 }), sell({ wallet: 'C6', mint: 'HOT', t: T0 + 900, raw: 1, sol: 1 })])];
    expect(crowdedLaunches(early, first)).toEqual(new Map());
    // …the first buy itself does
    const firstBuyer = [...seven.slice(0, 6), wallet('C6', [buy({ wallet: 'C6', mint: 'HOT', t: T0, raw: 1, sol: 1 })])];
    expect(crowdedLaunches(firstBuyer, first).size).toBe(1);
    // six are not a crowd, however many times each trades it; a trade after the 2 h does not count
    expect(crowdedLaunches(seven.slice(0, 6), first)).toEqual(new Map());
    const late = [...seven.slice(0, 6), wallet('C6', [buy({ wallet: 'C6', mint: 'HOT', t: T0 + TIMING_DEFAULTS.launchSeconds + 1, raw: 1, sol: 1 })])];
    expect(crowdedLaunches(late, first)).toEqual(new Map());
    // nor does a token without a first buy, or another wallet's leg in a wallet's list
    expect(crowdedLaunches(seven, new Map())).toEqual(new Map());
    const foreign = [...seven.slice(0, 6), wallet('C6', [buy({ wallet: 'C0', mint: 'HOT', t: T0, raw: 1, sol: 1 })])];
    expect(crowdedLaunches(foreign, first)).toEqual(new Map());
  });

  it('no copy by coverage: two traders of the same crowded launches match on most of them, whoever copies whom', () => {
    const { group, firstBuyTime } = launchTraders(3, 20);
    const launches = crowdedLaunches(group, firstBuyTime);
    // most launches draw more than 6 of the 20
    expect(launches.size).toBeGreaterThan(30);
    let scored = 0;
    let matched = 0;
    let inLaunch = 0;
    for (let i = 1; i < 20; i++) {
      const a = tradeIndex('W00', group[0].legs);
      const b = tradeIndex(group[i].address, group[i].legs);
      const before = timingForPair(a, b)!;
      const after = timingForPair(a, b, {}, launches)!;
      if (before.score > 0.1) scored++;
      matched += after.forward.matched;
      inLaunch += after.forward.launchMatched;
      expect(after.score).toBeLessThan(0.1);
    }
    // their matches are in the crowded launches, but for the few launches 6 or fewer of them traded
    expect(inLaunch).toBeGreaterThan(0.8 * matched);
    // without the rule, coverage made most of them copiers (the test would test nothing otherwise)
    expect(scored).toBeGreaterThan(10);
  });

  it('still finds a copier of a launch trader by its steady delay', () => {
    const { group, firstBuyTime } = launchTraders(4, 20);
    const leader = group[0].legs;
    const follower = leader.map((l) => copyOf(l, 'F', 20));
    const launches = crowdedLaunches([...group, { address: 'F', legs: follower }], firstBuyTime);
    const r = timingForPair(tradeIndex('W00', leader), tradeIndex('F', follower), {}, launches)!;
    expect(r.forward.launchMatched).toBeGreaterThan(0.8 * r.forward.matched);
    expect(r.forward.improbability).toBeGreaterThan(TIMING_DEFAULTS.significanceFull);
    expect(r.score).toBeGreaterThan(0.8);
    expect(r.summary).toMatch(/^F follows W00 by about 20 s/);
    // the summary says how many of its matches were in crowded launches
    expect(r.summary).toBe(`F follows W00 by about 20 s on ${r.forward.matched} of ${r.forward.leaderTrades} trades (${r.forward.launchMatched} of them in launches a crowd of the group traded)`);
    expect(timingForPair(tradeIndex('W00', leader), tradeIndex('F', follower))!.summary).toBe(`F follows W00 by about 20 s on ${r.forward.matched} of ${r.forward.leaderTrades} trades`);
  });

  it('in computeSimilarity: a leader\'s eight copy bots, following it into fresh tokens within seconds and out of them, stay its copiers', () => {
    const random = rng(8);
    const leader = Array.from({ length: 30 }, (_, k) => {
      const t = T0 + Math.floor(random() * 30 * DAY);
      return [buy({ wallet: 'L', mint: `FRESH${k}`, t, raw: 1, sol: 1 }), sell({ wallet: 'L', mint: `FRESH${k}`, t: t + 600 + Math.floor(random() * 3000), raw: 1, sol: 1 })];
    }).flat();
    // each bot copies every trade 2 to 40 s late, the delay drawn anew each time: no steady lag to pack a peak
    const bots = Array.from({ length: 8 }, (_, i) => ({ address: `BOT${i}`, legs: leader.map((l) => copyOf(l, `BOT${i}`, 2 + Math.floor(random() * 39))), holdings: {} }));
    const group = [{ address: 'L', legs: leader, holdings: {} }, ...bots];
    const firstBuyTime = new Map(leader.filter((l) => l.direction === 'buy').map((l) => [l.mint, l.timestamp]));
    expect(crowdedLaunches(group, firstBuyTime).size).toBe(0);
    const result = computeSimilarity({ wallets: group, database: { tokens: { totalWallets: 3000, walletsPerMint: new Map([...firstBuyTime.keys()].map((m) => [m, 9])), firstBuyTime } } });
    for (const p of result.pairs.filter((x) => x.walletA === 'L' || x.walletB === 'L')) expect(p.scores.timing!).toBeGreaterThan(0.5);
    expect(result.clusters.some((c) => c.members.length === 9)).toBe(true);
  });

  it('in computeSimilarity: twenty strangers trading a stream of launches are not clustered by timing', () => {
    const { group, firstBuyTime } = launchTraders(1, 20);
    const database = { tokens: { totalWallets: 3000, walletsPerMint: new Map([...firstBuyTime.keys()].map((m) => [m, 50])), firstBuyTime } };
    const result = computeSimilarity({ wallets: group, database });
    expect(Math.max(...result.pairs.map((p) => p.scores.timing ?? 0))).toBeLessThan(0.1);
    expect(result.clusters).toEqual([]);
  });
});
