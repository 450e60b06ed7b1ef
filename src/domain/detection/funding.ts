// Funding and transfer links between two wallets: direct transfers, a common first funder, common
// top-up sources and sweep destinations, a common fee payer (docs/analytics.md, "Detection v2
// signals", funding).
import knownAddressesFile from './known-addresses.json';
import { DEFAULT_HALF_WEIGHT_DEGREE, counterpartyWeight, tokenRarityWeight } from './rarity';
import { compareTransfers, extractTransfers, tradedIn } from './transfers';
import type { EnhancedTransaction } from '../enhanced-transaction';
import type { CounterpartyActivity, CounterpartyStats, FundingOrigin, SignalResult, SweepTarget, WalletPair, WalletTransfer } from './types';
import { FEE_ASSET, SOL_ASSET } from './types';
import { beyondSales, groupSales, nftRoundTrips, nftSaleEvidence, roundTripsByPair, saleTransfer, transferRef as ref, type NftRoundTrip, type NftSaleEvidence } from './nft-sales';

export interface KnownAddress {
  address: string;
  kind: 'exchange' | 'bridge';
  label: string;
  source: string;
}

/** Exchange hot wallets (and bridges) from `known-addresses.json`: they weigh 0 as counterparties. */
export const KNOWN_ADDRESSES: ReadonlyMap<string, KnownAddress> = new Map(
  (knownAddressesFile.entries as KnownAddress[]).map((e) => [e.address, e]),
);

export interface FundingOptions {
  /** addresses that weigh 0 (default `KNOWN_ADDRESSES`) */
  knownAddresses?: ReadonlyMap<string, unknown>;
  /** counterparty degree at which its weight is one half (default 8, see `counterpartyWeight`) */
  halfWeightDegree?: number;
  /** counterparties weighing less are ignored (default 0.02, about 400 wallets) */
  minCounterpartyWeight?: number;
  /** evidence items kept per pair (default 8) */
  maxEvidence?: number;
}

export const FUNDING_DEFAULTS = {
  halfWeightDegree: DEFAULT_HALF_WEIGHT_DEGREE,
  minCounterpartyWeight: 0.02,
  maxEvidence: 8,
  /** strength of one direct transfer between the two wallets, before the wallets' own weights */
  directStrength: 0.9,
  /** strength of a common first funder, before its weight and the timing factor */
  firstFunderStrength: 1,
  /** strength of a common top-up source or sweep destination, before its weight and timing */
  commonCounterpartyStrength: 0.6,
  /**
   * share of a common first funder's or common counterparty's strength kept however far apart the
   * two transfers are: an operator funds its wallets together, an exchange funds strangers at
   * random times (tuned with bench:detection: 0.6 / 0.5 linked exchange-funded strangers)
   */
  timingFloor: 0.25,
  /** first fundings this many seconds apart keep half of the timing bonus */
  firstFundingHalfLifeSeconds: 6 * 3600,
  /** other common transfers this many seconds apart keep half of the timing bonus */
  commonTransferHalfLifeSeconds: 24 * 3600,
  /** strength of two first fundings of exactly the same amount, at the same moment */
  sameAmountStrength: 0.8,
  /** …that many seconds apart keep half of it… */
  sameAmountHalfLifeSeconds: 300,
  /** …and further apart than this are not evidence */
  sameAmountMaxSeconds: 900,
  /** first fundings under this many lamports are not compared (dust: one sender sprays thousands) */
  sameAmountMinLamports: 10_000_000,
  /**
   * a round amount keeps a share by how round: the fewer amounts share its precision, the less
   * often two strangers pick it by chance. Whole or half SOL (1, 0.5, 2: what people pick most)
   * keeps this share…
   */
  sameAmountRoundFactor: 0.35,
  /** …whole tenths (1.3) this… */
  sameAmountTenthsFactor: 0.5,
  /** …and whole hundredths (1.36: ten times as many such amounts as tenths) this; finer amounts all of it */
  sameAmountHundredthsFactor: 0.7,
  /**
   * the same amount one hop up (`sameAmountUpstream`) counts a first funder as a fresh wallet only
   * when its whole history is at most this many transactions…
   */
  freshMaxTransactions: 20,
  /** …and it funded the analysed wallet at most this many seconds after its own first funding */
  freshMaxSeconds: 7 * 86_400,
  /**
   * SOL transfers under this many lamports (0.002 SOL) are no one's funding: not a first funding,
   * not a common source or destination (a gas drop or spam sends the same 0.001 SOL to thousands of
   * strangers at once; an operator's smallest top-up, a few thousandths, pays for trades)
   */
  fundingMinLamports: 2_000_000,
  /** signatures a counterparty's activity page asks for (getSignaturesForAddress's largest page) */
  activityPageLimit: 1000,
  /** a full page within this many seconds is a busy service (an exchange's hot wallet): weight 0 */
  serviceMaxSpanSeconds: 86_400,
  /** a whole history of at most this many transactions is a wallet of one owner's: weight 1 */
  dedicatedMaxTransactions: 500,
  /**
   * funders above a wallet's first funder that its funding chain follows (`fundingChain`): an
   * operator that funds each wallet through a fresh wallet of its own is one hop up, through two
   * fresh wallets in a row two hops
   */
  upstreamHops: 2,
  /**
   * fresh addresses in a row that a wallet's sweep chain follows (`sweepChain`): an operator that
   * sweeps each wallet through a deposit address of its own is one hop down, through a deposit
   * address forwarding to another fresh address of its own two hops (engine 2.7.0)
   */
  downstreamHops: 2,
  /**
   * share of a downstream link's strength kept for each fresh address after the first in one
   * wallet's sweep chain: each is the wallet's own by a stricter rule than an upstream hop's (a whole
   * history of at most `freshMaxTransactions`, first funded by the address before it), so a second
   * one costs less than another hop up (`upstreamHopFactor`) does
   */
  downstreamExtraHopFactor: 0.9,
  /**
   * strength of a common destination that is an exchange's deposit address (`depositExchange`),
   * before its weight and timing (with a wallet of one owner's timing floor): one exchange account's,
   * whose owner deposits from its wallets weeks apart as readily as minutes (engine 2.7.0)
   */
  depositStrength: 0.8,
  /**
   * a deposit address passes each receipt on within this many seconds (an exchange sweeps its
   * deposit addresses within minutes or hours; a person cashing out does so when it suits them)…
   */
  depositForwardSeconds: 86_400,
  /** …and at least this share of what it received in all */
  depositForwardShare: 0.9,
  /** an address's oldest transactions read for its first funding (a new wallet's first is its funding; a few more cover a first token receipt) */
  originSignatures: 3,
  /**
   * strength of a common upstream funder one hop in all above the wallets' first funders (it funded
   * one wallet itself and the other's first funder), before its weight and timing; one hop above
   * both keeps upstreamHopFactor of it
   */
  upstreamStrength: 0.8,
  /** share of that strength kept for every hop more (either side) */
  upstreamHopFactor: 0.75,
  /**
   * share of a common upstream funder's strength kept however far apart its two fundings are, when
   * it is a wallet of one owner that funded fresh wallets of one owner each (a service weighs 0), a
   * shape strangers do not make by chance, so time matters less than for a first funder (an
   * operator hiding its wallets spreads its fundings over days); any other upstream funder keeps
   * `timingFloor`
   */
  upstreamTimingFloor: 0.75,
  /** its two fundings this many seconds apart keep half of the timing bonus */
  upstreamHalfLifeSeconds: 24 * 3600,
  /** an ordinary upstream funder (a longer history than a wallet of one owner's) weighs this share of its degree's weight */
  upstreamOrdinaryFactor: 0.5,
  /**
   * strength of a common fee payer (engine 2.8.0): an account that paid the fees of transactions of
   * both wallets' own (`FEE_ASSET`), so signed them with each; before its weight and the timing factor
   * (`timingFloor`, `commonTransferHalfLifeSeconds`, between the two closest such transactions). A
   * gasless relayer paying strangers' fees is a busy service and weighs 0; an operator's fee payer
   * weighs by its activity and degree as any counterparty
   */
  feePayerStrength: 0.85,
} as const;

/**
 * What a counterparty's own activity on chain makes of it:
 * - `service`: a full page of signatures (`activityPageLimit`) within `serviceMaxSpanSeconds`, at
 *   least 1,000 transactions a day: an exchange's or a bot service's hot wallet, listed or not. It
 *   weighs 0 like a known exchange: two wallets it paid are strangers to each other.
 * - `dedicated`: its whole history is at most `dedicatedMaxTransactions` transactions: a wallet of
 *   one owner, who funded (or swept) every analysed wallet it touched. It weighs 1 for SOL evidence
 *   however many it touched, so long as they are no more than its transactions
 *   (`counterpartyLinkWeight`): an operator's funding wallet is not less telling for 40 wallets than 2.
 * - `ordinary`: neither, or nothing known: it weighs by its degree in the database.
 */
export function counterpartyActivityClass(activity: CounterpartyActivity | undefined): 'service' | 'dedicated' | 'ordinary' {
  if (activity === undefined) return 'ordinary';
  const d = FUNDING_DEFAULTS;
  if (activity.complete) return activity.transactions > 0 && activity.transactions <= d.dedicatedMaxTransactions ? 'dedicated' : 'ordinary';
  const span = activity.oldestTime === null || activity.newestTime === null ? null : activity.newestTime - activity.oldestTime;
  return activity.transactions >= d.activityPageLimit && span !== null && span <= d.serviceMaxSpanSeconds ? 'service' : 'ordinary';
}

/**
 * A page of `getSignaturesForAddress` (newest first, as it answers) asked with `limit`, summarised
 * for `counterpartyActivityClass`.
 */
export function summariseSignatures(page: ReadonlyArray<{ blockTime?: number | null }>, limit: number): CounterpartyActivity {
  const times = page.map((s) => s.blockTime).filter((t): t is number => typeof t === 'number');
  return {
    transactions: page.length,
    complete: page.length < limit,
    oldestTime: times.length === 0 ? null : Math.min(...times),
    newestTime: times.length === 0 ? null : Math.max(...times),
  };
}

