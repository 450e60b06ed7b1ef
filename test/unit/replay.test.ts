import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../src/temporal/workers';
import { loadHistories, patchMarkers } from '../harness/histories';

// Recorded histories (test/histories, written by RECORD_HISTORIES=1 of test/integration/replay-record.test.ts)
// must replay on today's workflow code: a change that would break running workflows fails here and
// needs patched(). No server is needed.
const histories = loadHistories();

/**
 * The `patched()` markers each recording must hold: the code it was recorded from. A recording of a
 * patched workflow is named for the newest patch of that code, so a re-recording by newer code under
 * an older name (which would silently drop that older code's replay check) fails here, and a new
 * recording says which code it stands for.
 */
const RECORDED_PATCHES: Record<string, string[]> = {
  'recompute-older-analytics': [],
  'recompute-older-analytics-continued': [],
  'refresh-popular-tokens': [],
  'similarity-analysis': [],
  'similarity-analysis-sized': ['group-size-limits'],
  'similarity-analysis-api-row': ['group-size-limits', 'api-owns-analysis-row'],
  'similarity-analysis-balance-batches': ['group-size-limits', 'balance-batches', 'api-owns-analysis-row'],
  'similarity-analysis-sync-steps': ['group-size-limits', 'balance-batches', 'sync-steps', 'api-owns-analysis-row'],
  'similarity-analysis-one-patch': ['analysis-patches-2026-11'],
  'similarity-analysis-local-steps': ['analysis-patches-2026-12-local-steps'],
  'similarity-analysis-patches-2026-12-02': ['analysis-patches-2026-12-02'],
  'similarity-analysis-patches-2026-12-03': ['analysis-patches-2026-12-03'],
  'similarity-analysis-patches-2026-12-06': ['analysis-patches-2026-12-06'],
  'similarity-analysis-patches-2026-12-06b': ['analysis-patches-2026-12-06b'],
  'similarity-analysis-token': ['group-size-limits', 'token-holders', 'api-owns-analysis-row'],
  'similarity-analysis-token-too-few': ['group-size-limits', 'token-holders'],
  'similarity-analysis-token-patches-2026-12-02': ['analysis-patches-2026-12-02'],
  'similarity-analysis-token-too-few-patches-2026-12-02': ['analysis-patches-2026-12-02'],
  'similarity-analysis-token-patches-2026-12-03': ['analysis-patches-2026-12-03'],
  'similarity-analysis-token-too-few-patches-2026-12-03': ['analysis-patches-2026-12-03'],
  'similarity-analysis-token-patches-2026-12-06': ['analysis-patches-2026-12-06'],
  'similarity-analysis-token-patches-2026-12-06b': ['analysis-patches-2026-12-06b'],
  'similarity-analysis-token-too-few-patches-2026-12-06': ['analysis-patches-2026-12-06'],
  'similarity-analysis-token-too-few-patches-2026-12-06b': ['analysis-patches-2026-12-06b'],
  'similarity-analysis-wait': ['group-size-limits', 'api-owns-analysis-row'],
  'similarity-analysis-wait-no-enrichment': ['group-size-limits', 'balance-batches', 'sync-steps', 'api-owns-analysis-row', 'enrich-when-needed'],
  'similarity-analysis-wait-one-patch': ['analysis-patches-2026-11'],
  'similarity-analysis-wait-local-steps': ['analysis-patches-2026-12-local-steps'],
  'similarity-analysis-wait-patches-2026-12-02': ['analysis-patches-2026-12-02'],
  'similarity-analysis-wait-patches-2026-12-03': ['analysis-patches-2026-12-03'],
  'similarity-analysis-wait-patches-2026-12-06': ['analysis-patches-2026-12-06'],
  'similarity-analysis-wait-patches-2026-12-06b': ['analysis-patches-2026-12-06b'],
  smoke: [],
  'token-enrichment': [],
  'token-enrichment-plans-again': ['enrichment-plans-again'],
  'wallet-analytics': [],
  'wallet-sync-continued': [],
  'wallet-sync-final': [],
  'wallet-sync-skipped': [],
  'wallet-sync-at-once': ['sync-at-once'],
  'wallet-sync-at-once-continued': ['sync-at-once'],
  'wallet-sync-at-once-final': ['sync-at-once'],
  'wallet-sync-at-once-skipped': ['sync-at-once'],
  'watch-run': [],
  'watch-run-2026-12-07': ['watch-run-2026-12-07'],
  'watch-run-delivery-2026-12-07': ['watch-run-2026-12-07', 'watch-delivery-2026-12-07'],
  'watch-delivery': [],
  'sweep-watch-deliveries': [],
};

describe('recorded workflow histories replay on the current workflow code', () => {
  let bundle: WorkflowBundleWithSourceMap;
  beforeAll(async () => {
    const quiet = () => undefined;
    bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error } });
  }, 60_000);

  it('has a recorded history for every workflow type', () => {
    expect([...new Set(histories.map((h) => h.workflowType))].sort()).toEqual([
      'recomputeOlderAnalyticsWorkflow',
      'refreshPopularTokensWorkflow',
      'similarityAnalysisWorkflow',
      'smokeWorkflow',
      'sweepWatchDeliveriesWorkflow',
      'tokenEnrichmentWorkflow',
      'walletAnalyticsWorkflow',
      'walletSyncWorkflow',
      'watchDeliveryWorkflow',
      'watchRunWorkflow',
    ]);
  });

  it('has every recording listed above, each holding the patch markers of the code it stands for', () => {
    expect(histories.map((h) => h.name).sort()).toEqual(Object.keys(RECORDED_PATCHES).sort());
    for (const h of histories) expect({ name: h.name, patches: patchMarkers(h.history) }).toEqual({ name: h.name, patches: RECORDED_PATCHES[h.name] });
  });

  it.each(histories.map((h) => [h.name, h] as const))('%s replays without non-determinism', async (_name, h) => {
    await expect(Worker.runReplayHistory({ workflowBundle: bundle }, h.history, h.workflowId)).resolves.toBeUndefined();
  }, 60_000);
});
