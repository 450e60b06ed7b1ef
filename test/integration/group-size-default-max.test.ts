// A group of exactly MAX_WALLETS_PER_ANALYSIS wallets (the default, 50) finishes on the real dev
// server with every pair. Before, the workflow put the whole group into the `Wallets` search
// attribute; above ~43 wallets Temporal rejected it (2,048-byte limit) and terminated the workflow
// while the analyses row stayed `running`.
import { generateWorld } from '../../src/simulator';
import { loadConfig } from '../../src/config';
import { DEFAULT_TOP_PAIRS } from '../../src/api/schemas/analyses';
import { useSimulatedStack } from '../harness/stack';
import { allPairs, pairKeys, runGroupThroughApi } from './large-group-run';

const max = loadConfig({}).MAX_WALLETS_PER_ANALYSIS;
const world = generateWorld({ seed: 4242, wallets: max, txPerWallet: 12, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('an analysis of MAX_WALLETS_PER_ANALYSIS wallets (default)', () => {
  const opened = useSimulatedStack({ world });

  it(`runs ${max} wallets to completion with all ${(max * (max - 1)) / 2} pairs, labelled in the Web UI without the wallet list in a search attribute`, async () => {
    expect(max).toBe(50);
    const run = await runGroupThroughApi(opened.stack, wallets, 600_000);
    console.log(`${max} wallets: ${run.seconds.toFixed(1)} s, ${run.historyEvents} history events (${(run.historyBytes / 1024).toFixed(0)} KiB), ${run.polls.length} polls, GET ${(run.viewBytes / 1024).toFixed(0)} KiB`);

    expect(run.view.status).toBe('completed');
    expect(run.view.error).toBeNull();
    // every pair stored in analysis_pairs; the result lists the strongest DEFAULT_TOP_PAIRS
    expect(run.storedPairs).toEqual(allPairs(wallets));
    expect(run.view.result.pairs).toHaveLength(Math.min(DEFAULT_TOP_PAIRS, (max * (max - 1)) / 2));
    expect(run.storedPairs).toEqual(expect.arrayContaining(pairKeys(run.view.result.pairs)));

    // the group does not fit Temporal's 2,048 bytes: no wallet list, the count and status instead
    expect(run.searchAttributes.wallets).toBeUndefined();
    expect(run.searchAttributes.walletCount).toBe(max);
    expect(run.searchAttributes.status).toBe('completed');
    // user metadata: the summary line, details with the parameters and the wallets, current progress
    expect(run.staticSummary).toBe(`${max} wallets · full history · auto`);
    expect(run.staticDetails).toContain(`${max} wallets:`);
    for (const w of wallets) expect(run.staticDetails).toContain(w);
    expect(run.currentDetails).toMatch(/^\*\*completed\*\* · 100 %/);
    expect(run.currentDetails).toContain(`balances: ${max} of ${max}`);

    // the polling loop asks by analysis id: its inputs stay small whatever the group size
    expect(run.oldPolls).toBe(0);
    expect(run.polls.length).toBeGreaterThan(0);
    for (const p of run.polls) expect(p.inputBytes).toBeLessThan(300);
  }, 900_000);

  it('a group whose wallet list fits the search attribute still gets it (Wallets = "<address>" finds it in the Web UI)', async () => {
    const small = wallets.slice(0, 10);
    const run = await runGroupThroughApi(opened.stack, small, 300_000);
    expect(run.view.status).toBe('completed');
    expect(pairKeys(run.view.result.pairs)).toEqual(allPairs(small));
    expect(run.storedPairs).toEqual(allPairs(small));
    expect(run.searchAttributes.wallets).toEqual(small);
    expect(run.searchAttributes.walletCount).toBe(10);
    expect(run.staticSummary).toBe('10 wallets · full history · auto');
  }, 600_000);
});
