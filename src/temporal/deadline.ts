// Calls from the API to Temporal carry a deadline: while the server is unreachable, the client's own
// retries would hold a request for about 17 s; with the deadline it fails within seconds, and the
// route answers 503 problem+json with Retry-After. Starts stay safe to repeat (one workflow per id),
// so a client that got 503 simply retries.
import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';

/** How long the API waits for Temporal to accept a start (normally a few milliseconds). */
export const TEMPORAL_CALL_DEADLINE_MS = 3_000;

/** Temporal did not answer within the API's deadline. */
export class TemporalDeadlineError extends Error {
  override name = 'TemporalDeadlineError';
}

/**
 * Runs `fn`'s Temporal calls with a gRPC deadline and gives up at that deadline even while the
 * client sleeps between its retries (the gRPC deadline alone is checked only per attempt: with the
 * server refusing connections a start took up to 5.3 s against a 3 s deadline). The calls are
 * aborted when it gives up.
 */
export async function withTemporalDeadline<T>(temporal: Client, fn: () => Promise<T>, ms: number = TEMPORAL_CALL_DEADLINE_MS, signal?: AbortSignal): Promise<T> {
  const abort = new AbortController();
  // the client adds a listener to this signal for each RPC it sends in `fn` and never removes it: a
  // call that sends many (a workflow's result, long-polled page after page; a start retried while the
  // server is away) passed Node's default of 10 and logged MaxListenersExceededWarning. The signal
  // lives as long as this one call, so its listeners go with it: no bound is needed
  setMaxListeners(0, abort.signal);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    const give = (error: Error) => {
      abort.abort(error);
      reject(error);
    };
    timer = setTimeout(() => give(new TemporalDeadlineError(`Temporal did not answer within ${ms} ms`)), ms);
    // the caller gives up too (a process shutting down)
    onAbort = () => give(signal?.reason instanceof Error ? signal.reason : new Error('the call was abandoned'));
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
  const call = temporal.connection.withDeadline(Date.now() + ms, () => temporal.connection.withAbortSignal(abort.signal, fn));
  // the call may still settle after the deadline: its outcome is no longer anyone's
  call.catch(() => undefined);
  try {
    return await Promise.race([call, expired]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
