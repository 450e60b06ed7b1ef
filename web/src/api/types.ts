// The API's types, taken from the generated OpenAPI types (schema.d.ts), never retyped. The result's
// parts the document leaves open (clusters, coverage, evidence) are read through the guarded shapes
// below: every field optional, because the engine grows (funding, bundle, rarity signals) while
// stored results keep their older shape.
import type { paths } from './schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type AnalysisView = Json<paths['/v1/analyses/{id}']['get']['responses'][200]>;
export type AnalysisList = Json<paths['/v1/analyses']['get']['responses'][200]>;
export type AnalysisListItem = NonNullable<AnalysisList['analyses']>[number];
export type StartAnalysisBody = NonNullable<paths['/v1/analyses']['post']['requestBody']>['content']['application/json'];
export type StartedAnalysis = Json<paths['/v1/analyses']['post']['responses'][202]>;
export type WalletStatuses = Json<paths['/v1/wallets/status']['post']['responses'][200]>;
export type WalletStatus = NonNullable<WalletStatuses['wallets']>[number];
export type WalletAnalytics = Json<paths['/v1/wallets/{address}']['get']['responses'][200]>;
export type AnalysisChanges = Json<paths['/v1/analyses/{id}/changes']['get']['responses'][200]>;
export type WatchView = Json<paths['/v1/watches/{id}']['get']['responses'][200]>;
export type WatchRun = WatchView['runs'][number];
export type WatchList = Json<paths['/v1/watches']['get']['responses'][200]>;
export type WatchSummary = WatchList['watches'][number];
export type WatchChangeBody = NonNullable<paths['/v1/watches/{id}']['patch']['requestBody']>['content']['application/json'];
export type SecretRotated = Json<paths['/v1/watches/{id}/secret']['post']['responses'][200]>;
export type StartWatchBody = NonNullable<paths['/v1/watches']['post']['requestBody']>['content']['application/json'];
export type SyncMode = NonNullable<StartAnalysisBody['sync']>;
export type AnalysisProgress = NonNullable<AnalysisView['progress']>;
export type WalletProgress = AnalysisProgress['wallets'][string];
export type TokenInfo = NonNullable<AnalysisView['tokens']>[string];
export type SimilarityResult = NonNullable<AnalysisView['result']>;
type ApiPair = NonNullable<SimilarityResult['pairs']>[number];

