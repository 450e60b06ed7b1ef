// The inner loop of all-pairs similarity: one row (wallet i against every later wallet j) at a time.
// The main thread and the helper threads (pair-worker.ts) run this same module, so a row's figures
// do not depend on which thread computed it.
import { SIDE_PEAK_MATCHES, TIMING_DEFAULTS, bothSides, lagPeaks, peakImprobability, type LagPeak } from '../detection/timing';

/** Everything a row reads; flat typed arrays (SharedArrayBuffer-backed when a helper thread runs). */
export interface RowInputs {
  n: number;
  maxTop: number;
  window: number;
  /** the timing signal's window (detection/timing): near counts bound its matches */
  timingWindow: number;
  /** wallet w's traded tokens (ascending) at tokens[tokStart[w] .. tokStart[w+1]); ownTraded: each one's posting */
  tokStart: Int32Array;
  tokens: Int32Array;
  ownTraded: Int32Array;
  /** traded postings of token t at [tradedStart[t], tradedStart[t+1]), in wallet order; rec: REC numbers each */
  tradedStart: Int32Array;
  rec: Float64Array;
  /** trade times of posting p: buys at buyTs[buyStart[p] .. buyStart[p+1]), sells likewise */
  buyStart: Int32Array;
  buyTs: Float64Array;
  sellStart: Int32Array;
  sellTs: Float64Array;
  /** wallet w's held tokens at held[heldStart[w] .. heldStart[w+1]); ownHeld: each one's posting */
  heldStart: Int32Array;
  held: Int32Array;
  ownHeld: Int32Array;
  /** held postings of token t at [heldPostStart[t], heldPostStart[t+1]): the wallet, in wallet order */
  heldPostStart: Int32Array;
  heldWallet: Int32Array;
  /** rarity weight of token t (detection/rarity tokenRarityWeight), summed over shared tokens */
  tokenRarity: Float64Array;
}

/**
 * Where a row's figures go: entry e = j + shift of pair (i, j). Per entry: acc[e·6 ..] = dot,
 * Σ min(weightA, weightB), Σ weightA, Σ weightB over shared tokens, the top-list floor, and Σ
 * rarity weights of the shared tokens;
 * counts[e·8 ..] = shared tokens, co-traded trades of A, of B, listed top tokens, near trades of A, of
 * B (timing's window), timing's peak flags of A leading, of B leading; sharedHeld[e];
 * top tokens in slots [e·maxTop, e·maxTop + count), by product desc: topToken[slot] and
 * topValues[slot·3 ..] = weightA·weightB, weightA, weightB.
 */
export interface RowStore {
  acc: Float64Array;
  counts: Int32Array;
  sharedHeld: Int32Array;
  topToken: Int32Array;
  topValues: Float64Array;
}

// entry layouts (see RowStore); the slots compute.ts reads are exported
export const ACC = 6;
export const ACC_DOT = 0;
export const ACC_MIN_WEIGHT_SUM = 1;
export const ACC_SHARED_WEIGHT_A = 2;
export const ACC_SHARED_WEIGHT_B = 3;
const ACC_TOP_FLOOR = 4;
export const ACC_RARITY = 5;
export const CNT = 8;
export const CNT_SHARED = 0;
export const CNT_CO_TRADED_A = 1;
export const CNT_CO_TRADED_B = 2;
export const CNT_TOP_COUNT = 3;
/** trades of A (B) with a trade of the other, same token and direction, within `timingWindow` */
export const CNT_NEAR_A = 4;
export const CNT_NEAR_B = 5;
/**
 * 1 when timing's improbability route could open with A (B) leading: the pair's matches (detection/
 * timing's one-to-one matching, done here as there) are packed at one of timing's peaks (the median
 * lag, the mode) enough, and improbably enough even against the fewest chance matches timing could
 * take (see `lagPeakBound`)
 */
