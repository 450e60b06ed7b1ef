// Detection v2 signals (computeSimilarity wires them in, similarity/signals.ts): docs/analytics.md, "Detection v2 signals".
export type * from './types';
export { SOL_ASSET } from './types';
export { extractTransfers, extractTransfersMany, compareTransfers } from './transfers';
export type { TransferOptions } from './transfers';
export {
  tokenRarityWeight,
  counterpartyWeight,
  rarityProfile,
  rarityOverlap,
  rarityOverlapScores,
  DEFAULT_HALF_WEIGHT_DEGREE,
  DEFAULT_MAX_CARRIERS,
  SHARED_WEIGHT_SCALE,
} from './rarity';
export type { RarityProfile, RarityOverlap, RarityOverlapScore, CarrierToken } from './rarity';
export { fundingProfile, fundingForPair, fundingLinks, fundingChain, fundingOriginOf, sweepChain, sweepCollectors, sweepTargetOf, sweepTransfer, freshActivity, decisiveDegreeLimit, counterpartyActivityClass, counterpartyLinkWeight, summariseSignatures, KNOWN_ADDRESSES, FUNDING_DEFAULTS } from './funding';
export type { ChainMeeting, ChainNode, SweepNode, FundingProfile, FundingEvidence, FundingOptions, KnownAddress, TransferRef } from './funding';
export { bundleLinks, bundleForPair, BUNDLE_DEFAULTS } from './bundles';
export type { BundleEvidence, BundleLink, BundleOdds, BundleOptions, WalletLegs } from './bundles';
export { tradeIndex, timingForPair, timingLinks, formatLag, TIMING_DEFAULTS } from './timing';
export type { TradeIndex, LagMatch, DirectionalTiming, TimingResult, TimingOptions } from './timing';
export { relatedness, relatednessScore, RELATEDNESS_WEIGHTS } from './combine';
export type { PairSignals, SignalName, Relatedness } from './combine';
export { clusterPairs, CLUSTER_DEFAULTS } from './cluster';
export { seededRandom } from '../random';
export type { WeightedPair, DetectedCluster, ClusterOptions } from './cluster';
