// Regression (issue 10, item 3): a short database step of walletSyncWorkflow lost with its worker
// (SIGKILL) waited out a 5-minute start-to-close timeout before another worker retried it, and
// meanwhile POST /v1/wallets/status said MISSING although the sync was running. The step must be
// retried within seconds, and the status must say SYNCING while the sync workflow runs.
import type { ChildProcess } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import type { PoolClient } from 'pg';
import { temporal } from '@temporalio/proto';
import { generateWorld } from '../../src/simulator';
import { buildApp } from '../../src/api/app';
import { walletSyncWorkflow } from '../../src/workflows/wallet-sync';
import { TASK_QUEUES, walletSyncWorkflowId } from '../../src/workflows/contract';
import { useSimulatedStack } from '../harness/stack';
import { startWorkerProcess, waitFor } from '../harness/processes';

const world = generateWorld({ seed: 37, wallets: 2, txPerWallet: 150, largeWallet: false });
const wallet = (world.wallets as Array<{ address: string }>)[0].address;
const APP_NAME = `ws-step-lost-${process.pid}`;
/** far below the old 5-minute start-to-close timeout, far above a retry after a few seconds plus a worker start */
const RESUME_DEADLINE_MS = 150_000;

describe('a short step of a wallet sync lost with its worker', () => {
  let app: FastifyInstance;
  const workers: ChildProcess[] = [];
  let locker: PoolClient | undefined;

  const opened = useSimulatedStack(
    { world },
    {},
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
      },
      beforeClose: async () => {
        await locker?.query('ROLLBACK').catch(() => undefined);
        locker?.release();
        for (const w of workers) w.kill('SIGKILL');
        await app?.close();
      },
    },
  );

  const status = async (): Promise<string> => {
    const res = await app.inject({ method: 'POST', url: '/v1/wallets/status', payload: { wallets: [wallet] } });
    expect(res.statusCode).toBe(200);
    return res.json().wallets[0].status;
  };

  it('is retried by another worker within seconds, and the wallet reads SYNCING meanwhile', async () => {
    // The wallet's row, locked: the sync's first step (syncWalletAtOnce, which begins the sync) blocks on it.
    await opened.stack.pool.query('INSERT INTO wallets (address) VALUES ($1) ON CONFLICT DO NOTHING', [wallet]);
    locker = await opened.stack.pool.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT address FROM wallets WHERE address = $1 FOR UPDATE', [wallet]);

    const first = startWorkerProcess({ ...opened.stack.processEnv, PGAPPNAME: APP_NAME });
    workers.push(first);
    const handle = await opened.stack.client.workflow.start(walletSyncWorkflow, {
      taskQueue: TASK_QUEUES.analysis,
      workflowId: walletSyncWorkflowId(wallet),
      args: [{ wallet, sinceTimestamp: null }],
    });
    await waitFor('the first step to wait on the locked row', async () => {
      // (read outside the locking transaction: pg_stat_activity is a snapshot per transaction)
      const { rows } = await opened.stack.pool.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO wallets%'`,
        [APP_NAME],
      );
      return rows[0].n > 0;
    });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // the dead worker's statement must not complete once the lock goes
    await opened.stack.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [APP_NAME]);
    await locker.query('ROLLBACK');
    locker.release();
    locker = undefined;

    // Nothing in the database says syncing (the step never ran), but the sync workflow runs.
    const { rows: stored } = await opened.stack.pool.query('SELECT sync_state FROM wallets WHERE address = $1', [wallet]);
    expect(stored[0].sync_state).toBe('never');
    expect(await status()).toBe('SYNCING');

    const second = startWorkerProcess(opened.stack.processEnv);
    workers.push(second);
    let timer: NodeJS.Timeout | undefined;
    const result = await Promise.race([
      handle.result(),
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the sync did not finish within ${RESUME_DEADLINE_MS / 1000} s of the kill: the lost step waited out its start-to-close timeout`)), RESUME_DEADLINE_MS);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(result.transactions).toBe(opened.sim.world.historyLength(opened.sim.world.indexOf(wallet)!));

    // The lost attempt ended by its start-to-close timeout and a retry completed it.
    const history = await handle.fetchHistory();
    const { EventType, TimeoutType } = temporal.api.enums.v1;
    const timedOut = (history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT);
    // a retried activity records only its last attempt: the completion, with attempt 2 or more
    const scheduled = (history.events ?? []).find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'syncWalletAtOnce');
    const started = (history.events ?? []).find((e) => e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED && e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString());
    expect(timedOut.map((e) => e.activityTaskTimedOutEventAttributes?.failure?.timeoutFailureInfo?.timeoutType)).not.toContain(TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE);
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBeGreaterThanOrEqual(2);
    expect(await status()).toBe('READY');
    second.kill('SIGTERM');
  }, RESUME_DEADLINE_MS + 60_000);
});
