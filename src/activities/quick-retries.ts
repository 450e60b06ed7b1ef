// A provider call retried a few times within a couple of seconds, in the activity, before its
// failure fails the attempt (which Temporal retries with a backoff that grows to 30 s, redoing the
// whole attempt's work): only retryable provider errors, honouring a short Retry-After.
import pRetry from 'p-retry';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProviderError } from '../providers/errors';

/**
 * A balance batch's RPC reads, and each page of a token's holder scan, are retried here first: a
 * batch fails (and Temporal retries it) when any of its calls fails, so with a provider answering 30 %
 * of calls with a 5xx a 5-wallet batch needed many attempts, minutes apart (measured: the chaos
 * suite's provider-faults scenario left one analysis running past its 180 s); a scan of 100 pages
 * that fails on one starts again from its first. Only retryable provider errors; a Retry-After
 * longer than QUICK_RETRY_MAX_WAIT_MS is left to Temporal's retry, which honours it.
 */
export const QUICK_RETRIES = 3;
export const QUICK_RETRY_MAX_WAIT_MS = 2_000;

export function withQuickRetries<T>(read: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return pRetry(
    async () => {
      // a batch cancelled during p-retry's own back-off (which takes no signal) goes no further
      if (signal.aborted) throw new pRetry.AbortError(signal.reason as Error);
      try {
        return await read();
      } catch (err) {
        const later = err instanceof ProviderError && (err.retryAfterMs ?? 0) > QUICK_RETRY_MAX_WAIT_MS;
        throw err instanceof ProviderError && err.retryable && !later ? err : new pRetry.AbortError(err as Error);
      }
    },
    {
      retries: QUICK_RETRIES,
      minTimeout: 200,
      maxTimeout: QUICK_RETRY_MAX_WAIT_MS,
      onFailedAttempt: async (err) => {
        const retryAfter = err instanceof ProviderError ? err.retryAfterMs : undefined;
        if (retryAfter !== undefined && retryAfter > 0) await sleep(retryAfter, undefined, { signal }).catch(() => undefined);
        // thrown here, p-retry gives up with it: a batch cancelled while it waited goes no further
        signal.throwIfAborted();
      },
    },
  );
}

