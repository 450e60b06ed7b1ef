// The background refresh: a Temporal Schedule that re-enriches the most-held tokens every
// 10 minutes at background priority. Created by every worker at start; creating it again is a no-op.
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { TASK_QUEUES } from '../workflows/contract';
import type { refreshPopularTokensWorkflow } from '../workflows/token-enrichment';

export const REFRESH_SCHEDULE_ID = 'refresh-popular-tokens';
export const REFRESH_TOKEN_LIMIT = 300;

export async function ensureRefreshSchedule(client: Client, every: Duration = '10 minutes'): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId: REFRESH_SCHEDULE_ID,
      spec: { intervals: [{ every }] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      action: {
        type: 'startWorkflow',
        workflowType: 'refreshPopularTokensWorkflow' satisfies (typeof refreshPopularTokensWorkflow)['name'],
        workflowId: REFRESH_SCHEDULE_ID,
        taskQueue: TASK_QUEUES.enrichment,
        // SDK 1.24 schedules cannot set a priority; the workflow starts its enrichment child at
        // background priority (PRIORITY.background), which is where the DexScreener work happens.
        args: [{ limit: REFRESH_TOKEN_LIMIT }],
      },
    });
    return 'created';
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) return 'exists';
    throw err;
  }
}
