import type { BehaviorProfile } from '../behavior/types';
import type { SwapLeg } from '../swaps/types';
import type { BundleEvidence, BundleOdds } from '../detection/bundles';
import type { SignalName } from '../detection/combine';
import type { FundingEvidence } from '../detection/funding';
import type { CarrierToken } from '../detection/rarity';
import type { LagMatch } from '../detection/timing';
import type { CounterpartyStats, TokenStats, WalletTransfer } from '../detection/types';

export type MetricName = 'capital' | 'binary' | 'jaccardTraded' | 'jaccardHeld' | 'behavior' | 'timing';
export const METRIC_NAMES: readonly MetricName[] = ['capital', 'binary', 'jaccardTraded', 'jaccardHeld', 'behavior', 'timing'];

/**
 * Default weights of the `similarity` blend: capital and token overlap (the anchor's 0.6 / 0.4) stay
 * the core; the other metrics refine. Renormalized over the metrics that are non-null for the pair.
 */
export const DEFAULT_WEIGHTS: Readonly<Record<MetricName, number>> = {
  capital: 0.35,
  binary: 0.2,
  jaccardTraded: 0.1,
  jaccardHeld: 0.1,
  behavior: 0.15,
  /** 0: co-trading timing is evidence of coordination and enters `combined` through relatedness */
  timing: 0,
};

/** What the caller knows about how a wallet's history was gathered (passed through to coverage). */
export interface WalletCoverageInput {
  /** history stopped at a signature cap or window before the wallet's first transaction */
  truncated?: boolean;
  signaturesFetched?: number;
  transactionsFetched?: number;
  /** transactions the provider sent that failed validation: kept out of the legs */
  transactionsRejected?: number;
  windowStartSec?: number | null;
  windowEndSec?: number | null;
  /**
   * the wallet's history is known back to its first transaction (absent: assumed); false (a sync
   * stopped at a window or a cap, or a first sync cut by proceed): its oldest SOL received is not its
   * first funding
   */
  wholeHistory?: boolean;
}

export interface SimilarityWalletInput {
  address: string;
  legs: readonly SwapLeg[];
  /** current balances per mint (UI units) */
  holdings: Record<string, { uiAmount: string }>;
  /** computed from `legs` when absent */
  behavior?: BehaviorProfile;
  coverage?: WalletCoverageInput;
  /**
   * The wallet's plain SOL and token transfers (not swaps), as `extractTransfers` reads them from
   * its stored history: evidence of funding links. Absent: unknown, so its pairs' `funding` is null.
   */
  transfers?: readonly WalletTransfer[];
}

/**
 * Database-wide counts that weigh evidence by rarity: how many wallets of the whole database
 * transferred with each counterparty and traded each mint. Absent (or a part absent): counted
 * within the group, which overrates what is common outside it.
 */
export interface SimilarityDatabaseStats {
  counterparties?: CounterpartyStats;
  tokens?: TokenStats;
}

export interface SimilarityInput {
  wallets: readonly SimilarityWalletInput[];
  /** relative weights of the metrics in `combined`; missing ones take the defaults */
  weights?: Partial<Record<MetricName, number>>;
  /**
   * pairs with `combined` (relatedness) at or above this are edges of the graph the clusters are
   * found in (Louvain, detection/cluster `minEdge`; default 0.3), and count in `edgeCount`
   */
  clusterThreshold?: number;
  /** shared tokens listed per pair, by contribution (default 10); the rest are summed */
  maxSharedTokensPerPair?: number;
  /** a universe token is held when its balance is at least this many UI units (default "0.001") */
  heldDustUiAmount?: string;
  /** trades of the same mint and direction this close in time are co-trades (default 300 s) */
  coTradeWindowSeconds?: number;
  /** database-wide rarity of counterparties and tokens (see `SimilarityDatabaseStats`) */
  database?: SimilarityDatabaseStats;
}

/**
 * How computeSimilarity spreads its work over threads (read from the configuration by the caller).
 * The result is identical whatever these say; only the time differs.
 */
