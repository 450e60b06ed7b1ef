import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { NativeConnection, Worker } from '@temporalio/worker';
import { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { PRIORITY, TASK_QUEUES } from '../../src/workflows/contract';
import { useTestStack } from '../harness/stack';
import { testEnv } from '../harness/env';

describe('task-queue priority on the enrichment queue', () => {
  const opened = useTestStack();

  it('user-triggered enrichment (priorityKey 1) runs before a backlog of background refreshes (priorityKey 5)', async () => {
    // A backlog: five background runs, then one user request, all waiting before any worker polls.
    const background = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        opened.stack.client.workflow.start(tokenEnrichmentWorkflow, {
          taskQueue: TASK_QUEUES.enrichment,
          workflowId: `background-${i}-${randomUUID()}`,
          args: [{ mints: [], reason: 'background' }],
          priority: { priorityKey: PRIORITY.background },
        }),
      ),
    );
    const user = await opened.stack.client.workflow.start(tokenEnrichmentWorkflow, {
      taskQueue: TASK_QUEUES.enrichment,
      workflowId: `user-${randomUUID()}`,
      args: [{ mints: [], reason: 'user' }],
      priority: { priorityKey: PRIORITY.userTriggered },
    });

    // One worker taking one task at a time records the order in which enrichments begin.
    const order: string[] = [];
    const connection = await NativeConnection.connect({ address: testEnv().temporalAddress });
    const worker = await Worker.create({
      connection,
      namespace: opened.stack.namespace,
      taskQueue: TASK_QUEUES.enrichment,
      workflowBundle: { codePath: testEnv().workflowBundlePath },
      maxConcurrentWorkflowTaskExecutions: 1,
      maxCachedWorkflows: 0, // no sticky queue: every workflow task goes through the prioritized backlog
      maxConcurrentActivityTaskExecutions: 1,
      activities: {
        async planTokenEnrichment() {
          order.push(Context.current().info.workflowExecution?.workflowId ?? 'unknown');
          return { batches: [], requested: 0, fresh: 0 };
        },
      },
    });
    await worker.runUntil(Promise.all([user.result(), ...background.map((h) => h.result())]));
    await connection.close();

    expect(order).toHaveLength(6);
    expect(order[0]).toBe(user.workflowId);
  });
});
