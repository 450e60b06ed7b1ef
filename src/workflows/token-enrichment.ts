// tokenEnrichmentWorkflow: resolves token metadata and prices from DexScreener into the token
// registry, in batches of 30 within the DexScreener budget. Started by an analysis (abandoned
// child, finishes in the background), by a user (high priority) or by the background schedule.
import { CancellationScope, patched, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { AnalysisActivities } from '../activities/analysis';
import type { EnrichmentActivities } from '../activities/enrichment';
import { PRIORITY, TASK_QUEUES, WORKFLOW_TASK_QUEUE, type TokenEnrichmentInput } from './contract';
import { PROVIDER_RETRY, PROVIDER_RETRY_TIMEOUT, STORE_STEP } from './policies';
import { describeFailure } from '../errors';

// PostgreSQL steps only: the DexScreener calls are enrichTokenBatch's, below.
const { recordEnrichmentStatus, planTokenEnrichment, markTokensFailed, selectMostHeldTokens } = proxyActivities<
  Pick<EnrichmentActivities, 'planTokenEnrichment' | 'markTokensFailed' | 'selectMostHeldTokens'> & Pick<AnalysisActivities, 'recordEnrichmentStatus'>
>({
  taskQueue: TASK_QUEUES.enrichment,
  ...STORE_STEP,
});

const { enrichTokenBatch } = proxyActivities<Pick<EnrichmentActivities, 'enrichTokenBatch'>>({
  taskQueue: TASK_QUEUES.enrichment,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '20 seconds',
  scheduleToCloseTimeout: PROVIDER_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

/** Batches in flight at once (DexScreener's budget is enforced by the client's rate limiter). */
const CONCURRENT_BATCHES = 2;

export interface TokenEnrichmentResult {
  requested: number;
  fresh: number;
  resolved: number;
  unknown: number;
  failedBatches: number;
  /** mints another run was fetching when this one planned, left to it (their answers land in the same registry) */
  fetchingElsewhere: number;
}

/**
 * patched() id of an analysis's enrichment recording its own failure (a PostgreSQL outage past the
 * steps' budget, a cancellation): before it, the analysis's enrichment said `running` for ever, and
 * its event stream never ended. (Terminated runs record nothing: the API repairs those,
 * reconcileEnrichment in api/analysis-view.ts.)
 */
export const ENRICHMENT_RECORDS_FAILURE_PATCH = 'enrichment-records-failure';

export async function tokenEnrichmentWorkflow(input: TokenEnrichmentInput): Promise<TokenEnrichmentResult> {
  if (input.analysisId) await recordEnrichmentStatus({ analysisId: input.analysisId, status: 'running', workflowId: workflowInfo().workflowId });
  try {
    return await enrich(input);
  } catch (err) {
    if (input.analysisId && patched(ENRICHMENT_RECORDS_FAILURE_PATCH)) {
      const analysisId = input.analysisId;
      // best effort: a store that is down still leaves it to the API's repair
      await CancellationScope.nonCancellable(() => recordEnrichmentStatus({ analysisId, status: 'failed' })).catch(() => undefined);
    }
    throw err;
  }
}

async function enrich(input: TokenEnrichmentInput): Promise<TokenEnrichmentResult> {
  const plan = await planTokenEnrichment({ analysisId: input.analysisId, mints: input.mints });
  const result: TokenEnrichmentResult = { requested: plan.requested, fresh: plan.fresh, resolved: 0, unknown: 0, failedBatches: 0, fetchingElsewhere: plan.fetchingElsewhere ?? 0 };
  const queue = [...plan.batches];
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      try {
        const r = await enrichTokenBatch({ mints: batch });
        result.resolved += r.resolved;
        result.unknown += r.unknown;
      } catch (err) {
        // The batch is recorded as failed (with a retry time); the other batches go on.
        result.failedBatches += 1;
        await markTokensFailed({ mints: batch, error: describeFailure(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_BATCHES }, worker));
  if (input.analysisId) {
    await recordEnrichmentStatus({ analysisId: input.analysisId, status: result.failedBatches > 0 && result.resolved === 0 ? 'failed' : 'completed' });
  }
  return result;
}

/** Run by a Temporal Schedule every 10 minutes: re-enriches the most-held tokens at background priority. */
export async function refreshPopularTokensWorkflow(input: { limit: number }): Promise<TokenEnrichmentResult> {
  const mints = await selectMostHeldTokens({ limit: input.limit });
  const child = await startChild(tokenEnrichmentWorkflow, {
    workflowId: `${workflowInfo().workflowId}/enrich`,
    taskQueue: WORKFLOW_TASK_QUEUE,
    args: [{ mints, reason: 'background' }],
    priority: { priorityKey: PRIORITY.background },
  });
  return child.result();
}
