// Hold durations from FIFO pairs, open lots, and completed positions (anchor §4).
import { legsByMint, runFifo } from '../fifo/engine';
import type { FifoLot } from '../fifo/engine';
import type { SwapLeg } from '../swaps/types';
import type { CompletedHoldDistribution, HoldBucketStats, TradeSpeedDistribution } from './types';

export interface HoldPair {
  mint: string;
  hours: number;
  costSol: number;
}

export interface CompletedPosition {
  mint: string;
  holdSeconds: number;
  closedAt: number;
  capitalSol: number;
  pnlSol: number;
  /** a valued sale of a valued buy closed part of it (as PnL counts a closed position): else its PnL is unknown, not 0 */
  pnlKnown: boolean;
  sells: number;
}

export interface TokenTally {
  mint: string;
  buys: number;
  sells: number;
  pairs: number;
  /** bought again after the position had been fully exited */
  reentered: boolean;
  /** the position was fully exited at least once */
  exited: boolean;
}

export interface HoldAnalysis {
  pairs: HoldPair[];
  openLots: FifoLot[];
  completed: CompletedPosition[];
  tokens: TokenTally[];
}

/** A position counts as exited when at most this share of its peak is left (anchor: 20 %). */
export const EXIT_REMAINDER_SHARE = 0.2;

/**
 * FIFO over the wallet's legs (chronological), per mint, as PnL runs it: transfers in open lots and
 * transfers out consume them (tokens sent away are no longer held, and a later sale does not pair
 * with a buy they came from), but only trades make pairs, tallies and completed positions: a pair is
 * a sale of a bought lot, and a position emptied by transfers out without a sale ends uncounted.
 */
export function analyseHolds(legs: readonly SwapLeg[]): HoldAnalysis {
  const out: HoldAnalysis = { pairs: [], openLots: [], completed: [], tokens: [] };
  for (const [mint, group] of legsByMint(legs)) {
    const tally: TokenTally = { mint, buys: 0, sells: 0, pairs: 0, reentered: false, exited: false };
    let position = 0n;
    let peak = 0n;
    let cycle: { start: number; capital: number; pnl: number; sells: number; valued: boolean } | null = null;
    let emptySinceExit = false;
    const open = runFifo(group, {
      onOpen(lot) {
        if (lot.leg.kind === 'swap') {
          tally.buys++;
          if (emptySinceExit) tally.reentered = true;
          if (cycle === null) {
            cycle = { start: lot.leg.timestamp, capital: 0, pnl: 0, sells: 0, valued: false };
            peak = position;
          }
        }
        if (cycle !== null) cycle.capital += lot.costSol;
        position += lot.original;
        if (position > peak) peak = position;
      },
      onMatch(m) {
        position -= m.consumed;
        if (m.closingLeg.kind !== 'swap' || m.lot.leg.kind !== 'swap') return;
        tally.pairs++;
        out.pairs.push({ mint, hours: m.holdSeconds / 3600, costSol: m.costSol });
        // a position's PnL as PnL counts it: not from a lot of unknown cost, nor from a sale left unvalued
        if (cycle !== null && !m.byTransfer && !m.lot.fromTransfer) {
          cycle.pnl += m.proceedsSol - m.costSol;
          cycle.valued = true;
        }
      },
      onAfterLeg(leg) {
        if (leg.direction !== 'sell') return;
        const sale = leg.kind === 'swap';
        if (sale) tally.sells++;
        if (cycle === null) return;
        if (sale) cycle.sells++;
        if (position * 5n > peak) return;
        if (cycle.sells > 0) {
          out.completed.push({
            mint,
            holdSeconds: leg.timestamp - cycle.start,
            closedAt: leg.timestamp,
            capitalSol: cycle.capital,
            pnlSol: cycle.pnl,
            pnlKnown: cycle.valued,
            sells: cycle.sells,
          });
          tally.exited = true;
          emptySinceExit = true;
        }
        cycle = null;
      },
    });
    out.openLots.push(...open);
    if (tally.buys + tally.sells > 0) out.tokens.push(tally);
  }
  return out;
}

const SPEED_LIMITS_HOURS: Array<[keyof TradeSpeedDistribution, number]> = [
  ['ultraFast', 0.5],
  ['veryFast', 1],
  ['fast', 4],
  ['moderate', 8],
  ['dayTrader', 24],
  ['swing', 168],
  ['position', Infinity],
];

/** The 7-bucket trade-speed distribution of pair durations (shares; all 0 without pairs). */
export function tradeSpeedDistribution(pairs: readonly HoldPair[]): TradeSpeedDistribution {
  const d: TradeSpeedDistribution = { ultraFast: 0, veryFast: 0, fast: 0, moderate: 0, dayTrader: 0, swing: 0, position: 0 };
  for (const p of pairs) {
    for (const [bucket, limit] of SPEED_LIMITS_HOURS) {
      if (p.hours < limit) {
        d[bucket]++;
        break;
      }
    }
  }
  if (pairs.length > 0) for (const [bucket] of SPEED_LIMITS_HOURS) d[bucket] /= pairs.length;
  return d;
}

const HOLD_LIMITS_SECONDS: Array<[keyof CompletedHoldDistribution, number]> = [
  ['instant', 0.36],
  ['underOneMinute', 60],
  ['oneToFiveMinutes', 300],
  ['fiveToThirtyMinutes', 1800],
  ['thirtyMinutesToFourHours', 14_400],
  ['fourToTwentyFourHours', 86_400],
  ['oneToSevenDays', 604_800],
  ['overSevenDays', Infinity],
];

/** The 8-bucket distribution of completed positions, with PnL per bucket. */
export function completedHoldDistribution(positions: readonly CompletedPosition[]): CompletedHoldDistribution {
  const groups = new Map<keyof CompletedHoldDistribution, CompletedPosition[]>();
  for (const [bucket] of HOLD_LIMITS_SECONDS) groups.set(bucket, []);
  for (const p of positions) {
    const bucket = HOLD_LIMITS_SECONDS.find(([, limit]) => p.holdSeconds < limit)![0];
    groups.get(bucket)!.push(p);
  }
  const result = {} as CompletedHoldDistribution;
  for (const [bucket] of HOLD_LIMITS_SECONDS) result[bucket] = bucketStats(groups.get(bucket)!);
  return result;
}

function bucketStats(positions: CompletedPosition[]): HoldBucketStats {
  let wins = 0;
  let known = 0;
  let pnl = 0;
  let capital = 0;
  for (const p of positions) {
    // a position no valued sale of a valued buy closed has no PnL to win or lose by (PnL counts none)
    if (!p.pnlKnown) continue;
    known++;
    if (p.pnlSol > 0) wins++;
    pnl += p.pnlSol;
    capital += p.capitalSol;
  }
  const n = positions.length;
  return {
    count: n,
    winRate: known > 0 ? wins / known : null,
    totalPnlSol: pnl,
    averagePnlSol: known > 0 ? pnl / known : null,
    roiPercent: capital > 0 ? (pnl / capital) * 100 : null,
    capitalSol: capital,
  };
}
