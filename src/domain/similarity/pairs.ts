// All pairs at once through an inverted index over tokens: for each wallet i, walk its tokens'
// posting lists and accumulate into an entry for every later wallet j that shares a token (the
// row kernel, kernel.ts). Work is proportional to the number of (pair, shared token)
// combinations, never to the universe.
//
// Large groups compute rows on two threads: a helper thread (worker_threads, running the kernel's
// own source) takes rows ahead while this thread turns finished rows into pair objects. Each row
// is computed entirely by one thread with the same code and summation order, so the result is
// identical whichever thread computed which row, or whether a helper ran at all.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RowInputs, RowStore } from './kernel';
import { rowKernel } from './kernel';
import type { WalletVector } from './vectors';

/** Figures of row i: pair (i, j) is entry j + shift of the store (see RowStore in kernel.ts). */
export interface PairRow extends RowStore {
  shift: number;
  maxTop: number;
}

/**
 * When to use a helper thread: 'auto' for groups of at least HELPER_MIN_PAIRS pairs on 2+ cores;
 * 'always' for any group of 3+ wallets; 'helper-only' (tests) leaves every row to the helper unless
 * it fails; 'never'.
 */
export type PairThreads = 'auto' | 'never' | 'always' | 'helper-only';
export const HELPER_MIN_PAIRS = 50_000;
let threadsPolicy: PairThreads = 'auto';

/** For tests and benchmarks: force or forbid the helper thread (the result is the same either way). */
export function setPairThreads(policy: PairThreads): void {
  threadsPolicy = policy;
}

/** Who computed the rows of the last forEachPairRow call (tests and benchmarks report it). */
export interface PairRowStats {
  rows: number;
  helperStarted: boolean;
  helperRows: number;
  /** rows the helper failed on or stalled on, computed here after all */
  fallbackRows: number;
}
export let lastPairRowStats: PairRowStats = { rows: 0, helperStarted: false, helperRows: 0, fallbackRows: 0 };

const kernel = rowKernel();

type Alloc = <T extends Int32Array | Float64Array>(type: { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, length: number) => T;
const privateAlloc: Alloc = (type, length) => new type(new ArrayBuffer(length * type.BYTES_PER_ELEMENT));
const sharedAlloc: Alloc = (type, length) => new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));

function modeOf(count: number): number {
  return count === 0 ? kernel.NONE : count === 1 ? kernel.ONE : kernel.MANY;
}

/** Flat per-wallet token lists and the posting lists over tokens, as the kernel reads them. */
function buildInputs(vectors: readonly WalletVector[], universeSize: number, window: number, maxTop: number, alloc: Alloc): RowInputs {
  const n = vectors.length;
  const tokStart = alloc(Int32Array, n + 1);
  const heldStart = alloc(Int32Array, n + 1);
  for (let w = 0; w < n; w++) {
    tokStart[w + 1] = tokStart[w] + vectors[w].tokens.length;
    heldStart[w + 1] = heldStart[w] + vectors[w].held.length;
  }
  const tokens = alloc(Int32Array, tokStart[n]);
  const held = alloc(Int32Array, heldStart[n]);
  for (let w = 0; w < n; w++) {
    tokens.set(vectors[w].tokens, tokStart[w]);
    held.set(vectors[w].held, heldStart[w]);
  }
  const tradedStart = postingStarts(tokens, universeSize, alloc);
  const heldPostStart = postingStarts(held, universeSize, alloc);

  // traded postings, in wallet order per token
  const size = tokens.length;
  const fill = tradedStart.slice(0, universeSize);
  const ownTraded = alloc(Int32Array, size);
  const owner = new Int32Array(size);
  const slot = new Int32Array(size);
  for (let w = 0; w < n; w++) {
    for (let f = tokStart[w]; f < tokStart[w + 1]; f++) {
      const pos = fill[tokens[f]]++;
      ownTraded[f] = pos;
      owner[pos] = w;
      slot[pos] = f - tokStart[w];
    }
  }
  const { REC } = kernel;
  const rec = alloc(Float64Array, size * REC);
  const buyStart = alloc(Int32Array, size + 1);
  const sellStart = alloc(Int32Array, size + 1);
  for (let p = 0; p < size; p++) {
    const v = vectors[owner[p]];
    const k = slot[p];
    const b0 = v.buyStart[k];
    const buys = v.buyStart[k + 1] - b0;
    const s0 = v.sellStart[k];
    const sells = v.sellStart[k + 1] - s0;
    const r = p * REC;
    rec[r + kernel.REC_WALLET] = owner[p];
    rec[r + kernel.REC_WEIGHT] = v.weights[k];
    rec[r + kernel.REC_BUY_FIRST] = buys > 0 ? v.buyTs[b0] : NaN;
    rec[r + kernel.REC_BUY_LAST] = buys > 0 ? v.buyTs[b0 + buys - 1] : NaN;
    rec[r + kernel.REC_SELL_FIRST] = sells > 0 ? v.sellTs[s0] : NaN;
    rec[r + kernel.REC_SELL_LAST] = sells > 0 ? v.sellTs[s0 + sells - 1] : NaN;
    rec[r + kernel.REC_BUY_MODE] = modeOf(buys);
    rec[r + kernel.REC_SELL_MODE] = modeOf(sells);
    buyStart[p + 1] = buyStart[p] + buys;
    sellStart[p + 1] = sellStart[p] + sells;
  }
  const buyTs = alloc(Float64Array, buyStart[size]);
  const sellTs = alloc(Float64Array, sellStart[size]);
  for (let p = 0; p < size; p++) {
    const v = vectors[owner[p]];
    const k = slot[p];
    let at = buyStart[p];
    for (let x = v.buyStart[k]; x < v.buyStart[k + 1]; x++) buyTs[at++] = v.buyTs[x];
    at = sellStart[p];
    for (let x = v.sellStart[k]; x < v.sellStart[k + 1]; x++) sellTs[at++] = v.sellTs[x];
  }

  // held postings
  const heldFill = heldPostStart.slice(0, universeSize);
  const ownHeld = alloc(Int32Array, held.length);
  const heldWallet = alloc(Int32Array, held.length);
  for (let w = 0; w < n; w++) {
    for (let f = heldStart[w]; f < heldStart[w + 1]; f++) {
      const pos = heldFill[held[f]]++;
      ownHeld[f] = pos;
      heldWallet[pos] = w;
    }
  }
  return { n, maxTop, window, tokStart, tokens, ownTraded, tradedStart, rec, buyStart, buyTs, sellStart, sellTs, heldStart, held, ownHeld, heldPostStart, heldWallet };
}

