// Worker process entry point: validates config, checks PostgreSQL and Redis, applies migrations,
// then runs one Worker per task queue until SIGINT/SIGTERM.
import v8 from 'node:v8';
import { Runtime } from '@temporalio/worker';
import { loadConfig } from './config';
import { createActivities } from './activities';
import { createLogger, temporalLogger } from './logger';
import { checkDatabase, createPool, migrate, workerPoolSize } from './store/db';
import { connectRedis, createRedis } from './store/redis';
import { connectClient, connectWorkerConnection } from './temporal/connection';
import { deleteWatchSchedule, deployRecomputeId, ensureAnalyticsSchedule, ensureDeliverySweepSchedule, ensureRefreshSchedule, startDeployRecompute } from './temporal/schedules';
import { ENGINE_VERSION } from './domain';
import { createLegacyWorkflowWorker, createWorkers, runWorkers } from './temporal/workers';
import { LegacyWorkflows } from './temporal/legacy-workflows';
import { LEGACY_WORKFLOW_QUEUES } from './workflows/contract';
import { describeFailure, exitWithOneLine } from './errors';
import { buildActivityDeps } from './wiring';
import { budgetMetrics } from './temporal/budget-metrics';
import { recomputeMetrics } from './temporal/analytics-metrics';
import { watchEventLoop } from './temporal/loop-metrics';
import { guardProcess } from './process-guard';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'worker');
  guardProcess(logger);
  Runtime.install({
    logger: temporalLogger(logger),
    telemetryOptions: config.TEMPORAL_METRICS_BIND ? { metrics: { prometheus: { bindAddress: config.TEMPORAL_METRICS_BIND } } } : undefined,
  });
  // how long the event loop is held up, among the runtime's metrics and, past 1 s, in the log (its
  // timer never keeps the process up)
  watchEventLoop(Runtime.instance().metricMeter, { onStall: (heldUpMs) => logger.warn({ heldUpMs: Math.round(heldUpMs) }, 'event loop held up: every timer fired that late') });

  await migrate(config.DATABASE_URL);
  // Analysis steps (workerPoolSize: two clients for each similarity step a slot can run) and the other
  // steps' statements (a wallet sync's go to the sync pool below).
  const pool = createPool(config.DATABASE_URL, workerPoolSize(config.ANALYSIS_CONCURRENCY), { applicationName: 'wallet-similarity worker' });
  await checkDatabase(pool, config.DATABASE_URL);
  // Wallet syncs run their statements on connections of their own (SYNC_CONNECTIONS): few, warm
  // backends. A sync's statement waits for one behind the syncs' statements before it, not behind
  // the pool's other queries, and longer than they may (30 s): a sync step that gives up asks the
  // provider for its page again.
  const syncPool = createPool(config.DATABASE_URL, config.SYNC_CONNECTIONS, { applicationName: 'wallet-similarity syncs', connectionTimeoutMs: 30_000 });
  const redis = createRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX, { commandTimeoutMs: config.REDIS_COMMAND_TIMEOUT_MS });
  await connectRedis(redis, config.REDIS_URL);
  const connection = await connectWorkerConnection(config.TEMPORAL_ADDRESS);
  const client = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  logger.info({ schedule: await ensureRefreshSchedule(client) }, 'background token refresh schedule');
  logger.info({ schedule: await ensureAnalyticsSchedule(client) }, 'background analytics recompute schedule');
  logger.info({ schedule: await ensureDeliverySweepSchedule(client) }, 'sweep of watch deliveries schedule');
  // the figures an older engine computed, computed again once the workers run (not a reason to stop
  // the worker: the schedule's next run does it otherwise)
  await startDeployRecompute(client, ENGINE_VERSION).then(
    (run) => logger.info({ workflowId: deployRecomputeId(ENGINE_VERSION), run }, 'analytics of older engines: computed again in the background'),
    (err: unknown) => logger.warn({ err: describeFailure(err) }, 'analytics of older engines: the run could not be started; the schedule will'),
  );

  const workflowCache = { maxCachedWorkflows: config.WORKFLOW_CACHE_SIZE, reuseV8Context: config.WORKFLOW_REUSE_V8_CONTEXT };
  const workers = await createWorkers({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    // the provider budgets' margins and refusals, and the wallet analytics computed again, among the
    // runtime's metrics (TEMPORAL_METRICS_BIND)
    activities: createActivities({
      ...buildActivityDeps(config, pool, redis, syncPool, budgetMetrics(Runtime.instance().metricMeter)),
      recomputed: recomputeMetrics(Runtime.instance().metricMeter),
      removeWatchSchedule: (watchId) => deleteWatchSchedule(client, watchId),
    }),
    concurrency: { balances: config.BALANCES_CONCURRENCY, analysis: config.ANALYSIS_CONCURRENCY, enrichment: config.ENRICHMENT_CONCURRENCY },
    workflowCache,
  });
  // workflows an earlier version left open on a queue that no longer runs workflows
  const legacy = LEGACY_WORKFLOW_QUEUES.map(
    (taskQueue) =>
      new LegacyWorkflows({
        client,
        taskQueue,
        logger,
        createWorker: () => createLegacyWorkflowWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, workflowCache }, taskQueue),
      }),
  );
  await Promise.all(legacy.map((l) => l.start()));
  // the heap limit bounds the worker's memory: `npm run start:worker` sets it (--max-old-space-size)
  const heapLimitMb = Math.round(v8.getHeapStatistics().heap_size_limit / 2 ** 20);
  logger.info({ taskQueues: workers.map((w) => w.options.taskQueue), temporal: config.TEMPORAL_ADDRESS, heapLimitMb }, 'workers started');
  try {
    await runWorkers(workers); // the SDK shuts workers down on SIGINT/SIGTERM
  } finally {
    // bounded: a pool's end waits for every client checked out, and an activity the shutdown
    // abandoned (SHUTDOWN_FORCE_TIME) may hold one for good; the process exits all the same
    const closed = (async () => {
      await Promise.all(legacy.map((l) => l.stop()));
      await connection.close();
      await client.connection.close();
      await pool.end();
      await syncPool.end();
    })();
    const settled = await Promise.race([closed.then(() => true, () => true), new Promise<false>((resolve) => setTimeout(resolve, CLOSE_DEADLINE_MS, false).unref())]);
    redis.disconnect();
    logger.info(settled ? 'workers stopped' : 'workers stopped; connections still in use were left to the process exit');
    if (!settled) process.exitCode ??= 1;
  }
}

/** How long the connections may take to close after the Workers have stopped. */
const CLOSE_DEADLINE_MS = 5_000;

main().then(
  // (an activity left running by a forced shutdown keeps the event loop alive)
  () => process.exit(),
  exitWithOneLine,
);
