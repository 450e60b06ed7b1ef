// A watch run's webhook delivery (watchDeliveryWorkflow: started by the run, watch-run.ts, and left
// to go on once the run has ended): one step that POSTs the run and is retried for up to a day, then,
// if it failed for good, the run's delivery recorded as failed rather than left pending. And the sweep
// of deliveries (sweepWatchDeliveriesWorkflow, every 10 minutes from a Temporal Schedule): a delivery
// left pending and never begun (its run was terminated before it started it, or ran code that made
// none) is started; one pending a day after it began (its workflow terminated) is given up.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { CancellationScope, ParentClosePolicy, log, proxyActivities, startChild } from '@temporalio/workflow';
import type { WatchActivities } from '../activities/watches';
import { describeFailure } from '../errors';
import { TASK_QUEUES, watchDeliveryWorkflowId, type WatchDeliveryInput } from './contract';
import { STORE_STEP, WEBHOOK_STEP } from './policies';

const { failWatchRunNotification, sweepWatchDeliveries } = proxyActivities<Pick<WatchActivities, 'failWatchRunNotification' | 'sweepWatchDeliveries'>>({
  taskQueue: TASK_QUEUES.analysis,
  ...STORE_STEP,
});
const { notifyWatchRun } = proxyActivities<Pick<WatchActivities, 'notifyWatchRun'>>({ taskQueue: TASK_QUEUES.analysis, ...WEBHOOK_STEP });

/** Run `runKey`'s delivery: 'delivered', 'not-pending' (delivered or given up before, or its watch gone), or 'failed'. */
export async function watchDeliveryWorkflow({ watchId, runKey }: WatchDeliveryInput): Promise<'delivered' | 'not-pending' | 'failed'> {
  return deliver(watchId, runKey, notifyWatchRun);
}

/**
 * Tells run `runKey`'s webhook of it through `notify` (its proxy carries the retry policy); a
 * delivery that fails for good is recorded so, not left pending.
 */
export async function deliver(watchId: string, runKey: string, notify: WatchActivities['notifyWatchRun']): Promise<'delivered' | 'not-pending' | 'failed'> {
  try {
    return await notify({ watchId, runKey });
  } catch (err) {
    log.info("the watch run's webhook was not delivered", { watchId, err: describeFailure(err) });
    await CancellationScope.nonCancellable(() => failWatchRunNotification({ watchId, runKey, reason: describeFailure(err) }));
    return 'failed';
  }
}

/**
 * Starts run `runKey`'s delivery and leaves it (ABANDON: it goes on once its starter has closed, and
 * a starter terminated does not end it). 'running' when it was running already (started by the run,
 * or by a sweep before): that one goes on.
 */
export async function startDelivery(watchId: string, runKey: string): Promise<'started' | 'running'> {
  try {
    await startChild(watchDeliveryWorkflow, {
      workflowId: watchDeliveryWorkflowId(watchId, runKey),
      args: [{ watchId, runKey }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
    return 'started';
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return 'running';
  }
}

/** Deliveries one sweep starts at most (the rest, the next sweep): a few hundred events. */
export const DELIVERY_SWEEP_BATCH = 50;

/** One sweep of the namespace's deliveries: how many it gave up, started, and found running already. */
export async function sweepWatchDeliveriesWorkflow(): Promise<{ givenUp: number; started: number; running: number }> {
  const { givenUp, unstarted } = await sweepWatchDeliveries({ limit: DELIVERY_SWEEP_BATCH });
  const outcomes = await Promise.all(unstarted.map(({ watchId, runKey }) => startDelivery(watchId, runKey)));
  const started = outcomes.filter((o) => o === 'started').length;
  if (started > 0) log.info('watch deliveries left pending were started', { started });
  return { givenUp, started, running: outcomes.length - started };
}
