import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/temporal/workers';
import { loadHistories } from '../harness/histories';

// Recorded histories (test/histories, written by RECORD_HISTORIES=1 of test/integration/replay-record.test.ts)
// must replay on today's workflow code: a change that would break running workflows fails here and
// needs patched(). No server is needed.
const histories = loadHistories();

describe('recorded workflow histories replay on the current workflow code', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    const quiet = () => undefined;
    bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error } });
  }, 60_000);

  it('has a recorded history for every workflow type', () => {
    expect([...new Set(histories.map((h) => h.workflowType))].sort()).toEqual([
      'refreshPopularTokensWorkflow',
      'similarityAnalysisWorkflow',
      'smokeWorkflow',
      'tokenEnrichmentWorkflow',
      'walletSyncWorkflow',
    ]);
  });

  it.each(histories.map((h) => [h.name, h] as const))('%s replays without non-determinism', async (_name, h) => {
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, h.history, h.workflowId)).resolves.toBeUndefined();
  }, 60_000);
});
