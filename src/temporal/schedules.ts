// The background work on Temporal Schedules, each created by every worker at start (creating it
// again is a no-op):
// - the token refresh: re-enriches the most-held tokens every 10 minutes at background priority (a
//   schedule created by an earlier version, whose action starts its workflow on another queue, has
//   its action moved to the workflows' queue);
// - the analytics recompute: every wallet's stored analytics an older engine computed, computed
//   again every 10 minutes, and once at each worker's start (a deploy's new engine at once).
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { WORKFLOW_TASK_QUEUE } from '../workflows/contract';
import type { refreshPopularTokensWorkflow } from '../workflows/token-enrichment';
import type { recomputeOlderAnalyticsWorkflow } from '../workflows/wallet-sync';

export const REFRESH_SCHEDULE_ID = 'refresh-popular-tokens';
export const REFRESH_TOKEN_LIMIT = 300;
export const ANALYTICS_SCHEDULE_ID = 'recompute-wallet-analytics';

/** Creates the schedule `scheduleId` starting `action` every `every`, one run at a time; 'exists' when it is there already. */
async function createSchedule(client: Client, scheduleId: string, every: Duration, action: Pick<ScheduleOptionsAction, 'workflowType' | 'args'>): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: { type: 'startWorkflow', workflowId: scheduleId, taskQueue: WORKFLOW_TASK_QUEUE, ...action },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    return 'exists';
  }
}

export async function ensureRefreshSchedule(client: Client, every: Duration = '10 minutes'): Promise<'created' | 'exists' | 'moved'> {
  const made = await createSchedule(client, REFRESH_SCHEDULE_ID, every, {
    workflowType: 'refreshPopularTokensWorkflow' satisfies (typeof refreshPopularTokensWorkflow)['name'],
    // SDK 1.24 schedules cannot set a priority; the workflow starts its enrichment child at
    // background priority (PRIORITY.background), which is where the DexScreener work happens.
    args: [{ limit: REFRESH_TOKEN_LIMIT }],
  });
  if (made === 'created') return made;
  // created before the enrichment workflows moved to the workflows' queue (2026-12)
  const handle = client.schedule.getHandle(REFRESH_SCHEDULE_ID);
  const { action } = await handle.describe();
  if (action.type !== 'startWorkflow' || action.taskQueue === WORKFLOW_TASK_QUEUE) return 'exists';
  await handle.update((previous) => {
    if (previous.action.type !== 'startWorkflow') return previous;
    return { ...previous, action: { ...previous.action, taskQueue: WORKFLOW_TASK_QUEUE } };
  });
  return 'moved';
}

/**
 * The analytics recompute's schedule (recomputeOlderAnalyticsWorkflow), created if missing, then
 * triggered: a worker that starts with a newer engine has the wallets of the older one computed
 * again now rather than at the next interval; a worker of the same engine finds none and the run
 * ends after one batch. A run under way when it is triggered is left to go on (SKIP).
 */
export async function ensureAnalyticsSchedule(client: Client, every: Duration = '10 minutes'): Promise<'created' | 'exists'> {
  const made = await createSchedule(client, ANALYTICS_SCHEDULE_ID, every, {
    workflowType: 'recomputeOlderAnalyticsWorkflow' satisfies (typeof recomputeOlderAnalyticsWorkflow)['name'],
    // its batches ask for background priority themselves (SDK 1.24 schedules cannot set one)
    args: [{}],
  });
  await client.schedule.getHandle(ANALYTICS_SCHEDULE_ID).trigger(ScheduleOverlapPolicy.SKIP);
  return made;
}
