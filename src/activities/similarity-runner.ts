// Runs the similarity step's computation (computeSimilarity, streamed into a PairSpool) on a thread
// of its own, one per activity attempt (similarity-thread.ts), so that the activity's thread stays
// free while a large group is computed: its heartbeats keep leaving, the worker's other activities
// keep running, and the computation's memory is bounded by the thread's own heap limit
// (SIMILARITY_HEAP_MB) instead of growing the whole worker's heap.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ApplicationFailure } from '@temporalio/common';
import { computeSimilarity } from '../domain/similarity/compute';
import type { PairRowStats, SimilarityInput, SimilarityResult, SimilarityRunOptions } from '../domain/similarity/types';
import type { Pool } from 'pg';
import type { PairSpool } from '../store/analysis-pairs';
import { loadSimilarityInputs, tokenUniverseOf, type SimilarityLoadInput } from './similarity-inputs';

/**
 * What the thread loads its input with (a large group's step: the activity's thread then never
 * holds the input): a connection of its own to the same database, and the step's parameters.
 */
export interface SimilarityThreadLoad {
  connectionString: string;
  step: SimilarityLoadInput;
  weights?: SimilarityInput['weights'];
  clusterThreshold?: number;
}

/** What the thread is started with (structured clone copies it, Maps included): the input, or what to load it with. */
export interface SimilarityThreadData {
  source: { input: SimilarityInput } | { load: SimilarityThreadLoad };
  options: SimilarityThreadOptions;
  /** the PairSpool's descriptor: the thread appends its rows there */
  spoolFd: number;
}

/** computeSimilarity's options that travel to the thread (the callbacks stay here). */
export type SimilarityThreadOptions = Pick<SimilarityRunOptions, 'threads' | 'minPairsForThreads' | 'helpersOnly' | 'topPairs'>;

export type SimilarityThreadMessage =
  | { kind: 'step'; step: string }
  | { kind: 'rowStats'; rows: PairRowStats }
  | { kind: 'done'; result: SimilarityResult; ranks: Int32Array; pairs: number; tokenUniverse: string[] };

/** The ApplicationFailure type of a computation that ran out of its thread's heap (non-retryable). */
export const SIMILARITY_HEAP_EXCEEDED = 'SimilarityHeapExceeded';

/**
 * The thread's entry module beside this one: similarity-thread.ts when running from TypeScript
 * sources (tsx, jest), whose thread then registers tsx's CommonJS hook first; .js if compiled (as
 * pairs.ts starts its helpers).
 */
const FROM_SOURCE = path.extname(__filename) === '.ts';
const THREAD_ENTRY = path.join(__dirname, FROM_SOURCE ? 'similarity-thread.ts' : 'similarity-thread.js');

export interface SimilarityThreadRun {
  /** the input, or what the thread loads it with */
  source: SimilarityThreadData['source'];
  options: SimilarityThreadOptions;
  /** receives every pair (the thread writes to its descriptor; adoptRows counts them here) */
  spool: PairSpool;
  /** the thread's heap limit, MB (resourceLimits.maxOldGenerationSizeMb) */
  heapMb: number;
  /** aborted (the activity cancelled, its heartbeat timed out): the thread is stopped and the abort's reason thrown */
  signal?: AbortSignal;
  onRowStats?: (rows: PairRowStats) => void;
  /** the thread's steps while it loads its input (for the activity's heartbeat details) */
  onStep?: (step: string) => void;
}

/**
 * computeSimilarity(input, { ...options, pairSink: spool, onRanks }) on a thread of its own: resolves
 * with the result and the rank of every pair index once the spool holds every pair. The thread has
 * ended by the time this settles, whichever way, so the spool can be removed right after. Out of
 * memory: a non-retryable ApplicationFailure naming SIMILARITY_HEAP_MB (a retry would hit the same
 * limit); any other failure of the thread: an Error with its message (retryable).
 */