/**
 * A counterparty's weight as a common funder, source or destination: 0 for a known exchange or a
 * busy service; 1 for a dedicated wallet (`counterpartyActivityClass`) when the evidence is SOL
 * (`sol`) and it touched no more wallets of the database than its history has transactions (one
 * that did pays many in one transaction: a sprayer); else `counterpartyWeight` of its
 * database-wide degree times `tokenRarityWeight(degree, stats.totalWallets)` when the size is given.
 * Degrees missing from `stats` count as 2.
 */
export function counterpartyLinkWeight(address: string, stats: CounterpartyStats, known: ReadonlyMap<string, unknown>, halfWeightDegree: number, sol = true): number {
  return linkWeight(address, stats.activity?.get(address), stats, known, halfWeightDegree, sol);
}

/** `counterpartyLinkWeight` with what the chain says of the address given. */
function linkWeight(address: string, activity: CounterpartyActivity | undefined, stats: CounterpartyStats, known: ReadonlyMap<string, unknown>, halfWeightDegree: number, sol = true): number {
  if (known.has(address)) return 0;
  const kind = counterpartyActivityClass(activity);
  if (kind === 'service') return 0;
  const degree = stats.walletsPerCounterparty.get(address) ?? 2;
  if (sol && dedicatedWallet(activity, degree)) return 1;
  return degreeWeight(address, stats, known, halfWeightDegree);
}

/** A counterparty's weight by its database-wide degree alone (0 for a known exchange); degrees missing from `stats` count as 2. */
function degreeWeight(address: string, stats: CounterpartyStats, known: ReadonlyMap<string, unknown>, halfWeightDegree: number): number {
  if (known.has(address)) return 0;
  const degree = stats.walletsPerCounterparty.get(address) ?? 2;
  return counterpartyWeight(degree, halfWeightDegree) * shareWeight(degree, stats);
}

/** A dedicated wallet (`counterpartyActivityClass`) that touched no more of our wallets than its history has transactions. */
function dedicatedWallet(activity: CounterpartyActivity | undefined, degree: number): boolean {
  return activity !== undefined && counterpartyActivityClass(activity) === 'dedicated' && degree <= activity.transactions;
}

/**
 * Two first fundings of exactly the same amount of SOL within `sameAmountMaxSeconds`: one operator
 * funding its wallets in one run, from an exchange withdrawal page or from wallets of its own. The
 * funders need not be the same (an exchange weighs 0 as a common funder, a fresh wallet per member
 * is unseen), but when they are, a sender other than an exchange gives everyone the same amount
 * (an airdrop of gas) and the pair is left to the common-funder evidence. `exchange` tells an
 * exchange: a known one, or one the chain shows is a busy service.
 */
export function sameAmountFunding(fa: SameAmountFacts, fb: SameAmountFacts, exchange: (address: string) => boolean): number {
  const d = FUNDING_DEFAULTS;
  if (fa.rawAmount !== fb.rawAmount || !comparableAmount(fa)) return 0;
  const apart = Math.abs(fa.timestamp - fb.timestamp);
  if (apart > d.sameAmountMaxSeconds) return 0;
  if (fa.counterparty === fb.counterparty && !exchange(fa.counterparty)) return 0;
  return d.sameAmountStrength * roundnessFactor(BigInt(fa.rawAmount)) * 2 ** (-apart / d.sameAmountHalfLifeSeconds);
}

/** The share of a same-amount funding's strength its amount (lamports) keeps by how round it is (`sameAmountRoundFactor` and the two after it). */
export function roundnessFactor(lamports: bigint): number {
  const d = FUNDING_DEFAULTS;
  if (lamports % 500_000_000n === 0n) return d.sameAmountRoundFactor;
  if (lamports % 100_000_000n === 0n) return d.sameAmountTenthsFactor;
  if (lamports % 10_000_000n === 0n) return d.sameAmountHundredthsFactor;
  return 1;
}

/** Whether a same-amount-funding is of the two wallets' fresh first funders (engine 2.4.0), not of the wallets. */
export function oneHopUp(e: Extract<FundingEvidence, { kind: 'same-amount-funding' }>): e is typeof e & { viaA: string[]; viaB: string[] } {
  return (e.viaA?.length ?? 0) > 0 && (e.viaB?.length ?? 0) > 0;
}

/** What `sameAmountFunding` compares of a funding: its amount, time and sender. */
export type SameAmountFacts = Pick<WalletTransfer, 'rawAmount' | 'timestamp' | 'counterparty'>;

/** A first funding (SOL by construction) large enough to compare amounts: dust is sprayed at thousands. */
const comparableAmount = (f: Pick<WalletTransfer, 'rawAmount'>): boolean => BigInt(f.rawAmount) >= BigInt(FUNDING_DEFAULTS.sameAmountMinLamports);

/**
 * The degree from which a counterparty's degree no longer changes a link: it weighs less than
 * `minCounterpartyWeight` whatever the database's size (its weight is `counterpartyWeight` of its
 * degree times a share weight of at most 1), 395 with the defaults, and it is past the test that
 * tells a dedicated wallet from a sprayer (more wallets than its at most `dedicatedMaxTransactions`
 * transactions: `dedicatedWallet`), so 501 with the defaults. Every degree from it on gives the
 * same links and evidence as the exact one, so a store may stop counting a counterparty's wallets
 * there (an exchange's hot wallet has transferred with a large part of any database). Not for the
 * group's own wallets: a direct transfer between two of them weighs by their exact degrees (unless
 * one is a wallet of one owner by its whole stored history).
 */
export function decisiveDegreeLimit(opts: Pick<FundingOptions, 'halfWeightDegree' | 'minCounterpartyWeight'> = {}): number {
  const half = opts.halfWeightDegree ?? FUNDING_DEFAULTS.halfWeightDegree;
  const min = opts.minCounterpartyWeight ?? FUNDING_DEFAULTS.minCounterpartyWeight;
  if (!(min > 0)) return Infinity;
  // h / (h + n − 2) < min from n > h / min − h + 2: start just below and step to the first that is
  let n = Math.max(2, Math.floor(half / min - half + 2) - 1);
  while (counterpartyWeight(n, half) >= min) n++;
  return Math.max(n, FUNDING_DEFAULTS.dedicatedMaxTransactions + 1);
}

/** One transfer as cited in evidence. */
export interface TransferRef {
  asset: string;
  amount: string;
  signature: string;
  slot: number;
  timestamp: number;
}

/** Where two wallets' chains meet: upstream at a common funder, or downstream at a common collector. */
export interface ChainMeeting {
  counterparty: string;
  /** distinct wallets of the database it transferred with, or of the group whose chains reach it, whichever is more */
  counterpartyWallets: number;
  counterpartyWeight: number;
  counterpartyActivity?: { transactions: number; complete: boolean; dedicated: boolean };
  /** the addresses between `counterparty` and wallet A, `counterparty`'s side first (empty: it funded A, or received from A, itself) */
  viaA: string[];
  viaB: string[];
  /** the counterparty's transfer into A's chain (to viaA[0], or to A); downstream, its receipt from A's side */
  a: TransferRef;
  b: TransferRef;
  secondsApart: number;
  strength: number;
}

export type FundingEvidence =
  | NftSaleEvidence
  | {
      kind: 'direct';
      from: string;
      to: string;
      transfer: TransferRef;
      strength: number;
    }
  | {
      /** both wallets' first inbound SOL came from `counterparty` (`common-first-funder`), or both
       * received from it later (`common-source`, a top-up), or both sent to it (`common-destination`,
       * a sweep) */
      kind: 'common-first-funder' | 'common-source' | 'common-destination';
      counterparty: string;
      /** distinct wallets of the database it transferred with */
      counterpartyWallets: number;
      counterpartyWeight: number;
      /**
       * its own activity on chain, when it was read: the transactions of its newest page, whether
       * that is its whole history, and whether that makes it a wallet of one owner (weight 1)
       */
      counterpartyActivity?: { transactions: number; complete: boolean; dedicated: boolean };
      /**
       * common-destination only: the exchange `counterparty` passes what it receives on to
       * (`depositExchange`): one exchange account's deposit address (engine 2.7.0)
       */
      depositTo?: string;
      a: TransferRef;
      b: TransferRef;
      secondsApart: number;
      strength: number;
    }
  | ({
      /**
       * both wallets' funding chains (`fundingChain`: a first funder whose whole history is short,
       * its own first funder, …) reach `counterparty`, at least one of them above its first funder:
       * one owner funded them through fresh wallets (engine 2.3.0)
       */
      kind: 'common-upstream-funder';
    } & ChainMeeting)
  | ({
      /**
       * both wallets' SOL reached `counterparty`, at least one of them through a fresh address of its
       * own that forwarded it there (`sweepChain`), or through two in a row (engine 2.7.0): one owner
       * collecting from its wallets through fresh deposit addresses (engine 2.6.0). `viaA`/`viaB` are
       * those addresses, and `a`/`b` the counterparty's receipts from each side
       */
      kind: 'common-downstream-collector';
    } & ChainMeeting)
  | {
      /**
       * `from` funded a fresh wallet (or a chain of them, `via`) whose funding reached `to` as its
       * first funding: `from` stands in `to`'s funding chain above its first funder (engine 2.4.0);
       * or `from` sent SOL to a fresh address of its own (or two in a row, engine 2.7.0) that
       * forwarded it to `to` (`sweepChain`, engine 2.6.0)
       */
      kind: 'indirect-transfer';
      from: string;
      to: string;
      /** the addresses between them, the one `from` funded first (at least one) */
      via: string[];
      /** `from`'s transfer to via[0] */
      first: TransferRef;
      /** the last of `via`'s transfer to `to` (its first funding, or the sweep's forwarding) */
      last: TransferRef;
      /** engine 2.6.0: `from` swept SOL through `via` to `to` (`via`'s forwarding need not be `to`'s first funding) */
      sweep?: true;
      secondsApart: number;
      strength: number;
    }
  | {
      /**
       * `payer` paid the fee of `transactions` transactions of `wallet`'s own (engine 2.8.0): it
       * signed them with it. `transaction` is the first of them
       */
      kind: 'fee-payer';
      payer: string;
      wallet: string;
      transaction: TransferRef;
      transactions: number;
      strength: number;
    }
  | {
      /**
       * `counterparty` paid the fees of transactions of both wallets' own (engine 2.8.0): it signed
       * them with each. `a`/`b` are the two closest in time, `transactionsA`/`transactionsB` how many
       * of each wallet's it paid
       */
      kind: 'common-fee-payer';
      counterparty: string;
      counterpartyWallets: number;
      counterpartyWeight: number;
      counterpartyActivity?: { transactions: number; complete: boolean; dedicated: boolean };
      a: TransferRef;
      b: TransferRef;
      transactionsA: number;
      transactionsB: number;
      secondsApart: number;
      strength: number;
    }
  | {
      /**
       * both wallets' first inbound SOL was exactly the same amount, within minutes, from any
       * funders (`sameAmountFunding`)
       */
      kind: 'same-amount-funding';
      a: TransferRef;
      b: TransferRef;
      funderA: string;
      funderB: string;
      /**
       * engine 2.4.0: the wallets' first funders, fresh wallets each, when it is their first fundings
       * that were the same amount within minutes (an exchange withdrawal page to fresh wallets that
       * then funded the analysed wallets, each its own amount): `a`/`b` are those fundings and
       * `funderA`/`funderB` their senders
       */
      viaA?: string[];
      viaB?: string[];
      secondsApart: number;
      strength: number;
    };

