// Deep sync of one wallet's history: pages fetched newest first, each page stored with its legs in
// one PostgreSQL transaction, the cursor heartbeated so a retried attempt resumes where the last
// one stopped. Then PnL and behavior computed and stored. Workflows get small summaries only.
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { withLivenessHeartbeat } from './heartbeat';
import { Context, CancelledFailure, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { isRetryable, ProviderError } from '../providers/errors';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setMaxListeners } from 'node:events';
import { ENGINE_VERSION, computeBehavior, computePnl, extractMany, formatUnits, olderEngine } from '../domain';
import { extractTransfersMany } from '../domain/detection/transfers';
import { countFailedFees, storeHistoryPage } from '../store/transactions';
import { countLegs } from '../store/swap-legs';
import type { RejectedRow } from '../store/rejected-transactions';
import { loadAnalyticsInputs, replaceStaleAnalytics, saveWalletAnalytics, storedAnalyticsVersion, storedEngineVersions, walletsOfEngines, type EngineWalletCursor, type WalletAnalyticsValues } from '../store/wallet-analytics';
import { TRANSFER_EXTRACTION_VERSION } from '../store/wallet-transfers';
import { beginSync, commitWatermark, finishSync, finishSyncWithAnalytics, keepSyncLease, markCoveredSince, markHistoryComplete, syncHolder, syncedAfter, takeSyncLease, walletStatuses, type WalletStatusRow, type WalletSyncCursor } from '../store/wallets';
import { afterChunk, skippedSyncResult, startingState, syncResult, walletSyncWorkflowId, type ChunkOutcome, type WalletSyncResult, type WalletSyncResume } from '../workflows/contract';
import { joinedSyncsRunning } from './joined-syncs';
import { WorkflowNotFoundError } from '@temporalio/common';
import pLimit from 'p-limit';
import { DEFAULT_COUNTERPARTY_LOOKUPS, DEFAULT_WALLET_SYNC_CONCURRENCY, type ActivityDeps, type RecomputeOutcome } from './deps';
import { COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS, readFirstFunderActivity, readSweepDestinationActivity } from './counterparty-activity';
import type { HistoryPage } from '../providers/helius';
import { solPriceUsd } from './sol-price';
import { backfillTransfers } from './transfers-backfill';
import { backfillLegs } from './legs-backfill';
import { walletsWithCachedBalances } from './balances';
import { describeFailure } from '../errors';
import { isConnectionError, isDataError, sqlState } from '../store/errors';

export interface SyncChunkInput {
  wallet: string;
  /** 'newer': from the top down to the stored watermark; 'older': below the oldest stored signature */
  phase: 'newer' | 'older';
  /** exclusive cursor to continue from (null: the newest transaction) */
  cursor: string | null;
  /** stop at this signature (the stored watermark) in the 'newer' phase */
  until: string | null;
  /** do not go below this unix time (the analysis window); null: full history */
  sinceTimestamp: number | null;
  maxPages: number;
}

/**
 * Abort listeners one wallet's sync in a batch may hold on the batch's cancellation signal at once:
 * its SOL price's wait, its page request's wait for a connection, the budget and the request itself,
 * and its first funder's read (its own wait and its deadline's combined signal).
 */
const LISTENERS_PER_SYNC = 6;

/** A chunk's outcome (ChunkOutcome, which walletSyncWorkflow's steps read) and its extras. */
export interface SyncChunkResult extends ChunkOutcome {
  newTransactions: number;
  /** transactions the provider sent that failed validation: kept out, recorded with the reason */
  rejectedTransactions?: number;
}

/** syncWalletAtOnce's heartbeat once the sync has begun: its starting state, the chunk's progress, and the chunk's result once it is in. */
export interface AtOnceStarted {
  begun: WalletSyncResume;
  chunk: ChunkHeartbeat;
  result?: SyncChunkResult;
}

/** syncWalletAtOnce's input. */
interface AtOnceInput {
  wallet: string;
  workflowId: string;
  skipIfSyncedAfter?: string | null;
  sinceTimestamp: number | null;
  maxPages: number;
  /**
   * take the wallet's lease only when no other holder's sync is live (see beginWalletSync): an
   * analysis's step, or a walletSyncWorkflow's begin; a step cancelled with its workflow gives the
   * wallet up at once
   */
  exclusive?: boolean;
  /**
   * where a batch's sync of the wallet stood when it failed in a way a retry may mend (its `retry`
   * outcome's `resumeFrom`): this step goes on from there, as a retried attempt from its heartbeat,
   * rather than fetching again the pages that sync stored
   */
  resumeFrom?: AtOnceStarted | null;
}

/** How a wallet's sync at once ended: finished, to be continued in chunks (`resume`), or left to the sync that holds it (`busy`). */
export type AtOnceOutcome =
  | { finished: WalletSyncResult; resume?: undefined; busy?: undefined; retry?: undefined }
  | { finished?: undefined; resume: WalletSyncResume; busy?: undefined; retry?: undefined }
  | { finished?: undefined; resume?: undefined; busy: { heldBy: string }; retry?: undefined };

