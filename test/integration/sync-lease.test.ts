// Syncs run as steps of an analysis (patched('sync-steps')) are kept apart by the wallet's sync
// lease, not by a workflow id: a step takes it only when no other holder's sync is live, answers
// `busy` while one is (its analysis waits on a timer and asks again), and the sync that finished
// meanwhile makes it unnecessary; a step cancelled with its analysis drops the page on its way and gives the wallet up at once. Real simulator, PostgreSQL and Redis (the activity run in
// Temporal's activity test environment).
import { MockActivityEnvironment } from '@temporalio/testing';
import { ActivityCancellationDetails } from '@temporalio/common';
import { createSyncActivities } from '../../src/activities/sync';
import { generateWorld } from '../../src/simulator';
import { finishSync, finishSyncWithAnalytics, markCoveredSince, markHistoryComplete, takeSyncLease } from '../../src/store/wallets';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';
import { startingState } from '../../src/workflows/contract';
import { cancelInFlight } from '../harness/in-flight';

const world = generateWorld({ seed: 7433, wallets: 3, txPerWallet: 120, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);

type StepResult = { finished?: { skipped?: boolean; pages: number }; resume?: unknown; busy?: { heldBy: string } };

describe('sync steps and the sync lease', () => {
  const opened = useSimulatedStack({ world });
  const activities = () => createSyncActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
  // the database's clock to the microsecond, as it stores last_synced_at (a JS Date would drop the
  // microseconds: a read in the same millisecond as a sync's end would then come before it)
  const dbNow = async (): Promise<string> =>
    (await opened.stack.pool.query<{ now: string }>(`SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS now`)).rows[0].now;
  const row = async (wallet: string) =>
    (await opened.stack.pool.query<{ sync_state: string; sync_workflow_id: string; last_sync_error: string | null }>('SELECT sync_state, sync_workflow_id, last_sync_error FROM wallets WHERE address = $1', [wallet])).rows[0];
  const historyRequests = (wallet: string) => opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === wallet).length;
  const step = (wallet: string, holder: string, skipIfSyncedAfter: string | null, env = new MockActivityEnvironment()) =>
    env.run(activities().syncWalletAtOnce, { wallet, workflowId: holder, skipIfSyncedAfter, sinceTimestamp: null, maxPages: 20, exclusive: true }) as Promise<StepResult>;

  const env = () => new MockActivityEnvironment();

  afterEach(() => opened.sim.reset({ knobs: true }));

  it('lets one holder at a time take a wallet: the same holder again, another once it is free', async () => {
    const { pool } = opened.stack;
    const wallet = wallets[0];
    expect(await takeSyncLease(pool, wallet, 'analysis:a')).not.toBeNull();
    expect(await takeSyncLease(pool, wallet, 'analysis:b')).toBeNull();
    // a retried attempt of the holder takes it again
    expect(await takeSyncLease(pool, wallet, 'analysis:a')).not.toBeNull();
    await finishSync(pool, wallet, { ok: true });
    expect(await takeSyncLease(pool, wallet, 'analysis:b')).not.toBeNull();
    expect((await row(wallet)).sync_workflow_id).toBe('analysis:b');
    // a's step, cancelled with its analysis late, gives up only a lease that is still its own: b's sync goes on
    await finishSync(pool, wallet, { ok: false, error: 'sync cancelled with its analysis' }, 'analysis:a');
    expect(await row(wallet)).toMatchObject({ sync_state: 'syncing', sync_workflow_id: 'analysis:b', last_sync_error: null });
    expect(await takeSyncLease(pool, wallet, 'analysis:c')).toBeNull();
    await finishSync(pool, wallet, { ok: true });
  });

  it("records a sync's failure only while the lease is still its own (a sync that lost the wallet leaves the new holder's running), its success whoever holds the wallet", async () => {
    const { pool } = opened.stack;
    // not a world wallet: the lease's rows only
    const wallet = 'LeaseEnds11111111111111111111111111111111111';
    const lapse = () => pool.query(`UPDATE wallets SET sync_lease_until = now() - interval '1 second' WHERE address = $1`, [wallet]);
    expect(await takeSyncLease(pool, wallet, 'analysis:a')).not.toBeNull();
    await lapse(); // a's worker stalled past its lease
    expect(await takeSyncLease(pool, wallet, 'analysis:b')).not.toBeNull();

    // a's step fails for good (the analysis's failedFor, walletSyncWorkflow's end): b's sync goes on, nobody else takes the wallet
    await env().run(activities().finishWalletSync, { wallet, error: 'history chunk failed for good', holder: 'analysis:a' });
    expect(await row(wallet)).toMatchObject({ sync_state: 'syncing', sync_workflow_id: 'analysis:b', last_sync_error: null });
    expect(await takeSyncLease(pool, wallet, 'analysis:c')).toBeNull();

    // the holder's own failure is recorded
    await env().run(activities().finishWalletSync, { wallet, error: 'b failed', holder: 'analysis:b' });
    expect(await row(wallet)).toMatchObject({ sync_state: 'failed', last_sync_error: 'b failed' });

    // a success is recorded whoever holds the wallet (a child the holder joined, ending with its own holder): the history is stored to the top
    expect(await takeSyncLease(pool, wallet, 'analysis:b')).not.toBeNull();
    const top = { signature: 'LeaseEndsTop1', slot: 300_000_000, timestamp: 1_760_000_000 };
    const analytics = { pnl: { tokens: [] }, behavior: { trades: 0 }, coverage: { legs: 0 }, engineVersion: 'lease-test' };
    await finishSyncWithAnalytics(pool, wallet, { top, historyComplete: true }, analytics);
    expect(await row(wallet)).toMatchObject({ sync_state: 'synced', sync_workflow_id: 'analysis:b', last_sync_error: null });
    expect(await takeSyncLease(pool, wallet, 'analysis:a')).not.toBeNull();
    await env().run(activities().finishWalletSync, { wallet, holder: 'analysis:other' });
    expect(await row(wallet)).toMatchObject({ sync_state: 'synced', sync_workflow_id: 'analysis:a' });
  });

  it("a retried step resuming from its heartbeat goes on only while the wallet is still its own: taken over meanwhile, it answers busy and fetches nothing", async () => {
    const { pool } = opened.stack;
    const wallet = wallets[2];
    await pool.query('DELETE FROM wallets WHERE address = $1', [wallet]);
    const begun = await takeSyncLease(pool, wallet, 'analysis:first-holder');
    expect(begun).not.toBeNull();
    // what its first attempt heartbeated once it had begun
    const heartbeat = { begun: startingState(begun!), chunk: { cursor: null, pages: 0, transactions: 0, newTransactions: 0, newLegs: 0, top: null } };
    await pool.query(`UPDATE wallets SET sync_lease_until = now() - interval '1 second' WHERE address = $1`, [wallet]);
    expect(await takeSyncLease(pool, wallet, 'analysis:took-over')).not.toBeNull();
    opened.sim.reset();
    const resumed = await step(wallet, 'analysis:first-holder', null, new MockActivityEnvironment({ heartbeatDetails: heartbeat }));
    expect(resumed).toEqual({ busy: { heldBy: 'analysis:took-over' } });
    expect(historyRequests(wallet)).toBe(0);
    expect(await row(wallet)).toMatchObject({ sync_state: 'syncing', sync_workflow_id: 'analysis:took-over' });
    // taken over and let go since (the other sync ended): it begins afresh rather than answer busy for a wallet nobody holds
    await finishSync(pool, wallet, { ok: false, error: 'the other gave up' }, 'analysis:took-over');
    const afresh = await step(wallet, 'analysis:first-holder', null, new MockActivityEnvironment({ heartbeatDetails: heartbeat }));
    expect(afresh.finished?.pages).toBeGreaterThan(0);
    expect(await row(wallet)).toMatchObject({ sync_state: 'synced', sync_workflow_id: 'analysis:first-holder' });
    // its own lease, lapsed but not taken: it goes on from its heartbeat (its cursor, not the top)
    await pool.query(`UPDATE wallets SET sync_state = 'syncing', sync_lease_until = now() - interval '1 second' WHERE address = $1`, [wallet]);
    opened.sim.reset();
    const goesOn = await step(wallet, 'analysis:first-holder', null, new MockActivityEnvironment({ heartbeatDetails: heartbeat }));
    expect(goesOn.finished).toBeDefined();
    expect(await row(wallet)).toMatchObject({ sync_state: 'synced', sync_workflow_id: 'analysis:first-holder' });
  });

  it("answers busy while another holder's sync of the wallet is live, and skips once that sync has completed", async () => {
    const { pool } = opened.stack;
    const wallet = wallets[1];
    // the wallet's whole history, synced once (as a step of analysis:first)
    const first = await step(wallet, 'analysis:first', null);
    expect(first.finished?.pages).toBeGreaterThan(0);
    expect(await row(wallet)).toMatchObject({ sync_state: 'synced' });

    // another analysis's sync of the wallet is live when this analysis checks the wallet
    expect(await takeSyncLease(pool, wallet, 'analysis:other')).not.toBeNull();
    const checkedAt = await dbNow();
    opened.sim.reset();
    // at once, without a request or a wait (the analysis waits on a timer, not in the step)
    const busy = await step(wallet, 'analysis:second', checkedAt);
    expect(busy).toEqual({ busy: { heldBy: 'analysis:other' } });
    expect(historyRequests(wallet)).toBe(0);

    await finishSync(pool, wallet, { ok: true }); // the other sync completes
    const second = await step(wallet, 'analysis:second', checkedAt);
    expect(second.finished?.skipped).toBe(true);
    expect(historyRequests(wallet)).toBe(0);
    expect((await row(wallet)).sync_workflow_id).toBe('analysis:other');
  });

  it("refuses the lease, in the same statement, when another holder's sync completed after the caller's check with the history it needs", async () => {
    const { pool } = opened.stack;
    // not a world wallet: the lease's rows only
    const wallet = 'LeaseRace1111111111111111111111111111111111';
    expect(await takeSyncLease(pool, wallet, 'analysis:first')).not.toBeNull();
    const checkedAt = await dbNow(); // the second analysis reads the wallet as needing a sync
    await markCoveredSince(pool, wallet, 1_700_000_000);
    await finishSync(pool, wallet, { ok: true }); // the first sync ends before the second asks for the lease
    // it reaches back far enough for a window from 1_700_000_000 on: refused, nothing changed
    expect(await takeSyncLease(pool, wallet, 'analysis:second', { after: checkedAt, sinceTimestamp: 1_700_000_000 })).toBeNull();
    expect(await row(wallet)).toMatchObject({ sync_state: 'synced', sync_workflow_id: 'analysis:first' });
    // the full history is asked for and not stored: taken
    expect(await takeSyncLease(pool, wallet, 'analysis:second', { after: checkedAt, sinceTimestamp: null })).not.toBeNull();
    await markHistoryComplete(pool, wallet);
    await finishSync(pool, wallet, { ok: true });
    // complete now: refused for the full history too, but not for a check made after that sync
    expect(await takeSyncLease(pool, wallet, 'analysis:third', { after: checkedAt, sinceTimestamp: null })).toBeNull();
    expect(await takeSyncLease(pool, wallet, 'analysis:third', { after: await dbNow(), sinceTimestamp: null })).not.toBeNull();
    await finishSync(pool, wallet, { ok: true });
  });

  it('gives the wallet up when the step is cancelled with its analysis, without waiting for the page on its way: another analysis takes it at once', async () => {
    const { pool } = opened.stack;
    const wallet = wallets[2];
    // longer than the test may take: the step can only end if it drops the page on its way
    opened.sim.configure({ latencyMs: { 'helius:history': 600_000 } });
    const env = new MockActivityEnvironment();
    // cancelled while its first page is on its way (the lease is taken by then)
    const cancelled = await cancelInFlight(opened.sim, (r) => r.endpoint === 'helius:history' && r.wallet === wallet, env, step(wallet, 'analysis:cancelled', null, env));
    expect(cancelled.requestsWhenCancelled).toBe(1);
    expect(cancelled.outcome).not.toBe('completed');
    // the page in flight was abandoned, not waited for
    expect(cancelled.abandoned).toEqual([true]);

    expect(await row(wallet)).toMatchObject({ sync_state: 'failed', last_sync_error: 'sync cancelled with its analysis' });
    expect(await takeSyncLease(pool, wallet, 'analysis:next')).not.toBeNull();
    await finishSync(pool, wallet, { ok: true });
  });

  it('keeps the wallet when the step timed out (its retry resumes under the lease): no other analysis takes it meanwhile', async () => {
    const { pool } = opened.stack;
    const wallet = wallets[0];
    await finishSync(pool, wallet, { ok: true });
    await pool.query('DELETE FROM wallets WHERE address = $1', [wallet]);
    opened.sim.configure({ latencyMs: { 'helius:history': 600_000 } });
    // the analysis is not asked about (no client here): a timed-out attempt keeps the lease whatever became of it
    const env = new MockActivityEnvironment();
    const cancelled = await cancelInFlight(
      opened.sim,
      (r) => r.endpoint === 'helius:history' && r.wallet === wallet,
      env,
      step(wallet, 'analysis:resumed', null, env),
      (e) => e.cancel('TIMED_OUT', new ActivityCancellationDetails({ timedOut: true })),
    );
    expect(cancelled.outcome).not.toBe('completed');
    expect(await row(wallet)).toMatchObject({ sync_state: 'syncing', sync_workflow_id: 'analysis:resumed' });
    expect(await takeSyncLease(pool, wallet, 'analysis:other')).toBeNull();
    await finishSync(pool, wallet, { ok: true });
  });

  it('gives the wallet up when the server no longer knows the step, or its worker shuts down, because its analysis closed (cancelled without waiting for its steps, proceeded without it, or terminated); keeps it while that analysis still runs (a superseded attempt, a worker stopped for a deploy)', async () => {
    const { pool, client } = opened.stack;
    const wallet = wallets[1];
    await finishSync(pool, wallet, { ok: true });
    await pool.query('DELETE FROM wallets WHERE address = $1', [wallet]);
    opened.sim.configure({ latencyMs: { 'helius:history': 600_000 } });
    // a running analysis workflow (no worker polls its queue) and one Temporal has no record of
    const running = await client.workflow.start('similarityAnalysisWorkflow', { taskQueue: `no-worker-${Date.now()}`, workflowId: `analysis:lease-running-${Date.now()}`, args: [] });
    try {
      for (const [reason, details, holder, released] of [
        ['NOT_FOUND', { notFound: true }, running.workflowId, false],
        ['NOT_FOUND', { notFound: true }, `analysis:lease-closed-${Date.now()}`, true],
        ['WORKER_SHUTDOWN', { workerShutdown: true }, running.workflowId, false],
        ['WORKER_SHUTDOWN', { workerShutdown: true }, `analysis:lease-closed-${Date.now()}`, true],
      ] as const) {
        opened.sim.reset();
        const env = new MockActivityEnvironment(undefined, { client });
        const cancelled = await cancelInFlight(
          opened.sim,
          (r) => r.endpoint === 'helius:history' && r.wallet === wallet,
          env,
          step(wallet, holder, null, env),
          (e) => e.cancel(reason, new ActivityCancellationDetails(details)),
        );
        expect(cancelled.outcome).not.toBe('completed');
        if (released) {
          expect(await row(wallet)).toMatchObject({ sync_state: 'failed', sync_workflow_id: holder });
          expect(await takeSyncLease(pool, wallet, 'analysis:next')).not.toBeNull();
        } else {
          expect(await row(wallet)).toMatchObject({ sync_state: 'syncing', sync_workflow_id: holder });
          expect(await takeSyncLease(pool, wallet, 'analysis:other')).toBeNull();
        }
        await finishSync(pool, wallet, { ok: true });
        await pool.query('DELETE FROM wallets WHERE address = $1', [wallet]);
      }
    } finally {
      await running.terminate('test over');
    }
  });
});