/** A wallet's transfers indexed for pair comparisons. Build once per wallet with `fundingProfile`. */
export interface FundingProfile {
  wallet: string;
  /** the earliest inbound SOL transfer of at least `fundingMinLamports`: the wallet's first funder */
  firstFunding: WalletTransfer | null;
  /** counterparty → the wallet's transfers with it, in time order */
  byCounterparty: Map<string, WalletTransfer[]>;
}

/** One address of a wallet's funding chain: its first funder (depth 0), that one's first funder (1), … */
export interface ChainNode {
  address: string;
  depth: number;
  /** the transfer by which this address funded the one below it (at depth 0, the wallet's first funding) */
  transfer: TransferRef;
}

/**
 * A wallet's funding chain: its first funder, then as long as the address reached is a wallet of one
 * owner (`counterpartyActivityClass` 'dedicated', not a known exchange) that touched no more wallets
 * of the database than its history has transactions (a sprayer pays many in one transaction, and
 * whoever funded it funded strangers) and whose own first funding the chain was read for
 * (`stats.origins`), that address's first funder, up to `upstreamHops` above the first. Empty
 * without a first funding. Stops before an address already in the chain or the wallet.
 */
export function fundingChain(profile: FundingProfile, stats: CounterpartyStats, known: ReadonlyMap<string, unknown> = KNOWN_ADDRESSES): ChainNode[] {
  const first = profile.firstFunding;
  if (first === null) return [];
  const chain: ChainNode[] = [{ address: first.counterparty, depth: 0, transfer: ref(first) }];
  const seen = new Set([profile.wallet, first.counterparty]);
  for (let depth = 1; depth <= FUNDING_DEFAULTS.upstreamHops; depth++) {
    const below = chain[chain.length - 1].address;
    if (known.has(below) || !dedicatedWallet(stats.activity?.get(below), stats.walletsPerCounterparty.get(below) ?? 1)) break;
    const origin = stats.origins?.get(below);
    if (origin === undefined || seen.has(origin.funder)) break;
    seen.add(origin.funder);
    chain.push({ address: origin.funder, depth, transfer: originRef(origin) });
  }
  return chain;
}

/**
 * An address's first funding from its oldest transactions (any order): the earliest inbound SOL of
 * at least `fundingMinLamports` (`extractTransfers`, so a swap's legs and rent are not funding);
 * null when none of them has one.
 */
export function fundingOriginOf(address: string, oldest: readonly EnhancedTransaction[]): FundingOrigin | null {
  const inbound = oldest
    .flatMap((tx) => extractTransfers(tx, address))
    .filter((t) => t.direction === 'in' && t.asset === SOL_ASSET && fundingTransfer(t))
    .sort(compareTransfers);
  const first = inbound[0];
  return first === undefined ? null : { funder: first.counterparty, amount: first.amount, rawAmount: first.rawAmount, signature: first.signature, slot: first.slot, timestamp: first.timestamp };
}

function originRef(o: FundingOrigin): TransferRef {
  return { asset: SOL_ASSET, amount: o.amount, signature: o.signature, slot: o.slot, timestamp: o.timestamp };
}

/**
 * An upstream funder's weight: 0 unless the chain was asked about it (`stats.activity`) and it is no
 * known exchange and no service; 1 for a wallet of one owner that touched no more of our wallets
 * than its transactions; else its degree's weight times `upstreamOrdinaryFactor`.
 */
function upstreamWeight(address: string, stats: CounterpartyStats, known: ReadonlyMap<string, unknown>, halfWeightDegree: number): number {
  const activity = upstreamActivity(address, stats);
  if (activity === undefined) return 0;
  // 0 for a known exchange or a service, 1 for a wallet of one owner, else by its degree
  const w = linkWeight(address, activity, stats, known, halfWeightDegree);
  return dedicatedWallet(activity, stats.walletsPerCounterparty.get(address) ?? 2) ? w : FUNDING_DEFAULTS.upstreamOrdinaryFactor * w;
}

/** What the chain says of an upstream funder: a counterparty's activity, or a group wallet's that tops chains (`stats.tops`). */
function upstreamActivity(address: string, stats: CounterpartyStats): CounterpartyActivity | undefined {
  return stats.activity?.get(address) ?? stats.tops?.get(address);
}

/**
 * Where two funding chains meet: the address both reach with the fewest hops in all (above it the
 * chains are one), when that is above the first funder on at least one side (both first funders the
 * same is `common-first-funder`) and not one of the two wallets. Strength: upstreamStrength × w(c) ×
 * upstreamHopFactor^(dA + dB − 1) × timing, timing = f + (1 − f) × 2^(−Δt / 24 h) between c's two
 * fundings, f = 0.75 for a wallet of one owner (`upstreamTimingFloor`), else 0.25 (`timingFloor`).
 */
function upstreamEvidence(
  a: string,
  chainA: readonly ChainNode[],
  b: string,
  chainB: readonly ChainNode[],
  stats: CounterpartyStats,
  known: ReadonlyMap<string, unknown>,
  halfWeightDegree: number,
  minWeight: number,
): Extract<FundingEvidence, { kind: 'common-upstream-funder' }> | null {
  if (chainA.length < 2 && chainB.length < 2) return null;
  const d = FUNDING_DEFAULTS;
  const atB = new Map(chainB.map((n) => [n.address, n]));
  let meet: [ChainNode, ChainNode] | null = null;
  for (const na of chainA) {
    const nb = atB.get(na.address);
    if (nb !== undefined && (meet === null || na.depth + nb.depth < meet[0].depth + meet[1].depth)) meet = [na, nb];
  }
  if (meet === null) return null;
  const [na, nb] = meet;
  const c = na.address;
  if ((na.depth === 0 && nb.depth === 0) || c === a || c === b) return null;
  const w = upstreamWeight(c, stats, known, halfWeightDegree);
  if (w < minWeight) return null;
  const activity = upstreamActivity(c, stats);
  const degree = stats.walletsPerCounterparty.get(c) ?? 0;
  // a wallet of one owner keeps most of its strength whatever the time between its fundings; any
  // other address (an unlisted small service, someone's long-lived wallet) only what a first funder keeps
  const floor = dedicatedWallet(activity, Math.max(degree, 2)) ? d.upstreamTimingFloor : d.timingFloor;
  const apart = Math.abs(na.transfer.timestamp - nb.transfer.timestamp);
  const timing = timingFactor(apart, floor, d.upstreamHalfLifeSeconds);
  return {
    kind: 'common-upstream-funder',
    counterparty: c,
    counterpartyWallets: degree,
    counterpartyWeight: w,
    ...activityFacts(activity, dedicatedWallet(activity, Math.max(degree, 2))),
    viaA: chainA.slice(0, na.depth).map((n) => n.address).reverse(),
    viaB: chainB.slice(0, nb.depth).map((n) => n.address).reverse(),
    a: na.transfer,
    b: nb.transfer,
    secondsApart: apart,
    strength: Math.min(1, d.upstreamStrength * w * d.upstreamHopFactor ** (na.depth + nb.depth - 1) * timing),
  };
}

/**
 * The two wallets' first funders, different fresh wallets (`fundingChain` followed both; a whole
 * history of at most `freshMaxTransactions`, and their funding of the wallet at most
 * `freshMaxSeconds` after their own first funding), were themselves first funded with exactly the
 * same amount within minutes (`sameAmountFunding`'s rule: an operator that withdraws one odd amount
 * from an exchange to fresh wallets, which then fund its wallets each with its own amount days
 * later; strangers' long-lived wallets first funded alike long ago are not that): that rule's
 * strength × upstreamHopFactor. Not when one fresh wallet funded the other (the chains meet there:
 * `common-upstream-funder`) or a sender is one of the two wallets.
 */
function sameAmountUpstream(
  a: string,
  chainA: readonly ChainNode[],
  b: string,
  chainB: readonly ChainNode[],
  stats: CounterpartyStats,
  exchange: (address: string) => boolean,
): FundingEvidence | null {
  if (chainA.length < 2 || chainB.length < 2 || chainA[0].address === chainB[0].address) return null;
  const oa = stats.origins?.get(chainA[0].address);
  const ob = stats.origins?.get(chainB[0].address);
  if (oa === undefined || ob === undefined || [oa.funder, ob.funder].some((f) => f === a || f === b)) return null;
  // one fresh wallet funded the other: their chains meet there (common-upstream-funder)
  if (oa.funder === chainB[0].address || ob.funder === chainA[0].address) return null;
  const d = FUNDING_DEFAULTS;
  const fresh = (chain: readonly ChainNode[], o: FundingOrigin): boolean =>
    (stats.activity?.get(chain[0].address)?.transactions ?? Infinity) <= d.freshMaxTransactions && chain[0].transfer.timestamp - o.timestamp <= d.freshMaxSeconds;
  if (!fresh(chainA, oa) || !fresh(chainB, ob)) return null;
  const strength = sameAmountFunding({ rawAmount: oa.rawAmount, timestamp: oa.timestamp, counterparty: oa.funder }, { rawAmount: ob.rawAmount, timestamp: ob.timestamp, counterparty: ob.funder }, exchange);
  if (strength <= 0) return null;
  return {
    kind: 'same-amount-funding',
    a: originRef(oa),
    b: originRef(ob),
    funderA: oa.funder,
    funderB: ob.funder,
    viaA: [chainA[0].address],
    viaB: [chainB[0].address],
    secondsApart: Math.abs(oa.timestamp - ob.timestamp),
    strength: strength * FUNDING_DEFAULTS.upstreamHopFactor,
  };
}

