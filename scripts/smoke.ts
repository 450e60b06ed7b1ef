// `npm run smoke`: starts smokeWorkflow on the running stack (`npm run dev`) and waits for it.
import { loadConfig } from '../src/config';
import { exitWithOneLine } from '../src/errors';
import { connectClient } from '../src/temporal/connection';
import { TASK_QUEUES } from '../src/workflows/contract';
import { smokeWorkflow } from '../src/workflows/smoke';

async function main(): Promise<void> {
  const config = loadConfig();
  const client = await connectClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const workflowId = `smoke-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  console.log(`Started ${workflowId}; waiting for a worker (npm run dev runs one)...`);
  const result = await client.workflow.execute(smokeWorkflow, {
    taskQueue: TASK_QUEUES.analysis,
    workflowId,
    args: ['smoke test from npm run smoke'],
    workflowExecutionTimeout: '2 minutes',
  });
  console.log(`Completed: smoke_runs row ${result.smokeRunId}, Redis key ${result.redisKey}`);
  console.log(`Web UI: ${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${workflowId}`);
  console.log(`CLI:    temporal workflow list --address ${config.TEMPORAL_ADDRESS}`);
  await client.connection.close();
}

main().catch(exitWithOneLine);
