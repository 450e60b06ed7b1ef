// One wallet's trading behavior from its swap legs (docs/analytics.md, "Behavior").
import { clamp01, mean, median } from '../stats';
import type { SwapLeg } from '../swaps/types';
import { compareLegs } from '../swaps/types';
import { activePeriods, sessionSummary, tradeRates } from './activity';
import type { CompletedPosition, HoldAnalysis } from './holds';
import { analyseHolds, completedHoldDistribution, tradeSpeedDistribution } from './holds';
import type {
  BehaviorOptions,
  BehaviorProfile,
  DataQualityTier,
  EconomicRisk,
  HolderClass,
  SpeedCategory,
  TradingPattern,
} from './types';

const HOUR = 3600;
/** Completed positions older than this (before "now") are left out of the completed-hold figures. */
export const COMPLETED_POSITION_MAX_AGE_DAYS = 90;
/** Longest completed hold kept (anchor: 18,760 h ≈ 2.1 years). */
export const COMPLETED_POSITION_MAX_HOURS = 18_760;
/** Completed positions needed before hold-class figures are given. */
export const MIN_COMPLETED_POSITIONS = 3;
/** Open lots count as current holdings from this cost, remaining share and age. */
const OPEN_LOT_MIN_SOL = 0.001;
const OPEN_LOT_MIN_REMAINING = 0.05;
const OPEN_LOT_MIN_AGE_SECONDS = 60;

