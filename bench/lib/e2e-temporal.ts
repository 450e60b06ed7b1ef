// What the bench reads from Temporal: an analysis's end, and the events of the analysis workflow
// and of every child it started (following continue-as-new), which is what Temporal Cloud bills.
import type { Client } from '@temporalio/client';
import type { EventCount } from './e2e-figures';

interface Run {
  workflowId: string;
  runId?: string;
}

/** Events of the workflow and of each workflow it started as a child, all runs of each. */
export async function countEvents(client: Client, workflowId: string, concurrency = 8): Promise<EventCount & { byType: Record<string, number> }> {
  const queue: Run[] = [{ workflowId }];
  const seen = new Set<string>();
  const byType: Record<string, number> = {};
  let total = 0;
  let parent = 0;
  let workflows = 0;
  const visit = async (r: Run): Promise<void> => {
    const history = await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
    const events = history.events ?? [];
    workflows += 1;
    total += events.length;
    if (r.workflowId === workflowId) parent += events.length;
    for (const e of events) {
      const type = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'unknown';
      byType[type] = (byType[type] ?? 0) + 1;
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) queue.push({ workflowId: child.workflowId, runId: child.runId ?? undefined });
      const next = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) queue.push({ workflowId: r.workflowId, runId: next });
    }
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      const r = queue.shift();
      if (!r) return;
      const key = `${r.workflowId}/${r.runId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await visit(r);
    }
  };
  // the first history names the children; then lanes drain the queue
  await lane();
  while (queue.length > 0) await Promise.all(Array.from({ length: concurrency }, lane));
  return { total, parent, workflows, byType };
}
