// The database-wide counts of the similarity step are kept by PostgreSQL as the data comes in, not
// counted over the whole database at each analysis: the mint counts (mintStats) from mint_wallets, kept
// from every insert into swap_legs, and the population (countWalletsWithHistory) from
// wallet_population, kept as wallets join it or are deleted; each migration fills its table from what
// was stored before it. Whichever way the data came in, the counts must be exactly what a count over
// the whole database says: the references below are the queries these reads used to run.
import type { Pool } from 'pg';
import { createPool, dropDatabase, migrate } from '../../src/store/db';
import { beginSync, finishSync } from '../../src/store/wallets';
import { countWalletsWithHistory } from '../../src/store/wallet-population';
import { storeHistoryPage } from '../../src/store/transactions';
import { mintStats } from '../../src/store/mint-wallets';
import { extractMany, type EnhancedTransaction } from '../../src/domain';
import { SimWorld, generateWorld, parseWorld } from '../../src/simulator';
import { testEnv } from '../harness/env';
import { migrateFirst, migrationNames } from '../harness/migrations';

const MIGRATION = '1795500000000_mint-wallets';
const POPULATION_MIGRATION = '1795510000000_wallet-population';
const world = new SimWorld(parseWorld(generateWorld({ seed: 9311, wallets: 6, txPerWallet: 90, largeWallet: false })));
const wallets = world.world.wallets.map((w) => w.address);
/** A wallet's history in pages of 30, newest first, as a sync stores it. */
const pagesOf = (i: number): EnhancedTransaction[][] => {
  const all = Array.from({ length: world.historyLength(i) }, (_, e) => world.transaction(i, e)).reverse();
  return Array.from({ length: Math.ceil(all.length / 30) }, (_, p) => all.slice(p * 30, p * 30 + 30));
};

async function storeWallet(pool: Pool, i: number, pages = pagesOf(i)): Promise<void> {
  await beginSync(pool, wallets[i], `wallet-sync:${wallets[i]}`);
  for (const txs of pages) await storeHistoryPage(pool, wallets[i], txs, extractMany(txs, wallets[i], { solPriceUsd: 150 }).legs);
}

/** What mintStats answered before mint_wallets: the aggregate over every swap leg of the group's mints. */
async function fromLegs(pool: Pool, group: string[]): Promise<Map<string, { wallets: number; firstBuyAt: number | null }>> {
  const { rows } = await pool.query<{ mint: string; wallets: number; first_buy_at: string | null }>(
    `WITH mints AS (SELECT DISTINCT mint FROM swap_legs WHERE wallet = ANY($1::text[]) AND kind = 'swap'),
          per_wallet AS (SELECT l.mint, l.wallet, min(l.timestamp) FILTER (WHERE l.direction = 'buy') AS first_buy_at
                           FROM swap_legs l JOIN mints USING (mint) WHERE l.kind = 'swap' GROUP BY l.mint, l.wallet)
     SELECT mint, count(*)::int AS wallets, min(first_buy_at) AS first_buy_at FROM per_wallet GROUP BY mint`,
    [group],
  );
  return new Map(rows.map((r) => [r.mint, { wallets: r.wallets, firstBuyAt: r.first_buy_at === null ? null : Number(r.first_buy_at) }]));
}