/**
 * `from` in `to`'s funding chain above its first funder (`fundingChain`: every address between them
 * a wallet of one owner whose first funding came from the one above): `from` funded `to` through
 * fresh wallets. Strength: a direct transfer's (`direct`, by the two wallets' weights) ×
 * upstreamHopFactor^depth × timing, depth the hops between them (1: one fresh wallet), timing =
 * 0.75 + 0.25 × 2^(−Δt / 24 h) between `from`'s transfer and `to`'s first funding (an operator that
 * hides its wallets waits days; the fresh wallets between are the shape, not the time).
 */
function indirectTransfer(from: string, to: string, chain: readonly ChainNode[], direct: number): Extract<FundingEvidence, { kind: 'indirect-transfer' }> | null {
  const node = chain.find((n) => n.address === from);
  if (node === undefined || node.depth === 0) return null;
  const d = FUNDING_DEFAULTS;
  const last = chain[0].transfer;
  const apart = Math.abs(last.timestamp - node.transfer.timestamp);
  const timing = timingFactor(apart, d.upstreamTimingFloor, d.upstreamHalfLifeSeconds);
  return {
    kind: 'indirect-transfer',
    from,
    to,
    via: chain.slice(0, node.depth).map((n) => n.address).reverse(),
    first: node.transfer,
    last,
    secondsApart: apart,
    strength: Math.min(1, direct * d.upstreamHopFactor ** node.depth * timing),
  };
}

/**
 * Where an address forwarded its SOL, from its transactions (a fresh address's whole history, any
 * order): the counterparty that received the most of its outbound SOL transfers of at least
 * `fundingMinLamports` (`extractTransfers`, so a swap's legs and rent are not a sweep), with its
 * first such transfer, and who first funded the address (`fundingOriginOf`; null unless
 * `wholeHistory`), and whether it passed on what it received (`passThrough`: one recipient of its
 * outbound SOL, no trade of its own, and each receipt passed on to it within a day, `passedOn`); null
 * when they hold no outbound SOL.
 */
export function sweepTargetOf(address: string, transactions: readonly EnhancedTransaction[], { wholeHistory = true }: { wholeHistory?: boolean } = {}): SweepTarget | null {
  const transfers = transactions.flatMap((tx) => extractTransfers(tx, address));
  const outbound = transfers.filter((t) => sweepTransfer(t) && t.counterparty !== address).sort(compareTransfers);
  const totals = new Map<string, bigint>();
  for (const t of outbound) totals.set(t.counterparty, (totals.get(t.counterparty) ?? 0n) + BigInt(t.rawAmount));
  let collector: string | null = null;
  for (const [c, total] of totals) if (collector === null || total > totals.get(collector)! || (total === totals.get(collector)! && c < collector)) collector = c;
  const first = outbound.find((t) => t.counterparty === collector);
  if (first === undefined) return null;
  const firstFunder = wholeHistory ? (fundingOriginOf(address, transactions)?.funder ?? null) : null;
  const passThrough = totals.size === 1 && !transactions.some((tx) => tradedIn(tx, address)) && passedOn(address, transfers, outbound);
  return { collector: first.counterparty, amount: first.amount, rawAmount: first.rawAmount, signature: first.signature, slot: first.slot, timestamp: first.timestamp, firstFunder, passThrough };
}

/**
 * Whether an address passed on what it received, as an exchange's deposit address does: among its
 * transfers (`extractTransfers` of its transactions), each SOL receipt (of at least
 * `fundingMinLamports`) up to its last forwarding is followed by a forwarding (`outbound`, all to one
 * recipient) within `depositForwardSeconds`, the forwardings come to `depositForwardShare` of those
 * receipts at least, and it received some. A wallet that collects payments for weeks and cashes out
 * once is no deposit address.
 */
function passedOn(address: string, transfers: readonly WalletTransfer[], outbound: readonly WalletTransfer[]): boolean {
  const d = FUNDING_DEFAULTS;
  const last = Math.max(...outbound.map((t) => t.timestamp));
  const received = transfers.filter((t) => t.direction === 'in' && t.asset === SOL_ASSET && fundingTransfer(t) && t.counterparty !== address && t.timestamp <= last);
  if (received.length === 0) return false;
  if (!received.every((r) => outbound.some((f) => f.timestamp >= r.timestamp && f.timestamp - r.timestamp <= d.depositForwardSeconds))) return false;
  const sum = (list: readonly WalletTransfer[]) => list.reduce((x, t) => x + BigInt(t.rawAmount), 0n);
  return sum(outbound) * 100n >= sum(received) * BigInt(Math.round(d.depositForwardShare * 100));
}

/** One way a wallet's SOL left for `collector` through fresh addresses of its own (`sweepChain`). */
export interface SweepNode {
  /** the fresh addresses it went through, the one the wallet sent SOL to first */
  via: string[];
  collector: string;
  /** the wallet's last transfer to `via[0]` before the forwarding */
  sent: TransferRef;
  /** the last of `via`'s transfer to `collector` */
  forward: TransferRef;
}

/**
 * A fresh address (`freshMaxTransactions` at most in its whole history, as its activity page shows)
 * that is no known exchange, touched no more wallets of the database than its transactions, whose
 * first SOL came from the wallet, and that the wallet sent SOL to before it forwarded SOL to another
 * address (`stats.sweeps`): the wallet's sweeps through deposit addresses of its own, one node per
 * such address (engine 2.6.0). An address someone else funded first is not the wallet's own: a
 * wallet that paid it did not sweep through it. Where that collector is itself such an address, first
 * funded by the deposit address before it forwarded in turn, a node more reaches its collector, up
 * to `downstreamHops` fresh addresses in a row (engine 2.7.0); the one between stays a node of its
 * own (an operator's collector may be fresh too, first funded by one wallet's deposit address).
 */
export function sweepChain(profile: FundingProfile, stats: CounterpartyStats, known: ReadonlyMap<string, unknown> = KNOWN_ADDRESSES): SweepNode[] {
  if (stats.sweeps === undefined || stats.sweeps.size === 0) return [];
  const nodes: SweepNode[] = [];
  const fresh = (address: string): boolean => !known.has(address) && freshAddress(stats.activity?.get(address), stats.walletsPerCounterparty.get(address) ?? 1);
  for (const [via, list] of profile.byCounterparty) {
    let target = stats.sweeps.get(via);
    if (target === undefined || target.firstFunder !== profile.wallet || target.collector === profile.wallet || target.collector === via || !fresh(via)) continue;
    let sent: WalletTransfer | undefined;
    for (const t of list) if (sweepTransfer(t) && t.timestamp <= target.timestamp) sent = t;
    if (sent === undefined) continue;
    const path = [via];
    // a hop is never a group wallet: the reads and the load store no group wallet's target
    for (;;) {
      nodes.push({ via: [...path], collector: target.collector, sent: ref(sent), forward: { asset: SOL_ASSET, amount: target.amount, signature: target.signature, slot: target.slot, timestamp: target.timestamp } });
      if (path.length >= FUNDING_DEFAULTS.downstreamHops) break;
      const hop = target.collector;
      const next = stats.sweeps.get(hop);
      if (next === undefined || next.firstFunder !== path[path.length - 1] || next.timestamp < target.timestamp || !fresh(hop)) break;
      if (next.collector === profile.wallet || next.collector === hop || path.includes(next.collector)) break;
      path.push(hop);
      target = next;
    }
  }
  return nodes;
}

/**
 * Where the reads of sweep chains go next (engine 2.7.0), level by level: of `targets` (one level's
 * addresses, read), those first funded by an address that sent to them (`fundedBy`: for a wallet's
 * destination, a group wallet; further down, the address before it), which `sweepChain` alone
 * follows, give their collector; returned with the addresses leading to each (the next level's
 * `fundedBy`). The activity reads, the step's load and the detection bench follow the same ones.
 */
export function sweepCollectors(targets: ReadonlyMap<string, SweepTarget | null>, fundedBy: (address: string, firstFunder: string) => boolean): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [address, target] of targets) {
    if (target === null || target.firstFunder === null || !fundedBy(address, target.firstFunder)) continue;
    const list = out.get(target.collector);
    if (list) list.push(address);
    else out.set(target.collector, [address]);
  }
  return out;
}

/**
 * The exchange whose deposit address `address` is (engine 2.7.0): its newest transactions, read
 * (`stats.deposits`), show it passing each receipt on within a day to one address and trading
 * nothing (`SweepTarget.passThrough`), and that address is a listed exchange (`KNOWN_ADDRESSES`, kind
 * exchange) or a busy service on chain; null otherwise. An exchange gives each account a deposit
 * address of its own, which it sweeps to its hot wallet: wallets sending to one deposit address send
 * to one account. A person's wallet that trades, pays anyone else, or cashes out when it suits it,
 * is none.
 */
export function depositExchange(address: string, stats: CounterpartyStats, known: ReadonlyMap<string, unknown> = KNOWN_ADDRESSES): string | null {
  const target = stats.deposits?.get(address);
  if (target === undefined || target.passThrough !== true || known.has(address)) return null;
  const c = target.collector;
  return KNOWN_ADDRESSES.get(c)?.kind === 'exchange' || counterpartyActivityClass(stats.activity?.get(c)) === 'service' ? c : null;
}

/** A whole history (`activity`) of at most `freshMaxTransactions`: a fresh address, such as a deposit address of one wallet's. */
export function freshActivity(activity: CounterpartyActivity | undefined): activity is CounterpartyActivity {
  return activity !== undefined && activity.complete && activity.transactions <= FUNDING_DEFAULTS.freshMaxTransactions;
}

