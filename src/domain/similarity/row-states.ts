// The hand-off of pair rows between the calling thread (pairs.ts) and its helper threads
// (pair-worker.ts): one Int32 state per row in shared memory, taken by compare-and-swap, so every
// row is computed whole by exactly one thread, with the same kernel.
import type { RowInputs, RowStore } from './kernel';
import { computeRow } from './kernel';

// row states: free, taken by a helper, done by a helper, taken by the calling thread
export const FREE = 0;
export const HELPER_BUSY = 1;
export const HELPER_DONE = 2;
export const OWN = 3;
/** At state[n]: set when the helpers failed or must stop (they then take no further rows). */
export const FAILED = -1;
/** state[n + 1] counts the helpers that received their job and began taking rows. */
export const STATE_LENGTH_AFTER_ROWS = 2;

/** What each helper thread receives (SharedArrayBuffer-backed, so nothing is copied). */
export interface PairJob {
  inputs: RowInputs;
  store: RowStore;
  state: Int32Array;
}

/** Index of pair (i, i + 1) among all pairs in row order; pair (i, j) is rowStart(i) + j − i − 1. */
export function rowStart(i: number, n: number): number {
  return i * n - (i * (i + 1)) / 2;
}

/** Stops every helper and wakes the calling thread if it waits for one. */
export function markHelpersFailed(state: Int32Array, n: number): void {
  Atomics.store(state, n, FAILED);
  for (let i = 0; i < n; i++) Atomics.notify(state, i);
}

/**
 * A helper thread's work: takes free rows in order, computes each into its shared entries and marks
 * it done; on any error it stops the helpers and the calling thread computes the rest.
 */
export function helpWithRows({ inputs, store, state }: PairJob): void {
  const n = inputs.n;
  Atomics.add(state, n + 1, 1);
  try {
    for (let i = 0; i < n && Atomics.load(state, n) !== FAILED; i++) {
      if (Atomics.compareExchange(state, i, FREE, HELPER_BUSY) !== FREE) continue;
      computeRow(inputs, store, i, rowStart(i, n) - i - 1);
      Atomics.store(state, i, HELPER_DONE);
      Atomics.notify(state, i);
    }
  } catch {
    markHelpersFailed(state, n);
  }
}
