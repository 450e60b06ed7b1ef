// The run a Temporal Schedule started last (its workflow id is the action's, suffixed with the time
// of the run), for the tests of the background schedules (enrichment-and-sync.test.ts); and the
// schedules and runs a test file of watched groups leaves, removed at its end.
import type { Client } from '@temporalio/client';

/** The last run `scheduleId` started, waited for up to `timeoutMs` after a trigger. */
export async function lastScheduledRun(client: Client, scheduleId: string, timeoutMs = 60_000): Promise<{ workflowId: string; runId: string }> {
  const schedule = client.schedule.getHandle(scheduleId);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = (await schedule.describe()).info.recentActions;
    const run = runs[runs.length - 1]?.action;
    if (run) return { workflowId: run.workflow.workflowId, runId: run.workflow.firstExecutionRunId };
    if (Date.now() > deadline) throw new Error(`the schedule ${scheduleId} did not start a run`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Deletes every schedule of the test's namespace and terminates its running workflows (a watch's schedule would start runs after the file's workers stopped). */
export async function removeSchedulesAndRuns(client: Client): Promise<void> {
  for await (const s of client.schedule.list()) await client.schedule.getHandle(s.scheduleId).delete().catch(() => undefined);
  for await (const wf of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    await client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
  }
}
