// Runs the similarity step's computation (computeSimilarity, streamed into a PairSpool) in a child
// process of its own, one per activity attempt (similarity-process.ts), so that the activity's
// thread stays free while a large group is computed (its heartbeats keep leaving, the worker's other
// activities keep running), the computation is bounded by the process's own heap limit
// (SIMILARITY_HEAP_MB), and the memory it needed goes back to the system when it exits: the worker's
// resident memory does not keep the high-water mark of the largest group it ever computed.
import { fork } from 'node:child_process';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { computeSimilarity } from '../domain/similarity/compute';
import type { PairRowStats, SimilarityInput, SimilarityResult, SimilarityRunOptions } from '../domain/similarity/types';
import type { Pool } from 'pg';
import type { PairSpool } from '../store/analysis-pairs';
import { walletRanksOf, type PairRowsFlushed } from '../store/pair-rows';
import { launchedMintsOf, loadSimilarityInputs, tokenUniverseOf, type SimilarityLoadInput } from './similarity-inputs';

/**
 * What the process loads its input with (a large group's step: the activity's thread then never
 * holds the input): a connection of its own to the same database, and the step's parameters.
 */
export interface SimilarityProcessLoad {
  connectionString: string;
  step: SimilarityLoadInput;
  weights?: SimilarityInput['weights'];
  clusterThreshold?: number;
}

/** The process's first message (advanced serialization: Maps and typed arrays travel as they are). */
export interface SimilarityProcessData {
  /** the analysis whose pairs it writes (each COPY row's analysis_id) */
  analysisId: string;
  source: { input: SimilarityInput } | { load: SimilarityProcessLoad };
  options: SimilarityProcessOptions;
}

/** computeSimilarity's options that travel to the process (the callbacks stay here). */
export type SimilarityProcessOptions = Pick<SimilarityRunOptions, 'threads' | 'minPairsForThreads' | 'helpersOnly' | 'topPairs'>;

export type SimilarityProcessMessage =
  | { kind: 'step'; step: string }
  | { kind: 'rowStats'; rows: PairRowStats }
  | { kind: 'failed'; message: string }
  | { kind: 'flushed'; flushed: PairRowsFlushed }
  | { kind: 'done'; result: SimilarityResult; pairs: number; tokenUniverse: string[]; walletRanks: Map<string, Int32Array>; launchedMints: string[] };

/** The spool's descriptor in the process: the worker passes the spool's open file as descriptor 3. */
export const SPOOL_FD = 3;

/** The ApplicationFailure type of a computation that ran out of its process's heap (non-retryable). */
export const SIMILARITY_HEAP_EXCEEDED = 'SimilarityHeapExceeded';

/**
 * The process's entry module beside this one: similarity-process.ts when running from TypeScript
 * sources (tsx, jest), which the process then loads through tsx's CommonJS hook; .js if compiled.
 */
const FROM_SOURCE = path.extname(__filename) === '.ts';
const PROCESS_ENTRY = path.join(__dirname, FROM_SOURCE ? 'similarity-process.ts' : 'similarity-process.js');

export interface SimilarityProcessRun {
  /** the input, or what the process loads it with */
  source: SimilarityProcessData['source'];
  options: SimilarityProcessOptions;
  /** receives every pair (the process writes to its descriptor, reporting each write: adoptFlushed, sealAdopted) */
  spool: PairSpool;
  /** the process's heap limit, MB (--max-old-space-size) */
  heapMb: number;
  /** aborted (the activity cancelled, its heartbeat timed out): the process is killed and the abort's reason thrown */
  signal?: AbortSignal;
  onRowStats?: (rows: PairRowStats) => void;
  /** the process's steps while it loads its input (for the activity's heartbeat details) */
  onStep?: (step: string) => void;
}

