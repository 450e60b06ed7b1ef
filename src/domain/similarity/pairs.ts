// All pairs at once through an inverted index over tokens: for each wallet i, walk its tokens'
// posting lists and accumulate into an entry for every later wallet j that shares a token (the
// row kernel, kernel.ts). Work is proportional to the number of (pair, shared token)
// combinations, never to the universe.
//
// Large groups compute rows on several threads: helper threads (worker_threads running
// pair-worker.ts) take rows ahead while this thread turns finished rows into pair objects. Each row
// is computed entirely by one thread with the same code and summation order, so the result is
// identical whichever thread computed which row, or whether a helper ran at all.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RowInputs, RowStore } from './kernel';
import {
  ACC,
  CNT,
  computeRow,
  REC,
  REC_BUY_FIRST,
  REC_BUY_LAST,
  REC_BUY_MODE,
  REC_SELL_FIRST,
  REC_SELL_LAST,
  REC_SELL_MODE,
  REC_WALLET,
  REC_WEIGHT,
  TRADES_MANY,
  TRADES_NONE,
  TRADES_ONE,
} from './kernel';
import type { PairJob } from './row-states';
import { FAILED, FREE, HELPER_DONE, markHelpersFailed, OWN, rowStart, STATE_LENGTH_AFTER_ROWS } from './row-states';
import type { PairRowStats, SimilarityRunOptions } from './types';
import type { WalletVector } from './vectors';

/** Figures of row i: pair (i, j) is entry j + shift of the store (see RowStore in kernel.ts). */
export interface PairRow extends RowStore {
  shift: number;
  maxTop: number;
}

/** Group size in pairs from which threads: 'auto' starts a helper thread. */
export const DEFAULT_MIN_PAIRS_FOR_THREADS = 50_000;

/** Waiting longer than this for one helper row, this thread computes it and every later row itself. */
const HELPER_ROW_PATIENCE_MS = 2_000;
/** Before any helper has begun (loading its module), only a helpers-only run waits, this long. */
const HELPER_START_PATIENCE_MS = 30_000;

/**
 * The helper's entry module beside this one: pair-worker.ts when running from TypeScript sources
 * (tsx, jest), whose thread then registers tsx's CommonJS hook first; pair-worker.js if compiled.
 */
const FROM_SOURCE = path.extname(__filename) === '.ts';
const HELPER_ENTRY = path.join(__dirname, FROM_SOURCE ? 'pair-worker.ts' : 'pair-worker.js');

/** Helper threads of one run, started before the inputs are built so that they load meanwhile. */
export interface PairHelpers {
  workers: Worker[];
  helpersOnly: boolean;
}

/** How many helper threads a group of `walletCount` wallets gets under these options. */
export function helperThreadCount(walletCount: number, options: SimilarityRunOptions): number {
  if (walletCount < 3) return 0;
  const threads = options.threads ?? 'auto';
  if (threads !== 'auto') return threads - 1;
  const pairCount = (walletCount * (walletCount - 1)) / 2;
  const minPairs = options.minPairsForThreads ?? DEFAULT_MIN_PAIRS_FOR_THREADS;
  return pairCount >= minPairs && availableParallelism() > 1 ? 1 : 0;
}

/** Starts `count` helper threads (fewer if some cannot start); stop them with stopPairHelpers. */
export function startPairHelpers(count: number, helpersOnly = false): PairHelpers {
  const workers: Worker[] = [];
  for (let k = 0; k < count; k++) {
    try {
      const worker = new Worker(HELPER_ENTRY, FROM_SOURCE ? { execArgv: ['--require', require.resolve('tsx/cjs')] } : {});
      worker.unref();
      // a helper that fails to load never begins; this keeps its error event from going unhandled
      worker.on('error', () => undefined);
      workers.push(worker);
    } catch {
      // this thread computes the rows the helper would have
    }
  }
  return { workers, helpersOnly };
}

export function stopPairHelpers(helpers: PairHelpers): void {
  for (const worker of helpers.workers) void worker.terminate();
  helpers.workers = [];
}

