// What workflows and their callers (the API, workers, activities, tests) agree on: task queues,
// workflow ids, search attributes, inputs and outputs, queries and signals. Imported by workflow
// code, so it may only depend on @temporalio/workflow, @temporalio/common and, type-only, on the
// pure schema modules of the API (the analysis request and progress are defined there once).
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AnalysisParams, AnalysisPhase, AnalysisProgress, AnalysisRequest, MetricWeights, SyncMode, TokenAnalysisRequest } from '../api/schemas/analyses';

export type { AnalysisParams, AnalysisPhase, AnalysisProgress, AnalysisRequest, MetricWeights, SyncMode, TokenAnalysisRequest, WalletProgress, WalletSyncState } from '../api/schemas/analyses';

/** One task queue per class of work, each polled by its own Worker. */
export const TASK_QUEUES = {
  balances: 'balances',
  analysis: 'analysis',
  enrichment: 'enrichment',
} as const;
export type TaskQueueName = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];

/**
 * Queues on which workflows run: the analysis queue only. Analyses, wallet syncs, token enrichments
 * and the refresh schedule's workflow all start there; their activities run on the queue of their
 * class of work (the DexScreener calls on the enrichment queue, history pages and balances on the
 * balances queue). One queue of workflows means one Worker that runs workflows per process, and so
 * one workflow thread with its V8 isolate and copy of the bundle (about 45 MB) instead of two.
 * The enrichment queue ran the enrichment workflows before 2026-12: a worker still runs those left
 * open there (src/temporal/legacy-workflows.ts) until none is.
 */
export const WORKFLOW_QUEUES: readonly TaskQueueName[] = [TASK_QUEUES.analysis];

/** The queue every workflow starts on (its activities name their own queues). */
export const WORKFLOW_TASK_QUEUE = TASK_QUEUES.analysis;

/** Queues on which workflows of earlier versions may still be open: a worker runs them until none is. */
export const LEGACY_WORKFLOW_QUEUES: readonly TaskQueueName[] = [TASK_QUEUES.enrichment];

/**
 * Search attributes registered on the dev server (see src/temporal/dev-server.ts). Nothing that grows
 * with the group goes in unguarded: Temporal rejects a value above 2,048 bytes and terminates the
 * workflow. `Wallets` holds the whole group only when it fits WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES
 * (about 30 wallets), else it is left unset; `WalletCount` is always set. The analyses of a wallet,
 * whatever the group size: `GET /v1/analyses?wallet=<address>` (PostgreSQL, the newest 100).
 */
export const SEARCH_ATTRIBUTES = {
  wallets: defineSearchAttributeKey('Wallets', SearchAttributeType.KEYWORD_LIST),
  analysisStatus: defineSearchAttributeKey('AnalysisStatus', SearchAttributeType.KEYWORD),
  walletCount: defineSearchAttributeKey('WalletCount', SearchAttributeType.INT),
} as const;

/** Bytes of the `Wallets` value (its JSON list) below Temporal's 2,048-byte limit per search attribute. */
export const WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES = 1_500;

/**
 * The search attributes of a running analysis of `wallets`: its group (when it fits), its size and
 * `AnalysisStatus` running. A token request's start passes null (its holders are not known yet):
 * the status only. The API starts an analysis with them (analysisStartOptions) and the workflow
 * upserts only what its start did not carry (ANALYSIS_PATCHES_2026_12_02).
 */
export function runningSearchAttributes(wallets: string[] | null): SearchAttributePair[] {
  const listed = wallets === null ? null : walletsSearchAttribute(wallets);
  return [
    ...(listed ? [{ key: SEARCH_ATTRIBUTES.wallets, value: listed }] : []),
    ...(wallets === null ? [] : [{ key: SEARCH_ATTRIBUTES.walletCount, value: wallets.length }]),
    { key: SEARCH_ATTRIBUTES.analysisStatus, value: 'running' },
  ];
}