function postingStarts(flat: Int32Array, universeSize: number, alloc: Alloc): Int32Array {
  const start = alloc(Int32Array, universeSize + 1);
  for (let k = 0; k < flat.length; k++) start[flat[k] + 1]++;
  for (let t = 0; t < universeSize; t++) start[t + 1] += start[t];
  return start;
}

function allocStore(entries: number, maxTop: number, alloc: Alloc): RowStore {
  return {
    acc: alloc(Float64Array, entries * 5),
    counts: alloc(Int32Array, entries * 4),
    sharedHeld: alloc(Int32Array, entries),
    topToken: alloc(Int32Array, entries * maxTop),
    topValues: alloc(Float64Array, entries * maxTop * 3),
  };
}

/** Index of pair (i, i + 1) among all pairs in row order; pair (i, j) is rowStart(i) + j − i − 1. */
function rowStart(i: number, n: number): number {
  return i * n - (i * (i + 1)) / 2;
}

// row states shared with the helper: free, taken by the helper, done by the helper, taken here
const FREE = 0;
const HELPER_BUSY = 1;
const HELPER_DONE = 2;
const OWN = 3;
/** At state[n]: set when the helper failed or must stop (it then takes no further rows). */
const FAILED = -1;
/** Waiting longer than this for one helper row, this thread computes it and every later row itself. */
const HELPER_ROW_PATIENCE_MS = 2_000;

/**
 * Calls `onRow(i, row)` for every wallet i in order, once all pairs (i, j > i) are computed.
 */
