// Retry policies per activity kind: exponential backoff, capped attempts, and the provider errors
// that retrying cannot fix. Clients never retry on their own; this is the one retry layer.
import type { RetryPolicy } from '@temporalio/common';
import { NON_RETRYABLE_ERROR_TYPES } from './definitions';

/** Calls to Helius / Solana RPC / DexScreener: rate limits and 5xx heal within a minute or two. */
export const PROVIDER_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  maximumAttempts: 8,
  nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
};

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
 * (20 s leaves room for a pool that waits its 5 s connection timeout, twice).
 */
export const STORE_STEP = {
  startToCloseTimeout: '20 seconds',
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
