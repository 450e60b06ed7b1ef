// Wallet syncs run their statements on connections of their own (ActivityDeps.syncPool, the
// worker's SYNC_CONNECTIONS): every statement of a sync step goes there and none to the shared pool,
// the analysis's reads of wallet statuses stay on the shared pool, and syncs sharing a single
// connection all finish (no statement of a sync waits for a second connection while it holds one).
// Real simulator, PostgreSQL and Redis; the pools' calls are observed, not replaced.
import { randomUUID } from 'node:crypto';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { createSyncActivities } from '../../src/activities/sync';
import { generateWorld } from '../../src/simulator';
import { createPool } from '../../src/store/db';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 9151, wallets: 4, txPerWallet: 150, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);

/** The statements a pool is asked to run by its query method, and how many times a client was checked out of it. */
function observe(pool: Pool): { statements: string[]; checkouts: () => number } {
  const statements: string[] = [];
  let checkouts = 0;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  jest.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
    statements.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
    return query(...args);
  }) as never);
  // (pool.query checks a client out through connect too, with a callback)
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  jest.spyOn(pool, 'connect').mockImplementation(((...args: unknown[]) => {
    checkouts += 1;
    return connect(...args);
  }) as never);
  return { statements, checkouts: () => checkouts };
}

describe('the sync pool', () => {
  const opened = useSimulatedStack({ world });
  let shared: Pool;
  let syncs: Pool;
  const applicationName = `sync-pool-test-${randomUUID()}`;

  beforeEach(() => {
    // one connection for every sync: a sync that held it while waiting for another would never finish
    shared = createPool(opened.stack.config.DATABASE_URL, 4);
    syncs = createPool(opened.stack.config.DATABASE_URL, 1, { applicationName, connectionTimeoutMs: 20_000 });
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await shared.end();
    await syncs.end();
  });

  it('runs every statement of concurrent sync steps on its single connection and none on the shared pool', async () => {
    const onShared = observe(shared);
    const onSyncs = observe(syncs);
    const sync = createSyncActivities(buildActivityDeps(opened.stack.config, shared, opened.stack.redis, syncs));

    const results = await Promise.all(
      wallets.map((wallet) =>
        new MockActivityEnvironment().run(sync.syncWalletAtOnce, { wallet, workflowId: `wallet-sync:${wallet}`, sinceTimestamp: null, maxPages: 20 }) as Promise<{ finished?: { pages: number } }>,
      ),
    );

    // each wallet synced to its end: every transaction the simulator holds for it is stored
    const lengths = new Map(((await (await fetch(`${opened.sim.url}/__sim/wallets`)).json()) as Array<{ address: string; transactions: number }>).map((w) => [w.address, w.transactions]));
    expect(results.every((r) => r.finished !== undefined)).toBe(true);
    const stored = await opened.stack.pool.query<{ wallet: string; n: number }>(
      'SELECT wallet, count(*)::int AS n FROM wallet_transactions WHERE wallet = ANY($1) GROUP BY wallet',
      [wallets],
    );
    expect(Object.fromEntries(stored.rows.map((r) => [r.wallet, r.n]))).toEqual(Object.fromEntries(wallets.map((w) => [w, lengths.get(w)])));
    const pages = results.reduce((sum, r) => sum + (r.finished?.pages ?? 0), 0);
    const analysed = await opened.stack.pool.query('SELECT wallet FROM wallet_analytics WHERE wallet = ANY($1)', [wallets]);
    expect(analysed.rows).toHaveLength(wallets.length);

    // the page statements and the rest of each sync went through the sync pool, nothing through the shared one
    expect(pages).toBeGreaterThanOrEqual(2 * wallets.length);
    expect(onSyncs.statements.filter((s) => s.includes('INSERT INTO transactions')).length).toBe(pages);
    expect(onSyncs.statements.length).toBeGreaterThan(pages);
    expect(onShared.statements).toEqual([]);
    expect(onShared.checkouts()).toBe(0);
    // PostgreSQL saw the pool's one connection under its name
    const backends = await opened.stack.pool.query('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    expect(backends.rows).toHaveLength(1);
  });

  it('reads an analysis\'s wallet statuses on the shared pool', async () => {
    const onShared = observe(shared);
    const onSyncs = observe(syncs);
    const sync = createSyncActivities(buildActivityDeps(opened.stack.config, shared, opened.stack.redis, syncs));

    const statuses = (await new MockActivityEnvironment().run(sync.getWalletStatuses, { wallets })) as Array<{ wallet: string }>;

    expect(statuses.map((s) => s.wallet).sort()).toEqual([...wallets].sort());
    expect(onShared.statements.length).toBeGreaterThan(0);
    expect(onSyncs.statements).toEqual([]);
  });
});