/** Behavior profile over the wallet's swap legs; transfers and airdrops are not trades. */
export function computeBehavior(legs: readonly SwapLeg[], opts: BehaviorOptions = {}): BehaviorProfile {
  const trades = legs.filter((l) => l.kind === 'swap').sort(compareLegs);
  const timestamps = trades.map((l) => l.timestamp);
  const lastTradeAt = timestamps.length > 0 ? timestamps[timestamps.length - 1] : null;
  const now = opts.nowSec ?? (lastTradeAt ?? 0) + HOUR;
  // (transfers move the lots, as in PnL: tokens sent away are not held, nor paired with a later sale)
  const holds = analyseHolds([...legs].sort(compareLegs));

  const buyCount = trades.filter((l) => l.direction === 'buy').length;
  const sellCount = trades.length - buyCount;
  const twoSided = holds.tokens.filter((t) => t.buys > 0 && t.sells > 0);
  const symmetry = mean(twoSided.map((t) => Math.min(t.buys, t.sells) / Math.max(t.buys, t.sells))) ?? 0;
  const consistency = mean(twoSided.map((t) => Math.min(1, t.pairs / Math.min(t.buys, t.sells)))) ?? 0;
  const exitedTokens = holds.tokens.filter((t) => t.exited);
  const hours = holds.pairs.map((p) => p.hours);
  const speed = tradeSpeedDistribution(holds.pairs);
  const share = (limitHours: number): number =>
    hours.length === 0 ? 0 : hours.filter((h) => h < limitHours).length / hours.length;

  const holdings = currentHoldings(holds, trades, now);
  const completed = holds.completed.filter(
    (p) => p.closedAt >= now - COMPLETED_POSITION_MAX_AGE_DAYS * 86_400 && p.holdSeconds / HOUR <= COMPLETED_POSITION_MAX_HOURS,
  );
  const enough = completed.length >= MIN_COMPLETED_POSITIONS;
  const medianCompletedHours = enough ? medianOfTokenMedians(completed) : null;
  const periods = activePeriods(timestamps);
  const rates = tradeRates(timestamps);

  const flipperSpeed = 0.85 * speed.ultraFast + 0.1 * speed.veryFast + 0.05 * speed.fast;
  const flipperScore = clamp01(0.7 * flipperSpeed + 0.3 * ((symmetry + consistency) / 2) + (speed.ultraFast > 0.5 ? 0.2 : 0));
  const medianHold = median(hours);
  const speedCategory = medianHold === null ? null : speedOf(medianHold);
  const pattern = trades.length === 0 ? null : patternOf(buyCount, sellCount, symmetry, consistency);
  const lowActivity = trades.length < 5 || twoSided.length < 2 || speedCategory === null;
  const cyclesBonus = completed.length >= 10 ? 0.3 : completed.length >= 5 ? 0.2 : completed.length >= 3 ? 0.1 : 0;
  const dataQuality = Math.min(1, trades.length / 50);

  return {
    tradeCount: trades.length,
    buyCount,
    sellCount,
    uniqueTokens: holds.tokens.length,
    tokensWithBothSides: twoSided.length,
    tokensBuyOnly: holds.tokens.filter((t) => t.sells === 0).length,
    tokensSellOnly: holds.tokens.filter((t) => t.buys === 0).length,
    averageTradesPerToken: holds.tokens.length > 0 ? trades.length / holds.tokens.length : null,
    buySellRatio: sellCount > 0 ? buyCount / sellCount : null,
    completePairsCount: holds.pairs.length,
    averageFlipDurationHours: mean(hours),
    medianHoldTimeHours: medianHold,
    buySellSymmetry: symmetry,
    sequenceConsistency: consistency,
    reentryRate: exitedTokens.length > 0 ? exitedTokens.filter((t) => t.reentered).length / exitedTokens.length : 0,
    shareOfUnpairedTokens: holds.tokens.length > 0 ? holds.tokens.filter((t) => t.pairs === 0).length / holds.tokens.length : 0,
    tradingTimeDistribution: speed,
    shareOfPairsUnder1Hour: share(1),
    shareOfPairsUnder4Hours: share(4),
    flipRatioUnder5Minutes: share(5 / 60),
    currentHoldings: holdings.summary,
    weightedAverageHoldTimeHours: holdings.weightedAverageHours,
    flipperScore,
    firstTradeAt: timestamps.length > 0 ? timestamps[0] : null,
    lastTradeAt,
    activeSpanDays: rates.activeSpanDays,
    tradesPerDay: rates.tradesPerDay,
    tradesPerWeek: rates.tradesPerWeek,
    tradesPerMonth: rates.tradesPerMonth,
    sessions: sessionSummary(timestamps),
    activePeriods: periods.periods,
    activityFocusScore: periods.focusPercent,
    averageTradeSizeSol: mean(trades.map((l) => l.solValue)),
    largestTradeSol: trades.length > 0 ? trades.reduce((m, l) => Math.max(m, l.solValue), 0) : null,
    mostTradedTokens: mostTradedTokens(trades),
    completedPositions: {
      count: completed.length,
      historicalAverageHoldTimeHours: enough ? capitalWeightedHoldHours(completed) : null,
      medianCompletedHoldTimeHours: medianCompletedHours,
      holdTimeDistribution: completedHoldDistribution(completed),
      exitPattern: completed.length === 0 ? null : mean(completed.map((p) => p.sells))! > 2 ? 'GRADUAL' : 'ALL_AT_ONCE',
    },
    holderClass: medianCompletedHours === null ? null : holderClassOf(medianCompletedHours),
    speedCategory,
    pattern,
    tradingStyle: lowActivity ? 'Low Activity' : `${speedCategory} (${pattern})`,
    confidence: Math.min(1, 0.4 * dataQuality + cyclesBonus + 0.3 * symmetry * consistency),
    economicRisk: holdings.weightedAverageHours === null ? null : riskOf(holdings.weightedAverageHours),
    dataQualityTier: tierOf(completed.length, trades.length),
  };
}

function currentHoldings(holds: HoldAnalysis, trades: SwapLeg[], now: number) {
  const counted = holds.openLots.filter((lot) => {
    const remainingShare = Number(lot.remaining) / Number(lot.original);
    return (
      lot.costSol * remainingShare >= OPEN_LOT_MIN_SOL &&
      remainingShare >= OPEN_LOT_MIN_REMAINING &&
      now - lot.leg.timestamp >= OPEN_LOT_MIN_AGE_SECONDS
    );
  });
  const ages = counted.map((lot) => (now - lot.leg.timestamp) / HOUR);
  const openCost = counted.map((lot) => lot.costSol * (Number(lot.remaining) / Number(lot.original)));
  const spent = trades.filter((l) => l.direction === 'buy').reduce((s, l) => s + l.solValue, 0);
  let weight = 0;
  let weighted = 0;
  for (const p of holds.pairs) {
    weight += p.costSol;
    weighted += p.costSol * p.hours;
  }
  counted.forEach((_, i) => {
    weight += openCost[i];
    weighted += openCost[i] * ages[i];
  });
  const heldCost = openCost.reduce((s, c) => s + c, 0);
  return {
    summary: {
      count: counted.length,
      averageHoldingHours: mean(ages),
      medianHoldingHours: median(ages),
      percentOfValueHeld: spent > 0 ? (heldCost / spent) * 100 : 0,
    },
    weightedAverageHours: weight > 0 ? weighted / weight : null,
  };
}

