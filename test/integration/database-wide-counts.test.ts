// The database-wide counts of the similarity step are kept by PostgreSQL as the data comes in, not
// counted over the whole database at each analysis: the mint counts (mintStats) from mint_wallets, kept
// from every insert into swap_legs, the population (countWalletsWithHistory) from
// wallet_population, kept as wallets join it or are deleted, and the wallets per counterparty
// (walletsPerCounterparty) from counterparty_wallets, kept from every insert into and deletion from
// wallet_transfers, also by transactions writing the same pairs at once; each migration fills its table from what was stored before it. Whichever way the data came in, the counts must be exactly what a count over
// the whole database says: the references below are the queries these reads used to run.
import type { Pool, PoolClient } from 'pg';
import { createPool, inTransaction, migrate } from '../../src/store/db';
import { deleteTransfers, insertTransfers, withWalletTransfersLock } from '../../src/store/wallet-transfers';
import { walletsPerCounterparty } from '../../src/store/counterparty-wallets';
import { beginSync, finishSync } from '../../src/store/wallets';
import { countWalletsWithHistory } from '../../src/store/wallet-population';
import { storeHistoryPage } from '../../src/store/transactions';
import { mintStats } from '../../src/store/mint-populations';
import { extractMany, type EnhancedTransaction } from '../../src/domain';
import { extractTransfersMany, type WalletTransfer } from '../../src/domain/detection';
import { SimWorld, generateWorld, parseWorld } from '../../src/simulator';
import { databaseBefore, insertTransfersAsBefore, migrationNames, storePageAsBefore, type PartlyMigrated } from '../harness/migrations';

const MIGRATION = '1795500000000_mint-wallets';
const MINT_POPULATIONS_MIGRATION = '1795570000000_mint-populations';
const POPULATION_MIGRATION = '1795510000000_wallet-population';
const COUNTERPARTY_MIGRATION = '1795530000000_counterparty-wallets';
const world = new SimWorld(parseWorld(generateWorld({ seed: 9311, wallets: 6, txPerWallet: 90, largeWallet: false })));
const wallets = world.world.wallets.map((w) => w.address);
/** A wallet's history in pages of 30, newest first, as a sync stores it. */
const pagesOf = (i: number): EnhancedTransaction[][] => {
  const all = Array.from({ length: world.historyLength(i) }, (_, e) => world.transaction(i, e)).reverse();
  return Array.from({ length: Math.ceil(all.length / 30) }, (_, p) => all.slice(p * 30, p * 30 + 30));
};

async function storeWallet(pool: Pool, i: number, pages = pagesOf(i), asBefore = false): Promise<void> {
  await beginSync(pool, wallets[i], `wallet-sync:${wallets[i]}`);
  for (const txs of pages) {
    const [legs, transfers] = [extractMany(txs, wallets[i], { solPriceUsd: 150 }).legs, extractTransfersMany(txs, wallets[i])];
    await (asBefore ? storePageAsBefore(pool, wallets[i], txs, legs, transfers) : storeHistoryPage(pool, wallets[i], txs, legs, [], transfers));
  }
}
/** A wallet stored by a worker of a version before the migration under test (the newest migrations not applied yet). */
const storeWalletBefore = (pool: Pool, i: number) => storeWallet(pool, i, pagesOf(i), true);

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

const sorted = (m: ReadonlyMap<string, unknown>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/** What walletsPerCounterparty answered before it read kept pairs: distinct wallets over every transfer of the group's counterparties. */
async function fromTransfers(pool: Pool, group: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ counterparty: string; wallets: number }>(
    `WITH cps AS (SELECT DISTINCT counterparty FROM wallet_transfers WHERE wallet = ANY($1::text[]) AND asset <> 'NFT_SALE'),
          pairs AS (SELECT DISTINCT t.counterparty, t.wallet FROM wallet_transfers t JOIN cps USING (counterparty) WHERE t.asset <> 'NFT_SALE')
     SELECT counterparty, count(*)::int AS wallets FROM pairs GROUP BY counterparty`,
    [group],
  );
  return new Map(rows.map((r) => [r.counterparty, r.wallets]));
}

/**
 * Every mint's kept count and first buy against mint_wallets, and mint_wallets against the legs: the
 * distinct wallets that swapped each mint and their earliest buy.
 */
