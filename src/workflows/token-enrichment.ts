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

/**
 * patched() id of a run planning again while its plan left mints past the plan's limit (3,000): an
 * analysis's universe of 12,000 tokens had 9,000 of them never fetched, its enrichment recorded
 * completed, and its next analyses took the same first 3,000 again.
 */
export const ENRICHMENT_PLANS_AGAIN_PATCH = 'enrichment-plans-again';

/** Plans one run makes at most (60,000 mints at 3,000 a plan; about 300 history events a plan). */
const MAX_PLANS = 20;

async function enrich(input: TokenEnrichmentInput): Promise<TokenEnrichmentResult> {
  let plan = await planTokenEnrichment({ analysisId: input.analysisId, mints: input.mints });
  const result: TokenEnrichmentResult = { requested: plan.requested, fresh: plan.fresh, resolved: 0, unknown: 0, failedBatches: 0, fetchingElsewhere: plan.fetchingElsewhere ?? 0 };
  for (let plans = 1; ; plans++) {
    await fetchBatches(plan.batches, result);
    // (plans of older workers do not say what they left)
    if ((plan.left ?? 0) === 0 || plan.batches.length === 0 || plans >= MAX_PLANS || !patched(ENRICHMENT_PLANS_AGAIN_PATCH)) break;
    plan = await planTokenEnrichment({ analysisId: input.analysisId, mints: input.mints });
    result.fetchingElsewhere = Math.max(result.fetchingElsewhere, plan.fetchingElsewhere ?? 0);
  }
  if (input.analysisId) {
    await recordEnrichmentStatus({ analysisId: input.analysisId, status: result.failedBatches > 0 && result.resolved === 0 ? 'failed' : 'completed' });
  }
  return result;
}

/** The batches, CONCURRENT_BATCHES at a time; a batch that fails for good is recorded failed (with a retry time) and the others go on. */
async function fetchBatches(batches: readonly string[][], result: TokenEnrichmentResult): Promise<void> {
  const queue = [...batches];
  const worker = async () => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      try {
        const r = await enrichTokenBatch({ mints: batch });
        result.resolved += r.resolved;
        result.unknown += r.unknown;
      } catch (err) {
        result.failedBatches += 1;
        await markTokensFailed({ mints: batch, error: describeFailure(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_BATCHES }, worker));
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
