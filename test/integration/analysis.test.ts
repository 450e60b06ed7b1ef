import { generateWorld } from '../../src/simulator';
import { progressQuery, type AnalysisInput } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { getAnalysis } from '../../src/store/analyses';
import { activityRuns } from '../harness/histories';
import type { BalanceBatchResult } from '../../src/activities/balances';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 11, wallets: 10, txPerWallet: 40, largeWallet: false });
const groundTruth = world.groundTruth!;
const allWallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

const input = (wallets: string[]): AnalysisInput => analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });

describe('similarityAnalysisWorkflow on the real dev server, PostgreSQL, Redis and the simulator', () => {
  const opened = useSimulatedStack({ world });

  const start = (input: AnalysisInput) => startAnalysis(opened.stack, input);

  it('analyses 10 generated wallets and finds exactly the ground-truth clusters', async () => {
    const input = analysisInput({ wallets: allWallets }, { tuning: { pollIntervalMs: 200 } });
    const summary = await opened.stack.withWorkers(async () => {
      const handle = await start(input);
      const result = await handle.result();
      const progress = await handle.query(progressQuery);
      expect(progress.phase).toBe('completed');
      expect(progress.percent).toBe(100);
      for (const w of allWallets) expect(progress.wallets[w].sync).toBe('synced');
      return result;
    });
    expect(summary.walletCount).toBe(10);
    expect(summary.pairCount).toBe(45);
    expect(summary.failedWallets).toEqual([]);

    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const clusters = (stored?.result?.clusters as Array<{ members: string[] }>).map((c) => [...c.members].sort());
    const expected = groundTruth.clusters.map((c) => [...c].sort());
    expect(clusters.sort()).toEqual(expected.sort());
    // every pair in analysis_pairs, in rank order; 45 pairs are within the default topPairs: the result lists them all, strongest first
    const result = stored!.result as { pairs: Array<{ walletA: string; walletB: string }>; pairCount: number; pairsComplete: boolean };
    expect(result).toMatchObject({ pairCount: 45, pairsComplete: true });
    const rows = (await opened.stack.pool.query('SELECT wallet_a, wallet_b FROM analysis_pairs WHERE analysis_id = $1 ORDER BY rank', [input.analysisId])).rows;
    expect(rows.map((r) => [r.wallet_a, r.wallet_b])).toEqual(result.pairs.map((p) => [p.walletA, p.walletB]));
    expect(rows).toHaveLength(45);
  });

  it('two analyses started together that share 5 wallets make one history sync and one balance fetch per shared wallet', async () => {
    const shared = allWallets.slice(0, 5);
    // Forget what the first test stored and cached, so every wallet needs a sync and a fetch again.
    await opened.stack.pool.query('UPDATE wallets SET last_synced_at = NULL WHERE address = ANY($1::text[])', [allWallets]);
    await opened.stack.redis.del(...allWallets.map((w) => `balance:${w}`));
    opened.sim.reset();
    const a = input([...shared, ...allWallets.slice(5, 7)]);
    const b = input([...shared, ...allWallets.slice(7, 9)]);
    const fetches = await opened.stack.withWorkers(async () => {
      const [ha, hb] = await Promise.all([start(a), start(b)]);
      await Promise.all([ha.result(), hb.result()]);
      const runs = await Promise.all([ha, hb].map((h) => activityRuns<{ wallets: string[] }, BalanceBatchResult>(h, 'fetchBalanceBatch')));
      return runs.flat();
    });
    for (const wallet of shared) {
      const requests = opened.sim.requestLog.filter((r) => r.wallet === wallet);
      const firstPages = requests.filter((r) => r.endpoint === 'helius:history' && r.status === 200).length;
      const historyPagesOfOneSync = Math.floor(opened.sim.world.historyLength(opened.sim.world.indexOf(wallet)!) / 100) + 1;
      expect({ wallet, historyRequests: firstPages }).toEqual({ wallet, historyRequests: historyPagesOfOneSync });
      const tokenAccountCalls = requests.filter((r) => r.endpoint === 'rpc:getTokenAccountsByOwner').length;
      // SPL Token + Token-2022, once; on a mismatch the calls and the activity attempts say why
      const detail = tokenAccountCalls === 2 ? undefined : { calls: requests.map(({ at, endpoint, status }) => ({ at, endpoint, status })), fetches: fetches.filter((f) => f.input.wallets.includes(wallet)) };
      expect({ wallet, tokenAccountCalls, detail }).toEqual({ wallet, tokenAccountCalls: 2, detail: undefined });
      // one getMultipleAccounts call carries a whole batch's addresses
      const solBalanceCalls = opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getMultipleAccounts' && (r.wallet === wallet || !!r.wallets?.includes(wallet))).length;
      expect({ wallet, solBalanceCalls }).toEqual({ wallet, solBalanceCalls: 1 });
      // each analysis's one batch reported it: fetched by one, served from the cache to the other
      const outcomes = fetches.flatMap((f) => f.result?.wallets.filter((o) => o.wallet === wallet).map((o) => o.balances) ?? []).sort();
      expect({ wallet, outcomes }).toEqual({ wallet, outcomes: ['cached', 'fetched'] });
    }
    // one balance activity per analysis (7 wallets each), one getMultipleAccounts call per batch that fetched
    expect(fetches).toHaveLength(2);
  });

  it('a second analysis of the same wallets within 30 s makes zero balance RPC calls', async () => {
    const wallets = allWallets.slice(0, 4);
    // not cached by the test before (its entries may expire between this test's two analyses)
    await opened.stack.redis.del(...wallets.map((w) => `balance:${w}`));
    opened.sim.reset();
    await opened.stack.withWorkers(async () => {
      await (await start(input(wallets))).result();
      expect(opened.sim.requestLog.filter((r) => r.provider === 'solana-rpc').length).toBeGreaterThan(0);
      opened.sim.reset();
      await (await start(input(wallets))).result();
    });
    const balanceCalls = opened.sim.requestLog.filter((r) => r.provider === 'solana-rpc');
    expect(balanceCalls).toEqual([]);
  });
});
