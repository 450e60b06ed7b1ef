// walletSyncWorkflow: deep sync of one wallet (id `wallet-sync:<address>`, so concurrent analyses
// share one sync). Newer transactions first, down to the stored watermark; then, if an earlier
// sync never reached the wallet's first transaction, older ones below the oldest stored signature.
// Chunks of pages run as activities that heartbeat their cursor; the workflow continues as new
// before its history grows large. Then PnL and behavior are computed and stored.
import { CancellationScope, ContinueAsNew, continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { SyncActivities } from '../activities/sync';
import { HISTORY_CHUNK_RETRY_TIMEOUT, PROVIDER_RETRY, STORE_RETRY, STORE_STEP } from './policies';
import { type WalletSyncInput, type WalletSyncResult, type WalletSyncResume } from './contract';
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
const { computeWalletAnalytics } = proxyActivities<Pick<SyncActivities, 'computeWalletAnalytics'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '15 minutes',
  retry: STORE_RETRY,
});

const DEFAULT_PAGES_PER_CHUNK = 20;
/** Continue as new well before the 51,200-event limit even if the server does not suggest it. */
const DEFAULT_CHUNKS_BEFORE_CONTINUE_AS_NEW = 500;

export async function walletSyncWorkflow(input: WalletSyncInput): Promise<WalletSyncResult> {
  const { wallet } = input;
  const maxPages = input.maxPagesPerChunk ?? DEFAULT_PAGES_PER_CHUNK;
  const chunksBeforeContinueAsNew = input.chunksBeforeContinueAsNew ?? DEFAULT_CHUNKS_BEFORE_CONTINUE_AS_NEW;
  try {
    let s: WalletSyncResume;
    if (input.resume) {
      s = input.resume;
    } else {
      const cursor = await beginWalletSync({ wallet, workflowId: workflowInfo().workflowId, skipIfSyncedAfter: input.skipIfSyncedAfter, sinceTimestamp: input.sinceTimestamp });
      if (cursor.alreadySynced) {
        // Another analysis's sync finished after the requester's check: its data is what we need.
        return { wallet, pages: 0, transactions: 0, newLegs: 0, historyComplete: cursor.historyComplete, legs: cursor.alreadySynced.legs, skipped: true };
      }
      s = {
        phase: 'newer',
        cursor: null,
        until: cursor.newestSignature,
        // an interrupted earlier sync left older history unfetched: continue below its oldest signature
        olderFrom: cursor.newestSignature && !cursor.historyComplete ? cursor.oldestSignature : null,
        top: null,
        pages: 0,
        transactions: 0,
        newLegs: 0,
        historyComplete: cursor.historyComplete,
      };
    }

    let chunks = 0;
    for (;;) {
      const r = await syncHistoryChunk({ wallet, phase: s.phase, cursor: s.cursor, until: s.phase === 'newer' ? s.until : null, sinceTimestamp: input.sinceTimestamp, maxPages });
      s.pages += r.pages;
      s.transactions += r.transactions;
      s.newLegs += r.newLegs;
      s.cursor = r.cursor;
      if (r.top && !s.top) s.top = r.top;
      if (r.done) {
        if (r.reachedEnd) s.historyComplete = true;
        const coveredSince = r.stoppedAtWindow ? input.sinceTimestamp : null;
        if (s.phase === 'newer') {
          // Only now is everything above the old watermark stored: move the watermark.
          await commitSyncWatermark({ wallet, top: s.top, historyComplete: s.historyComplete, coveredSince });
          if (s.olderFrom && !r.stoppedAtWindow && !s.historyComplete) {
            s.phase = 'older';
            s.cursor = s.olderFrom;
            continue;
          }
        } else {
          await commitSyncWatermark({ wallet, top: null, historyComplete: s.historyComplete, coveredSince });
        }
        break;
      }
      chunks += 1;
      if (workflowInfo().continueAsNewSuggested || chunks >= chunksBeforeContinueAsNew) {
        await continueAsNew<typeof walletSyncWorkflow>({ ...input, resume: s });
      }
    }

    const analytics = await computeWalletAnalytics({ wallet });
    await finishWalletSync({ wallet });
    return { wallet, pages: s.pages, transactions: s.transactions, newLegs: s.newLegs, historyComplete: s.historyComplete, legs: analytics.legs };
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    const message = describeFailure(err);
    await CancellationScope.nonCancellable(() => finishWalletSync({ wallet, error: message }));
    throw err;
  }
}