/** A wallet's outcome in syncWalletsAtOnce: as syncWalletAtOnce's, `failed` (its sync failed for good: why), or `retry` (it failed, a retry may help: why). */
export type BatchOutcome = { wallet: string } & (
  | (AtOnceOutcome & { failed?: undefined })
  | { finished?: undefined; resume?: undefined; busy?: undefined; retry: string; failed?: undefined; resumeFrom?: AtOnceStarted }
  | { finished?: undefined; resume?: undefined; busy?: undefined; retry?: undefined; failed: string }
);

/** syncWalletsAtOnce's heartbeat: the outcomes in so far, and the state of each wallet under way once begun. */
interface BatchHeartbeat {
  done: BatchOutcome[];
  started: Record<string, AtOnceStarted>;
}

/** What a sync cancelled with its workflow records on the wallet: an analysis's step, or a wallet's own sync (`wallet-sync:<address>`). */
const cancelledReason = (wallet: string, workflowId: string): string =>
  workflowId === walletSyncWorkflowId(wallet) ? 'sync cancelled with its workflow' : 'sync cancelled with its analysis';

function freshChunk(cursor: string | null): ChunkHeartbeat {
  return { cursor, pages: 0, transactions: 0, newTransactions: 0, newLegs: 0, top: null };
}

interface ChunkHeartbeat {
  cursor: string | null;
  pages: number;
  transactions: number;
  newTransactions: number;
  newLegs: number;
  rejectedTransactions?: number;
  top: SyncChunkResult['top'];
}

/** What computing a wallet's stored analytics again did: replaced them, or not (they follow `engineVersion`; `syncing`: a live sync's end will). */
export interface WalletAnalyticsRefresh {
  refreshed: boolean;
  engineVersion: string | null;
  syncing?: boolean;
}

/** A batch of the background recompute: where it stopped (null: no wallet is left) and its wallets' outcomes. */
export interface OlderAnalyticsBatch {
  next: EngineWalletCursor | null;
  refreshed: number;
  /** left to a live sync, whose end computes them */
  syncing: number;
  /** stored meanwhile (a sync's end, another recompute) */
  unchanged: number;
  /** not computed: an error of the wallet's own (the next run tries it again) */
  failed: number;
  /** a schedule's run that left the wallets to this run of the workflow, under way */
  deferredTo?: string;
}

/** Attempts in a row of a background recompute's batch that may fail on one wallet before it is passed over. */
export const RECOMPUTE_WALLET_ATTEMPTS = 3;

/** recomputeOlderAnalytics's heartbeat: its batch so far, and the wallet under way with the attempts that have reached it. */
interface OlderAnalyticsBeat extends OlderAnalyticsBatch {
  current?: { at: EngineWalletCursor; attempts: number; error?: string };
}

const batchOf = ({ current: _current, ...batch }: OlderAnalyticsBeat): OlderAnalyticsBatch => batch;

const outcomeOf = (r: WalletAnalyticsRefresh): RecomputeOutcome => (r.refreshed ? 'refreshed' : r.syncing ? 'syncing' : 'unchanged');

/** Another running recomputeOlderAnalyticsWorkflow than `own` (as Temporal's visibility lists it), or null. */
async function otherRecomputeRunning(client: Client, own: string): Promise<string | null> {
  for await (const wf of client.workflow.list({ query: `WorkflowType = 'recomputeOlderAnalyticsWorkflow' AND ExecutionStatus = 'Running'` })) {
    if (wf.workflowId !== own) return wf.workflowId;
  }
  return null;
}