async function allMintCountsMatch(pool: Pool): Promise<number> {
  const fromPairs = await pool.query('SELECT mint, count(*)::int AS wallets, min(first_buy_at)::text AS first_buy_at FROM mint_wallets GROUP BY mint ORDER BY mint');
  const kept = await pool.query('SELECT mint, wallets, first_buy_at::text AS first_buy_at FROM mint_populations ORDER BY mint');
  expect(kept.rows).toEqual(fromPairs.rows);
  const pairsFromLegs = await pool.query(
    `SELECT mint, wallet, min(timestamp) FILTER (WHERE direction = 'buy')::text AS first_buy_at FROM swap_legs WHERE kind = 'swap' GROUP BY mint, wallet ORDER BY mint, wallet`);
  const pairs = await pool.query('SELECT mint, wallet, first_buy_at::text AS first_buy_at FROM mint_wallets ORDER BY mint, wallet');
  expect(pairs.rows).toEqual(pairsFromLegs.rows);
  return kept.rows.length;
}

/** Every kept pair, and so every count, against the distinct pairs over the whole table. */
async function allCountsMatch(pool: Pool): Promise<void> {
  // an NFT sold to a wallet makes no pair of a degree (engine 2.20.0)
  const pairs = await pool.query<{ counterparty: string; wallet: string }>(`SELECT DISTINCT counterparty, wallet FROM wallet_transfers WHERE asset <> 'NFT_SALE' ORDER BY counterparty, wallet`);
  const kept = await pool.query<{ counterparty: string; wallet: string }>('SELECT counterparty, wallet FROM counterparty_wallets ORDER BY counterparty, wallet');
  expect(kept.rows).toEqual(pairs.rows);
}

/** One plain SOL transfer of `wallet` with `counterparty` (the n-th of its signature). */
const transferOf = (wallet: string, counterparty: string, n: number): WalletTransfer => ({
  wallet,
  counterparty,
  direction: n % 2 === 0 ? 'in' : 'out',
  asset: 'SOL',
  amount: '1.5',
  rawAmount: '1500000000',
  decimals: 9,
  amountExact: true,
  signature: `sig-${wallet.slice(0, 8)}-${counterparty.slice(0, 6)}-${n}`,
  slot: 1_000 + n,
  timestamp: 1_700_000_000 + n,
});

/**
 * Two transactions writing at once: `first` runs in its transaction, `second` starts in another
 * while the first is still open (and may wait for its rows), then the first commits and the second.
 */
async function racing(pool: Pool, first: (c: PoolClient) => Promise<unknown>, second: (c: PoolClient) => Promise<unknown>): Promise<void> {
  const [a, b] = [await pool.connect(), await pool.connect()];
  try {
    // a wait that never ends fails the check instead of hanging it
    for (const c of [a, b]) await c.query("BEGIN; SET LOCAL lock_timeout = '5s'");
    await first(a);
    const waiting = second(b);
    await new Promise((r) => setTimeout(r, 200));
    await a.query('COMMIT');
    await waiting;
    await b.query('COMMIT');
  } finally {
    // a failed check leaves no transaction open (the database could not be dropped)
    await Promise.all([a, b].map((c) => c.query('ROLLBACK').catch(() => undefined)));
    a.release();
    b.release();
  }
}

/** What countWalletsWithHistory answered before wallet_population: a count over every wallet row. */
const populationCounted = async (pool: Pool): Promise<number> =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM wallets WHERE transaction_count > 0 OR last_synced_at IS NOT NULL')).rows[0].n;