/** A fresh address (`freshActivity`) that touched no more wallets of the database than its transactions (`dedicatedWallet`). */
function freshAddress(activity: CounterpartyActivity | undefined, degree: number): boolean {
  return freshActivity(activity) && dedicatedWallet(activity, degree);
}

/** How a wallet's SOL reached a collector: through fresh addresses of its own (depth: how many), or sent there itself (depth 0). */
interface Downstream {
  depth: number;
  via: string[];
  /** the collector's receipt */
  receipt: TransferRef;
}

/** Each collector a wallet's SOL reached: through its sweep chain, and, for `direct`, by its own outbound SOL. */
function downstreamOf(profile: FundingProfile, nodes: readonly SweepNode[], direct: ReadonlySet<string>): Map<string, Downstream> {
  const out = new Map<string, Downstream>();
  for (const n of nodes) {
    const had = out.get(n.collector);
    if (had === undefined || n.via.length < had.depth || (n.via.length === had.depth && n.forward.timestamp < had.receipt.timestamp)) out.set(n.collector, { depth: n.via.length, via: n.via, receipt: n.forward });
  }
  for (const c of direct) {
    const first = profile.byCounterparty.get(c)?.find(sweepTransfer);
    if (first !== undefined) out.set(c, { depth: 0, via: [], receipt: ref(first) });
  }
  return out;
}

/**
 * A collector's weight: an upstream funder's (`upstreamWeight`) when it is a wallet of one owner
 * that touched no more wallets than its transactions, counting the group wallets whose SOL reached
 * it; else 0. Every customer of an exchange that gives each one a deposit address sweeps through a
 * fresh address of its own, first funded by the customer: the collector's history is what tells an
 * operator's wallet from an exchange's, and one longer than a wallet of one owner's (a small
 * exchange, a merchant) is no one's collector of its own wallets.
 */
function downstreamWeight(address: string, stats: CounterpartyStats, known: ReadonlyMap<string, unknown>, halfWeightDegree: number): number {
  if (!dedicatedWallet(upstreamActivity(address, stats), stats.walletsPerCounterparty.get(address) ?? 2)) return 0;
  return upstreamWeight(address, stats, known, halfWeightDegree);
}

/**
 * Where two wallets' SOL meets downstream, one side through a fresh address of its own at least
 * (both sending to it themselves is `common-destination`; a wallet that sent to it both ways counts
 * as sending to it itself): the collector with the fewest hops in all, then the one weighing most,
 * other than `cited` (the pair's common first or upstream funder, already evidence). Strength:
 * upstreamStrength × w(c) × `downstreamHopShare` × timing (with one fresh address a side, that is
 * upstreamHopFactor^(dA + dB − 1) as for a common upstream funder), timing between c's two receipts
 * with a wallet of one owner's floor, as for a common upstream funder (`upstreamEvidence`).
 */
function downstreamEvidence(
  a: FundingProfile,
  nodesA: readonly SweepNode[],
  b: FundingProfile,
  nodesB: readonly SweepNode[],
  stats: CounterpartyStats,
  known: ReadonlyMap<string, unknown>,
  halfWeightDegree: number,
  minWeight: number,
  cited: ReadonlySet<string>,
): Extract<FundingEvidence, { kind: 'common-downstream-collector' }> | null {
  if (nodesA.length === 0 && nodesB.length === 0) return null;
  const d = FUNDING_DEFAULTS;
  const collectors = new Set([...nodesA, ...nodesB].map((n) => n.collector));
  for (const c of [a.wallet, b.wallet, ...cited]) collectors.delete(c);
  const atA = downstreamOf(a, nodesA, collectors);
  const atB = downstreamOf(b, nodesB, collectors);
  let best: Extract<FundingEvidence, { kind: 'common-downstream-collector' }> | null = null;
  let bestHops = Infinity;
  for (const c of [...collectors].sort()) {
    const x = atA.get(c);
    const y = atB.get(c);
    if (x === undefined || y === undefined || x.depth + y.depth === 0) continue;
    const w = downstreamWeight(c, stats, known, halfWeightDegree);
    if (w < minWeight) continue;
    const activity = upstreamActivity(c, stats);
    const degree = stats.walletsPerCounterparty.get(c) ?? 0;
    const apart = Math.abs(x.receipt.timestamp - y.receipt.timestamp);
    const hops = x.depth + y.depth;
    const strength = Math.min(1, d.upstreamStrength * w * downstreamHopShare(x.depth, y.depth) * timingFactor(apart, d.upstreamTimingFloor, d.upstreamHalfLifeSeconds));
    if (best !== null && (hops > bestHops || (hops === bestHops && strength <= best.strength))) continue;
    bestHops = hops;
    best = {
      kind: 'common-downstream-collector',
      counterparty: c,
      counterpartyWallets: degree,
      counterpartyWeight: w,
      ...activityFacts(activity, dedicatedWallet(activity, Math.max(degree, 2))),
      viaA: x.via,
      viaB: y.via,
      a: x.receipt,
      b: y.receipt,
      secondsApart: apart,
      strength,
    };
  }
  return best;
}

/**
 * The share of a downstream link's strength its sweep chains keep: upstreamHopFactor for each side
 * but one that went through fresh addresses of its own, and downstreamExtraHopFactor for each fresh
 * address after the first on one side (`depthA`, `depthB`: how many each went through, 0 when it sent
 * to the collector itself).
 */
function downstreamHopShare(depthA: number, depthB: number): number {
  const d = FUNDING_DEFAULTS;
  const sides = (depthA > 0 ? 1 : 0) + (depthB > 0 ? 1 : 0);
  const extra = Math.max(0, depthA - 1) + Math.max(0, depthB - 1);
  return d.upstreamHopFactor ** Math.max(0, sides - 1) * d.downstreamExtraHopFactor ** extra;
}

/**
 * `from` sent SOL to a fresh address of its own that forwarded it to `to` (`sweepChain`), or through
 * two in a row: a direct transfer's strength × upstreamHopFactor × downstreamExtraHopFactor^(fresh
 * addresses − 1) × timing, timing =
 * 0.75 + 0.25 × 2^(−Δt / 24 h) between the first transfer and the last (`indirectTransfer`'s rule,
 * downstream); the fewest addresses between, then the earliest.
 */
function sweptTo(from: string, to: string, nodes: readonly SweepNode[], direct: number): Extract<FundingEvidence, { kind: 'indirect-transfer' }> | null {
  const node = nodes.filter((n) => n.collector === to).sort((x, y) => x.via.length - y.via.length || x.forward.timestamp - y.forward.timestamp)[0];
  if (node === undefined) return null;
  const d = FUNDING_DEFAULTS;
  const apart = Math.abs(node.forward.timestamp - node.sent.timestamp);
  return {
    kind: 'indirect-transfer',
    from,
    to,
    via: node.via,
    first: node.sent,
    last: node.forward,
    sweep: true,
    secondsApart: apart,
    strength: Math.min(1, direct * d.upstreamHopFactor * downstreamHopShare(node.via.length, 0) * timingFactor(apart, d.upstreamTimingFloor, d.upstreamHalfLifeSeconds)),
  };
}

/** An outbound SOL transfer of at least `fundingMinLamports`: what a sweep is made of (engine 2.6.0). */
export function sweepTransfer(t: WalletTransfer): boolean {
  return t.direction === 'out' && t.asset === SOL_ASSET && fundingTransfer(t);
}

/**
 * Whether a transfer can be funding evidence with a third party: any token, or SOL from
 * `fundingMinLamports` on; a fee another account paid (`feeTransfer`) and an NFT sale (`saleTransfer`,
 * engine 2.20.0: a collection's sellers sell to strangers by the dozen) are no funding.
 */
export function fundingTransfer(t: WalletTransfer): boolean {
  if (feeTransfer(t) || saleTransfer(t)) return false;
  return t.asset !== SOL_ASSET || BigInt(t.rawAmount) >= BigInt(FUNDING_DEFAULTS.fundingMinLamports);
}

/** Whether a transfer is a fee its counterparty paid for a transaction of the wallet's own (`FEE_ASSET`). */
export function feeTransfer(t: WalletTransfer): boolean {
  return t.asset === FEE_ASSET;
}

/** A wallet's transactions whose fee `payer` paid, in time order. */
export function feePayments(profile: FundingProfile, payer: string): WalletTransfer[] {
  return (profile.byCounterparty.get(payer) ?? []).filter(feeTransfer);
}

/**
 * A wallet's transfers by counterparty, and its first funding: its oldest SOL received, when
 * `wholeHistory` (the default) says its history is known back to its first transaction. Of a history
 * that does not reach back (a window, a cap, a first sync cut by proceed) the oldest SOL stored is only a top-up (its SOL received then counts
 * as a common source, not as a first funder, and no funding chain starts from it).
 */
export function fundingProfile(wallet: string, transfers: readonly WalletTransfer[], { wholeHistory = true }: { wholeHistory?: boolean } = {}): FundingProfile {
  const sorted = transfers.filter((t) => t.wallet === wallet).sort(compareTransfers);
  const byCounterparty = new Map<string, WalletTransfer[]>();
  let firstFunding: WalletTransfer | null = null;
  for (const t of sorted) {
    if (wholeHistory && firstFunding === null && t.direction === 'in' && t.asset === SOL_ASSET && fundingTransfer(t)) firstFunding = t;
    const list = byCounterparty.get(t.counterparty);
    if (list) list.push(t);
    else byCounterparty.set(t.counterparty, [t]);
  }
  return { wallet, firstFunding, byCounterparty };
}

