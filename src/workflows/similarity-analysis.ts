// similarityAnalysisWorkflow: one per analysis request. Checks wallet status, then in parallel
// deep-syncs the wallets that need it (steps of five wallets, syncWalletsAtOnce; a wallet's sync
// lease shares it between analyses; a walletSyncWorkflow child only continues a history longer than
// one chunk) and fetches balances (batches of 100, balances task queue, Redis-cached), then computes
// similarity as an activity, stores it, starts token enrichment as an abandoned child and returns a
// small summary. Progress is a query; `proceedWithAvailableData` stops waiting for slow syncs.
import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  ChildWorkflowCancellationType,
  allHandlersFinished,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributePair } from '@temporalio/common';
import type { AnalysisActivities, AnalysisSummary, FailedWallet, SyncProgressRow } from '../activities/analysis';
import type { BalanceActivities } from '../activities/balances';
import type { HolderActivities } from '../activities/holders';
import type { AtOnceStarted, SyncActivities } from '../activities/sync';
import {
  NON_RETRYABLE_ERROR_TYPES,
  PRIORITY,
  SEARCH_ATTRIBUTES,
  TASK_QUEUES,
  USER_METADATA_LIMITS,
  WALLET_ERROR_MAX_CHARS,
  analysisInputOf,
  enrichmentWorkflowId,
  isTokenRequest,
  progressQuery,
  proceedWithAvailableDataSignal,
  MAX_WAIT_SECONDS,
  waitForAnalysisUpdate,
  truncateBytes,
  walletSyncWorkflowId,
  WORKFLOW_TASK_QUEUE,
  runningSearchAttributes,
  type AnalysisInput,
  type AnalysisPhase,
  type AnalysisProgress,
  type AnalysisRequest,
  type TokenAnalysisRequest,
  type WalletProgress,
  type WalletSyncResume,
} from './contract';
import { COMPUTE_RETRY, HISTORY_CHUNK_RETRY_TIMEOUT, HOLDER_STEP_RETRY_TIMEOUT, PROVIDER_RETRY, PROVIDER_RETRY_TIMEOUT, STORE_STEP } from './policies';
import { tokenEnrichmentWorkflow } from './token-enrichment';
import { DEFAULT_PAGES_PER_CHUNK, walletSyncWorkflow } from './wallet-sync';
import { describeFailure } from '../errors';

// Short PostgreSQL steps (readSyncProgress also asks Temporal whether joined syncs still run).
const { recordAnalysisStart, recordAnalysisEnd, readGroupSyncProgress, getWalletStatuses, readSyncProgress } = proxyActivities<
  Pick<AnalysisActivities, 'recordAnalysisStart' | 'recordAnalysisEnd' | 'readGroupSyncProgress'> & Pick<SyncActivities, 'getWalletStatuses' | 'readSyncProgress'>
>({
  taskQueue: TASK_QUEUES.analysis,
  ...STORE_STEP,
});

