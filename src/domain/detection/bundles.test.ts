import type { SwapLeg } from '../swaps/types';
import { buy, sell } from '../testing/legs';
import { seededRandom as rng } from '../random';
import { poissonTail } from '../stats';
import { computeSimilarity } from '../similarity/compute';
import { BUNDLE_DEFAULTS, bundleForPair, bundleLinks } from './bundles';
import type { TokenStats } from './types';

const T0 = 1_710_000_000;
const at = (leg: SwapLeg, slot: number): SwapLeg => ({ ...leg, slot });
const stats: TokenStats = {
  totalWallets: 1000,
  walletsPerMint: new Map([
    ['FRESH', 4],
    ['POPULAR', 900],
    ['HYPE', 30],
  ]),
  firstBuyTime: new Map([
    ['FRESH', T0],
    ['POPULAR', T0 - 90 * 86_400],
    ['HYPE', T0],
  ]),
};

describe('bundleLinks', () => {
  it('finds a launch bundle: four wallets buying a fresh token in the same slot', () => {
    const wallets = ['B1', 'B2', 'B3', 'B4'].map((w, i) => ({
      wallet: w,
      legs: [at(buy({ wallet: w, mint: 'FRESH', t: T0 + (i === 3 ? 1 : 0), raw: 100 + i, sol: 1 + i }), 250_000_000), sell({ wallet: w, mint: 'FRESH', t: T0 + 3600, raw: 100, sol: 3 })],
    }));
    const links = bundleLinks(wallets, stats);
    expect(links.map((l) => [l.a, l.b])).toEqual([
      ['B1', 'B2'],
      ['B1', 'B3'],
      ['B1', 'B4'],
      ['B2', 'B3'],
      ['B2', 'B4'],
      ['B3', 'B4'],
    ]);
    const weight = Math.log(1000 / 4) / Math.log(1000 / 2); // 4 of 1,000 wallets ever traded it
    for (const l of links) {
      expect(l.score).toBeCloseTo(0.4 + 0.6 * weight, 12);
      expect(l.score).toBeGreaterThan(0.9);
      expect(l.coBoughtTokens).toBe(1);
      expect(l.evidence[0]).toMatchObject({ mint: 'FRESH', sameSlot: true, early: true, crowd: 4, slotA: 250_000_000 });
      expect(l.evidence[0].tokenWeight).toBeCloseTo(weight, 12);
    }
    const e = links[2].evidence[0];
    expect([e.signatureA, e.signatureB]).toEqual([wallets[0].legs[0].signature, wallets[3].legs[0].signature]);
    expect(e.secondsApart).toBe(1);
  });

  it('scores two late buys of a popular token in the same second low', () => {
    const a = { wallet: 'A', legs: [buy({ wallet: 'A', mint: 'POPULAR', t: T0, raw: 1, sol: 1 })] };
    const b = { wallet: 'B', legs: [buy({ wallet: 'B', mint: 'POPULAR', t: T0, raw: 50, sol: 9 })] };
    const r = bundleForPair(b, a, stats);
    expect([r.a, r.b]).toEqual(['A', 'B']);
    expect(r.evidence[0]).toMatchObject({ early: false, sameSlot: true });
    expect(r.score).toBeLessThan(0.25);
  });

  it('discounts near-simultaneous buys inside a hype wave of thirty wallets', () => {
    const wallets = Array.from({ length: 30 }, (_, i) => ({ wallet: `H${String(i).padStart(2, '0')}`, legs: [buy({ wallet: `H${String(i).padStart(2, '0')}`, mint: 'HYPE', t: T0 + i * 9, raw: 1, sol: 1 })] }));
    wallets[1].legs = [buy({ wallet: 'H01', mint: 'HYPE', t: T0 + 3, raw: 1, sol: 1 })];
    const links = bundleLinks(wallets, stats, { minStrength: 0 });
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(l.score).toBeLessThan(0.3);
    // so discounted that no co-buy reaches the default minimum strength: not evidence at all
    for (const l of links) expect(l.evidence[0].strength).toBeLessThan(0.05);
    expect(bundleLinks(wallets, stats)).toEqual([]);
  });

  it('ignores sells, buys more than 5 s apart, and one wallet with itself', () => {
    const a = { wallet: 'A', legs: [buy({ wallet: 'A', mint: 'FRESH', t: T0, raw: 1, sol: 1 }), buy({ wallet: 'A', mint: 'FRESH', t: T0 + 1, raw: 1, sol: 1 }), sell({ wallet: 'A', mint: 'HYPE', t: T0, raw: 1, sol: 1 })] };
    const b = { wallet: 'B', legs: [buy({ wallet: 'B', mint: 'FRESH', t: T0 + 7, raw: 1, sol: 1 }), sell({ wallet: 'B', mint: 'HYPE', t: T0, raw: 1, sol: 1 })] };
    expect(bundleForPair(a, b, stats)).toEqual({ a: 'A', b: 'B', score: 0, coBoughtTokens: 0, odds: { coBuys: 0, nearBuyPairs: 0, chance: 1, kept: 1, summary: '' }, evidence: [], evidenceOmitted: 0 });
  });

  it('adds up several co-bought tokens (noisy-OR) and caps the evidence', () => {
    const mints = ['M1', 'M2', 'M3', 'M4'];
    const a = { wallet: 'A', legs: mints.map((m, i) => buy({ wallet: 'A', mint: m, t: T0 + i * 1000, raw: 1, sol: 1 })) };
    const b = { wallet: 'B', legs: mints.map((m, i) => buy({ wallet: 'B', mint: m, t: T0 + i * 1000 + 4, raw: 1, sol: 1 })) };
    const small: TokenStats = { totalWallets: 100, walletsPerMint: new Map(mints.map((m) => [m, 50])) };
    const r = bundleForPair(a, b, small, { maxEvidence: 2 });
    const one = r.evidence[0].strength;
    expect(r.coBoughtTokens).toBe(4);
    expect(r.evidence).toHaveLength(2);
    expect(r.evidenceOmitted).toBe(2);
    expect(r.score).toBeCloseTo(1 - (1 - one) ** 4, 12);
  });
});

