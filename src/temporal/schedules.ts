// The background work on Temporal Schedules, each created by every worker at start (creating it
// again is a no-op):
// - the token refresh: re-enriches the most-held tokens every 10 minutes at background priority (a
//   schedule created by an earlier version, whose action starts its workflow on another queue, has
//   its action moved to the workflows' queue);
// - the analytics recompute: every wallet's stored analytics an older engine computed, computed
//   again every 10 minutes (beside the run each engine's first worker starts: startDeployRecompute);
// - the sweep of watch deliveries: every 10 minutes, those left pending without an attempt started,
//   those a day old given up (sweepWatchDeliveriesWorkflow).
// And one schedule per watched group, made and removed by the API (POST and DELETE /v1/watches).
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowExecutionAlreadyStartedError, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { WORKFLOW_TASK_QUEUE, watchScheduleId, type WatchRunInput } from '../workflows/contract';
import type { refreshPopularTokensWorkflow } from '../workflows/token-enrichment';
import type { recomputeOlderAnalyticsWorkflow } from '../workflows/wallet-sync';
import type { sweepWatchDeliveriesWorkflow } from '../workflows/watch-delivery';
import type { watchRunWorkflow } from '../workflows/watch-run';

export const REFRESH_SCHEDULE_ID = 'refresh-popular-tokens';
export const REFRESH_TOKEN_LIMIT = 300;
export const ANALYTICS_SCHEDULE_ID = 'recompute-wallet-analytics';
export const DELIVERY_SWEEP_SCHEDULE_ID = 'sweep-watch-deliveries';

/**
 * Creates the schedule `scheduleId` starting `action` every `every` (counted from the epoch, plus
 * `offset`), one run at a time; 'exists' when it is there already.
 */
async function createSchedule(client: Client, scheduleId: string, every: Duration, action: Pick<ScheduleOptionsAction, 'workflowType' | 'args'>, offset?: Duration): Promise<'created' | 'exists'> {
  try {
    await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every, ...(offset === undefined ? {} : { offset }) }] },
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

/** The analytics recompute's schedule (recomputeOlderAnalyticsWorkflow, any worker's engine), created if missing. */
export async function ensureAnalyticsSchedule(client: Client, every: Duration = '10 minutes'): Promise<'created' | 'exists'> {
  return createSchedule(client, ANALYTICS_SCHEDULE_ID, every, {
    workflowType: 'recomputeOlderAnalyticsWorkflow' satisfies (typeof recomputeOlderAnalyticsWorkflow)['name'],
    // its batches ask for background priority themselves (SDK 1.24 schedules cannot set one)
    args: [{}],
  });
}

/** The sweep of watch deliveries' schedule (sweepWatchDeliveriesWorkflow), created if missing. */
export async function ensureDeliverySweepSchedule(client: Client, every: Duration = '10 minutes'): Promise<'created' | 'exists'> {
  return createSchedule(client, DELIVERY_SWEEP_SCHEDULE_ID, every, {
    workflowType: 'sweepWatchDeliveriesWorkflow' satisfies (typeof sweepWatchDeliveriesWorkflow)['name'],
    args: [],
  });
}

/** The id of the run that computes again the figures older than engine `version` once its first worker starts. */
export const deployRecomputeId = (version: string): string => `${ANALYTICS_SCHEDULE_ID}:${version}`;

/**
 * Starts, as a worker of engine `version` starts, the run that computes again every wallet's figures
 * an older engine computed (recomputeOlderAnalyticsWorkflow with `minEngine`: a worker of an older
 * engine that takes its batch fails it, and Temporal hands it to a newer one), so that a deploy's
 * figures need not wait for the schedule's next run. One per engine: the workers that start while it
 * runs join it, and while Temporal keeps it once it has completed (the namespace's retention) none
 * starts it again (a failed one is started again). `running`: started or joined; `done`: completed.
 */
export async function startDeployRecompute(client: Client, version: string): Promise<'running' | 'done'> {
  try {
    await client.workflow.start<typeof recomputeOlderAnalyticsWorkflow>('recomputeOlderAnalyticsWorkflow', {
      workflowId: deployRecomputeId(version),
      taskQueue: WORKFLOW_TASK_QUEUE,
      args: [{ minEngine: version }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
    return 'running';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'done';
    throw err;
  }
}

/**
 * The schedule of watch `watchId`: a run (watchRunWorkflow) every `everyMinutes` from `now`, the
 * first at once; a run still going when the next is due makes that one skipped, and runs missed while
 * Temporal was away are not caught up but for the last minute's. Creating it again is a no-op.
 */
export async function createWatchSchedule(client: Client, watchId: string, everyMinutes: number, now = Date.now()): Promise<void> {
  const everyMs = everyMinutes * 60_000;
  // Temporal counts intervals from the epoch: offset so that the runs fall every `everyMinutes` from now
  const made = await createSchedule(
    client,
    watchScheduleId(watchId),
    everyMs,
    { workflowType: 'watchRunWorkflow' satisfies (typeof watchRunWorkflow)['name'], args: [{ watchId } satisfies WatchRunInput] },
    now % everyMs,
  );
  // the first run now: a trigger of its own, as the SDK's triggerImmediately starts it under
  // ALLOW_ALL, which the schedule does not count as running (a run asked for then would overlap it)
  if (made === 'created') await triggerWatchSchedule(client, watchId);
}

/**
 * Watch `watchId`'s schedule made to run every `everyMinutes` from `now` (the next run then, not at
 * once; a run under way goes on); false when it has no schedule.
 */
export async function updateWatchSchedule(client: Client, watchId: string, everyMinutes: number, now = Date.now()): Promise<boolean> {
  const everyMs = everyMinutes * 60_000;
  try {
    await client.schedule.getHandle(watchScheduleId(watchId)).update((previous) => ({ ...previous, spec: { ...previous.spec, intervals: [{ every: everyMs, offset: now % everyMs }] } }));
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** Removes watch `watchId`'s schedule (a run under way goes on); 'gone' when there was none. */
export async function deleteWatchSchedule(client: Client, watchId: string): Promise<'deleted' | 'gone'> {
  try {
    await client.schedule.getHandle(watchScheduleId(watchId)).delete();
    return 'deleted';
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return 'gone';
    throw err;
  }
}

/** Starts a run of watch `watchId` now (skipped, as a scheduled one, while one is under way); false when it has no schedule. */
export async function triggerWatchSchedule(client: Client, watchId: string): Promise<boolean> {
  try {
    // SKIP, said: the SDK's default for a trigger is ALLOW_ALL, a run the schedule would not count as running
    await client.schedule.getHandle(watchScheduleId(watchId)).trigger(ScheduleOverlapPolicy.SKIP);
    return true;
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return false;
    throw err;
  }
}

/** When watch `watchId`'s next run is due, and whether a run is under way (null: it has no schedule). */
export async function watchScheduleState(client: Client, watchId: string): Promise<{ nextRunAt: string | null; running: boolean } | null> {
  try {
    const d = await client.schedule.getHandle(watchScheduleId(watchId)).describe();
    return { nextRunAt: d.info.nextActionTimes[0]?.toISOString() ?? null, running: d.info.runningActions.length > 0 };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
}