export function forEachPairRow(
  vectors: readonly WalletVector[],
  universeSize: number,
  window: number,
  maxTop: number,
  onRow: (i: number, row: PairRow) => void,
): void {
  const n = vectors.length;
  const pairCount = (n * (n - 1)) / 2;
  const useHelper =
    n > 2 &&
    (threadsPolicy === 'always' ||
      threadsPolicy === 'helper-only' ||
      (threadsPolicy === 'auto' && pairCount >= HELPER_MIN_PAIRS && availableParallelism() > 1));
  const stats: PairRowStats = { rows: n, helperStarted: false, helperRows: 0, fallbackRows: 0 };
  lastPairRowStats = stats;
  if (!useHelper) {
    // one row store reused from row to row (entry j for pair (i, j))
    const inputs = buildInputs(vectors, universeSize, window, maxTop, privateAlloc);
    const row: PairRow = { ...allocStore(n, maxTop, privateAlloc), shift: 0, maxTop };
    for (let i = 0; i < n; i++) {
      kernel.computeRow(inputs, row, i, 0);
      onRow(i, row);
    }
    return;
  }

  // every pair has its own entry in shared memory; each row is computed by whichever thread takes it
  const inputs = buildInputs(vectors, universeSize, window, maxTop, sharedAlloc);
  const store = allocStore(pairCount, maxTop, sharedAlloc);
  const state = sharedAlloc(Int32Array, n + 1);
  const helper = startHelper(inputs, store, state);
  stats.helperStarted = helper !== null;
  const claimRows = threadsPolicy !== 'helper-only';
  const row: PairRow = { ...store, shift: 0, maxTop };
  let fallback: PairRow | null = null;
  // while the helper is busy with the next row, this thread computes free rows from the end (the
  // short ones) into their shared entries, instead of idling
  let back = n - 1;
  const steal = (after: number): boolean => {
    while (back > after) {
      const k = back--;
      if (Atomics.compareExchange(state, k, FREE, OWN) === FREE) {
        kernel.computeRow(inputs, store, k, rowStart(k, n) - k - 1);
        return true;
      }
    }
    return false;
  };
  try {
    for (let i = 0; i < n; i++) {
      const shift = rowStart(i, n) - i - 1;
      if (claimRows && Atomics.compareExchange(state, i, FREE, OWN) === FREE) {
        kernel.computeRow(inputs, store, i, shift);
      } else if (Atomics.load(state, i) === OWN) {
        // computed here earlier, while waiting for the helper
      } else if (awaitHelperRow(state, i, n, claimRows ? () => steal(i) : () => false)) {
        stats.helperRows++;
      } else {
        // the helper failed or stalled on this row: compute it here, apart from its entries
        stats.fallbackRows++;
        fallback ??= { ...allocStore(n, maxTop, privateAlloc), shift: 0, maxTop };
        kernel.computeRow(inputs, fallback, i, 0);
        onRow(i, fallback);
        continue;
      }
      row.shift = shift;
      onRow(i, row);
    }
  } finally {
    Atomics.store(state, n, FAILED); // the helper takes no further rows
    if (helper !== null) void helper.terminate();
  }
}

/**
 * Waits until the helper finished row i: true, or false if it failed or took too long. While
 * waiting, `work()` may do something useful (false when there is nothing left to do).
 */
function awaitHelperRow(state: Int32Array, i: number, n: number, work: () => boolean): boolean {
  let started = Date.now();
  for (;;) {
    const s = Atomics.load(state, i);
    if (s === HELPER_DONE) return true;
    if (Atomics.load(state, n) === FAILED) return false;
    if (work()) {
      started = Date.now(); // patience counts idle waiting only
      continue;
    }
    if (Date.now() - started > HELPER_ROW_PATIENCE_MS) {
      Atomics.store(state, n, FAILED); // stalled: it takes no further rows, this thread does the rest
      return false;
    }
    Atomics.wait(state, i, s, 20);
  }
}

/**
 * Starts the helper thread on the kernel's source; null if it cannot start. The helper takes free
 * rows in order, computes each into the shared store and marks it done; on any error it marks
 * itself failed and this thread computes the rest.
 */
function startHelper(inputs: RowInputs, store: RowStore, state: Int32Array): Worker | null {
  const source = `
    'use strict';
    const { workerData } = require('node:worker_threads');
    // helpers a TypeScript transpiler may have referenced inside the kernel's text
    const __name = (target) => target;
    const { inputs, store, state } = workerData;
    const n = inputs.n;
    try {
      const kernel = (${rowKernel.toString()})();
      for (let i = 0; i < n && Atomics.load(state, n) !== ${FAILED}; i++) {
        if (Atomics.compareExchange(state, i, ${FREE}, ${HELPER_BUSY}) !== ${FREE}) continue;
        kernel.computeRow(inputs, store, i, i * n - (i * (i + 1)) / 2 - i - 1);
        Atomics.store(state, i, ${HELPER_DONE});
        Atomics.notify(state, i);
      }
    } catch (error) {
      Atomics.store(state, n, ${FAILED});
      for (let i = 0; i < n; i++) Atomics.notify(state, i);
    }
  `;
  try {
    const worker = new Worker(source, { eval: true, workerData: { inputs, store, state } });
    worker.unref();
    // errors inside the kernel are caught in the helper; this keeps anything else from going unhandled
    worker.on('error', () => Atomics.store(state, inputs.n, FAILED));
    return worker;
  } catch {
    return null;
  }
}
