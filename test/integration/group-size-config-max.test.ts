// The largest group the configuration accepts (MAX_WALLETS_PER_ANALYSIS=500) finishes on the real
// dev server with every pair: 500 sync children and 500 balance activities pending at once (under
// Temporal's 2,000), a polling loop whose payloads do not grow with the group, and user metadata
// and search attributes within their size limits. Slow (minutes): a small world, a few
// transactions per wallet.
import { generateWorld } from '../../src/simulator';
import { loadConfig } from '../../src/config';
import { DEFAULT_TOP_PAIRS } from '../../src/api/schemas/analyses';
import { useSimulatedStack } from '../harness/stack';
import { USER_METADATA_LIMITS } from '../../src/workflows/contract';
import { allPairs, pairKeys, runGroupThroughApi } from './large-group-run';

/** The largest value src/config.ts accepts. */
const largest = 500;
const world = generateWorld({ seed: 5005, wallets: largest, txPerWallet: 3, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('an analysis of the largest group the configuration accepts', () => {
  const opened = useSimulatedStack({ world }, { MAX_WALLETS_PER_ANALYSIS: String(largest) });

  it(`runs ${largest} wallets to completion with all ${(largest * (largest - 1)) / 2} pairs`, async () => {
    expect(loadConfig({ MAX_WALLETS_PER_ANALYSIS: String(largest) }).MAX_WALLETS_PER_ANALYSIS).toBe(largest);
    expect(() => loadConfig({ MAX_WALLETS_PER_ANALYSIS: String(largest + 1) })).toThrow(/MAX_WALLETS_PER_ANALYSIS/);
    expect(opened.stack.config.MAX_WALLETS_PER_ANALYSIS).toBe(largest);

    const run = await runGroupThroughApi(opened.stack, wallets, 1_500_000);
    console.log(
      `${largest} wallets: ${run.seconds.toFixed(1)} s, ${run.historyEvents} history events (${(run.historyBytes / 1024).toFixed(0)} KiB), ` +
        `${run.polls.length} polls (largest output ${Math.max(...run.polls.map((p) => p.outputBytes))} B), GET ${(run.viewBytes / 1024 / 1024).toFixed(1)} MiB`,
    );

    expect(run.view.status).toBe('completed');
    // every pair stored in analysis_pairs; the result lists the strongest DEFAULT_TOP_PAIRS
    expect(run.storedPairs).toEqual(allPairs(wallets));
    expect(run.view.result.pairs).toHaveLength(Math.min(DEFAULT_TOP_PAIRS, (largest * (largest - 1)) / 2));
    expect(run.storedPairs).toEqual(expect.arrayContaining(pairKeys(run.view.result.pairs)));

    expect(run.searchAttributes.wallets).toBeUndefined();
    expect(run.searchAttributes.walletCount).toBe(largest);
    expect(run.staticSummary).toBe(`${largest} wallets · full history · auto`);
    // details list as many wallets as fit their limit, and say how many more there are
    expect(Buffer.byteLength(run.staticDetails ?? '')).toBeLessThanOrEqual(USER_METADATA_LIMITS.detailsBytes);
    expect(run.staticDetails).toContain(wallets[0]);
    expect(run.staticDetails).toMatch(/… and \d+ more/);
    expect(run.currentDetails).toMatch(/^\*\*completed\*\*/);

    // polls ask by analysis id and answer with changed rows only
    expect(run.oldPolls).toBe(0);
    for (const p of run.polls) expect(p.inputBytes).toBeLessThan(300);
    // history well below Temporal's limits (51,200 events, 50 MB)
    expect(run.historyEvents).toBeLessThan(10_240);
    expect(run.historyBytes).toBeLessThan(10 * 1024 * 1024);
  }, 1_800_000);
});
