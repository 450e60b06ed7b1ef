import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { PRIORITY, TASK_QUEUES, WORKFLOW_TASK_QUEUE } from '../../src/workflows/contract';
import { useTestStack } from '../harness/stack';
import { testEnv } from '../harness/env';

describe('task-queue priority of token enrichments', () => {
  const opened = useTestStack();

  it('user-triggered enrichment (priorityKey 1) runs before a backlog of background refreshes (priorityKey 5)', async () => {
    // A backlog: five background runs, then one user request, all waiting before any worker polls.
    const background = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        opened.stack.client.workflow.start(tokenEnrichmentWorkflow, {
          taskQueue: WORKFLOW_TASK_QUEUE,
          workflowId: `background-${i}-${randomUUID()}`,
          args: [{ mints: [], reason: 'background' }],
          priority: { priorityKey: PRIORITY.background },
        }),
      ),
    );
    const user = await opened.stack.client.workflow.start(tokenEnrichmentWorkflow, {
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowId: `user-${randomUUID()}`,
      args: [{ mints: [], reason: 'user' }],
      priority: { priorityKey: PRIORITY.userTriggered },
    });

    // One worker taking one workflow task at a time, and one activity at a time on the enrichment
    // queue (where the enrichment's activities run), records the order in which enrichments begin.
    const order: string[] = [];
    const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
    const workflows = await Worker.create({
      connection,
      namespace: opened.stack.namespace,
      taskQueue: WORKFLOW_TASK_QUEUE,
      workflowBundle: { codePath: testEnv().workflowBundlePath },
      maxConcurrentWorkflowTaskExecutions: 1,
      maxCachedWorkflows: 0, // no sticky queue: every workflow task goes through the prioritized backlog
    });
    const activities = await Worker.create({
      connection,
      namespace: opened.stack.namespace,
      taskQueue: TASK_QUEUES.enrichment,
      maxConcurrentActivityTaskExecutions: 1,
      activities: {
        async planTokenEnrichment() {
          order.push(Context.current().info.workflowExecution?.workflowId ?? 'unknown');
          return { batches: [], requested: 0, fresh: 0 };
        },
      },
    });
    const done = Promise.all([user.result(), ...background.map((h) => h.result())]);
    await Promise.all([workflows.runUntil(done), activities.runUntil(done)]);
    await connection.close();

    expect(order).toHaveLength(6);
    expect(order[0]).toBe(user.workflowId);
  });
});
