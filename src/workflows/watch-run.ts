// One run of a watched group (started by its Temporal Schedule, watch:<id>): the run's analysis is
// inserted as the watch's key's, runs as this workflow's child (an ordinary similarityAnalysisWorkflow,
// listed and read as any other analysis), and once it ended is compared with the watch's run completed
// before it; the counts of what changed are stored with the run (GET /v1/watches/{id}), and the
// watch's webhook, when it has one, is told of the run (every run, or those that changed something)
// by a workflow of its own that the run starts and does not wait for (watch-delivery.ts).
import { CancellationScope, ParentClosePolicy, executeChild, log, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EndedRun, WatchActivities } from '../activities/watches';
import { describeFailure } from '../errors';
import { TASK_QUEUES, analysisWorkflowOptions, watchRunKey, type WatchRunInput } from './contract';
import { INLINE_WEBHOOK_STEP, STORE_STEP } from './policies';
import { similarityAnalysisWorkflow } from './similarity-analysis';
import { deliver, startDelivery } from './watch-delivery';

const { beginWatchRun } = proxyActivities<Pick<WatchActivities, 'beginWatchRun'>>({ taskQueue: TASK_QUEUES.analysis, ...STORE_STEP });
// the comparison's statement may take up to CHANGES_STATEMENT_TIMEOUT_MS (15 s) on two large analyses
const { endWatchRun } = proxyActivities<Pick<WatchActivities, 'endWatchRun'>>({
  taskQueue: TASK_QUEUES.analysis,
  ...STORE_STEP,
  startToCloseTimeout: '1 minute',
});
// the delivery of a run begun before WATCH_DELIVERY_PATCH, which the run makes itself
const { notifyWatchRun: notifyInline } = proxyActivities<Pick<WatchActivities, 'notifyWatchRun'>>({ taskQueue: TASK_QUEUES.analysis, ...INLINE_WEBHOOK_STEP });

/**
 * patched() id of a run's key made of its workflow's id and run id. The schedule names each run's
 * workflow by its action's id and its time to the second, so a run asked for (POST
 * /v1/watches/{id}/runs) in the same second as the run before it began, once that one had closed,
 * had the same workflow id: it found that run's row as a retry would, and no second run was
 * recorded. Runs begun before the patch keep their workflow id as their key.
 */
export const WATCH_RUN_PATCH = 'watch-run-2026-12-07';

/**
 * patched() id of the delivery as a workflow of its own (watchDeliveryWorkflow) that the run starts
 * and leaves to go on: retried for up to a day, holding back no run. Before it, the run delivered
 * itself, within 20 minutes, and the schedule skipped the runs due meanwhile.
 */
export const WATCH_DELIVERY_PATCH = 'watch-delivery-2026-12-07';

function thisRunKey(): string {
  const { workflowId, runId } = workflowInfo();
  return patched(WATCH_RUN_PATCH) ? watchRunKey(workflowId, runId) : workflowId;
}

/** How the run ended: null when the watch had been deleted before it began (or before it ended). */
export async function watchRunWorkflow(input: WatchRunInput): Promise<EndedRun | null> {
  const { watchId } = input;
  const runKey = thisRunKey();
  const begun = await beginWatchRun({ watchId, runKey });
  if (begun === null) {
    log.info('the watch has been deleted: no run', { watchId });
    return null;
  }
  const { input: analysis, fairnessKey } = begun;
  try {
    await executeChild(similarityAnalysisWorkflow, {
      // as the API starts one: its key's fairness key, its search attributes, its label in the Web UI
      ...analysisWorkflowOptions(analysis, fairnessKey),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // a run terminated leaves its analysis to finish (and record its own end); a run cancelled
      // cancels its analysis too (a cancellation reaches the child whatever this policy)
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
  } catch (err) {
    // failed or cancelled: its row says so; the run ends uncompared, and the next compares with the last completed
    log.info("the watch run's analysis did not complete", { watchId, analysisId: analysis.analysisId, err: describeFailure(err) });
  }
  // also when the run itself was cancelled: its row then says how it ended, not "under way" for ever
  const ended = await CancellationScope.nonCancellable(() => endWatchRun({ watchId, runKey }));
  // a history whose end was recorded before WATCH_RUN_PATCH has no delivery (its end said nothing
  // of one) and no marker here, so it replays as it ran; one recorded between the two patches
  // delivers itself as it did; a run begun before a patch and ending after it starts its delivery
  // (patched() is true where it is first called live)
  if (ended?.notify) {
    if (patched(WATCH_DELIVERY_PATCH)) await CancellationScope.nonCancellable(() => startDelivery(watchId, runKey));
    else if (patched(WATCH_RUN_PATCH)) await deliver(watchId, runKey, notifyInline);
  }
  return ended;
}
