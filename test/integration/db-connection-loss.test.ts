// Regression (issue 10, item 1): PostgreSQL terminating the sessions of a worker process while it
// holds checked-out clients mid-sync (what a restart does) killed the process with an unhandled
// 'error' event. The worker must survive, reconnect, and finish the analysis.
import type { ChildProcess } from 'node:child_process';
import type { PoolClient } from 'pg';
import { generateWorld } from '../../src/simulator';
import { progressQuery } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { getAnalysis } from '../../src/store/analyses';
import { useSimulatedStack } from '../harness/stack';
import { startWorkerProcess, waitFor } from '../harness/processes';

const world = generateWorld({ seed: 131, wallets: 3, txPerWallet: 1500, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
/** application_name of the worker process's sessions: only those are terminated (other test files share the database) */
const APP_NAME = `ws-conn-loss-${process.pid}`;

describe('PostgreSQL terminating the sessions of a worker that holds checked-out clients', () => {
  let worker: (ChildProcess & { output: () => string }) | undefined;
  let locker: PoolClient | undefined;

  const opened = useSimulatedStack(
    { world, latencyMs: { 'helius:history': 800 } },
    {},
    {
      beforeClose: async () => {
        await locker?.query('ROLLBACK').catch(() => undefined);
        locker?.release();
        worker?.kill('SIGKILL');
      },
    },
  );

  it('leaves the worker process running, and the analysis completes', async () => {
    worker = startWorkerProcess({ ...opened.stack.processEnv, PGAPPNAME: APP_NAME });
    const input = analysisInput({ wallets, sync: 'force', failureThreshold: 1 }, { tuning: { pollIntervalMs: 200, maxPagesPerChunk: 1 } });
    const handle = await startAnalysis(opened.stack, input);
    await waitFor('the sync to be under way', async () => {
      const p = await handle.query(progressQuery).catch(() => null);
      return !!p && Object.values(p.wallets).some((w) => w.pages >= 1);
    });

    // Hold the wallets' rows: the next page each sync stores blocks inside its statement, on a
    // client checked out of the worker's pool (storeHistoryPage, one statement that also counts the
    // page on the wallet's row).
    locker = await opened.stack.pool.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT address FROM wallets WHERE address = ANY($1::text[]) FOR UPDATE', [wallets]);
    // (read outside the locking transaction: pg_stat_activity is a snapshot per transaction)
    const lockWait = waitFor('a page transaction of the worker to wait on the locked rows', async () => {
      const { rows } = await opened.stack.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock' AND state = 'active'
            AND query LIKE '%INSERT INTO wallet_transactions%'`,
        [APP_NAME],
      );
      return rows[0].n > 0;
    });
    await lockWait.catch(async (err: Error) => {
      const { rows } = await opened.stack.pool.query(`SELECT state, wait_event_type, left(query, 60) AS query FROM pg_stat_activity WHERE application_name = $1`, [APP_NAME]);
      throw new Error(`${err.message}; the worker's sessions: ${JSON.stringify(rows)}; worker exit ${worker!.exitCode ?? worker!.signalCode}, output: ${worker!.output()}`);
    });
    const { rows: terminated } = await locker.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = $1`,
      [APP_NAME],
    );
    expect(terminated.length).toBeGreaterThan(0);
    await locker.query('ROLLBACK');
    locker.release();
    locker = undefined;

    const died = new Promise<never>((_resolve, reject) => {
      worker!.once('exit', (code, signal) => reject(new Error(`the worker process died (${code ?? signal}): ${worker!.output()}`)));
    });
    const summary = await Promise.race([handle.result(), died]);
    expect(summary.failedWallets).toEqual([]);
    expect((await getAnalysis(opened.stack.pool, input.analysisId))?.status).toBe('completed');
    // the same process did the work before and after the terminations
    expect({ exitCode: worker.exitCode, signal: worker.signalCode }).toEqual({ exitCode: null, signal: null });
    expect(worker.output()).not.toMatch(/Unhandled 'error' event/);
    // every wallet's history is stored exactly once despite the rolled-back pages
    const { rows } = await opened.stack.pool.query(
      `SELECT w.address, w.transaction_count, (SELECT count(*)::int FROM wallet_transactions t WHERE t.wallet = w.address) AS tx_rows
         FROM wallets w WHERE w.address = ANY($1::text[])`,
      [wallets],
    );
    for (const r of rows) {
      expect({ wallet: r.address, counted: r.transaction_count, stored: r.tx_rows }).toEqual({
        wallet: r.address,
        counted: opened.sim.world.historyLength(opened.sim.world.indexOf(r.address)!),
        stored: opened.sim.world.historyLength(opened.sim.world.indexOf(r.address)!),
      });
    }
  });
});
