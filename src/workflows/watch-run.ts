// One run of a watched group (started by its Temporal Schedule, watch:<id>): the run's analysis is
// inserted as the watch's key's, runs as this workflow's child (an ordinary similarityAnalysisWorkflow,
// listed and read as any other analysis), and once it ended is compared with the watch's run completed
// before it; the counts of what changed are stored with the run (GET /v1/watches/{id}).
import { CancellationScope, ParentClosePolicy, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EndedRun, WatchActivities } from '../activities/watches';
import { describeFailure } from '../errors';
import { TASK_QUEUES, analysisWorkflowOptions, type WatchRunInput } from './contract';
import { STORE_STEP } from './policies';
import { similarityAnalysisWorkflow } from './similarity-analysis';

const { beginWatchRun } = proxyActivities<Pick<WatchActivities, 'beginWatchRun'>>({ taskQueue: TASK_QUEUES.analysis, ...STORE_STEP });
// the comparison's statement may take up to CHANGES_STATEMENT_TIMEOUT_MS (15 s) on two large analyses
const { endWatchRun } = proxyActivities<Pick<WatchActivities, 'endWatchRun'>>({ taskQueue: TASK_QUEUES.analysis, ...STORE_STEP, startToCloseTimeout: '1 minute' });

/** How the run ended: null when the watch had been deleted before it began (or before it ended). */
export async function watchRunWorkflow(input: WatchRunInput): Promise<EndedRun | null> {
  const { watchId } = input;
  // the schedule names each run's workflow by its action's id and its time: one key per run
  const runKey = workflowInfo().workflowId;
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
  return CancellationScope.nonCancellable(() => endWatchRun({ watchId, runKey }));
}
