// Entry module of the child process that computes one similarity step (forked by
// similarity-runner.ts): it loads the input (a large group's: over a connection of its own) or takes
// it as given, runs computeSimilarity streamed, writes every pair to the spool, whose descriptor the
// worker passed down as this process's descriptor 3, with the same PairRowWriter as the PairSpool,
// reporting each write (the worker copies the rows meanwhile), and sends back its row statistics,
// then the result and each wallet's ranks. A process rather than a thread:
// the memory a large group needs is returned to the system when it exits, so the worker's own
// resident memory stays bounded by what its other work needs.
import type { SimilarityInput } from '../domain/similarity/types';
import { createPool } from '../store/db';
import { PairRowWriter } from '../store/pair-rows';
import { launchedMintsOf, loadSimilarityInputs, tokenUniverseOf } from './similarity-inputs';
import { computeRanked, SPOOL_FD, type SimilarityProcessData, type SimilarityProcessMessage } from './similarity-runner';

if (typeof process.send !== 'function') throw new Error('similarity-process.ts is the entry of a process forked by similarity-runner.ts; it does not run on its own');
const send = (message: SimilarityProcessMessage) =>
  new Promise<void>((resolve, reject) => (process.send as NonNullable<typeof process.send>)(message, undefined, {}, (err) => (err ? reject(err) : resolve())));

// the worker that forked this process is gone (killed, stopped): nothing would read the result
process.on('disconnect', () => process.exit(70));

/** The input: given, or loaded here over a connection of this process's own (closed before computing). */
async function inputOf(data: SimilarityProcessData): Promise<SimilarityInput> {
  const { source } = data;
  if ('input' in source) return source.input;
  const { connectionString, step, weights, clusterThreshold } = source.load;
  const pool = createPool(connectionString, 2);
  try {
    const { wallets, database } = await loadSimilarityInputs(pool, step, (s) => void send({ kind: 'step', step: s }));
    return { wallets, weights, clusterThreshold, database };
  } finally {
    await pool.end();
  }
}

async function main(data: SimilarityProcessData): Promise<void> {
  const input = await inputOf(data);
  const tokenUniverse = tokenUniverseOf(input.wallets);
  await send({ kind: 'step', step: 'computing pairs' });
  // each write of rows to the spool is reported at once, so that the worker copies them into the
  // table while the next ones are built (IPC messages leave while this thread computes)
  const writer = new PairRowWriter(SPOOL_FD, data.analysisId, (flushed) => void send({ kind: 'flushed', flushed }));
  const { result, walletRanks } = computeRanked(input, { ...data.options, onRowStats: (rows) => void send({ kind: 'rowStats', rows }) }, (pair, index, rank) => writer.add(pair, index, rank));
  writer.flush();
  await send({ kind: 'done', result, pairs: writer.count, tokenUniverse, walletRanks, launchedMints: launchedMintsOf(input) });
}

// the step's data is the first message; a failure (the database away while loading, an invalid
// input) goes back as a message with its text, and the process ends with a non-zero code
process.once('message', (data: SimilarityProcessData) => {
  main(data).then(
    () => process.exit(0),
    async (err: unknown) => {
      await send({ kind: 'failed', message: err instanceof Error ? err.message : String(err) }).catch(() => undefined);
      process.exit(1);
    },
  );
});
