import { randomUUID } from 'node:crypto';
import { temporal } from '@temporalio/proto';
import { generateWorld } from '../../src/simulator';
import { recomputeOlderAnalyticsWorkflow, walletAnalyticsWorkflow, walletSyncWorkflow } from '../../src/workflows/wallet-sync';
import { tokenEnrichmentWorkflow, type refreshPopularTokensWorkflow } from '../../src/workflows/token-enrichment';
import { PRIORITY, TASK_QUEUES, WORKFLOW_TASK_QUEUE, enrichmentWorkflowId, progressQuery, walletSyncWorkflowId } from '../../src/workflows/contract';
import { analysisInput, executeAnalysis, startAnalysis } from '../harness/analyses';
import { ANALYSIS_PATCHES_2026_12_06B } from '../../src/workflows/similarity-analysis';
import { activityRuns, runsOldestFirst, searchAttributeWrites } from '../harness/histories';
import { getAnalysis } from '../../src/store/analyses';
import { balanceCacheKey } from '../../src/activities/balances';
import { getTokens } from '../../src/store/tokens';
import { ANALYTICS_SCHEDULE_ID, REFRESH_SCHEDULE_ID, deployRecomputeId, ensureAnalyticsSchedule, ensureRefreshSchedule, startDeployRecompute } from '../../src/temporal/schedules';
import { ENGINE_VERSION } from '../../src/domain';
import { LEG_ORDER } from '../../src/store/swap-legs';
import { lastScheduledRun } from '../harness/schedules';
import { storeAnalyticsOfEngine } from '../harness/wallet-analytics';
import { ownDatabase, useSimulatedStack } from '../harness/stack';
import { RECOMPUTE_WALLET_ATTEMPTS, createSyncActivities } from '../../src/activities/sync';
import { buildActivityDeps } from '../../src/wiring';
import type { Pool } from 'pg';
import { until } from '../harness/processes';
import { localActivityMarkers } from '../../bench/lib/e2e-temporal';