type Alloc = <T extends Int32Array | Float64Array>(type: { new (buffer: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, length: number) => T;
const privateAlloc: Alloc = (type, length) => new type(new ArrayBuffer(length * type.BYTES_PER_ELEMENT));
const sharedAlloc: Alloc = (type, length) => new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));

function modeOf(count: number): number {
  return count === 0 ? TRADES_NONE : count === 1 ? TRADES_ONE : TRADES_MANY;
}

/** Flat per-wallet token lists and the posting lists over tokens, as the kernel reads them. */
function buildInputs(
  vectors: readonly WalletVector[],
  universeSize: number,
  rarity: Float64Array,
  window: number,
  timingWindow: number,
  maxTop: number,
  alloc: Alloc,
): RowInputs {
  const n = vectors.length;
  const tokenRarity = alloc(Float64Array, universeSize);
  tokenRarity.set(rarity);
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
    rec[r + REC_WALLET] = owner[p];
    rec[r + REC_WEIGHT] = v.weights[k];
    rec[r + REC_BUY_FIRST] = buys > 0 ? v.buyTs[b0] : NaN;
    rec[r + REC_BUY_LAST] = buys > 0 ? v.buyTs[b0 + buys - 1] : NaN;
    rec[r + REC_SELL_FIRST] = sells > 0 ? v.sellTs[s0] : NaN;
    rec[r + REC_SELL_LAST] = sells > 0 ? v.sellTs[s0 + sells - 1] : NaN;
    rec[r + REC_BUY_MODE] = modeOf(buys);
    rec[r + REC_SELL_MODE] = modeOf(sells);
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
  return { n, maxTop, window, timingWindow, tokStart, tokens, ownTraded, tradedStart, rec, buyStart, buyTs, sellStart, sellTs, heldStart, held, ownHeld, heldPostStart, heldWallet, tokenRarity };
}

function postingStarts(flat: Int32Array, universeSize: number, alloc: Alloc): Int32Array {
  const start = alloc(Int32Array, universeSize + 1);
  for (let k = 0; k < flat.length; k++) start[flat[k] + 1]++;
  for (let t = 0; t < universeSize; t++) start[t + 1] += start[t];
  return start;
}

function allocStore(entries: number, maxTop: number, alloc: Alloc): RowStore {
  return {
    acc: alloc(Float64Array, entries * ACC),
    counts: alloc(Int32Array, entries * CNT),
    sharedHeld: alloc(Int32Array, entries),
    topToken: alloc(Int32Array, entries * maxTop),
    topValues: alloc(Float64Array, entries * maxTop * 3),
  };
}

/** What forEachPairRow did: who computed the rows, and (retained) each row's figures afterwards. */
export interface PairRowsRun {
  stats: PairRowStats;
  /** with `retain`: row i's figures, for reading its pairs again in any order after the run; else null */
  rowAt: ((i: number) => PairRow) | null;
}

/**
 * Calls `onRow(i, row)` for every wallet i in order, once all pairs (i, j > i) are computed, by this
 * thread and the given helpers (which it stops at the end). With `retain`, every row keeps its own
 * entries (one per pair, as helpers need anyway), so that rowAt reads any pair again after the run
 * (a streamed run's second pass, in rank order); without, one thread reuses one row's entries.
 */
