// The database-wide mint counts of the similarity step (mintStats) read mint_wallets, which the
// database keeps from every insert into swap_legs (a trigger) and which its migration fills from the
// legs stored before it. Whichever way the legs came in, the counts must be exactly what the whole of
// swap_legs says: the reference below is the aggregate over swap_legs that mintStats used to run.
import fs from 'node:fs';
import type { Pool } from 'pg';
import { runner } from 'node-pg-migrate';
import { MIGRATIONS_DIR, createPool, dropDatabase, ensureDatabase, migrate } from '../../src/store/db';
import { beginSync } from '../../src/store/wallets';
import { storeHistoryPage } from '../../src/store/transactions';
import { mintStats } from '../../src/store/mint-wallets';
import { extractMany, type EnhancedTransaction } from '../../src/domain';
import { SimWorld, generateWorld, parseWorld } from '../../src/simulator';
import { testEnv } from '../harness/env';

const MIGRATION = '1795500000000_mint-wallets';
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

describe('mint_wallets: the database-wide mint counts', () => {
  const url = new URL(testEnv().databaseUrl);
  url.pathname = `/${url.pathname.slice(1)}_mint_wallets_${process.pid}`;
  let pool: Pool;
  afterAll(async () => {
    await pool?.end();
    await dropDatabase(url.toString());
  });

  it('equal the aggregate over swap_legs for legs stored before the migration, after it, and stored twice', async () => {
    const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort();
    await ensureDatabase(url.toString());
    // the database as it was before mint_wallets, holding the legs of three wallets
    await runner({ databaseUrl: url.toString(), dir: MIGRATIONS_DIR, direction: 'up', migrationsTable: 'pgmigrations', count: files.indexOf(MIGRATION), log: () => undefined });
    pool = createPool(url.toString(), 2);
    for (const i of [0, 1, 2]) await storeWallet(pool, i);
    expect(Number((await pool.query('SELECT count(*) AS n FROM swap_legs')).rows[0].n)).toBeGreaterThan(100);

    expect(await migrate(url.toString())).toEqual(files.slice(files.indexOf(MIGRATION)));
    // the rest through the trigger: newest page first, so a wallet's first buy moves earlier page by page
    for (const i of [3, 4, 5]) await storeWallet(pool, i);
    // a page stored again adds no leg and changes nothing
    await storeWallet(pool, 4, pagesOf(4).slice(0, 1));

    const groups = [wallets, [wallets[0]], [wallets[4]], [wallets[1], wallets[5]], wallets.slice(2, 5)];
    for (const group of groups) {
      const expected = await fromLegs(pool, group);
      expect(expected.size).toBeGreaterThan(0);
      expect(sorted(await mintStats(pool, group))).toEqual(sorted(expected));
    }
    // shared mints are what the counts are for: some mint is swapped by several of these wallets
    expect(Math.max(...[...(await mintStats(pool, wallets)).values()].map((m) => m.wallets))).toBeGreaterThan(1);
    expect(await mintStats(pool, [])).toEqual(new Map());
    expect(await mintStats(pool, ['NoSuchWa11et1111111111111111111111111111111'])).toEqual(new Map());
  });
});