/**
 * How far V8 lets the process's heap grow past what the last full collection kept, in percent
 * (`--heap-growing-percent`). Without it V8 grows a heap whose limit is large (SIMILARITY_HEAP_MB is
 * a guard, 2 GB by default) by up to four times its live size before collecting, and the pairs'
 * garbage (each pair's object and row, streamed and dropped) stays resident. Measured with
 * `bench/pairs-memory.ts` (1,000 wallets, 499,500 pairs, the process's peak RSS): ~300 tokens a
 * wallet 1,749 MB without it, 1,077 MB with 20 (compute 14.3 s against 16.2 s); ~30 tokens a wallet
 * 469 MB against 380 MB (5.8 s either way).
 */
export const SIMILARITY_HEAP_GROWING_PERCENT = 20;

/**
 * A similarity step's computation: its result, its token universe and each wallet's ranks
 * (walletRanksOf; the rank of every pair is in its spooled row).
 */
export interface SimilarityStepResult {
  result: SimilarityResult;
  tokenUniverse: string[];
  walletRanks: Map<string, Int32Array>;
  /** the mints whose launch the step's load found (their launch-block rule applied) */
  launchedMints: string[];
}

/** What V8 prints when a heap limit is reached, whichever way the process then ends. */
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed/i;

/**
 * computeSimilarity(input, { ...options, pairSink: spool, onRanks }) in a child process, its writes
 * to the spool reported as they happen (spool.adoptFlushed): resolves with the result and each
 * wallet's ranks once the spool holds every pair (spool.sealAdopted). The process has
 * ended by the time this settles, whichever way, so the spool can be removed right after. Out of
 * memory: a non-retryable ApplicationFailure naming SIMILARITY_HEAP_MB (a retry would hit the same
 * limit); any other failure of the process: an Error with its message (retryable).
 */
export async function computeSimilarityInProcess(run: SimilarityProcessRun): Promise<SimilarityStepResult> {
  // `run` is read here only: nothing below keeps the input once it is sent
  const { source, options, spool, heapMb, signal, onRowStats, onStep } = run;
  signal?.throwIfAborted();
  const child = fork(PROCESS_ENTRY, [], {
    execArgv: [`--max-old-space-size=${heapMb}`, `--heap-growing-percent=${SIMILARITY_HEAP_GROWING_PERCENT}`, ...(FROM_SOURCE ? ['--require', require.resolve('tsx/cjs')] : [])],
    serialization: 'advanced',
    // descriptor 3 is the spool's open file; its output is the worker's; its error output is read (V8's out-of-memory report)
    stdio: ['ignore', 'inherit', 'pipe', spool.descriptor, 'ipc'],
  });
  // kept, not forwarded: V8's out-of-memory report is a page of stack, which the failure's message
  // says in one line; its first line is looked for as it arrives (the stack after it may be long)
  let stderr = '';
  let ranOutOfMemory = false;
  child.stderr?.on('data', (d: Buffer) => {
    const text = stderr.slice(-200) + d.toString();
    if (OUT_OF_MEMORY.test(text)) ranOutOfMemory = true;
    stderr = (stderr + d.toString()).slice(-4000);
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
  let done: Extract<SimilarityProcessMessage, { kind: 'done' }> | null = null;
  let failure: unknown = null;
  let onAbort: (() => void) | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      onAbort = () => {
        failure ??= signal?.reason;
        child.kill('SIGKILL');
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      child.on('message', (message: SimilarityProcessMessage) => {
        if (message.kind === 'rowStats') onRowStats?.(message.rows);
        else if (message.kind === 'step') onStep?.(message.step);
        else if (message.kind === 'flushed') {
          try {
            spool.adoptFlushed(message.flushed);
          } catch (err) {
            failure ??= err;
            child.kill('SIGKILL');
          }
        }
        else if (message.kind === 'failed') failure ??= new Error(`similarity process: ${message.message}`);
        else done = message;
      });
      child.on('error', (err) => {
        failure ??= new Error(`similarity process: ${err.message}`);
        child.kill('SIGKILL');
      });
      // 'close': the process has exited and its error output has been read to the end
      child.on('close', (code, exitSignal) => {
        if (failure !== null) reject(failure);
        else if (ranOutOfMemory) reject(outOfMemory('ran out of memory'));
        else if (code !== 0) reject(new Error(`similarity process: ended with ${exitSignal ?? `exit code ${code}`}${stderr ? `: ${stderr.trim().split('\n').slice(-1)[0]}` : ''}`));
        else if (done === null) reject(new Error('similarity process: ended without a result'));
        else resolve();
      });
      const data: SimilarityProcessData = { analysisId: spool.analysisId, source, options };
      child.send(data, (err) => {
        if (err) {
          failure ??= new Error(`similarity process: could not send the step (${err.message})`);
          child.kill('SIGKILL');
        }
      });
    });
  } finally {
    if (onAbort !== null) signal?.removeEventListener('abort', onAbort);
  }
  const { result, pairs: written, tokenUniverse, walletRanks, launchedMints } = done as unknown as Extract<SimilarityProcessMessage, { kind: 'done' }>;
  spool.sealAdopted(written);
  return { result, tokenUniverse, walletRanks, launchedMints };
}