export interface SimilarityRunOptions {
  /**
   * Threads computing pair rows, the calling one included. 'auto' (default): 2 for groups of at
   * least `minPairsForThreads` pairs on a machine with 2+ cores, else 1. A whole number n ≥ 1: n for
   * any group of 3+ wallets (n − 1 helper threads).
   */
  threads?: number | 'auto';
  /** group size in pairs from which 'auto' starts a helper thread (default 50,000) */
  minPairsForThreads?: number;
  /** for tests: the helper threads compute every row, this thread only waits (unless they fail) */
  helpersOnly?: boolean;
  /** called once per run with which thread computed the rows (tests and benchmarks report it) */
  onRowStats?: (stats: PairRowStats) => void;
  /** called once per run with the milliseconds each stage took (benchmarks report them) */
  onStageTimes?: (ms: Record<string, number>) => void;
  /**
   * Streams the run (computeSimilarity): every pair once, in rank order (strongest first, `rank` 0,
   * 1, 2, …), once every pair is scored; the result then lists only the strongest `topPairs` (see
   * computeSimilarity).
   */
  pairSink?: (pair: SimilarityPair, pairIndex: number, rank: number) => void;
  /** with `pairSink`: how many of the strongest pairs the result lists (default: all) */
  topPairs?: number;
  /** with `pairSink`: called once, after the last pair, with the rank of every pair index (rankOrder's `ranks`) */
  onRanks?: (ranks: Int32Array) => void;
}

/** Who computed the pair rows of one run. */
export interface PairRowStats {
  rows: number;
  /** helper threads started */
  helpers: number;
  /** rows computed by a helper thread; the rest by the calling thread */
  helperRows: number;
  /** rows a helper failed or stalled on, computed by the calling thread after all */
  fallbackRows: number;
}

export interface PairScores {
  capital: number | null;
  binary: number | null;
  jaccardTraded: number | null;
  jaccardHeld: number | null;
  behavior: number | null;
  /** co-trading timing, both directions (detection/timing): the stronger direction's score */
  timing: number | null;
  /** funding and transfer links (detection/funding); null when a wallet's transfers are unknown */
  funding: number | null;
  /** same-block / same-seconds buying of the same tokens (detection/bundles) */
  bundle: number | null;
  /** rarity-weighted token overlap (detection/rarity) */
  rarity: number | null;
  /** the weighted blend of the similarity metrics (`weights`): how alike the two wallets look */
  similarity: number | null;
  /**
   * Relatedness (detection/combine): evidence of coordination (funding, bundles, timing) dominates,
   * similarity only supports. What ranking, strength labels and clusters use.
   */
  combined: number | null;
}

/** Every score a pair carries, in the order of `PairScores`. */
export type ScoreName = keyof PairScores;
export const SCORE_NAMES: readonly ScoreName[] = [
  'capital',
  'binary',
  'jaccardTraded',
  'jaccardHeld',
  'behavior',
  'timing',
  'funding',
  'bundle',
  'rarity',
  'similarity',
  'combined',
];

/** The co-trading timing of a pair as evidence: who follows whom, by how much, on how many trades. */
export interface PairTimingEvidence {
  /** null when neither direction scores or they trade together */
  leader: string | null;
  follower: string | null;
  /** typical lag (and the sales' own, where they have one) under 2 s: they trade together, no one leads */
  simultaneous: boolean;
  /**
   * whose trades each match's `leader*` and `follower*` fields are: the direction that scored, also
   * when `leader` and `follower` are null (they trade together, or neither direction scores); absent
   * on results stored before it was kept
   */
  matchedWallets?: { leader: string; follower: string };
  /** e.g. "B follows A by about 40 s on 17 of 22 trades" */
  summary: string;
  medianLagSeconds: number | null;
  /**
   * the lag the summary goes by: the median lag, or the median of the matches packed at one lag
   * when their improbability carried the score (the buys' when joined with the sales'); absent on
   * results before engine 2.11.0
   */
  typicalLagSeconds?: number | null;
  /** the sales' own lag when the buys' and the sales' peaks joined carried the score, else null; absent before engine 2.11.0 */
  typicalSellLagSeconds?: number | null;
  /** leader trades copied by the follower */
  matched: number;
  leaderTrades: number;
  followerTrades: number;
  /** representative copied trades (capped) */
  matches: LagMatch[];
  matchesOmitted: number;
}