export function createSyncActivities(deps: ActivityDeps) {
  const { redis, helius, market } = deps;
  // a wallet's sync runs its statements on the few connections kept for syncs (deps.syncPool); the
  // analysis's reads of many wallets' statuses run on the shared pool
  const pool = deps.syncPool ?? deps.pool;
  // every wallet sync of this worker takes one of these while it runs (a batch's wallets run at once,
  // each under one): the pages held stay bounded by the balances queue's slots, however batched
  const walletSyncSlots = pLimit(deps.settings.walletSyncConcurrency ?? DEFAULT_WALLET_SYNC_CONCURRENCY);
  const recomputed = deps.recomputed ?? (() => undefined);
  /**
   * Fetches and stores pages of one phase from `state.cursor` until the phase is done or
   * `input.maxPages` pages are in; `state` is updated page by page (and heartbeated by the caller's
   * liveness timer, withLivenessHeartbeat, which reads it).
   *
   * Pipelined: once a page is in and it is not the phase's last, the next page is requested before
   * this one is stored, so a wallet's pages follow each other at the provider's pace (its latency,
   * the budget) rather than at that pace plus the store's. The heartbeated cursor only moves past a
   * page once it is stored: a retried attempt asks again for the page that was in flight. The SOL
   * price (needed to value the legs) is read while the first page is on its way.
   */
  async function fetchChunk(input: SyncChunkInput, state: ChunkHeartbeat): Promise<SyncChunkResult> {
    const ctx = Context.current();
    const solPriceAsked = solPriceUsd(redis, market, ctx.cancellationSignal);
    // settled later; until then a failure must not be an unhandled rejection
    solPriceAsked.catch(() => undefined);
    const request = (cursor: string | null): Promise<HistoryPage> => {
      // a cancelled step (its analysis cancelled, its heartbeat timed out) drops the page on its way
      const asked = helius.fetchHistoryPage(input.wallet, { before: cursor ?? undefined, limit: 100, signal: ctx.cancellationSignal });
      asked.catch(() => undefined);
      return asked;
    };
    let done = false;
    let reachedEnd = false;
    let stoppedAtWindow = false;
    let inFlight: Promise<HistoryPage> | null = null;
    while (!done && state.pages < input.maxPages) {
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('wallet sync cancelled');
      const page = await (inFlight ?? request(state.cursor));
      inFlight = null;
      let txs = page.transactions;
      // The newest transaction of a sync from the top becomes the next watermark, if it is stored:
      // one older than the window is not, and a watermark above unstored history would hide it
      // from every later sync.
      const topInWindow = input.sinceTimestamp === null || input.until !== null || (txs.length > 0 && txs[0].timestamp >= input.sinceTimestamp);
      if (input.phase === 'newer' && input.cursor === null && state.pages === 0 && txs.length > 0 && topInWindow) {
        state.top = { signature: txs[0].signature, slot: txs[0].slot, timestamp: txs[0].timestamp };
      }
      if (input.until) {
        const at = txs.findIndex((tx) => tx.signature === input.until);
        if (at >= 0) {
          txs = txs.slice(0, at);
          done = true;
        }
      }
      // The window limits how far back a sync goes, never a newer phase bounded by a watermark:
      // stopping above the watermark would leave a hole no later sync fills.
      if (input.sinceTimestamp !== null && !(input.phase === 'newer' && input.until)) {
        const inWindow = txs.filter((tx) => tx.timestamp >= (input.sinceTimestamp as number));
        if (inWindow.length < txs.length) {
          txs = inWindow;
          done = true;
          stoppedAtWindow = true;
        }
      }
      if (page.nextCursor === null && !page.continuation) {
        done = true;
        reachedEnd = !stoppedAtWindow;
      }
      // the next page is asked for while this one is stored (never past the phase's end or the chunk's pages)
      if (!done && state.pages + 1 < input.maxPages) inFlight = request(page.nextCursor);
      // A transaction that failed validation never sinks the page: it is recorded with its reason
      // (counted in coverage) unless its raw timestamp puts it before the window.
      // (a transaction a provider lists twice in a page is stored once: recordRejectedCtes)
      const rejected: RejectedRow[] = page.rejected
        .filter((r) => input.sinceTimestamp === null || r.timestamp === null || r.timestamp >= input.sinceTimestamp)
        .map((r) => ({ key: r.signature ?? `${state.cursor ?? 'top'}#${r.index}`, signature: r.signature, timestamp: r.timestamp, field: r.field, reason: r.reason }));
      if (rejected.length > 0) log.warn('transactions rejected', { wallet: input.wallet, count: rejected.length, reasons: rejected.slice(0, 5).map((r) => r.reason) });
      // A page is milliseconds of CPU in three parts (parsed with its arrival, extracted, handed to
      // PostgreSQL), which would otherwise run as one long turn of the event loop. The first turn
      // (setImmediate) lets the callbacks already waiting in this phase run (other pages' arrivals,
      // the budget's Redis replies) before the extraction; the second lets the loop go round, its
      // timers first, so the history budget's timers due meanwhile wake before the hand-off.
      await nextTurn();
      const { legs } = extractMany(txs, input.wallet, { solPriceUsd: await solPriceAsked });
      // plain SOL and token transfers (not trades) are kept as evidence of funding links
      const transfers = extractTransfersMany(txs, input.wallet);
      await nextTurn();
      const stored = await storeHistoryPage(pool, input.wallet, txs, legs, rejected, transfers, page.received);
      state.rejectedTransactions = (state.rejectedTransactions ?? 0) + rejected.length;
      state.pages += 1;
      state.transactions += txs.length;
      state.newTransactions += stored.newTransactions;
      state.newLegs += stored.newLegs;
      state.cursor = page.nextCursor;
    }
    log.info('history chunk stored', { wallet: input.wallet, phase: input.phase, pages: state.pages, transactions: state.transactions, newLegs: state.newLegs, done });
    return { ...state, done, reachedEnd, stoppedAtWindow };
  }

  /**
   * PnL, behavior and coverage of the wallet's stored legs, to be stored in wallet_analytics: its
   * inputs read in one statement (with the SOL price from the cache meanwhile), its legs and its
   * transfers extracted again first if its stored history predates the current extractions. On the
   * syncs' connections unless given others (a computation again outside any sync: the shared pool).
   */
  async function walletAnalytics(wallet: string, onStep: (step: string) => void, db: Pool = pool): Promise<{ values: WalletAnalyticsValues; summary: { legs: number; tokens: number; realizedPnlSol: number } }> {
    // without a price (DexScreener down, none known) the USD values are left out; a cancelled
    // activity stores nothing
    const { cancellationSignal } = Context.current();
    const solPriceAsked = solPriceUsd(redis, market, cancellationSignal).catch((err: unknown) => {
      if (cancellationSignal.aborted) throw err;
      return undefined;
    });
    solPriceAsked.catch(() => undefined);
    // a wallet whose stored legs predate the current swap extraction: its SOL-quoted legs extracted
    // again first (and its stablecoin ones an older extraction quoted otherwise, at the price a sync uses)
    await backfillLegs(db, [wallet], { solPriceUsd: () => solPriceAsked });
    const { legs, heldTokens, pricesUsd, rejected, transfersVersion, failed: failedKept } = await loadAnalyticsInputs(db, wallet);
    // a wallet stored before its failed transactions' fees were kept: counted from its payloads, once
    const failed = failedKept ?? (await countFailedFees(db, wallet));
    onStep('pnl');
    const holdings = heldTokens ? Object.fromEntries(heldTokens.map((t) => [t.mint, { uiAmount: formatUnits(BigInt(t.rawAmount), t.decimals) }])) : undefined;
    const pnl = computePnl(legs, { holdings, pricesUsd, solPriceUsd: await solPriceAsked, failed });
    onStep('behavior');
    const behavior = computeBehavior(legs, { nowSec: Math.floor(Date.now() / 1000) });
    onStep('transfers');
    // a wallet synced before transfers were kept: extract them from its stored transactions now
    if (transfersVersion < TRANSFER_EXTRACTION_VERSION) await backfillTransfers(db, [wallet]);
    onStep('storing');
    const coverage = {
      legs: legs.length,
      firstLegAt: legs[0]?.timestamp ?? null,
      lastLegAt: legs[legs.length - 1]?.timestamp ?? null,
      rejectedTransactions: rejected.count,
      rejected: rejected.recent,
    };
    return {
      values: { pnl, behavior, coverage, engineVersion: ENGINE_VERSION },
      summary: { legs: legs.length, tokens: pnl.tokens.length, realizedPnlSol: pnl.totals.realizedPnlSol },
    };
  }

  /**
   * A wallet's stored analytics computed again from its stored inputs when they follow an older
   * engine than this worker's: no page is fetched, and no sync lease is taken (the backfills and the
   * failed fees' count it may run are safe beside a page store of the wallet). Not while a sync of
   * the wallet is live (its end computes them, and until then its stored legs may have a gap:
   * `syncing`), and replaced only if no analytics were stored meanwhile (replaceStaleAnalytics).
   */
  async function recomputeAnalytics(wallet: string, onStep: (step: string) => void): Promise<WalletAnalyticsRefresh> {
    // the shared pool: no sync waits behind it for one of its few connections
    const db = deps.pool;
    const stored = await storedAnalyticsVersion(db, wallet);
    if (stored === null || !olderEngine(stored.engineVersion)) return { refreshed: false, engineVersion: stored?.engineVersion ?? null };
    if (stored.syncing) return { refreshed: false, engineVersion: stored.engineVersion, syncing: true };
    const analytics = await walletAnalytics(wallet, onStep, db);
    if (await replaceStaleAnalytics(db, wallet, analytics.values, stored)) return { refreshed: true, engineVersion: ENGINE_VERSION };
    // stored meanwhile by a sync's end, or a sync began meanwhile
    const now = await storedAnalyticsVersion(db, wallet);
    log.info('wallet analytics not replaced: stored meanwhile, or a sync of the wallet began', { wallet, syncing: now?.syncing });
    return { refreshed: false, engineVersion: now?.engineVersion ?? null, ...(now?.syncing ? { syncing: true } : {}) };
  }

  /**
   * With `exclusive` (a sync run as a step of an analysis, or the begin of a `wallet-sync:<address>`
   * workflow, whose id keeps it unique among those workflows but not among analyses' steps): the
   * sync lease is taken only when no other holder's sync of the wallet is live; otherwise `busy` says
   * who holds it, and the workflow waits and asks again (a step that waited here would hold one of
   * the balances queue's slots, which the holder itself may need for its next chunk or its retry). A holder that died stops renewing its lease, and after
   * SYNC_LEASE_SECONDS the wallet is taken over.
   */
  async function beginWalletSync(input: { wallet: string; workflowId: string; skipIfSyncedAfter?: string | null; sinceTimestamp?: number | null; exclusive?: boolean }): Promise<
    WalletSyncCursor & { alreadySynced?: { lastSyncedAt: string; legs: number }; busy?: { heldBy: string } }
  > {
    const skip = input.skipIfSyncedAfter ? { after: input.skipIfSyncedAfter, sinceTimestamp: input.sinceTimestamp ?? null } : null;
    const alreadySynced = async () => {
      const done = skip ? await syncedAfter(pool, input.wallet, skip.after, skip.sinceTimestamp) : null;
      if (!done) return null;
      const { lastSyncedAt, legs, ...cursor } = done;
      return { ...cursor, alreadySynced: { lastSyncedAt, legs } };
    };
    if (!input.exclusive) return (await alreadySynced()) ?? beginSync(pool, input.wallet, input.workflowId);
    // refused when another holder's sync is live, or when a sync that covers what `skip` asks
    // completed after `skip.after` (the same check as alreadySynced's, in the lease's statement):
    // a wallet synced meanwhile is read once more below, a cold one costs this statement alone
    const taken = await takeSyncLease(pool, input.wallet, input.workflowId, skip);
    if (taken) return taken;
    const since = await alreadySynced();
    if (since) return since;
    const heldBy = await syncHolder(pool, input.wallet);
    return { newestSignature: null, oldestSignature: null, historyComplete: false, busy: { heldBy: heldBy ?? 'another sync' } };
  }

  /**
   * One wallet's sync at once (syncWalletAtOnce's body): begun here, or resumed from `started` (a
   * heartbeat's); `onBegun` hands over the state the caller heartbeats (updated in place as pages
   * are stored). A retried attempt resumes from its predecessor's last heartbeat
   * (withLivenessHeartbeat: from half the heartbeat timeout on while it ran, and when it failed):
   * after the begin, at the chunk's cursor, or after the chunk; one lost before its first heartbeat
   * (its worker killed within 5 s) begins again, which its lease allows (the same holder); the
   * watermark, analytics and finish steps are idempotent.
   */
  async function syncAtOnce(input: AtOnceInput, started: AtOnceStarted | null, onBegun: (begun: AtOnceStarted) => void): Promise<AtOnceOutcome> {
    const ctx = Context.current();
    let beat = started;
    try {
      if (beat !== null && input.exclusive && !(await keepSyncLease(pool, input.wallet, input.workflowId))) {
        // a retried step resuming while another analysis's sync holds the wallet (this one's lease
        // lapsed: a stalled worker, an outage longer than the lease): left to that sync, as a step
        // that found it busy; its pages stored so far are kept. Taken over and let go since (that
        // sync ended): begun afresh, where a sync completed meanwhile makes it a skip
        const heldBy = await syncHolder(pool, input.wallet);
        if (heldBy !== null) return { busy: { heldBy } };
        beat = null;
      }
      if (beat === null) {
        const cursor = await beginWalletSync(input);
        if (cursor.alreadySynced) {
          return { finished: skippedSyncResult(input.wallet, cursor, cursor.alreadySynced.legs) };
        }
        // (exclusive only) another analysis's sync of the wallet is live: nothing was begun
        if (cursor.busy) return { busy: cursor.busy };
        beat = { begun: startingState(cursor), chunk: freshChunk(null) };
        onBegun(beat);
      }
      const b = beat;
      // afterChunk changes the state: work on a copy, so that a retried attempt starts from the heartbeated one
      const s: WalletSyncResume = structuredClone(b.begun);
      const chunkInput: SyncChunkInput = { wallet: input.wallet, phase: s.phase, cursor: s.cursor, until: s.phase === 'newer' ? s.until : null, sinceTimestamp: input.sinceTimestamp, maxPages: input.maxPages };
      const r = b.result ?? (await fetchChunk(chunkInput, b.chunk));
      b.result = r;
      const next = afterChunk(s, r, input.sinceTimestamp);
      if (next.next === 'chunk') return { resume: s };
      if (next.next === 'older') {
        await commitSyncWatermark({ wallet: input.wallet, ...next.commit });
        return { resume: s };
      }
      // the watermark, the analytics and the end in one statement, after one that reads the analytics' inputs
      const analytics = await walletAnalytics(input.wallet, () => undefined);
      await finishSyncWithAnalytics(pool, input.wallet, next.commit, analytics.values);
      return { finished: syncResult(input.wallet, s, analytics.summary.legs) };
    } catch (err) {
      // a step cancelled with its analysis gives the wallet up at once: another analysis waiting for
      // it takes it over now, not when the lease runs out (its stored pages are kept). Only then: an
      // attempt cancelled because it timed out (its retry resumes under the same lease), or because
      // its worker shuts down while its analysis goes on, keeps the lease for the attempt that goes on
      if (input.exclusive && beat !== null && (err instanceof CancelledFailure || ctx.cancellationSignal.aborted) && (await cancelledWithItsAnalysis(ctx, input.workflowId))) {
        await finishSync(pool, input.wallet, { ok: false, error: cancelledReason(input.wallet, input.workflowId) }, input.workflowId).catch(() => undefined);
      }
      throw err;
    }
  }

  /**
   * The activity ended with its analysis: its workflow asked (so too when the server does not say
   * why), or the server no longer knows the activity, or its worker shuts down, and the workflow has
   * closed (it went on without the step: cancelled, proceed, or terminated; an analysis's steps are
   * cancelled without waiting for them, so a worker stopped just after an analysis was cancelled
   * sees its steps' cancellation as its own shutdown). Not when the attempt timed out, was superseded
   * by its retry (which resumes under the same lease), was paused, or its worker shuts down while
   * the analysis goes on (another worker's retry resumes under the same lease).
   */
  async function cancelledWithItsAnalysis(ctx: Context, workflowId: string): Promise<boolean> {
    const why = ctx.cancellationDetails;
    if (why === undefined || why.cancelRequested) return true;
    if (!why.notFound && !why.workerShutdown) return false;
    // a superseded attempt or a worker stopped while the workflow goes on, or a closed workflow: only Temporal can tell which
    try {
      return (await ctx.client.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING';
    } catch (err) {
      return err instanceof WorkflowNotFoundError;
    }
  }

  /**
   * A synced wallet's first funder and largest SOL destination are known: what the chain says of them
   * is read now, while other wallets' syncs wait on Helius, rather than by the similarity step after
   * the last sync.
   */
  async function firstFunderAhead(wallet: string, signal: AbortSignal): Promise<void> {
    if (!deps.signatures || (deps.settings.counterpartyLookups ?? DEFAULT_COUNTERPARTY_LOOKUPS) <= 0) return;
    const options = { maxAgeSeconds: COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS, signal };
    await Promise.all([readFirstFunderActivity(pool, deps.signatures, wallet, options), readSweepDestinationActivity(pool, deps.signatures, wallet, options)]);
  }

  async function commitSyncWatermark(input: { wallet: string; top: { signature: string; slot: number; timestamp: number } | null; historyComplete: boolean; coveredSince?: number | null }): Promise<void> {
    if (input.top) await commitWatermark(pool, input.wallet, input.top);
    if (input.historyComplete) await markHistoryComplete(pool, input.wallet);
    else if (input.coveredSince !== undefined && input.coveredSince !== null) await markCoveredSince(pool, input.wallet, input.coveredSince);
  }

  return {
    /**
     * Each wallet's sync status. With `sinceTimestamp` (null: full history), a wallet whose stored
     * history does not reach that far back is STALE. With `cachedBalances`, also whether its balances
     * are cached (the analysis then fetches only the others'); Redis unreachable: the statuses
     * without that (fetchBalanceBatch meets the cache, or its outage, as before).
     */
    async getWalletStatuses(input: { wallets: string[]; staleAfterSeconds?: number; sinceTimestamp?: number | null; cachedBalances?: boolean }): Promise<WalletStatusRow[]> {
      const rows = await walletStatuses(deps.pool, input.wallets, input.staleAfterSeconds ?? deps.settings.staleAfterSeconds, input.sinceTimestamp);
      if (!input.cachedBalances) return rows;
      const cached = await walletsWithCachedBalances(redis, input.wallets).catch((err: unknown) => {
        log.warn('could not read which balances are cached: the balances step asks', { wallets: input.wallets.length, error: describeFailure(err) });
        return new Set<string>();
      });
      return rows.map((row) => (cached.has(row.wallet) ? { ...row, balancesCached: true } : row));
    },

    /**
     * Marks the wallet as syncing and returns where to continue. With `skipIfSyncedAfter`, a sync
     * that completed after that time (another analysis's, which finished between this analysis's
     * status check and the start of this sync) and whose stored history reaches back to
     * `sinceTimestamp` makes this one unnecessary: nothing is changed and `alreadySynced` says so.
     */
    beginWalletSync,

    async syncHistoryChunk(input: SyncChunkInput): Promise<SyncChunkResult> {
      const ctx = Context.current();
      const resumed = ctx.info.heartbeatDetails as ChunkHeartbeat | undefined;
      const state: ChunkHeartbeat = resumed ?? freshChunk(input.cursor);
      return withLivenessHeartbeat(() => state, () => walletSyncSlots(() => fetchChunk(input, state)));
    },

    /**
     * A whole sync in one activity when the history fits one chunk (walletSyncWorkflow, patched
     * 'sync-at-once'): begins it, fetches the first chunk, and if that ends the history (or reaches
     * the window or the watermark) commits the watermark, computes the analytics and finishes the
     * sync. Otherwise it returns the state for the workflow's chunk loop. A retried attempt resumes
     * from the last heartbeat (syncAtOnce).
     */
    async syncWalletAtOnce(input: AtOnceInput): Promise<AtOnceOutcome> {
      let beat = (Context.current().info.heartbeatDetails as AtOnceStarted | undefined) ?? input.resumeFrom ?? null;
      return withLivenessHeartbeat(
        () => beat,
        async () => {
          const outcome = await walletSyncSlots(() => syncAtOnce(input, beat, (begun) => (beat = begun)));
          // out of the sync slot: the next wallet's pages need not wait for this read
          if ('finished' in outcome) await firstFunderAhead(input.wallet, Context.current().cancellationSignal);
          return outcome;
        },
      );
    },

    /**
     * syncWalletAtOnce for several wallets in one activity (an analysis's steps: ANALYSIS_PATCHES_2026_12_03),
     * their syncs run at once, each under one of the worker's wallet sync slots: a task-queue activity
     * costs Temporal a schedule, a start, a completion and a workflow task (a billable action or more
     * each, and most of Temporal's CPU through a large group) for a sync of a few seconds. The
     * heartbeat holds each wallet's outcome once it is in and the state of each one under way, so a
     * retried attempt skips the ones done and resumes the others. A wallet whose sync failed does not
     * fail the others: its outcome says `failed` when no retry can help (a rejected key, an invalid
     * address: the reason a step of its own would fail with), else `retry` (the reason), and the
     * analysis syncs it in a step of its own, with that step's retries; only a cancellation (or a
     * lost worker) ends the batch.
     */
    async syncWalletsAtOnce(input: Omit<AtOnceInput, 'wallet' | 'skipIfSyncedAfter'> & { wallets: Array<{ wallet: string; skipIfSyncedAfter: string | null }> }): Promise<{ outcomes: BatchOutcome[] }> {
      const ctx = Context.current();
      const state: BatchHeartbeat = (ctx.info.heartbeatDetails as BatchHeartbeat | undefined) ?? { done: [], started: {} };
      const { wallets, ...shared } = input;
      // the batch's wallets share its cancellation signal, each listening to it from a few places at
      // once (its SOL price, its page request and its budget, its first funder's read): more than
      // Node's default of 10 listeners, which it would warn of as a leak
      setMaxListeners(LISTENERS_PER_SYNC * wallets.length + 10, ctx.cancellationSignal);
      const outcomeOf = (wallet: string) => state.done.find((d) => d.wallet === wallet);
      const syncOne = async (wallet: string, skipIfSyncedAfter: string | null): Promise<void> => {
        // a cancelled batch begins no more syncs (those under way meet it at their next page)
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('wallet sync cancelled');
        let outcome: AtOnceOutcome | { retry: string; resumeFrom?: AtOnceStarted } | { failed: string };
        try {
          outcome = await syncAtOnce({ ...shared, wallet, skipIfSyncedAfter }, state.started[wallet] ?? null, (begun) => (state.started[wallet] = begun));
        } catch (err) {
          if (err instanceof CancelledFailure || ctx.cancellationSignal.aborted) throw err;
          // the reason a step of its own would fail with (the worker's interceptor makes a provider
          // failure an ApplicationFailure of its name: src/temporal/activity-failures.ts)
          const reason = describeFailure(err instanceof ProviderError ? { type: err.name, message: err.message } : err);
          const retryable = isRetryable(err) && !(err instanceof ApplicationFailure && err.nonRetryable);
          // a retry goes on from where this sync stood (its step resumes as from a heartbeat)
          const at = state.started[wallet];
          outcome = !retryable ? { failed: reason } : at === undefined ? { retry: reason } : { retry: reason, resumeFrom: at };
          log.warn(retryable ? 'a wallet of the batch failed: its analysis syncs it in a step of its own' : 'a wallet of the batch failed for good', { wallet, error: reason });
        }
        state.done.push({ wallet, ...outcome });
        delete state.started[wallet];
      };
      return withLivenessHeartbeat(
        () => state,
        async () => {
          try {
            // every wallet's sync settled before a failure is looked at: one still storing its page
            // when another met the cancellation would add its outcome after the release below
            const settled = await Promise.allSettled(
              wallets
                .filter(({ wallet }) => !outcomeOf(wallet))
                .map(async ({ wallet, skipIfSyncedAfter }) => {
                  await walletSyncSlots(() => syncOne(wallet, skipIfSyncedAfter));
                  // out of the sync slot: the next wallet's pages need not wait for this read
                  const outcome = outcomeOf(wallet);
                  if (outcome !== undefined && 'finished' in outcome) await firstFunderAhead(wallet, ctx.cancellationSignal);
                }),
            );
            const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
            if (failure !== undefined) throw failure.reason;
          } catch (err) {
            // cancelled with its analysis: the wallets whose syncs it left to go on in a child
            // (`resume`) or to retry in a step of their own still hold its lease, and nothing will
            // take them up now; given up at once, as a sync under way gives its own up (syncAtOnce)
            if (input.exclusive && (err instanceof CancelledFailure || ctx.cancellationSignal.aborted) && (await cancelledWithItsAnalysis(ctx, input.workflowId))) {
              const leftHeld = state.done.filter((d) => d.resume !== undefined || d.retry !== undefined);
              await Promise.all(leftHeld.map((d) => finishSync(pool, d.wallet, { ok: false, error: cancelledReason(d.wallet, input.workflowId) }, input.workflowId).catch(() => undefined)));
            }
            throw err;
          }
          return { outcomes: wallets.map(({ wallet }) => outcomeOf(wallet) as BatchOutcome) };
        },
      );
    },

    /**
     * After a phase: moves the watermark to `top`, and records how far back the history is now
     * complete: to the first transaction, or to `coveredSince` (the window a phase stopped at).
     */
    commitSyncWatermark,

    /** PnL and behavior of the wallet's stored legs, stored in wallet_analytics. */
    async computeWalletAnalytics(input: { wallet: string }): Promise<{ legs: number; tokens: number; realizedPnlSol: number }> {
      let step = 'loading legs';
      return withLivenessHeartbeat(
        () => ({ step }),
        async () => {
          const analytics = await walletAnalytics(input.wallet, (next) => (step = next));
          await saveWalletAnalytics(pool, input.wallet, analytics.values);
          return analytics.summary;
        },
      );
    },

    /**
     * A wallet's stored analytics computed again from its stored inputs when they follow an older
     * engine than this worker's (walletAnalyticsWorkflow): see recomputeAnalytics. Says which rules
     * the stored analytics follow now.
     */
    async refreshWalletAnalytics(input: { wallet: string }): Promise<WalletAnalyticsRefresh> {
      let step = 'reading version';
      const refresh = await withLivenessHeartbeat(
        () => ({ step }),
        () => recomputeAnalytics(input.wallet, (next) => (step = next)),
      );
      recomputed('read', outcomeOf(refresh));
      return refresh;
    },

    /**
     * One batch of the background recompute (recomputeOlderAnalyticsWorkflow): the wallets whose
     * stored analytics an engine older than this worker's computed, in the order of
     * walletsOfEngines after `after`, computed again one at a time as refreshWalletAnalytics does,
     * until `maxWallets` are done or, checked after each wallet, `budgetMs` has passed; on the
     * shared pool, at background priority. `next`: where the next batch starts; null when none is
     * left.
     *
     * A retried attempt goes on after the last wallet its predecessor had finished when it last
     * heartbeated (those finished since are computed already, so no longer listed, and left out of
     * the counts). A wallet whose own stored data the engine or PostgreSQL refuses as data is passed
     * over as `failed` at once; one that fails its batch otherwise (another refusal of PostgreSQL's)
     * is passed over so once RECOMPUTE_WALLET_ATTEMPTS attempts in a row have failed on it, so that
     * it does not hold up every wallet after it for good. PostgreSQL away (or the attempt
     * cancelled) is retried without counting against the wallet.
     *
     * A worker of an older engine than `minEngine` (a deploy's run taken by a worker not yet
     * replaced) fails the attempt, to be retried on a newer one; without `minEngine` (the
     * schedule's runs), one of an older engine than the stored figures' finds none older than its
     * own and leaves them as they are. A schedule's run that finds another run of the workflow under
     * way (a deploy's, started at a worker's start) leaves the wallets to it (`deferredTo`), rather
     * than compute the same ones beside it.
     */
    async recomputeOlderAnalytics(input: { after: EngineWalletCursor | null; maxWallets: number; budgetMs: number; minEngine?: string }): Promise<OlderAnalyticsBatch> {
      const ctx = Context.current();
      if (input.minEngine !== undefined && olderEngine(ENGINE_VERSION, input.minEngine)) {
        throw ApplicationFailure.retryable(`this worker's engine ${ENGINE_VERSION} is older than ${input.minEngine}, whose figures this run computes: left to a newer worker`, 'OlderWorker');
      }
      const started = Date.now();
      const state: OlderAnalyticsBeat = (ctx.info.heartbeatDetails as OlderAnalyticsBeat | undefined) ?? { next: input.after, refreshed: 0, syncing: 0, unchanged: 0, failed: 0 };
      const db = deps.pool;
      const own = ctx.info.workflowExecution?.workflowId ?? '';
      if (input.minEngine === undefined && input.after === null && state.refreshed + state.syncing + state.unchanged + state.failed === 0) {
        const other = await otherRecomputeRunning(ctx.client, own);
        if (other !== null) return { next: null, refreshed: 0, syncing: 0, unchanged: 0, failed: 0, deferredTo: other };
      }
      // the wallet the attempts before this one failed on
      if (state.current && state.current.attempts >= RECOMPUTE_WALLET_ATTEMPTS) {
        log.warn('wallet analytics not computed again: its batch failed on it attempt after attempt', { wallet: state.current.at.wallet, attempts: state.current.attempts, error: state.current.error });
        state.failed += 1;
        recomputed('background', 'failed');
        state.next = state.current.at;
        state.current = undefined;
      }
      return withLivenessHeartbeat(
        () => state,
        async () => {
          const older = (await storedEngineVersions(db)).filter((version) => olderEngine(version));
          const wallets = older.length === 0 ? [] : await walletsOfEngines(db, older, state.next, input.maxWallets);
          for (const listed of wallets) {
            if (ctx.cancellationSignal.aborted) throw new CancelledFailure('recompute cancelled');
            const same = state.current?.at.wallet === listed.wallet && state.current.at.engineVersion === listed.engineVersion;
            state.current = { at: listed, attempts: same ? (state.current?.attempts ?? 0) + 1 : 1 };
            try {
              const outcome = outcomeOf(await recomputeAnalytics(listed.wallet, () => undefined));
              state[outcome] += 1;
              recomputed('background', outcome);
            } catch (err) {
              // PostgreSQL away, or the attempt cancelled: retried from here, not the wallet's fault
              if (ctx.cancellationSignal.aborted || isConnectionError(err)) {
                state.current = undefined;
                throw err;
              }
              // refused otherwise (a timeout, a deadlock, no memory): retried, counted against the wallet
              if (sqlState(err) !== null && !isDataError(err)) {
                state.current = { ...state.current, error: describeFailure(err) };
                throw err;
              }
              // its own data refused: passed over (the next run tries it again)
              state.failed += 1;
              recomputed('background', 'failed');
              log.warn('wallet analytics not computed again', { wallet: listed.wallet, error: describeFailure(err) });
            }
            state.current = undefined;
            state.next = listed;
            if (Date.now() - started >= input.budgetMs) return batchOf(state);
          }
          // fewer than asked: none is left after them
          return wallets.length < input.maxWallets ? { ...batchOf(state), next: null } : batchOf(state);
        },
      );
    },

    /** The end of the wallet's sync; a failure with `holder`, only if the sync is still that holder's (finishSync). */
    async finishWalletSync(input: { wallet: string; error?: string; holder?: string }): Promise<void> {
      await finishSync(pool, input.wallet, input.error === undefined ? { ok: true } : { ok: false, error: input.error }, input.holder ?? null);
      if (input.error === undefined) await firstFunderAhead(input.wallet, Context.current().cancellationSignal);
    },

    /**
     * Sync progress of wallets from PostgreSQL, and whether each `wallet-sync:<address>` workflow is
     * still running (for syncs this analysis joined rather than started).
     */
    async readSyncProgress(input: { wallets: string[]; joined: string[] }): Promise<Array<{ wallet: string; pages: number; transactions: number; legs: number; running: boolean | null; error: string | null }>> {
      const statuses = await walletStatuses(deps.pool, input.wallets, deps.settings.staleAfterSeconds);
      const running = await joinedSyncsRunning(Context.current().client, input.joined);
      return Promise.all(
        statuses.map(async (s) => ({
          wallet: s.wallet,
          pages: s.pages,
          transactions: s.transactions,
          legs: await countLegs(deps.pool, s.wallet),
          running: running.get(s.wallet) ?? null,
          error: s.lastSyncError,
        })),
      );
    },
  };
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