export const CNT_PEAK_A = 6;
export const CNT_PEAK_B = 7;
// posting record layout: one cache line of everything the inner loop reads about a posting
export const REC = 8;
export const REC_WALLET = 0;
export const REC_WEIGHT = 1;
export const REC_BUY_FIRST = 2; // earliest and latest buy (sale) time, NaN with none
export const REC_BUY_LAST = 3;
export const REC_SELL_FIRST = 4;
export const REC_SELL_LAST = 5;
export const REC_BUY_MODE = 6; // TRADES_NONE / TRADES_ONE / TRADES_MANY of that direction
export const REC_SELL_MODE = 7;
export const TRADES_NONE = 0;
export const TRADES_ONE = 1;
export const TRADES_MANY = 2;

// The lags of a row's matches, per entry, direction and side, as linked lists in growing scratch
// arrays (a thread computes one row at a time): list 4·(e − first) + 2·d + s of entry e (d = 0 with
// A leading, 1 with B; s = 0 for buys, 1 for sales) starts at lagHead[list], each node's lag at
// lagValue[k] and the next node at lagNext[k].
const LISTS = 4;
let lagHead = new Int32Array(0);
let lagCount = new Int32Array(0);
let lagValue = new Float64Array(1024);
let lagNext = new Int32Array(1024);
let lagUsed = 0;
let lagSorted = new Float64Array(64);

function pushLag(list: number, lag: number): void {
  if (lagUsed === lagValue.length) {
    const value = new Float64Array(lagUsed * 2);
    value.set(lagValue);
    lagValue = value;
    const next = new Int32Array(lagUsed * 2);
    next.set(lagNext);
    lagNext = next;
  }
  lagValue[lagUsed] = lag;
  lagNext[lagUsed] = lagHead[list];
  lagHead[list] = lagUsed++;
  lagCount[list]++;
}

/**
 * Matches with the trades at ts[a0..a1) leading those at ts[b0..b1) (both ascending), as
 * detection/timing pairs them: each leading trade with the earliest unmatched later one within
 * `window`. Adds each one's lag to list `list`.
 */
function addLags(list: number, ts: Float64Array, a0: number, a1: number, b0: number, b1: number, window: number): void {
  let j = b0;
  for (let i = a0; i < a1; i++) {
    const t = ts[i];
    while (j < b1 && ts[j] < t) j++;
    if (j >= b1) break;
    const lag = ts[j] - t;
    if (lag > window) continue;
    pushLag(list, lag);
    j++;
  }
}

/**
 * 1 when the matches of lists `list` (buys) and `list` + 1 (sales) could open timing's
 * improbability route: one of detection/timing's `lagPeaks` of all of them, of the buys or of the
 * sales (the same matches as timing's own, so the same peaks, counts and chance floors, as long as
 * every leg of a wallet's input is its own: the store loads legs by wallet, and timing's
 * `tradeIndex` drops any other, which the vectors do not) holds
 * `minSignificantMatches` and −log10 P(Poisson(λ) ≥ that count), less the peak's search penalty, is
 * over `significanceFrom`, λ the peak's chance floor, or a peak of the buys and one of the sales
 * joined are over it (`bothSides`). Timing takes λ as the larger of that and the chance by the
 * follower's rates, so its improbability is at most this one: 0 means its improbability excess is 0.
 */
function lagPeakBound(list: number, window: number): number {
  const buys = lagCount[list];
  const sells = lagCount[list + 1];
  const all = buys + sells;
  if (all < TIMING_DEFAULTS.minSignificantMatches) return 0;
  if (lagSorted.length < all) lagSorted = new Float64Array(all * 2);
  let n = 0;
  for (let k = lagHead[list]; k >= 0; k = lagNext[k]) lagSorted[n++] = lagValue[k];
  for (let k = lagHead[list + 1]; k >= 0; k = lagNext[k]) lagSorted[n++] = lagValue[k];
  if (buys > 0 && sells > 0) {
    const buyPeaks = sidePeaks(lagSorted.subarray(0, buys).sort(), window);
    if (packed(buyPeaks)) return 1;
    const sellPeaks = sidePeaks(lagSorted.subarray(buys, all).sort(), window);
    if (packed(sellPeaks) || packedBothSides(buyPeaks, sellPeaks)) return 1;
  }
  return packed(sidePeaks(lagSorted.subarray(0, all).sort(), window)) ? 1 : 0;
}

