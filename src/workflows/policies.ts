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

/** PostgreSQL / Redis only: a restart or failover. */
export const STORE_RETRY: RetryPolicy = {
  initialInterval: '500 milliseconds',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
  maximumAttempts: 6,
};

/** The similarity computation: pure CPU over stored data; retried only for store errors or a lost worker. */
export const COMPUTE_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '10 seconds',
  maximumAttempts: 3,
};
