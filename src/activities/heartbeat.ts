// Liveness heartbeats: while a long activity runs, it heartbeats its latest details on a timer, so a
// worker lost mid-activity (SIGKILL, host gone) is noticed within the heartbeat timeout however long
// one page, one rate-limit wait or one query takes; the details stay whatever the activity last made.
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

export async function withLivenessHeartbeat<T>(details: () => unknown, fn: () => Promise<T>, everyMs = LIVENESS_HEARTBEAT_MS): Promise<T> {
  const ctx = Context.current();
  if (ctx.info.isLocal) return fn();
  const timer = setInterval(() => ctx.heartbeat(details()), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