/**
 * Groups below this many pairs (100 wallets) are computed on the calling thread: milliseconds of
 * work, where starting a process (as before it a thread) and loading the engine in it costs more CPU
 * than the computation (measured with threads: a burst of 800 three-wallet analyses doubled the
 * worker's CPU seconds, 117 to 238, when every step started one).
 */
export const PROCESS_MIN_PAIRS = 4_950;

export interface SimilarityStepRun extends Omit<SimilarityProcessRun, 'source'> {
  pool: Pool;
  load: Omit<SimilarityProcessLoad, 'connectionString'>;
}

/**
 * The similarity step: from PROCESS_MIN_PAIRS pairs, the input loaded and computed in a process of
 * its own (computeSimilarityInProcess, with a connection of its own to the pool's database), else
 * loaded and computed here, streamed into the same spool. Same result either way.
 */
export async function similarityStep(run: SimilarityStepRun): Promise<SimilarityStepResult> {
  const { pool, load, ...rest } = run;
  const wallets = load.step.wallets.length;
  if ((wallets * (wallets - 1)) / 2 >= PROCESS_MIN_PAIRS) {
    const connectionString = (pool as Pool & { options: { connectionString?: string } }).options.connectionString;
    if (!connectionString) throw new Error('the similarity process needs the pool\'s connection string');
    return computeSimilarityInProcess({ ...rest, source: { load: { ...load, connectionString } } });
  }
  const { wallets: inputs, database } = await loadSimilarityInputs(pool, load.step, run.onStep);
  run.onStep?.('computing pairs');
  run.signal?.throwIfAborted();
  const { result, walletRanks } = computeRanked(
    { wallets: inputs, weights: load.weights, clusterThreshold: load.clusterThreshold, database },
    { ...run.options, onRowStats: run.onRowStats },
    (pair, index, rank) => run.spool.add(pair, index, rank),
  );
  run.spool.close();
  return { result, tokenUniverse: tokenUniverseOf(inputs), walletRanks, launchedMints: launchedMintsOf({ database }) };
}

/**
 * computeSimilarity streamed: every pair to `sink` in rank order; the result, and each wallet's
 * pairs' ranks (walletRanksOf). Here and in the similarity process alike.
 */
export function computeRanked(
  input: SimilarityInput,
  options: Omit<SimilarityRunOptions, 'pairSink' | 'onRanks'>,
  sink: NonNullable<SimilarityRunOptions['pairSink']>,
): { result: SimilarityResult; walletRanks: Map<string, Int32Array> } {
  let ranks: Int32Array | null = null;
  const result = computeSimilarity(input, { ...options, pairSink: sink, onRanks: (r) => (ranks = r) });
  const ranked = ranks as Int32Array | null;
  if (ranked === null) throw new Error('computeSimilarity streamed without ranking its pairs');
  return { result, walletRanks: walletRanksOf(input.wallets.map((w) => w.address), ranked) };
}