/**
 * The funding signal of one pair. Each piece of evidence has a strength in [0, 1]; the score is
 * their noisy-OR, 1 − Π(1 − strength), so independent links add up without passing 1:
 * - direct transfer between the two (either direction, any asset): 0.9 × √min(wA, wB) each, where
 *   wX is the weight of wallet X as a counterparty (a known exchange in the group weighs 0);
 * - common first funder c: w(c) × (0.25 + 0.75 × 2^(−Δt / 6 h)), Δt between the two first fundings
 *   (an operator funds its wallets together; an exchange funds strangers at random times);
 * - common top-up source or sweep destination c (same direction for both, not already the first
 *   funder): 0.6 × w(c) × (0.25 + 0.75 × 2^(−Δt / 24 h)), Δt between their closest transfers with c.
 * - common upstream funder c (engine 2.3.0): both funding chains (`fundingChain`) reach c, above
 *   the first funder on one side at least: 0.8 × w(c) × 0.75^(dA + dB − 1) × (0.75 + 0.25 × 2^(−Δt / 24 h)),
 *   dX the hops above X's first funder, Δt between c's two fundings (the floor 0.75 is 0.25 unless c
 *   is a wallet of one owner); w(c) needs the chain's word on c (1 for a wallet of one owner, half its
 *   degree's weight otherwise, 0 for a service or unread); c may be a wallet of the group, whose
 *   activity the chain reads too (engine 2.4.0).
 * - indirect transfer (engine 2.4.0): one wallet stands in the other's funding chain above its first
 *   funder, so it funded the other through fresh wallets: a direct transfer's strength ×
 *   0.75^hops × (0.75 + 0.25 × 2^(−Δt / 24 h)), Δt from its transfer to the other's first funding.
 * - fee payer (engine 2.8.0): one wallet paid the fees of transactions of the other's own
 *   (`FEE_ASSET`), so signed them with it: a direct transfer's strength; a common fee payer c of
 *   transactions of both wallets' own: 0.85 × w(c) × (0.25 + 0.75 × 2^(−Δt / 24 h)), Δt between the
 *   closest two (a gasless relayer is a busy service: w 0), also when c is their first funder.
 * - NFT sales (engine 2.20.0, `nftSaleEvidence`): the two sold NFTs to each other through a market:
 *   a direct transfer's strength × (1 − 0.8^occasions), × 0.6 when each sold the other some, if
 *   more; both held an NFT on a round trip through the group's wallets (`roundTrip`, from
 *   `GroupFunding.nftRoundTrips`): a direct transfer's strength × (0.5 + 0.5 × 2^(−time away / 7 d)).
 * w(c) = `counterpartyLinkWeight` (by c's degree in the database, or by its activity on chain when
 * `stats.activity` has it; 0 for known exchanges); counterparties under `minCounterpartyWeight` are
 * ignored.
 */
export function fundingForPair(
  a: FundingProfile,
  b: FundingProfile,
  stats: CounterpartyStats,
  opts: FundingOptions = {},
  roundTrip?: NftRoundTrip,
): SignalResult<FundingEvidence> {
  const known = opts.knownAddresses ?? KNOWN_ADDRESSES;
  const half = opts.halfWeightDegree ?? FUNDING_DEFAULTS.halfWeightDegree;
  const minWeight = opts.minCounterpartyWeight ?? FUNDING_DEFAULTS.minCounterpartyWeight;
  const maxEvidence = opts.maxEvidence ?? FUNDING_DEFAULTS.maxEvidence;
  const degree = (address: string): number => stats.walletsPerCounterparty.get(address) ?? 2;
  const floor = FUNDING_DEFAULTS.timingFloor;
  const weight = (address: string, sol = true): number => counterpartyLinkWeight(address, stats, known, half, sol);
  // a deposit address weighs by the wallets of the database that paid it, whatever the chain says of it
  const byDegree = (address: string): number => degreeWeight(address, stats, known, half);
  const evidence: FundingEvidence[] = [];

  // a wallet of the pair weighs 1 when its whole history, as the analysis loaded it, is that of a
  // wallet of one owner that paid no more of the database's wallets than it has transactions (an
  // operator's funding wallet analysed with the wallets it funded), else by its degree; never 0 as a
  // busy service would (the group's own bot is no exchange to the wallet it paid)
  const ownWeight = (address: string): number => (!known.has(address) && dedicatedWallet(stats.activity?.get(address), degree(address)) ? 1 : byDegree(address));
  const direct = FUNDING_DEFAULTS.directStrength * Math.sqrt(Math.min(ownWeight(a.wallet), ownWeight(b.wallet)));
  if (direct > 0) {
    // read from both wallets' transfers: one side may lack a transfer the other has (a wallet that
    // traded in the transaction keeps none of its transfers there; a partial history), once each
    // (b's only where a's has none of that transaction, asset and sender: a's own list may hold two, SOL and wrapped SOL)
    const inA = new Set<string>();
    for (const [self, other] of [[a, b], [b, a]] as const) {
      for (const t of self.byCounterparty.get(other.wallet) ?? []) {
        if (feeTransfer(t) || saleTransfer(t)) continue;
        const [from, to] = t.direction === 'out' ? [self.wallet, other.wallet] : [other.wallet, self.wallet];
        const key = `${t.signature}\u0000${t.asset}\u0000${from}`;
        if (self === a) inA.add(key);
        else if (inA.has(key)) continue;
        evidence.push({ kind: 'direct', from, to, transfer: ref(t), strength: direct });
      }
    }
    // one paid the other's fees: both signed those transactions
    for (const [payer, wallet] of [[a, b], [b, a]] as const) {
      const paid = feePayments(wallet, payer.wallet);
      if (paid.length > 0) evidence.push({ kind: 'fee-payer', payer: payer.wallet, wallet: wallet.wallet, transaction: ref(paid[0]), transactions: paid.length, strength: direct });
    }
    // NFTs sold between the two through a market, and a round trip of one through the group (engine 2.20.0)
    evidence.push(...nftSaleEvidence(a.wallet, a.byCounterparty.get(b.wallet) ?? [], b.wallet, b.byCounterparty.get(a.wallet) ?? [], direct, roundTrip));
  }

  let firstFunder: string | null = null;
  /** the two wallets' common upstream funder, when their funding chains meet */
  let upstreamFunder: string | null = null;
  /** the fresh wallets an indirect transfer between the two goes through */
  const between = new Set<string>();
  const fa = a.firstFunding;
  const fb = b.firstFunding;
  if (fa && fb && fa.counterparty === fb.counterparty && fa.counterparty !== a.wallet && fa.counterparty !== b.wallet) {
    const c = fa.counterparty;
    const w = weight(c);
    if (w >= minWeight) {
      firstFunder = c;
      const apart = Math.abs(fa.timestamp - fb.timestamp);
      const timing = timingFactor(apart, floor, FUNDING_DEFAULTS.firstFundingHalfLifeSeconds);
      evidence.push(common('common-first-funder', c, degree(c), w, stats.activity?.get(c), dedicatedWallet(stats.activity?.get(c), degree(c)), fa, fb, FUNDING_DEFAULTS.firstFunderStrength * w * timing));
    }
  }

  const exchange = (c: string): boolean => known.has(c) || counterpartyActivityClass(stats.activity?.get(c)) === 'service';
  if (fa && fb && fa.counterparty !== b.wallet && fb.counterparty !== a.wallet) {
    const strength = sameAmountFunding(fa, fb, exchange);
    if (strength > 0) evidence.push({ kind: 'same-amount-funding', a: ref(fa), b: ref(fb), funderA: fa.counterparty, funderB: fb.counterparty, secondsApart: Math.abs(fa.timestamp - fb.timestamp), strength });
  }

  if (stats.origins !== undefined && stats.origins.size > 0) {
    const chainA = fundingChain(a, stats, known);
    const chainB = fundingChain(b, stats, known);
    const upstream = upstreamEvidence(a.wallet, chainA, b.wallet, chainB, stats, known, half, minWeight);
    if (upstream !== null) {
      evidence.push(upstream);
      upstreamFunder = upstream.counterparty;
    }
    const sameUpstream = sameAmountUpstream(a.wallet, chainA, b.wallet, chainB, stats, exchange);
    if (sameUpstream !== null) evidence.push(sameUpstream);
    if (direct > 0) {
      for (const hop of [indirectTransfer(a.wallet, b.wallet, chainB, direct), indirectTransfer(b.wallet, a.wallet, chainA, direct)]) {
        if (hop === null) continue;
        evidence.push(hop);
        // the fresh wallets between are that evidence: not a common source or destination besides
        for (const x of hop.via) between.add(x);
      }
    }
  }

  if (stats.sweeps !== undefined && stats.sweeps.size > 0) {
    const nodesA = sweepChain(a, stats, known);
    const nodesB = sweepChain(b, stats, known);
    // an operator that sweeps back to the funder of both is cited once, as their funder
    const cited = new Set([firstFunder, upstreamFunder].filter((x): x is string => x !== null));
    const downstream = downstreamEvidence(a, nodesA, b, nodesB, stats, known, half, minWeight, cited);
    if (downstream !== null) {
      evidence.push(downstream);
      for (const x of [...downstream.viaA, ...downstream.viaB]) between.add(x);
    }
    if (direct > 0) {
      for (const hop of [sweptTo(a.wallet, b.wallet, nodesA, direct), sweptTo(b.wallet, a.wallet, nodesB, direct)]) {
        // a fresh address the one created and that first funded the other is the funding chain's
        // indirect transfer already
        if (hop === null || evidence.some((e) => e.kind === 'indirect-transfer' && e.from === hop.from && e.to === hop.to && e.via.includes(hop.via[0]))) continue;
        evidence.push(hop);
        for (const x of hop.via) between.add(x);
      }
    }
  }

  const [small, large] = a.byCounterparty.size <= b.byCounterparty.size ? [a, b] : [b, a];
  for (const [c, smallList] of small.byCounterparty) {
    if (c === a.wallet || c === b.wallet) continue;
    const largeList = large.byCounterparty.get(c);
    if (!largeList) continue;
    // the largest weight c can have here (SOL evidence): under the minimum, none of its evidence counts
    const wc = weight(c);
    if (wc < minWeight) continue;
    const [listA, listB] = small === a ? [smallList, largeList] : [largeList, smallList];
    // paying both wallets' fees is a fact of its own, besides funding them first
    const fees = commonFeePayer(c, listA, listB, stats, wc, dedicatedWallet(stats.activity?.get(c), degree(c)));
    if (fees !== null) evidence.push(fees);
    if (c === firstFunder || between.has(c)) continue;
    for (const direction of ['in', 'out'] as const) {
      /** the evidence of c from two of its transfers, one with each wallet */
      const fromPair = ([ta, tb]: [WalletTransfer, WalletTransfer]): FundingEvidence | null => {
        // a dedicated wallet weighs 1 for SOL only: tokens are what spam sends to many wallets
        const sol = ta.asset === SOL_ASSET && tb.asset === SOL_ASSET;
        const w = weight(c, sol);
        if (w < minWeight) return null;
        const apart = Math.abs(ta.timestamp - tb.timestamp);
        const dedicated = sol && dedicatedWallet(stats.activity?.get(c), degree(c));
        // both sent SOL to one exchange account's deposit address: time matters as little as upstream
        const exchange = direction === 'out' && sol ? depositExchange(c, stats, known) : null;
        if (exchange !== null) {
          // weighed by the wallets of the database that sent to it: a deposit address many paid (a
          // merchant's, an OTC desk's) says less of any two of them
          const wd = byDegree(c);
          const timing = timingFactor(apart, FUNDING_DEFAULTS.upstreamTimingFloor, FUNDING_DEFAULTS.upstreamHalfLifeSeconds);
          return wd >= minWeight ? common('common-destination', c, degree(c), wd, stats.activity?.get(c), dedicated, ta, tb, FUNDING_DEFAULTS.depositStrength * wd * timing, exchange) : null;
        }
        const timing = timingFactor(apart, floor, FUNDING_DEFAULTS.commonTransferHalfLifeSeconds);
        const kind = direction === 'in' ? 'common-source' : 'common-destination';
        return common(kind, c, degree(c), w, stats.activity?.get(c), dedicated, ta, tb, FUNDING_DEFAULTS.commonCounterpartyStrength * w * timing);
      };
      // the closest two transfers of any asset, and the closest two of SOL (which a dedicated wallet
      // weighs 1 for): a token c sent both minutes apart does not hide the SOL it sent both (engine 2.12.0)
      let best: FundingEvidence | null = null;
      for (const closest of [closestPair(listA, listB, direction), closestPair(listA, listB, direction, SOL_ASSET)]) {
        const e = closest === null ? null : fromPair(closest);
        if (e !== null && (best === null || e.strength > best.strength)) best = e;
      }
      if (best !== null) evidence.push(best);
    }
  }

  let miss = 1;
  for (const e of evidence) miss *= 1 - e.strength;
  evidence.sort(byStrength);
  return {
    score: evidence.length === 0 ? 0 : 1 - miss,
    evidence: evidence.slice(0, maxEvidence),
    evidenceOmitted: Math.max(0, evidence.length - maxEvidence),
  };
}

