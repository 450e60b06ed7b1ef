import { airdrop, buy, sell, transferIn, transferOut, unvaluedRotation } from '../testing/legs';
import { activePeriods, sessionSummary, tradeRates } from './activity';
import { computeBehavior } from './profile';

const H = 3600;

// A: 10-minute flip (+1 SOL). B: 2-hour flip (−0.5 SOL). C: two buys 100 s apart, one sale 30 h later (+1 SOL).
const scenario = [
  buy({ mint: 'A', t: 0, raw: 10, sol: 1 }),
  sell({ mint: 'A', t: 600, raw: 10, sol: 2 }),
  buy({ mint: 'B', t: 1000, raw: 10, sol: 1 }),
  sell({ mint: 'B', t: 1000 + 2 * H, raw: 10, sol: 0.5 }),
  buy({ mint: 'C', t: 10_000, raw: 10, sol: 1 }),
  buy({ mint: 'C', t: 10_100, raw: 10, sol: 1 }),
  sell({ mint: 'C', t: 10_000 + 30 * H, raw: 20, sol: 3 }),
];

describe('computeBehavior', () => {
  const p = computeBehavior(scenario);

  it('counts trades and sides per token', () => {
    expect(p).toMatchObject({
      tradeCount: 7,
      buyCount: 4,
      sellCount: 3,
      uniqueTokens: 3,
      tokensWithBothSides: 3,
      tokensBuyOnly: 0,
      tokensSellOnly: 0,
      completePairsCount: 4,
    });
    expect(p.buySellRatio).toBeCloseTo(4 / 3, 12);
    expect(p.averageTradesPerToken).toBeCloseTo(7 / 3, 12);
  });

  it('pairs sells with the oldest buys: durations 1/6 h, 2 h, 30 h and 30 h − 100 s', () => {
    expect(p.medianHoldTimeHours).toBeCloseTo((2 + (30 * H - 100) / H) / 2, 10);
    expect(p.averageFlipDurationHours).toBeCloseTo((1 / 6 + 2 + 30 + (30 * H - 100) / H) / 4, 10);
    expect(p.tradingTimeDistribution).toEqual({ ultraFast: 0.25, veryFast: 0, fast: 0.25, moderate: 0, dayTrader: 0, swing: 0.5, position: 0 });
    expect(p.shareOfPairsUnder1Hour).toBe(0.25);
    expect(p.shareOfPairsUnder4Hours).toBe(0.5);
    expect(p.flipRatioUnder5Minutes).toBe(0);
  });

  it('symmetry = mean(1, 1, 1/2), consistency = mean(1, 1, min(1, 2/1)), flipper = 0.7·0.225 + 0.3·(5/6 + 1)/2', () => {
    expect(p.buySellSymmetry).toBeCloseTo(5 / 6, 12);
    expect(p.sequenceConsistency).toBe(1);
    expect(p.flipperScore).toBeCloseTo(0.7 * (0.85 * 0.25 + 0.05 * 0.25) + 0.3 * ((5 / 6 + 1) / 2), 12);
  });

  it('completed positions: 10 min, 2 h and 30 h; holder class from the median of per-token medians (2 h → INTRADAY)', () => {
    expect(p.completedPositions.count).toBe(3);
    expect(p.completedPositions.medianCompletedHoldTimeHours).toBe(2);
    expect(p.completedPositions.historicalAverageHoldTimeHours).toBeCloseTo((1 * (1 / 6) + 1 * 2 + 2 * 30) / 4, 10);
    expect(p.completedPositions.exitPattern).toBe('ALL_AT_ONCE');
    const d = p.completedPositions.holdTimeDistribution;
    expect(d.fiveToThirtyMinutes).toEqual({ count: 1, winRate: 1, totalPnlSol: 1, averagePnlSol: 1, roiPercent: 100, capitalSol: 1 });
    expect(d.thirtyMinutesToFourHours).toEqual({ count: 1, winRate: 0, totalPnlSol: -0.5, averagePnlSol: -0.5, roiPercent: -50, capitalSol: 1 });
    expect(d.oneToSevenDays).toEqual({ count: 1, winRate: 1, totalPnlSol: 1, averagePnlSol: 1, roiPercent: 50, capitalSol: 2 });
    expect(d.instant.count + d.underOneMinute.count + d.oneToFiveMinutes.count + d.fourToTwentyFourHours.count + d.overSevenDays.count).toBe(0);
    expect(p.holderClass).toBe('INTRADAY');
  });

  it('labels: DAY_TRADER speed (median 16 h), BALANCED pattern, HIGH economic risk, LOW data tier', () => {
    expect(p.speedCategory).toBe('DAY_TRADER');
    expect(p.pattern).toBe('BALANCED');
    expect(p.tradingStyle).toBe('DAY_TRADER (BALANCED)');
    expect(p.economicRisk).toBe('HIGH');
    expect(p.dataQualityTier).toBe('LOW');
    expect(p.confidence).toBeCloseTo(0.4 * (7 / 50) + 0.1 + 0.3 * (5 / 6) * 1, 12);
    expect(p.reentryRate).toBe(0);
    expect(p.currentHoldings.count).toBe(0);
  });

  it('ignores transfers and airdrops: they are not trades', () => {
    const withAirdrop = computeBehavior([...scenario, airdrop({ mint: 'D', t: 50, raw: 1000 })]);
    expect(withAirdrop.tradeCount).toBe(7);
    expect(withAirdrop.uniqueTokens).toBe(3);
  });

  it('tokens sent away are no longer held: a transfer out consumes the lots it takes, as in PnL, and the next buy is paired with its own sale', () => {
    const day = 86_400;
    const q = computeBehavior(
      [
        buy({ mint: 'A', t: 0, raw: 100, sol: 1 }),
        transferOut({ mint: 'A', t: 60, raw: 100 }),
        buy({ mint: 'A', t: 10 * day, raw: 100, sol: 1 }),
        sell({ mint: 'A', t: 10 * day + 30, raw: 100, sol: 1.2 }),
      ],
      { nowSec: 10 * day + 3600 },
    );
    expect(q.medianHoldTimeHours).toBeCloseTo(30 / 3600, 12); // not 240 h from the first buy
    expect(q.completePairsCount).toBe(1);
    expect(q.currentHoldings.count).toBe(0);
    expect(q.currentHoldings.percentOfValueHeld).toBe(0);
    expect(q.tradeCount).toBe(3);
    // the position emptied by the transfer is not a completed trade; the one closed by the sale is
    expect(q.completedPositions.count).toBe(1);
    expect(q.completedPositions.holdTimeDistribution.underOneMinute).toMatchObject({ count: 1, totalPnlSol: expect.closeTo(0.2, 12) });
  });

  it('tokens received are not trades, but a sale takes them first, as in PnL (no pair: nothing was bought)', () => {
    const q = computeBehavior([transferIn({ mint: 'A', t: 0, raw: 100 }), buy({ mint: 'A', t: 100, raw: 100, sol: 1 }), sell({ mint: 'A', t: 200, raw: 100, sol: 2 })], { nowSec: 4000 });
    expect(q).toMatchObject({ tradeCount: 2, uniqueTokens: 1, completePairsCount: 0 });
    // the bought lot is still held
    expect(q.currentHoldings.count).toBe(1);
  });

  it("a position's PnL is PnL's: a swap left unvalued is neither a total loss nor all profit", () => {
    const q = computeBehavior(unvaluedRotation());
    // both positions closed after 10 minutes, neither with a gain or a loss PnL could tell
    const d = q.completedPositions.holdTimeDistribution.fiveToThirtyMinutes;
    // counted as positions held, not as losses: no win rate, PnL, average or ROI of theirs to tell
    expect(d).toMatchObject({ count: 2, totalPnlSol: 0, winRate: null, averagePnlSol: null, roiPercent: null, capitalSol: 0 });
  });

  it('a buy after a full exit is a re-entry', () => {
    const q = computeBehavior([
      buy({ mint: 'A', t: 0, raw: 10, sol: 1 }),
      sell({ mint: 'A', t: 60, raw: 10, sol: 1 }),
      buy({ mint: 'A', t: 120, raw: 10, sol: 1 }),
      buy({ mint: 'B', t: 0, raw: 10, sol: 1 }),
      sell({ mint: 'B', t: 60, raw: 9, sol: 1 }),
    ]);
    expect(q.reentryRate).toBe(0.5); // A and B exited (B kept 10 % ≤ 20 % of its peak); only A came back
  });

  it('open lots held at least 60 s, worth ≥ 0.001 SOL and with ≥ 5 % left are current holdings', () => {
    const q = computeBehavior(
      [buy({ mint: 'A', t: 0, raw: 100, sol: 1 }), sell({ mint: 'A', t: H, raw: 50, sol: 1 }), buy({ mint: 'B', t: 2 * H, raw: 1, sol: 0.0005 })],
      { nowSec: 11 * H },
    );
    expect(q.currentHoldings).toEqual({ count: 1, averageHoldingHours: 11, medianHoldingHours: 11, percentOfValueHeld: (0.5 / 1.0005) * 100 });
    expect(q.weightedAverageHoldTimeHours).toBeCloseTo((0.5 * 1 + 0.5 * 11) / 1, 12);
  });

  it('more than half of pairs under 30 min adds the 0.2 flipper bonus, and 20-second holds make a SNIPER', () => {
    const legs = ['A', 'B', 'C'].flatMap((m, i) => [buy({ mint: m, t: i * 1000, raw: 1, sol: 1 }), sell({ mint: m, t: i * 1000 + 20, raw: 1, sol: 1 })]);
    const q = computeBehavior(legs);
    expect(q.tradingTimeDistribution.ultraFast).toBe(1);
    expect(q.flipperScore).toBeCloseTo(Math.min(1, 0.7 * 0.85 + 0.3 * 1 + 0.2), 12);
    expect(q.holderClass).toBe('SNIPER');
    expect(q.speedCategory).toBe('ULTRA_FLIPPER');
    expect(q.tradingStyle).toBe('ULTRA_FLIPPER (BALANCED)');
  });

  it('without sells: ratio null (not infinite), HOLDER pattern, Low Activity under 5 trades', () => {
    const q = computeBehavior([buy({ mint: 'A', t: 0, raw: 1, sol: 1 }), buy({ mint: 'B', t: 10, raw: 1, sol: 1 })]);
    expect(q).toMatchObject({ buySellRatio: null, pattern: 'HOLDER', tradingStyle: 'Low Activity', holderClass: null, medianHoldTimeHours: null });
  });

  it('no legs: zeros and nulls, JSON-serializable', () => {
    const q = computeBehavior([]);
    expect(q).toMatchObject({ tradeCount: 0, firstTradeAt: null, tradesPerDay: 0, tradingStyle: 'Low Activity', dataQualityTier: 'INSUFFICIENT', economicRisk: null });
    expect(JSON.parse(JSON.stringify(q))).toEqual(q);
  });
});