/** UTF-8 length of a string (workflow code: no Buffer). */
export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** The group for the `Wallets` search attribute, or null when it would not fit the byte limit. */
export function walletsSearchAttribute(wallets: string[]): string[] | null {
  return utf8Bytes(JSON.stringify(wallets)) <= WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES ? wallets : null;
}

/** `s` cut to at most `maxBytes` UTF-8 bytes, with an ellipsis when cut (for size-limited fields). */
export function truncateBytes(s: string, maxBytes: number): string {
  if (utf8Bytes(s) <= maxBytes) return s;
  const chars = [...s];
  let out = '';
  let used = utf8Bytes('…');
  for (const c of chars) {
    const n = utf8Bytes(c);
    if (used + n > maxBytes) break;
    out += c;
    used += n;
  }
  return `${out}…`;
}

/**
 * Limits of Temporal's user metadata (the Web UI's summary and details of a workflow): the server
 * rejects a static summary above 400 bytes and static details above 20,000 bytes. Current details
 * (setCurrentDetails) are kept as small.
 */
export const USER_METADATA_LIMITS = { summaryBytes: 380, detailsBytes: 16_000 } as const;

/** A per-wallet error kept in progress, failures and history: long provider bodies are cut. */
export const WALLET_ERROR_MAX_CHARS = 300;

/** The Web UI's one-line label of an analysis, e.g. "12 wallets · 30 d · auto" or "top 100 holders of <mint> · …". */
export function analysisSummaryLine(request: Pick<AnalysisRequest, 'window' | 'sync'> & ({ wallets: string[] } | Pick<TokenAnalysisRequest, 'token' | 'top'>)): string {
  const window = request.window === null ? 'full history' : `${request.window} d`;
  const group = 'wallets' in request ? `${request.wallets.length} wallets` : `top ${request.top} holders of ${request.token}`;
  return truncateBytes(`${group} · ${window} · ${request.sync}`, USER_METADATA_LIMITS.summaryBytes);
}

/** Whether a request names a token (its largest holders are the group) rather than the wallets. */
export function isTokenRequest(request: AnalysisRequest | TokenAnalysisRequest): request is TokenAnalysisRequest {
  return 'token' in request;
}

/**
 * Provider failures retrying cannot fix (bad key, spent quota, invalid request or address, a
 * malformed payload). Mirrors NON_RETRYABLE_PROVIDER_ERRORS in src/providers/errors.ts (a unit test
 * keeps them equal; workflow code cannot import the provider module).
 */
export const NON_RETRYABLE_ERROR_TYPES = [
  'InvalidApiKeyError',
  'QuotaExhaustedError',
  'InvalidRequestError',
  'InvalidAddressError',
  'UnsupportedMethodError',
  'MalformedResponseError',
];

/** priorityKey values (1 runs first). Only reorders tasks backlogged in the same task queue. */
export const PRIORITY = {
  userTriggered: 1,
  analysis: 2,
  background: 5,
} as const;

export const walletSyncWorkflowId = (wallet: string): string => `wallet-sync:${wallet}`;
export const walletAnalyticsWorkflowId = (wallet: string): string => `wallet-analytics:${wallet}`;
export const analysisWorkflowId = (analysisId: string): string => `analysis:${analysisId}`;
export const enrichmentWorkflowId = (analysisId: string): string => `analysis:${analysisId}/enrich`;
/**
 * A watched group's schedule (src/temporal/schedules.ts, createWatchSchedule), and its action's
 * workflow id: each run's is this id and the time Temporal started it, which is the run's key.
 */
export const watchScheduleId = (watchId: string): string => `watch:${watchId}`;
/** A watch run's key (watch_runs.run_key, its analysis's request id): its workflow's id and run id. */
export const watchRunKey = (workflowId: string, runId: string): string => `${workflowId}/${runId}`;
/** The run workflow a key names (a run begun before WATCH_RUN_PATCH is keyed by its workflow id alone; schedules' ids hold no '/'). */
export function watchRunExecution(runKey: string): { workflowId: string; runId?: string } {
  const cut = runKey.lastIndexOf('/');
  return cut < 0 ? { workflowId: runKey } : { workflowId: runKey.slice(0, cut), runId: runKey.slice(cut + 1) };
}

