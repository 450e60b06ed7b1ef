// enrichTokenBatch against the real simulator's DexScreener (the activity run in Temporal's activity
// test environment): cancelled while its request is held (its workflow cancelled, or the worker
// shutting down, which cancels running activities at once), it ends as cancelled, the provider sees
// the request given up rather than answered into the void, and the mints are not recorded as failed:
// a cancellation says nothing about them.
import { randomUUID } from 'node:crypto';
import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import Redis from 'ioredis';
import { createEnrichmentActivities } from '../../src/activities/enrichment';
import { generateWorld } from '../../src/simulator';
import { getTokens, mintsNeedingFetch } from '../../src/store/tokens';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { buildActivityDeps } from '../../src/wiring';
import { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { WORKFLOW_TASK_QUEUE, analysisWorkflowId, enrichmentWorkflowId } from '../../src/workflows/contract';
import { useSimulatedStack } from '../harness/stack';
import { until } from '../harness/processes';
import { cancelInFlight } from '../harness/in-flight';

const world = generateWorld({ seed: 7403, wallets: 2, txPerWallet: 4, largeWallet: false });
const mints = world.tokens.slice(0, 3).map((t) => t.mint);

describe('enrichTokenBatch, cancelled', () => {
  // the provider clients wait for an answer longer than the test may take: a held request can only
  // end through the activity's cancellation
  const opened = useSimulatedStack({ world }, { HTTP_READ_TIMEOUT_MS: '600000' });
  afterEach(() => opened.sim.reset({ knobs: true }));

  it('drops the held DexScreener request and ends as cancelled, leaving the mints as they were', async () => {
    opened.sim.reset();
    expect((await mintsNeedingFetch(opened.stack.pool, mints)).sort()).toEqual([...mints].sort()); // registered as pending
    const before = await getTokens(opened.stack.pool, mints);
    opened.sim.configure({ paused: ['dexscreener:tokens'] });
    const { enrichTokenBatch } = createEnrichmentActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    const env = new MockActivityEnvironment();
    const running = env.run(enrichTokenBatch, { mints });
    const cancelled = await cancelInFlight(opened.sim, (r) => r.endpoint === 'dexscreener:tokens', env, running);
    expect(cancelled.requestsWhenCancelled).toBe(1);
    expect(cancelled.outcome).toBeInstanceOf(CancelledFailure);
    expect(cancelled.abandoned).toEqual([true]);
    const after = await getTokens(opened.stack.pool, mints);
    expect(after).toEqual(before);
    expect(after.every((t) => t.status === 'pending')).toBe(true);
  });

  it('the same batch, not cancelled, resolves the mints', async () => {
    opened.sim.reset();
    const { enrichTokenBatch } = createEnrichmentActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    const result: Awaited<ReturnType<typeof enrichTokenBatch>> = await new MockActivityEnvironment().run(enrichTokenBatch, { mints });
    expect(result.resolved + result.unknown).toBe(mints.length);
    expect((await getTokens(opened.stack.pool, mints)).every((t) => t.status === 'resolved' || t.status === 'unknown')).toBe(true);
  });

  it('a batch whose price cache cannot be written (Redis down) still resolves its mints: the registry holds them', async () => {
    opened.sim.reset();
    const cached = world.tokens.slice(12, 15).map((t) => t.mint);
    await mintsNeedingFetch(opened.stack.pool, cached);
    // a Redis nobody answers for the cache (the budget keeps the stack's)
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      const deps = { ...buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis), redis: down };
      const { enrichTokenBatch } = createEnrichmentActivities(deps);
      const result: Awaited<ReturnType<typeof enrichTokenBatch>> = await new MockActivityEnvironment().run(enrichTokenBatch, { mints: cached });
      expect(result.resolved + result.unknown).toBe(cached.length);
      expect((await getTokens(opened.stack.pool, cached)).every((t) => t.status === 'resolved' || t.status === 'unknown')).toBe(true);
    } finally {
      down.disconnect();
    }
  });

  it('a batch DexScreener refuses for good is left to its workflow to record failed (once: each attempt counts once)', async () => {
    opened.sim.reset();
    const refused = world.tokens.slice(9, 12).map((t) => t.mint);
    await mintsNeedingFetch(opened.stack.pool, refused); // registered as pending
    // a path DexScreener does not serve: a 404, which no retry mends
    const config = { ...opened.stack.config, DEXSCREENER_BASE_URL: `${opened.stack.config.DEXSCREENER_BASE_URL}/no-such-api` };
    const { enrichTokenBatch } = createEnrichmentActivities(buildActivityDeps(config, opened.stack.pool, opened.stack.redis));
    await expect(new MockActivityEnvironment().run(enrichTokenBatch, { mints: refused })).rejects.toThrow();
    // the workflow's markTokensFailed records the batch; the activity recording it as well counted two attempts
    expect((await getTokens(opened.stack.pool, refused)).map((t) => [t.status, t.lastError])).toEqual(refused.map(() => ['pending', null]));
  });

  it("an analysis's enrichment that ends without finishing (here cancelled while DexScreener holds a batch) records itself failed, not running for ever", async () => {
    opened.sim.reset();
    const { pool } = opened.stack;
    const analysisId = randomUUID();
    await insertAnalysis(pool, { id: analysisId, workflowId: analysisWorkflowId(analysisId), requestId: null, wallets: [], params: {} });
    await pool.query(`UPDATE analyses SET status = 'completed', result = $2 WHERE id = $1`, [analysisId, JSON.stringify({ tokenUniverse: world.tokens.slice(6, 9).map((t) => t.mint) })]);
    opened.sim.configure({ paused: ['dexscreener:tokens'] });
    await opened.stack.withWorkers(async () => {
      const handle = await opened.stack.client.workflow.start(tokenEnrichmentWorkflow, {
        taskQueue: WORKFLOW_TASK_QUEUE,
        workflowId: enrichmentWorkflowId(analysisId),
        args: [{ analysisId, reason: 'analysis' }],
      });
      await until('the batch request held by the simulator', async () => (opened.sim.requestLog.some((r) => r.endpoint === 'dexscreener:tokens') ? true : undefined), 30_000);
      expect((await getAnalysis(pool, analysisId))?.enrichmentStatus).toBe('running');
      await handle.cancel();
      await expect(handle.result()).rejects.toThrow();
    });
    expect((await getAnalysis(pool, analysisId))?.enrichmentStatus).toBe('failed');
  });

  it('a worker shutting down while DexScreener holds the answer gives the request up instead of waiting it out', async () => {
    opened.sim.reset();
    const others = world.tokens.slice(3, 6).map((t) => t.mint);
    opened.sim.configure({ paused: ['dexscreener:tokens'] });
    const handle = await opened.stack.withWorkers(async () => {
      const started = await opened.stack.client.workflow.start(tokenEnrichmentWorkflow, {
        taskQueue: WORKFLOW_TASK_QUEUE,
        workflowId: `enrich-shutdown-${randomUUID()}`,
        args: [{ mints: others, reason: 'user' }],
      });
      await until('the batch request held by the simulator', async () => (opened.sim.requestLog.some((r) => r.endpoint === 'dexscreener:tokens') ? true : undefined), 30_000);
      return started;
    });
    // the workers are down: the held request was dropped by the cancelled activity, not answered
    const mine = await until(
      'the held request settled',
      async () => {
        const entries = opened.sim.requestLog.filter((r) => r.endpoint === 'dexscreener:tokens');
        return entries.every((r) => r.abandoned !== undefined) ? entries : undefined;
      },
      10_000,
    );
    expect(mine.map((r) => r.abandoned)).toEqual([true]);
    await handle.terminate('test over');
  });
});