/** Why a pair is linked: each signal's share of `combined` and its strongest evidence, capped. */
export interface PairEvidence {
  /** per signal, its share of `combined` (they sum to it) */
  contributions: Record<SignalName, number>;
  /** the signal with the largest contribution; null when `combined` is 0 */
  strongest: SignalName | null;
  funding: FundingEvidence[];
  fundingOmitted: number;
  bundles: BundleEvidence[];
  bundlesOmitted: number;
  /** its co-buys against its chances (BundleLink); absent without co-buys and before engine 2.10.0 */
  bundleOdds?: BundleOdds;
  timing: PairTimingEvidence | null;
  /** the rare tokens that carried the rarity overlap, rarest first */
  rareTokens: CarrierToken[];
  rareTokensOmitted: number;
}

export interface SharedToken {
  mint: string;
  /** share of A's universe buying capital in this token (0–1) */
  weightA: number;
  weightB: number;
  /** this token's part of the capital cosine: weightA·weightB / (‖A‖·‖B‖) */
  contribution: number;
}

export type InsightType =
  | 'Behavioral Mirror'
  | 'Capital Divergence'
  | 'Sustained Alignment'
  | 'Shared Zero Holdings'
  | 'Significant Asymmetry'
  | 'Co-trading'
  | 'Common Funder'
  | 'Common Collector'
  | 'Fee Payer'
  /** engine 2.20.0: NFTs sold between the two through a market, or around the group back to their seller */
  | 'NFT Wash Trading'
  | 'Direct Transfer'
  | 'Indirect Transfer'
  | 'Same-Block Buying'
  /** the same rule as Same-Block Buying when none of the listed co-buys shared a slot */
  | 'Bought Within Seconds'
  | 'Copy Trading'
  | 'Rare Tokens';

export interface PairInsight {
  type: InsightType;
  /** the score the rule ranks by (see docs/analytics.md) */
  score: number;
  reason: string;
}

export type StrengthLabel = 'Very High' | 'High' | 'Moderate' | 'Low' | 'Very Low';

export interface SimilarityPair {
  walletA: string;
  walletB: string;
  scores: PairScores;
  /** why a score is null, per metric */
  nullReasons: Partial<Record<ScoreName, string>>;
  strength: StrengthLabel | null;
  sharedTokenCount: number;
  tradedTokenCountA: number;
  tradedTokenCountB: number;
  unionTokenCount: number;
  sharedHeldCount: number;
  heldTokenCountA: number;
  heldTokenCountB: number;
  /** Σ over shared tokens of min(weightA, weightB) × 100: always within 0–100; null without capital */
  capitalOverlapPercent: number | null;
  /** share of A's capital in tokens B also traded × 100 */
  capitalInSharedPercentA: number | null;
  capitalInSharedPercentB: number | null;
  /** top shared tokens by contribution */
  sharedTokens: SharedToken[];
  /** shared tokens not listed, and the sum of their contributions (listed + omitted = capital) */
  sharedTokensOmitted: number;
  omittedContribution: number;
  coTrading: { coTradedA: number; coTradedB: number; tradesA: number; tradesB: number };
  insights: PairInsight[];
  /**
   * The evidence behind `combined`; null for pairs without any coordination evidence or rare
   * token in common (most pairs of a large group), so the result stays bounded.
   */
  evidence: PairEvidence | null;
}

