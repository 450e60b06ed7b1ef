// Entry module of the thread that computes one similarity step (started by similarity-runner.ts):
// it loads the input (a large group's: over a connection of its own) or takes it as given, runs
// computeSimilarity streamed, writes every pair to the spool's file descriptor (opened by
// the activity's thread: descriptors belong to the process) with the same PairRowWriter as the
// PairSpool, and posts back its row statistics, then the result and the ranks (the ranks' buffer
// transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { computeSimilarity } from '../domain/similarity/compute';
import type { SimilarityInput } from '../domain/similarity/types';
import { createPool } from '../store/db';
import { PairRowWriter } from '../store/pair-rows';
import { loadSimilarityInputs, tokenUniverseOf } from './similarity-inputs';
import type { SimilarityThreadData, SimilarityThreadMessage } from './similarity-runner';

if (parentPort === null) throw new Error('similarity-thread.ts is the entry of a thread started by similarity-runner.ts; it does not run on its own');
const port = parentPort;
const post = (message: SimilarityThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const { source, options, spoolFd } = workerData as SimilarityThreadData;

/** The input: given, or loaded here over a connection of this thread's own (closed before computing). */
async function inputOf(): Promise<SimilarityInput> {
  if ('input' in source) return source.input;
  const { connectionString, step, weights, clusterThreshold } = source.load;
  const pool = createPool(connectionString, 2);
  try {
    const { wallets, database } = await loadSimilarityInputs(pool, step, (s) => post({ kind: 'step', step: s }));
    return { wallets, weights, clusterThreshold, database };
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const input = await inputOf();
  const tokenUniverse = tokenUniverseOf(input.wallets);
  post({ kind: 'step', step: 'computing pairs' });
  const writer = new PairRowWriter(spoolFd);
  let ranks: Int32Array | null = null;
  const result = computeSimilarity(input, {
    ...options,
    onRowStats: (rows) => post({ kind: 'rowStats', rows }),
    pairSink: (pair, index) => writer.add(pair, index),
    onRanks: (r) => (ranks = r),
  });
  writer.flush();
  const ranked = ranks as Int32Array | null;
  if (ranked === null) throw new Error('computeSimilarity streamed without ranking its pairs');
  post({ kind: 'done', result, ranks: ranked, pairs: writer.count, tokenUniverse }, [ranked.buffer as ArrayBuffer]);
}

// a failure (the database away while loading) is thrown out of the thread: its Worker's error
// event, which the runner turns into a retryable failure
main().catch((err: unknown) =>
  process.nextTick(() => {
    throw err;
  }),
);