/**
 * A group's funding links, computed once: the stats its pairs are scored with (a counterparty's
 * degree is the larger of `stats` and its count in the group; an address the funding chains reach
 * counts at least the group wallets whose chains reach it, so one that chains reach more often than
 * it has transactions is a sprayer's funder, not one owner's) and, per address the chains reach, the
 * group wallets reaching it with their depths (`fundingChain`).
 */
export interface GroupFunding {
  scored: CounterpartyStats;
  reach: ReadonlyMap<string, ReadonlyArray<{ wallet: string; depth: number }>>;
  /** the first funders' own first fundings, when the chain followed them: wallet → that funding */
  firstHops: ReadonlyMap<string, FundingOrigin>;
  /**
   * per address that a group wallet's SOL reached through fresh addresses of its own (`sweepChain`,
   * depth: how many), those wallets, and the group wallets that sent SOL there themselves (depth 0)
   */
  sweepReach: ReadonlyMap<string, ReadonlyArray<{ wallet: string; depth: number }>>;
  /**
   * per pair of group wallets (`pairKey`) that held an NFT on a round trip through the group's
   * wallets together, the shortest such trip (engine 2.20.0, `nftRoundTrips`)
   */
  nftRoundTrips: ReadonlyMap<string, NftRoundTrip>;
}

/** The key of an unordered pair of wallets in `GroupFunding` maps and in `fundingLinks`' candidates. */
export function pairKey(x: string, y: string): string {
  return x < y ? `${x}\u0000${y}` : `${y}\u0000${x}`;
}

export function groupFunding(profiles: readonly FundingProfile[], stats: CounterpartyStats, opts: FundingOptions = {}): GroupFunding {
  const known = opts.knownAddresses ?? KNOWN_ADDRESSES;
  const counted = new Map<string, number>();
  // NFT sale partners are no counterparties of a degree (engine 2.20.0), as counterparty_wallets counts them
  for (const p of profiles) for (const [c, list] of p.byCounterparty) if (beyondSales(list)) counted.set(c, (counted.get(c) ?? 0) + 1);
  const degrees = new Map(stats.walletsPerCounterparty);
  for (const [c, n] of counted) degrees.set(c, Math.max(degrees.get(c) ?? 0, n));
  const merged: CounterpartyStats = { ...stats, walletsPerCounterparty: degrees };
  const reach = new Map<string, Array<{ wallet: string; depth: number }>>();
  const firstHops = new Map<string, FundingOrigin>();
  const sweepReach = new Map<string, Array<{ wallet: string; depth: number }>>();
  const trips = roundTripsByPair(nftRoundTrips(groupSales(new Map(profiles.map((p) => [p.wallet, p.byCounterparty])))), pairKey);
  if (stats.sweeps !== undefined && stats.sweeps.size > 0) {
    for (const p of profiles) {
      const depths = new Map<string, number>();
      for (const n of sweepChain(p, merged, known)) depths.set(n.collector, Math.min(depths.get(n.collector) ?? Infinity, n.via.length));
      for (const [c, depth] of depths) {
        if (c === p.wallet) continue;
        const list = sweepReach.get(c);
        if (list) list.push({ wallet: p.wallet, depth });
        else sweepReach.set(c, [{ wallet: p.wallet, depth }]);
      }
    }
    const sentTo = (p: FundingProfile, c: string): boolean => (p.byCounterparty.get(c) ?? []).some(sweepTransfer);
    for (const [c, list] of sweepReach) {
      const swept = new Set(list.map((x) => x.wallet));
      for (const p of profiles) if (!swept.has(p.wallet) && p.wallet !== c && sentTo(p, c)) list.push({ wallet: p.wallet, depth: 0 });
      // a collector counts at least the group wallets whose SOL reached it: one that collects from
      // more wallets than its transactions is no wallet of one owner's
      degrees.set(c, Math.max(degrees.get(c) ?? 0, list.length));
    }
  }
  if (stats.origins === undefined || stats.origins.size === 0) return { scored: merged, reach, firstHops, sweepReach, nftRoundTrips: trips };
  for (const p of profiles) {
    const chain = fundingChain(p, merged, known);
    const hop = chain.length >= 2 ? stats.origins.get(chain[0].address) : undefined;
    if (hop !== undefined) firstHops.set(p.wallet, hop);
    for (const n of chain) {
      const list = reach.get(n.address);
      if (list) list.push({ wallet: p.wallet, depth: n.depth });
      else reach.set(n.address, [{ wallet: p.wallet, depth: n.depth }]);
    }
  }
  const reached = new Map(degrees);
  for (const [c, list] of reach) if (list.some((x) => x.depth > 0)) reached.set(c, Math.max(reached.get(c) ?? 0, list.length));
  return { scored: { ...merged, walletsPerCounterparty: reached }, reach, firstHops, sweepReach, nftRoundTrips: trips };
}

/**
 * The addresses that at least two of `wallets` reach in their funding chains, one of them above its
 * first funder, and that weigh as an upstream funder (`upstreamWeight`, with the group's `scored`
 * stats: not a known exchange, a service, or unread), each with the wallets reaching it; an address
 * above another that the same wallets reach is left out (their chains meet at the lower one).
 * What a cluster cites as its members' common upstream funders.
 */
export function commonUpstreamFunders(group: GroupFunding, wallets: ReadonlySet<string>, opts: FundingOptions = {}): Array<{ address: string; wallets: string[] }> {
  const known = opts.knownAddresses ?? KNOWN_ADDRESSES;
  const half = opts.halfWeightDegree ?? FUNDING_DEFAULTS.halfWeightDegree;
  return commonReached(group.reach, wallets, (address) => upstreamWeight(address, group.scored, known, half), opts);
}

/**
 * The addresses of `reach` (where each group wallet's chain reached, at what depth) that at least two
 * of `wallets` reach, one of them at a depth above 0, that are no member and weigh at least the
 * minimum, each with the wallets reaching it; an address that the same wallets reach each deeper than
 * another is left out (their chains meet at the nearer one).
 */
function commonReached(
  reach: ReadonlyMap<string, ReadonlyArray<{ wallet: string; depth: number }>>,
  wallets: ReadonlySet<string>,
  weight: (address: string) => number,
  opts: FundingOptions,
): Array<{ address: string; wallets: string[] }> {
  const minWeight = opts.minCounterpartyWeight ?? FUNDING_DEFAULTS.minCounterpartyWeight;
  const found = new Map<string, { wallets: string[]; depths: Map<string, number> }>();
  for (const [address, list] of reach) {
    if (wallets.has(address)) continue;
    const inside = list.filter((x) => wallets.has(x.wallet));
    if (inside.length < 2 || !inside.some((x) => x.depth > 0)) continue;
    if (weight(address) < minWeight) continue;
    found.set(address, { wallets: inside.map((x) => x.wallet).sort(), depths: new Map(inside.map((x) => [x.wallet, x.depth])) });
  }
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((w, i) => w === y[i]);
  return [...found]
    .filter(([, f]) => ![...found.values()].some((g) => g !== f && same(g.wallets, f.wallets) && f.wallets.every((w) => g.depths.get(w)! < f.depths.get(w)!)))
    .map(([address, f]) => ({ address, wallets: f.wallets }));
}

/**
 * The addresses that at least two of `wallets`' SOL reached, one of them through a fresh address of
 * its own (`GroupFunding.sweepReach`), and that weigh as a collector (`downstreamWeight`: a wallet
 * of one owner, not a known exchange, not a member), each with the wallets reaching it; a collector
 * the same wallets reach each further down than another is left out (engine 2.7.0). What a cluster
 * cites as its members' common downstream collectors (engine 2.6.0).
 */