export interface WalletCoverage {
  address: string;
  firstTradeAt: number | null;
  lastTradeAt: number | null;
  legsTotal: number;
  swapLegs: number;
  transferLegs: number;
  /** swap legs in universe tokens: what the metrics compared */
  legsUsed: number;
  tradedTokenCount: number;
  heldTokenCount: number;
  /** SOL spent buying universe tokens (the capital vector's total) */
  capitalSolSpent: number;
  behaviorAvailable: boolean;
  truncated: boolean | null;
  signaturesFetched: number | null;
  transactionsFetched: number | null;
  /** transactions the provider sent that failed validation and were kept out (null: not reported) */
  transactionsRejected: number | null;
  windowStartSec: number | null;
  windowEndSec: number | null;
}

export interface SimilarityCluster {
  /** sorted addresses */
  members: string[];
  /** pairs inside the cluster at or above the threshold */
  edgeCount: number;
  /** mean `combined` over every member pair with a combined score */
  meanCombined: number | null;
  /** tokens traded by at least two members, most members first */
  bindingTokens: Array<{ mint: string; memberCount: number; totalWeight: number }>;
  /** mean `combined` over all member pairs, missing pairs counting 0 (average linkage) */
  confidence: number;
  /** share of member pairs that are links */
  density: number;
  /** the weakest member's mean `combined` to the others */
  weakestMemberLink: number;
  evidence: ClusterEvidence;
}

export type CommonCounterpartyKind = 'first-funder' | 'upstream-funder' | 'downstream-collector' | 'source' | 'destination' | 'fee-payer';

/** What binds a cluster, capped in size. */
export interface ClusterEvidence {
  /** the strongest member pairs, strongest first */
  bindingPairs: Array<{ walletA: string; walletB: string; combined: number; strongest: SignalName | null; summary: string }>;
  /**
   * counterparties that funded, topped up or received from two or more members, or that stand above
   * two or more members' first funders in their funding chains (`upstream-funder`, engine 2.4.0), or
   * that collected two or more members' SOL, one of them through a fresh address of its own at least
   * (`downstream-collector`, engine 2.6.0)
   */
  commonCounterparties: Array<{ counterparty: string; kind: CommonCounterpartyKind; memberCount: number }>;
  /** member pairs each signal links (its contribution is the pair's strongest or at least 0.1) */
  signalPairs: Record<SignalName, number>;
}

export interface MetricSummary {
  /** pairs with a non-null score */
  count: number;
  nullCount: number;
  mean: number | null;
  median: number | null;
  min: number | null;
  max: number | null;
}

export interface SimilarityResult {
  engineVersion: string;
  parameters: {
    weights: Record<MetricName, number>;
    clusterThreshold: number;
    maxSharedTokensPerPair: number;
    heldDustUiAmount: string;
    coTradeWindowSeconds: number;
    /** weights of `combined` (detection/combine RELATEDNESS_WEIGHTS) */
    relatednessWeights: Record<string, number>;
    /** options of the clustering (detection/cluster CLUSTER_DEFAULTS; minEdge = clusterThreshold) */
    cluster: Record<string, number>;
  };
  universe: {
    size: number;
    /** excluded mints that appeared in the group's swap legs */
    excludedSeen: Array<{ mint: string; reason: string }>;
  };
  coverage: WalletCoverage[];
  pairs: SimilarityPair[];
  clusters: SimilarityCluster[];
  globalMetrics: {
    walletCount: number;
    pairCount: number;
    metrics: Record<ScoreName, MetricSummary>;
    /** counts of `combined` in ten bins [0,0.1) … [0.9,1] */
    combinedHistogram: number[];
    /** the same ten bins for every score */
    histograms: Record<ScoreName, number[]>;
    mostSimilarPairs: Array<{ walletA: string; walletB: string; combined: number }>;
  };
  mostCommonTokens: Array<{ mint: string; tradedBy: number; heldBy: number }>;
  /** a streamed run's (`pairSink`): the group's pairs, of which `pairs` lists the strongest */
  pairCount?: number;
  /** a streamed run's: whether `pairs` lists every pair of the group (in rank order) */
  pairsComplete?: boolean;
}
