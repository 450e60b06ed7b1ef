// Several wallets' syncs in one activity (syncWalletsAtOnce, an analysis's steps under
// ANALYSIS_PATCHES_2026_12_03): each wallet's outcome as a step of its own would give it, their syncs run
// at once under the worker's wallet sync slots (never more of them than the slots), a wallet whose
// sync failed (for good, or in a way a retry may mend) or found another's under way does not fail
// the others, and a retried attempt skips the wallets its heartbeat says are done. Real simulator,
// PostgreSQL and Redis (the activity run in Temporal's activity test environment).
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSyncActivities, type BatchOutcome } from '../../src/activities/sync';
import type { HistoryPage, HistoryPageOptions } from '../../src/providers/helius';
import { InvalidApiKeyError } from '../../src/providers/errors';
import { generateWorld } from '../../src/simulator';
import { finishSync, takeSyncLease } from '../../src/store/wallets';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

// 14 wallets of about 250 transactions: 3 or 4 pages each
const world = generateWorld({ seed: 7471, wallets: 14, txPerWallet: 250, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);

describe('sync steps in batches (syncWalletsAtOnce)', () => {
  const opened = useSimulatedStack({ world });

  /** The sync activities with at most `slots` wallet syncs at once, a Helius client that can fail one wallet's requests, and the most syncs seen in flight. */
  function instrumented(slots: number, failing: string | null = null, rejectedKey: string | null = null, failingFromRequest = 1, hanging: string | null = null) {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const real = deps.helius;
    const helius = Object.create(real) as typeof real;
    // a wallet's sync has at most one page request on its way: the wallets with one are the syncs under way
    const inFlight = new Set<string>();
    let mostInFlight = 0;
    let failingRequests = 0;
    helius.fetchHistoryPage = async (address: string, options?: HistoryPageOptions): Promise<HistoryPage> => {
      if (address === failing && ++failingRequests >= failingFromRequest) throw new Error(`provider down for ${address} (test)`);
      // a page that never comes (until the request is aborted)
      if (address === hanging) return new Promise((_, reject) => options?.signal?.addEventListener('abort', () => reject(options.signal?.reason)));
      if (address === rejectedKey) throw new InvalidApiKeyError('the API key was rejected (test)', { provider: 'helius', operation: 'GET /v0/addresses/{address}/transactions', status: 401 });
      inFlight.add(address);
      mostInFlight = Math.max(mostInFlight, inFlight.size);
      try {
        return await real.fetchHistoryPage(address, options);
      } finally {
        inFlight.delete(address);
      }
    };
    const activities = createSyncActivities({ ...deps, helius, settings: { ...deps.settings, walletSyncConcurrency: slots } });
    return { activities, mostInFlight: () => mostInFlight };
  }
  const batch = (activities: ReturnType<typeof createSyncActivities>, group: string[], holder: string, env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 })) =>
    env.run(activities.syncWalletsAtOnce, { wallets: group.map((wallet) => ({ wallet, skipIfSyncedAfter: null })), workflowId: holder, sinceTimestamp: null, maxPages: 20, exclusive: true }) as Promise<{ outcomes: BatchOutcome[] }>;
  const historyRequests = (wallet: string) => opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === wallet);
  const pagesOf = (wallet: string) => Math.ceil(opened.sim.world.historyLength(wallets.indexOf(wallet)) / 100) + 1;
  const syncState = async (wallet: string) => (await opened.stack.pool.query<{ sync_state: string }>('SELECT sync_state FROM wallets WHERE address = $1', [wallet])).rows[0]?.sync_state;

  afterEach(() => opened.sim.reset({ knobs: true }));

  it('syncs every wallet of the batch once, in input order, never more at once than the worker has slots', async () => {
    // each page held back, so that the syncs overlap when the slots let them
    opened.sim.configure({ latencyMs: { 'helius:history': 50 } });
    const limited = instrumented(2);
    const group = wallets.slice(0, 4);
    const { outcomes } = await batch(limited.activities, group, 'analysis:batch-a');
    expect(outcomes.map((o) => o.wallet)).toEqual(group);
    for (const o of outcomes) {
      expect(o.finished).toMatchObject({ wallet: o.wallet, historyComplete: true });
      expect(historyRequests(o.wallet)).toHaveLength(pagesOf(o.wallet));
      expect(await syncState(o.wallet)).toBe('synced');
    }
    expect(limited.mostInFlight()).toBeLessThanOrEqual(2);
    // the same batch of other wallets with slots for all: their syncs run at once
    const open = instrumented(25);
    const others = wallets.slice(10, 14);
    const again = await batch(open.activities, others, 'analysis:batch-a');
    expect(again.outcomes.every((o) => o.finished?.historyComplete)).toBe(true);
    expect(open.mostInFlight()).toBeGreaterThan(2);
  });

  it("gives a wallet whose sync failed `retry` or, when no retry can help, `failed` with the reason, one held by another's sync `busy`, and syncs the others", async () => {
    const [failed, busy, rejected, ...rest] = wallets.slice(4, 8);
    expect(await takeSyncLease(opened.stack.pool, busy, 'analysis:other')).not.toBeNull();
    const { activities } = instrumented(25, failed, rejected);
    const { outcomes } = await batch(activities, [failed, busy, rejected, ...rest], 'analysis:batch-b');
    const byWallet = new Map(outcomes.map((o) => [o.wallet, o]));
    expect(byWallet.get(failed)).toEqual({ wallet: failed, retry: expect.stringContaining(`provider down for ${failed} (test)`), resumeFrom: expect.objectContaining({ chunk: expect.objectContaining({ pages: 0 }) }) });
    // the reason a step of its own would fail with: the failure's type first
    expect(byWallet.get(rejected)).toEqual({ wallet: rejected, failed: 'InvalidApiKeyError: helius GET /v0/addresses/{address}/transactions: the API key was rejected (test)' });
    expect(byWallet.get(busy)).toEqual({ wallet: busy, busy: { heldBy: 'analysis:other' } });
    for (const wallet of rest) expect(byWallet.get(wallet)?.finished?.historyComplete).toBe(true);
    expect(historyRequests(busy)).toHaveLength(0);
    await finishSync(opened.stack.pool, busy, { ok: true });
  });

  it("gives a wallet whose sync failed after some pages the state to go on from: its own step then fetches only the pages left", async () => {
    const wallet = wallets[10];
    await opened.stack.pool.query('DELETE FROM wallets WHERE address = $1', [wallet]);
    // its third page request fails (a provider outage): two pages stored
    const { activities } = instrumented(25, wallet, null, 3);
    const { outcomes } = await batch(activities, [wallet], 'analysis:batch-d');
    const outcome = outcomes[0] as Extract<BatchOutcome, { retry: string }>;
    expect(outcome).toMatchObject({ wallet, retry: expect.stringContaining('provider down') });
    expect(outcome.resumeFrom?.chunk).toMatchObject({ pages: 2 });
    expect(historyRequests(wallet)).toHaveLength(2);
    // the analysis's step of its own for it (the provider back)
    const step = (await new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 }).run(instrumented(25).activities.syncWalletAtOnce, {
      wallet,
      workflowId: 'analysis:batch-d',
      skipIfSyncedAfter: null,
      sinceTimestamp: null,
      maxPages: 20,
      exclusive: true,
      resumeFrom: outcome.resumeFrom,
    })) as { finished?: { historyComplete: boolean } };
    expect(step.finished?.historyComplete).toBe(true);
    // every page fetched once: the two before the failure are not asked again
    expect(historyRequests(wallet)).toHaveLength(pagesOf(wallet));
    expect(await syncState(wallet)).toBe('synced');
  });

  it('gives up, when cancelled with its analysis, the wallets it had left to go on in a child or to retry: another analysis takes them at once', async () => {
    const [goesOn, hangs] = wallets.slice(11, 13);
    for (const w of [goesOn, hangs]) await opened.stack.pool.query('DELETE FROM wallets WHERE address = $1', [w]);
    const { activities } = instrumented(25, null, null, 1, hangs);
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
    // one page per chunk: the first wallet's sync is left to go on in a child (`resume`)
    const running = env.run(activities.syncWalletsAtOnce, {
      wallets: [goesOn, hangs].map((wallet) => ({ wallet, skipIfSyncedAfter: null })),
      workflowId: 'analysis:batch-cancelled',
      sinceTimestamp: null,
      maxPages: 1,
      exclusive: true,
    });
    for (let i = 0; i < 100 && historyRequests(goesOn).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300)); // its page stored, its outcome in
    env.cancel();
    await expect(running).rejects.toThrow();
    for (const w of [goesOn, hangs]) {
      expect(await syncState(w)).toBe('failed');
      expect(await takeSyncLease(opened.stack.pool, w, 'analysis:next')).not.toBeNull();
      await finishSync(opened.stack.pool, w, { ok: true });
    }
  });

  it('skips, on a retried attempt, the wallets its predecessor heartbeated as done', async () => {
    const [done, left] = wallets.slice(8, 10);
    const { activities } = instrumented(25);
    const first = await batch(activities, [done], 'analysis:batch-c');
    opened.sim.reset();
    const retried = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000, heartbeatDetails: { done: first.outcomes, started: {} } });
    const { outcomes } = await batch(activities, [done, left], 'analysis:batch-c', retried);
    expect(outcomes).toEqual([first.outcomes[0], expect.objectContaining({ wallet: left, finished: expect.objectContaining({ historyComplete: true }) })]);
    expect(historyRequests(done)).toHaveLength(0);
    expect(historyRequests(left)).toHaveLength(pagesOf(left));
  });
});
