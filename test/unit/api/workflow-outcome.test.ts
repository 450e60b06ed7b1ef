// The reason of a workflow closed behind the API's back becomes the analysis's `error`, which every
// client reads: it says how the workflow ended without the operator's host names, network addresses
// or API keys (as describeFailureForClients says every other failure to clients).
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { workflowOutcome } from '../../../src/temporal/workflow-outcome';

/** A client whose workflow `wf` has closed with `status`, its close event `event`. */
function closedWith(status: string, event: temporal.api.history.v1.IHistoryEvent): Client {
  return {
    options: { namespace: 'default' },
    connection: { withDeadline: (_deadline: number, fn: () => unknown) => fn(), withAbortSignal: (_signal: AbortSignal, fn: () => unknown) => fn() },
    workflow: { getHandle: () => ({ describe: async () => ({ status: { name: status }, runId: 'run-1' }) }) },
    workflowService: { getWorkflowExecutionHistory: async () => ({ history: { events: [event] } }) },
  } as unknown as Client;
}

describe('workflowOutcome: the reason told to clients', () => {
  it('a termination: its reason, without who terminated it (pid@host) nor addresses', async () => {
    const client = closedWith('TERMINATED', {
      workflowExecutionTerminatedEventAttributes: { reason: 'PostgreSQL at db-primary.internal:5432 was restored from a backup', identity: '48213@ops-bastion-7.corp.example' },
    });
    const outcome = await workflowOutcome(client, 'analysis:a1');
    expect(outcome).toEqual({ state: 'closed', status: 'terminated', reason: 'the workflow analysis:a1 was terminated in Temporal: PostgreSQL at <address> was restored from a backup' });
  });

  it('a failure: its message and innermost cause, without network addresses or API keys', async () => {
    const client = closedWith('FAILED', {
      workflowExecutionFailedEventAttributes: {
        failure: {
          message: 'Activity task failed',
          cause: { message: 'connect ECONNREFUSED 10.20.30.40:5432 after https://rpc.example/?api-key=FAKE-KEY-77 answered 401', applicationFailureInfo: { type: 'StoreUnavailableError' } },
        },
      },
    });
    const outcome = await workflowOutcome(client, 'analysis:a2');
    expect(outcome).toEqual({
      state: 'closed',
      status: 'failed',
      reason: 'the workflow analysis:a2 failed in Temporal: Activity task failed (StoreUnavailableError: connect ECONNREFUSED <address> after https://rpc.example/?api-key=*** answered 401)',
    });
  });

  it('a reason with nothing to hide is kept as it is', async () => {
    const outcome = await workflowOutcome(closedWith('TERMINATED', { workflowExecutionTerminatedEventAttributes: { reason: 'stopped by an operator at 12:30:00' } }), 'analysis:a3');
    expect(outcome).toMatchObject({ reason: 'the workflow analysis:a3 was terminated in Temporal: stopped by an operator at 12:30:00' });
  });
});
