import fc from 'fast-check';
import type { SwapLeg } from '../swaps/types';
import { buy, sell } from '../testing/legs';
import { relatedness } from '../detection/combine';
import { crowdedLaunches, timingForPair, tradeIndex } from '../detection/timing';
import type { WalletTransfer } from '../detection/types';
import { computeSimilarity } from './compute';
import type { MetricName, PairScores, SimilarityResult, SimilarityWalletInput } from './types';
import { SCORE_NAMES } from './types';

const MINTS = ['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7'];
const SCORE_KEYS: Array<keyof PairScores> = [...SCORE_NAMES];
/** the similarity metrics: a wallet and its identical copy score 1 on these */
const SIMILARITY_KEYS: Array<keyof PairScores> = ['capital', 'binary', 'jaccardTraded', 'jaccardHeld', 'behavior', 'similarity'];
const FUNDERS = ['F0', 'F1', 'F2'];

const legArb = fc.record({
  mint: fc.constantFrom(...MINTS),
  side: fc.constantFrom('buy', 'sell'),
  t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 30 * 86_400 }),
  sol: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 50, noNaN: true })),
  raw: fc.integer({ min: 1, max: 1_000_000 }),
});
const transferArb = fc.record({
  counterparty: fc.constantFrom(...FUNDERS),
  direction: fc.constantFrom('in', 'out'),
  t: fc.integer({ min: 1_700_000_000 - 86_400, max: 1_700_000_000 + 30 * 86_400 }),
});
const walletArb = fc.record({
  legs: fc.array(legArb, { maxLength: 14 }),
  held: fc.subarray(MINTS),
  transfers: fc.option(fc.array(transferArb, { maxLength: 4 }), { nil: undefined }),
});
const groupArb = fc.array(walletArb, { minLength: 2, maxLength: 5 });

type WalletSpec = {
  legs: Array<{ mint: string; side: string; t: number; sol: number; raw: number }>;
  held: string[];
  transfers?: Array<{ counterparty: string; direction: string; t: number }>;
};

function transfersOf(address: string, spec: WalletSpec): WalletTransfer[] | undefined {
  return spec.transfers?.map((x, k) => ({
    wallet: address,
    counterparty: x.counterparty,
    direction: x.direction as 'in' | 'out',
    asset: 'SOL',
    amount: '1',
    rawAmount: '1000000000',
    decimals: 9,
    amountExact: true,
    signature: `${address}-tx${k}`,
    slot: x.t,
    timestamp: x.t,
  }));
}

function toInputs(specs: WalletSpec[], rename: (m: string) => string = (m) => m): SimilarityWalletInput[] {
  return specs.map((spec, i) => {
    const address = `W${i}`;
    const legs: SwapLeg[] = spec.legs.map((l) => (l.side === 'buy' ? buy : sell)({ wallet: address, mint: rename(l.mint), t: l.t, raw: l.raw, sol: l.sol }));
    const holdings = Object.fromEntries(spec.held.map((m) => [rename(m), { uiAmount: '1' }]));
    return { address, legs, holdings, transfers: transfersOf(address, spec) };
  });
}

const byKey = (r: SimilarityResult) => new Map(r.pairs.map((p) => [[p.walletA, p.walletB].sort().join('|'), p]));

function expectSameScores(x: PairScores, y: PairScores): void {
  for (const k of SCORE_KEYS) {
    if (x[k] === null) expect(y[k]).toBeNull();
    else expect(y[k]).toBeCloseTo(x[k]!, 10);
  }
}

/** Every pair's timing in the group's result is `timingForPair`'s score when it reaches 0.1, else 0: the kernel's bound skipped none that scores. */
function expectTimingAsExact(inputs: SimilarityWalletInput[]): number {
  const r = computeSimilarity({ wallets: inputs });
  const index = new Map(inputs.map((w) => [w.address, tradeIndex(w.address, w.legs)]));
  // the group's crowded launches, from its own first buys (no database given)
  const firstBuy = new Map<string, number>();
  for (const w of inputs) for (const l of w.legs) if (l.direction === 'buy' && l.timestamp < (firstBuy.get(l.mint) ?? Infinity)) firstBuy.set(l.mint, l.timestamp);
  const launches = crowdedLaunches(inputs, firstBuy);
  for (const p of r.pairs) {
    const [x, y] = [p.walletA, p.walletB].sort();
    const exact = timingForPair(index.get(x)!, index.get(y)!, {}, launches);
    if (exact === null) expect(p.scores.timing).toBeNull();
    else expect(p.scores.timing).toBe(exact.score >= 0.1 ? exact.score : 0);
  }
  return launches.size;
}

