// Workflows left open on a queue that no longer runs workflows (LEGACY_WORKFLOW_QUEUES: the
// enrichment queue, where token enrichments and the refresh schedule's runs started before
// 2026-12) still need a Worker to finish, and a worker of the earlier version may still start them
// there during a rolling deploy. Each worker process counts them at start and every minute: while
// any is open it runs a workflow-only Worker on that queue, and it shuts that Worker down once none
// is. An upgrade strands nothing, and a process that finds none pays nothing for the queue (no
// workflow thread, no V8 isolate, no copy of the bundle).
import type { Client } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Logger } from '../logger';
import { describeFailure } from '../errors';

/** How often a worker counts the open workflows of a legacy queue. */
export const LEGACY_CHECK_EVERY_MS = 60_000;

/** The visibility query of a queue's open workflows. */
export function openWorkflowsQuery(taskQueue: string): string {
  return `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
}

export interface LegacyWorkflowsOptions {
  client: Client;
  taskQueue: string;
  /** a Worker that runs workflows only, on `taskQueue` (createLegacyWorkflowWorker) */
  createWorker: () => Promise<Worker>;
  logger: Logger;
  everyMs?: number;
}

export class LegacyWorkflows {
  private worker: Worker | null = null;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly options: LegacyWorkflowsOptions) {}

  /** Whether a Worker runs the queue's workflows now. */
  get active(): boolean {
    return this.worker !== null;
  }

  /** Counts the queue's open workflows once and starts or stops its Worker to match. */
  check(): Promise<void> {
    this.checking ??= this.reconcile().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  /** Checks now and then every `everyMs`, until stop(). */
  async start(): Promise<void> {
    await this.check();
    if (this.stopped) return;
    this.timer = setInterval(() => void this.check(), this.options.everyMs ?? LEGACY_CHECK_EVERY_MS);
    this.timer.unref();
  }

  /** Stops checking and shuts the queue's Worker down, if one runs (before the connection closes). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await this.shutdown();
  }

  private async reconcile(): Promise<void> {
    const { client, taskQueue, logger } = this.options;
    let open: number;
    try {
      open = Number((await client.workflow.count(openWorkflowsQuery(taskQueue))).count);
    } catch (err) {
      // Temporal away: keep what runs, count again at the next check
      logger.warn({ taskQueue, err: describeFailure(err) }, 'could not count the open workflows of a legacy queue');
      return;
    }
    if (this.stopped) return;
    if (open > 0 && !this.worker) {
      let worker: Worker;
      try {
        worker = await this.options.createWorker();
      } catch (err) {
        // Temporal away between the count and the Worker's creation (it describes the namespace):
        // keep what runs, try again at the next check; never an unhandled rejection from the timer
        logger.warn({ taskQueue, open, err: describeFailure(err) }, 'could not start the workflow worker of a legacy queue');
        return;
      }
      this.worker = worker;
      this.running = worker
        .run()
        .catch((err: unknown) => logger.error({ taskQueue, err: describeFailure(err) }, 'the legacy queue’s workflow worker failed'))
        .finally(() => {
          if (this.worker === worker) this.worker = null;
        });
      logger.info({ taskQueue, open }, 'workflows of an earlier version are open on this queue: running them until none is');
    } else if (open === 0 && this.worker) {
      await this.shutdown();
      logger.info({ taskQueue }, 'no workflow is open on the legacy queue any more: its workflow worker stopped');
    }
  }

  private async shutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await this.running;
    this.worker = null;
  }
}
