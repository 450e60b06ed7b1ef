// Public API of the analytics engine: pure functions, plain JSON-serializable outputs.
export { ENGINE_VERSION, olderEngine } from './version';
export * from './enhanced-transaction';
export { UNIVERSE_EXCLUDED_MINTS, LIQUID_STAKING_MINTS, QUOTE_MINTS, isExcludedFromUniverse } from './tokens';
export { formatUnits, parseUnits, compareDecimals, InvalidDecimalError } from './decimal';
export { mean, median, percentile } from './stats';

export type {
  SwapLeg,
  LegDirection,
  LegKind,
  LegValuation,
  QuoteAsset,
  SkipReason,
  ExtractOptions,
  ExtractResult,
  ExtractCounters,
  ExtractManyResult,
} from './swaps/types';
export { legKey, compareLegs, SKIP_REASONS } from './swaps/types';
export { extractLegs, extractMany, SOL_DUST_LAMPORTS } from './swaps/extract';
export { TIP_ACCOUNTS } from './swaps/flows';

export type { WalletPnl, TokenPnl, WalletPnlTotals, PnlOptions, FailedFees } from './pnl/types';
export { computePnl } from './pnl/fifo';
export { failedFeeOf, sumFailedFees } from './pnl/failed-fees';

export type * from './behavior/types';
export { computeBehavior } from './behavior/profile';

export type * from './similarity/types';
export { METRIC_NAMES, SCORE_NAMES } from './similarity/types';
export {
  computeSimilarity,
  resolveWeights,
  DEFAULT_WEIGHTS,
  DEFAULT_CO_TRADE_WINDOW_SECONDS,
  DEFAULT_HELD_DUST_UI_AMOUNT,
  DEFAULT_MAX_SHARED_TOKENS,
  SimilarityInputError,
} from './similarity/compute';
export { DEFAULT_CLUSTER_THRESHOLD } from './similarity/clusters';
export { INSIGHT_THRESHOLDS } from './similarity/insights';
export { BEHAVIOR_FEATURES, MIN_BEHAVIOR_TRADES } from './similarity/vectors';

/** Detection v2 signals (funding, bundles, rarity, timing, relatedness, clusters), not yet wired. */
export * as detection from './detection';
