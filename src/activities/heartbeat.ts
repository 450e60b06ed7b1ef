// Liveness heartbeats: while a long activity runs, it heartbeats its latest details on a timer, so a
// worker lost mid-activity (SIGKILL, host gone) is noticed within the heartbeat timeout however long
// one page, one rate-limit wait or one query takes; the details stay whatever the activity last made.
//
// The timer is the only sender while the activity succeeds, and its first tick comes at half the
// heartbeat timeout: an activity that ends sooner sends no heartbeat at all. The SDK sends an
// activity's first heartbeat at once (later ones at most every 0.8 x its heartbeat timeout), and
// Temporal persists each one as a write of the workflow's state, billed as an action on Temporal
// Cloud: a heartbeat after each step of a sync that lasts a few seconds bought nothing but that write
// (measured: 1,044 of them for the 1,000 wallets' 1,078 activities, a quarter of the history
// service's writes). A failed attempt sends its latest details before it fails, so that its retry
// resumes from them, as it did when every step heartbeated.
import { Context } from '@temporalio/activity';

/** How often a running activity says it is alive (well under every heartbeat timeout it runs with). */
export const LIVENESS_HEARTBEAT_MS = 2_000;

/**
 * The activity's heartbeat, or nothing when it runs as a local activity (LOCAL_STEPS_PATCH): a local
 * activity has no heartbeat (its workflow task is what Temporal watches), and the SDK's core logs
 * a warning for each one sent ("Activity heartbeat failed ... UnknownActivity").
 */
export function heartbeatOf(ctx: Context): (details: unknown) => void {
  return ctx.info.isLocal ? () => undefined : (details) => ctx.heartbeat(details);
}

/**
 * When a running activity's first liveness heartbeat leaves: half its heartbeat timeout (it is
 * then still well inside it, and a worker lost before it is noticed at that timeout all the same,
 * which runs from the activity's start), at least `everyMs`.
 */
export function firstHeartbeatMs(heartbeatTimeoutMs: number | undefined, everyMs = LIVENESS_HEARTBEAT_MS): number {
  return heartbeatTimeoutMs ? Math.max(everyMs, Math.floor(heartbeatTimeoutMs / 2)) : everyMs;
}

/**
 * Runs `fn` while heartbeating `details()`: first after firstHeartbeatMs (none if `fn` ends sooner),
 * then every `everyMs`; and once more if `fn` fails, so that a retry finds the failed attempt's
 * latest details.
 */
export async function withLivenessHeartbeat<T>(details: () => unknown, fn: () => Promise<T>, everyMs = LIVENESS_HEARTBEAT_MS): Promise<T> {
  const ctx = Context.current();
  if (ctx.info.isLocal) return fn();
  let timer = setTimeout(function beat() {
    ctx.heartbeat(details());
    timer = setTimeout(beat, everyMs);
  }, firstHeartbeatMs(ctx.info.heartbeatTimeoutMs, everyMs));
  try {
    return await fn();
  } catch (err) {
    ctx.heartbeat(details());
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
