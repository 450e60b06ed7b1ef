// One run of a watched group (started by its Temporal Schedule, watch:<id>): the run's analysis is
// inserted as the watch's key's, runs as this workflow's child (an ordinary similarityAnalysisWorkflow,
// listed and read as any other analysis), and once it ended is compared with the watch's run completed
// before it; the counts of what changed are stored with the run (GET /v1/watches/{id}).
import { ParentClosePolicy, executeChild, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { EndedRun, WatchActivities } from '../activities/watches';
import { describeFailure } from '../errors';
import { TASK_QUEUES, analysisWorkflowId, isTokenRequest, runningSearchAttributes, type WatchRunInput } from './contract';
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
      workflowId: analysisWorkflowId(analysis.analysisId),
      taskQueue: TASK_QUEUES.analysis,
      args: [analysis],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // a run terminated (or its schedule's workflow reset) leaves its analysis to finish; its row
      // still ends (the analysis records its own end), only this run's comparison is lost
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // listed as running, with its group, as an analysis the API starts
      typedSearchAttributes: runningSearchAttributes(isTokenRequest(analysis.request) ? null : analysis.request.wallets),
      // the key's analyses share each queue's backlog with other keys' as the API's starts do
      ...(fairnessKey ? { priority: { fairnessKey } } : {}),
    });
  } catch (err) {
    // failed or cancelled: its row says so; the run ends uncompared, and the next compares with the last completed
    log.info("the watch run's analysis did not complete", { watchId, analysisId: analysis.analysisId, err: describeFailure(err) });
  }
  return endWatchRun({ watchId, runKey });
}
