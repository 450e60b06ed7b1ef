// One token universe for the group, and each wallet's sparse vectors over it.
import { computeBehavior } from '../behavior/profile';
import type { BehaviorProfile } from '../behavior/types';
import { compareDecimals } from '../decimal';
import type { SwapLeg } from '../swaps/types';
import { UNIVERSE_EXCLUDED_MINTS, isExcludedFromUniverse } from '../tokens';
import type { SimilarityWalletInput } from './types';

export interface TokenUniverse {
  /** sorted mints; a token's index is its position here */
  mints: string[];
  index: Map<string, number>;
  excludedSeen: Array<{ mint: string; reason: string }>;
  /**
   * per wallet of the input (same order), per leg: the universe index of a swap leg's mint, or −1
   * (not a swap, or an excluded mint), so vectors are built without looking mints up again
   */
  legTokens: Int32Array[];
}

/** The mints in any wallet's swap legs, minus the exclusion list (SOL, stablecoins, LSTs). */
export function buildUniverse(wallets: readonly SimilarityWalletInput[]): TokenUniverse {
  // provisional ids in order of first appearance; EXCLUDED for excluded mints
  const EXCLUDED = -2;
  const ids = new Map<string, number>();
  const firstSeen: string[] = [];
  const excluded: string[] = [];
  const legIds: Int32Array[] = new Array<Int32Array>(wallets.length);
  for (let w = 0; w < wallets.length; w++) {
    const legs = wallets[w].legs;
    const out = new Int32Array(legs.length);
    for (let k = 0; k < legs.length; k++) {
      const leg = legs[k];
      if (leg.kind !== 'swap') {
        out[k] = -1;
        continue;
      }
      let id = ids.get(leg.mint);
      if (id === undefined) {
        if (isExcludedFromUniverse(leg.mint)) {
          id = EXCLUDED;
          excluded.push(leg.mint);
        } else {
          id = firstSeen.length;
          firstSeen.push(leg.mint);
        }
        ids.set(leg.mint, id);
      }
      out[k] = id;
    }
    legIds[w] = out;
  }
  const mints = firstSeen.slice().sort();
  const index = new Map<string, number>();
  for (let i = 0; i < mints.length; i++) index.set(mints[i], i);
  const rank = new Int32Array(firstSeen.length);
  for (let id = 0; id < firstSeen.length; id++) rank[id] = index.get(firstSeen[id])!;
  for (const out of legIds) for (let k = 0; k < out.length; k++) out[k] = out[k] >= 0 ? rank[out[k]] : -1;
  const excludedSeen = excluded.sort().map((mint) => ({ mint, reason: UNIVERSE_EXCLUDED_MINTS[mint] }));
  return { mints, index, excludedSeen, legTokens: legIds };
}

/** A wallet compiled for pair comparison: parallel sorted arrays over universe token indices. */
export interface WalletVector {
  address: string;
  /** universe indices of traded tokens, ascending */
  tokens: Int32Array;
  /** capital weight per traded token (sums to 1, or all 0 when nothing was spent) */
  weights: Float64Array;
  /** L2 norm of `weights` */
  norm: number;
  capitalSolSpent: number;
  /** universe indices of held tokens, ascending */
  held: Int32Array;
  /** timestamps of buys of tokens[k] are buyTs[buyStart[k] .. buyStart[k+1]), ascending */
  buyStart: Int32Array;
  buyTs: Float64Array;
  sellStart: Int32Array;
  sellTs: Float64Array;
  /** swap legs in universe tokens */
  trades: number;
  /** unit vector of standardized behavior features, or null (see `behaviorReason`) */
  behavior: Float64Array | null;
  behaviorReason: string | null;
  behaviorProfile: BehaviorProfile;
}

/**
 * Scratch space for building vectors, reused from wallet to wallet: slotOf[token] is the token's
 * slot in the wallet being built, or −1 (every entry is −1 again between wallets).
 */
export interface VectorScratch {
  slotOf: Int32Array;
}

export function vectorScratch(universe: TokenUniverse): VectorScratch {
  return { slotOf: new Int32Array(universe.mints.length).fill(-1) };
}

/**
 * Builds wallet `walletIndex`'s vector (its legs' universe indices come from `universe.legTokens`).
 * Sums run in the same order as always (per token in leg order; totals in ascending token order).
 */