/** One funding link (src/domain/detection/funding.ts FundingEvidence), every field optional. */
export interface TransferRef {
  asset?: string;
  amount?: string;
  signature?: string;
  slot?: number;
  timestamp?: number;
}
export interface FundingEvidence {
  kind?: 'direct' | 'common-first-funder' | 'common-source' | 'common-destination' | 'same-amount-funding' | 'common-upstream-funder' | 'common-downstream-collector' | 'indirect-transfer' | 'fee-payer' | 'common-fee-payer' | 'nft-sale' | 'nft-round-trip' | string;
  from?: string;
  to?: string;
  transfer?: TransferRef;
  counterparty?: string;
  counterpartyWallets?: number;
  /** the counterparty's own activity on chain, when it was read (engine 2.2.0) */
  counterpartyActivity?: { transactions?: number; complete?: boolean; dedicated?: boolean };
  /** same-amount-funding: who sent each wallet (or, with viaA/viaB, its fresh first funder) its first SOL */
  funderA?: string;
  funderB?: string;
  /** common-upstream-funder: the fresh wallets between the funder and each wallet (engine 2.3.0); same-amount-funding: each wallet's fresh first funder (engine 2.4.0); common-downstream-collector: each wallet's fresh deposit address, or two in a row (engine 2.6.0; 2.7.0) */
  viaA?: string[];
  viaB?: string[];
  /** indirect-transfer: the fresh wallets from `from` to `to`, and the first and last transfers (engine 2.4.0) */
  via?: string[];
  first?: TransferRef;
  last?: TransferRef;
  /** indirect-transfer: `from` swept SOL through `via` to `to` (engine 2.6.0) */
  sweep?: boolean;
  /** common-destination: the exchange the counterparty, one account's deposit address, passes all its SOL on to (engine 2.7.0) */
  depositTo?: string;
  /** fee-payer: `payer` paid the fees of `transactions` transactions of `wallet`'s own, the first `transaction` (engine 2.8.0) */
  payer?: string;
  wallet?: string;
  transaction?: TransferRef;
  transactions?: number;
  /** common-fee-payer: how many of each wallet's transactions the counterparty paid (engine 2.8.0) */
  transactionsA?: number;
  transactionsB?: number;
  /** nft-sale: `seller` sold `nft` to `buyer` through a market (`sale`, its price in SOL), the first of `sales` NFTs between them on `occasions` occasions, `bothWays` when each sold the other some (engine 2.20.0) */
  seller?: string;
  buyer?: string;
  nft?: string;
  sale?: TransferRef;
  sales?: number;
  occasions?: number;
  bothWays?: boolean;
  /** nft-round-trip: the group wallets that held `nft` in turn, the first the one it came back to; `first`/`last` its sales out and back (engine 2.20.0) */
  wallets?: string[];
  a?: TransferRef;
  b?: TransferRef;
  secondsApart?: number;
  strength?: number;
}
/** Two wallets buying one token together (bundles.ts BundleEvidence). */
export interface BundleEvidence {
  mint?: string;
  signatureA?: string;
  signatureB?: string;
  timestampA?: number;
  timestampB?: number;
  secondsApart?: number;
  sameSlot?: boolean;
  early?: boolean;
  /** both buys in the token's launch block (its creation slot) */
  launchBlock?: boolean;
  strength?: number;
}
/** One copied trade (timing.ts LagMatch). */
export interface LagMatch {
  mint?: string;
  direction?: 'buy' | 'sell' | string;
  leaderSignature?: string;
  followerSignature?: string;
  leaderTime?: number;
  followerTime?: number;
  lagSeconds?: number;
}
export interface TimingEvidence {
  leader?: string | null;
  follower?: string | null;
  medianLagSeconds?: number | null;
  /** the lag the summary goes by: a copier's packed copies rather than the crowd's median (engine 2.11.0) */
  typicalLagSeconds?: number | null;
  /** the sales' own lag, when the buys' and the sales' peaks joined (engine 2.11.0) */
  typicalSellLagSeconds?: number | null;
  simultaneous?: boolean;
  summary?: string;
  matches?: LagMatch[];
  evidence?: LagMatch[];
}
/** A rare token both traded (rarity.ts CarrierToken). */
export interface CarrierToken {
  mint?: string;
  weight?: number;
  walletsTrading?: number;
}
/** A pair's co-buys against its chances (bundles.ts BundleOdds, engine 2.10.0). */
export interface BundleOdds {
  coBuys?: number;
  nearBuyPairs?: number;
  chance?: number;
  kept?: number;
  summary?: string;
}
export interface PairEvidence {
  funding?: FundingEvidence[];
  bundle?: BundleEvidence[];
  bundles?: BundleEvidence[];
  bundleOdds?: BundleOdds;
  timing?: TimingEvidence;
  rareTokens?: CarrierToken[];
  rarity?: CarrierToken[];
  /** per signal, its share of the relatedness score */
  contributions?: Record<string, number>;
}
export interface PairScores {
  capital?: number | null;
  binary?: number | null;
  jaccardTraded?: number | null;
  jaccardHeld?: number | null;
  behavior?: number | null;
  timing?: number | null;
  combined?: number | null;
  funding?: number | null;
  bundle?: number | null;
  rarity?: number | null;
  similarity?: number | null;
}
export interface SharedToken {
  mint?: string;
  weightA?: number;
  weightB?: number;
  contribution?: number;
}
export interface Insight {
  type?: string;
  score?: number;
  reason?: string;
}
export interface Pair extends Omit<ApiPair, 'scores' | 'sharedTokens' | 'insights'> {
  walletA?: string;
  walletB?: string;
  scores?: PairScores;
  sharedTokens?: SharedToken[];
  insights?: Insight[];
  sharedTokenCount?: number;
  sharedTokensOmitted?: number;
  coTrading?: { coTradedA?: number; coTradedB?: number; tradesA?: number; tradesB?: number };
  capitalOverlapPercent?: number | null;
  evidence?: PairEvidence;
  strength?: string | null;
}
export interface Cluster {
  members?: string[];
  edgeCount?: number;
  meanCombined?: number | null;
  confidence?: number | null;
  bindingTokens?: Array<{ mint?: string; memberCount?: number }>;
  evidence?: ClusterEvidence | null;
}
/** What binds a cluster (engine 2.0.0 on; upstream-funder since 2.4.0, downstream-collector since 2.6.0). */
export interface ClusterEvidence {
  bindingPairs?: Array<{ walletA?: string; walletB?: string; combined?: number; strongest?: string | null; summary?: string }>;
  commonCounterparties?: Array<{ counterparty?: string; kind?: 'first-funder' | 'upstream-funder' | 'downstream-collector' | 'source' | 'destination' | 'fee-payer' | string; memberCount?: number }>;
  signalPairs?: Record<string, number>;
}
export interface WalletCoverage {
  address?: string;
  legsUsed?: number;
  tradedTokenCount?: number;
  heldTokenCount?: number;
  behaviorAvailable?: boolean;
  truncated?: boolean | null;
  transactionsRejected?: number | null;
  firstTradeAt?: number | null;
  lastTradeAt?: number | null;
}
export interface CommonToken {
  mint?: string;
  tradedBy?: number;
  heldBy?: number;
}

/** GET /v1/analyses/{id}/pairs: a page of pairs (strongest first) with its query; the pairs read as `Pair`. */
type ApiPairsPage = Json<paths['/v1/analyses/{id}/pairs']['get']['responses'][200]>;
export type PairsPage = Omit<ApiPairsPage, 'pairs'> & { pairs: Pair[] };
export type PairsQuery = NonNullable<paths['/v1/analyses/{id}/pairs']['get']['parameters']['query']>;
