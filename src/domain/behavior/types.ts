/** Shares of FIFO buy→sell pairs by hold duration (anchor "tradingTimeDistribution"); sum to 1. */
export interface TradeSpeedDistribution {
  /** < 30 min */
  ultraFast: number;
  /** 30–60 min */
  veryFast: number;
  /** 1–4 h */
  fast: number;
  /** 4–8 h */
  moderate: number;
  /** 8–24 h */
  dayTrader: number;
  /** 1–7 d */
  swing: number;
  /** > 7 d */
  position: number;
}

export interface HoldBucketStats {
  count: number;
  /** share of the bucket's cycles whose PnL is known with PnL > 0; null when none is known */
  winRate: number | null;
  /** over the cycles whose PnL is known (a cycle of unvalued swaps or received tokens has none) */
  totalPnlSol: number;
  averagePnlSol: number | null;
  /** totalPnlSol / capitalSol × 100; null without capital */
  roiPercent: number | null;
  /** the capital of the cycles whose PnL is known */
  capitalSol: number;
}

/** Completed positions by hold duration (anchor "holdTimeDistribution"). */
export interface CompletedHoldDistribution {
  /** same second (< 0.36 s) */
  instant: HoldBucketStats;
  underOneMinute: HoldBucketStats;
  oneToFiveMinutes: HoldBucketStats;
  fiveToThirtyMinutes: HoldBucketStats;
  thirtyMinutesToFourHours: HoldBucketStats;
  fourToTwentyFourHours: HoldBucketStats;
  oneToSevenDays: HoldBucketStats;
  overSevenDays: HoldBucketStats;
}

export type HolderClass =
  | 'SNIPER'
  | 'SCALPER'
  | 'MOMENTUM'
  | 'INTRADAY'
  | 'DAY_TRADER'
  | 'SWING'
  | 'POSITION'
  | 'HOLDER';
export type SpeedCategory =
  | 'ULTRA_FLIPPER'
  | 'FLIPPER'
  | 'FAST_TRADER'
  | 'DAY_TRADER'
  | 'SWING_TRADER'
  | 'POSITION_TRADER';
export type TradingPattern = 'HOLDER' | 'DUMPER' | 'ACCUMULATOR' | 'DISTRIBUTOR' | 'BALANCED' | 'MIXED';
export type EconomicRisk = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export type DataQualityTier = 'HIGH' | 'MEDIUM' | 'LOW' | 'INSUFFICIENT';

export interface ActivePeriod {
  /** first UTC hour of the period (0–23) */
  startHourUtc: number;
  /** last UTC hour, inclusive; smaller than `startHourUtc` for a period across midnight UTC */
  endHourUtc: number;
  /** share of trades inside the period (0–1) */
  tradeShare: number;
}

export interface BehaviorProfile {
  /** swap legs analysed (transfers and airdrops are not trades) */
  tradeCount: number;
  buyCount: number;
  sellCount: number;
  uniqueTokens: number;
  tokensWithBothSides: number;
  tokensBuyOnly: number;
  tokensSellOnly: number;
  averageTradesPerToken: number | null;
  /** buys / sells; null when there are no sells (the anchor's ∞ is not JSON) */
  buySellRatio: number | null;
  completePairsCount: number;
  /** mean of FIFO pair durations */
  averageFlipDurationHours: number | null;
  /** median of FIFO pair durations */
  medianHoldTimeHours: number | null;
  /** mean over two-sided tokens of min(buys, sells) / max(buys, sells) */
  buySellSymmetry: number;
  /** mean over two-sided tokens of pairs / min(buys, sells), capped at 1 */
  sequenceConsistency: number;
  /** share of tokens fully exited at least once that were bought again afterwards */
  reentryRate: number;
  /** share of tokens with no FIFO pair */
  shareOfUnpairedTokens: number;
  tradingTimeDistribution: TradeSpeedDistribution;
  shareOfPairsUnder1Hour: number;
  shareOfPairsUnder4Hours: number;
  /** share of pairs held under 5 minutes (the anchor's "dailyFlipRatio") */
  flipRatioUnder5Minutes: number;
  currentHoldings: {
    count: number;
    averageHoldingHours: number | null;
    medianHoldingHours: number | null;
    /** open cost basis of counted lots / SOL spent on all buys × 100 */
    percentOfValueHeld: number;
  };
  /** cost-weighted mean hold over pairs and counted open lots */
  weightedAverageHoldTimeHours: number | null;
  flipperScore: number;
  firstTradeAt: number | null;
  lastTradeAt: number | null;
  activeSpanDays: number;
  tradesPerDay: number;
  tradesPerWeek: number;
  tradesPerMonth: number;
  sessions: {
    count: number;
    averageTradesPerSession: number | null;
    averageSessionMinutes: number | null;
    /** circular mean of session start hours (UTC); null when undefined */
    averageStartHourUtc: number | null;
  };
  activePeriods: ActivePeriod[];
  /** % of trades inside active periods (0–100) */
  activityFocusScore: number;
  averageTradeSizeSol: number | null;
  largestTradeSol: number | null;
  mostTradedTokens: Array<{ mint: string; trades: number }>;
  completedPositions: {
    count: number;
    /** capital-weighted mean hold of completed positions; null under 3 positions */
    historicalAverageHoldTimeHours: number | null;
    /** median of per-token medians; null under 3 positions */
    medianCompletedHoldTimeHours: number | null;
    holdTimeDistribution: CompletedHoldDistribution;
    exitPattern: 'GRADUAL' | 'ALL_AT_ONCE' | null;
  };
  holderClass: HolderClass | null;
  speedCategory: SpeedCategory | null;
  pattern: TradingPattern | null;
  /** "Low Activity" or "{speed} ({pattern})" */
  tradingStyle: string;
  confidence: number;
  economicRisk: EconomicRisk | null;
  dataQualityTier: DataQualityTier;
}

export interface BehaviorOptions {
  /** "now" for open-lot ages and the 90-day window; default: last trade + 3600 s */
  nowSec?: number;
}
