// One wallet's side of one trade or transfer, as every later computation reads it.

export type LegDirection = 'buy' | 'sell';
/** `swap` legs are trades; the others move tokens without a price and never count as trades. */
export type LegKind = 'swap' | 'transfer_in' | 'transfer_out' | 'airdrop';
export type QuoteAsset = 'SOL' | 'USDC' | 'USDT' | 'other';
/**
 * How `solValue` was obtained:
 * - `exact`: the quote was SOL (lamports from the transaction);
 * - `converted`: USDC/USDT converted at the supplied SOL/USD price (estimated);
 * - `via-intermediate`: token→token route, valued by the SOL that flowed between the two hops;
 * - `split`: one quote amount shared by several tokens on the same side (in proportion to the swap
 *   event's hops, else equally), or one of several trades in one transaction valued at its hops (estimated);
 * - `none`: no value (transfers, airdrops, unpriceable token→token).
 */
export type LegValuation = 'exact' | 'converted' | 'via-intermediate' | 'split' | 'none';

export interface SwapLeg {
  wallet: string;
  signature: string;
  slot: number;
  /** unix seconds */
  timestamp: number;
  mint: string;
  /** position effect: `buy` adds to the wallet's position (also for transfers in), `sell` removes */
  direction: LegDirection;
  kind: LegKind;
  /** exact UI amount, e.g. "93.54889794", derived from `rawAmount` and `decimals` */
  amount: string;
  /** integer base units as a decimal string */
  rawAmount: string;
  decimals: number;
  quote: QuoteAsset;
  /** exact UI amount of the quote asset paid or received ("0" for transfers) */
  quoteAmount: string;
  /** value in SOL; exact for SOL-quoted legs, converted or split otherwise (see `valuation`) */
  solValue: number;
  solValueEstimated: boolean;
  valuation: LegValuation;
  /** the transaction's cost of inclusion to this wallet: the network fee when it paid it, plus the tips it paid landing services (Jito, Nozomi, ...); on leg 0 of the transaction only (so sums are right) */
  feeLamports: number;
  source: string;
  type: string;
  /** 0-based position of this leg among the wallet's legs in the transaction */
  legIndex: number;
  /** token→token: the other token of the route */
  counterMint: string | null;
  /** transfers: the other wallet when the transaction names it */
  counterparty: string | null;
}

export type SkipReason =
  | 'failed'
  | 'not-involved'
  | 'no-token-movement'
  | 'non-fungible'
  | 'liquidity';

export const SKIP_REASONS: readonly SkipReason[] = [
  'failed',
  'not-involved',
  'no-token-movement',
  'non-fungible',
  'liquidity',
];

export interface ExtractOptions {
  /** SOL price in USD used to value USDC/USDT-quoted legs (their `solValue` is then estimated) */
  solPriceUsd: number;
}

export interface ExtractResult {
  legs: SwapLeg[];
  skipped: SkipReason | null;
}

export interface ExtractCounters {
  transactions: number;
  /** same signature seen again in the input: ignored */
  duplicates: number;
  withLegs: number;
  legs: number;
  swapLegs: number;
  transferLegs: number;
  skipped: Record<SkipReason, number>;
}

export interface ExtractManyResult {
  /** chronological (timestamp, slot, signature, legIndex) */
  legs: SwapLeg[];
  counters: ExtractCounters;
}

/** Idempotency key of a leg; includes the wallet, so two group wallets in one tx never collide. */
export function legKey(leg: Pick<SwapLeg, 'wallet' | 'signature' | 'mint' | 'direction' | 'legIndex'>): string {
  return `${leg.wallet}:${leg.signature}:${leg.legIndex}:${leg.mint}:${leg.direction}`;
}

/** Chronological order of legs: timestamp, slot, signature, legIndex. */
export function compareLegs(a: SwapLeg, b: SwapLeg): number {
  return (
    a.timestamp - b.timestamp ||
    a.slot - b.slot ||
    (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0) ||
    a.legIndex - b.legIndex
  );
}
