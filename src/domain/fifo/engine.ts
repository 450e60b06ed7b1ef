// First-in, first-out lots for one token: each sell consumes the oldest open lots first.
import { rawRatio } from '../decimal';
import type { SwapLeg } from '../swaps/types';

export interface FifoLot {
  leg: SwapLeg;
  /** base units when the lot was opened */
  original: bigint;
  remaining: bigint;
  /** SOL paid for the whole lot; 0 for transfers in, airdrops and unvalued swaps */
  costSol: number;
  /**
   * entered at no known cost: by transfer or airdrop, or by a swap the extraction could not value
   * (a token→token route with no quote between its hops, a stablecoin leg without a SOL price):
   * what selling it brings is not trading profit
   */
  fromTransfer: boolean;
}

/** One (part of a) lot consumed by a sell or a transfer out. */
export interface FifoMatch {
  lot: FifoLot;
  closingLeg: SwapLeg;
  consumed: bigint;
  /** share of the lot's cost that left with this match */
  costSol: number;
  /** share of the closing leg's proceeds (0 for transfers out) */
  proceedsSol: number;
  holdSeconds: number;
  /** the lot was closed by a transfer out, or by a sale the extraction could not value: its cost left without a realized loss */
  byTransfer: boolean;
}

export interface FifoHandlers {
  onOpen?(lot: FifoLot): void;
  onMatch?(match: FifoMatch): void;
  /** the part of a sell or transfer out larger than every open lot (history before our window) */
  onExcess?(leg: SwapLeg, excess: bigint, proceedsSol: number): void;
  /** after each leg, with the total still open */
  onAfterLeg?(leg: SwapLeg, openAmount: bigint): void;
}

/** Replays one mint's legs (chronological) through FIFO lots; returns the lots still open. */
export function runFifo(legs: readonly SwapLeg[], handlers: FifoHandlers = {}): FifoLot[] {
  const lots: FifoLot[] = [];
  let head = 0;
  let open = 0n;
  for (const leg of legs) {
    const raw = BigInt(leg.rawAmount);
    if (leg.direction === 'buy') {
      const fromTransfer = !valued(leg);
      const lot: FifoLot = { leg, original: raw, remaining: raw, costSol: fromTransfer ? 0 : leg.solValue, fromTransfer };
      lots.push(lot);
      open += raw;
      handlers.onOpen?.(lot);
    } else {
      const byTransfer = !valued(leg);
      const proceeds = byTransfer ? 0 : leg.solValue;
      let left = raw;
      while (left > 0n && head < lots.length) {
        const lot = lots[head];
        const take = lot.remaining < left ? lot.remaining : left;
        lot.remaining -= take;
        left -= take;
        open -= take;
        handlers.onMatch?.({
          lot,
          closingLeg: leg,
          consumed: take,
          costSol: lot.costSol * rawRatio(take, lot.original),
          proceedsSol: proceeds * rawRatio(take, raw),
          holdSeconds: leg.timestamp - lot.leg.timestamp,
          byTransfer,
        });
        if (lot.remaining === 0n) head++;
      }
      if (left > 0n) handlers.onExcess?.(leg, left, proceeds * rawRatio(left, raw));
    }
    handlers.onAfterLeg?.(leg, open);
  }
  return lots.slice(head);
}

/** A trade with a known value: not a transfer or airdrop, nor a swap left unvalued (`valuation: 'none'`, its solValue a stand-in 0). */
export function valued(leg: SwapLeg): boolean {
  return leg.kind === 'swap' && leg.valuation !== 'none';
}

/**
 * Groups legs by mint, each group in chronological order (input order is kept for ties), except
 * that within one block (the same slot and time) what came in goes before what went out. The legs
 * do not carry a transaction's place in its block, and a buy and a sale in one block (a bundle's
 * round trip) in signature order would have the sale come first half the time: unmatched, its
 * buy's cost left open. A wallet cannot sell what it does not hold, so the sale had the buy to sell
 * from; and FIFO takes older lots first, so a sale that the lots before the block cover is matched
 * the same either way.
 */
export function legsByMint(legs: readonly SwapLeg[]): Map<string, SwapLeg[]> {
  const byMint = new Map<string, SwapLeg[]>();
  for (const leg of legs) {
    const group = byMint.get(leg.mint);
    if (group) group.push(leg);
    else byMint.set(leg.mint, [leg]);
  }
  for (const group of byMint.values()) inflowsFirstWithinABlock(group);
  return byMint;
}

/** Reorders, in place, each run of one block's legs (chronological input) with its buys before its sales, each kept in its order. */
function inflowsFirstWithinABlock(group: SwapLeg[]): void {
  for (let start = 0; start < group.length; ) {
    let end = start + 1;
    while (end < group.length && group[end].slot === group[start].slot && group[end].timestamp === group[start].timestamp) end++;
    if (end - start > 1) {
      const run = group.slice(start, end);
      const ordered = [...run.filter((l) => l.direction === 'buy'), ...run.filter((l) => l.direction !== 'buy')];
      for (let k = 0; k < ordered.length; k++) group[start + k] = ordered[k];
    }
    start = end;
  }
}