const sorted = (m: Map<string, unknown>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** What countWalletsWithHistory answered before wallet_population: a count over every wallet row. */
const populationCounted = async (pool: Pool): Promise<number> =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM wallets WHERE transaction_count > 0 OR last_synced_at IS NOT NULL')).rows[0].n;

describe('the database-wide counts kept by PostgreSQL', () => {
  const databases: URL[] = [];
  const pools: Pool[] = [];
  /** A database of its own, migrated up to (not including) `before`. */
  async function databaseBefore(before: string, label: string): Promise<Pool> {
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/${url.pathname.slice(1)}_${label}_${process.pid}`;
    databases.push(url);
    await migrateFirst(url.toString(), migrationNames().indexOf(before));
    const pool = createPool(url.toString(), 2);
    pools.push(pool);
    return pool;
  }
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    for (const url of databases) await dropDatabase(url.toString());
  });

  it('mint counts equal the aggregate over swap_legs for legs stored before the migration, after it, stored twice, and after a wallet is deleted', async () => {
    const files = migrationNames();
    // the database as it was before mint_wallets, holding the legs of three wallets
    const pool = await databaseBefore(MIGRATION, 'mint_wallets');
    const url = databases[databases.length - 1];
    for (const i of [0, 1, 2]) await storeWallet(pool, i);
    expect(Number((await pool.query('SELECT count(*) AS n FROM swap_legs')).rows[0].n)).toBeGreaterThan(100);

    expect(await migrate(url.toString())).toEqual(files.slice(files.indexOf(MIGRATION)));
    // the rest through the trigger: newest page first, so a wallet's first buy moves earlier page by page
    for (const i of [3, 4, 5]) await storeWallet(pool, i);
    // a page stored again adds no leg and changes nothing
    await storeWallet(pool, 4, pagesOf(4).slice(0, 1));
    // a wallet deleted takes its legs with it (ON DELETE CASCADE), and its counts
    await pool.query('DELETE FROM wallets WHERE address = $1', [wallets[3]]);

    const groups = [wallets.filter((w) => w !== wallets[3]), [wallets[0]], [wallets[4]], [wallets[1], wallets[5]], wallets.slice(2, 5)];
    for (const group of groups) {
      const expected = await fromLegs(pool, group);
      expect(expected.size).toBeGreaterThan(0);
      expect(sorted(await mintStats(pool, group))).toEqual(sorted(expected));
    }
    // shared mints are what the counts are for: some mint is swapped by several of these wallets
    expect(Math.max(...[...(await mintStats(pool, wallets)).values()].map((m) => m.wallets))).toBeGreaterThan(1);
    expect(await mintStats(pool, [])).toEqual(new Map());
    expect(await mintStats(pool, ['NoSuchWa11et1111111111111111111111111111111'])).toEqual(new Map());
    expect(await mintStats(pool, [wallets[3]])).toEqual(new Map());
  });

  it('the population equals a count over every wallet through joins, repeated pages, a sync with nothing stored, and deletions', async () => {
    const pool = await databaseBefore(POPULATION_MIGRATION, 'population');
    const url = databases[databases.length - 1];
    for (const i of [0, 1]) await storeWallet(pool, i);
    await beginSync(pool, wallets[2], 'wallet-sync:not-yet'); // a row without history yet
    expect(await populationCounted(pool)).toBe(2);

    await migrate(url.toString());
    const checks: Array<[number, number]> = [[await countWalletsWithHistory(pool), await populationCounted(pool)]];
    await storeWallet(pool, 2); // joins through its first page
    await storeWallet(pool, 2, pagesOf(2).slice(0, 1)); // already in: no second join
    await finishSync(pool, wallets[2], { ok: true });
    checks.push([await countWalletsWithHistory(pool), await populationCounted(pool)]);
    // a sync that stored nothing joins when it finishes, once
    const empty = 'EmptyWa11et111111111111111111111111111111111';
    await beginSync(pool, empty, 'wallet-sync:empty');
    checks.push([await countWalletsWithHistory(pool), await populationCounted(pool)]);
    await finishSync(pool, empty, { ok: true });
    await finishSync(pool, empty, { ok: true });
    checks.push([await countWalletsWithHistory(pool), await populationCounted(pool)]);
    for (const i of [3, 4, 5]) await storeWallet(pool, i);
    checks.push([await countWalletsWithHistory(pool), await populationCounted(pool)]);
    // deleted in one statement: two with history and the one without
    await beginSync(pool, 'NoHistoryWa11et1111111111111111111111111111', 'wallet-sync:none');
    await pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [[wallets[0], empty, 'NoHistoryWa11et1111111111111111111111111111']]);
    checks.push([await countWalletsWithHistory(pool), await populationCounted(pool)]);

    expect(checks).toEqual([[2, 2], [3, 3], [3, 3], [4, 4], [7, 7], [5, 5]]);
  });
});
