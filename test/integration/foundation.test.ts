import { randomUUID } from 'node:crypto';
import { useTestStack } from '../harness/stack';
import { smokeWorkflow } from '../../src/workflows/smoke';
import { TASK_QUEUES, SEARCH_ATTRIBUTES } from '../../src/workflows/contract';

describe('foundation: a real workflow on the real dev server, PostgreSQL and Redis', () => {
  const opened = useTestStack();

  it('runs smokeWorkflow, whose activity writes a PostgreSQL row and a Redis key, and the server records the completed execution', async () => {
    const workflowId = `smoke-${randomUUID()}`;
    const message = 'hello from the integration test';

    const result = await opened.stack.withWorkers(() =>
      opened.stack.client.workflow.execute(smokeWorkflow, { taskQueue: TASK_QUEUES.analysis, workflowId, args: [message] }),
    );

    const { rows } = await opened.stack.pool.query('SELECT workflow_id, message FROM smoke_runs WHERE id = $1', [result.smokeRunId]);
    expect(rows).toEqual([{ workflow_id: workflowId, message }]);
    expect(result.redisKey).toBe(`smoke:${workflowId}`);
    expect(await opened.stack.redis.get(result.redisKey)).toBe(message);

    const handle = opened.stack.client.workflow.getHandle(workflowId);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.type).toBe('smokeWorkflow');
    expect(description.taskQueue).toBe(TASK_QUEUES.analysis);
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.analysisStatus)).toBe('completed');

    const history = await handle.fetchHistory();
    const eventTypes = (history.events ?? []).map((e) => e.eventType);
    expect(eventTypes.length).toBeGreaterThan(5);
    const activityScheduled = (history.events ?? []).find((e) => e.activityTaskScheduledEventAttributes);
    expect(activityScheduled?.activityTaskScheduledEventAttributes?.activityType?.name).toBe('recordSmokeRun');
  });

  it('finds the workflow by its search attribute through the visibility API', async () => {
    const workflowId = `smoke-${randomUUID()}`;
    await opened.stack.withWorkers(() =>
      opened.stack.client.workflow.execute(smokeWorkflow, { taskQueue: TASK_QUEUES.analysis, workflowId, args: ['visible'] }),
    );
    const deadline = Date.now() + 10_000;
    let found: string[] = [];
    while (Date.now() < deadline) {
      found = [];
      for await (const wf of opened.stack.client.workflow.list({ query: `WorkflowId = '${workflowId}' AND AnalysisStatus = 'completed'` })) found.push(wf.workflowId);
      if (found.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([workflowId]);
  });
});
