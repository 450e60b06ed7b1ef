// The largest group the configuration accepts (MAX_WALLETS_PER_ANALYSIS, at most 1,000) as a
// token's top holders: POST /v1/analyses {token, top: 1000} on the real API, dev server, PostgreSQL,
// Redis and simulator, for a token with 1,500 holders (vaults, an AMM authority, a burn account and
// an exchange among the largest, left out). The holders are resolved, synced (1,000 sync steps),
// their balances fetched in batches and every pair stored. Slow (minutes): a few transactions per
// wallet.
import { generateWorld } from '../../src/simulator';
import { loadConfig } from '../../src/config';
import { useSimulatedStack } from '../harness/stack';
import { allPairs, runGroupThroughApi, storedPairKeys, treeEvents, expectSyncedInBatches } from './large-group-run';
import { SYNC_BATCH_WALLETS } from '../../src/workflows/similarity-analysis';

/** The largest value src/config.ts accepts. */
const CAP = 1000;
/** the group: that many holders */
const largest = CAP;
const world = generateWorld({ seed: 5005, wallets: 2, txPerWallet: 3, largeWallet: false, holderToken: { holders: largest + 500, wallets: largest } });
const { mint, excludedOwners } = world.groundTruth!.holderToken!;
const holders = world.wallets.filter((w) => w.label?.startsWith('holder of the holder token')).map((w) => w.address).sort();

describe('an analysis of the largest group the configuration accepts, as a token’s top holders', () => {
  const opened = useSimulatedStack({ world }, { MAX_WALLETS_PER_ANALYSIS: String(CAP) }, { openTimeoutMs: 180_000 });

  it(`analyses the top ${largest} holders of a token with ${largest + 500}, all ${(largest * (largest - 1)) / 2} pairs stored`, async () => {
    expect(loadConfig({ MAX_WALLETS_PER_ANALYSIS: String(CAP) }).MAX_WALLETS_PER_ANALYSIS).toBe(CAP);
    expect(() => loadConfig({ MAX_WALLETS_PER_ANALYSIS: String(CAP + 1) })).toThrow(/MAX_WALLETS_PER_ANALYSIS/);
    expect(holders).toHaveLength(largest);

    const run = await runGroupThroughApi(opened.stack, { token: mint, top: largest }, 1_800_000);
    const events = await treeEvents(opened.stack.client, run.workflowId);
    console.log(
      `top ${largest} holders: ${run.seconds.toFixed(1)} s; events: analysis ${events.parent} (${(run.historyBytes / 1024).toFixed(0)} KiB), ${events.steps.walletsInBatches} wallets synced in ${events.steps.batches} sync steps (${events.steps.ownStepWallets.length} handed on to a step of their own: ${[...new Set(events.steps.reasons)].join('; ') || 'none'}), ${events.childWorkflows} children ${events.children}; ` +
        `progress query ${(run.progressBytes / 1024).toFixed(0)} KiB; largest activity payload ${(run.largestActivityPayloadBytes / 1024).toFixed(0)} KiB`,
    );

    expect(run.view.error).toBeNull();
    expect(run.view.status).toBe('completed');
    // the group: the world's holder wallets, none of the excluded owners
    expect(run.view.wallets).toEqual(holders);
    for (const owner of excludedOwners) expect(run.view.wallets).not.toContain(owner);
    const stored = await storedPairKeys(opened.stack.pool, run.view.analysisId);
    // every pair in analysis_pairs; the result itself lists the strongest (topPairs, default 1,000)
    expect(stored).toEqual(allPairs(holders));
    expect(run.view.result.pairs.length).toBeLessThanOrEqual(1_000);

    expect(run.searchAttributes.walletCount).toBe(largest);
    expect(run.currentDetails).toContain(`balances: ${largest} of ${largest}`);
    // each wallet synced in a step of the analysis (its few pages fit one chunk), SYNC_BATCH_WALLETS a step: no sync children, the enrichment child only
    expectSyncedInBatches(events.steps, largest, SYNC_BATCH_WALLETS);
    expect(events.childWorkflows).toBe(1);
    expect(events.parent).toBeLessThan(51_200 / 4);
    expect(run.progressBytes).toBeLessThan(512 * 1024);
    expect(run.largestActivityPayloadBytes).toBeLessThan(512 * 1024);
  }, 2_400_000);
});