export function forEachPairRow(
  vectors: readonly WalletVector[],
  universeSize: number,
  /** per universe token, its rarity weight (summed over each pair's shared tokens) */
  tokenRarity: Float64Array,
  window: number,
  /** the timing signal's window: near counts within it bound the timing score (kernel.ts) */
  timingWindow: number,
  maxTop: number,
  helpers: PairHelpers,
  onRow: (i: number, row: PairRow) => void,
  retain = false,
): PairRowsRun {
  const n = vectors.length;
  const pairCount = (n * (n - 1)) / 2;
  const stats: PairRowStats = { rows: n, helpers: helpers.workers.length, helperRows: 0, fallbackRows: 0 };
  if (n < 3 || helpers.workers.length === 0) {
    stopPairHelpers(helpers);
    const inputs = buildInputs(vectors, universeSize, tokenRarity, window, timingWindow, maxTop, privateAlloc);
    if (!retain) {
      // one row store reused from row to row (entry j for pair (i, j))
      const row: PairRow = { ...allocStore(n, maxTop, privateAlloc), shift: 0, maxTop };
      for (let i = 0; i < n; i++) {
        computeRow(inputs, row, i, 0);
        onRow(i, row);
      }
      return { stats, rowAt: null };
    }
    const store = allocStore(pairCount, maxTop, privateAlloc);
    const rows = keptRows(store, n, maxTop);
    for (let i = 0; i < n; i++) {
      computeRow(inputs, store, i, rows[i].shift);
      onRow(i, rows[i]);
    }
    return { stats, rowAt: (i) => rows[i] };
  }

  // every pair has its own entry in shared memory; each row is computed by whichever thread takes it
  const inputs = buildInputs(vectors, universeSize, tokenRarity, window, timingWindow, maxTop, sharedAlloc);
  const store = allocStore(pairCount, maxTop, sharedAlloc);
  const state = sharedAlloc(Int32Array, n + STATE_LENGTH_AFTER_ROWS);
  const job: PairJob = { inputs, store, state };
  const claimRows = !helpers.helpersOnly;
  const row: PairRow = { ...store, shift: 0, maxTop };
  // rows computed here apart from the shared entries (a helper failed or stalled on them, and might
  // still write there): reused from row to row, or each kept when retained
  let fallback: PairRow | null = null;
  const fallbackRows = new Map<number, PairRow>();
  // while a helper is busy with the next row, this thread computes free rows from the end (the
  // short ones) into their shared entries, instead of idling
  let back = n - 1;
  const steal = (after: number): boolean => {
    while (back > after) {
      const k = back--;
      if (Atomics.compareExchange(state, k, FREE, OWN) === FREE) {
        computeRow(inputs, store, k, rowStart(k, n) - k - 1);
        return true;
      }
    }
    return false;
  };
  try {
    for (const worker of helpers.workers) worker.postMessage(job);
    for (let i = 0; i < n; i++) {
      const shift = rowStart(i, n) - i - 1;
      if (claimRows && Atomics.compareExchange(state, i, FREE, OWN) === FREE) {
        computeRow(inputs, store, i, shift);
      } else if (Atomics.load(state, i) === OWN) {
        // computed here earlier, while waiting for a helper
      } else if (awaitHelperRow(state, i, n, claimRows ? () => steal(i) : () => false)) {
        stats.helperRows++;
      } else {
        // the helpers failed or stalled on this row: compute it here, apart from their entries
        stats.fallbackRows++;
        // kept: the row's own n - i - 1 entries (pair (i, j) at entry j - i - 1); reused: n entries
        const own = retain ? { ...allocStore(n - i - 1, maxTop, privateAlloc), shift: -(i + 1), maxTop } : (fallback ??= { ...allocStore(n, maxTop, privateAlloc), shift: 0, maxTop });
        computeRow(inputs, own, i, own.shift);
        if (retain) fallbackRows.set(i, own);
        onRow(i, own);
        continue;
      }
      row.shift = shift;
      onRow(i, row);
    }
  } finally {
    Atomics.store(state, n, FAILED); // the helpers take no further rows
    stopPairHelpers(helpers);
  }
  if (!retain) return { stats, rowAt: null };
  const rows = keptRows(store, n, maxTop, fallbackRows);
  return { stats, rowAt: (i) => rows[i] };
}

/** Each row's view of a store with an entry per pair (row i's pairs from rowStart(i)), or its own kept row. */
function keptRows(store: RowStore, n: number, maxTop: number, own: ReadonlyMap<number, PairRow> = new Map()): PairRow[] {
  return Array.from({ length: n }, (_, i) => own.get(i) ?? { ...store, shift: rowStart(i, n) - i - 1, maxTop });
}

/**
 * Waits until a helper finished row i: true, or false if they failed or took too long. While
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
    const patience = Atomics.load(state, n + 1) === 0 ? HELPER_START_PATIENCE_MS : HELPER_ROW_PATIENCE_MS;
    if (Date.now() - started > patience) {
      markHelpersFailed(state, n); // stalled: they take no further rows, this thread does the rest
      return false;
    }
    Atomics.wait(state, i, s, 20);
  }
}