/**
 * A watch run's webhook delivery (watchDeliveryWorkflow, started by the run and left to go on after
 * it: a receiver that is down for hours holds back no run): its attempts (WEBHOOK_STEP's retry
 * policy: 10 s, 20 s, … then hourly) and the time they may take before it is recorded as failed.
 */
export const WEBHOOK_ATTEMPTS = 30;
export const WEBHOOK_DELIVERY_BUDGET_MS = 24 * 60 * 60_000;
/** The workflow id of run `runKey`'s delivery: one per run, so a start repeated (the run's, the sweep's) joins it. */
export const watchDeliveryWorkflowId = (watchId: string, runKey: string): string => `watch-delivery:${watchId}/${runKey}`;

/** The input of a watched group's run (watchRunWorkflow): the watch as stored is read by its first step. */
export interface WatchRunInput {
  watchId: string;
}

/** The input of a run's webhook delivery (watchDeliveryWorkflow): ids only; its URL and secret are read by its step. */
export interface WatchDeliveryInput {
  watchId: string;
  runKey: string;
}

export interface AnalysisInput {
  analysisId: string;
  /** the body of POST /v1/analyses as the API validated it (defaults filled in), wallets sorted; or a token request, whose wallets the workflow resolves first */
  request: AnalysisRequest | TokenAnalysisRequest;
  requestId: string | null;
  /** tuning for tests; production leaves these unset */
  tuning?: { pollIntervalMs?: number; maxPagesPerChunk?: number; chunksBeforeContinueAsNew?: number; historyProceedEvents?: number };
}

/**
 * The Web UI's label of an analysis workflow (Temporal user metadata, set at start): a one-line
 * summary such as "12 wallets · 30 d · auto" and details with the parameters and as many wallets as
 * fit the details' size limit (the full group is in PostgreSQL and GET /v1/analyses/{id}).
 */
