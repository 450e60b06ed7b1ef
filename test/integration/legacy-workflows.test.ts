// Token enrichments started on the enrichment queue by an earlier version (before the enrichment
// workflows moved to the analysis queue) still finish: a worker runs a workflow-only Worker on that
// queue while any is open there, and stops it once none is.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { NativeConnection } from '@temporalio/worker';
import { generateWorld } from '../../src/simulator';
import { TASK_QUEUES } from '../../src/workflows/contract';
import type { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { LegacyWorkflows, openWorkflowsQuery } from '../../src/temporal/legacy-workflows';
import { createLegacyWorkflowWorker } from '../../src/temporal/workers';
import { createLogger } from '../../src/logger';
import { useSimulatedStack } from '../harness/stack';
import { testEnv } from '../harness/env';
import { until } from '../harness/processes';

const world = generateWorld({ seed: 77, wallets: 2, txPerWallet: 10, largeWallet: false });
const mints = (world.tokens as Array<{ mint: string }>).slice(0, 4).map((t) => t.mint).sort();

describe('workflows an earlier version left on the enrichment queue', () => {
  const opened = useSimulatedStack({ world });

  it('are run by a workflow Worker on that queue while any is open, which stops once none is', async () => {
    const { client, namespace } = opened.stack;
    const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
    const legacy = new LegacyWorkflows({
      client,
      taskQueue: TASK_QUEUES.enrichment,
      logger: createLogger('warn', 'legacy-test'),
      everyMs: 200,
      createWorker: () => createLegacyWorkflowWorker({ connection, namespace, workflowBundlePath: testEnv().workflowBundlePath }, TASK_QUEUES.enrichment),
    });
    try {
      await legacy.check();
      expect(legacy.active).toBe(false); // nothing open there: no workflow thread for it

      // as the earlier version started a user's enrichment
      const handle = await client.workflow.start<typeof tokenEnrichmentWorkflow>('tokenEnrichmentWorkflow', {
        taskQueue: TASK_QUEUES.enrichment,
        workflowId: `token-enrichment:user:${randomUUID()}`,
        args: [{ mints, reason: 'user' }],
      });
      // today's Workers alone leave it waiting: none runs workflows on the enrichment queue
      await opened.stack.withWorkers(() => new Promise((resolve) => setTimeout(resolve, 1_500)));
      const waiting = await handle.describe();
      expect(waiting.status.name).toBe('RUNNING');
      expect(waiting.historyLength).toBeLessThanOrEqual(3); // started, its first workflow task scheduled (and perhaps timed out)

      await until('the open workflow to be counted', async () => (Number((await client.workflow.count(openWorkflowsQuery(TASK_QUEUES.enrichment))).count) > 0 ? true : undefined));

      // Temporal away between the count and the Worker's creation: logged, nothing thrown (a check
      // runs from a timer: a rejection there would end the process), tried again at the next check
      const logged: string[] = [];
      const failing = new LegacyWorkflows({
        client,
        taskQueue: TASK_QUEUES.enrichment,
        logger: createLogger('warn', 'legacy-test', new Writable({ write: (chunk, _enc, done) => void (logged.push(String(chunk)), done()) })),
        everyMs: 60_000,
        createWorker: () => Promise.reject(new Error('14 UNAVAILABLE: the namespace could not be described')),
      });
      await expect(failing.check()).resolves.toBeUndefined();
      expect(failing.active).toBe(false);
      expect(logged.map((l) => JSON.parse(l))).toEqual([expect.objectContaining({ level: 40, msg: 'could not start the workflow worker of a legacy queue', open: expect.any(Number) })]);
      await failing.stop();
      await legacy.start();
      expect(legacy.active).toBe(true);
      const result = await opened.stack.withWorkers(() => handle.result());
      expect(result.requested).toBe(mints.length);
      expect(result.resolved + result.unknown).toBe(mints.length);
      expect(opened.sim.requestLog.filter((r) => r.endpoint === 'dexscreener:tokens').length).toBeGreaterThan(0);

      // the periodic check stops the Worker once nothing is open there
      await until('the legacy workflow Worker to stop', async () => (legacy.active ? undefined : true));
    } finally {
      await legacy.stop();
      await connection.close();
    }
  });
});
