// walletSyncWorkflow: deep sync of one wallet (id `wallet-sync:<address>`, so concurrent analyses
// share one sync). Newer transactions first, down to the stored watermark; then, if an earlier
// sync never reached the wallet's first transaction, older ones below the oldest stored signature.
// Chunks of pages run as activities that heartbeat their cursor; the workflow continues as new
// before its history grows large. Then PnL and behavior are computed and stored.
// walletAnalyticsWorkflow: those analytics computed again, without a sync, after an engine change;
// recomputeOlderAnalyticsWorkflow: every wallet's so, in the background (once per engine as its first
// worker starts, and every 10 minutes from a Temporal Schedule).
import { CancellationScope, ContinueAsNew, continueAsNew, patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { OlderAnalyticsBatch, SyncActivities, WalletAnalyticsRefresh } from '../activities/sync';
import { HISTORY_CHUNK_RETRY_TIMEOUT, PROVIDER_RETRY, STORE_RETRY, STORE_STEP } from './policies';
import { PRIORITY, TASK_QUEUES, afterChunk, skippedSyncResult, startingState, syncResult, type WalletSyncInput, type WalletSyncResult, type WalletSyncResume } from './contract';
import { describeFailure } from '../errors';

const { syncHistoryChunk } = proxyActivities<Pick<SyncActivities, 'syncHistoryChunk'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: HISTORY_CHUNK_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

// Short database steps: milliseconds of work, so a step lost with its worker is retried elsewhere
// within seconds; a database outage is waited out for STORE_OUTAGE_BUDGET.
const { beginWalletSync, commitSyncWatermark, finishWalletSync } = proxyActivities<Pick<SyncActivities, 'beginWalletSync' | 'commitSyncWatermark' | 'finishWalletSync'>>(STORE_STEP);

// PnL and behavior over every stored leg: long for a large wallet, so it heartbeats between its
// steps. (The SOL price it reads from DexScreener is optional: a failure there does not fail it.)
const ANALYTICS_STEP = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '15 minutes',
  retry: STORE_RETRY,
} as const;
const { computeWalletAnalytics, refreshWalletAnalytics } = proxyActivities<Pick<SyncActivities, 'computeWalletAnalytics' | 'refreshWalletAnalytics'>>(ANALYTICS_STEP);
// the background recompute's batches: behind every analysis's steps on the queue (a Schedule's run
// cannot be given a priority of its own in this SDK)
const { recomputeOlderAnalytics } = proxyActivities<Pick<SyncActivities, 'recomputeOlderAnalytics'>>({ ...ANALYTICS_STEP, priority: { priorityKey: PRIORITY.background } });

export const DEFAULT_PAGES_PER_CHUNK = 20;
/**
 * While another holder's sync of the wallet is live: asked again after 5 s, then after twice as long
 * each time, up to 30 s (a step per 30 s: a few events a minute while an analysis's sync of a long
 * history holds it). An analysis whose step left the wallet to go on in a child and finds this one
 * running joins it, and its lease then lapses unrenewed (SYNC_LEASE_SECONDS): the wait that follows
 * is that lapse, not a long backoff on top of it.
 */
const BUSY_FIRST_WAIT_MS = 5_000;
const BUSY_MAX_WAIT_MS = 30_000;
/** Continue as new well before the 51,200-event limit even if the server does not suggest it. */
const DEFAULT_CHUNKS_BEFORE_CONTINUE_AS_NEW = 500;

/**
 * patched() id of syncs that begin in one activity on the provider queue: syncWalletAtOnce begins
 * the sync and fetches the first chunk, and when the history fits that chunk (most wallets) it also
 * commits the watermark, computes the analytics and finishes, so such a sync is one activity (12
 * history events, not about 35, and one task round trip, not five). Every chunk of such a sync runs
 * on the balances queue, the queue of provider calls with its own slots (BALANCES_CONCURRENCY),
 * so syncs no longer wait behind the analysis queue's similarity steps and short store steps.
 * Histories recorded before it (wallet-sync-continued, -final, -skipped) replay the old sequence.
 */
export const SYNC_AT_ONCE_PATCH = 'sync-at-once';