export function analysisUserMetadata({ analysisId, request }: Pick<AnalysisInput, 'analysisId' | 'request'>): { staticSummary: string; staticDetails: string } {
  const head = [
    `**Analysis ${analysisId}**`,
    `window: ${request.window === null ? 'full history' : `${request.window} days`} · sync: ${request.sync} · failure threshold: ${Math.round(request.failureThreshold * 100)} %` +
      (request.clusterThreshold !== undefined ? ` · cluster threshold: ${request.clusterThreshold}` : '') +
      (request.weights ? ` · weights: ${Object.entries(request.weights).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''),
    `API: GET /v1/analyses/${analysisId} · the newest analyses of a wallet: GET /v1/analyses?wallet=<address>`,
    'wallets' in request ? `${request.wallets.length} wallets:` : `the top ${request.top} holders of token ${request.token} (resolved by the workflow; GET /v1/analyses/${analysisId} lists them)`,
  ].join('\n\n');
  const wallets = 'wallets' in request ? request.wallets : [];
  const budget = USER_METADATA_LIMITS.detailsBytes - utf8Bytes(head) - 100;
  const listed: string[] = [];
  let used = 0;
  for (const w of wallets) {
    const line = `- ${w}\n`;
    if (used + utf8Bytes(line) > budget) break;
    listed.push(line);
    used += utf8Bytes(line);
  }
  const rest = wallets.length - listed.length;
  const details = `${head}\n\n${listed.join('')}${rest > 0 ? `- … and ${rest} more\n` : ''}`;
  return { staticSummary: analysisSummaryLine(request), staticDetails: truncateBytes(details, USER_METADATA_LIMITS.detailsBytes) };
}

/**
 * The options an analysis's workflow starts with, whoever starts it (the API: analysisStartOptions,
 * src/api/analysis-starts.ts; a watched group's run, as its child): its queue and id, its input,
 * its key's fairness key (its children and activities inherit it: each queue shares its backlog
 * fairly between clients), listed as running with its group from its start (the workflow upserts
 * none of them again: ANALYSIS_PATCHES_2026_12_02), and the Web UI's label.
 */
export function analysisWorkflowOptions(input: AnalysisInput, fairnessKey: string | null) {
  return {
    taskQueue: TASK_QUEUES.analysis,
    workflowId: analysisWorkflowId(input.analysisId),
    args: [input] as [AnalysisInput],
    ...(fairnessKey ? { priority: { fairnessKey } } : {}),
    typedSearchAttributes: runningSearchAttributes(isTokenRequest(input.request) ? null : input.request.wallets),
    ...analysisUserMetadata(input),
  };
}

/** The analyses row's `params` as written before the row stored the validated request (legacy rows). */
interface LegacyAnalysisParams {
  weights?: MetricWeights | null;
  windowDays: number | null;
  syncMode: SyncMode;
  failureThreshold: number;
  clusterThreshold?: number | null;
}

/** The input of analyses started before AnalysisInput carried the validated request (recorded histories). */
type LegacyAnalysisInput = LegacyAnalysisParams & Omit<AnalysisInput, 'request'> & { wallets: string[] };

/** An analysis's params in today's shape, whether stored (or recorded) in today's shape or the legacy one. */
export function analysisParamsOf(stored: AnalysisParams | LegacyAnalysisParams): AnalysisParams {
  if (!('syncMode' in stored)) return stored;
  return {
    ...(stored.weights ? { weights: stored.weights } : {}),
    window: stored.windowDays,
    sync: stored.syncMode,
    failureThreshold: stored.failureThreshold,
    ...(typeof stored.clusterThreshold === 'number' ? { clusterThreshold: stored.clusterThreshold } : {}),
  };
}

/** Today's input from either shape (deterministic: histories recorded with the legacy input replay). */
export function analysisInputOf(input: AnalysisInput | LegacyAnalysisInput): AnalysisInput {
  if ('request' in input) return input;
  const { analysisId, requestId, tuning, wallets } = input;
  return { analysisId, requestId, tuning, request: { wallets, ...analysisParamsOf(input) } };
}

export const progressQuery = defineQuery<AnalysisProgress>('progress');
export const proceedWithAvailableDataSignal = defineSignal('proceedWithAvailableData');

/** The longest a caller may wait for an analysis to finish (`POST /v1/analyses?wait=`), in seconds. */
export const MAX_WAIT_SECONDS = 60;
/**
 * Waits until the analysis has finished (completed, failed or cancelled) or `seconds` have passed,
 * and answers the phase it is in. Sent with Update-with-Start by `POST /v1/analyses?wait=`, so the
 * start and the wait are one call and a finished analysis answers at once.
 */
export const waitForAnalysisUpdate = defineUpdate<{ phase: AnalysisPhase }, [{ seconds: number }]>('waitForAnalysis');

export interface WalletSyncInput {
  wallet: string;
  /** do not fetch below this unix time; null: full history */
  sinceTimestamp: number | null;
  maxPagesPerChunk?: number;
  chunksBeforeContinueAsNew?: number;
  /**
   * The database time at which the requesting analysis found the wallet needing a sync: a sync that
   * completed after it (another analysis's) already satisfies the request, and nothing is fetched.
   */
  skipIfSyncedAfter?: string | null;
  /** carried across continue-as-new */
  resume?: WalletSyncResume;
  /**
   * Who holds the wallet's sync lease when this sync goes on from `resume` (an analysis's sync step
   * whose state this continues, or this workflow's own earlier run): its failure is recorded only
   * while the lease is still that holder's. Absent with `resume` (a run started before it was carried): no
   * such check.
   */
  leaseHolder?: string;
}

export interface WalletSyncResume {
  phase: 'newer' | 'older';
  cursor: string | null;
  until: string | null;
  olderFrom: string | null;
  top: { signature: string; slot: number; timestamp: number } | null;
  pages: number;
  transactions: number;
  newLegs: number;
  historyComplete: boolean;
}

export interface WalletSyncResult {
  wallet: string;
  pages: number;
  transactions: number;
  newLegs: number;
  historyComplete: boolean;
  legs: number;
  /** true when a sync completed after `skipIfSyncedAfter` made this one unnecessary */
  skipped?: boolean;
}

export interface TokenEnrichmentInput {
  analysisId?: string;
  mints?: string[];
  reason: 'analysis' | 'user' | 'background';
}

// The steps of a wallet sync, agreed by walletSyncWorkflow and the syncWalletAtOnce activity (which
// runs them inside one activity when the history fits one chunk): where a sync starts from the
// stored cursor, how a chunk's figures add up, and what follows a chunk (another chunk; the
// watermark and the older phase; or the end). Pure and deterministic: no I/O, no clock.

/** What beginWalletSync returns about the stored history (see WalletSyncCursor in src/store/wallets). */
export interface SyncStartCursor {
  newestSignature: string | null;
  oldestSignature: string | null;
  historyComplete: boolean;
}

/** What one chunk of pages reports (the syncHistoryChunk activity's SyncChunkResult adds its extras). */
export interface ChunkOutcome {
  /** the cursor to continue from; null once the history is complete */
  cursor: string | null;
  /** this phase is finished */
  done: boolean;
  /** the phase ended at the very first transaction of the wallet */
  reachedEnd: boolean;
  /** the phase ended at the window start, with older history not fetched */
  stoppedAtWindow: boolean;
  pages: number;
  transactions: number;
  newLegs: number;
  /** newest transaction seen in this chunk (the 'newer' phase's first page): the next watermark */
  top: WalletSyncResume['top'];
}

/** The watermark to commit after a phase (commitSyncWatermark's input, without the wallet). */
export interface WatermarkCommit {
  top: WalletSyncResume['top'];
  historyComplete: boolean;
  coveredSince: number | null;
}

/** A sync's state before its first chunk: the newer phase, down to the stored watermark. */
export function startingState(cursor: SyncStartCursor): WalletSyncResume {
  return {
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

/**
 * Adds chunk `r` to state `s` and says what comes next:
 * - `chunk`: the phase goes on from `s.cursor`;
 * - `older`: commit `commit`, then the older phase from `s.cursor` (s is already switched to it);
 * - `finish`: commit `commit`, then analytics and the end of the sync.
 */
export function afterChunk(
  s: WalletSyncResume,
  r: ChunkOutcome,
  sinceTimestamp: number | null,
): { next: 'chunk' } | { next: 'older' | 'finish'; commit: WatermarkCommit } {
  s.pages += r.pages;
  s.transactions += r.transactions;
  s.newLegs += r.newLegs;
  s.cursor = r.cursor;
  if (r.top && !s.top) s.top = r.top;
  if (!r.done) return { next: 'chunk' };
  if (r.reachedEnd) s.historyComplete = true;
  const coveredSince = r.stoppedAtWindow ? sinceTimestamp : null;
  if (s.phase === 'newer') {
    // Only now is everything above the old watermark stored: the watermark moves to the top.
    const commit = { top: s.top, historyComplete: s.historyComplete, coveredSince };
    if (s.olderFrom && !r.stoppedAtWindow && !s.historyComplete) {
      s.phase = 'older';
      s.cursor = s.olderFrom;
      return { next: 'older', commit };
    }
    return { next: 'finish', commit };
  }
  return { next: 'finish', commit: { top: null, historyComplete: s.historyComplete, coveredSince } };
}

/** A sync's result: what state `s` fetched, and the wallet's stored legs after its analytics. */
export function syncResult(wallet: string, s: WalletSyncResume, legs: number): WalletSyncResult {
  return { wallet, pages: s.pages, transactions: s.transactions, newLegs: s.newLegs, historyComplete: s.historyComplete, legs };
}

/** The result of a sync made unnecessary by another analysis's sync that completed meanwhile: nothing fetched. */
export function skippedSyncResult(wallet: string, cursor: { historyComplete: boolean }, legs: number): WalletSyncResult {
  return { wallet, pages: 0, transactions: 0, newLegs: 0, historyComplete: cursor.historyComplete, legs, skipped: true };
}
