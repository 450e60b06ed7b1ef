// tokenEnrichmentWorkflow: resolves token metadata and prices from DexScreener into the token
// registry, in batches of 30 within the DexScreener budget. Started by an analysis (abandoned
// child, finishes in the background), by a user (high priority) or by the background schedule.
import { log, patched, proxyActivities, sleep, startChild, workflowInfo } from '@temporalio/workflow';
import type { AnalysisActivities } from '../activities/analysis';
import type { EnrichmentActivities } from '../activities/enrichment';
import { PRIORITY, TASK_QUEUES, WORKFLOW_TASK_QUEUE, type TokenEnrichmentInput } from './contract';
import { PROVIDER_RETRY, PROVIDER_RETRY_TIMEOUT, STORE_STEP } from './policies';
import { describeFailure } from '../errors';

// PostgreSQL steps only: the DexScreener calls are enrichTokenBatch's, below.
const { recordEnrichmentStatus, planTokenEnrichment, markTokensFailed, selectMostHeldTokens, readTokenFetches } = proxyActivities<
  Pick<EnrichmentActivities, 'planTokenEnrichment' | 'markTokensFailed' | 'selectMostHeldTokens' | 'readTokenFetches'> & Pick<AnalysisActivities, 'recordEnrichmentStatus'>
>({
  taskQueue: TASK_QUEUES.enrichment,
  ...STORE_STEP,
});

const { enrichTokenBatch } = proxyActivities<Pick<EnrichmentActivities, 'enrichTokenBatch'>>({
  taskQueue: TASK_QUEUES.enrichment,
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: PROVIDER_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

/**
 * The waits between two reads of the mints another run is fetching: 1 s, doubling up to 15 s, and
 * no more waiting once a claim's lease (TOKEN_FETCH_CLAIM_SECONDS, 5 min) and a minute have passed
 * since the plan: the mints still claimed then are left to their run.
 */
const FETCHES_FIRST_WAIT_MS = 1_000;
const FETCHES_LONGEST_WAIT_MS = 15_000;
const FETCHES_WAIT_AT_MOST_MS = 6 * 60_000;

/**
 * patched() id of the wait for mints another run is fetching (readTokenFetches between timers). Its plans alone
 * would keep histories of earlier code replaying (their plans carry no fetchingElsewhere), but during
 * a rolling deploy a plan run by a newer worker may have been read by a workflow task of an older
 * one, which went on without waiting: replaying that history takes the old path.
 */
export const ENRICHMENT_CLAIMS_PATCH = 'enrichment-claims';

/** Batches in flight at once (DexScreener's budget is enforced by the client's rate limiter). */
const CONCURRENT_BATCHES = 2;

export interface TokenEnrichmentResult {
  requested: number;
  fresh: number;
  resolved: number;
  unknown: number;
  failedBatches: number;
  /** mints another run was fetching, which this one waited for instead of fetching them again (and saw fetched) */
  fetchedElsewhere: number;
}

export async function tokenEnrichmentWorkflow(input: TokenEnrichmentInput): Promise<TokenEnrichmentResult> {
  if (input.analysisId) await recordEnrichmentStatus({ analysisId: input.analysisId, status: 'running', workflowId: workflowInfo().workflowId });
  const plan = await planTokenEnrichment({ analysisId: input.analysisId, mints: input.mints });
  const result: TokenEnrichmentResult = { requested: plan.requested, fresh: plan.fresh, resolved: 0, unknown: 0, failedBatches: 0, fetchedElsewhere: 0 };
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
  // Mints another run was fetching when this one planned: their answers land in the registry this
  // run's analysis reads, so it waits for them before it says its enrichment is done, and fetches
  // itself only what that run left unfetched. (Plans of older workers carry no fetchingElsewhere.)
  const elsewhere = plan.fetchingElsewhere ?? [];
  if (elsewhere.length > 0 && patched(ENRICHMENT_CLAIMS_PATCH)) {
    try {
      // waited for on timers, between short reads: a wait that held an activity slot could hold the
      // slots the other run's batches need (ENRICHMENT_CONCURRENCY), until its claims lapsed
      const unclaimed: string[] = [];
      let waiting = elsewhere;
      const giveUpAt = Date.now() + FETCHES_WAIT_AT_MOST_MS;
      for (let wait = FETCHES_FIRST_WAIT_MS; waiting.length > 0 && Date.now() < giveUpAt; wait = Math.min(wait * 2, FETCHES_LONGEST_WAIT_MS)) {
        await sleep(wait);
        const read = await readTokenFetches({ mints: waiting });
        unclaimed.push(...read.unclaimed);
        waiting = read.waiting;
      }
      result.fetchedElsewhere = elsewhere.length - unclaimed.length - waiting.length;
      if (unclaimed.length > 0) {
        const again = await planTokenEnrichment({ mints: unclaimed });
        queue.push(...again.batches);
        await Promise.all(Array.from({ length: CONCURRENT_BATCHES }, worker));
      }
    } catch (err) {
      // the registry unreachable past the outage budget: the other run still stores what it fetches,
      // and this run still records its own batches' outcome below
      log.warn('waiting for the tokens other runs fetch failed', { error: describeFailure(err), mints: elsewhere.length });
    }
  }
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
