// The worker's three Workers: workflows run on the analysis and enrichment queues; the balances
// queue (balances, token holders, history pages) is served by an activity-only Worker that loads
// no workflow bundle, so the process keeps one workflow isolate fewer (src/temporal/workers.ts).
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { generateWorld } from '../../src/simulator';
import { createWorkers } from '../../src/temporal/workers';
import { TASK_QUEUES } from '../../src/workflows/contract';
import { buildActivityDeps } from '../../src/wiring';
import { testEnv } from '../harness/env';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 7421, wallets: 2, txPerWallet: 5, largeWallet: false });

describe('the Workers of one worker process', () => {
  const opened = useSimulatedStack({ world });

  it('load the workflow bundle for the analysis and enrichment queues only, and serve every activity on each', async () => {
    const { stack } = opened;
    const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
    let workers: Worker[] = [];
    try {
      workers = await createWorkers({
        connection,
        namespace: stack.namespace,
        activities: createActivities(buildActivityDeps(stack.config, stack.pool, stack.redis)),
        concurrency: { balances: 3, analysis: 2, enrichment: 1 },
        workflowBundlePath: testEnv().workflowBundlePath,
        workflowCache: { maxCachedWorkflows: 7, reuseV8Context: true },
      });
      const byQueue = Object.fromEntries(workers.map((w) => [w.options.taskQueue, w.options]));
      expect(Object.keys(byQueue).sort()).toEqual([TASK_QUEUES.analysis, TASK_QUEUES.balances, TASK_QUEUES.enrichment].sort());
      expect(byQueue[TASK_QUEUES.balances].workflowBundle).toBeUndefined();
      expect(byQueue[TASK_QUEUES.analysis].workflowBundle).toEqual({ codePath: testEnv().workflowBundlePath });
      // the enrichment workflows run on the analysis queue: one workflow thread per process
      expect(byQueue[TASK_QUEUES.enrichment].workflowBundle).toBeUndefined();
      expect([...byQueue[TASK_QUEUES.enrichment].activities.keys()]).toEqual(expect.arrayContaining(['enrichTokenBatch', 'planTokenEnrichment']));
      expect(byQueue[TASK_QUEUES.analysis].maxCachedWorkflows).toBe(7);
      // the history activities the wallet syncs schedule on the balances queue are registered there
      expect([...byQueue[TASK_QUEUES.balances].activities.keys()]).toEqual(expect.arrayContaining(['syncWalletAtOnce', 'syncHistoryChunk', 'fetchBalanceBatch']));
    } finally {
      // a Worker created must run before its connection can close: start each and shut it down
      await Promise.all(workers.map((w) => w.runUntil(new Promise((resolve) => setTimeout(resolve, 500)))));
      await connection.close();
    }
  });

  it('a Worker that cannot be created leaves none of the others registered', async () => {
    const { stack } = opened;
    const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
    const base = { connection, namespace: stack.namespace, activities: createActivities(buildActivityDeps(stack.config, stack.pool, stack.redis)), concurrency: { balances: 1, analysis: 1, enrichment: 1 } };
    const held = await createWorkers({ ...base, queues: [TASK_QUEUES.balances] });
    try {
      // a second balances Worker in this process overlaps the first: it fails, the enrichment one beside it was created
      await expect(createWorkers({ ...base, queues: [TASK_QUEUES.enrichment, TASK_QUEUES.balances] })).rejects.toThrow(/overlapping/);
      // and released: an enrichment Worker can be created again
      const again = await createWorkers({ ...base, queues: [TASK_QUEUES.enrichment] });
      expect(again.map((w) => w.options.taskQueue)).toEqual([TASK_QUEUES.enrichment]);
      await Promise.all(again.map((w) => w.runUntil(Promise.resolve())));
    } finally {
      await Promise.all(held.map((w) => w.runUntil(Promise.resolve())));
      await connection.close();
    }
  });
});
