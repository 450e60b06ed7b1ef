import type { ChildProcess } from 'node:child_process';
import { generateWorld } from '../../src/simulator';
import { progressQuery, type AnalysisInput } from '../../src/workflows/contract';
import { analysisInput, executeAnalysis, startAnalysis } from '../harness/analyses';
import { getAnalysis } from '../../src/store/analyses';
import { useSimulatedStack } from '../harness/stack';
import { startWorkerProcess, waitFor } from '../harness/processes';

const world = generateWorld({ seed: 23, wallets: 4, txPerWallet: 600, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

/** Everything of a result that must not depend on how the run went (ids and times left out). */
function comparable(result: Record<string, unknown>) {
  const pairs = (result.pairs as Array<{ walletA: string; walletB: string; scores: unknown; sharedTokens: unknown; insights: unknown }>).map((p) => ({
    walletA: p.walletA,
    walletB: p.walletB,
    scores: p.scores,
    sharedTokens: p.sharedTokens,
    insights: p.insights,
  }));
  return { pairs, clusters: result.clusters, tokenUniverse: result.tokenUniverse };
}

describe('a worker killed with SIGKILL in the middle of a deep sync', () => {
  const workers: ChildProcess[] = [];
  // Slow history pages so the kill lands in the middle of the sync.
  const opened = useSimulatedStack(
    { world, latencyMs: { 'helius:history': 60 } },
    {},
    {
      beforeClose: async () => {
        for (const w of workers) w.kill('SIGKILL');
      },
    },
  );

  const input = (): AnalysisInput => analysisInput({ wallets, sync: 'force' }, { tuning: { pollIntervalMs: 200, maxPagesPerChunk: 2 } });

  it('completes on a new worker, equals a clean run, and stores no transaction or leg twice', async () => {
    const crashed = input();
    const first = startWorkerProcess(opened.stack.processEnv);
    workers.push(first);
    const handle = await startAnalysis(opened.stack, crashed);
    await waitFor('the sync to be under way', async () => {
      const p = await handle.query(progressQuery).catch(() => null);
      return !!p && Object.values(p.wallets).some((w) => w.pages >= 3);
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = startWorkerProcess(opened.stack.processEnv);
    workers.push(second);
    const summary = await handle.result();
    second.kill('SIGTERM');
    expect(summary.failedWallets).toEqual([]);

    // Counters kept by the sync equal the rows actually stored: nothing was counted or stored twice.
    const { rows } = await opened.stack.pool.query(
      `SELECT w.address, w.transaction_count, w.leg_count,
              (SELECT count(*)::int FROM wallet_transactions t WHERE t.wallet = w.address) AS tx_rows,
              (SELECT count(*)::int FROM swap_legs l WHERE l.wallet = w.address) AS leg_rows
         FROM wallets w WHERE w.address = ANY($1::text[]) ORDER BY w.address`,
      [wallets],
    );
    for (const r of rows) {
      expect({ wallet: r.address, transactions: r.transaction_count, legs: r.leg_count }).toEqual({ wallet: r.address, transactions: r.tx_rows, legs: r.leg_rows });
      expect(r.tx_rows).toBe(opened.sim.world.historyLength(opened.sim.world.indexOf(r.address)!));
    }
    const crashedResult = (await getAnalysis(opened.stack.pool, crashed.analysisId))!.result!;

    // A clean run from an empty database gives the same result.
    // only this file's wallets: other test files share the database
    await opened.stack.pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [wallets]);
    await opened.stack.pool.query('DELETE FROM wallet_balances WHERE wallet = ANY($1::text[])', [wallets]);
    await opened.stack.redis.del(...wallets.map((w) => `balance:${w}`));
    const clean = input();
    await opened.stack.withWorkers(async () => {
      await executeAnalysis(opened.stack, clean);
    });
    const cleanResult = (await getAnalysis(opened.stack.pool, clean.analysisId))!.result!;
    expect(comparable(crashedResult)).toEqual(comparable(cleanResult));
  });
});
