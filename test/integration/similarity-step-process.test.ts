// The similarity step of a large group (from PROCESS_MIN_PAIRS pairs, 100 wallets) loads its input
// and computes in a process of its own, over a connection of its own: the activity's thread never
// holds the group's input. What it stores must be what loading and computing here gives. Real
// PostgreSQL; the wallets synced from the simulator by the sync activity itself.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalysisActivities, type SimilarityStepInput } from '../../src/activities/analysis';
import { createSyncActivities } from '../../src/activities/sync';
import { loadSimilarityInputs, tokenUniverseOf } from '../../src/activities/similarity-inputs';
import { PROCESS_MIN_PAIRS } from '../../src/activities/similarity-runner';
import { computeSimilarity } from '../../src/domain/similarity/compute';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { withTryAdvisoryLock } from '../../src/store/db';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';
import { descendantsOf } from '../../bench/lib/e2e-stack';

const world = generateWorld({ seed: 9173, wallets: 104, txPerWallet: 8, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const pairCount = (wallets.length * (wallets.length - 1)) / 2;

/** This process's similarity processes still running. */
function similarityProcesses(): number[] {
  return descendantsOf(process.pid).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('similarity-process');
    } catch {
      return false;
    }
  });
}

describe('a large group\'s similarity step in its own process', () => {
  const opened = useSimulatedStack({ world });
  beforeAll(async () => {
    const sync = createSyncActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    for (const wallet of wallets) {
      await new MockActivityEnvironment().run(sync.syncWalletAtOnce, { wallet, workflowId: `wallet-sync:${wallet}`, sinceTimestamp: null, maxPages: 20 });
    }
  });

  it('loads, computes and stores what loading and computing on the activity\'s thread gives', async () => {
    expect(pairCount).toBeGreaterThanOrEqual(PROCESS_MIN_PAIRS);
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);

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
    const byRank: Array<{ a: string; b: string; combined: number | null }> = [];
    const here = computeSimilarity(
      { wallets: loaded.wallets, database: loaded.database },
      { topPairs: 50, pairSink: (p, index, rank) => (byRank[rank] = { a: p.walletA, b: p.walletB, combined: p.scores.combined }), onRanks: (r) => (ranks = r) },
    );
    expect(ranks).toHaveLength(pairCount);
    expect(summary).toMatchObject({ pairCount, clusterCount: here.clusters.length, tokenUniverseSize: here.universe.size, topPair: here.globalMetrics.mostSimilarPairs[0] ?? null });
    const stored = (await getAnalysis(opened.stack.pool, id))?.result as { tokenUniverse: string[]; pairs: Array<{ walletA: string; walletB: string }> };
    expect(stored.tokenUniverse).toEqual(tokenUniverseOf(loaded.wallets));
    expect(stored.pairs.map((p) => [p.walletA, p.walletB])).toEqual(here.pairs.map((p) => [p.walletA, p.walletB]));

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

  it('a store that fails while the process computes stops the process, keeps no client and frees the lock; the next attempt stores every pair', async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const pool = opened.stack.pool;
    const id = `similarity-process-${randomUUID()}`;
    const input: SimilarityStepInput = { analysisId: id, wallets, partialWallets: [], failedWallets: [], windowDays: null, nowSec: Math.floor(Date.now() / 1000), topPairs: 50 };
    // no analysis row yet: the store, begun with the process's first rows, is refused at its first statement
    const steps: string[] = [];
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: { step?: string }) => {
      if (d?.step) steps.push(d.step);
    });
    // no row: a workflow whose start was answered 503 (its row removed) and that Temporal took later
    // all the same; it is not retried (an attempt finds no row later)
    await expect(env.run(createAnalysisActivities(deps).computeGroupSimilarity, input)).rejects.toMatchObject({
      message: `analysis pairs: no analysis ${id} to store them for`,
      type: 'AnalysisRowMissingError',
      nonRetryable: true,
    });
    // it had begun with the rows the process wrote; the process was stopped, the clients went back
    expect(steps.some((step) => step.startsWith('writing and copying pairs'))).toBe(true);
    expect(similarityProcesses()).toEqual([]);
    expect(pool.totalCount - pool.idleCount).toBe(0);
    expect(await withTryAdvisoryLock(pool, `analysis-similarity:${id}`, async () => 'free')).toEqual({ locked: true, value: 'free' });

    await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets, params: {} });
    const summary = await new MockActivityEnvironment().run(createAnalysisActivities(deps).computeGroupSimilarity, input);
    expect(summary).toMatchObject({ pairCount });
    expect((await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_pairs WHERE analysis_id = $1', [id])).rows[0].n).toBe(pairCount);
    expect((await getAnalysis(pool, id))?.status).toBe('completed');
  });
});