describe('the database-wide counts kept by PostgreSQL', () => {
  const databases: PartlyMigrated[] = [];
  /** further pools on those databases, ended before they are dropped */
  const pools: Pool[] = [];
  /** A database of its own, migrated up to (not including) `before`: its pool and URL. */
  async function partlyMigrated(before: string, label: string): Promise<{ pool: Pool; url: string }> {
    const db = await databaseBefore(before, label);
    databases.push(db);
    return db;
  }
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    for (const db of databases) await db.close();
  });

  it('mint counts equal the aggregate over swap_legs for legs stored before the migration, after it, stored twice, and after a wallet is deleted', async () => {
    const files = migrationNames();
    // the database as it was before mint_wallets, holding the legs of three wallets
    const { pool, url } = await partlyMigrated(MIGRATION, 'mint_wallets');
    for (const i of [0, 1, 2]) await storeWalletBefore(pool, i);
    expect(Number((await pool.query('SELECT count(*) AS n FROM swap_legs')).rows[0].n)).toBeGreaterThan(100);

    expect(await migrate(url)).toEqual(files.slice(files.indexOf(MIGRATION)));
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

  it('mint counts kept per mint equal the counts over mint_wallets for legs stored before the migration, after it, at once, racing for one pair, and after wallets are deleted', async () => {
    const files = migrationNames();
    const { pool, url } = await partlyMigrated(MINT_POPULATIONS_MIGRATION, 'mint_populations');
    for (const i of [0, 1]) await storeWalletBefore(pool, i);
    expect(await migrate(url)).toEqual(files.slice(files.indexOf(MINT_POPULATIONS_MIGRATION)));
    expect(await allMintCountsMatch(pool)).toBeGreaterThan(0);

    // four wallets' histories stored at once, page by page and newest first (first buys move earlier
    // page by page), sharing mints: counts exact, and no page store waits on another in a cycle
    const wide = createPool(url, 8);
    pools.push(wide);
    await Promise.all([2, 3, 4].map((i) => storeWallet(wide, i)));
    // the last wallet's two pages racing: both transactions store pairs of the same mints, the second
    // waits for the first's and then finds them, and each pair counts once
    const [newest, older] = pagesOf(5);
    const legsOf = (txs: EnhancedTransaction[]) => extractMany(txs, wallets[5], { solPriceUsd: 150 }).legs;
    const mintsOf = (txs: EnhancedTransaction[]) => new Set(legsOf(txs).filter((l) => l.kind === 'swap').map((l) => l.mint));
    expect([...mintsOf(newest)].filter((m) => mintsOf(older).has(m)).length).toBeGreaterThan(0);
    await beginSync(pool, wallets[5], `wallet-sync:${wallets[5]}`);
    await racing(wide, (c) => storeHistoryPage(c, wallets[5], newest, legsOf(newest)), (c) => storeHistoryPage(c, wallets[5], older, legsOf(older)));
    await storeWallet(pool, 5, pagesOf(5).slice(2));
    // pages stored again add nothing
    await storeWallet(pool, 2, pagesOf(2).slice(0, 2));
    const before = await allMintCountsMatch(pool);
    const shared = [...(await mintStats(pool, wallets))].filter(([, m]) => m.wallets > 1);
    expect(shared.length).toBeGreaterThan(0);

    // deleting the wallet with a shared mint's earliest buy moves that mint's first buy to the next
    // wallet's; a wallet's own mints leave with it
    const earliest = await pool.query<{ wallet: string; mint: string }>(
      `SELECT m.wallet, m.mint FROM mint_wallets m JOIN mint_populations c USING (mint)
        WHERE c.wallets > 1 AND m.first_buy_at = c.first_buy_at ORDER BY m.mint LIMIT 1`);
    expect(earliest.rows.length).toBe(1);
    const gone = earliest.rows[0].wallet;
    const ownMints = (await pool.query<{ mint: string }>('SELECT mint FROM mint_populations WHERE wallets = 1 AND mint IN (SELECT mint FROM mint_wallets WHERE wallet = $1)', [gone])).rows.length;
    const firstBuyBefore = (await mintStats(pool, wallets)).get(earliest.rows[0].mint)!;
    await pool.query('DELETE FROM wallets WHERE address = $1', [gone]);
    expect(await allMintCountsMatch(pool)).toBe(before - ownMints);
    const firstBuyAfter = (await mintStats(pool, wallets)).get(earliest.rows[0].mint)!;
    expect(firstBuyAfter.wallets).toBe(firstBuyBefore.wallets - 1);
    expect(firstBuyAfter.firstBuyAt === null || firstBuyAfter.firstBuyAt >= (firstBuyBefore.firstBuyAt as number)).toBe(true);
    // two wallets in one statement
    await pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [wallets.filter((w) => w !== gone).slice(0, 2)]);
    await allMintCountsMatch(pool);

    for (const group of [wallets, [wallets[5]], wallets.slice(3, 5)]) {
      expect(sorted(await mintStats(pool, group))).toEqual(sorted(await fromLegs(pool, group)));
    }
  });

  it('the population equals a count over every wallet through joins, repeated pages, a sync with nothing stored, and deletions', async () => {
    const { pool, url } = await partlyMigrated(POPULATION_MIGRATION, 'population');
    for (const i of [0, 1]) await storeWalletBefore(pool, i);
    await beginSync(pool, wallets[2], 'wallet-sync:not-yet'); // a row without history yet
    expect(await populationCounted(pool)).toBe(2);

    await migrate(url);
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

  it('wallets per counterparty equal the distinct wallets over wallet_transfers for transfers stored before the migration, after it, twice, concurrently, extracted again, and after wallets are deleted', async () => {
    const { pool, url } = await partlyMigrated(COUNTERPARTY_MIGRATION, 'counterparties');
    const HOT = 'HotWa11etOfAnExchange111111111111111111111';
    const [A, B, C] = ['CounterpartyA11111111111111111111111111111', 'CounterpartyB11111111111111111111111111111', 'CounterpartyC11111111111111111111111111111'];
    const ws = Array.from({ length: 12 }, (_, i) => `Grp${String(i).padStart(2, '0')}Wa11et`.padEnd(44, '1'));
    for (const w of ws) await beginSync(pool, w, `wallet-sync:${w}`);
    const withAll = (w: string, cps: string[], from = 0) => cps.flatMap((cp, k) => [transferOf(w, cp, from + 2 * k), transferOf(w, cp, from + 2 * k + 1)]);
    // before the migration: four wallets, and a world's wallet through the page path
    for (const w of ws.slice(0, 4)) await insertTransfersAsBefore(pool, w, withAll(w, [HOT, A]));
    await storeWalletBefore(pool, 0);

    await migrate(url);
    await allCountsMatch(pool);
    // eight wallets at once sharing counterparties
    const wide = createPool(url, 8);
    pools.push(wide);
    await Promise.all(ws.slice(4).map((w, k) => insertTransfers(wide, w, withAll(w, k % 2 === 0 ? [HOT, A, B] : [B, A, HOT]))));
    // two transactions storing the first transfers of the same pair at once (a wallet's backfill and
    // a sync of it): neither sees the other's, and the pair still counts once
    await racing(wide, (c) => insertTransfers(c, ws[10], [transferOf(ws[10], C, 300)]), (c) => insertTransfers(c, ws[10], [transferOf(ws[10], C, 301)]));
    await allCountsMatch(pool);
    // a transaction of several statements (a backfill of one wallet, a page each) and a page store of
    // another wallet sharing its counterparties in the other order: neither waits on the other
    const [backfill, store] = [await wide.connect(), await wide.connect()];
    try {
      await backfill.query("BEGIN; SET LOCAL lock_timeout = '5s'");
      await insertTransfers(backfill, ws[8], [transferOf(ws[8], HOT, 400)]);
      await store.query("BEGIN; SET LOCAL lock_timeout = '5s'");
      const stored = insertTransfers(store, ws[9], [transferOf(ws[9], C, 400), transferOf(ws[9], HOT, 401)]);
      await new Promise((r) => setTimeout(r, 200));
      // with a counter per counterparty, the store held C's and waited for HOT's, which the backfill
      // held and then waited for C's: PostgreSQL ended one of them (deadlock detected)
      await Promise.all([stored, insertTransfers(backfill, ws[8], [transferOf(ws[8], C, 401)])]);
      await store.query('COMMIT');
      await backfill.query('COMMIT');
    } finally {
      // at once: one may still wait for the other's locks
      await Promise.all([backfill, store].map((c) => c.query('ROLLBACK').catch(() => undefined)));
      backfill.release();
      store.release();
    }
    // the page path, twice; a new transfer of a known pair, and a new pair
    for (const i of [1, 2]) await storeWallet(pool, i);
    await storeWallet(pool, 1, pagesOf(1).slice(0, 1));
    await insertTransfers(pool, ws[0], withAll(ws[0], [HOT], 100));
    await insertTransfers(pool, ws[0], withAll(ws[0], [C], 200));
    await allCountsMatch(pool);
    // extracted again (a backfill): every transfer of the wallet deleted, then all but those with B
    await inTransaction(pool, async (client) => {
      await deleteTransfers(client, ws[5]);
      await insertTransfers(client, ws[5], withAll(ws[5], [HOT, A]));
    });
    // a page store of a wallet (a sync) still open while its transfers are extracted again (a backfill
    // of a newer extraction that no longer finds its transfers with A): the page's new transfer with A
    // found the pair kept and added none; the backfill, not seeing that transfer, removed the pair.
    // The backfill now waits for the page store (it holds the wallet's row), then sees its transfer.
    const page = await wide.connect();
    try {
      await page.query("BEGIN; SET LOCAL lock_timeout = '5s'");
      await storeHistoryPage(page, ws[3], [], [], [], [transferOf(ws[3], A, 500)]);
      const extracted = withWalletTransfersLock(wide, ws[3], async (db) => {
        await deleteTransfers(db, ws[3]);
        await insertTransfers(db, ws[3], withAll(ws[3], [HOT]));
      });
      await new Promise((r) => setTimeout(r, 300));
      await page.query('COMMIT');
      await extracted;
    } finally {
      await page.query('ROLLBACK').catch(() => undefined);
      page.release();
    }
    await allCountsMatch(pool);
    // NFT sales (engine 2.20.0): one with a counterparty it has nothing else with makes no pair; one
    // with a counterparty it also has SOL with: the pair goes when the SOL goes, the sale left alone
    const sale = (w: string, cp: string, n: number): WalletTransfer => ({ ...transferOf(w, cp, n), asset: 'NFT_SALE', nft: 'NftMint1111111111111111111111111111111111111', direction: 'out' });
    const D = 'CounterpartyD11111111111111111111111111111';
    await insertTransfers(pool, ws[2], [sale(ws[2], D, 600), sale(ws[2], C, 601), transferOf(ws[2], C, 602)]);
    await allCountsMatch(pool);
    expect((await pool.query('SELECT 1 FROM counterparty_wallets WHERE counterparty = $1', [D])).rowCount).toBe(0);
    await pool.query(`DELETE FROM wallet_transfers WHERE wallet = $1 AND counterparty = $2 AND asset <> 'NFT_SALE'`, [ws[2], C]);
    await allCountsMatch(pool);
    // a deletion of some of a wallet's transfers (one of its two with HOT, both with A) keeps the pairs it still has
    await pool.query('DELETE FROM wallet_transfers WHERE wallet = $1 AND signature = ANY($2::text[])', [ws[7], [transferOf(ws[7], HOT, 4).signature, transferOf(ws[7], A, 2).signature, transferOf(ws[7], A, 3).signature]]);
    await allCountsMatch(pool);
    // two wallets deleted in one statement take their transfers and their pairs with them
    await pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [[ws[4], ws[6]]]);
    await allCountsMatch(pool);

    const groups = [ws.slice(0, 3), [ws[5]], [ws[0], wallets[0]], [wallets[1], wallets[2], ws[11]], ws];
    for (const group of groups) {
      const expected = await fromTransfers(pool, group);
      expect(expected.size).toBeGreaterThan(0);
      expect(sorted(await walletsPerCounterparty(pool, group))).toEqual(sorted(expected));
    }
    const all = await walletsPerCounterparty(pool, ws);
    expect([all.get(HOT), all.get(A), all.get(B), all.get(C)]).toEqual([10, 8, 5, 4]);
    expect(await walletsPerCounterparty(pool, [])).toEqual(new Map());
    expect(await walletsPerCounterparty(pool, [ws[4]])).toEqual(new Map());

    // counted up to a limit: a counterparty outside the group stops there, one of the group's wallets
    // (a direct transfer weighs by its exact degree) never does
    const member = ws[11];
    for (const w of [ws[0], ws[1], ws[2], ws[3], ws[5]]) await insertTransfers(pool, w, [transferOf(w, member, 600)]);
    const limited = await walletsPerCounterparty(pool, [ws[0], member], 3);
    const exact = await fromTransfers(pool, [ws[0], member]);
    expect(exact.get(member)).toBe(5);
    expect(exact.get(HOT)).toBe(10);
    expect(sorted(limited)).toEqual(sorted(new Map([...exact].map(([cp, n]) => [cp, cp === member ? n : Math.min(n, 3)]))));
    expect(sorted(await walletsPerCounterparty(pool, [ws[0], member], Infinity))).toEqual(sorted(exact));
  });
});