function medianOfTokenMedians(positions: CompletedPosition[]): number {
  const byMint = new Map<string, number[]>();
  for (const p of positions) {
    const list = byMint.get(p.mint) ?? [];
    list.push(p.holdSeconds / HOUR);
    byMint.set(p.mint, list);
  }
  return median([...byMint.values()].map((h) => median(h)!))!;
}

function capitalWeightedHoldHours(positions: CompletedPosition[]): number {
  const capital = positions.reduce((s, p) => s + p.capitalSol, 0);
  if (capital <= 0) return mean(positions.map((p) => p.holdSeconds / HOUR))!;
  return positions.reduce((s, p) => s + p.capitalSol * (p.holdSeconds / HOUR), 0) / capital;
}

/** Top 5 tokens by trade count, after dropping tokens that look like spam (see docs). */
function mostTradedTokens(trades: SwapLeg[]): Array<{ mint: string; trades: number }> {
  const byMint = new Map<string, SwapLeg[]>();
  for (const l of trades) {
    const list = byMint.get(l.mint) ?? [];
    list.push(l);
    byMint.set(l.mint, list);
  }
  const tiny = (l: SwapLeg): boolean => l.solValue < 0.001 && (l.quote === 'SOL' || Number(l.quoteAmount) < 5);
  return [...byMint.entries()]
    .filter(([, list]) => list.some((l) => l.solValue > 0) && !(list.length >= 100 && list.every(tiny)))
    .map(([mint, list]) => ({ mint, trades: list.length }))
    .sort((a, b) => b.trades - a.trades || (a.mint < b.mint ? -1 : 1))
    .slice(0, 5);
}

function holderClassOf(hours: number): HolderClass {
  if (hours < 1 / 60) return 'SNIPER';
  if (hours < 5 / 60) return 'SCALPER';
  if (hours < 0.5) return 'MOMENTUM';
  if (hours < 4) return 'INTRADAY';
  if (hours < 24) return 'DAY_TRADER';
  if (hours < 168) return 'SWING';
  if (hours < 720) return 'POSITION';
  return 'HOLDER';
}

function speedOf(medianHours: number): SpeedCategory {
  if (medianHours < 3 / 60) return 'ULTRA_FLIPPER';
  if (medianHours < 10 / 60) return 'FLIPPER';
  if (medianHours < 1) return 'FAST_TRADER';
  if (medianHours < 24) return 'DAY_TRADER';
  if (medianHours < 168) return 'SWING_TRADER';
  return 'POSITION_TRADER';
}

function patternOf(buys: number, sells: number, symmetry: number, consistency: number): TradingPattern {
  if (sells === 0) return 'HOLDER';
  if (buys === 0) return 'DUMPER';
  const ratio = buys / sells;
  if (ratio > 2.5 && buys > 2 * sells) return 'ACCUMULATOR';
  if (ratio < 0.4 && sells > 2 * buys) return 'DISTRIBUTOR';
  if (symmetry > 0.7 && consistency > 0.7) return 'BALANCED';
  if (ratio > 1.5) return 'HOLDER';
  return 'MIXED';
}

function riskOf(weightedHours: number): EconomicRisk {
  if (weightedHours < 1) return 'CRITICAL';
  if (weightedHours < 24) return 'HIGH';
  if (weightedHours < 168) return 'MEDIUM';
  return 'LOW';
}

function tierOf(completed: number, trades: number): DataQualityTier {
  if (completed >= 10 && trades >= 50) return 'HIGH';
  if (completed >= 5 && trades >= 20) return 'MEDIUM';
  if (completed >= MIN_COMPLETED_POSITIONS) return 'LOW';
  return 'INSUFFICIENT';
}