describe('bundleLinks tightness', () => {
  it('discounts two buyers seconds apart inside a wave spread over minutes, not a bundle landing together', () => {
    const wave = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6'].map((w, i) => ({ wallet: w, legs: [buy({ wallet: w, mint: 'FRESH', t: T0 + [0, 2, 90, 160, 230, 290][i], raw: 100, sol: 1 })] }));
    const pair = bundleLinks(wave, stats).find((l) => l.a === 'W1' && l.b === 'W2')!;
    expect(pair.evidence[0]).toMatchObject({ crowd: 6, tight: 2 });
    const together = bundleLinks(wave.slice(0, 2), stats)[0];
    expect(together.evidence[0]).toMatchObject({ crowd: 2, tight: 2 });
    expect(pair.score).toBeCloseTo(together.score / 3, 12);
  });
});

describe('bundleLinks launch block', () => {
  // a token's top holders: a bundle of four in its creation slot, thirty snipers over the next 20 s
  // (some in the same slot by chance), every one of them holding the token (its weight near 0)
  const LAUNCH = { slot: 300_000_000, timestamp: T0 };
  const slotAt = (t: number) => LAUNCH.slot + (t - T0) * 2;
  const holders: TokenStats = { totalWallets: 40, walletsPerMint: new Map([['LAUNCHED', 40]]), launches: new Map([['LAUNCHED', LAUNCH]]) };
  const bundle = ['B1', 'B2', 'B3', 'B4'];
  const snipers = Array.from({ length: 30 }, (_, i) => `S${String(i).padStart(2, '0')}`);
  const world = [
    ...bundle.map((w, i) => ({ wallet: w, legs: [at(buy({ wallet: w, mint: 'LAUNCHED', t: T0, raw: 100 + i, sol: 2 }), LAUNCH.slot)] })),
    ...snipers.map((w, i) => {
      const t = T0 + 1 + Math.floor(i * 0.67);
      return { wallet: w, legs: [at(buy({ wallet: w, mint: 'LAUNCHED', t, raw: 10, sol: 0.5 }), slotAt(t))] };
    }),
  ];

  it('keeps a launch-block co-buy for its token even where a later co-buy of it is stronger (never chance)', () => {
    // a rare token: the later co-buy, alone in its minutes and in one slot, is stronger than the 0.8 of the block
    const rare: TokenStats = { totalWallets: 1000, walletsPerMint: new Map([['LAUNCHED', 2]]), launches: new Map([['LAUNCHED', LAUNCH]]) };
    const pair = bundle.slice(0, 2).map((w) => ({
      wallet: w,
      legs: [at(buy({ wallet: w, mint: 'LAUNCHED', t: T0, raw: 1, sol: 1 }), LAUNCH.slot), at(buy({ wallet: w, mint: 'LAUNCHED', t: T0 + 400, raw: 1, sol: 1 }), slotAt(T0 + 400))],
    }));
    const crowdOf = snipers.map((w, i) => world[bundle.length + i]);
    const [link] = bundleLinks([...pair, ...crowdOf], rare).filter((l) => l.a === 'B1' && l.b === 'B2');
    const later = bundleForPair({ wallet: 'B1', legs: [pair[0].legs[1]] }, { wallet: 'B2', legs: [pair[1].legs[1]] }, rare).evidence[0];
    expect(later.strength).toBeGreaterThan(BUNDLE_DEFAULTS.launchBlockStrength);
    expect(link.evidence).toHaveLength(1);
    expect(link.evidence[0].launchBlock).toBe(true);
    expect(link.odds.coBuys).toBe(0);
    expect(link.score).toBeCloseTo(link.evidence[0].strength, 12);
  });

  it('links the wallets of the creation block at launchBlockStrength, whatever the crowd of snipers after them', () => {
    const links = bundleLinks(world, holders);
    const inBundle = links.filter((l) => bundle.includes(l.a) && bundle.includes(l.b));
    expect(inBundle).toHaveLength(6);
    for (const l of inBundle) {
      expect(l.score).toBeCloseTo(0.8, 12);
      expect(l.evidence[0]).toMatchObject({ mint: 'LAUNCHED', launchBlock: true, sameSlot: true, early: true, slotA: LAUNCH.slot, slotB: LAUNCH.slot, crowd: expect.any(Number) });
      expect(l.evidence[0].crowd).toBeGreaterThan(20);
    }
    // the snipers, same slots included, are not linked to each other, nor to the bundle
    expect(links.filter((l) => snipers.includes(l.a) || snipers.includes(l.b))).toEqual([]);
  });

  it('without the launch, the crowd of snipers hides the bundle (the rule before the launch read)', () => {
    const { launches: _unknown, ...unread } = holders;
    expect(bundleLinks(world, { ...unread, firstBuyTime: new Map([['LAUNCHED', T0]]) })).toEqual([]);
  });

  it('keeps a launch-block co-buy the ordinary rule makes stronger (a rare token, a small crowd)', () => {
    const rare: TokenStats = { ...holders, totalWallets: 1000, walletsPerMint: new Map([['LAUNCHED', 2]]) };
    const pair = bundle.slice(0, 2).map((w) => ({ wallet: w, legs: [at(buy({ wallet: w, mint: 'LAUNCHED', t: T0, raw: 1, sol: 1 }), LAUNCH.slot)] }));
    const { launches: _read, ...unread } = rare;
    const ordinary = bundleForPair(pair[0], pair[1], unread).evidence[0];
    expect(ordinary.strength).toBeGreaterThan(0.8);
    expect(bundleForPair(pair[0], pair[1], rare).evidence[0]).toEqual({ ...ordinary, launchBlock: true });
  });

  it('counts "early" from the first buy, not from a launch long before it (a mint created before its pool opened)', () => {
    const created = { slot: LAUNCH.slot - 2 * 86_400 * 2, timestamp: T0 - 2 * 86_400 };
    const read: TokenStats = { ...holders, launches: new Map([['LAUNCHED', created]]), firstBuyTime: new Map([['LAUNCHED', T0]]) };
    const { launches: _read, ...unread } = read;
    const pair = bundle.slice(0, 2).map((w) => ({ wallet: w, legs: [at(buy({ wallet: w, mint: 'LAUNCHED', t: T0, raw: 1, sol: 1 }), LAUNCH.slot)] }));
    const e = bundleForPair(pair[0], pair[1], read).evidence[0];
    expect(e).toMatchObject({ early: true });
    expect(e.launchBlock).toBeUndefined();
    expect(bundleForPair(pair[0], pair[1], read)).toEqual(bundleForPair(pair[0], pair[1], unread));
  });

  it('discounts co-buys in the snipers\' rush after a known launch, not those minutes later', () => {
    const rare: TokenStats = { totalWallets: 3000, walletsPerMint: new Map([['LAUNCHED', 3]]), launches: new Map([['LAUNCHED', LAUNCH]]) };
    const { launches: _read, ...unread } = rare;
    const pairAt = (t: number) => ['S1', 'S2'].map((w) => ({ wallet: w, legs: [at(buy({ wallet: w, mint: 'LAUNCHED', t, raw: 1, sol: 1 }), slotAt(t))] }));
    const [a, b] = pairAt(T0 + 4);
    const ordinary = bundleForPair(a, b, unread).evidence[0].strength;
    expect(ordinary).toBeGreaterThan(0.5);
    expect(bundleForPair(a, b, rare).evidence[0].strength).toBeCloseTo(ordinary * 0.25, 12);
    // a bundle member and a sniper a second after it: the sniper's buy is in the rush
    const [bundled] = pairAt(T0);
    const sniper = pairAt(T0 + 1)[1];
    const withSniper = bundleForPair({ ...bundled, legs: [at(bundled.legs[0], LAUNCH.slot)] }, sniper, rare).evidence[0];
    expect(withSniper.launchBlock).toBeUndefined();
    expect(withSniper.strength).toBeCloseTo(bundleForPair({ ...bundled, legs: [at(bundled.legs[0], LAUNCH.slot)] }, sniper, unread).evidence[0].strength * 0.25, 12);
    // five minutes after the launch: not the rush
    const [c, d] = pairAt(T0 + 300);
    expect(bundleForPair(c, d, rare).evidence[0].strength).toBeCloseTo(bundleForPair(c, d, unread).evidence[0].strength, 12);
  });

  it('does not call two buys of the launch slot and the next one a launch-block co-buy', () => {
    const pair = [
      { wallet: 'B1', legs: [at(buy({ wallet: 'B1', mint: 'LAUNCHED', t: T0, raw: 1, sol: 1 }), LAUNCH.slot)] },
      { wallet: 'X', legs: [at(buy({ wallet: 'X', mint: 'LAUNCHED', t: T0, raw: 1, sol: 1 }), LAUNCH.slot + 1)] },
    ];
    const r = bundleForPair(pair[0], pair[1], holders);
    expect(r.evidence[0].launchBlock).toBeUndefined();
    expect(r.evidence[0].sameSlot).toBe(false);
    expect(r.score).toBeLessThan(0.8);
  });
});

