import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { generateWorld } from '../../src/simulator';
import { refreshPopularTokensWorkflow, tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { createEnrichmentActivities } from '../../src/activities/enrichment';
import { buildActivityDeps } from '../../src/wiring';
import { smokeWorkflow } from '../../src/workflows/smoke';
import { recomputeOlderAnalyticsWorkflow, walletAnalyticsWorkflow, walletSyncWorkflow } from '../../src/workflows/wallet-sync';
import { TASK_QUEUES, WORKFLOW_TASK_QUEUE, analysisWorkflowId, enrichmentWorkflowId, runningSearchAttributes, waitForAnalysisUpdate, walletAnalyticsWorkflowId, walletSyncWorkflowId, watchDeliveryWorkflowId, watchScheduleId } from '../../src/workflows/contract';
import { similarityAnalysisWorkflow } from '../../src/workflows/similarity-analysis';
import { analysisInput, analysisRequest, executeAnalysis, insertAnalysisRow } from '../harness/analyses';
import { listWatchRuns } from '../../src/store/watch-runs';
import { insertWatch } from '../../src/store/watches';
import { newWebhookSecret } from '../../src/providers/webhooks';
import { watchRunWorkflow } from '../../src/workflows/watch-run';
import { sweepWatchDeliveriesWorkflow } from '../../src/workflows/watch-delivery';
import { until } from '../harness/processes';
import { ownDatabase, useSimulatedStack } from '../harness/stack';
import { testEnv } from '../harness/env';
import { runsOldestFirst, saveHistory } from '../harness/histories';
import { storeAnalyticsOfEngine } from '../harness/wallet-analytics';
import { resolveTemporalCli } from '../../src/temporal/dev-server';

const run = promisify(execFile);

// Runs one workflow of every type, then replays each fresh history against the current bundle.
// With RECORD_HISTORIES=1 it also writes them to test/histories/, which test/unit/replay.test.ts
// replays on every run (so a change that breaks running workflows fails there); with
// RECORD_HISTORIES=<name>,<name> only those, keeping older recordings as backward-compatibility checks.
// A recording of a patched workflow is named for the newest patch of the code that made it, so that
// recording today's code writes a new file beside the older ones (test/unit/replay.test.ts checks
// each file's patch markers against its name).
const record = (name: string): boolean => {
  const wanted = process.env.RECORD_HISTORIES;
  return wanted === '1' || (!!wanted && wanted.split(',').includes(name));
};
const world = generateWorld({ seed: 53, wallets: 4, txPerWallet: 150, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

const database = ownDatabase('replay_record');

describe('histories of every workflow type replay without non-determinism', () => {
  // its own database: the background recompute it runs goes through every wallet the database holds
  // a watch run's webhook goes to a receiver on 127.0.0.1
  const opened = useSimulatedStack({ world }, { DATABASE_URL: database.url, WATCH_WEBHOOK_PRIVATE_ADDRESSES: 'true' }, database.hooks);
  const receiver = createServer((req, res) => void req.resume().on('end', () => res.writeHead(204).end()));
  beforeAll(() => new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve)));
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('records and replays smoke, analysis, wallet sync (with continue-as-new), enrichment, refresh and analytics workflows', async () => {
    const analysisId = `replay-${randomUUID()}`;
    const input = analysisInput({ wallets, sync: 'force' }, { analysisId, requestId: 'replay', tuning: { pollIntervalMs: 200, maxPagesPerChunk: 1, chunksBeforeContinueAsNew: 1 } });
    const recorded: Array<{ name: string; workflowId: string; runId?: string }> = [];
    const requestedAt = new Date((await opened.stack.pool.query('SELECT now() AS now')).rows[0].now).toISOString();
    await opened.stack.withWorkers(async () => {
      const smokeId = `smoke-${randomUUID()}`;
      await opened.stack.client.workflow.execute(smokeWorkflow, { taskQueue: TASK_QUEUES.analysis, workflowId: smokeId, args: ['replay'] });
      recorded.push({ name: 'smoke', workflowId: smokeId });

      await executeAnalysis(opened.stack, input);
      // 'similarity-analysis' (before patched('group-size-limits')) and 'similarity-analysis-sized'
      // (before patched('api-owns-analysis-row'), legacy input shape), 'similarity-analysis-api-row'
      // (before patched('balance-batches')), 'similarity-analysis-balance-batches' (before
      // patched('sync-steps')), 'similarity-analysis-sync-steps' (each patch its own marker, before
      // patched('analysis-patches-2026-11')) and 'similarity-analysis-one-patch' (before
      // LOCAL_STEPS_PATCH: every step a task-queue activity) and 'similarity-analysis-local-steps'
      // (before ANALYSIS_PATCHES_2026_12_02: the search attributes upserted at the start) and
      // 'similarity-analysis-patches-2026-12-02' (before ANALYSIS_PATCHES_2026_12_03: a sync step per
      // wallet) and 'similarity-analysis-patches-2026-12-03' (before ANALYSIS_PATCHES_2026_12_06: a busy
      // wallet's step waited on timers of its own) and 'similarity-analysis-patches-2026-12-06' (before
      // ANALYSIS_PATCHES_2026_12_06B: no bound on the history of the wait for syncs) are kept as recorded: they check that analyses started by older code still replay;
      // this is today's code's recording (the balance batch scheduled first, then the four wallets'
      // syncs in one step of one page each, each continued in a child; the statuses and the
      // similarity step as local activities; started with its search attributes, as the API starts it)
      recorded.push({ name: 'similarity-analysis-patches-2026-12-06b', workflowId: analysisWorkflowId(analysisId) });
      await opened.stack.client.workflow.getHandle(enrichmentWorkflowId(analysisId)).result();
      recorded.push({ name: 'token-enrichment', workflowId: enrichmentWorkflowId(analysisId) });

      // started as POST /v1/analyses?wait= starts it: Update-with-Start, the update waiting for the end
      const waited = analysisInput({ wallets, sync: 'auto' }, { requestId: 'replay-wait', tuning: { pollIntervalMs: 200 } });
      await insertAnalysisRow(opened.stack.pool, waited);
      const startWorkflowOperation = new WithStartWorkflowOperation(similarityAnalysisWorkflow, {
        taskQueue: TASK_QUEUES.analysis,
        workflowId: analysisWorkflowId(waited.analysisId),
        args: [waited],
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: runningSearchAttributes(wallets),
      });
      const answer = await opened.stack.client.workflow.executeUpdateWithStart(waitForAnalysisUpdate, { args: [{ seconds: 60 }], startWorkflowOperation });
      expect(answer).toEqual({ phase: 'completed' });
      // of wallets whose tokens the first analysis's enrichment has just made fresh: no enrichment child
      // (patched('enrich-when-needed')); 'similarity-analysis-wait' is kept as recorded before that patch,
      // 'similarity-analysis-wait-no-enrichment' before patched('analysis-patches-2026-11') and
      // 'similarity-analysis-wait-one-patch' before LOCAL_STEPS_PATCH, 'similarity-analysis-wait-local-steps'
      // before ANALYSIS_PATCHES_2026_12_02, 'similarity-analysis-wait-patches-2026-12-02' before ANALYSIS_PATCHES_2026_12_03
      // and 'similarity-analysis-wait-patches-2026-12-03' before ANALYSIS_PATCHES_2026_12_06, 'similarity-analysis-wait-patches-2026-12-06'
      // before ANALYSIS_PATCHES_2026_12_06B
      recorded.push({ name: 'similarity-analysis-wait-patches-2026-12-06b', workflowId: analysisWorkflowId(waited.analysisId) });

      const syncId = walletSyncWorkflowId(wallets[0]);
      const syncRuns = await runsOldestFirst(opened.stack.client, syncId);
      // 'wallet-sync-continued', '-final' and '-skipped' (before patched('sync-at-once')) are kept as
      // recorded; these are the first run (continuing the analysis's sync step, one page, continued
      // as new) and the last
      recorded.push({ name: 'wallet-sync-at-once-continued', workflowId: syncId, runId: syncRuns[0] });
      recorded.push({ name: 'wallet-sync-at-once-final', workflowId: syncId, runId: syncRuns[syncRuns.length - 1] });

      // a sync requested before the analysis's sync of that wallet completed: skipped, nothing fetched
      const skippedId = walletSyncWorkflowId(wallets[1]);
      const skipped = await opened.stack.client.workflow.execute(walletSyncWorkflow, {
        taskQueue: TASK_QUEUES.analysis,
        workflowId: skippedId,
        args: [{ wallet: wallets[1], sinceTimestamp: null, skipIfSyncedAfter: requestedAt }],
      });
      expect(skipped.skipped).toBe(true);
      recorded.push({ name: 'wallet-sync-at-once-skipped', workflowId: skippedId });

      // a synced wallet's next sync: its new pages down to the watermark, the watermark, analytics and the end, all in syncWalletAtOnce
      const againId = walletSyncWorkflowId(wallets[2]);
      const again = await opened.stack.client.workflow.execute(walletSyncWorkflow, { taskQueue: TASK_QUEUES.analysis, workflowId: againId, args: [{ wallet: wallets[2], sinceTimestamp: null }] });
      expect(again.skipped).toBeUndefined();
      const againHistory = await opened.stack.client.workflow.getHandle(againId).fetchHistory();
      const activities = (againHistory.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name] : []));
      expect(activities).toEqual(['syncWalletAtOnce']);
      recorded.push({ name: 'wallet-sync-at-once', workflowId: againId });

      const refreshId = `refresh-${randomUUID()}`;
      await opened.stack.client.workflow.execute(refreshPopularTokensWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: refreshId, args: [{ limit: 50 }] });
      recorded.push({ name: 'refresh-popular-tokens', workflowId: refreshId });

      // analytics an older engine computed: one wallet's computed again as GET /v1/wallets/{address}
      // asks, then the others' in the background, a batch of one wallet at a time, two batches a run
      for (const w of wallets) await storeAnalyticsOfEngine(opened.stack.pool, w, '2.18.0');
      const oneId = walletAnalyticsWorkflowId(wallets[0]);
      expect((await opened.stack.client.workflow.execute(walletAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: oneId, args: [{ wallet: wallets[0] }] })).refreshed).toBe(true);
      recorded.push({ name: 'wallet-analytics', workflowId: oneId });
      const recomputeId = `recompute-${randomUUID()}`;
      const recomputed = await opened.stack.client.workflow.execute(recomputeOlderAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: recomputeId, args: [{ batchSize: 1, batchesPerRun: 2 }] });
      expect(recomputed).toMatchObject({ refreshed: wallets.length - 1, batches: wallets.length });
      // its first run (two batches, then continued as new) and its last (from where the first stopped, with its totals)
      const recomputeRuns = await runsOldestFirst(opened.stack.client, recomputeId);
      expect(recomputeRuns).toHaveLength(2);
      recorded.push({ name: 'recompute-older-analytics-continued', workflowId: recomputeId, runId: recomputeRuns[0] });
      recorded.push({ name: 'recompute-older-analytics', workflowId: recomputeId, runId: recomputeRuns[1] });

      // a watched group's run, as its schedule starts it: the run's analysis as a child, then
      // compared, then its webhook's delivery started as a workflow of its own and left to go on
      // (patched('watch-run-2026-12-07'), patched('watch-delivery-2026-12-07'))
      const watchId = randomUUID();
      const notify = { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, on: 'every-run' as const, secret: newWebhookSecret() };
      await insertWatch(opened.stack.pool, { id: watchId, ownerKeyId: null, request: analysisRequest({ wallets, sync: 'auto' }), everyMinutes: 60, fairnessKey: 'key:replay', namespace: opened.stack.namespace, notify }, 1_000);
      const watchRunId = `${watchScheduleId(watchId)}-2026-12-07T12:00:00Z`;
      const watchRun = await opened.stack.client.workflow.start(watchRunWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: watchRunId, args: [{ watchId }] });
      expect(await watchRun.result()).toMatchObject({ since: null, changes: null, notify: true });
      const deliveryId = watchDeliveryWorkflowId(watchId, `${watchRunId}/${watchRun.firstExecutionRunId}`);
      expect(await opened.stack.client.workflow.getHandle(deliveryId).result()).toBe('delivered');
      const [told] = await listWatchRuns(opened.stack.pool, watchId, 1);
      expect(told.notification).toMatchObject({ state: 'delivered', attempts: 1 });
      recorded.push({ name: 'watch-run-delivery-2026-12-07', workflowId: watchRunId });
      recorded.push({ name: 'watch-delivery', workflowId: deliveryId });

      // the sweep of deliveries: a run's delivery left pending with no attempt (as a run terminated
      // before it started it leaves it) is started, and one a day old given up
      for (const [key, endedMinutesAgo] of [['left-pending', 5], ['a-day-old', 26 * 60]] as const) {
        await opened.stack.pool.query(
          `INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification) VALUES ($1, $2, $3, now() - make_interval(mins => $4), 'first', 'pending')`,
          [watchId, key, told.analysisId, endedMinutesAgo],
        );
      }
      const sweepId = `sweep-watch-deliveries-${randomUUID()}`;
      expect(await opened.stack.client.workflow.execute(sweepWatchDeliveriesWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: sweepId })).toEqual({ givenUp: 1, started: 1, running: 0 });
      await until('the swept delivery delivered', async () => ((await listWatchRuns(opened.stack.pool, watchId, 1, 'left-pending'))[0].notification?.state === 'delivered' ? true : undefined));
      recorded.push({ name: 'sweep-watch-deliveries', workflowId: sweepId });
    });

    // an enrichment run whose mints outnumber one plan's limit (here 3): it plans again until none is
    // left (patched('enrichment-plans-again')); the world's tokens made stale again first
    const mints = (world.tokens as Array<{ mint: string }>).map((t) => t.mint);
    await opened.stack.pool.query(`UPDATE tokens SET price_fetched_at = now() - interval '1 hour', next_attempt_at = NULL WHERE mint = ANY($1)`, [mints]);
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const { planTokenEnrichment } = createEnrichmentActivities({ ...deps, settings: { ...deps.settings, mintsPerEnrichmentPlan: 3 } });
    const plansAgainId = `enrich-plans-again-${randomUUID()}`;
    const plannedAgain = await opened.stack.withWorkers(
      () => opened.stack.client.workflow.execute(tokenEnrichmentWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: plansAgainId, args: [{ mints, reason: 'user' }] }),
      { activities: { planTokenEnrichment } },
    );
    expect(plannedAgain.resolved + plannedAgain.unknown + plannedAgain.fresh).toBe(mints.length);
    expect(plannedAgain.fresh).toBe(0);
    recorded.push({ name: 'token-enrichment-plans-again', workflowId: plansAgainId });

    const cli = await resolveTemporalCli();
    for (const r of recorded) {
      const handle = opened.stack.client.workflow.getHandle(r.workflowId, r.runId);
      const history = await handle.fetchHistory();
      await Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().workflowBundlePath } }, history, r.workflowId);
      if (record(r.name)) {
        const { type, runId } = await handle.describe();
        const { stdout } = await run(cli, ['workflow', 'show', '--workflow-id', r.workflowId, '--run-id', runId, '--address', testEnv().temporalAddress, '--namespace', opened.stack.namespace, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
        saveHistory(r.name, r.workflowId, type, stdout);
      }
    }
    expect(recorded.map((r) => r.name)).toEqual([
      'smoke',
      'similarity-analysis-patches-2026-12-06b',
      'token-enrichment',
      'similarity-analysis-wait-patches-2026-12-06b',
      'wallet-sync-at-once-continued',
      'wallet-sync-at-once-final',
      'wallet-sync-at-once-skipped',
      'wallet-sync-at-once',
      'refresh-popular-tokens',
      'wallet-analytics',
      'recompute-older-analytics-continued',
      'recompute-older-analytics',
      'watch-run-delivery-2026-12-07',
      'watch-delivery',
      'sweep-watch-deliveries',
      'token-enrichment-plans-again',
    ]);
  });
});
