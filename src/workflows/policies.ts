// Retry policies per activity kind: exponential backoff, a bound (attempts, or time for provider
// calls), and the provider errors that retrying cannot fix. Clients never retry on their own; this
// is the one retry layer.
import type { RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES, WEBHOOK_ATTEMPTS, WEBHOOK_DELIVERY_BUDGET_MS } from './contract';

/**
 * Calls to Helius / Solana RPC / DexScreener, bounded by time, not by attempts: a 429 is the provider
 * saying "later" and the next attempt waits its Retry-After (src/temporal/activity-failures.ts), so
 * rate limits use up no budget of attempts; 5xx and timeouts back off exponentially. The bound is the
 * schedule-to-close timeout every activity under this policy sets: PROVIDER_RETRY_TIMEOUT (or
 * HISTORY_CHUNK_RETRY_TIMEOUT). An invalid key or spent quota is not retried at all.
 */
export const PROVIDER_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  // no maximumAttempts: unlimited, ended by the activity's scheduleToCloseTimeout
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

/** How long a provider call may keep failing (rate limits, 5xx, timeouts) before its activity fails. */
export const PROVIDER_RETRY_TIMEOUT = '10 minutes';
/**
 * The same for a token request's holder step: its attempts also give way while the worker's holder
 * scans are taken by other tokens (HolderScansBusy, src/activities/holders.ts), which is a wait, not a
 * provider failing, and should not end the analysis after ten minutes of a busy hour.
 */
export const HOLDER_STEP_RETRY_TIMEOUT = '30 minutes';
/** The same for a chunk of history pages (up to 10 minutes per attempt; retries resume at the heartbeated cursor). */
export const HISTORY_CHUNK_RETRY_TIMEOUT = '30 minutes';

/**
 * How long PostgreSQL or Redis may be unreachable (an outage, a restart, a failover) before a step
 * that needs it fails, and with it the analysis: every store step retries until this much time has
 * passed since it was first scheduled. docs/workflows.md ("Outage budget") lists it per dependency.
 */
export const STORE_OUTAGE_BUDGET = '5 minutes';

/**
 * PostgreSQL / Redis only: retried until STORE_OUTAGE_BUDGET is spent (bounded by time, not by a
 * count of attempts), backing off to one attempt every 10 seconds.
 */
export const STORE_RETRY: RetryPolicy = {
  initialInterval: '500 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
};

/**
 * Activity options of a short store step (a few statements, milliseconds of work): a step lost
 * with its worker is retried elsewhere after `startToCloseTimeout`, seconds rather than minutes
 * (10 s leaves room for the shared pool's 5 s connection timeout). A long sync's watermark and
 * finish steps run on the syncs' pool, whose statements may wait up to 30 s for a connection under
 * load: such a step's attempt then times out and its retry runs beside it, which its idempotent
 * statements allow.
 */
export const STORE_STEP = {
  startToCloseTimeout: '10 seconds',
  scheduleToCloseTimeout: STORE_OUTAGE_BUDGET,
  retry: STORE_RETRY,
} as const;

/**
 * The similarity computation: pure CPU over stored data; retried only for store errors or a lost
 * worker, so bounded like a store step by time (its proxy's scheduleToCloseTimeout: the run time
 * plus STORE_OUTAGE_BUDGET), not by a count of attempts a database outage would use up in seconds.
 */
export const COMPUTE_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
};

/**
 * A webhook delivery (watchDeliveryWorkflow; the step: notifyWatchRun, src/activities/watches.ts): a
 * receiver that does not answer, or answers 408, 429 or 5xx, is tried again after 10 s, 20 s, … then
 * hourly (after its Retry-After when it gives one), WEBHOOK_ATTEMPTS attempts within
 * WEBHOOK_DELIVERY_BUDGET_MS (24 hours: a receiver down for a night is told in the morning). Any
 * other answer is final (a non-retryable failure). The run does not wait for it.
 */
export const WEBHOOK_STEP = {
  // connect, headers and body each up to 10 s (WEBHOOK_TIMEOUT_MS), and the store's statements
  startToCloseTimeout: '45 seconds',
  scheduleToCloseTimeout: WEBHOOK_DELIVERY_BUDGET_MS,
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour', maximumAttempts: WEBHOOK_ATTEMPTS },
} as const;

/**
 * The delivery of a run begun before the patch watch-delivery-2026-12-07 (watch-run.ts), made by the
 * run itself: bounded to 20 minutes, 8 attempts up to 5 minutes apart, as the run waited for it
 * (until it ended the schedule skipped due runs).
 */
export const INLINE_WEBHOOK_STEP = {
  ...WEBHOOK_STEP,
  scheduleToCloseTimeout: '20 minutes',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 8 },
} as const;