export function commonDownstreamCollectors(group: GroupFunding, wallets: ReadonlySet<string>, opts: FundingOptions = {}): Array<{ address: string; wallets: string[] }> {
  const known = opts.knownAddresses ?? KNOWN_ADDRESSES;
  const half = opts.halfWeightDegree ?? FUNDING_DEFAULTS.halfWeightDegree;
  return commonReached(group.sweepReach, wallets, (address) => downstreamWeight(address, group.scored, known, half), opts);
}

/**
 * Funding links of a whole group, only for pairs with some evidence (sparse): candidates come from
 * an index counterparty → group wallets, so the cost grows with shared counterparties, not with the
 * number of pairs; pairs are scored with `groupFunding`'s stats.
 */
export function fundingLinks(
  profiles: readonly FundingProfile[],
  stats: CounterpartyStats,
  opts: FundingOptions = {},
  group: GroupFunding = groupFunding(profiles, stats, opts),
): Array<WalletPair & SignalResult<FundingEvidence>> {
  const known = opts.knownAddresses ?? KNOWN_ADDRESSES;
  const half = opts.halfWeightDegree ?? FUNDING_DEFAULTS.halfWeightDegree;
  const minWeight = opts.minCounterpartyWeight ?? FUNDING_DEFAULTS.minCounterpartyWeight;
  const byWallet = new Map(profiles.map((p) => [p.wallet, p]));
  const members = new Map<string, string[]>();
  for (const p of profiles) {
    for (const [c, transfers] of p.byCounterparty) {
      // a sale's other party is read for the pair it makes with a group wallet below, not as a common counterparty
      if (!beyondSales(transfers) && !byWallet.has(c)) continue;
      const list = members.get(c);
      if (list) list.push(p.wallet);
      else members.set(c, [p.wallet]);
    }
  }
  const { scored, reach, firstHops, sweepReach, nftRoundTrips: trips } = group;

  const candidates = new Set<string>();
  // pairs that held an NFT on a round trip through the group together, whether or not they traded it between them
  for (const k of trips.keys()) candidates.add(k);
  for (const [c, list] of members) {
    if (byWallet.has(c)) for (const w of list) if (w !== c) candidates.add(pairKey(w, c));
    // the weight fundingForPair gives c: a pair that only shares a lighter c has no evidence from it
    if (counterpartyLinkWeight(c, scored, known, half) < minWeight) continue;
    for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) candidates.add(pairKey(list[i], list[j]));
  }
  // pairs whose first fundings, or their first funders' (fresh wallets each), are the same amount
  // within minutes, whoever sent them
  for (const fundings of [profiles.flatMap((p) => (p.firstFunding === null ? [] : [{ wallet: p.wallet, f: p.firstFunding }])), [...firstHops].map(([wallet, f]) => ({ wallet, f }))]) {
    const byAmount = new Map<string, Array<{ wallet: string; f: Pick<WalletTransfer, 'rawAmount' | 'timestamp'> }>>();
    for (const x of fundings) {
      if (!comparableAmount(x.f)) continue;
      const list = byAmount.get(x.f.rawAmount);
      if (list) list.push(x);
      else byAmount.set(x.f.rawAmount, [x]);
    }
    for (const list of byAmount.values()) {
      if (list.length < 2) continue;
      list.sort((x, y) => x.f.timestamp - y.f.timestamp);
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length && list[j].f.timestamp - list[i].f.timestamp <= FUNDING_DEFAULTS.sameAmountMaxSeconds; j++) candidates.add(pairKey(list[i].wallet, list[j].wallet));
      }
    }
  }
  // pairs whose funding chains meet above a first funder (group.reach: address → the wallets whose chains reach it)
  for (const [c, list] of reach) {
    // a group wallet above a wallet's first funder funded it through fresh wallets (indirect-transfer)
    if (byWallet.has(c)) for (const x of list) if (x.depth > 0) candidates.add(pairKey(x.wallet, c));
    if (list.length < 2 || !list.some((x) => x.depth > 0)) continue;
    // an address that weighs nothing upstream (a known exchange, a service, not read) links no one
    if (upstreamWeight(c, scored, known, half) < minWeight) continue;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) if (list[i].depth > 0 || list[j].depth > 0) candidates.add(pairKey(list[i].wallet, list[j].wallet));
    }
  }
  // pairs whose SOL meets downstream, one side through a fresh address of its own at least, and a
  // group wallet that collected another's SOL through such an address (engine 2.6.0)
  for (const [c, list] of sweepReach) {
    if (byWallet.has(c)) for (const x of list) if (x.depth > 0) candidates.add(pairKey(x.wallet, c));
    if (list.length < 2 || downstreamWeight(c, scored, known, half) < minWeight) continue;
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) if (list[i].depth > 0 || list[j].depth > 0) candidates.add(pairKey(list[i].wallet, list[j].wallet));
    }
  }
  const out: Array<WalletPair & SignalResult<FundingEvidence>> = [];
  for (const k of [...candidates].sort()) {
    const [x, y] = k.split('\u0000');
    const result = fundingForPair(byWallet.get(x)!, byWallet.get(y)!, scored, opts, trips.get(k));
    if (result.score > 0) out.push({ a: x, b: y, ...result });
  }
  return out;
}

/**
 * `c` paid the fees of transactions of both wallets' own (`listA`, `listB`: each wallet's transfers
 * with `c`): `feePayerStrength` × w × the timing factor between the two closest of them, w its
 * weight as a SOL counterparty (`counterpartyLinkWeight`: 1 for a wallet of one owner, 0 for a busy
 * service such as a gasless relayer, at least the minimum); null when it did not pay both's.
 */
function commonFeePayer(
  c: string,
  listA: readonly WalletTransfer[],
  listB: readonly WalletTransfer[],
  stats: CounterpartyStats,
  w: number,
  dedicated: boolean,
): Extract<FundingEvidence, { kind: 'common-fee-payer' }> | null {
  const xs = listA.filter(feeTransfer);
  const ys = listB.filter(feeTransfer);
  const closest = closestOf(xs, ys);
  if (closest === null) return null;
  const [ta, tb] = closest;
  const apart = Math.abs(ta.timestamp - tb.timestamp);
  const timing = timingFactor(apart, FUNDING_DEFAULTS.timingFloor, FUNDING_DEFAULTS.commonTransferHalfLifeSeconds);
  return {
    kind: 'common-fee-payer',
    counterparty: c,
    counterpartyWallets: stats.walletsPerCounterparty.get(c) ?? 2,
    counterpartyWeight: w,
    ...activityFacts(stats.activity?.get(c), dedicated),
    a: ref(ta),
    b: ref(tb),
    transactionsA: xs.length,
    transactionsB: ys.length,
    secondsApart: apart,
    strength: Math.min(1, FUNDING_DEFAULTS.feePayerStrength * w * timing),
  };
}

function common(
  kind: 'common-first-funder' | 'common-source' | 'common-destination',
  counterparty: string,
  wallets: number,
  weight: number,
  activity: CounterpartyActivity | undefined,
  dedicated: boolean,
  ta: WalletTransfer,
  tb: WalletTransfer,
  strength: number,
  depositTo: string | null = null,
): FundingEvidence {
  return {
    kind,
    counterparty,
    counterpartyWallets: wallets,
    counterpartyWeight: weight,
    ...activityFacts(activity, dedicated),
    ...(depositTo === null ? {} : { depositTo }),
    a: ref(ta),
    b: ref(tb),
    secondsApart: Math.abs(ta.timestamp - tb.timestamp),
    strength: Math.min(1, strength),
  };
}

/** The two transfers of one direction closest in time (both lists are time-ordered). */
function closestPair(
  listA: readonly WalletTransfer[],
  listB: readonly WalletTransfer[],
  direction: 'in' | 'out',
  asset?: string,
): [WalletTransfer, WalletTransfer] | null {
  const keep = (t: WalletTransfer): boolean => t.direction === direction && fundingTransfer(t) && (asset === undefined || t.asset === asset);
  return closestOf(listA.filter(keep), listB.filter(keep));
}

/** The two transfers of two time-ordered lists closest in time. */
function closestOf(xs: readonly WalletTransfer[], ys: readonly WalletTransfer[]): [WalletTransfer, WalletTransfer] | null {
  let best: [WalletTransfer, WalletTransfer] | null = null;
  let bestGap = Infinity;
  let j = 0;
  for (const x of xs) {
    while (j + 1 < ys.length && ys[j + 1].timestamp <= x.timestamp) j++;
    for (const y of [ys[j], ys[j + 1]]) {
      if (y === undefined) continue;
      const gap = Math.abs(x.timestamp - y.timestamp);
      if (gap < bestGap) {
        bestGap = gap;
        best = [x, y];
      }
    }
  }
  return best;
}

/** A timing bonus that keeps `floor` however far apart two transfers are: floor + (1 − floor) × 2^(−Δt / halfLife). */
function timingFactor(apart: number, floor: number, halfLifeSeconds: number): number {
  return floor + (1 - floor) * 2 ** (-apart / halfLifeSeconds);
}

/** A counterparty's activity on chain as evidence cites it, when it was read. */
function activityFacts(activity: CounterpartyActivity | undefined, dedicated: boolean): { counterpartyActivity?: { transactions: number; complete: boolean; dedicated: boolean } } {
  return activity === undefined ? {} : { counterpartyActivity: { transactions: activity.transactions, complete: activity.complete, dedicated } };
}

function byStrength(x: FundingEvidence, y: FundingEvidence): number {
  return y.strength - x.strength || earliest(x) - earliest(y);
}

function earliest(e: FundingEvidence): number {
  if (e.kind === 'direct') return e.transfer.timestamp;
  if (e.kind === 'fee-payer') return e.transaction.timestamp;
  if (e.kind === 'indirect-transfer' || e.kind === 'nft-round-trip') return e.first.timestamp;
  if (e.kind === 'nft-sale') return e.sale.timestamp;
  return Math.min(e.a.timestamp, e.b.timestamp);
}

/** 1, or the counterparty's rarity relative to the database when its size is known. */
function shareWeight(degree: number, stats: CounterpartyStats): number {
  return stats.totalWallets === undefined ? 1 : tokenRarityWeight(degree, stats.totalWallets);
}
