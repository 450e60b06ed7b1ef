// A group of exactly MAX_WALLETS_PER_ANALYSIS wallets (the default, 1,000, also the largest the
// configuration accepts) finishes on the real dev server with every pair stored: 1,000 sync
// steps of the analysis, 200 at a time (under Temporal's 2,000 pending), balances in 10 batch activities, a
// history far below 51,200 events and 50 MB, payloads (progress query, polls, activity inputs and
// results) far below 2 MB, and user metadata and search attributes within their limits. It runs on
// a worker process of its own, whose resident memory is sampled and printed (never asserted), with
// the events of the analysis and of its children. Slow (minutes): a few transactions per wallet.
// (Before, the workflow put the whole group into the `Wallets` search attribute; above ~43 wallets
// Temporal rejected it and terminated the workflow while the analyses row stayed `running`.)
import { generateWorld } from '../../src/simulator';
import { loadConfig } from '../../src/config';
import { TASK_QUEUES, USER_METADATA_LIMITS } from '../../src/workflows/contract';
import { SYNC_BATCH_WALLETS } from '../../src/workflows/similarity-analysis';
import { activityPollers, startWorkerProcess, waitFor } from '../harness/processes';
import { useSimulatedStack } from '../harness/stack';
import { allPairs, pairKeys, runGroupThroughApi, storedPairKeys, treeEvents, expectSyncedInBatches } from './large-group-run';

const max = loadConfig({}).MAX_WALLETS_PER_ANALYSIS;
/** the group: MAX_WALLETS_PER_ANALYSIS wallets */
const size = max;
const world = generateWorld({ seed: 4242, wallets: size, txPerWallet: 3, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const PAYLOAD_LIMIT = 2 * 1024 * 1024;

describe('an analysis of MAX_WALLETS_PER_ANALYSIS wallets (default, the largest accepted)', () => {
  let worker: ReturnType<typeof startWorkerProcess> | undefined;
  const opened = useSimulatedStack(
    { world },
    {},
    {
      afterOpen: async () => {
        worker = startWorkerProcess(opened.stack.processEnv);
        await waitFor('the worker process to poll the analysis queue', async () => (await activityPollers(opened.stack, TASK_QUEUES.analysis)).length >= 1, 300_000).catch((err) => {
          throw new Error(`${err.message}; the worker printed:\n${worker?.output()}`);
        });
      },
      beforeClose: async () => {
        worker?.kill('SIGKILL');
      },
      openTimeoutMs: 360_000,
    },
  );

  it(`runs ${size} wallets to completion with all ${(size * (size - 1)) / 2} pairs, within Temporal's limits`, async () => {
    expect(max).toBe(1000);
    expect(() => loadConfig({ MAX_WALLETS_PER_ANALYSIS: String(max + 1) })).toThrow(/MAX_WALLETS_PER_ANALYSIS/);
    const run = await runGroupThroughApi(opened.stack, wallets, 1_800_000, { externalWorkers: true, workerPid: worker!.pid });
    const events = await treeEvents(opened.stack.client, run.workflowId);
    console.log(
      `${size} wallets: ${run.seconds.toFixed(1)} s; events: analysis ${events.parent} (${(run.historyBytes / 1024).toFixed(0)} KiB), ${events.steps.walletsInBatches} wallets synced in ${events.steps.batches} sync steps (${events.steps.ownStepWallets.length} handed on to a step of their own: ${[...new Set(events.steps.reasons)].join('; ') || 'none'}), ${events.childWorkflows} children ${events.children}; ` +
        `${run.polls.length} polls (largest output ${Math.max(...run.polls.map((p) => p.outputBytes))} B); progress query ${(run.progressBytes / 1024).toFixed(0)} KiB; ` +
        `largest activity payload ${(run.largestActivityPayloadBytes / 1024).toFixed(0)} KiB; GET ${(run.viewBytes / 1024).toFixed(0)} KiB; ` +
        `worker RSS start/peak/end ${run.workerRssMb?.start}/${run.workerRssMb?.peak}/${run.workerRssMb?.end} MB`,
    );

    expect(run.view.status).toBe('completed');
    expect(run.view.error).toBeNull();
    const stored = await storedPairKeys(opened.stack.pool, run.view.analysisId);
    // every pair in analysis_pairs; the result itself lists the strongest (topPairs, default 1,000)
    expect(stored).toEqual(allPairs(wallets));
    expect(run.view.result.pairs.length).toBeLessThanOrEqual(1_000);

    // the group does not fit Temporal's 2,048 bytes: no wallet list, the count and status instead
    expect(run.searchAttributes.wallets).toBeUndefined();
    expect(run.searchAttributes.walletCount).toBe(size);
    expect(run.searchAttributes.status).toBe('completed');
    // user metadata: the summary line, details that list as many wallets as fit, current progress
    expect(run.staticSummary).toBe(`${size} wallets · full history · auto`);
    expect(Buffer.byteLength(run.staticDetails ?? '')).toBeLessThanOrEqual(USER_METADATA_LIMITS.detailsBytes);
    expect(run.staticDetails).toContain(wallets[0]);
    expect(run.staticDetails).toMatch(/… and \d+ more/);
    expect(run.currentDetails).toMatch(/^\*\*completed\*\* · 100 %/);
    expect(run.currentDetails).toContain(`balances: ${size} of ${size}`);

    // the polling loop asks by analysis id: its inputs stay small whatever the group size
    expect(run.oldPolls).toBe(0);
    for (const p of run.polls) expect(p.inputBytes).toBeLessThan(300);
    // payloads and history well within Temporal's limits (2 MB; 51,200 events, 50 MB)
    expect(run.progressBytes).toBeLessThan(PAYLOAD_LIMIT / 4);
    expect(run.largestActivityPayloadBytes).toBeLessThan(PAYLOAD_LIMIT / 4);
    // each wallet synced in a step of the analysis (its few pages fit one chunk), SYNC_BATCH_WALLETS a step: no sync children, the enrichment child only
    expectSyncedInBatches(events.steps, size, SYNC_BATCH_WALLETS);
    expect(events.childWorkflows).toBe(1);
    expect(events.parent).toBeLessThan(51_200 / 4);
    expect(run.historyBytes).toBeLessThan(10 * 1024 * 1024);
  }, 2_400_000);

  it('a group whose wallet list fits the search attribute still gets it (Wallets = "<address>" finds it in the Web UI)', async () => {
    const small = wallets.slice(0, 10);
    const run = await runGroupThroughApi(opened.stack, small, 300_000, { externalWorkers: true });
    expect(run.view.status).toBe('completed');
    expect(pairKeys(run.view.result.pairs)).toEqual(allPairs(small));
    expect(run.searchAttributes.wallets).toEqual(small);
    expect(run.searchAttributes.walletCount).toBe(10);
    expect(run.staticSummary).toBe('10 wallets · full history · auto');
  }, 600_000);
});
