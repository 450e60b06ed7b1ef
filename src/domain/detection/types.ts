// Plain data the detection v2 signals read and return (docs/analytics.md, "Detection v2 signals").
// Trades are the `SwapLeg`s of extraction; transfers are `WalletTransfer`s (transfers.ts).
import type { SwapLeg } from '../swaps/types';

export type { SwapLeg };

/** Native SOL in `WalletTransfer.asset`; any other value but `FEE_ASSET` and `NFT_SALE_ASSET` is a token mint. */
export const SOL_ASSET = 'SOL';

/**
 * `WalletTransfer.asset` of a transaction of the wallet's own (SOL or a token left its own accounts)
 * whose fee another account paid (engine 2.8.0): the counterparty is that fee payer, the direction
 * `in`, the amount the fee. Whoever pays a transaction's fee signs it with the wallet: a gasless
 * relayer for strangers (a busy service), or an operator paying its wallets' fees from one wallet so
 * that none of them needs SOL of its own. No funding: it is never a first funding, a top-up or a sweep.
 */
export const FEE_ASSET = 'FEE';

/**
 * `WalletTransfer.asset` of an NFT sold through a marketplace between two wallets (engine 2.20.0,
 * transfer extraction 7): `nft` is the NFT's mint, the counterparty the other party (`events.nft`'s
 * buyer or seller), the direction the NFT's (`out` for the seller), the amount its price in SOL.
 * The buyer pays the marketplace's escrow and the escrow pays the seller, so the two never exchange
 * SOL: without it, wallets of one owner selling NFTs to each other (wash trading, to inflate a
 * collection's volume or farm a market's rewards) showed nothing between them. No funding: never a
 * first funding, a top-up, a sweep or a common counterparty.
 */
export const NFT_SALE_ASSET = 'NFT_SALE';

/** One wallet's side of a plain transfer (not part of a swap), as evidence of a link. */
export interface WalletTransfer {
  wallet: string;
  /** the other wallet (owner of the token account for tokens) */
  counterparty: string;
  direction: 'in' | 'out';
  /**
   * `'SOL'` for native SOL, `'FEE'` for a fee another account paid (`FEE_ASSET`), `'NFT_SALE'` for an
   * NFT sold through a marketplace (`NFT_SALE_ASSET`), else the token mint
   */
  asset: string;
  /** `NFT_SALE_ASSET` only: the mint of the NFT sold */
  nft?: string;
  /** exact UI amount as a decimal string, e.g. "1.5" */
  amount: string;
  /** integer base units (lamports for SOL) as a decimal string */
  rawAmount: string;
  decimals: number;
  /** false when a token amount could only be read from the UI float (several transfers of one mint) */
  amountExact: boolean;
  signature: string;
  slot: number;
  /** unix seconds */
  timestamp: number;
}

/** A score in [0, 1] and the evidence behind it, capped in size (`evidenceOmitted` counts the rest). */
export interface SignalResult<E> {
  score: number;
  evidence: E[];
  evidenceOmitted: number;
}

