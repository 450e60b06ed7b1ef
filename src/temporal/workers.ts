// The three Workers (balances, analysis, enrichment), one per task queue, sharing one connection;
// only the analysis Worker runs workflows (WORKFLOW_QUEUES), the balances and enrichment Workers run
// activities only. One process may run all three; more processes scale each queue out.
import fs from 'node:fs';
import path from 'node:path';
import { Worker, bundleWorkflowCode, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';
import { TASK_QUEUES, WORKFLOW_QUEUES, type TaskQueueName } from '../workflows/contract';
import { providerFailureInterceptor } from './activity-failures';

export const PREBUILT_BUNDLE = path.resolve(__dirname, '..', '..', 'dist', 'workflow-bundle.js');
export const WORKFLOWS_PATH = require.resolve('../workflows');

export interface WorkerSetup {
  connection: NativeConnection;
  namespace: string;
  activities: Activities;
  concurrency: Record<TaskQueueName, number>;
  /** a bundle built once (tests, production); otherwise the workflows are bundled at start */
  workflowBundlePath?: string;
  /** which queues this process serves; default: all three */
  queues?: TaskQueueName[];
  /** maxCachedWorkflows per Worker and reuseV8Context (WORKFLOW_CACHE_SIZE, WORKFLOW_REUSE_V8_CONTEXT); default: the SDK's */
  workflowCache?: { maxCachedWorkflows: number; reuseV8Context: boolean };
}

/** The workflow code for this process: a given or pre-built bundle, else bundled once here. */
export async function workflowSource(bundlePath?: string): Promise<Pick<WorkerOptions, 'workflowBundle'>> {
  const codePath = bundlePath ?? (fs.existsSync(PREBUILT_BUNDLE) && process.env.NODE_ENV === 'production' ? PREBUILT_BUNDLE : undefined);
  if (codePath) return { workflowBundle: { codePath } };
  const quiet = () => undefined;
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error },
  });
  return { workflowBundle: { code } };
}

/** How long a cached workflow's next task waits for the worker that cached it (see createWorkers). */
export const STICKY_QUEUE_TIMEOUT = '3 seconds';

/**
 * How long a Worker's shutdown (SIGTERM, SIGINT) may take once its activities are cancelled: an
 * activity that does not answer its cancellation (a backfill over a wallet's whole history, a wait
 * for an advisory lock) is abandoned then and the process exits, rather than holding the shutdown
 * until an orchestrator's kill (whose usual grace, 30 s, this stays under). Its attempt is retried
 * elsewhere: sync steps resume from their heartbeats, store steps are idempotent.
 */
export const SHUTDOWN_FORCE_TIME = '20 seconds';

/**
 * One Worker per queue. When one cannot be created (the server away, its namespace not described, a
 * Worker of the same queue already registered in this process), the others are released before the
 * failure is thrown: a created Worker stays registered with the process's runtime until it has run,
 * and creating it again would then fail as overlapping (and keep the process from exiting).
 */
export async function createWorkers(setup: WorkerSetup): Promise<Worker[]> {
  const queues = setup.queues ?? (Object.values(TASK_QUEUES) as TaskQueueName[]);
  const source = queues.some((q) => WORKFLOW_QUEUES.includes(q)) ? await workflowSource(setup.workflowBundlePath) : {};
  const created = await Promise.allSettled(
    queues.map((taskQueue) =>
      Worker.create({
        connection: setup.connection,
        namespace: setup.namespace,
        taskQueue,
        activities: setup.activities,
        maxConcurrentActivityTaskExecutions: setup.concurrency[taskQueue],
        ...(WORKFLOW_QUEUES.includes(taskQueue)
          ? {
              ...source,
              // Bounded so the worker's memory is too: a 1,000-wallet analysis runs 1,001 workflows (the
              // analysis and its sync children) on the analysis queue; an evicted one replays its history.
              ...(setup.workflowCache ?? {}),
              // the workflows' short PostgreSQL steps run here as local activities (LOCAL_STEPS_PATCH):
              // as many at once as the analysis queue's own activities, not the SDK's 100
              maxConcurrentLocalActivityExecutions: setup.concurrency[TASK_QUEUES.analysis],
            }
          : {}),
        // A workflow cached on a worker that died (SIGKILL, host gone) waits this long on that
        // worker's sticky queue before any worker takes it (default 10 s): keep it short.
        stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
        shutdownForceTime: SHUTDOWN_FORCE_TIME,
        // a provider's Retry-After becomes the next retry delay; unfixable provider errors fail at once
        interceptors: { activity: [providerFailureInterceptor] },
      }),
    ),
  );
  const workers = created.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = created.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed === undefined) return workers;
  // run and stop at once: what releases a created Worker
  await Promise.all(workers.map((w) => w.runUntil(Promise.resolve()).catch(() => undefined)));
  throw failed.reason;
}

/**
 * A Worker that runs only the workflows of a queue that no longer starts any (LEGACY_WORKFLOW_QUEUES),
 * beside that queue's own activity Worker; run by LegacyWorkflows while any is open there.
 */
export async function createLegacyWorkflowWorker(setup: Pick<WorkerSetup, 'connection' | 'namespace' | 'workflowBundlePath' | 'workflowCache'>, taskQueue: TaskQueueName): Promise<Worker> {
  return Worker.create({
    connection: setup.connection,
    namespace: setup.namespace,
    taskQueue,
    ...(await workflowSource(setup.workflowBundlePath)),
    ...(setup.workflowCache ?? {}),
    stickyQueueScheduleToStartTimeout: STICKY_QUEUE_TIMEOUT,
  });
}

/** Runs all workers until one fails or shutdown() is called on them. */
export async function runWorkers(workers: Worker[]): Promise<void> {
  await Promise.all(workers.map((w) => w.run()));
}