const EventType = temporal.api.enums.v1.EventType;
const world = generateWorld({ seed: 141, wallets: 6, txPerWallet: 60, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

const database = ownDatabase('enrichment_and_sync');

describe('token enrichment, the background schedules and long syncs', () => {
  // its own database: the background recompute it runs goes through every wallet the database holds
  const opened = useSimulatedStack({ world }, { DATABASE_URL: database.url }, database.hooks);

  it('an analysis hands enrichment to a child that finishes in the background and fills the token registry; a rerun asks DexScreener for nothing', async () => {
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    const enrichment = await opened.stack.withWorkers(async () => {
      await executeAnalysis(opened.stack, input);
      return opened.stack.client.workflow.getHandle<typeof tokenEnrichmentWorkflow>(enrichmentWorkflowId(input.analysisId)).result();
    });
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.enrichmentStatus).toBe('completed');
    expect(stored?.enrichmentWorkflowId).toBe(enrichmentWorkflowId(input.analysisId));
    const universe = stored?.result?.tokenUniverse as string[];
    expect(universe.length).toBeGreaterThan(5);
    expect(enrichment.requested).toBe(universe.length);
    expect(enrichment.resolved + enrichment.unknown).toBe(universe.length);

    const tokens = await getTokens(opened.stack.pool, universe);
    for (const t of tokens) {
      const known = world.tokens.find((w: { mint: string }) => w.mint === t.mint) as { symbol: string; pools?: unknown[] } | undefined;
      if (t.status === 'resolved') {
        expect(t.symbol).toBe(known?.symbol);
        expect(t.priceUsd).toBeGreaterThan(0);
        expect(await opened.stack.redis.get(`token_price:${t.mint}`)).toBe(String(t.priceUsd));
      } else {
        expect(t.status).toBe('unknown');
        expect(new Date(t.nextAttemptAt as string).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
      }
    }

    opened.sim.reset();
    const again = await opened.stack.withWorkers(() =>
      opened.stack.client.workflow.execute(tokenEnrichmentWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `rerun-${randomUUID()}`, args: [{ analysisId: input.analysisId, reason: 'user' }] }),
    );
    expect(again).toEqual({ requested: universe.length, fresh: universe.length, resolved: 0, unknown: 0, failedBatches: 0, fetchingElsewhere: 0 });
    expect(opened.sim.requestLog.filter((r) => r.provider === 'dexscreener')).toEqual([]);

    // a second analysis of the same wallets: every token of its universe is fresh, so it starts no
    // enrichment workflow (ENRICH_WHEN_NEEDED_PATCH) and its row says the enrichment is done
    const second = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    // its balances fetched again (not cached: with them cached it would run no balances activity, see local-steps.test.ts)
    await opened.stack.redis.del(...wallets.map(balanceCacheKey));
    const { summary, progress, history } = await opened.stack.withWorkers(async () => {
      const handle = await startAnalysis(opened.stack, second);
      const result = await handle.result();
      return { summary: result, progress: await handle.query(progressQuery), history: await handle.fetchHistory() };
    });
    expect(summary.tokensToEnrich).toBe(0);
    expect(progress.enrichment).toEqual({ state: 'not_needed', workflowId: null });
    const secondRow = await getAnalysis(opened.stack.pool, second.analysisId);
    expect(secondRow?.enrichmentStatus).toBe('completed');
    expect(secondRow?.enrichmentWorkflowId).toBeNull();
    // recorded by the statement that completes the analysis: one transaction, one now()
    const { rows: times } = await opened.stack.pool.query<{ same: boolean }>('SELECT completed_at = enrichment_completed_at AS same FROM analyses WHERE id = $1', [second.analysisId]);
    expect(times).toEqual([{ same: true }]);
    const events = history.events ?? [];
    expect(events.some((e) => e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED)).toBe(false);
    const patches = events
      .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')
      .map((e) => JSON.parse(Buffer.from(e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? []).toString()).id as string);
    // today's analysis records one patch marker, which stands for ENRICH_WHEN_NEEDED_PATCH and the others
    expect(patches).toEqual([ANALYSIS_PATCHES_2026_12_06B]);
    // started as the API starts it, listed as running with its group: the workflow's one upsert is its end
    expect(searchAttributeWrites(history)).toEqual({
      started: { Wallets: wallets, WalletCount: wallets.length, AnalysisStatus: 'running' },
      upserts: [{ AnalysisStatus: 'completed' }],
    });
    // its statuses and its similarity step ran as local activities, inside the workflow's tasks: one
    // task-queue activity (the balances, a provider call) and two workflow tasks in all (a third
    // only if a local activity ran past 8 s on a loaded machine: its task is then extended)
    expect(localActivityMarkers(events).map((m) => m.activityType)).toEqual(['getWalletStatuses', 'computeGroupSimilarity']);
    expect(events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []))).toEqual(['fetchBalanceBatch']);
    expect(events.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length).toBeLessThan(4);
    await expect(opened.stack.client.workflow.getHandle(enrichmentWorkflowId(second.analysisId)).describe()).rejects.toThrow(/not found/i);
    expect(opened.sim.requestLog.filter((r) => r.provider === 'dexscreener')).toEqual([]);
  });

  it('creates the 10-minute refresh schedule once, and a triggered run re-enriches the most-held tokens', async () => {
    expect(await ensureRefreshSchedule(opened.stack.client)).toBe('created');
    expect(await ensureRefreshSchedule(opened.stack.client)).toBe('exists');
    const schedule = opened.stack.client.schedule.getHandle(REFRESH_SCHEDULE_ID);
    const description = await schedule.describe();
    expect(description.spec.intervals?.map((i) => i.every)).toEqual([600_000]);
    expect(description.action.type).toBe('startWorkflow');

    await opened.stack.pool.query(`UPDATE tokens SET price_fetched_at = now() - interval '1 hour'`);
    opened.sim.reset();
    await opened.stack.withWorkers(async () => {
      await schedule.trigger();
      const run = await lastScheduledRun(opened.stack.client, REFRESH_SCHEDULE_ID);
      const result = await opened.stack.client.workflow.getHandle<typeof refreshPopularTokensWorkflow>(run.workflowId, run.runId).result();
      expect(result.requested).toBeGreaterThan(0);
    });
    expect(opened.sim.requestLog.filter((r) => r.endpoint === 'dexscreener:tokens').length).toBeGreaterThan(0);
    await schedule.delete();
  });

  it("moves the action of a refresh schedule made by an earlier version (its runs started on the enrichment queue) to the workflows' queue", async () => {
    const schedule = await opened.stack.client.schedule.create({
      scheduleId: REFRESH_SCHEDULE_ID,
      spec: { intervals: [{ every: '10 minutes' }] },
      action: { type: 'startWorkflow', workflowType: 'refreshPopularTokensWorkflow', workflowId: REFRESH_SCHEDULE_ID, taskQueue: TASK_QUEUES.enrichment, args: [{ limit: 300 }] },
    });
    try {
      expect(await ensureRefreshSchedule(opened.stack.client)).toBe('moved');
      const description = await schedule.describe();
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'refreshPopularTokensWorkflow', workflowId: REFRESH_SCHEDULE_ID, taskQueue: WORKFLOW_TASK_QUEUE, args: [{ limit: 300 }] });
      expect(description.spec.intervals?.map((i) => i.every)).toEqual([600_000]);
      expect(await ensureRefreshSchedule(opened.stack.client)).toBe('exists');
    } finally {
      await schedule.delete();
    }
  });

  /** Each wallet's stored engine version, and whether its PnL totals hold the failed transactions' fees (2.19.0's, which older engines' lack). */
  const storedEngines = async () => {
    const { rows } = await opened.stack.pool.query<{ wallet: string; engine_version: string; fees: boolean }>(
      `SELECT wallet, engine_version, pnl->'totals' ? 'failedFeesSol' AS fees FROM wallet_analytics WHERE wallet = ANY($1)`,
      [wallets],
    );
    return Object.fromEntries(rows.map((r) => [r.wallet, `${r.engine_version}${r.fees ? '' : ' (no fees)'}`]));
  };
  /** Every wallet's analytics computed by this engine but `changed`'s. */
  const enginesBut = (changed: Record<string, string>) => ({ ...Object.fromEntries(wallets.map((w) => [w, ENGINE_VERSION])), ...changed });
  /** The batches a recompute run scheduled: each one's input and priority. */
  const batchesOf = async (workflowId: string, runId?: string) =>
    (await activityRuns<{ after: unknown }, unknown>(opened.stack.client.workflow.getHandle(workflowId, runId), 'recomputeOlderAnalytics')).map((r) => ({ input: r.input, priority: r.priority }));

  it("the analytics recompute: the schedule made once (every 10 minutes); each engine's first worker starts one run, which workers starting meanwhile join and later ones find done; a run computes again, at background priority, what an older engine computed, but not a wallet a live sync holds nor a newer engine's", async () => {
    const { pool, client } = opened.stack;
    const [a, b, held, newer] = wallets;
    for (const w of [a, b, held]) await storeAnalyticsOfEngine(pool, w, '2.18.0');
    // a worker of a newer engine deployed ahead of this one
    await storeAnalyticsOfEngine(pool, newer, '99.0.0');
    await pool.query(`UPDATE wallets SET sync_state = 'syncing', sync_lease_until = now() + interval '10 minutes' WHERE address = $1`, [held]);
    const schedule = client.schedule.getHandle(ANALYTICS_SCHEDULE_ID);
    try {
      expect(await ensureAnalyticsSchedule(client)).toBe('created');
      expect(await ensureAnalyticsSchedule(client)).toBe('exists');
      const description = await schedule.describe();
      expect(description.spec.intervals?.map((i) => i.every)).toEqual([600_000]);
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'recomputeOlderAnalyticsWorkflow', taskQueue: WORKFLOW_TASK_QUEUE, args: [{}] });
      expect(description.policies.overlap).toBe('SKIP');
      // no run on the clock's 10 minutes during the test (a trigger still starts one)
      await schedule.pause('enrichment-and-sync.test');

      // two workers of this engine start: one run, which waits for the workers
      expect(await startDeployRecompute(client, ENGINE_VERSION)).toBe('running');
      expect(await startDeployRecompute(client, ENGINE_VERSION)).toBe('running');
      const deployRun = client.workflow.getHandle<typeof recomputeOlderAnalyticsWorkflow>(deployRecomputeId(ENGINE_VERSION));
      expect(await opened.stack.withWorkers(() => deployRun.result())).toEqual({ refreshed: 2, syncing: 1, unchanged: 0, failed: 0, batches: 1 });
      expect(await storedEngines()).toEqual(enginesBut({ [held]: '2.18.0 (no fees)', [newer]: '99.0.0 (no fees)' }));
      expect(await batchesOf(deployRecomputeId(ENGINE_VERSION))).toEqual([
        { input: { after: null, maxWallets: 200, budgetMs: 5_000, minEngine: ENGINE_VERSION }, priority: PRIORITY.background },
      ]);
      // a worker that starts after it completed starts none
      expect(await startDeployRecompute(client, ENGINE_VERSION)).toBe('done');
      const runs: string[] = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${deployRecomputeId(ENGINE_VERSION)}'` })) runs.push(wf.runId);
      expect(runs).toHaveLength(1);

      // the schedule's run (triggered here) computes what the deploy's could not reach: the held wallet, once its sync is over
      await pool.query(`UPDATE wallets SET sync_state = 'synced', sync_lease_until = NULL WHERE address = $1`, [held]);
      await schedule.trigger();
      const scheduled = await lastScheduledRun(client, ANALYTICS_SCHEDULE_ID);
      const scheduledRun = client.workflow.getHandle<typeof recomputeOlderAnalyticsWorkflow>(scheduled.workflowId, scheduled.runId);
      expect(await opened.stack.withWorkers(() => scheduledRun.result())).toEqual({ refreshed: 1, syncing: 0, unchanged: 0, failed: 0, batches: 1 });
      expect(await storedEngines()).toEqual(enginesBut({ [newer]: '99.0.0 (no fees)' }));
    } finally {
      await pool.query(`UPDATE wallets SET sync_state = 'synced', sync_lease_until = NULL WHERE address = $1`, [held]);
      await schedule.delete();
    }
  });

  it("a deploy's run that a worker of an older engine takes is left to a newer worker: its batch fails, to be retried, and nothing is computed; a schedule's run meanwhile leaves the wallets to it", async () => {
    const { pool, client } = opened.stack;
    for (const w of wallets) await storeAnalyticsOfEngine(pool, w, '2.18.0');
    // the run of an engine newer than this worker's
    expect(await startDeployRecompute(client, '99.0.0')).toBe('running');
    const run = client.workflow.getHandle(deployRecomputeId('99.0.0'));
    try {
      const failure = await opened.stack.withWorkers(() =>
        until('a second attempt of its batch', async () => {
          const pending = (await run.describe()).raw.pendingActivities?.[0];
          return pending && (pending.attempt ?? 0) >= 2 ? pending.lastFailure?.message : undefined;
        }),
      );
      expect(failure).toBe(`this worker's engine ${ENGINE_VERSION} is older than 99.0.0, whose figures this run computes: left to a newer worker`);
      expect(await storedEngines()).toEqual(Object.fromEntries(wallets.map((w) => [w, '2.18.0 (no fees)'])));
      // a run as the schedule starts them, meanwhile: it leaves the wallets to the one under way
      const deferred = await opened.stack.withWorkers(() =>
        client.workflow.execute(recomputeOlderAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `recompute-${randomUUID()}`, args: [{}] }),
      );
      expect(deferred).toEqual({ refreshed: 0, syncing: 0, unchanged: 0, failed: 0, batches: 1, deferredTo: deployRecomputeId('99.0.0') });
      expect(await storedEngines()).toEqual(Object.fromEntries(wallets.map((w) => [w, '2.18.0 (no fees)'])));
    } finally {
      await run.terminate('the test is over');
      // listed as closed before the next test's run looks for one under way
      await until('the run listed as closed', async () => {
        const running: string[] = [];
        for await (const wf of client.workflow.list({ query: `WorkflowType = 'recomputeOlderAnalyticsWorkflow' AND ExecutionStatus = 'Running'` })) running.push(wf.workflowId);
        return running.length === 0 ? true : undefined;
      });
    }
  });

  it('a recompute goes through the wallets in batches, each after the last wallet of the one before, continues as new with its totals, and passes over a wallet whose figures cannot be computed', async () => {
    const { pool, client } = opened.stack;
    for (const w of wallets) await storeAnalyticsOfEngine(pool, w, '2.18.0');
    // one wallet's first stored leg made unreadable (its raw amount no integer): computing its PnL throws
    const broken = wallets[2];
    const { rows: legs } = await pool.query<{ leg_key: string; leg: { rawAmount: string } }>(`SELECT leg_key, leg FROM swap_legs WHERE wallet = $1 ORDER BY ${LEG_ORDER} LIMIT 1`, [broken]);
    expect(legs).toHaveLength(1);
    await pool.query(`UPDATE swap_legs SET leg = jsonb_set(leg, '{rawAmount}', '"not a number"') WHERE leg_key = $1`, [legs[0].leg_key]);
    try {
      const workflowId = `recompute-${randomUUID()}`;
      const totals = await opened.stack.withWorkers(() =>
        client.workflow.execute(recomputeOlderAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId, args: [{ batchSize: 2, batchesPerRun: 2 }] }),
      );
      // 6 wallets, 2 a batch: 3 batches, and a 4th that finds none left
      expect(totals).toEqual({ refreshed: 5, syncing: 0, unchanged: 0, failed: 1, batches: 4 });
      expect(await storedEngines()).toEqual(enginesBut({ [broken]: '2.18.0 (no fees)' }));
      // two runs continued as new, each of 2 batches; each batch after the last wallet of the one before
      // (in PostgreSQL's order of addresses, which its collation sets)
      const { rows: ordered } = await pool.query<{ wallet: string }>('SELECT wallet FROM wallet_analytics WHERE wallet = ANY($1) ORDER BY wallet', [wallets]);
      const listed = await until('both runs listed', async () => {
        const runs = await runsOldestFirst(client, workflowId);
        return runs.length === 2 ? runs : undefined;
      });
      const afters = [];
      for (const runId of listed) afters.push(...(await batchesOf(workflowId, runId)).map((b) => b.input.after));
      expect(afters).toEqual([null, ...[1, 3, 5].map((i) => ({ engineVersion: '2.18.0', wallet: ordered[i].wallet }))]);
    } finally {
      await pool.query('UPDATE swap_legs SET leg = $2 WHERE leg_key = $1', [legs[0].leg_key, legs[0].leg]);
    }
  });

  /**
   * The test stack's pool, but a statement that stores a wallet's figures computed again is refused
   * with `refusal(wallet, n)`'s error when it gives one (n: such statements so far, this one included).
   */
  const refusingStores = (refusal: (wallet: string, n: number) => Error | undefined): Pool => {
    let stores = 0;
    return new Proxy(opened.stack.pool, {
      get(target, key) {
        if (key !== 'query') {
          const value = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return (...args: Parameters<Pool['query']>) => {
          const params = args[1] as unknown[] | undefined;
          const err = typeof args[0] === 'string' && args[0].startsWith('UPDATE wallet_analytics SET pnl') ? refusal(String(params?.[0]), ++stores) : undefined;
          return err ? Promise.reject(err) : (target.query as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
  };
  /** Sync activities on `pool` whose recomputes are tallied in `observed` (as the worker's metrics count them), by trigger and outcome. */
  const observedActivities = (pool: Pool) => {
    const observed: Record<string, number> = {};
    const activities = createSyncActivities({
      ...buildActivityDeps(opened.stack.config, pool, opened.stack.redis),
      recomputed: (trigger, outcome) => void (observed[`${trigger} ${outcome}`] = (observed[`${trigger} ${outcome}`] ?? 0) + 1),
    });
    return { activities, observed };
  };
  /** A recompute run on the test's workers, its batches on `pool`: its totals, its batch's attempts and the recomputes observed. */
  const recomputeOn = async (pool: Pool) => {
    const { activities, observed } = observedActivities(pool);
    const workflowId = `recompute-${randomUUID()}`;
    const totals = await opened.stack.withWorkers(
      () => opened.stack.client.workflow.execute(recomputeOlderAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId, args: [{}] }),
      { activities: { recomputeOlderAnalytics: activities.recomputeOlderAnalytics } },
    );
    const batches = await activityRuns(opened.stack.client.workflow.getHandle(workflowId), 'recomputeOlderAnalytics');
    return { totals, attempts: batches.map((b) => b.attempt), observed };
  };

  it('a recompute whose batch loses PostgreSQL mid-way is retried from the last wallet it finished, its counts kept', async () => {
    for (const w of wallets) await storeAnalyticsOfEngine(opened.stack.pool, w, '2.18.0');
    // the session ends as a restart would, once, when the third wallet's figures are about to be stored
    const seen: number[] = [];
    const { totals, attempts, observed } = await recomputeOn(refusingStores((_wallet, n) => (seen.push(n), n === 3 ? new Error('Connection terminated unexpectedly') : undefined)));
    // begun again from the start, the retry would count only the 4 wallets still left
    expect(totals).toEqual({ refreshed: 6, syncing: 0, unchanged: 0, failed: 0, batches: 1 });
    // the worker's metrics count each wallet once, whichever attempt computed it
    expect(observed).toEqual({ 'background refreshed': 6 });
    expect(seen).toHaveLength(7);
    expect(await storedEngines()).toEqual(enginesBut({}));
    expect(attempts).toEqual([2]);
  });

  it('a wallet on which PostgreSQL refuses its batch attempt after attempt (not for its data) is passed over after the third, and the wallets after it computed', async () => {
    for (const w of wallets) await storeAnalyticsOfEngine(opened.stack.pool, w, '2.18.0');
    const stuck = wallets[3];
    // XX001: a damaged page of the table, on every store of that wallet's figures
    const { totals, attempts, observed } = await recomputeOn(refusingStores((wallet) => (wallet === stuck ? Object.assign(new Error('could not read block 7 in file "base/16384/16385"'), { code: 'XX001' }) : undefined)));
    expect(totals).toEqual({ refreshed: 5, syncing: 0, unchanged: 0, failed: 1, batches: 1 });
    expect(observed).toEqual({ 'background refreshed': 5, 'background failed': 1 });
    expect(await storedEngines()).toEqual(enginesBut({ [stuck]: '2.18.0 (no fees)' }));
    // three attempts failed on it; the fourth passed it over
    expect(attempts).toEqual([RECOMPUTE_WALLET_ATTEMPTS + 1]);
  });

  it("a read's recompute (walletAnalyticsWorkflow) is counted as the read's: refreshed, then unchanged once current, and left to a live sync", async () => {
    const { pool, client } = opened.stack;
    const wallet = wallets[0];
    const { activities, observed } = observedActivities(pool);
    const read = () => client.workflow.execute(walletAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `wallet-analytics-${randomUUID()}`, args: [{ wallet }] });
    await storeAnalyticsOfEngine(pool, wallet, '2.18.0');
    const outcomes = await opened.stack.withWorkers(
      async () => {
        const first = await read();
        const again = await read();
        await storeAnalyticsOfEngine(pool, wallet, '2.18.0');
        await pool.query(`UPDATE wallets SET sync_state = 'syncing', sync_lease_until = now() + interval '1 minute' WHERE address = $1`, [wallet]);
        try {
          return [first, again, await read()];
        } finally {
          await pool.query(`UPDATE wallets SET sync_state = 'synced', sync_lease_until = NULL WHERE address = $1`, [wallet]);
        }
      },
      { activities: { refreshWalletAnalytics: activities.refreshWalletAnalytics } },
    );
    expect(outcomes).toEqual([
      { refreshed: true, engineVersion: ENGINE_VERSION },
      { refreshed: false, engineVersion: ENGINE_VERSION },
      { refreshed: false, engineVersion: '2.18.0', syncing: true },
    ]);
    expect(observed).toEqual({ 'read refreshed': 1, 'read unchanged': 1, 'read syncing': 1 });
    // left as the other tests expect it
    expect(await opened.stack.withWorkers(read)).toEqual({ refreshed: true, engineVersion: ENGINE_VERSION });
    expect((await storedEngines())[wallet]).toBe(ENGINE_VERSION);
  });

  it('a long wallet sync continues as new and still stores the complete history once', async () => {
    const wallet = wallets[0];
    await opened.stack.pool.query('DELETE FROM wallets WHERE address = $1', [wallet]);
    const workflowId = walletSyncWorkflowId(wallet);
    const startedAfter = new Date(Date.now() - 1000).toISOString();
    const result = await opened.stack.withWorkers(() =>
      opened.stack.client.workflow.execute(walletSyncWorkflow, {
        taskQueue: TASK_QUEUES.analysis,
        workflowId,
        args: [{ wallet, sinceTimestamp: null, maxPagesPerChunk: 1, chunksBeforeContinueAsNew: 1 }],
      }),
    );
    const total = opened.sim.world.historyLength(opened.sim.world.indexOf(wallet)!);
    expect(result).toMatchObject({ wallet, transactions: total, historyComplete: true });
    // every run of this sync but the last ended by continuing as new
    // (Temporal's visibility store lists a run a moment after it: listed again until the last run is there)
    const lastRun = (await opened.stack.client.workflow.getHandle(workflowId).describe()).runId;
    const runs = await until('every run of the sync listed', async () => {
      const listed: string[] = [];
      for await (const wf of opened.stack.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND StartTime >= '${startedAfter}'` })) listed.push(wf.runId);
      return listed.includes(lastRun) ? listed : undefined;
    }, 20_000);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    let continued = 0;
    for (const runId of runs) {
      const history = await opened.stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
      const last = history.events?.[history.events.length - 1];
      if (last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) continued += 1;
    }
    expect(continued).toBe(runs.length - 1);
    const { rows } = await opened.stack.pool.query('SELECT transaction_count, history_complete, (SELECT count(*)::int FROM wallet_transactions WHERE wallet = $1) AS n FROM wallets WHERE address = $1', [wallet]);
    expect(rows[0]).toEqual({ transaction_count: total, history_complete: true, n: total });
  });

  it('a sync requested before another sync of the wallet completed fetches nothing and reports that sync instead', async () => {
    const wallet = wallets[1];
    const workflowId = walletSyncWorkflowId(wallet);
    const sync = (skipIfSyncedAfter: string | null) =>
      opened.stack.client.workflow.execute(walletSyncWorkflow, { taskQueue: TASK_QUEUES.analysis, workflowId, args: [{ wallet, sinceTimestamp: null, skipIfSyncedAfter }] });
    await opened.stack.withWorkers(async () => {
      // an analysis checks the wallet (it needs a sync) ...
      const [checked] = await opened.stack.pool.query('SELECT now() AS now').then((r) => r.rows.map((row) => new Date(row.now).toISOString()));
      // ... another analysis's sync completes meanwhile ...
      const first = await sync(null);
      expect(first.skipped).toBeUndefined();
      const { rows: before } = await opened.stack.pool.query('SELECT last_synced_at, leg_count, transaction_count FROM wallets WHERE address = $1', [wallet]);
      expect(before[0].transaction_count).toBe(opened.sim.world.historyLength(opened.sim.world.indexOf(wallet)!));
      opened.sim.reset();
      // ... so the first analysis's own sync, started later, has nothing to do
      const second = await sync(checked);
      expect(second).toEqual({ wallet, pages: 0, transactions: 0, newLegs: 0, historyComplete: true, legs: before[0].leg_count, skipped: true });
      expect(opened.sim.requestLog.filter((r) => r.provider === 'helius')).toEqual([]);
      const { rows: after } = await opened.stack.pool.query('SELECT last_synced_at, sync_state FROM wallets WHERE address = $1', [wallet]);
      expect(after[0]).toEqual({ last_synced_at: before[0].last_synced_at, sync_state: 'synced' });
      // a request made after that sync completed still syncs (incrementally: one page down to the watermark)
      const { rows: now } = await opened.stack.pool.query('SELECT now() AS now');
      const third = await sync(new Date(now[0].now).toISOString());
      expect(third.skipped).toBeUndefined();
      expect(opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history').length).toBe(1);
    });
  });
});