describe('activity helpers', () => {
  it('splits sessions on gaps over 2 hours (exactly 2 h stays in the session)', () => {
    const s = sessionSummary([0, 600, 1000, 8200, 10_000, 10_100, 118_000]);
    expect(s.count).toBe(2);
    expect(s.averageTradesPerSession).toBe(3.5);
    expect(s.averageSessionMinutes).toBeCloseTo(10_100 / 60 / 2, 12);
    expect(s.averageStartHourUtc).toBeCloseTo(4, 10); // circular mean of 00:00 and 08:00
  });

  it('takes the circular mean of start hours across midnight: 23:00 and 01:00 → 00:00', () => {
    const s = sessionSummary([23 * H, 23 * H + 86_400 + 2 * H]);
    expect(s.averageStartHourUtc! % 24).toBeCloseTo(0, 10);
  });

  it('rates: per day, week and month over at least that period (the trades themselves over a shorter span)', () => {
    expect(tradeRates([0, 43_200])).toEqual({ activeSpanDays: 0.5, tradesPerDay: 2, tradesPerWeek: 2, tradesPerMonth: 2 });
    // three trades in one second: three a day, a week, a month (not extrapolated from the second)
    expect(tradeRates([100, 100, 101])).toMatchObject({ tradesPerDay: 3, tradesPerWeek: 3, tradesPerMonth: 3 });
    // over 14 days: the mean rate
    expect(tradeRates(Array.from({ length: 29 }, (_, i) => i * 43_200))).toMatchObject({ activeSpanDays: 14, tradesPerDay: 29 / 14, tradesPerWeek: (29 / 14) * 7 });
  });

  it('active periods: hours 10–11 UTC hold 20 of 21 trades → one period, focus 95.2 %', () => {
    const ts = [...Array(10).fill(10 * H), ...Array(10).fill(11 * H), 20 * H];
    const { periods, focusPercent } = activePeriods(ts);
    expect(periods).toEqual([{ startHourUtc: 10, endHourUtc: 11, tradeShare: 20 / 21 }]);
    expect(focusPercent).toBeCloseTo((20 / 21) * 100, 12);
  });

  it('active periods: the day is a circle, so trades from 22:00 to 02:00 UTC are one period across midnight, as focused as the same hours at noon', () => {
    const at = (hours: number[]) => hours.flatMap((h) => Array.from({ length: 10 }, (_, i) => ((h + 24) % 24) * H + i * 300));
    const night = activePeriods(at([22, 23, 0, 1]));
    const noon = activePeriods(at([10, 11, 12, 13]));
    // smoothed, the middle two hours are the peak (the 75th percentile of the smoothed counts)
    expect(noon.periods).toEqual([{ startHourUtc: 11, endHourUtc: 12, tradeShare: 0.5 }]);
    expect(night.periods).toEqual([{ startHourUtc: 23, endHourUtc: 0, tradeShare: 0.5 }]);
    expect(night.focusPercent).toBe(noon.focusPercent);
    // five busy hours across midnight, one of them quiet: one period
    const split = activePeriods(at([21, 22, 0, 1]));
    expect(split.periods).toEqual([{ startHourUtc: 21, endHourUtc: 1, tradeShare: 1 }]);
  });

  it('active periods: shifting every trade by whole hours shifts the periods round the day and keeps the focus', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const key = (p: { startHourUtc: number; endHourUtc: number; tradeShare: number }, shift: number) => `${(p.startHourUtc + shift) % 24}-${(p.endHourUtc + shift) % 24}:${p.tradeShare.toFixed(12)}`;
    for (let round = 0; round < 200; round++) {
      const hours = Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => Math.floor(rnd() * 24));
      const ts = Array.from({ length: 20 + Math.floor(rnd() * 60) }, () => hours[Math.floor(rnd() * hours.length)] * H + Math.floor(rnd() * H));
      const base = activePeriods(ts);
      for (const shift of [1, 5, 13, 23]) {
        const moved = activePeriods(ts.map((t) => t + shift * H));
        expect(moved.focusPercent).toBeCloseTo(base.focusPercent, 9);
        expect(moved.periods.map((p) => key(p, 0)).sort()).toEqual(base.periods.map((p) => key(p, shift)).sort());
      }
    }
  });
});