describe('bundleLinks chance', () => {
  // two strangers of a launch's crowd: each buys the same eight launches at its own time within half
  // an hour of each, and lands 3 s from the other on one of them by chance
  const launches = Array.from({ length: 8 }, (_, k) => `LAUNCH${k}`);
  const crowd: TokenStats = { totalWallets: 200, walletsPerMint: new Map(launches.map((m) => [m, 8])), firstBuyTime: new Map(launches.map((m, k) => [m, T0 + k * 86_400])) };
  const gaps = [3, 400, 900, 1500, 250, 1200, 700, 1700];
  const stranger = (w: string, offset: (k: number) => number) => ({ wallet: w, legs: launches.map((m, k) => buy({ wallet: w, mint: m, t: T0 + k * 86_400 + offset(k), raw: 1, sol: 1 })) });
  const p0 = 11 / 1800;

  it('weighs one co-buy against the pair\'s other buys of the same tokens within half an hour', () => {
    const r = bundleForPair(stranger('A', () => 0), stranger('B', (k) => gaps[k]), crowd);
    const alone = bundleForPair(stranger('A', () => 0), { wallet: 'B', legs: [stranger('B', (k) => gaps[k]).legs[0]] }, crowd);
    // alone, the co-buy was the pair's only opportunity: all its strength
    expect(alone.odds).toMatchObject({ coBuys: 1, nearBuyPairs: 1, kept: 1 });
    expect(alone.score).toBeCloseTo(alone.evidence[0].strength, 12);
    // among eight: P(at least one of 8 by chance) = 1 − e^(−8 p0); kept (log10 P − log10 0.1) / (log10 P1 − log10 0.1)
    const chance = 1 - Math.exp(-8 * p0);
    const full = -Math.log10(1 - Math.exp(-p0));
    expect(r.odds.coBuys).toBe(1);
    expect(r.odds.nearBuyPairs).toBe(8);
    expect(r.odds.chance).toBeCloseTo(chance, 9);
    expect(r.odds.kept).toBeCloseTo((-Math.log10(chance) - 1) / (full - 1), 9);
    expect(r.odds.kept).toBeLessThan(0.45);
    expect(r.evidence[0].strength).toBeCloseTo(alone.evidence[0].strength, 12);
    expect(r.score).toBeCloseTo(r.odds.kept * alone.score, 12);
    expect(r.odds.summary).toBe('1 of the 8 pairs of their buys of one token within 30 min of each other came within seconds (4.8 % likely by chance)');
  });

  it('counts every pair of buys within half an hour: a wallet that buys a token again has more chances', () => {
    const a = stranger('A', () => 0);
    const b = stranger('B', (k) => gaps[k]);
    const again = { ...b, legs: [...b.legs, ...b.legs.slice(1).map((l) => ({ ...l, signature: `${l.signature}-again`, timestamp: l.timestamp + 60 }))] };
    expect(bundleForPair(a, again, crowd).odds.nearBuyPairs).toBe(8 + 7);
    expect(bundleForPair(a, again, crowd).score).toBeLessThan(bundleForPair(a, b, crowd).score);
    // a buy more than half an hour from every buy of the other is no opportunity
    const far = { ...b, legs: b.legs.map((l, k) => (k === 0 ? l : { ...l, timestamp: l.timestamp + 1801 })) };
    expect(bundleForPair(a, far, crowd).odds.nearBuyPairs).toBe(1);
  });

  it('keeps repeated co-buys: three of eight is not chance', () => {
    const r = bundleForPair(stranger('A', () => 0), stranger('B', (k) => (k < 3 ? 2 : gaps[k])), crowd);
    expect(r.odds.coBuys).toBe(3);
    expect(r.odds.chance).toBeLessThan(1e-4);
    expect(r.odds.kept).toBe(1);
    expect(r.odds.summary).toBe('3 of the 8 pairs of their buys of one token within 30 min of each other came within seconds (under 0.1 % likely by chance)');
    let miss = 1;
    for (const e of r.evidence) miss *= 1 - e.strength;
    expect(r.score).toBeCloseTo(1 - miss, 12);
  });

  it('a co-buy nearly as likely as 1 in 10 counts for nothing', () => {
    // fifteen launches within half an hour of each other, a co-buy on one: 1 − e^(−15 p0) ≈ 8.8 %
    const many = Array.from({ length: 15 }, (_, k) => `MANY${k}`);
    const stats15: TokenStats = { totalWallets: 200, walletsPerMint: new Map(many.map((m) => [m, 8])), firstBuyTime: new Map(many.map((m, k) => [m, T0 + k * 86_400])) };
    const a = { wallet: 'A', legs: many.map((m, k) => buy({ wallet: 'A', mint: m, t: T0 + k * 86_400, raw: 1, sol: 1 })) };
    const b = { wallet: 'B', legs: many.map((m, k) => buy({ wallet: 'B', mint: m, t: T0 + k * 86_400 + (k === 0 ? 3 : 100 * k), raw: 1, sol: 1 })) };
    const r = bundleForPair(a, b, stats15);
    expect(r.odds.chance).toBeGreaterThan(0.08);
    expect(r.odds.kept).toBeLessThan(0.05);
    expect(r.score).toBeLessThan(0.05 * r.evidence[0].strength + 1e-12);
    const twenty = bundleForPair(a, { ...b, legs: [...b.legs, ...b.legs.slice(1, 6).map((l) => ({ ...l, signature: `${l.signature}-2`, timestamp: l.timestamp + 1 }))] }, stats15);
    expect(twenty.odds.chance).toBeGreaterThan(0.1);
    expect(twenty.odds.kept).toBe(0);
    expect(twenty.score).toBe(0);
  });

  it('never discounts a co-buy in the launch block, however many chances the pair had', () => {
    const slot = 300_000_000;
    const launched: TokenStats = { ...crowd, launches: new Map([['LAUNCH0', { slot, timestamp: T0 }]]) };
    const a = stranger('A', () => 0);
    const b = stranger('B', (k) => gaps[k]);
    a.legs[0] = at(a.legs[0], slot);
    b.legs[0] = at({ ...b.legs[0], timestamp: T0 }, slot);
    const r = bundleForPair(a, b, launched);
    expect(r.evidence[0].launchBlock).toBe(true);
    expect(r.odds).toMatchObject({ coBuys: 0, chance: 1, kept: 1, summary: '' });
    expect(r.score).toBeCloseTo(r.evidence[0].strength, 12);
    expect(r.score).toBeGreaterThanOrEqual(0.8);
  });

  it('weighs the other co-buys of a pair with a launch-block co-buy against the other tokens\' chances only', () => {
    const slot = 300_000_000;
    const launched: TokenStats = { ...crowd, launches: new Map([['LAUNCH1', { slot, timestamp: T0 + 86_400 }]]) };
    // LAUNCH0 co-bought 3 s apart by chance among 8 launches; LAUNCH1 in its launch block
    const a = stranger('A', () => 0);
    const b = stranger('B', (k) => gaps[k]);
    a.legs[1] = at(a.legs[1], slot);
    b.legs[1] = at({ ...b.legs[1], timestamp: a.legs[1].timestamp }, slot);
    const r = bundleForPair(a, b, launched);
    const inBlock = r.evidence.find((e) => e.launchBlock)!;
    const other = r.evidence.find((e) => !e.launchBlock)!;
    expect(inBlock.mint).toBe('LAUNCH1');
    // the launch-block token is no opportunity: 1 co-buy among the other 7 launches
    expect(r.odds).toMatchObject({ coBuys: 1, nearBuyPairs: 7 });
    expect(r.odds.chance).toBeCloseTo(1 - Math.exp(-7 * p0), 9);
    expect(r.odds.kept).toBeGreaterThan(0);
    expect(r.odds.kept).toBeLessThan(1);
    expect(r.score).toBeCloseTo(1 - (1 - inBlock.strength) * (1 - r.odds.kept * other.strength), 12);
  });

  it('counts co-buys as it counts chances, by pairs of buys: a bundle that buys together in several rounds is no chance', () => {
    // four rounds in 10 min, each within 2 s: 4 co-buys among 16 pairs of buys within 30 min
    const rounds = [0, 150, 300, 450];
    const a = { wallet: 'A', legs: rounds.map((t) => buy({ wallet: 'A', mint: 'LAUNCH0', t: T0 + t, raw: 1, sol: 1 })) };
    const b = { wallet: 'B', legs: rounds.map((t) => buy({ wallet: 'B', mint: 'LAUNCH0', t: T0 + t + 2, raw: 1, sol: 1 })) };
    const r = bundleForPair(a, b, crowd);
    expect(r.odds).toMatchObject({ coBuys: 4, nearBuyPairs: 16, kept: 1 });
    expect(r.odds.chance).toBeLessThan(1e-5);
    expect(r.score).toBeCloseTo(r.evidence[0].strength, 12);
    expect(r.odds.summary).toBe('4 of the 16 pairs of their buys of one token within 30 min of each other came within seconds (under 0.1 % likely by chance)');
  });

  it('says how likely the co-buys were even when chance expects more of them than came', () => {
    // one co-buy among 200 pairs of buys within 30 min (λ = 200 × 11 / 1800 ≈ 1.2): P(X ≥ 1) = 1 − e^(−λ)
    const a = { wallet: 'A', legs: Array.from({ length: 20 }, (_, i) => buy({ wallet: 'A', mint: 'LAUNCH0', t: T0 + 60 * i, raw: 1, sol: 1 })) };
    const b = { wallet: 'B', legs: Array.from({ length: 10 }, (_, i) => buy({ wallet: 'B', mint: 'LAUNCH0', t: T0 + 3 + 37 * i + (i > 0 ? 7 : 0), raw: 1, sol: 1 })) };
    const r = bundleForPair(a, b, crowd, { minStrength: 0 });
    expect(r.odds.nearBuyPairs).toBe(200);
    const lambda = (200 * 11) / 1800;
    expect(r.odds.chance).toBeCloseTo(poissonTail(r.odds.coBuys, lambda), 12);
    expect(r.odds.chance).toBeLessThan(1);
    expect(r.odds.kept).toBe(0);
  });
});

