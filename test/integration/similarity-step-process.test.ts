// The similarity step of a large group (from PROCESS_MIN_PAIRS pairs, 100 wallets) loads its input
// and computes in a process of its own, over a connection of its own: the activity's thread never
// holds the group's input. What it stores must be what loading and computing here gives. Real
// PostgreSQL; the wallets synced from the simulator by the sync activity itself.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalysisActivities, type SimilarityStepInput } from '../../src/activities/analysis';
import { createSyncActivities } from '../../src/activities/sync';
import { loadSimilarityInputs, tokenUniverseOf } from '../../src/activities/similarity-inputs';
import { PROCESS_MIN_PAIRS } from '../../src/activities/similarity-runner';
import { computeSimilarity } from '../../src/domain/similarity/compute';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 9173, wallets: 104, txPerWallet: 8, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const pairCount = (wallets.length * (wallets.length - 1)) / 2;

describe('a large group\'s similarity step in its own process', () => {
  const opened = useSimulatedStack({ world });

  it('loads, computes and stores what loading and computing on the activity\'s thread gives', async () => {
    expect(pairCount).toBeGreaterThanOrEqual(PROCESS_MIN_PAIRS);
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const sync = createSyncActivities(deps);
    for (const wallet of wallets) {
      await new MockActivityEnvironment().run(sync.syncWalletAtOnce, { wallet, workflowId: `wallet-sync:${wallet}`, sinceTimestamp: null, maxPages: 20 });
    }

    const id = `similarity-process-${randomUUID()}`;
    await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets, params: {} });
    const input: SimilarityStepInput = { analysisId: id, wallets, partialWallets: [], failedWallets: [], windowDays: null, nowSec: Math.floor(Date.now() / 1000), topPairs: 50 };
    const env = new MockActivityEnvironment();
    const steps: string[] = [];
    env.on('heartbeat', (d: { step?: string }) => {
      if (d?.step) steps.push(d.step);
    });
    const summary = await env.run(createAnalysisActivities(deps).computeGroupSimilarity, input);
    // the process's own steps came back as heartbeat details: it loaded the input itself
    expect(steps).toEqual(expect.arrayContaining(['loading legs', 'computing pairs']));

    const loaded = await loadSimilarityInputs(opened.stack.pool, input);
    let ranks: Int32Array | null = null;
    const all: Array<{ a: string; b: string; combined: number | null }> = [];
    const here = computeSimilarity({ wallets: loaded.wallets, database: loaded.database }, { topPairs: 50, pairSink: (p) => all.push({ a: p.walletA, b: p.walletB, combined: p.scores.combined }), onRanks: (r) => (ranks = r) });
    expect(summary).toMatchObject({ pairCount, clusterCount: here.clusters.length, tokenUniverseSize: here.universe.size, topPair: here.globalMetrics.mostSimilarPairs[0] ?? null });
    const stored = (await getAnalysis(opened.stack.pool, id))?.result as { tokenUniverse: string[]; pairs: Array<{ walletA: string; walletB: string }> };
    expect(stored.tokenUniverse).toEqual(tokenUniverseOf(loaded.wallets));
    expect(stored.pairs.map((p) => [p.walletA, p.walletB])).toEqual(here.pairs.map((p) => [p.walletA, p.walletB]));

    const byRank = new Array<{ a: string; b: string; combined: number | null }>(all.length);
    all.forEach((p, index) => (byRank[(ranks as unknown as Int32Array)[index]] = p));
    const { rows } = await opened.stack.pool.query<{ a: string; b: string; combined: number | null }>(
      'SELECT wallet_a AS a, wallet_b AS b, combined FROM analysis_pairs WHERE analysis_id = $1 ORDER BY rank',
      [id],
    );
    expect(rows).toHaveLength(pairCount);
    expect(rows).toEqual(byRank);

    // each wallet's row of ranks (analysis_wallet_ranks): exactly the ranks of its pairs, ascending
    const { rows: ranked } = await opened.stack.pool.query<{ wallet: string; ranks: number[] }>('SELECT wallet, ranks FROM analysis_wallet_ranks WHERE analysis_id = $1 ORDER BY wallet', [id]);
    expect(ranked.map((r) => r.wallet)).toEqual(wallets);
    for (const { wallet, ranks: stored } of ranked) {
      const expected = byRank.flatMap((p, rank) => (p.a === wallet || p.b === wallet ? [rank] : []));
      expect(stored).toEqual(expected);
    }
  });
});