// The same activities on the provider queue (the worker's history client and its Helius budget are
// shared by every queue of a process).
const { syncWalletAtOnce, syncHistoryChunk: syncHistoryChunkOnProviderQueue } = proxyActivities<Pick<SyncActivities, 'syncWalletAtOnce' | 'syncHistoryChunk'>>({
  taskQueue: TASK_QUEUES.balances,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: HISTORY_CHUNK_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

export async function walletSyncWorkflow(input: WalletSyncInput): Promise<WalletSyncResult> {
  const { wallet } = input;
  const maxPages = input.maxPagesPerChunk ?? DEFAULT_PAGES_PER_CHUNK;
  const chunksBeforeContinueAsNew = input.chunksBeforeContinueAsNew ?? DEFAULT_CHUNKS_BEFORE_CONTINUE_AS_NEW;
  const atOnce = patched(SYNC_AT_ONCE_PATCH);
  const fetchChunk = atOnce ? syncHistoryChunkOnProviderQueue : syncHistoryChunk;
  // its failure is recorded only while the wallet's lease is still its holder's (finishWalletSync)
  const holder = input.leaseHolder ?? (input.resume ? undefined : workflowInfo().workflowId);
  const continued = (s: WalletSyncResume) => continueAsNew<typeof walletSyncWorkflow>({ ...input, resume: s, ...(holder === undefined ? {} : { leaseHolder: holder }) });
  try {
    let s: WalletSyncResume;
    let chunks = 0;
    if (input.resume) {
      s = input.resume;
    } else if (atOnce) {
      // exclusive: the wallet's lease is taken only when no other holder's sync (an analysis's sync
      // step) is live; while one is, this waits and asks again (before, it took the lease over and
      // the two synced the wallet side by side; the pages that sync stored are kept, not fetched again)
      const begin = () => syncWalletAtOnce({ wallet, workflowId: workflowInfo().workflowId, skipIfSyncedAfter: input.skipIfSyncedAfter, sinceTimestamp: input.sinceTimestamp, maxPages, exclusive: true });
      let step = await begin();
      for (let waitMs = BUSY_FIRST_WAIT_MS; step.busy; waitMs = Math.min(2 * waitMs, BUSY_MAX_WAIT_MS)) {
        await sleep(waitMs);
        step = await begin();
      }
      if (step.finished) return step.finished;
      if (!step.resume) throw new Error(`syncWalletAtOnce answered neither a result nor a state to resume for ${wallet}`);
      s = step.resume;
      chunks = 1;
      if (workflowInfo().continueAsNewSuggested || chunks >= chunksBeforeContinueAsNew) {
        await continued(s);
      }
    } else {
      const cursor = await beginWalletSync({ wallet, workflowId: workflowInfo().workflowId, skipIfSyncedAfter: input.skipIfSyncedAfter, sinceTimestamp: input.sinceTimestamp });
      if (cursor.alreadySynced) {
        // Another analysis's sync finished after the requester's check: its data is what we need.
        return skippedSyncResult(wallet, cursor, cursor.alreadySynced.legs);
      }
      s = startingState(cursor);
    }

    for (;;) {
      const r = await fetchChunk({ wallet, phase: s.phase, cursor: s.cursor, until: s.phase === 'newer' ? s.until : null, sinceTimestamp: input.sinceTimestamp, maxPages });
      const next = afterChunk(s, r, input.sinceTimestamp);
      if (next.next !== 'chunk') {
        await commitSyncWatermark({ wallet, ...next.commit });
        if (next.next === 'older') continue;
        break;
      }
      chunks += 1;
      if (workflowInfo().continueAsNewSuggested || chunks >= chunksBeforeContinueAsNew) {
        await continued(s);
      }
    }

    const analytics = await computeWalletAnalytics({ wallet });
    await finishWalletSync({ wallet, holder });
    return syncResult(wallet, s, analytics.legs);
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    const message = describeFailure(err);
    await CancellationScope.nonCancellable(() => finishWalletSync({ wallet, error: message, holder }));
    throw err;
  }
}

/**
 * walletAnalyticsWorkflow (id `wallet-analytics:<address>`): a wallet's stored analytics computed
 * again from its stored history when they follow an older engine than the worker's, without a sync
 * (GET /v1/wallets/{address} starts it). One activity; nothing fetched from Helius.
 */
export async function walletAnalyticsWorkflow(input: { wallet: string }): Promise<WalletAnalyticsRefresh> {
  return refreshWalletAnalytics({ wallet: input.wallet });
}

/** recomputeOlderAnalyticsWorkflow's input: a run continued as new passes where it stopped, and its totals. */
export interface OlderAnalyticsInput {
  /** a deploy's run: the engine whose figures it computes, which no older worker may run it for (none: the schedule's runs, any worker) */
  minEngine?: string;
  /** wallets per batch (an activity): default 200 */
  batchSize?: number;
  /** batches per run before it continues as new: default 500 (about 3,000 events) */
  batchesPerRun?: number;
  after?: OlderAnalyticsBatch['next'];
  totals?: OlderAnalyticsTotals;
}

/** The wallets a background recompute went through, by outcome, and its batches. */
export type OlderAnalyticsTotals = Omit<OlderAnalyticsBatch, 'next'> & { batches: number };

/** A batch's time (checked after each wallet): short, so that it holds one of the queue's slots, which analyses need, only a few seconds beyond its last wallet. */
export const OLDER_ANALYTICS_BATCH_MS = 5_000;

/**
 * recomputeOlderAnalyticsWorkflow: every wallet's stored analytics an older engine computed,
 * computed again in batches (recomputeOlderAnalytics), so that after a deploy even a wallet's first
 * read is of the new engine's figures. Started once per engine by the first worker of it
 * (`recompute-wallet-analytics:<version>`, with `minEngine`), and every 10 minutes by the schedule
 * `recompute-wallet-analytics` (its id that one's and the time) for what a deploy's run could not
 * reach (a wallet a live sync held, one an older worker stored meanwhile). Wallets a live sync holds
 * are left to its end. Its batches run at background priority, behind any analysis's steps on the
 * queue.
 */
export async function recomputeOlderAnalyticsWorkflow(input: OlderAnalyticsInput = {}): Promise<OlderAnalyticsTotals> {
  const batchSize = Math.max(1, input.batchSize ?? 200);
  const batchesPerRun = Math.max(1, input.batchesPerRun ?? 500);
  const minEngine = input.minEngine;
  const totals: OlderAnalyticsTotals = input.totals ?? { refreshed: 0, syncing: 0, unchanged: 0, failed: 0, batches: 0 };
  let after = input.after ?? null;
  for (let done = 0; ; done++) {
    if (done >= batchesPerRun || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof recomputeOlderAnalyticsWorkflow>({ minEngine, batchSize, batchesPerRun, after, totals });
    }
    const batch = await recomputeOlderAnalytics({ after, maxWallets: batchSize, budgetMs: OLDER_ANALYTICS_BATCH_MS, ...(minEngine === undefined ? {} : { minEngine }) });
    totals.refreshed += batch.refreshed;
    totals.syncing += batch.syncing;
    totals.unchanged += batch.unchanged;
    totals.failed += batch.failed;
    totals.batches += 1;
    if (batch.deferredTo !== undefined) totals.deferredTo = batch.deferredTo;
    if (batch.next === null) return totals;
    after = batch.next;
  }
}
