// Names shared by workflows, workers and the API: task queues and search attributes.
// Imported by workflow code, so it may only depend on @temporalio/workflow and @temporalio/common.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** One task queue per class of work, each polled by its own Worker. */
export const TASK_QUEUES = {
  balances: 'balances',
  analysis: 'analysis',
  enrichment: 'enrichment',
} as const;
export type TaskQueueName = (typeof TASK_QUEUES)[keyof typeof TASK_QUEUES];

/**
 * Search attributes registered on the dev server (see src/temporal/dev-server.ts). Nothing that grows
 * with the group goes in unguarded: Temporal rejects a value above 2,048 bytes and terminates the
 * workflow. `Wallets` holds the whole group only when it fits WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES
 * (about 30 wallets), else it is left unset; `WalletCount` is always set. Every analysis of a wallet,
 * whatever the group size: `GET /v1/analyses?wallet=<address>` (PostgreSQL).
 */
export const SEARCH_ATTRIBUTES = {
  wallets: defineSearchAttributeKey('Wallets', SearchAttributeType.KEYWORD_LIST),
  analysisStatus: defineSearchAttributeKey('AnalysisStatus', SearchAttributeType.KEYWORD),
  walletCount: defineSearchAttributeKey('WalletCount', SearchAttributeType.INT),
} as const;

/** Bytes of the `Wallets` value (its JSON list) below Temporal's 2,048-byte limit per search attribute. */
export const WALLETS_SEARCH_ATTRIBUTE_MAX_BYTES = 1_500;

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

/** The Web UI's one-line label of an analysis, e.g. "12 wallets · 30 d · auto". */
export function analysisSummaryLine(input: { wallets: string[]; windowDays: number | null; syncMode: SyncMode }): string {
  const window = input.windowDays === null ? 'full history' : `${input.windowDays} d`;
  return truncateBytes(`${input.wallets.length} wallets · ${window} · ${input.syncMode}`, USER_METADATA_LIMITS.summaryBytes);
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
  'MalformedResponseError',
];

/** priorityKey values (1 runs first). Only reorders tasks backlogged in the same task queue. */
export const PRIORITY = {
  userTriggered: 1,
  analysis: 2,
  background: 5,
} as const;

export const walletSyncWorkflowId = (wallet: string): string => `wallet-sync:${wallet}`;
export const analysisWorkflowId = (analysisId: string): string => `analysis:${analysisId}`;
export const enrichmentWorkflowId = (analysisId: string): string => `analysis:${analysisId}/enrich`;

export type SyncMode = 'auto' | 'force' | 'skip';
export type MetricWeights = Partial<Record<'capital' | 'binary' | 'jaccardTraded' | 'jaccardHeld' | 'behavior' | 'timing', number>>;

export interface AnalysisInput {
  analysisId: string;
  /** validated, deduplicated and sorted by the caller */
  wallets: string[];
  weights?: MetricWeights;
  /** analysis window in days; null: full history */
  windowDays: number | null;
  syncMode: SyncMode;
  /** share of wallets that must succeed (default 0.8) */
  failureThreshold: number;
  requestId: string | null;
  clusterThreshold?: number;
  /** tuning for tests; production leaves these unset */
  tuning?: { pollIntervalMs?: number; maxPagesPerChunk?: number; chunksBeforeContinueAsNew?: number };
}

export type AnalysisPhase = 'starting' | 'checking' | 'syncing' | 'computing' | 'completed' | 'failed' | 'cancelled';
export type WalletSyncState = 'pending' | 'not_needed' | 'syncing' | 'joined' | 'synced' | 'partial' | 'failed';

export interface WalletProgress {
  status: 'READY' | 'STALE' | 'MISSING' | 'SYNCING' | null;
  sync: WalletSyncState;
  pages: number;
  transactions: number;
  balances: 'pending' | 'fetched' | 'cached' | 'failed';
  error: string | null;
}

export interface AnalysisProgress {
  analysisId: string;
  phase: AnalysisPhase;
  percent: number;
  wallets: Record<string, WalletProgress>;
  proceedRequested: boolean;
  enrichment: { state: 'not_started' | 'started'; workflowId: string | null };
  error: string | null;
}

export const progressQuery = defineQuery<AnalysisProgress>('progress');
export const proceedWithAvailableDataSignal = defineSignal('proceedWithAvailableData');

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
