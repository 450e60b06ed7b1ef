// Builders for hand-written legs in unit tests and benchmarks: decimals 0 unless given, so
// `amount` equals the raw integer and hand computation stays simple.
import type { LegKind, SwapLeg } from '../swaps/types';
import { formatUnits } from '../decimal';

let sequence = 0;

export interface LegSpec {
  wallet?: string;
  mint: string;
  /** unix seconds */
  t: number;
  /** raw base units */
  raw: bigint | number | string;
  sol?: number;
  decimals?: number;
  feeLamports?: number;
  quote?: SwapLeg['quote'];
  quoteAmount?: string;
  estimated?: boolean;
  signature?: string;
}

function make(spec: LegSpec, direction: SwapLeg['direction'], kind: LegKind): SwapLeg {
  const raw = BigInt(spec.raw);
  const decimals = spec.decimals ?? 0;
  const sol = kind === 'swap' ? (spec.sol ?? 0) : 0;
  sequence++;
  return {
    wallet: spec.wallet ?? 'W1',
    signature: spec.signature ?? `sig-${sequence}`,
    slot: spec.t,
    timestamp: spec.t,
    mint: spec.mint,
    direction,
    kind,
    amount: formatUnits(raw, decimals),
    rawAmount: raw.toString(),
    decimals,
    quote: kind === 'swap' ? (spec.quote ?? 'SOL') : 'other',
    quoteAmount: spec.quoteAmount ?? (kind === 'swap' ? String(sol) : '0'),
    solValue: sol,
    solValueEstimated: spec.estimated ?? false,
    valuation: kind === 'swap' ? 'exact' : 'none',
    feeLamports: spec.feeLamports ?? 0,
    source: 'TEST',
    type: kind === 'swap' ? 'SWAP' : 'TRANSFER',
    legIndex: 0,
    counterMint: null,
    counterparty: null,
  };
}

export const buy = (spec: LegSpec): SwapLeg => make(spec, 'buy', 'swap');
export const sell = (spec: LegSpec): SwapLeg => make(spec, 'sell', 'swap');
export const transferIn = (spec: LegSpec): SwapLeg => make(spec, 'buy', 'transfer_in');
export const airdrop = (spec: LegSpec): SwapLeg => make(spec, 'buy', 'airdrop');
export const transferOut = (spec: LegSpec): SwapLeg => make(spec, 'sell', 'transfer_out');

/** A swap the extraction could not value (`valuation: 'none'`: a token→token route with no quote seen, a stablecoin leg without a SOL price). */
export const unvalued = (leg: SwapLeg): SwapLeg => ({ ...leg, solValue: 0, quoteAmount: '0', quote: 'other', valuation: 'none', solValueEstimated: true });

/**
 * A rotation through a swap left unvalued: A bought for 1 SOL at 0, swapped 10 minutes later into B
 * with no quote seen between the hops, B sold for 3 SOL 10 minutes after that.
 */
export const unvaluedRotation = (): SwapLeg[] => [
  buy({ mint: 'A', t: 0, raw: 100, sol: 1 }),
  unvalued(sell({ mint: 'A', t: 600, raw: 100 })),
  unvalued(buy({ mint: 'B', t: 600, raw: 500 })),
  sell({ mint: 'B', t: 1200, raw: 500, sol: 3 }),
];
