// The background refresh: a Temporal Schedule that re-enriches the most-held tokens every
// 10 minutes at background priority. Created by every worker at start; creating it again is a
// no-op, except that a schedule created by an earlier version, whose action starts its workflow on
// another queue, has its action moved to the workflows' queue.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { WORKFLOW_TASK_QUEUE } from '../workflows/contract';
import type { refreshPopularTokensWorkflow } from '../workflows/token-enrichment';

export const REFRESH_SCHEDULE_ID = 'refresh-popular-tokens';
export const REFRESH_TOKEN_LIMIT = 300;

export async function ensureRefreshSchedule(client: Client, every: Duration = '10 minutes'): Promise<'created' | 'exists' | 'moved'> {
  try {
    await client.schedule.create({
      scheduleId: REFRESH_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: {
        type: 'startWorkflow',
        workflowType: 'refreshPopularTokensWorkflow' satisfies (typeof refreshPopularTokensWorkflow)['name'],
        workflowId: REFRESH_SCHEDULE_ID,
        taskQueue: WORKFLOW_TASK_QUEUE,
        // SDK 1.24 schedules cannot set a priority; the workflow starts its enrichment child at
        // background priority (PRIORITY.background), which is where the DexScreener work happens.
        args: [{ limit: REFRESH_TOKEN_LIMIT }],
      },
    });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
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