/** A side's `lagPeaks` (none under the matches a side's peak needs to join the other's). */
function sidePeaks(sorted: Float64Array, window: number): LagPeak[] {
  return sorted.length < SIDE_PEAK_MATCHES ? [] : lagPeaks(sorted, sorted.length, window);
}

/** Whether a peak holds `minSignificantMatches` over `significanceFrom` by its chance floor alone. */
function packed(peaks: readonly LagPeak[]): boolean {
  return peaks.some((p) => p.peaked >= TIMING_DEFAULTS.minSignificantMatches && peakImprobability(p) > TIMING_DEFAULTS.significanceFrom);
}

/**
 * Whether some peak of the buys and some of the sales could join over `significanceFrom`
 * (detection/timing's `bothSides`): every such pair of peaks is tried with its chance floor alone,
 * so timing's own (its chances at least these) is never above it.
 */
function packedBothSides(buyPeaks: readonly LagPeak[], sellPeaks: readonly LagPeak[]): boolean {
  for (const b of buyPeaks) {
    if (b.peaked < SIDE_PEAK_MATCHES) continue;
    let buy: { digits: number; peaked: number } | null = null;
    for (const s of sellPeaks) {
      if (s.peaked < SIDE_PEAK_MATCHES || b.peaked + s.peaked < TIMING_DEFAULTS.minSignificantMatches) continue;
      buy ??= { digits: peakImprobability(b), peaked: b.peaked };
      const both = bothSides(buy, { digits: peakImprobability(s), peaked: s.peaked }, TIMING_DEFAULTS.minSignificantMatches);
      if (both !== null && both.digits > TIMING_DEFAULTS.significanceFrom) return true;
    }
  }
  return false;
}

/** How many of xs[x0..x1) have some ys[y0..y1) within `window` seconds (both ascending). */
export function countNear(xs: Float64Array, x0: number, x1: number, ys: Float64Array, y0: number, y1: number, window: number): number {
  if (x0 === x1 || y0 === y1) return 0;
  let count = 0;
  let j = y0;
  for (let i = x0; i < x1; i++) {
    const t = xs[i];
    while (j < y1 && ys[j] < t - window) j++;
    if (j < y1 && ys[j] <= t + window) count++;
  }
  return count;
}

/** Co-traded counts of a posting pair for one direction, or 0 when their time ranges are too far apart. */
function coTraded(ts: Float64Array, a0: number, a1: number, b0: number, b1: number, window: number): number {
  if (a0 === a1 || b0 === b1) return 0;
  if (ts[a0] - window > ts[b1 - 1] || ts[b0] - window > ts[a1 - 1]) return 0;
  return countNear(ts, a0, a1, ts, b0, b1, window);
}

function coTradeMany(counts: Int32Array, c: number, l: number, start: Int32Array, ts: Float64Array, own: number, p: number, window: number, timingWindow: number): void {
  const a0 = start[own];
  const a1 = start[own + 1];
  const b0 = start[p];
  const b1 = start[p + 1];
  counts[c + CNT_CO_TRADED_A] += coTraded(ts, a0, a1, b0, b1, window);
  counts[c + CNT_CO_TRADED_B] += coTraded(ts, b0, b1, a0, a1, window);
  const nearA = coTraded(ts, a0, a1, b0, b1, timingWindow);
  if (nearA === 0) return; // no trade of either within the window of the other's: no match either way
  counts[c + CNT_NEAR_A] += nearA;
  counts[c + CNT_NEAR_B] += coTraded(ts, b0, b1, a0, a1, timingWindow);
  addLags(l, ts, a0, a1, b0, b1, timingWindow);
  addLags(l + 2, ts, b0, b1, a0, a1, timingWindow);
}