export function buildWalletVector(
  w: SimilarityWalletInput,
  walletIndex: number,
  universe: TokenUniverse,
  heldDustUiAmount: string,
  scratch: VectorScratch = vectorScratch(universe),
): WalletVector {
  const legs = w.legs;
  const legTokens = universe.legTokens[walletIndex];
  const slotOf = scratch.slotOf;
  // slots in order of first appearance; per slot: its token, SOL spent (in leg order), buy and sell counts
  const slotToken: number[] = [];
  const slotSpent: number[] = [];
  const slotBuys: number[] = [];
  const slotSells: number[] = [];
  let trades = 0;
  for (let k = 0; k < legs.length; k++) {
    const token = legTokens[k];
    if (token < 0) continue;
    trades++;
    let slot = slotOf[token];
    if (slot < 0) {
      slot = slotToken.length;
      slotOf[token] = slot;
      slotToken.push(token);
      slotSpent.push(0);
      slotBuys.push(0);
      slotSells.push(0);
    }
    const leg = legs[k];
    if (leg.direction === 'buy') {
      slotSpent[slot] += leg.solValue;
      slotBuys[slot]++;
    } else {
      slotSells[slot]++;
    }
  }
  const n = slotToken.length;
  const tokens = Int32Array.from(slotToken).sort();
  const weights = new Float64Array(n);
  const buyStart = new Int32Array(n + 1);
  const sellStart = new Int32Array(n + 1);
  // position of each slot in ascending token order, and that token's trade ranges
  const slotPos = new Int32Array(n);
  let total = 0;
  let buyCount = 0;
  let sellCount = 0;
  for (let k = 0; k < n; k++) {
    const slot = slotOf[tokens[k]];
    slotPos[slot] = k;
    total += slotSpent[slot];
    buyStart[k] = buyCount;
    sellStart[k] = sellCount;
    buyCount += slotBuys[slot];
    sellCount += slotSells[slot];
  }
  buyStart[n] = buyCount;
  sellStart[n] = sellCount;
  const buyTs = new Float64Array(buyCount);
  const sellTs = new Float64Array(sellCount);
  // fill each token's times in leg order, then sort each (short) range ascending, stably
  const buyFill = buyStart.slice(0, n);
  const sellFill = sellStart.slice(0, n);
  for (let k = 0; k < legs.length; k++) {
    const token = legTokens[k];
    if (token < 0) continue;
    const pos = slotPos[slotOf[token]];
    const leg = legs[k];
    if (leg.direction === 'buy') buyTs[buyFill[pos]++] = leg.timestamp;
    else sellTs[sellFill[pos]++] = leg.timestamp;
  }
  let sumSquares = 0;
  for (let k = 0; k < n; k++) {
    const slot = slotOf[tokens[k]];
    const weight = total > 0 ? slotSpent[slot] / total : 0;
    weights[k] = weight;
    sumSquares += weight * weight;
    insertionSort(buyTs, buyStart[k], buyStart[k + 1]);
    insertionSort(sellTs, sellStart[k], sellStart[k + 1]);
  }
  for (let k = 0; k < n; k++) slotOf[tokens[k]] = -1;
  const profile = w.behavior ?? computeBehavior(w.legs);
  const features = behaviorFeatureVector(profile);
  return {
    address: w.address,
    tokens,
    weights,
    norm: Math.sqrt(sumSquares),
    capitalSolSpent: total,
    held: heldIndices(w.holdings, universe, heldDustUiAmount),
    buyStart,
    buyTs,
    sellStart,
    sellTs,
    trades,
    behavior: features.vector,
    behaviorReason: features.reason,
    behaviorProfile: profile,
  };
}

/** Sorts xs[from..to) ascending; equal values keep their order (as a stable sort by a − b would). */
function insertionSort(xs: Float64Array, from: number, to: number): void {
  if (to - from > 32) {
    // long ranges (a wallet trading one token many times): the typed-array sort, ascending too
    xs.subarray(from, to).sort();
    return;
  }
  for (let i = from + 1; i < to; i++) {
    const x = xs[i];
    let j = i - 1;
    while (j >= from && xs[j] > x) {
      xs[j + 1] = xs[j];
      j--;
    }
    xs[j + 1] = x;
  }
}