describe('similarity properties (fast-check)', () => {
  it('every score is within [0, 1] and every overlap percentage within [0, 100]', () => {
    fc.assert(
      fc.property(groupArb, (specs) => {
        const r = computeSimilarity({ wallets: toInputs(specs) });
        for (const p of r.pairs) {
          for (const k of SCORE_KEYS) {
            const v = p.scores[k];
            if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
          }
          for (const v of [p.capitalOverlapPercent, p.capitalInSharedPercentA, p.capitalInSharedPercentB]) {
            if (v !== null) expect(v >= 0 && v <= 100).toBe(true);
          }
        }
      }),
    );
  });

  it('is symmetric: swapping the two wallets gives the same scores', () => {
    fc.assert(
      fc.property(walletArb, walletArb, (a, b) => {
        const [ab] = computeSimilarity({ wallets: toInputs([a, b]) }).pairs;
        const inputs = toInputs([a, b]);
        const [ba] = computeSimilarity({ wallets: [inputs[1], inputs[0]] }).pairs;
        expectSameScores(ab.scores, ba.scores);
      }),
    );
  });

  it('a wallet compared with an identical copy scores 1 on every metric it has data for', () => {
    fc.assert(
      fc.property(walletArb, (w) => {
        const [original] = toInputs([w]);
        const copy = { ...original, address: 'copy' };
        const [p] = computeSimilarity({ wallets: [original, copy] }).pairs;
        for (const k of SIMILARITY_KEYS) {
          if (p.scores[k] !== null) expect(p.scores[k]).toBeCloseTo(1, 12);
        }
        const tradesUniverse = w.legs.length > 0;
        expect(p.scores.binary === null).toBe(!tradesUniverse);
        expect(p.scores.jaccardHeld === null).toBe(w.held.length === 0 || !w.held.some((m) => w.legs.some((l) => l.mint === m)));
      }),
    );
  });

  it('does not depend on the order of wallets in the group: scores, evidence and clusters', () => {
    fc.assert(
      fc.property(
        groupArb.chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs.map((_, i) => i), { minLength: specs.length, maxLength: specs.length }))),
        ([specs, order]) => {
          const inputs = toInputs(specs);
          const forwardResult = computeSimilarity({ wallets: inputs });
          const shuffledResult = computeSimilarity({ wallets: order.map((i) => inputs[i]) });
          const forward = byKey(forwardResult);
          const shuffled = byKey(shuffledResult);
          expect(shuffled.size).toBe(forward.size);
          for (const [key, p] of forward) {
            const q = shuffled.get(key)!;
            expectSameScores(p.scores, q.scores);
            expect(q.evidence === null).toBe(p.evidence === null);
            if (p.evidence === null || q.evidence === null) continue;
            // the same evidence, seen from the other side when the pair's wallets swapped places
            const flip = p.walletA !== q.walletA;
            expect(q.evidence.timing).toEqual(p.evidence.timing);
            expect(q.evidence.rareTokens).toEqual(p.evidence.rareTokens);
            expect(q.evidence.strongest).toBe(p.evidence.strongest);
            expect(q.evidence.bundles.map((b) => (flip ? b.signatureB : b.signatureA))).toEqual(p.evidence.bundles.map((b) => b.signatureA));
            expect(q.evidence.funding.map((f) => f.kind)).toEqual(p.evidence.funding.map((f) => f.kind));
          }
          expect(shuffledResult.clusters.map((c) => c.members)).toEqual(forwardResult.clusters.map((c) => c.members));
        },
      ),
    );
  });

  it('combined is the relatedness of the pair\'s signals, and evidence is present exactly when a coordination signal scores or rare tokens carry the overlap', () => {
    fc.assert(
      fc.property(groupArb, (specs) => {
        const r = computeSimilarity({ wallets: toInputs(specs) });
        for (const p of r.pairs) {
          const s = p.scores;
          const signals = [s.funding, s.bundle, s.timing, s.rarity, s.behavior];
          if (signals.every((v) => v === null)) expect(s.combined).toBeNull();
          else expect(s.combined).toBe(relatedness({ funding: s.funding, bundle: s.bundle, timing: s.timing, rarity: s.rarity, behavior: s.behavior }).score);
          const coordination = (s.funding ?? 0) > 0 || (s.bundle ?? 0) > 0 || (s.timing ?? 0) > 0 || (s.rarity ?? 0) >= 0.2;
          expect(p.evidence !== null).toBe(coordination);
          if (p.evidence === null) continue;
          const sum = Object.values(p.evidence.contributions).reduce((x, y) => x + y, 0);
          expect(sum).toBeCloseTo(s.combined!, 12);
          expect(p.evidence.funding.length).toBeLessThanOrEqual(8);
          expect(p.evidence.bundles.length).toBeLessThanOrEqual(5);
          expect(p.evidence.rareTokens.length).toBeLessThanOrEqual(5);
          if (s.timing === 0) expect(p.evidence.timing).toBeNull();
        }
      }),
    );
  });

  it('timing is timingForPair\'s score when it reaches 0.1, else 0: the kernel\'s bound never skips a pair that scores', () => {
    // trades within minutes of each other, so that copies (and bounds near 0.1) are common
    const close = fc.array(fc.record({ mint: fc.constantFrom('M0', 'M1', 'M2'), side: fc.constantFrom('buy', 'sell'), t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 7200 }), sol: fc.constant(1), raw: fc.constant(1) }), { maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.record({ legs: close, held: fc.constant<string[]>([]) }), { minLength: 2, maxLength: 5 }), (specs) => {
        expectTimingAsExact(toInputs(specs));
      }),
      { numRuns: 300 },
    );
  });

  it('among crowded launches (more than 6 wallets buying a token from a minute to 2 h after its first buy), timing is timingForPair\'s with the group\'s crowded launches, and the kernel\'s bound skips none that scores', () => {
    const t0 = 1_700_000_000;
    const trade = fc.record({ mint: fc.constantFrom('M0', 'M1', 'M2'), side: fc.constantFrom('buy', 'buy', 'sell'), t: fc.integer({ min: t0, max: t0 + 7200 }), sol: fc.constant(1), raw: fc.constant(1) });
    let crowded = 0;
    fc.assert(
      fc.property(fc.array(fc.record({ legs: fc.array(trade, { minLength: 1, maxLength: 8 }), held: fc.constant<string[]>([]) }), { minLength: 8, maxLength: 10 }), (specs) => {
        crowded += expectTimingAsExact(toInputs(specs)) > 0 ? 1 : 0;
      }),
      { numRuns: 150 },
    );
    // about 2 groups in 5 have one (measured 58 of 150; the property would test nothing otherwise)
    expect(crowded).toBeGreaterThan(25);
  });

  it('the kernel\'s lag peaks never skip a copier that scores by improbability, whatever its lag and however diluted', () => {
    // a leader's trades over a month; followers copy some at one lag (any from 0 to past the
    // window, a few seconds of jitter) among trades of their own, so the improbability route opens
    // on sparse copies, at every lag
    const trade = fc.record({ mint: fc.constantFrom(...MINTS), side: fc.constantFrom('buy', 'sell'), t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 30 * 86_400 }), sol: fc.constant(1), raw: fc.constant(1) });
    const follower = fc.record({
      lag: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 1900 }), fc.constantFrom(5, 10, 45, 50, 55, 500, 1700, 1800)),
      jitter: fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 12, maxLength: 12 }),
      copied: fc.uniqueArray(fc.nat(199), { minLength: 3, maxLength: 12, size: 'max' }),
      own: fc.array(trade, { maxLength: 200, size: 'max' }),
      // trades of its own around the leader's (a crowd at the same launches): lags scattered over
      // the window, so that the median drifts off the copies and the mode and its neighbours count
      crowd: fc.array(fc.record({ at: fc.nat(199), offset: fc.integer({ min: -600, max: 1800 }) }), { maxLength: 16, size: 'max' }),
    });
    fc.assert(
      fc.property(fc.array(trade, { minLength: 20, maxLength: 200, size: 'max' }), fc.array(follower, { minLength: 1, maxLength: 3 }), (leader, followers) => {
        const specs: WalletSpec[] = [
          { legs: leader, held: [] },
          ...followers.map((f) => ({
            legs: [
              ...f.copied.flatMap((k, n) => (k < leader.length ? [{ ...leader[k], t: Math.max(1_700_000_000, leader[k].t + f.lag + f.jitter[n]) }] : [])),
              ...f.own,
              ...f.crowd.flatMap(({ at, offset }) => (at < leader.length ? [{ ...leader[at], t: Math.max(1_700_000_000, leader[at].t + offset) }] : [])),
            ],
            held: [],
          })),
        ];
        expectTimingAsExact(toInputs(specs));
      }),
      { numRuns: 300 },
    );
  });

  it('the kernel\'s lag peaks never skip a copier whose buys and sales pack at lags of their own, too few on either side alone', () => {
    // a busy leader's trades over a month (so that the coverage of a few copies bounds nothing);
    // followers copy a few of its buys at one lag and a few of its sales at another (2 to 5 of each,
    // a few seconds of jitter) among trades of their own, so that only the two sides' peaks joined
    // open the improbability route
    const trade = fc.record({ mint: fc.constantFrom(...MINTS), side: fc.constantFrom('buy', 'sell'), t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 30 * 86_400 }), sol: fc.constant(1), raw: fc.constant(1) });
    const lag = fc.oneof(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 1800 }));
    const follower = fc.record({
      buyLag: lag,
      sellLag: lag,
      jitter: fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 10, maxLength: 10 }),
      buys: fc.integer({ min: 2, max: 5 }),
      sells: fc.integer({ min: 2, max: 5 }),
      // many, of tokens the leader never trades: its copies alone are near the leader's trades, and
      // are too few of either wallet's trades for the coverage to lift the bound either way
      own: fc.array(fc.record({ mint: fc.constantFrom('OWN0', 'OWN1', 'OWN2', 'OWN3'), side: fc.constantFrom('buy', 'sell'), t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 30 * 86_400 }), sol: fc.constant(1), raw: fc.constant(1) }), { minLength: 100, maxLength: 150 }),
    });
    let joined = 0;
    fc.assert(
      fc.property(fc.array(trade, { minLength: 100, maxLength: 200, size: 'max' }), fc.array(follower, { minLength: 1, maxLength: 3 }), (leader, followers) => {
        const buys = leader.filter((l) => l.side === 'buy');
        const sells = leader.filter((l) => l.side === 'sell');
        const specs: WalletSpec[] = [
          { legs: leader, held: [] },
          ...followers.map((f) => ({
            legs: [
              ...buys.slice(0, f.buys).map((l, n) => ({ ...l, t: l.t + f.buyLag + Math.max(0, f.jitter[n]) })),
              ...sells.slice(0, f.sells).map((l, n) => ({ ...l, t: l.t + f.sellLag + Math.max(0, f.jitter[5 + n]) })),
              ...f.own,
            ],
            held: [],
          })),
        ];
        const inputs = toInputs(specs);
        expectTimingAsExact(inputs);
        for (const w of inputs.slice(1)) {
          const r = timingForPair(tradeIndex('W0', inputs[0].legs), tradeIndex(w.address, w.legs));
          if (r !== null && r.score >= 0.1 && r.forward.typicalSellLagSeconds !== null) joined++;
        }
      }),
      { numRuns: 200 },
    );
    // the joined peaks carried the score for many followers (the property would test nothing otherwise)
    expect(joined).toBeGreaterThan(50);
  });

  it('the kernel\'s lag peaks never skip a copier hiding in a crowd: copies at one lag, matches of its own scattered, both wallets busy', () => {
    // both wallets trade a lot (so that neither's trade count lifts the coverage bound), the
    // follower copies a few of the leader's trades at one lag and trades others of the same tokens
    // at scattered lags, more of them than the copies: the median lag lies off the copies, and
    // only the mode (and the matches around it) can open the improbability route
    const T = 1_700_000_000;
    const mints = Array.from({ length: 30 }, (_, k) => `C${k}`);
    fc.assert(
      fc.property(
        fc.array(fc.record({ mint: fc.nat(29), buy: fc.boolean(), t: fc.integer({ min: T, max: T + 30 * 86_400 }) }), { minLength: 200, maxLength: 200 }),
        fc.integer({ min: 0, max: 1700 }),
        fc.uniqueArray(fc.nat(99), { minLength: 5, maxLength: 8 }),
        fc.array(fc.record({ at: fc.integer({ min: 100, max: 199 }), lag: fc.integer({ min: 0, max: 1800 }) }), { minLength: 6, maxLength: 12 }),
        fc.array(fc.record({ mint: fc.nat(99), buy: fc.boolean(), t: fc.integer({ min: T, max: T + 30 * 86_400 }) }), { minLength: 150, maxLength: 200 }),
        (leaderTrades, lag, copied, scattered, own) => {
          const leg = (wallet: string, mint: string, isBuy: boolean, t: number) => (isBuy ? buy : sell)({ wallet, mint, t, raw: 1, sol: 1 });
          const leader = leaderTrades.map((x) => leg('A', mints[x.mint], x.buy, x.t));
          const follower = [
            ...copied.map((k) => leg('B', leader[k].mint, leader[k].direction === 'buy', leader[k].timestamp + lag)),
            ...scattered.map((x) => leg('B', leader[x.at].mint, leader[x.at].direction === 'buy', leader[x.at].timestamp + x.lag)),
            ...own.map((x) => leg('B', `OWN${x.mint}`, x.buy, x.t)),
          ];
          expectTimingAsExact([{ address: 'A', legs: leader, holdings: {} }, { address: 'B', legs: follower, holdings: {} }]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('does not depend on token names: relabeling mints through a bijection keeps every score', () => {
    fc.assert(
      fc.property(groupArb, fc.shuffledSubarray(MINTS, { minLength: MINTS.length, maxLength: MINTS.length }), (specs, permuted) => {
        const rename = (m: string) => `renamed-${permuted[MINTS.indexOf(m)]}`;
        const plain = byKey(computeSimilarity({ wallets: toInputs(specs) }));
        const renamed = byKey(computeSimilarity({ wallets: toInputs(specs, rename) }));
        for (const [key, p] of plain) expectSameScores(p.scores, renamed.get(key)!.scores);
      }),
    );
  });

  it('per-token contributions (listed + omitted) sum to the capital score', () => {
    fc.assert(
      fc.property(groupArb, fc.integer({ min: 0, max: 4 }), (specs, maxShared) => {
        const r = computeSimilarity({ wallets: toInputs(specs), maxSharedTokensPerPair: maxShared });
        for (const p of r.pairs) {
          expect(p.sharedTokens.length).toBeLessThanOrEqual(maxShared);
          expect(p.sharedTokens.length + p.sharedTokensOmitted).toBe(p.sharedTokenCount);
          if (p.scores.capital === null) continue;
          const sum = p.sharedTokens.reduce((s, t) => s + t.contribution, 0) + p.omittedContribution;
          expect(sum).toBeCloseTo(p.scores.capital, 10);
        }
      }),
    );
  });

  it('similarity is the weighted mean of the defined metrics, so it lies between their min and max', () => {
    fc.assert(
      fc.property(groupArb, (specs) => {
        const r = computeSimilarity({ wallets: toInputs(specs) });
        for (const p of r.pairs) {
          const defined = (['capital', 'binary', 'jaccardTraded', 'jaccardHeld', 'behavior'] as MetricName[])
            .map((m) => p.scores[m])
            .filter((v): v is number => v !== null);
          if (defined.length === 0) expect(p.scores.similarity).toBeNull();
          else {
            expect(p.scores.similarity!).toBeGreaterThanOrEqual(Math.min(...defined) - 1e-12);
            expect(p.scores.similarity!).toBeLessThanOrEqual(Math.max(...defined) + 1e-12);
          }
        }
      }),
    );
  });
});