/** One trade each: a match in the direction of the later one (both at one second: both ways). */
function addLag(l: number, aTime: number, bTime: number, timingWindow: number): void {
  const d = bTime - aTime;
  if (d >= 0 && d <= timingWindow) pushLag(l, d);
  if (d <= 0 && -d <= timingWindow) pushLag(l + 2, aTime - bTime);
}

/**
 * Inserts a shared token into entry e's top list if it belongs there: while the list has room,
 * always; once full, only with a product above the last one. Stable: an equal product stays
 * behind the tokens inserted before it (tokens arrive in ascending order).
 */
function insertTop(store: RowStore, max: number, e: number, token: number, product: number, weightA: number, weightB: number): void {
  if (max === 0) return;
  const counts = store.counts;
  const topToken = store.topToken;
  const values = store.topValues;
  const base = e * max;
  const count = counts[e * CNT + CNT_TOP_COUNT];
  if (!(count < max || product > values[(base + count - 1) * 3])) return;
  let pos = count < max ? count : max - 1;
  if (count < max) counts[e * CNT + CNT_TOP_COUNT] = count + 1;
  while (pos > 0 && values[(base + pos - 1) * 3] < product) {
    const to = (base + pos) * 3;
    const from = to - 3;
    topToken[base + pos] = topToken[base + pos - 1];
    values[to] = values[from];
    values[to + 1] = values[from + 1];
    values[to + 2] = values[from + 2];
    pos--;
  }
  topToken[base + pos] = token;
  const at = (base + pos) * 3;
  values[at] = product;
  values[at + 1] = weightA;
  values[at + 2] = weightB;
  if (counts[e * CNT + CNT_TOP_COUNT] === max) store.acc[e * ACC + ACC_TOP_FLOOR] = values[(base + max - 1) * 3];
}

/** Adds token `token` (wallet i's posting `own`) to the entry of every later wallet holding it. */
function accumulateToken(inp: RowInputs, store: RowStore, shift: number, first: number, token: number, own: number): void {
  const acc = store.acc;
  const counts = store.counts;
  const rec = inp.rec;
  const window = inp.window;
  const timingWindow = inp.timingWindow;
  const wide = window > timingWindow ? window : timingWindow;
  const maxTop = inp.maxTop;
  const to = inp.tradedStart[token + 1];
  const o = own * REC;
  const wA = rec[o + REC_WEIGHT];
  const rarity = inp.tokenRarity[token];
  const aBuyMode = rec[o + REC_BUY_MODE];
  const aBuy = rec[o + REC_BUY_FIRST];
  const aBuyLast = rec[o + REC_BUY_LAST];
  const aSellMode = rec[o + REC_SELL_MODE];
  const aSell = rec[o + REC_SELL_FIRST];
  const aSellLast = rec[o + REC_SELL_LAST];
  for (let p = own + 1; p < to; p++) {
    const r = p * REC;
    const e = rec[r + REC_WALLET] + shift;
    const wB = rec[r + REC_WEIGHT];
    const product = wA * wB;
    const x = e * ACC;
    const c = e * CNT;
    const l = LISTS * (e - first);
    counts[c + CNT_SHARED]++;
    acc[x + ACC_DOT] += product;
    acc[x + ACC_MIN_WEIGHT_SUM] += wA < wB ? wA : wB;
    acc[x + ACC_SHARED_WEIGHT_A] += wA;
    acc[x + ACC_SHARED_WEIGHT_B] += wB;
    acc[x + ACC_RARITY] += rarity;
    // common case: one buy (sale) on each side, compared directly (a NaN time means the other
    // side has none; |d| ≤ window exactly when d ≤ window && d ≥ −window, and NaN is neither);
    // several trades on a side go through countNear unless the time ranges are a window apart
    const bBuyMode = rec[r + REC_BUY_MODE];
    if (aBuyMode === TRADES_ONE && bBuyMode !== TRADES_MANY) {
      const d = Math.abs(aBuy - rec[r + REC_BUY_FIRST]);
      const near = d <= window ? 1 : 0;
      counts[c + CNT_CO_TRADED_A] += near;
      counts[c + CNT_CO_TRADED_B] += near;
      if (d <= timingWindow) {
        counts[c + CNT_NEAR_A]++;
        counts[c + CNT_NEAR_B]++;
        addLag(l, aBuy, rec[r + REC_BUY_FIRST], timingWindow);
      }
    } else if (aBuyMode !== TRADES_NONE && bBuyMode !== TRADES_NONE) {
      if (!(aBuy - wide > rec[r + REC_BUY_LAST] || rec[r + REC_BUY_FIRST] - wide > aBuyLast)) {
        coTradeMany(counts, c, l, inp.buyStart, inp.buyTs, own, p, window, timingWindow);
      }
    }
    const bSellMode = rec[r + REC_SELL_MODE];
    if (aSellMode === TRADES_ONE && bSellMode !== TRADES_MANY) {
      const d = Math.abs(aSell - rec[r + REC_SELL_FIRST]);
      const near = d <= window ? 1 : 0;
      counts[c + CNT_CO_TRADED_A] += near;
      counts[c + CNT_CO_TRADED_B] += near;
      if (d <= timingWindow) {
        counts[c + CNT_NEAR_A]++;
        counts[c + CNT_NEAR_B]++;
        addLag(l + 1, aSell, rec[r + REC_SELL_FIRST], timingWindow);
      }
    } else if (aSellMode !== TRADES_NONE && bSellMode !== TRADES_NONE) {
      if (!(aSell - wide > rec[r + REC_SELL_LAST] || rec[r + REC_SELL_FIRST] - wide > aSellLast)) {
        coTradeMany(counts, c, l + 1, inp.sellStart, inp.sellTs, own, p, window, timingWindow);
      }
    }
    // !(x <= floor) rather than x > floor so that insertTop decides NaN as a plain comparison would
    if (!(product <= acc[x + ACC_TOP_FLOOR])) insertTop(store, maxTop, e, token, product, wA, wB);
  }
}

