// A minimal end-to-end workflow: proves a worker, PostgreSQL and Redis are wired together.
import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SmokeActivities } from '../activities/smoke';
import { SEARCH_ATTRIBUTES } from './contract';

const { recordSmokeRun } = proxyActivities<SmokeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

export interface SmokeResult {
  smokeRunId: string;
  redisKey: string;
}

export async function smokeWorkflow(message: string): Promise<SmokeResult> {
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.analysisStatus, value: 'running' }]);
  const result = await recordSmokeRun({ workflowId: workflowInfo().workflowId, message });
  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.analysisStatus, value: 'completed' }]);
  return result;
}