describe('bundles in computeSimilarity, among a launch crowd', () => {
  it('does not bind strangers of a crowd by the co-buys chance gives them, and still binds a pair that buys together', () => {
    // 16 strangers, each buying about half of 12 launches at its own time within half an hour of
    // each (a crowd of launches rare in the database), among 30 trades of tokens of its own over the
    // month; two more wallets of one operator buy four of them within 2 s of each other and the rest
    // at their own times, like the crowd
    const random = rng(5);
    const launches = Array.from({ length: 12 }, (_, k) => T0 + k * 86_400);
    const buys = (wallet: string, together: (k: number) => number | null = () => null): SwapLeg[] => [
      ...launches.flatMap((t, k) => {
        const at = together(k);
        if (at !== null) return [buy({ wallet, mint: `LAUNCH${k}`, t: at, raw: 1, sol: 1 })];
        return random() < 0.5 ? [buy({ wallet, mint: `LAUNCH${k}`, t: t + Math.floor(random() * 1800), raw: 1, sol: 1 })] : [];
      }),
      ...Array.from({ length: 30 }, (_, k) => (k % 2 === 0 ? buy : sell)({ wallet, mint: `${wallet}-OWN${k >> 1}`, t: T0 + Math.floor(random() * 30 * 86_400), raw: 1, sol: 1 })),
    ];
    const strangers = Array.from({ length: 16 }, (_, i) => ({ address: `S${String(i).padStart(2, '0')}`, legs: buys(`S${String(i).padStart(2, '0')}`), holdings: {} }));
    const start = (k: number) => (k < 4 ? launches[k] + 300 + 100 * k : null);
    const operator = [
      { address: 'OP1', legs: buys('OP1', start), holdings: {} },
      { address: 'OP2', legs: buys('OP2', (k) => (k < 4 ? start(k)! + (k % 3) : null)), holdings: {} },
    ];
    const database = {
      tokens: { totalWallets: 2000, walletsPerMint: new Map(launches.map((_, k) => [`LAUNCH${k}`, 20])), firstBuyTime: new Map(launches.map((t, k) => [`LAUNCH${k}`, t])) },
    };
    const result = computeSimilarity({ wallets: [...strangers, ...operator], database });
    const isStranger = (w: string) => w.startsWith('S');
    const strangerPairs = result.pairs.filter((p) => isStranger(p.walletA) && isStranger(p.walletB));
    // chance gave strangers co-buys (the test would test nothing otherwise), each among many chances
    const coBought = strangerPairs.filter((p) => (p.evidence?.bundles.length ?? 0) > 0);
    expect(coBought.length).toBeGreaterThan(0);
    for (const p of coBought) {
      expect(p.evidence!.bundleOdds!.nearBuyPairs).toBeGreaterThan(p.evidence!.bundleOdds!.coBuys);
      expect(p.evidence!.bundleOdds!.kept).toBeLessThan(1);
      expect(p.scores.bundle!).toBeLessThan(p.evidence!.bundles[0].strength);
    }
    for (const c of result.clusters) expect(c.members.filter(isStranger).length).toBeLessThanOrEqual(1);
    // the operator: four co-buys are no chance
    const op = result.pairs.find((p) => [p.walletA, p.walletB].sort().join() === 'OP1,OP2')!;
    expect(op.evidence!.bundleOdds).toMatchObject({ coBuys: 4, kept: 1 });
    expect(op.scores.bundle!).toBeCloseTo(1 - op.evidence!.bundles.reduce((miss, e) => miss * (1 - e.strength), 1), 12);
    expect(op.scores.bundle!).toBeGreaterThan(0.6);
    expect(result.clusters.some((c) => c.members.includes('OP1') && c.members.includes('OP2'))).toBe(true);
  });
});