/** Database-wide counts the caller computes from the store. */
export interface CounterpartyStats {
  /** counterparty → number of distinct wallets (in the whole database) it has transferred with */
  walletsPerCounterparty: ReadonlyMap<string, number>;
  /**
   * wallets in the whole database; when given, a counterparty also weighs by its share of it
   * (`tokenRarityWeight`), so one that funds a third of a small database counts little
   */
  totalWallets?: number;
  /**
   * what the chain says of some counterparties' own activity (their newest signatures,
   * `getSignaturesForAddress`): a busy service weighs 0, a wallet whose whole history is short
   * weighs 1 however many wallets it funded (`counterpartyActivityClass`)
   */
  activity?: ReadonlyMap<string, CounterpartyActivity>;
  /**
   * what the chain says of some addresses' own first funding (their oldest transactions): who sent
   * them SOL first. Read for the group wallets' first funders whose whole history is short, and for
   * their funders in turn, so that wallets funded through fresh intermediaries meet at the one who
   * funded those (`fundingChain`)
   */
  origins?: ReadonlyMap<string, FundingOrigin>;
  /**
   * what the chain says of the group's own wallets that funding chains reach (engine 2.4.0): read
   * to weigh one as the chains' common upstream funder (`upstreamWeight`) only; everywhere else a
   * group wallet weighs by its degree, whether or not it tops a chain
   */
  tops?: ReadonlyMap<string, CounterpartyActivity>;
  /**
   * what the chain says of some addresses' outbound SOL (their newest transactions, engine 2.6.0):
   * where a fresh address that a group wallet sent SOL to forwarded it. Read for each group wallet's
   * largest SOL destination whose whole history is short, and for the fresh address that one
   * forwarded to when it funded it first (engine 2.7.0, `sweepCollectors`), so that wallets sweeping
   * through fresh addresses of their own meet at the one collecting from those (`sweepChain`)
   */
  sweeps?: ReadonlyMap<string, SweepTarget>;
  /**
   * where the SOL destinations that group wallets share passed their SOL on, from their newest
   * transactions (engine 2.7.0): an exchange account's deposit address among them
   * (`depositExchange`); apart from `sweeps`, which only a wallet's own sweep chain reads
   */
  deposits?: ReadonlyMap<string, SweepTarget>;
}

/** Where an address sent its SOL as its newest transactions show it (`sweepTargetOf`). */
export interface SweepTarget {
  /** the address that received the most of its outbound SOL */
  collector: string;
  /** its first transfer to the collector among those transactions: exact SOL, lamports */
  amount: string;
  rawAmount: string;
  signature: string;
  slot: number;
  /** unix seconds */
  timestamp: number;
  /**
   * who sent the address its first SOL, from its oldest transactions (`fundingOriginOf`); null when
   * they hold none, or are not its whole history. A deposit address of a wallet's own was first
   * funded by that wallet
   */
  firstFunder: string | null;
  /**
   * every outbound SOL transfer among those transactions went to the collector, each receipt was
   * passed on within a day, and the address traded nothing in them: it passes on what it receives,
   * as an exchange's deposit address does (engine 2.7.0, `depositExchange`); absent when not known
   * (a row stored before)
   */
  passThrough?: boolean;
}

/** An address's first inbound SOL as the chain shows it (its oldest transactions). */
export interface FundingOrigin {
  /** who sent it */
  funder: string;
  /** exact SOL as a decimal string, and lamports */
  amount: string;
  rawAmount: string;
  signature: string;
  slot: number;
  /** unix seconds */
  timestamp: number;
}

/** One page of a counterparty's newest signatures, summarised (`summariseSignatures`). */
export interface CounterpartyActivity {
  /** signatures the page listed */
  transactions: number;
  /** fewer than the page's limit came back: this is the address's whole history */
  complete: boolean;
  /** block times (unix seconds) of the oldest and the newest listed; null when none had one */
  oldestTime: number | null;
  newestTime: number | null;
}

export interface TokenStats {
  /** mint → number of distinct wallets in the whole database that ever traded it */
  walletsPerMint: ReadonlyMap<string, number>;
  /** wallets in the whole database (≥ every value above) */
  totalWallets: number;
  /** mint → unix seconds of its first buy seen in the database (or the group); for "first buyers" */
  firstBuyTime?: ReadonlyMap<string, number>;
  /**
   * mint → its launch as the chain shows it: the slot and block time of the mint's oldest
   * successful transaction (read for a holder analysis's token, src/activities/token-launch.ts, and
   * then used by every analysis whose wallets bought it); for "the launch block"
   */
  launches?: ReadonlyMap<string, TokenLaunch>;
}

/** A token's first transaction: its creation, with the creator's buy and any bundle landed with it. */
export interface TokenLaunch {
  slot: number;
  timestamp: number;
}

/** A pair of wallets, `a < b` by string order, so results do not depend on input order. */
export interface WalletPair {
  a: string;
  b: string;
}