export async function computeSimilarityInThread(run: SimilarityThreadRun): Promise<{ result: SimilarityResult; ranks: Int32Array; tokenUniverse: string[] }> {
  // `run` is read here only: nothing below keeps the input, which the thread has its own copy of
  // (this thread's may be collected while the thread computes, if the caller keeps none)
  const { source, options, spool, heapMb, signal, onRowStats, onStep } = run;
  signal?.throwIfAborted();
  const data: SimilarityThreadData = { source, options, spoolFd: spool.descriptor };
  const worker = new Worker(THREAD_ENTRY, {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: heapMb },
    ...(FROM_SOURCE ? { execArgv: ['--require', require.resolve('tsx/cjs')] } : {}),
  });
  const wallets = 'input' in source ? source.input.wallets.length : source.load.step.wallets.length;
  const pairs = (wallets * (wallets - 1)) / 2;
  const outOfMemory = (how: string) =>
    ApplicationFailure.create({
      type: SIMILARITY_HEAP_EXCEEDED,
      nonRetryable: true,
      message:
        `the similarity computation of ${wallets} wallets (${pairs} pairs) ${how} within its heap limit of ${heapMb} MB: ` +
        'raise SIMILARITY_HEAP_MB on the workers (and their memory to match) or analyse a smaller group',
    });
  let done: Extract<SimilarityThreadMessage, { kind: 'done' }> | null = null;
  let failure: unknown = null;
  let onAbort: (() => void) | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      // the thread is stopped before this settles: nothing writes to the spool afterwards
      const stop = (err: unknown) => {
        failure ??= err;
        worker.terminate().then(
          () => reject(failure),
          () => reject(failure),
        );
      };
      onAbort = () => stop(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (message: SimilarityThreadMessage) => {
        if (message.kind === 'rowStats') onRowStats?.(message.rows);
        else if (message.kind === 'step') onStep?.(message.step);
        else done = message;
      });
      worker.on('error', (err: Error & { code?: string }) => {
        failure ??= err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? outOfMemory('ran out of memory') : new Error(`similarity thread: ${err.message}`);
      });
      worker.on('exit', (code) => {
        if (failure !== null) reject(failure);
        else if (code !== 0) reject(outOfMemory(`stopped (exit code ${code}, as a thread that runs out of memory does)`));
        else if (done === null) reject(new Error('similarity thread: ended without a result'));
        else resolve();
      });
    });
  } finally {
    if (onAbort !== null) signal?.removeEventListener('abort', onAbort);
  }
  const { result, ranks, pairs: written, tokenUniverse } = done as unknown as Extract<SimilarityThreadMessage, { kind: 'done' }>;
  spool.adoptRows(written);
  return { result, ranks, tokenUniverse };
}

/**
 * Groups below this many pairs (100 wallets) are computed on the calling thread: milliseconds of
 * work, where starting a thread and loading the engine in it costs more CPU than the computation
 * (measured: a burst of 800 three-wallet analyses doubled the worker's CPU seconds, 117 to 238, when
 * every step started a thread).
 */
export const THREAD_MIN_PAIRS = 4_950;

export interface SimilarityStepRun extends Omit<SimilarityThreadRun, 'source'> {
  pool: Pool;
  load: Omit<SimilarityThreadLoad, 'connectionString'>;
}

/**
 * The similarity step: from THREAD_MIN_PAIRS pairs, the input loaded and computed on a thread of
 * its own (computeSimilarityInThread, with a connection of its own to the pool's database), else
 * loaded and computed here, streamed into the same spool. Same result either way.
 */
export async function similarityStep(run: SimilarityStepRun): Promise<{ result: SimilarityResult; ranks: Int32Array; tokenUniverse: string[] }> {
  const { pool, load, ...rest } = run;
  const wallets = load.step.wallets.length;
  if ((wallets * (wallets - 1)) / 2 >= THREAD_MIN_PAIRS) {
    const connectionString = (pool as Pool & { options: { connectionString?: string } }).options.connectionString;
    if (!connectionString) throw new Error('the similarity thread needs the pool\'s connection string');
    return computeSimilarityInThread({ ...rest, source: { load: { ...load, connectionString } } });
  }
  const { wallets: inputs, database } = await loadSimilarityInputs(pool, load.step, run.onStep);
  run.onStep?.('computing pairs');
  run.signal?.throwIfAborted();
  let ranks: Int32Array | null = null;
  const result = computeSimilarity(
    { wallets: inputs, weights: load.weights, clusterThreshold: load.clusterThreshold, database },
    { ...run.options, pairSink: (pair, index) => run.spool.add(pair, index), onRanks: (r) => (ranks = r), onRowStats: run.onRowStats },
  );
  if (ranks === null) throw new Error('computeSimilarity streamed without ranking its pairs');
  return { result, ranks, tokenUniverse: tokenUniverseOf(inputs) };
}
