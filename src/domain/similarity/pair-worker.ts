// Entry module of a helper thread of all-pairs similarity, started by pairs.ts: it receives one job
// and takes rows until none is left. It imports the same kernel as the calling thread.
import { parentPort } from 'node:worker_threads';
import type { PairJob } from './row-states';
import { helpWithRows } from './row-states';

if (parentPort === null) throw new Error('pair-worker.ts is the entry of a helper thread started by pairs.ts; it does not run on its own');
parentPort.once('message', (job: PairJob) => helpWithRows(job));