/**
 * Computes row i (pairs (i, j) for every j > i) into entries j + shift of `store`, which it
 * resets first. Per pair, sums run over shared tokens in ascending universe order.
 */
export function computeRow(inp: RowInputs, store: RowStore, i: number, shift: number): void {
  const n = inp.n;
  const first = i + 1 + shift;
  const end = n + shift;
  const floor = inp.maxTop > 0 ? -Infinity : Infinity;
  store.acc.fill(0, first * ACC, end * ACC);
  for (let e = first; e < end; e++) store.acc[e * ACC + ACC_TOP_FLOOR] = floor;
  store.counts.fill(0, first * CNT, end * CNT);
  store.sharedHeld.fill(0, first, end);
  const lists = LISTS * (end - first);
  if (lagHead.length < lists) {
    lagHead = new Int32Array(lists);
    lagCount = new Int32Array(lists);
  }
  lagHead.fill(-1, 0, lists);
  lagCount.fill(0, 0, lists);
  lagUsed = 0;
  for (let k = inp.tokStart[i]; k < inp.tokStart[i + 1]; k++) accumulateToken(inp, store, shift, first, inp.tokens[k], inp.ownTraded[k]);
  const counts = store.counts;
  for (let e = first; e < end; e++) {
    const l = LISTS * (e - first);
    counts[e * CNT + CNT_PEAK_A] = lagPeakBound(l, inp.timingWindow);
    counts[e * CNT + CNT_PEAK_B] = lagPeakBound(l + 2, inp.timingWindow);
  }
  const sharedHeld = store.sharedHeld;
  const heldWallet = inp.heldWallet;
  for (let k = inp.heldStart[i]; k < inp.heldStart[i + 1]; k++) {
    const to = inp.heldPostStart[inp.held[k] + 1];
    for (let p = inp.ownHeld[k] + 1; p < to; p++) sharedHeld[heldWallet[p] + shift]++;
  }
}
