// Entry module of the thread that computes one similarity step (started by similarity-runner.ts):
// it runs computeSimilarity streamed, writes every pair to the spool's file descriptor (opened by
// the activity's thread: descriptors belong to the process) with the same PairRowWriter as the
// PairSpool, and posts back its row statistics, then the result and the ranks (the ranks' buffer
// transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads';
import { computeSimilarity } from '../domain/similarity/compute';
import { PairRowWriter } from '../store/pair-rows';
import type { SimilarityThreadData, SimilarityThreadMessage } from './similarity-runner';

if (parentPort === null) throw new Error('similarity-thread.ts is the entry of a thread started by similarity-runner.ts; it does not run on its own');
const port = parentPort;
const post = (message: SimilarityThreadMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const { input, options, spoolFd } = workerData as SimilarityThreadData;
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
post({ kind: 'done', result, ranks: ranked, pairs: writer.count }, [ranked.buffer as ArrayBuffer]);
