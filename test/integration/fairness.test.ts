// Fair sharing between API keys: the API starts every analysis with its key's fairness key, and its
// children and activities inherit it, so a task queue's backlog is dispatched round-robin between
// keys instead of first-in first-out. Measured on the balances queue with one slot: many analyses of
// one key are backlogged first (one balance batch each), a small one of another key after them; the
// small one's batch must not wait behind the whole backlog. Real API (app.inject), Temporal (fairness enabled on the dev
// server), PostgreSQL, Redis and simulator.
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import { createActivities } from '../../src/activities';
import { generateWorld } from '../../src/simulator';
import { createWorkers } from '../../src/temporal/workers';
import { TASK_QUEUES, analysisWorkflowId } from '../../src/workflows/contract';
import { buildActivityDeps } from '../../src/wiring';
import { testEnv } from '../harness/env';
import { until } from '../harness/processes';
import { useSimulatedStack } from '../harness/stack';

const BIG_KEY = 'big-user-secret-4b1d7e';
const SMALL_KEY = 'small-user-secret-9a0c33';
const world = generateWorld({ seed: 611, wallets: 16, txPerWallet: 6, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
/** the busy key's analyses, two wallets each: one fetchBalanceBatch each (a batch holds up to 100 wallets) */
const bigGroups = Array.from({ length: 7 }, (_, i) => wallets.slice(2 * i, 2 * i + 2));
const small = wallets.slice(14, 16);

describe('fair sharing of the task queues between API keys', () => {
  let app: FastifyInstance;
  const opened = useSimulatedStack(
    { world },
    { API_KEYS: `${BIG_KEY},${SMALL_KEY}`, MAX_WALLETS_PER_ANALYSIS: '20' },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
      },
      beforeClose: async () => {
        for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
        }
        await app?.close();
      },
    },
  );

  const start = async (key: string, group: string[]): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/v1/analyses', headers: { 'x-api-key': key }, payload: { wallets: group } });
    expect(res.statusCode).toBe(202);
    return (res.json() as { analysisId: string }).analysisId;
  };
  const pendingBalanceFetches = async (analysisId: string): Promise<number> => {
    const d = await opened.stack.client.workflow.getHandle(analysisWorkflowId(analysisId)).describe();
    return (d.raw.pendingActivities ?? []).filter((a) => a.activityType?.name === 'fetchBalanceBatch').length;
  };

  it("a small group of one key is not queued behind another key's large backlog, and every start carries its key's fairness key", async () => {
    const { stack } = opened;
    const deps = buildActivityDeps(stack.config, stack.pool, stack.redis);
    const activities = createActivities(deps);
    const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
    try {
      // The analysis and enrichment queues run normally; nothing polls the balances queue yet.
      const others = await createWorkers({
        connection,
        namespace: stack.namespace,
        activities,
        concurrency: { balances: 1, analysis: 10, enrichment: 5 },
        workflowBundlePath: testEnv().workflowBundlePath,
        queues: [TASK_QUEUES.analysis, TASK_QUEUES.enrichment],
      });
      const running = others.map((w) => w.run());
      try {
        const bigIds: string[] = [];
        for (const group of bigGroups) bigIds.push(await start(BIG_KEY, group));
        for (const id of bigIds) await until('the busy key\'s analyses to backlog their balance batches', async () => ((await pendingBalanceFetches(id)) === 1 ? true : undefined));
        const smallId = await start(SMALL_KEY, small);
        await until('the small group to backlog its balance batch', async () => ((await pendingBalanceFetches(smallId)) === 1 ? true : undefined));

        // The fairness key is the key's id (never the key itself).
        const described = await stack.client.workflow.getHandle(analysisWorkflowId(smallId)).describe();
        expect(described.raw.workflowExecutionInfo?.priority?.fairnessKey).toBe(`key:${apiKeyId(SMALL_KEY)}`);
        expect(JSON.stringify(described.raw)).not.toContain(SMALL_KEY);

        // One slot on the balances queue records the order in which the backlog is dispatched.
        const order: string[] = [];
        const balances = await Worker.create({
          connection,
          namespace: stack.namespace,
          taskQueue: TASK_QUEUES.balances,
          workflowBundle: { codePath: testEnv().workflowBundlePath },
          maxConcurrentActivityTaskExecutions: 1,
          // (the wallets' history syncs run on this queue too: their order is not recorded)
          activities: {
            ...activities,
            fetchBalanceBatch: (input: Parameters<typeof activities.fetchBalanceBatch>[0]) => {
              order.push(Context.current().info.workflowExecution?.workflowId ?? 'unknown');
              return activities.fetchBalanceBatch(input);
            },
          },
        });
        const done = Promise.all([...bigIds, smallId].map((id) => stack.client.workflow.getHandle(analysisWorkflowId(id)).result()));
        await balances.runUntil(done);

        expect(order).toHaveLength(bigIds.length + 1);
        const smallPositions = order.flatMap((wf, i) => (wf === analysisWorkflowId(smallId) ? [i] : []));
        // First in, first out would dispatch it last (position 7); round-robin between the two
        // keys dispatches it among the first few.
        expect(smallPositions).toHaveLength(1);
        expect(smallPositions[0]).toBeLessThan(3);
      } finally {
        for (const w of others) w.shutdown();
        await Promise.all(running);
      }
    } finally {
      await connection.close();
    }
  });
});