const { fetchBalances, fetchBalanceBatch } = proxyActivities<BalanceActivities>({
  taskQueue: TASK_QUEUES.balances,
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: PROVIDER_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

// A token request's holders: provider calls (Helius getProgramAccountsV2, or DAS) on the queue of provider calls, retried like
// them; ahead of the syncs queued there (another analysis's hundreds of steps), whose wait would
// count against its timeout before it read a page. (Its fairness key is the workflow's: Temporal
// merges an activity's priority with its workflow's field by field.) Its attempts also give way
// while a worker's holder scans are taken by other tokens (HolderScansBusy): 30 minutes in all.
const { resolveTokenHolders } = proxyActivities<HolderActivities>({
  taskQueue: TASK_QUEUES.balances,
  priority: { priorityKey: PRIORITY.userTriggered },
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: HOLDER_STEP_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

/**
 * A wallet's sync as a step of the analysis (patched 'sync-steps'): on the queue of provider calls,
 * with the timeouts and retries of walletSyncWorkflow's own syncWalletAtOnce. finishWalletSync
 * records a step that failed for good, as walletSyncWorkflow does for its own.
 */
const { syncWalletAtOnce: syncWalletStep } = proxyActivities<Pick<SyncActivities, 'syncWalletAtOnce'>>({
  taskQueue: TASK_QUEUES.balances,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: HISTORY_CHUNK_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});
const { finishWalletSync } = proxyActivities<Pick<SyncActivities, 'finishWalletSync'>>({ taskQueue: TASK_QUEUES.analysis, ...STORE_STEP });

/** Several wallets' syncs in one step (ANALYSIS_PATCHES_2026_12_03), with the single step's timeouts and retries. */
const { syncWalletsAtOnce: syncWalletsStep } = proxyActivities<Pick<SyncActivities, 'syncWalletsAtOnce'>>({
  taskQueue: TASK_QUEUES.balances,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: HISTORY_CHUNK_RETRY_TIMEOUT,
  retry: PROVIDER_RETRY,
});

/**
 * The same status read as a local activity (LOCAL_STEPS_PATCH): run by the worker that runs the
 * workflow task, inside it, its result recorded as one marker. A task-queue activity costs three
 * events and a second workflow task (six history events, two matching round trips) for one
 * PostgreSQL read of a few milliseconds.
 */
const { getWalletStatuses: getWalletStatusesHere } = proxyLocalActivities<Pick<SyncActivities, 'getWalletStatuses'>>({ ...STORE_STEP });

/**
 * A small group's similarity step as a local activity (LOCAL_STEPS_PATCH), for groups of at most
 * LOCAL_COMPUTE_MAX_WALLETS wallets (at most 1,225 pairs: well under a second, plus at most 3 s of
 * reading counterparties' activity from the chain the first time): its workflow task is held while
 * it runs, which delays the progress query by as much, so larger groups keep the analysis queue's
 * activity (with its fairness key and heartbeats).
 */
const LOCAL_COMPUTE_MAX_WALLETS = 50;
const { computeGroupSimilarity: computeSmallGroupSimilarity } = proxyLocalActivities<Pick<AnalysisActivities, 'computeGroupSimilarity'>>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '15 minutes',
  retry: COMPUTE_RETRY,
});

const { computeGroupSimilarity } = proxyActivities<Pick<AnalysisActivities, 'computeGroupSimilarity'>>({
  taskQueue: TASK_QUEUES.analysis,
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '15 seconds',
  scheduleToCloseTimeout: '15 minutes',
  retry: COMPUTE_RETRY,
});

/**
 * The same step for a large group: more time to run (a 1,000-wallet group has 499,500 pairs to
 * compute and copy into analysis_pairs). The computation runs in a process of its own
 * (src/activities/similarity-runner.ts), so the activity's liveness heartbeats keep leaving while
 * it runs; the heartbeat timeout only leaves room for the moments the activity's thread is busy
 * (handing a large input to the process, taking the result back). It was 5 minutes while the engine
 * computed on the activity's thread and sent no heartbeat until done. Which proxy runs the step, and
 * its timeouts, do not change the command sequence.
 */
const LARGE_GROUP_WALLETS = 200;
const { computeGroupSimilarity: computeLargeGroupSimilarity } = proxyActivities<Pick<AnalysisActivities, 'computeGroupSimilarity'>>({
  taskQueue: TASK_QUEUES.analysis,
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '45 minutes',
  retry: COMPUTE_RETRY,
});

/**
 * patched() id of the changes that let a group of any allowed size (MAX_WALLETS_PER_ANALYSIS, up to
 * 500) finish: no wallet list in a search attribute unless it fits, children started all at once,
 * and sync progress polled by analysis id returning changed rows only. Histories recorded before it
 * (test/histories/similarity-analysis.json) replay the old command sequence.
 */
export const GROUP_SIZE_LIMITS_PATCH = 'group-size-limits';

/**
 * patched() id of the change that leaves the analyses row to whoever starts the analysis (the API,
 * with the request's params and owner): the workflow no longer inserts it. Histories recorded before
 * it replay their recordAnalysisStart activity.
 */
export const API_OWNS_ANALYSIS_ROW_PATCH = 'api-owns-analysis-row';

/**
 * patched() id of token requests (POST /v1/analyses {token, top}): the workflow first resolves the
 * token's holders (resolveTokenHolders), then analyses them. Only token requests reach it, and only
 * code that knows it starts them; histories of wallets requests, old and new, never call it.
 */
export const TOKEN_HOLDERS_PATCH = 'token-holders';

/**
 * patched() id of balances fetched in batches: one fetchBalanceBatch activity per
 * BALANCE_BATCH_WALLETS wallets instead of one fetchBalances per wallet (3 history events per
 * wallet become 3 per batch, and one getMultipleAccounts call serves a batch's SOL). Histories
 * recorded before it replay their per-wallet activities.
 */
export const BALANCE_BATCHES_PATCH = 'balance-batches';

/**
 * patched() id of syncs run as steps of the analysis: one syncWalletAtOnce activity per wallet,
 * scheduled by this workflow, instead of a walletSyncWorkflow child per wallet. Measured on both
 * servers here, children start one after another (about 50 ms each on 2 cores: 1 s for 20 wallets,
 * nearly a minute for 1,000) because each start is recorded in this workflow's history in turn;
 * activities are scheduled together and dispatched at once, and each costs 3 events here instead
 * of a child's 3 plus its own 12. A sync that does not fit its first chunk (more than
 * maxPagesPerChunk pages) continues in a `wallet-sync:<address>` child started with the step's
 * state, which keeps continue-as-new for long histories. Two analyses syncing one wallet are kept
 * apart by the sync lease (beginWalletSync's `exclusive`) rather than by a workflow id. Histories
 * recorded before it start a child per wallet.
 */
export const SYNC_STEPS_PATCH = 'sync-steps';

/**
 * patched() id of the enrichment started only when it has something to fetch: the similarity step
 * says how many of the universe's mints need DexScreener (summary.tokensToEnrich) and, when none
 * does, records the enrichment as completed itself. An analysis of wallets analysed minutes before
 * (all their tokens fresh) then starts no tokenEnrichmentWorkflow, whose run would read the registry
 * and fetch nothing: measured, about half of such an analysis's Temporal events. Histories recorded
 * before it start the child every time.
 */
export const ENRICH_WHEN_NEEDED_PATCH = 'enrich-when-needed';

/**
 * patched() id that stands for every patch above at once (GROUP_SIZE_LIMITS_PATCH,
 * BALANCE_BATCHES_PATCH, SYNC_STEPS_PATCH, TOKEN_HOLDERS_PATCH, API_OWNS_ANALYSIS_ROW_PATCH,
 * ENRICH_WHEN_NEEDED_PATCH). Each patched() call of a new run records a marker and, through the SDK's
 * core, an upsert of the TemporalChangeVersion search attribute: two history events, and a
 * visibility write, that buy nothing once every run has them (measured: 10 of the 35 events of a
 * 3-wallet analysis of synced wallets). A run that records this one asks none of the others; a
 * history recorded before it has no such marker, and replays asking each of them where it did.
 * New runs no longer ask it: LOCAL_STEPS_PATCH stands for it and the patches it stands for.
 */
export const ANALYSIS_PATCHES_2026_11 = 'analysis-patches-2026-11';

/**
 * patched() id of the short PostgreSQL steps run as local activities: the wallets' statuses, and a
 * small group's similarity step (see getWalletStatusesHere, computeSmallGroupSimilarity). Measured on
 * the dev server, an analysis of 3 synced wallets took 4 workflow tasks and 3 activities (27
 * events); with these, 2 workflow tasks and 1 activity (its balances, a provider call, stays on the
 * balances queue). Like ANALYSIS_PATCHES_2026_11 it also stands for every patch before it, so a new
 * run still records one patch marker; histories recorded before it ask ANALYSIS_PATCHES_2026_11
 * (or each older patch) where they did, and run both steps as task-queue activities. As with any
 * patch, a run started by this code cannot be replayed by a worker of the code before it: deploy it
 * to every worker, and do not roll back while such runs are open (docs/workflows.md).
 */
export const LOCAL_STEPS_PATCH = 'analysis-patches-2026-12-local-steps';

/**
 * patched() id of two changes that leave out steps which repeated what was known, for a new run:
 *
 * - Search attributes set at the start: the API starts an analysis with its group, size and
 *   `AnalysisStatus` running (runningSearchAttributes, analysisStartOptions), and the workflow
 *   upserts only those its start did not carry: none for a wallets request, the holders for a token
 *   request. An upsert is a history event, a billed action on Temporal Cloud and a visibility write.
 *   A run started without them (by code before it, or by hand) upserts the whole set.
 * - Balances already cached: the statuses step (a local activity) also says which wallets' balances
 *   are in the Redis cache, and fetchBalanceBatch runs only for the others. When every wallet's are
 *   cached (an analysis of wallets analysed within the cache's 30 s), no balances activity runs at
 *   all: its 3 events, and the second workflow task that its completion took, are gone, and the
 *   analysis runs in one workflow task (its statuses and its similarity step local activities).
 *
 * It stands for LOCAL_STEPS_PATCH and every patch before it, so a new run still records one patch
 * marker; a history recorded before it asks LOCAL_STEPS_PATCH (or older ones) where it did,
 * upserts the whole set and fetches every wallet's balances.
 */
export const ANALYSIS_PATCHES_2026_12_02 = 'analysis-patches-2026-12-02';

/**
 * patched() id, asked only when it applies (so a run writes its marker only then): a cancel that
 * arrives once the analysis is completed (its result stored, its status upserted, a waiting caller
 * answered), while it waits for its handlers to finish, is too late: the run completes with its
 * result. Before, the wait threw, the run recorded `cancelled` (which the completed row refused)
 * and closed Cancelled with `AnalysisStatus` cancelled beside a row that says completed. A history
 * recorded before it, where that happened, replays as it ran.
 */
export const CANCEL_AFTER_COMPLETION_PATCH = 'cancel-after-completion';

/**
 * patched() id of the sync steps taken SYNC_BATCH_WALLETS wallets at a time (syncWalletsAtOnce),
 * standing for ANALYSIS_PATCHES_2026_12_02 and every patch before it, asked first as they are: one
 * patch marker a new run, as before. (Asked where the syncs begin, after the statuses' local
 * activity, a patch of its own made runs that could not be replayed: when that activity's result
 * came in as its workflow task completed, its marker went into that task and the code after it,
 * with the patch, ran in the next one, which a replay does not reproduce; measured, 1 run in 4 of
 * the cancellation test.)
 *
 * One activity syncs a step's wallets at once on its worker, each wallet under one of the worker's
 * wallet sync slots, so a step is as fast as its slowest wallet and the worker holds no more pages
 * than before. A step per wallet cost Temporal a schedule, a start, a completion and most of a
 * workflow task for a sync of a few seconds (measured on the production-shaped server through
 * 1,000 wallets: 1,034 activities and 700 workflow tasks, about 35 of the stack's CPU seconds in
 * Temporal and its database). A wallet whose sync failed for good fails with its reason; one whose
 * sync failed in a way a retry may mend, or found busy, goes through a step of its own (stepSync) as
 * before; a batch that failed as a whole, each of its wallets. Histories recorded before it take a
 * step per wallet.
 */
export const ANALYSIS_PATCHES_2026_12_03 = 'analysis-patches-2026-12-03';

/**
 * patched() id of a sync step that found its wallet busy (another analysis's sync holds it) waiting
 * for the group's progress poll to say the wallet is free (readGroupSyncProgress's heldElsewhere),
 * not on timers of its own: each busy wallet asked again every 10 s, an activity and a timer, about
 * 5 history events per wallet per 10 s. Two analyses of one token's 1,000 holders started together
 * have the second find every wallet busy for the minute or more the first takes: some 50,000 events,
 * at Temporal's limit of 51,200 for one execution. Now a busy wallet costs its step, a timer
 * (BUSY_RECHECK_MS, for a holder that died without releasing its lease) and its step after the
 * release (and a step and a timer every 30 s while it stays held). Stands for
 * ANALYSIS_PATCHES_2026_12_03 and every patch before it, asked where it is.
 */
export const ANALYSIS_PATCHES_2026_12_06 = 'analysis-patches-2026-12-06';

/**
 * patched() id of two bounds on the history an analysis writes while it waits for its wallets'
 * syncs, for a new run:
 * - a busy wallet's recheck (BUSY_RECHECK_MS) doubles up to BUSY_RECHECK_MAX_MS while the wallet
 *   stays held: another analysis's sync of a long history renews its lease for hours, and a step
 *   and a timer every 30 s cost 10 to 22 events a minute per held wallet (the poll still frees it
 *   as soon as the lease is let go);
 * - the wait proceeds with the data available on its own once the history holds
 *   HISTORY_PROCEED_EVENTS events (the poll loop writes some 66 a minute, so a sync of many hours
 *   would reach Temporal's limit of 51,200, and the server would terminate the analysis, its row
 *   left saying running).
 * Stands for ANALYSIS_PATCHES_2026_12_06 and every patch before it, asked where it is.
 */
export const ANALYSIS_PATCHES_2026_12_06B = 'analysis-patches-2026-12-06b';

/** (ANALYSIS_PATCHES_2026_12_06B) The longest wait between a held wallet's rechecks. */
const BUSY_RECHECK_MAX_MS = 10 * 60_000;
/**
 * (ANALYSIS_PATCHES_2026_12_06B) History events from which the wait for syncs proceeds with the data
 * available: what is left below Temporal's 51,200 is room for the balances, the similarity step,
 * the enrichment child's start and the end (tests lower it through `tuning.historyProceedEvents`).
 */
export const HISTORY_PROCEED_EVENTS = 40_000;

/** How long a sync step that found another analysis's sync of its wallet waits before asking again (doubling up to the max): histories before ANALYSIS_PATCHES_2026_12_06. */
const STEP_BUSY_FIRST_WAIT_MS = 1_000;
const STEP_BUSY_MAX_WAIT_MS = 10_000;
/**
 * (ANALYSIS_PATCHES_2026_12_06) How long a busy wallet's step waits for the poll to say it is free
 * before asking again all the same: a holder that died leaves its lease to run out (SYNC_LEASE_SECONDS, 120 s).
 */
const BUSY_RECHECK_MS = 30_000;

/** Sync steps scheduled at once (Temporal allows 2,000 pending activities; the balances queue's slots set the real pace). */
const SYNC_STEPS_IN_FLIGHT = 200;

/** Wallets per sync step (ANALYSIS_PATCHES_2026_12_03). */
export const SYNC_BATCH_WALLETS = 5;

/** Wallets per fetchBalanceBatch (getMultipleAccounts takes 100 addresses; BALANCE_BATCH_MAX_WALLETS). */
const BALANCE_BATCH_WALLETS = 100;

/** Sync children started in one workflow task. */
const CHILD_START_BATCH = 100;
/** fetchBalances activities scheduled at once. */
const BALANCE_FETCHES_IN_FLIGHT = 100;

/** Wallet failures listed by name in the analysis's failure message (the rest are counted). */
const FAILURES_LISTED = 10;

/**
 * Each distinct reason once, with the wallets it failed; at most FAILURES_LISTED wallets are named
 * per reason, so a group of 500 keeps a short message. A reason retrying cannot fix (an invalid key,
 * a spent quota) is one cause for every wallet it hits, whichever provider or wallet said it: it is
 * stated once, in the words of the first wallet that met it.
 */
function failureReasons(failed: FailedWallet[]): string {
  const byCause = new Map<string, { reason: string; wallets: string[] }>();
  for (const f of failed) {
    const cause = NON_RETRYABLE_ERROR_TYPES.find((type) => f.reason.includes(type)) ?? f.reason;
    const entry = byCause.get(cause) ?? { reason: f.reason, wallets: [] };
    entry.wallets.push(f.wallet);
    byCause.set(cause, entry);
  }
  return [...byCause.values()]
    .map(({ reason, wallets: ws }) => {
      if (ws.length === 1) return `${ws[0]}: ${reason}`;
      const named = ws.slice(0, FAILURES_LISTED).join(', ');
      const more = ws.length > FAILURES_LISTED ? ` and ${ws.length - FAILURES_LISTED} more` : '';
      return `${ws.length} wallets (${named}${more}): ${reason}`;
    })
    .join('; ');
}

/** A per-wallet reason, cut short: a group of 500 carries 500 of them in its progress and failure. */
function walletReason(reason: string): string {
  return reason.length > WALLET_ERROR_MAX_CHARS ? `${reason.slice(0, WALLET_ERROR_MAX_CHARS - 1)}…` : reason;
}

/** Whether the run's start carried this search attribute with this value (before the run upserts any, its start's). */
function carriedByStart(pair: SearchAttributePair): boolean {
  const attributes = workflowInfo().typedSearchAttributes;
  const carried: unknown = attributes.get(pair.key as Parameters<typeof attributes.get>[0]);
  return carried !== undefined && JSON.stringify(carried) === JSON.stringify(pair.value);
}

/** A token request's parameters with an empty group, filled in once the holders are known. */
function groupRequestOf({ token: _token, top: _top, ...params }: TokenAnalysisRequest): AnalysisRequest {
  return { ...params, wallets: [] };
}

export async function similarityAnalysisWorkflow(started: AnalysisInput): Promise<AnalysisSummary> {
  const input = analysisInputOf(started);
  const { analysisId } = input;
  const asked = input.request;
  /** the group's request: as asked, or for a token request with the holders once resolved */
  let request: AnalysisRequest = isTokenRequest(asked) ? groupRequestOf(asked) : asked;
  let wallets = request.wallets;
  const pollIntervalMs = input.tuning?.pollIntervalMs ?? 1_000;
  const nowSec = Math.floor(Date.now() / 1000); // workflow time: deterministic on replay
  const sinceTimestamp = request.window === null ? null : nowSec - request.window * 86_400;

  let phase: AnalysisPhase = 'starting';
  let proceedRequested = false;
  /** why the wait for syncs ended without a request to proceed (ANALYSIS_PATCHES_2026_12_06B), else null */
  let proceededOnItsOwn: string | null = null;
  let error: string | null = null;
  let enrichmentId: string | null = null;
  /** false once the similarity step found every token of the universe fresh (ENRICH_WHEN_NEEDED_PATCH) */
  let enrichmentNeeded = true;
  /** per wallet, the database time at which its status was read (recorded activity result) */
  const checkedAt = new Map<string, string>();
  const progress: Record<string, WalletProgress> = {};
  /** wallets whose balances the statuses step found cached (ANALYSIS_PATCHES_2026_12_02): no balances activity for them */
  const balancesCached = new Set<string>();
  const trackWallets = (ws: string[]) => {
    for (const w of ws) progress[w] = { status: null, sync: 'pending', pages: 0, transactions: 0, balances: 'pending', error: null } satisfies WalletProgress;
  };
  trackWallets(wallets);

  const percent = (): number => {
    if (phase === 'completed') return 100;
    if (phase === 'starting' || phase === 'checking') return 2;
    const perWallet = wallets.map((w) => {
      const p = progress[w];
      const syncDone = ['not_needed', 'synced', 'partial', 'failed'].includes(p.sync) ? 1 : 0;
      const balancesDone = p.balances === 'pending' ? 0 : 1;
      return (syncDone * 3 + balancesDone) / 4;
    });
    const walletsDone = perWallet.reduce((a, b) => a + b, 0) / wallets.length;
    if (phase === 'syncing') return Math.round(5 + 80 * walletsDone);
    return 90;
  };

  setHandler(progressQuery, (): AnalysisProgress => ({
    analysisId,
    phase,
    percent: percent(),
    wallets: progress,
    proceedRequested,
    enrichment: { state: enrichmentId ? 'started' : enrichmentNeeded ? 'not_started' : 'not_needed', workflowId: enrichmentId },
    error,
  }));
  setHandler(proceedWithAvailableDataSignal, () => {
    proceedRequested = true;
    showDetails();
  });
  /** true once the analysis has finished and its row says so (what a waiting caller then reads) */
  let settled = false;
  /** the summary once the analysis has completed (CANCEL_AFTER_COMPLETION_PATCH) */
  let completedSummary: AnalysisSummary | null = null;
  const finished = (): boolean => settled;
  setHandler(
    waitForAnalysisUpdate,
    async ({ seconds }) => {
      // not cancelled with the analysis: a cancellation ends in phase 'cancelled', which is the answer
      if (!finished() && seconds > 0) await CancellationScope.nonCancellable(() => condition(finished, seconds * 1000));
      return { phase };
    },
    {
      validator: ({ seconds }) => {
        if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_WAIT_SECONDS) throw new Error(`wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}`);
      },
    },
  );

  /** The Web UI's "current details" of this workflow: phase, percent and counts, never per-wallet lists. */
  function showDetails(): void {
    const counts: Record<string, number> = {};
    for (const w of wallets) counts[progress[w].sync] = (counts[progress[w].sync] ?? 0) + 1;
    const pages = wallets.reduce((n, w) => n + progress[w].pages, 0);
    const balances = wallets.filter((w) => progress[w].balances !== 'pending').length;
    const lines = [
      `**${phase}** · ${percent()} %`,
      `sync: ${Object.entries(counts).map(([state, n]) => `${n} ${state}`).join(', ')} · ${pages} pages fetched`,
      `balances: ${balances} of ${wallets.length}`,
    ];
    if (proceedRequested) lines.push(proceededOnItsOwn ?? 'proceeding with the data available');
    if (error) lines.push(`error: ${error}`);
    setCurrentDetails(truncateBytes(lines.join('\n\n'), USER_METADATA_LIMITS.detailsBytes));
  }

  const setStatus = (status: string) => upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.analysisStatus, value: status }]);
  const failedWallets = (): FailedWallet[] =>
    wallets.filter((w) => progress[w].sync === 'failed' || progress[w].balances === 'failed').map((w) => ({ wallet: w, reason: progress[w].error ?? 'failed' }));

  // one marker for the patches it stands for; a history recorded before it asks each (see ANALYSIS_PATCHES_2026_12_06B, ANALYSIS_PATCHES_2026_12_06, ANALYSIS_PATCHES_2026_12_03, ANALYSIS_PATCHES_2026_12_02, LOCAL_STEPS_PATCH, ANALYSIS_PATCHES_2026_11)
  const dec06b = patched(ANALYSIS_PATCHES_2026_12_06B);
  const dec06 = dec06b || patched(ANALYSIS_PATCHES_2026_12_06);
  const dec03 = dec06 || patched(ANALYSIS_PATCHES_2026_12_03);
  const dec02 = dec03 || patched(ANALYSIS_PATCHES_2026_12_02);
  const local = dec02 || patched(LOCAL_STEPS_PATCH);
  const current = local || patched(ANALYSIS_PATCHES_2026_11);
  const has = (patchId: string): boolean => current || patched(patchId);
  // false only when replaying a history recorded before the change (see GROUP_SIZE_LIMITS_PATCH)
  const sized = has(GROUP_SIZE_LIMITS_PATCH);
  // false only when replaying a history recorded before the change (see BALANCE_BATCHES_PATCH)
  const batched = sized && has(BALANCE_BATCHES_PATCH);
  // false only when replaying a history recorded before the change (see SYNC_STEPS_PATCH)
  const stepped = batched && has(SYNC_STEPS_PATCH);
  try {
    if (isTokenRequest(asked) && has(TOKEN_HOLDERS_PATCH)) {
      const resolved = await resolveTokenHolders({ analysisId, token: asked.token, top: asked.top });
      const excluded = Object.entries(resolved.excludedCounts).filter(([, n]) => n > 0).map(([reason, n]) => `${n} ${reason}`).join(', ') || 'none';
      if (resolved.wallets.length < 2 && resolved.accountsSeen === 0) {
        throw ApplicationFailure.nonRetryable(
          `token ${asked.token} has no token accounts with a balance: check that it is a token's mint address (a wallet's, a token account's or a transaction's has none), or the token is all burnt`,
          'AnalysisFailed',
        );
      }
      if (resolved.wallets.length < 2) {
        throw ApplicationFailure.nonRetryable(
          `token ${asked.token} has ${resolved.wallets.length} eligible holder${resolved.wallets.length === 1 ? '' : 's'} (of ${resolved.ownersSeen} owners; left out: ${excluded}${resolved.complete ? '' : `; only the first ${resolved.pages} pages of accounts were read`}): an analysis needs at least 2 wallets`,
          'AnalysisFailed',
        );
      }
      wallets = resolved.wallets;
      request = { ...request, wallets };
      trackWallets(wallets);
      log.info('token holders resolved', { analysisId, token: asked.token, wallets: wallets.length, excluded });
    }
    if (sized) {
      // The wallet list only when it fits Temporal's 2,048-byte limit: a rejected upsert terminates the workflow.
      const running = runningSearchAttributes(wallets);
      const upsert = dec02 ? running.filter((pair) => !carriedByStart(pair)) : running;
      if (upsert.length > 0) upsertSearchAttributes(upsert);
      showDetails();
    } else {
      upsertSearchAttributes([
        { key: SEARCH_ATTRIBUTES.wallets, value: wallets },
        { key: SEARCH_ATTRIBUTES.walletCount, value: wallets.length },
        { key: SEARCH_ATTRIBUTES.analysisStatus, value: 'running' },
      ]);
    }
    if (!has(API_OWNS_ANALYSIS_ROW_PATCH)) {
      // an analysis started by older code: its row was inserted here too (a no-op after the API's insert)
      const { wallets: _listed, ...params } = request;
      await recordAnalysisStart({ analysisId, workflowId: workflowInfo().workflowId, requestId: input.requestId, wallets, params });
    }

    phase = 'checking';
    if (sized) showDetails();
    const statuses = await (local ? getWalletStatusesHere : getWalletStatuses)({ wallets, sinceTimestamp, ...(dec02 ? { cachedBalances: true } : {}) });
    for (const s of statuses) {
      progress[s.wallet].status = s.status;
      // its balances need no activity (ANALYSIS_PATCHES_2026_12_02; never set in histories recorded before it)
      if (dec02 && s.balancesCached) balancesCached.add(s.wallet);
      // absent from histories recorded before statuses carried it: such syncs never skip
      if (s.checkedAt) checkedAt.set(s.wallet, s.checkedAt);
    }
    const needsSync = (status: string) => request.sync === 'force' || (request.sync === 'auto' && status !== 'READY');
    const toSync = request.sync === 'skip' ? [] : statuses.filter((s) => needsSync(s.status)).map((s) => s.wallet);
    for (const s of statuses) {
      if (toSync.includes(s.wallet)) continue;
      if (s.status === 'MISSING') {
        progress[s.wallet].sync = 'failed';
        progress[s.wallet].error = 'no stored history and sync mode is skip';
      } else {
        progress[s.wallet].sync = 'not_needed';
      }
    }

    phase = 'syncing';
    if (sized) showDetails();
    log.info('syncing and fetching balances', { analysisId, toSync: toSync.length, wallets: wallets.length });
    // the balance batches first (ANALYSIS_PATCHES_2026_12_03): the balances queue hands out tasks
    // scheduled together about in their order, and a group's sync steps, five wallets each, are all
    // scheduled at once (up to 1,000 wallets): behind them, the balances came last, after every sync
    await (dec03 ? Promise.all([fetchAllBalances(), syncWallets(toSync)]) : Promise.all([syncWallets(toSync), fetchAllBalances()]));

    const partialWallets = wallets.filter((w) => progress[w].sync === 'partial');
    const failed = failedWallets();
    const succeeded = wallets.length - failed.length;
    if (succeeded < 2 || succeeded / wallets.length < request.failureThreshold) {
      const reasons = failureReasons(failed);
      throw ApplicationFailure.nonRetryable(
        `only ${succeeded} of ${wallets.length} wallets succeeded (at least ${Math.ceil(request.failureThreshold * 100)}% and 2 are required): ${reasons}`,
        'AnalysisFailed',
      );
    }

    phase = 'computing';
    if (sized) showDetails();
    const failedSet = new Set(failed.map((f) => f.wallet));
    const compute =
      wallets.length > LARGE_GROUP_WALLETS ? computeLargeGroupSimilarity : local && wallets.length <= LOCAL_COMPUTE_MAX_WALLETS ? computeSmallGroupSimilarity : computeGroupSimilarity;
    const summary = await compute({
      analysisId,
      wallets: wallets.filter((w) => !failedSet.has(w)),
      // a wallet whose sync was cut short and whose balances then failed is failed only (not in the computation)
      partialWallets: partialWallets.filter((w) => !failedSet.has(w)),
      failedWallets: failed,
      weights: request.weights,
      windowDays: request.window,
      clusterThreshold: request.clusterThreshold,
      nowSec,
      topPairs: request.topPairs,
    });

    // Enrichment finishes in the background: abandoned on parent close, not cancelled with it. Only
    // when it has something to fetch (a step of an older worker does not say: started as before).
    if (summary.tokensToEnrich === 0 && has(ENRICH_WHEN_NEEDED_PATCH)) {
      enrichmentNeeded = false;
    } else {
      const childId = enrichmentWorkflowId(analysisId);
      await CancellationScope.nonCancellable(() =>
        startChild(tokenEnrichmentWorkflow, {
          workflowId: childId,
          // the workflows' queue; its DexScreener activities run on the enrichment queue
          taskQueue: WORKFLOW_TASK_QUEUE,
          args: [{ analysisId, reason: 'analysis' }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          cancellationType: ChildWorkflowCancellationType.ABANDON,
          priority: { priorityKey: PRIORITY.analysis },
        }),
      );
      enrichmentId = childId;
    }

    phase = 'completed';
    if (sized) showDetails();
    setStatus('completed');
    log.info('analysis completed', { analysisId, pairs: summary.pairCount, clusters: summary.clusterCount, enrichmentWorkflowId: enrichmentId });
    // a caller waiting for the result (waitForAnalysisUpdate) gets its answer before the workflow closes
    settled = true;
    completedSummary = summary;
    await condition(allHandlersFinished);
    return summary;
  } catch (err) {
    if (completedSummary !== null && isCancellation(err) && patched(CANCEL_AFTER_COMPLETION_PATCH)) {
      await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
      return completedSummary;
    }
    const failure = describeFailure(err);
    error = failure;
    if (isCancellation(err)) {
      phase = 'cancelled';
      if (sized) showDetails();
      setStatus('cancelled');
      await CancellationScope.nonCancellable(() =>
        recordAnalysisEnd({ analysisId, status: 'cancelled', error: 'cancelled by the user', failedWallets: failedWallets() }),
      );
    } else {
      phase = 'failed';
      if (sized) showDetails();
      setStatus('failed');
      // not cancellable: a cancel arriving now must not lose the failure's reason (the row would stay
      // running until the API repaired it as cancelled). A row that could not be written (PostgreSQL
      // out past the step's retries) is repaired by the API from how the run closed: the run fails
      // with its own reason, not the store step's
      await CancellationScope.nonCancellable(() => recordAnalysisEnd({ analysisId, status: 'failed', error: failure, failedWallets: failedWallets() })).catch(() => undefined);
    }
    settled = true;
    await CancellationScope.nonCancellable(() => condition(allHandlersFinished));
    throw err;
  }

  async function fetchAllBalances(): Promise<void> {
    if (batched) {
      for (const wallet of balancesCached) progress[wallet].balances = 'cached';
      const toFetch = wallets.filter((w) => !balancesCached.has(w));
      // All batches at once: a group of MAX_WALLETS_PER_ANALYSIS (<= 1,000) has at most 10 pending.
      const batches: string[][] = [];
      for (let i = 0; i < toFetch.length; i += BALANCE_BATCH_WALLETS) batches.push(toFetch.slice(i, i + BALANCE_BATCH_WALLETS));
      await Promise.all(batches.map(fetchBatch));
      return;
    }
    const fetchOne = async (wallet: string) => {
      try {
        const b = await fetchBalances({ wallet });
        progress[wallet].balances = b.fromCache ? 'cached' : 'fetched';
      } catch (err) {
        if (isCancellation(err)) throw err;
        progress[wallet].balances = 'failed';
        progress[wallet].error = walletReason(`balances: ${describeFailure(err)}`);
      }
    };
    if (!sized) {
      await Promise.all(wallets.map(fetchOne));
      return;
    }
    // At most BALANCE_FETCHES_IN_FLIGHT scheduled at once: a workflow activation that schedules
    // hundreds of activities (next to the sync children) can exceed the sandbox's 5-second limit on
    // a busy worker. The balances queue's own concurrency sets the real pace anyway.
    const queue = [...wallets];
    const lane = async () => {
      for (let wallet = queue.shift(); wallet !== undefined; wallet = queue.shift()) await fetchOne(wallet);
    };
    await Promise.all(Array.from({ length: Math.min(BALANCE_FETCHES_IN_FLIGHT, wallets.length) }, lane));
  }

  async function fetchBatch(batch: string[]): Promise<void> {
    try {
      const result = await fetchBalanceBatch({ wallets: batch });
      for (const outcome of result.wallets) {
        const p = progress[outcome.wallet];
        if (!p) continue;
        p.balances = outcome.balances;
        if (outcome.balances === 'failed') p.error = walletReason(`balances: ${outcome.error}`);
      }
    } catch (err) {
      if (isCancellation(err)) throw err;
      // the batch failed for good (its retries spent): every wallet in it failed for that reason
      for (const w of batch) {
        progress[w].balances = 'failed';
        progress[w].error = walletReason(`balances: ${describeFailure(err)}`);
      }
    }
    showDetails();
  }

  async function syncWallets(toSync: string[]): Promise<void> {
    if (toSync.length === 0) return;
    const joined = new Set<string>();
    const pending = new Set<string>(toSync);
    /** (ANALYSIS_PATCHES_2026_12_06) wallets whose step found them busy, and those a poll has since seen free */
    const waitingForRelease = new Set<string>();
    const released = new Set<string>();
    const children: Array<Promise<void>> = [];
    /** A walletSyncWorkflow child for the wallet (with `resume`: continuing a sync step's state). */
    const startSync = async (wallet: string, resume?: WalletSyncResume): Promise<void> => {
      let handle: ChildWorkflowHandle<typeof walletSyncWorkflow>;
      try {
        // Not cancellable: a start cancelled half-way (ABANDON) would never settle. A cancellation
        // that arrives meanwhile surfaces at the next activity or timer.
        handle = await CancellationScope.nonCancellable(() =>
          startChild(walletSyncWorkflow, {
            workflowId: walletSyncWorkflowId(wallet),
            taskQueue: TASK_QUEUES.analysis,
            args: [
              {
                wallet,
                sinceTimestamp,
                skipIfSyncedAfter: resume ? null : (checkedAt.get(wallet) ?? null),
                maxPagesPerChunk: input.tuning?.maxPagesPerChunk,
                chunksBeforeContinueAsNew: input.tuning?.chunksBeforeContinueAsNew,
                // the step's lease (this analysis's) goes on with the child: its failure is recorded under it
                ...(resume ? { resume, leaseHolder: workflowInfo().workflowId } : {}),
              },
            ],
            // a sync is shared by every analysis of the wallet: it outlives this one
            parentClosePolicy: ParentClosePolicy.ABANDON,
            cancellationType: ChildWorkflowCancellationType.ABANDON,
          }),
        );
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
        // Another analysis is syncing this wallet right now: wait for that sync instead.
        joined.add(wallet);
        progress[wallet].sync = 'joined';
        return;
      }
      progress[wallet].sync = 'syncing';
      children.push(
        handle.result().then(
          () => {
            progress[wallet].sync = 'synced';
            pending.delete(wallet);
          },
          (err) => {
            progress[wallet].sync = 'failed';
            progress[wallet].error = walletReason(describeFailure(err));
            pending.delete(wallet);
          },
        ),
      );
    };
    /** A wallet whose sync failed for good: so recorded, here and on the wallet. */
    const failedFor = async (wallet: string, err: unknown): Promise<void> => {
      progress[wallet].sync = 'failed';
      progress[wallet].error = walletReason(describeFailure(err));
      pending.delete(wallet);
      // what walletSyncWorkflow records for a sync of its own that failed for good; only while the
      // wallet's lease is this analysis's (a step that failed while another's sync held it, or after
      // its own lease lapsed and another analysis took the wallet over, must not end that sync)
      await CancellationScope.nonCancellable(() => finishWalletSync({ wallet, error: describeFailure(err), holder: workflowInfo().workflowId })).catch(() => undefined);
    };
    /** A step's end: the wallet synced, or its sync continued in a child (a history longer than one chunk). */
    const afterStep = async (wallet: string, step: { finished?: unknown; resume?: WalletSyncResume }): Promise<void> => {
      if (step.finished) {
        progress[wallet].sync = 'synced';
        pending.delete(wallet);
        return;
      }
      if (!step.resume) return;
      try {
        await startSync(wallet, step.resume);
      } catch (err) {
        if (isCancellation(err)) throw err;
        return failedFor(wallet, err);
      }
    };
    /**
     * The wallet's sync as a step of this analysis (SYNC_STEPS_PATCH); a history longer than one
     * chunk continues in a child. Waited for by the lanes below, never by the poll loop: `pending`
     * says when it is over.
     */
    const stepSync = async (wallet: string, resumeFrom?: AtOnceStarted): Promise<void> => {
      progress[wallet].sync = 'syncing';
      let step: Awaited<ReturnType<typeof syncWalletStep>>;
      let busyWaitMs = STEP_BUSY_FIRST_WAIT_MS;
      let recheckMs = BUSY_RECHECK_MS;
      // (a batch's sync that failed in a way a retry may mend: its first step goes on from there)
      let from = resumeFrom;
      try {
        for (;;) {
          step = await syncWalletStep({
            wallet,
            workflowId: workflowInfo().workflowId,
            skipIfSyncedAfter: checkedAt.get(wallet) ?? null,
            sinceTimestamp,
            maxPages: input.tuning?.maxPagesPerChunk ?? DEFAULT_PAGES_PER_CHUNK,
            exclusive: true,
            ...(from === undefined ? {} : { resumeFrom: from }),
          });
          from = undefined;
          if (!step.busy) break;
          // another analysis syncs the wallet: wait for it here, not in the step (a waiting step
          // would hold a slot its holder may need); its end usually makes ours a skip
          progress[wallet].sync = 'joined';
          if (dec06) {
            // until the group's progress poll says it is free (applySyncRows), or a while passed
            waitingForRelease.add(wallet);
            await condition(() => released.has(wallet) || proceedRequested, recheckMs);
            if (dec06b) recheckMs = Math.min(2 * recheckMs, BUSY_RECHECK_MAX_MS);
            waitingForRelease.delete(wallet);
            released.delete(wallet);
            // the analysis goes on without it: the poll loop marks it partial
            if (proceedRequested) return;
          } else {
            await sleep(busyWaitMs);
            busyWaitMs = Math.min(2 * busyWaitMs, STEP_BUSY_MAX_WAIT_MS);
          }
          progress[wallet].sync = 'syncing';
        }
      } catch (err) {
        if (isCancellation(err)) throw err;
        return failedFor(wallet, err);
      }
      return afterStep(wallet, step);
    };

    /**
     * Several wallets' syncs as one step (ANALYSIS_PATCHES_2026_12_03): each wallet's outcome as stepSync
     * takes it (one that failed for good, failed with its reason); a wallet whose sync failed in a
     * way a retry may mend or found another's under way, in a step of its own; all of them so, when
     * the batch failed as a whole.
     */
    const stepSyncBatch = async (batch: string[]): Promise<void> => {
      for (const wallet of batch) progress[wallet].sync = 'syncing';
      let outcomes: Awaited<ReturnType<typeof syncWalletsStep>>['outcomes'];
      try {
        ({ outcomes } = await syncWalletsStep({
          wallets: batch.map((wallet) => ({ wallet, skipIfSyncedAfter: checkedAt.get(wallet) ?? null })),
          workflowId: workflowInfo().workflowId,
          sinceTimestamp,
          maxPages: input.tuning?.maxPagesPerChunk ?? DEFAULT_PAGES_PER_CHUNK,
          exclusive: true,
        }));
      } catch (err) {
        if (isCancellation(err)) throw err;
        await Promise.all(batch.map((wallet) => stepSync(wallet)));
        return;
      }
      await Promise.all(
        outcomes.map((outcome) =>
          outcome.finished || outcome.resume
            ? afterStep(outcome.wallet, outcome)
            : outcome.failed !== undefined
              ? failedFor(outcome.wallet, outcome.failed)
              : stepSync(outcome.wallet, outcome.retry !== undefined ? outcome.resumeFrom : undefined),
        ),
      );
    };

    if (stepped) {
      // Lanes of steps, started and left running while the poll loop below follows the group: a
      // lane stops taking wallets once the analysis proceeds with the data available.
      const queue = [...toSync];
      const perStep = dec03 ? SYNC_BATCH_WALLETS : 1;
      const lane = async (): Promise<void> => {
        while (queue.length > 0 && !proceedRequested) {
          const batch = queue.splice(0, perStep);
          await (batch.length === 1 ? stepSync(batch[0]) : stepSyncBatch(batch));
        }
      };
      // (a lane fails only with the analysis's cancellation, which the loop below meets too)
      const lanes = Promise.all(Array.from({ length: Math.min(SYNC_STEPS_IN_FLIGHT, Math.ceil(toSync.length / perStep)) }, lane));
      lanes.catch(() => undefined);
    } else if (sized) {
      // Starts in batches, each in one workflow task: one at a time would take a round trip (and
      // three history events) per wallet; all 500 in one activation can exceed the workflow
      // sandbox's 5-second limit on a busy worker. At most MAX_WALLETS_PER_ANALYSIS (<= 500)
      // children are pending, well under Temporal's 2,000.
      for (let i = 0; i < toSync.length; i += CHILD_START_BATCH) await Promise.all(toSync.slice(i, i + CHILD_START_BATCH).map((w) => startSync(w)));
    } else {
      for (const wallet of toSync) await startSync(wallet);
    }

    let interval = pollIntervalMs;
    let changedSince: string | null = null;
    const historyProceedEvents = input.tuning?.historyProceedEvents ?? HISTORY_PROCEED_EVENTS;
    while (pending.size > 0 && !proceedRequested) {
      if (dec06b && workflowInfo().historyLength >= historyProceedEvents) {
        // near Temporal's limit on one execution's history: end the wait rather than be terminated
        proceedRequested = true;
        proceededOnItsOwn = `proceeded on its own after ${workflowInfo().historyLength} history events (Temporal ends an execution at 51,200): the wallets still syncing are partial`;
        showDetails();
        break;
      }
      if (sized) {
        // By analysis id, changed rows only: a poll's history events stay small for any group size.
        const read: { readAt: string; rows: SyncProgressRow[] } = await readGroupSyncProgress({ analysisId, joined: [...joined].filter((w) => pending.has(w)), changedSince });
        changedSince = read.readAt;
        applySyncRows(read.rows, joined, pending);
        for (const row of read.rows) if (row.heldElsewhere === false && waitingForRelease.has(row.wallet)) released.add(row.wallet);
        showDetails();
      } else {
        const rows = await readSyncProgress({ wallets: [...pending], joined: [...joined].filter((w) => pending.has(w)) });
        applySyncRows(rows, joined, pending);
      }
      if (pending.size === 0) break;
      await condition(() => pending.size === 0 || proceedRequested, interval);
      // Poll less often as a sync goes on, to keep this workflow's history small.
      interval = Math.min(interval * 1.5, 10 * pollIntervalMs);
    }
    if (proceedRequested) {
      for (const wallet of pending) progress[wallet].sync = 'partial';
    }
  }

  function applySyncRows(rows: SyncProgressRow[], joined: Set<string>, pending: Set<string>): void {
    for (const row of rows) {
      const p = progress[row.wallet];
      if (!p) continue;
      p.pages = row.pages;
      p.transactions = row.transactions;
      if (joined.has(row.wallet) && row.running === false && pending.has(row.wallet)) {
        pending.delete(row.wallet);
        p.sync = row.error ? 'failed' : 'synced';
        p.error = row.error === null ? null : walletReason(row.error);
      }
    }
  }
}