function heldIndices(
  holdings: Record<string, { uiAmount: string }>,
  universe: TokenUniverse,
  dust: string,
): Int32Array {
  const dustNumber = Number(dust);
  const held: number[] = [];
  for (const mint of Object.keys(holdings)) {
    const idx = universe.index.get(mint);
    if (idx === undefined) continue;
    const text = holdings[mint].uiAmount;
    const value = Number(text);
    // floats decide unless the balance is within rounding distance of the threshold
    const isHeld =
      value > dustNumber * (1 + 1e-9) ? true : value < dustNumber * (1 - 1e-9) ? false : compareDecimals(text, dust) >= 0;
    if (isHeld) held.push(idx);
  }
  return Int32Array.from(held.sort((a, b) => a - b));
}

/**
 * Behavior features with fixed reference standardization z = (f − center) / scale. The reference
 * is fixed (not the group's own mean and deviation) so a pair's score does not depend on who else
 * is in the group, and a group of two is not forced to opposite z-scores.
 */
export const BEHAVIOR_FEATURES: ReadonlyArray<{
  name: string;
  center: number;
  scale: number;
  read(p: BehaviorProfile): number | null;
}> = [
  { name: 'flipperScore', center: 0.3, scale: 0.25, read: (p) => p.flipperScore },
  { name: 'log10(1 + medianHoldTimeHours)', center: 0.8, scale: 0.6, read: (p) => log1p10(p.medianHoldTimeHours) },
  { name: 'log10(1 + tradesPerDay)', center: 0.7, scale: 0.5, read: (p) => log1p10(p.tradesPerDay) },
  { name: 'log10(1 + averageTradeSizeSol)', center: 0.3, scale: 0.3, read: (p) => log1p10(p.averageTradeSizeSol) },
  { name: 'buySellSymmetry', center: 0.5, scale: 0.3, read: (p) => p.buySellSymmetry },
  { name: 'reentryRate', center: 0.2, scale: 0.25, read: (p) => p.reentryRate },
  { name: 'shareOfPairsUnder1Hour', center: 0.3, scale: 0.3, read: (p) => (p.completePairsCount > 0 ? p.shareOfPairsUnder1Hour : null) },
  { name: 'shareOfUnpairedTokens', center: 0.4, scale: 0.3, read: (p) => p.shareOfUnpairedTokens },
  { name: 'buyShare', center: 0.55, scale: 0.15, read: (p) => (p.tradeCount > 0 ? p.buyCount / p.tradeCount : null) },
  { name: 'activityFocusScore / 100', center: 0.4, scale: 0.25, read: (p) => p.activityFocusScore / 100 },
  { name: 'sin(session start hour)', center: 0, scale: 0.7, read: (p) => hourAngle(p, Math.sin) },
  { name: 'cos(session start hour)', center: 0, scale: 0.7, read: (p) => hourAngle(p, Math.cos) },
];

/** Fewer swap legs than this give no behavior vector. */
export const MIN_BEHAVIOR_TRADES = 5;

export function behaviorFeatureVector(p: BehaviorProfile): { vector: Float64Array | null; reason: string | null } {
  if (p.tradeCount < MIN_BEHAVIOR_TRADES) {
    return { vector: null, reason: `fewer than ${MIN_BEHAVIOR_TRADES} trades` };
  }
  const v = new Float64Array(BEHAVIOR_FEATURES.length);
  let sumSquares = 0;
  BEHAVIOR_FEATURES.forEach((f, i) => {
    const raw = f.read(p);
    const z = raw === null || !Number.isFinite(raw) ? 0 : (raw - f.center) / f.scale;
    v[i] = z;
    sumSquares += z * z;
  });
  if (sumSquares === 0) return { vector: null, reason: 'behavior equals the reference profile (zero vector)' };
  const norm = Math.sqrt(sumSquares);
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return { vector: v, reason: null };
}

function log1p10(x: number | null): number | null {
  return x === null ? null : Math.log10(1 + Math.max(0, x));
}

function hourAngle(p: BehaviorProfile, fn: (x: number) => number): number | null {
  const h = p.sessions.averageStartHourUtc;
  return h === null ? null : fn((h / 24) * 2 * Math.PI);
}

/** Legs in universe tokens, for coverage. */
export function legsInUniverse(legs: readonly SwapLeg[], universe: TokenUniverse): number {
  let n = 0;
  for (const l of legs) if (l.kind === 'swap' && universe.index.has(l.mint)) n++;
  return n;
}
