// What Temporal says about a workflow the database still records as running: still running, closed
// (how, and why: the reason of a termination, the failure message), or missing. The API reconciles
// analyses with it on read, so an analysis whose workflow was terminated, failed, timed out or
// vanished behind the service's back never stays `running`.
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describeFailureForClients } from '../errors';
import { withTemporalDeadline } from './deadline';

export type ClosedStatus = 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed_out' | 'missing';

export type WorkflowOutcome = { state: 'running' } | { state: 'closed'; status: ClosedStatus; reason: string };

/** How long one look at Temporal may take before the caller goes on without it. */
const DEADLINE_MS = 2_000;
/**
 * Reasons are stored in analyses.error and shown to users: kept short, and what comes from Temporal
 * (a termination's reason, a failure's message) without network addresses or API keys, as every
 * answer of the API (describeFailureForClients).
 */
const MAX_REASON_CHARS = 1_000;

const cut = (s: string): string => (s.length > MAX_REASON_CHARS ? `${s.slice(0, MAX_REASON_CHARS - 1)}…` : s);

function innermostFailure(f: temporal.api.failure.v1.IFailure | null | undefined): string | null {
  if (!f) return null;
  let e = f;
  while (e.cause) e = e.cause;
  const type = e.applicationFailureInfo?.type;
  const inner = type ? `${type}: ${e.message ?? ''}` : (e.message ?? '');
  return f === e || !f.message ? inner : `${f.message} (${inner})`;
}

/** The close event of the workflow's latest run (one event, not the whole history). */
async function closeEvent(client: Client, workflowId: string, runId: string): Promise<temporal.api.history.v1.IHistoryEvent | null> {
  const res = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId },
    historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
  });
  return res.history?.events?.[0] ?? null;
}

/**
 * The workflow's state in Temporal (its latest run's; with `runId`, that run's), or null when
 * Temporal cannot tell right now (unreachable, slow): the caller then keeps what it had. A closed workflow comes with a reason a user can read.
 */
export async function workflowOutcome(client: Client, workflowId: string, runId?: string): Promise<WorkflowOutcome | null> {
  try {
    // the deadline holds across the client's own retries (an unreachable server), not per attempt
    return await withTemporalDeadline(client, async (): Promise<WorkflowOutcome | null> => {
      let description;
      try {
        description = await client.workflow.getHandle(workflowId, runId).describe();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          return {
            state: 'closed',
            status: 'missing',
            reason: `Temporal has no workflow ${workflowId}: it was never started, or its history was deleted after the namespace's retention period`,
          } as const;
        }
        throw err;
      }
      const status = description.status.name;
      if (status === 'RUNNING' || status === 'CONTINUED_AS_NEW' || status === 'UNKNOWN' || status === 'PAUSED') return { state: 'running' } as const;
      const event = await closeEvent(client, workflowId, description.runId).catch(() => null);
      switch (status) {
        case 'TERMINATED': {
          // who terminated it (its identity: pid@host) is not said: the Web UI shows it to operators
          const reason = event?.workflowExecutionTerminatedEventAttributes?.reason;
          return { state: 'closed', status: 'terminated', reason: cut(`the workflow ${workflowId} was terminated in Temporal${reason ? `: ${describeFailureForClients(reason)}` : ''}`) } as const;
        }
        case 'FAILED': {
          const failure = innermostFailure(event?.workflowExecutionFailedEventAttributes?.failure);
          return { state: 'closed', status: 'failed', reason: cut(`the workflow ${workflowId} failed in Temporal${failure ? `: ${describeFailureForClients(failure)}` : ''}`) } as const;
        }
        case 'TIMED_OUT':
          return { state: 'closed', status: 'timed_out', reason: `the workflow ${workflowId} timed out in Temporal` } as const;
        case 'CANCELLED':
          return { state: 'closed', status: 'cancelled', reason: `the workflow ${workflowId} was cancelled in Temporal` } as const;
        case 'COMPLETED':
          return { state: 'closed', status: 'completed', reason: `the workflow ${workflowId} completed in Temporal without recording its result` } as const;
        default:
          return null;
      }
    }, DEADLINE_MS);
  } catch {
    return null;
  }
}
