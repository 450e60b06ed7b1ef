// Calls from the API to Temporal carry a deadline: while the server is unreachable, the client's own
// retries would hold a request for about 17 s; with the deadline it fails within seconds, and the
// route answers 503 problem+json with Retry-After. Starts stay safe to repeat (one workflow per id),
// so a client that got 503 simply retries.
import type { Client } from '@temporalio/client';

/** How long the API waits for Temporal to accept a start (normally a few milliseconds). */
export const TEMPORAL_CALL_DEADLINE_MS = 3_000;

export function withTemporalDeadline<T>(temporal: Client, fn: () => Promise<T>, ms: number = TEMPORAL_CALL_DEADLINE_MS): Promise<T> {
  return temporal.connection.withDeadline(Date.now() + ms, fn);
}
