import type { Pool, PoolClient } from 'pg';
import { createPool, dropDatabase, migrate } from '../../src/store/db';
import { ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE, completeAnalysis, getAnalysis, insertAnalyses, insertAnalysis, recordTokenHolders } from '../../src/store/analyses';
import { storeTokenLaunch } from '../../src/store/token-launches';
import { walletAddress } from '../../src/simulator/keys';
import { beginSync, commitWatermark, finishSync, setFailedFees, finishSyncWithAnalytics, markCoveredSince, markHistoryComplete, walletStatuses } from '../../src/store/wallets';
import { getWalletAnalytics, loadAnalyticsInputs, replaceStaleAnalytics, saveWalletAnalytics, storedAnalyticsVersion } from '../../src/store/wallet-analytics';
import { loadBalances, saveBalances } from '../../src/store/wallet-balances';
import { TRANSFER_EXTRACTION_VERSION } from '../../src/store/wallet-transfers';
import { countFailedFees, storeHistoryPage } from '../../src/store/transactions';
import { loadLegs, loadLegsMany } from '../../src/store/swap-legs';
import { storedPayloadPage } from '../../src/store/wallet-transfers';
import { mintsNeedingFetch, saveMarkets, getTokens } from '../../src/store/tokens';
import { pricedMarket } from '../harness/markets';
import { ENGINE_VERSION, extractMany, type EnhancedTransaction } from '../../src/domain';
import { SimWorld, generateWorld, parseWorld } from '../../src/simulator';
import { UNSWEPT_NAMESPACE, testEnv } from '../harness/env';
import { databaseBefore, migrateFirst, migrationNames, storePageAsBefore } from '../harness/migrations';
import { waitFor } from '../harness/processes';

const world = new SimWorld(parseWorld(generateWorld({ seed: 61, wallets: 3, txPerWallet: 30, largeWallet: false })));
const wallet = world.world.wallets[0].address;
const txs = Array.from({ length: world.historyLength(0) }, (_, e) => world.transaction(0, e));

const OTHER_PAYER = 'OtherPayer111111111111111111111111111111111';
/** `tx` as a failed transaction of its own signature (`tx`'s with `suffix`), whose fee `feePayer` paid. */
const failedCopy = (tx: EnhancedTransaction, suffix: string, feePayer: string, fee: number): EnhancedTransaction => ({
  ...tx,
  signature: `${tx.signature.slice(0, 80)}${suffix}`,
  feePayer,
  fee,
  transactionError: { InstructionError: [2, { Custom: 6001 }] },
});

/** Whether a session waits on a lock `holder`'s session holds. */
const waitingOn = async (pool: Pool, holder: PoolClient): Promise<boolean> => {
  const { rows } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  return ((await pool.query('SELECT 1 FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [rows[0].pid])).rowCount ?? 0) > 0;
};

/** `pool`, and how many statements were sent through it. */
function countingStatements(pool: Pool): { pool: Pool; statements: number } {
  const counted = { pool, statements: 0 };
  counted.pool = { query: (...args: Parameters<Pool['query']>) => ((counted.statements += 1), pool.query(...args)) } as unknown as Pool;
  return counted;
}

describe('PostgreSQL store', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testEnv().databaseUrl);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('processes that start together on a new database all migrate it: one applies the migrations, the others wait and find them applied', async () => {
    const url = new URL(testEnv().databaseUrl);
    url.pathname = `/${url.pathname.slice(1)}_migrate_${process.pid}`;
    try {
      const applied = await Promise.all(Array.from({ length: 4 }, () => migrate(url.toString())));
      const files = migrationNames();
      expect(applied.map((names) => names.length).sort()).toEqual([0, 0, 0, files.length]);
      expect(applied.flat().sort()).toEqual(files);
    } finally {
      await dropDatabase(url.toString());
    }
  });

  it('a database migrated by every migration but the newest takes the newest one, and ends with the constraints and indexes of a new one', async () => {
    const base = new URL(testEnv().databaseUrl);
    const older = new URL(base);
    older.pathname = `/${base.pathname.slice(1)}_upgrade_${process.pid}`;
    const fresh = new URL(base);
    fresh.pathname = `/${base.pathname.slice(1)}_fresh_${process.pid}`;
    const files = migrationNames();
    const schema = async (url: URL) => {
      const p = createPool(url.toString(), 1);
      try {
        const { rows } = await p.query(
          `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE connamespace = 'public'::regnamespace
           UNION ALL SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'pgmigrations' ORDER BY 1, 2`,
        );
        return rows;
      } finally {
        await p.end();
      }
    };
    try {
      await migrateFirst(older.toString(), files.length - 1);
      expect(await migrate(older.toString())).toEqual(files.slice(-1));
      await migrate(fresh.toString());
      const upgraded = await schema(older);
      expect(upgraded.map((r) => r.name)).toContain(ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE);
      expect(upgraded).toEqual(await schema(fresh));
    } finally {
      await dropDatabase(older.toString());
      await dropDatabase(fresh.toString());
    }
  });

  it('raw transactions stored as jsonb before migration 1795540000000 are read back beside the json ones stored after it, and its down step puts every payload back into jsonb', async () => {
    const migration = '1795540000000_transactions-payload-json';
    const { pool: p, migrateRest, undo, close } = await databaseBefore(migration, 'payload_json');
    const bySignature = (list: readonly { signature: string }[]) => [...list].sort((a, b) => (a.signature < b.signature ? -1 : 1));
    try {
      const [older, newer] = [txs.slice(0, 12), txs.slice(12)];
      await beginSync(p, wallet, 'wallet-sync:payload');
      await storePageAsBefore(p, wallet, older, extractMany(older, wallet, { solPriceUsd: 150 }).legs, []);
      expect(await migrateRest()).toEqual(migrationNames().slice(migrationNames().indexOf(migration)));
      await storeHistoryPage(p, wallet, newer, extractMany(newer, wallet, { solPriceUsd: 150 }).legs);
      const columns = await p.query<{ jsonb: number; json: number }>(
        'SELECT count(*) FILTER (WHERE payload IS NOT NULL AND payload_json IS NULL)::int AS jsonb, count(*) FILTER (WHERE payload_json IS NOT NULL AND payload IS NULL)::int AS json FROM transactions');
      expect(columns.rows[0]).toEqual({ jsonb: older.length, json: newer.length });
      // read back whole and equal, in pages that cross both kinds
      const read = [];
      for (let after: string | null = null, first = true; first || after !== null; first = false) {
        const page = await storedPayloadPage(p, wallet, after, 7);
        read.push(...page.transactions);
        after = page.nextAfter;
      }
      expect(bySignature(read)).toEqual(bySignature(txs));

      await undo();
      const back = await p.query<{ payload: { signature: string } }>('SELECT payload FROM transactions');
      expect(bySignature(back.rows.map((r) => r.payload))).toEqual(bySignature(txs));
      const column = await p.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'transactions' AND column_name = 'payload_json'");
      expect(column.rowCount).toBe(0);
    } finally {
      await close();
    }
  });

  it("migration 1795690000000 leaves the failed fees of a wallet stored before it to be counted once from its payloads (jsonb and json alike), beside those its later pages add; its down step drops the columns", async () => {
    const migration = '1795690000000_wallets-failed-fees';
    const { pool: p, migrateRest, undo, close } = await databaseBefore(migration, 'failed_fees');
    try {
      const w = world.world.wallets[1].address;
      const t = Array.from({ length: world.historyLength(1) }, (_, e) => world.transaction(1, e));
      const paid = t.filter((tx) => tx.transactionError && tx.feePayer === w);
      expect(paid.length).toBeGreaterThan(0);
      // before the migration: its history, with a failed transaction another account paid for (jsonb payloads)
      await beginSync(p, w, 'wallet-sync:failed-fees');
      await storePageAsBefore(p, w, [...t, failedCopy(t[0], 'X', OTHER_PAYER, 90_000)], extractMany(t, w, { solPriceUsd: 150 }).legs, []);
      expect(await migrateRest()).toEqual(migrationNames().slice(migrationNames().indexOf(migration)));
      expect((await loadAnalyticsInputs(p, w)).failed).toBeNull();
      // after it: a page with one more failed transaction it paid (a json payload), added to its totals
      await storeHistoryPage(p, w, [failedCopy(t[1], 'Y', w, 4_242)], []);
      const counted = await countFailedFees(p, w);
      expect(counted).toEqual({ transactions: paid.length + 1, feeLamports: paid.reduce((sum, tx) => sum + tx.fee, 0) + 4_242 });
      expect((await loadAnalyticsInputs(p, w)).failed).toEqual(counted);
      // counted once: a later page adds its own, and a count taken again changes nothing
      await storeHistoryPage(p, w, [failedCopy(t[2], 'Z', w, 1_000)], []);
      await setFailedFees(p, w, { transactions: 0, feeLamports: 0 });
      expect((await loadAnalyticsInputs(p, w)).failed).toEqual({ transactions: counted.transactions + 1, feeLamports: counted.feeLamports + 1_000 });

      await undo();
      const columns = await p.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'wallets' AND column_name LIKE 'failed_fee%'");
      expect(columns.rowCount).toBe(0);
    } finally {
      await close();
    }
  });

  it('a second analysis of one API key with the same Idempotency-Key violates the unique index the store names; another key may use it', async () => {
    const analysis = (id: string, ownerKeyId: string | null) => ({ id, workflowId: `analysis:${id}`, requestId: null, idempotencyKey: 'store-test-key', ownerKeyId, wallets: [wallet], params: {} });
    await insertAnalysis(pool, analysis('idem-1', 'owner-a'));
    const second = await insertAnalysis(pool, analysis('idem-2', 'owner-a')).then(() => undefined, (err: unknown) => err);
    expect(second).toMatchObject({ code: '23505', constraint: ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE });
    await expect(insertAnalysis(pool, analysis('idem-3', 'owner-b'))).resolves.toBeUndefined();
  });

  it("a holder analysis whose own launch read failed says at its end the launch its step loaded; a launch it read, one recorded after the load, or none, is kept as it was", async () => {
    const mint = (name: string) => walletAddress('store-test', 'holders-launch', name, String(process.pid));
    const names = ['loaded', 'known', 'unread', 'after-load'];
    const [loaded, known, unread, afterLoad] = names.map(mint);
    const holdersOf = (token: string, launch: { signature: string; slot: number; timestamp: number } | null) => ({
      token, top: 2, selected: 2, launch, ...(launch === null ? { launchUnread: "the mint's oldest transactions were not read within 10 s" } : {}),
    });
    const ids = names.map((n) => `holders-launch-${n}-${process.pid}`);
    const rows = [holdersOf(loaded, null), holdersOf(known, { signature: 'sig-read', slot: 7, timestamp: 1_700_000_000 }), holdersOf(unread, null), holdersOf(afterLoad, null)];
    for (const [k, id] of ids.entries()) {
      await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, ownerKeyId: 'owner-a', wallets: [], params: {} });
      await recordTokenHolders(pool, id, [wallet], rows[k]);
    }
    // the step's crowded reads (or another analysis) recorded the first's launch before the step's
    // load; the second's was read by its own holder step; the fourth's was recorded after the load
    await storeTokenLaunch(pool, { mint: loaded, signature: 'sig-loaded', slot: 123_456_789_012, timestamp: 1_700_000_100 });
    await storeTokenLaunch(pool, { mint: known, signature: 'sig-other', slot: 8, timestamp: 1_700_000_001 });
    await storeTokenLaunch(pool, { mint: afterLoad, signature: 'sig-after', slot: 9, timestamp: 1_700_000_002 });
    const launchedMints = [loaded, known, unread];
    for (const id of ids) await completeAnalysis(pool, id, { summary: { pairCount: 0 }, result: { pairs: [] }, coverage: [], failedWallets: [], engineVersion: 'test', launchedMints });
    const holders = await Promise.all(ids.map(async (id) => (await getAnalysis(pool, id))!.holders));
    expect(holders[0]).toEqual({ token: loaded, top: 2, selected: 2, launch: { signature: 'sig-loaded', slot: 123_456_789_012, timestamp: 1_700_000_100 } });
    expect(holders.slice(1)).toEqual(rows.slice(1));
    // an analysis of wallets given by hand has no holders record, and gets none
    const listed = `holders-launch-list-${process.pid}`;
    await insertAnalysis(pool, { id: listed, workflowId: `analysis:${listed}`, requestId: null, ownerKeyId: 'owner-a', wallets: [wallet], params: {} });
    await completeAnalysis(pool, listed, { summary: { pairCount: 0 }, result: { pairs: [] }, coverage: [], failedWallets: [], engineVersion: 'test', launchedMints });
    expect((await getAnalysis(pool, listed))!.holders).toBeNull();
  });

  it('many new analyses in one statement: each stored unless its owner already used its Idempotency-Key (before, or earlier in the same call)', async () => {
    const row = (id: string, ownerKeyId: string | null, idempotencyKey: string | null) => ({
      id,
      workflowId: `analysis:${id}`,
      requestId: `req-${id}`,
      idempotencyKey,
      ownerKeyId,
      wallets: [wallet, 'Other11111111111111111111111111111111111111'],
      params: { windowDays: 30, nested: { a: [1, 'two'] } },
      startPending: true,
      fairnessKey: ownerKeyId ? `key:${ownerKeyId}` : 'ip:127.0.0.1',
      namespace: UNSWEPT_NAMESPACE,
    });
    await insertAnalysis(pool, row('batch-0', 'owner-c', 'batch-key-0'));
    const rows = [
      row('batch-1', 'owner-c', 'batch-key-0'), // used before: skipped
      row('batch-2', 'owner-c', 'batch-key-1'),
      row('batch-3', 'owner-c', 'batch-key-1'), // used by the row before it in this call: skipped
      row('batch-4', 'owner-d', 'batch-key-1'), // another owner's key
      row('batch-5', null, null),
      row('batch-6', null, null),
    ];
    expect([...(await insertAnalyses(pool, rows))].sort()).toEqual(['batch-2', 'batch-4', 'batch-5', 'batch-6']);
    // each stored row as the single insert stores it
    await insertAnalysis(pool, row('batch-7', null, null));
    expect(await getAnalysis(pool, 'batch-2')).toMatchObject({ ownerKeyId: 'owner-c', wallets: row('x', null, null).wallets, params: row('x', null, null).params, requestId: 'req-batch-2', status: 'running', startPending: true });
    const stored = await getAnalysis(pool, 'batch-5');
    const single = await getAnalysis(pool, 'batch-7');
    const { id: _a, workflowId: _b, requestId: _c, createdAt: _d, ...storedRest } = stored as NonNullable<typeof stored>;
    const { id: _e, workflowId: _f, requestId: _g, createdAt: _h, ...singleRest } = single as NonNullable<typeof single>;
    expect(storedRest).toEqual(singleRest);
    const { rows: keys } = await pool.query('SELECT id, idempotency_key, owner_key_id, fairness_key FROM analyses WHERE id = ANY($1) ORDER BY id', [['batch-2', 'batch-4', 'batch-5']]);
    expect(keys).toEqual([
      { id: 'batch-2', idempotency_key: 'batch-key-1', owner_key_id: 'owner-c', fairness_key: 'key:owner-c' },
      { id: 'batch-4', idempotency_key: 'batch-key-1', owner_key_id: 'owner-d', fairness_key: 'key:owner-d' },
      { id: 'batch-5', idempotency_key: null, owner_key_id: null, fairness_key: 'ip:127.0.0.1' },
    ]);
    expect(await insertAnalyses(pool, [])).toEqual(new Set());
  });

  it('a SYNCING wallet whose lease expired (its sync died) no longer reads as SYNCING', async () => {
    const w = 'LeaseTest11111111111111111111111111111111111';
    await beginSync(pool, w, 'wallet-sync:test');
    expect((await walletStatuses(pool, [w], 3600))[0].status).toBe('SYNCING');
    await pool.query(`UPDATE wallets SET sync_lease_until = now() - interval '1 second' WHERE address = $1`, [w]);
    expect((await walletStatuses(pool, [w], 3600))[0].status).toBe('MISSING'); // never synced successfully
    await finishSync(pool, w, { ok: true });
    await beginSync(pool, w, 'wallet-sync:test');
    await pool.query(`UPDATE wallets SET sync_lease_until = now() - interval '1 second', last_synced_at = now() - interval '2 hours' WHERE address = $1`, [w]);
    expect((await walletStatuses(pool, [w], 3600))[0].status).toBe('STALE');
    expect((await walletStatuses(pool, [w], 3 * 3600))[0].status).toBe('READY');
  });

  it('storing the same page twice stores and counts every transaction and leg once', async () => {
    await beginSync(pool, wallet, 'wallet-sync:test');
    const { legs } = extractMany(txs, wallet, { solPriceUsd: 150 });
    const first = await storeHistoryPage(pool, wallet, txs, legs);
    const again = await storeHistoryPage(pool, wallet, txs, legs);
    expect(first).toEqual({ newTransactions: txs.length, newLegs: legs.length });
    expect(again).toEqual({ newTransactions: 0, newLegs: 0 });
    const { rows } = await pool.query(
      `SELECT transaction_count, leg_count, sync_pages, (SELECT count(*)::int FROM swap_legs WHERE wallet = $1) AS legs FROM wallets WHERE address = $1`,
      [wallet],
    );
    expect(rows[0]).toEqual({ transaction_count: txs.length, leg_count: legs.length, sync_pages: 2, legs: legs.length });
  });

  it("stores a page whose provider text carries a NUL (a transaction's source, a rejection's quoted value): the payload as sent, the columns without it", async () => {
    // a wallet of its own, and transactions under signatures of their own (transactions are shared by signature)
    const w = 'NulText111111111111111111111111111111111111';
    const t = Array.from({ length: 5 }, (_, e) => ({ ...world.transaction(0, e), signature: `NulText${e}${'1'.repeat(80)}` }));
    t[0] = { ...t[0], source: `ODD\u0000SOURCE`, description: 'memo\u0000' };
    await beginSync(pool, w, 'wallet-sync:test');
    const rejected = [{ key: 'nul0', signature: null, timestamp: 1_700_000_000, field: 'type', reason: 'not a string: "\u0000"' }];
    expect(await storeHistoryPage(pool, w, t, extractMany(t, w, { solPriceUsd: 150 }).legs, rejected)).toMatchObject({ newTransactions: 5 });
    const { rows } = await pool.query(`SELECT source, payload_json::text AS payload FROM transactions WHERE signature = $1`, [t[0].signature]);
    expect(rows[0].source).toBe('ODDSOURCE');
    expect(JSON.parse(rows[0].payload)).toMatchObject({ source: 'ODD\u0000SOURCE', description: 'memo\u0000' });
    const reasons = await pool.query(`SELECT reason FROM rejected_transactions WHERE wallet = $1`, [w]);
    expect(reasons.rows).toEqual([{ reason: 'not a string: ""' }]);
  });

  it("a group's legs come back per wallet, oldest first, as each wallet's own read gives them, from a time on when asked", async () => {
    const other = world.world.wallets[1].address;
    const otherTxs = Array.from({ length: world.historyLength(1) }, (_, e) => world.transaction(1, e));
    for (const [w, t] of [[wallet, txs], [other, otherTxs]] as const) {
      await beginSync(pool, w, 'wallet-sync:test');
      await storeHistoryPage(pool, w, t, extractMany(t, w, { solPriceUsd: 150 }).legs);
    }
    const nobody = 'NoLegs1111111111111111111111111111111111111';
    const all = await loadLegsMany(pool, [other, wallet, nobody]);
    expect([...all.keys()]).toEqual([other, wallet, nobody]);
    expect(all.get(nobody)).toEqual([]);
    for (const w of [wallet, other]) {
      const legs = all.get(w)!;
      expect(legs.length).toBeGreaterThan(5);
      expect(legs).toEqual(await loadLegs(pool, w));
      expect(legs.map((l) => l.timestamp)).toEqual(legs.map((l) => l.timestamp).sort((a, b) => a - b));
    }
    const since = all.get(wallet)![Math.floor(all.get(wallet)!.length / 2)].timestamp;
    const later = await loadLegsMany(pool, [wallet], since);
    expect(later.get(wallet)).toEqual(await loadLegs(pool, wallet, since));
    expect(later.get(wallet)!.length).toBeLessThan(all.get(wallet)!.length);
    const twice = await loadLegsMany(pool, [wallet, wallet]); // each wallet aggregated apart: named twice, the same legs
    expect([...twice.keys()]).toEqual([wallet]);
    expect(twice.get(wallet)).toEqual(all.get(wallet));
  });

  it("reads a wallet's analytics inputs in one statement as its own reads give them: legs, held tokens, its mints' known prices, rejected transactions, transfer version, the fees of the failed transactions it paid", async () => {
    const w = world.world.wallets[2].address;
    const t = Array.from({ length: world.historyLength(2) }, (_, e) => world.transaction(2, e));
    await beginSync(pool, w, 'wallet-sync:test');
    const { legs } = extractMany(t, w, { solPriceUsd: 150 });
    const rejected = Array.from({ length: 23 }, (_, i) => ({ key: `bad${i}`, signature: i % 2 ? `badsig${i}` : null, timestamp: 1_700_000_000 + i, field: 'fee', reason: `reason ${i}` }));
    // two failed transactions whose fee the wallet paid (one with a priority fee), and one another account paid
    const failed = [failedCopy(t[0], 'F0', w, 1_505_000), failedCopy(t[1], 'F1', w, 5_000), failedCopy(t[2], 'F2', OTHER_PAYER, 90_000)];
    // one listed twice in the page (a provider repeating a transaction): stored once, the page not refused
    // (the first failed one listed twice: its fee counts once)
    await storeHistoryPage(pool, w, [...t, ...failed, failed[0]], legs, [...rejected, rejected[3]]);
    const mints = [...new Set(legs.map((l) => l.mint))];
    expect(mints.length).toBeGreaterThan(1);
    // one mint priced, one known without a price, the rest never fetched
    await mintsNeedingFetch(pool, mints);
    await saveMarkets(pool, [pricedMarket(mints[0], 0), { mint: mints[1], status: 'unknown' }]);
    await saveBalances(pool, { wallet: w, solLamports: '5', tokens: [{ mint: mints[0], program: 'Tokenkeg', rawAmount: '1500', decimals: 3 }], tokenAccountCount: 1, fetchedAt: new Date().toISOString() });

    const counting = countingStatements(pool);
    const inputs = await loadAnalyticsInputs(counting.pool, w);
    expect(counting.statements).toBe(1);
    expect(inputs.legs).toEqual(await loadLegs(pool, w));
    expect(inputs.heldTokens).toEqual((await loadBalances(pool, [w])).get(w)?.tokens);
    expect(inputs.pricesUsd).toEqual({ [mints[0]]: pricedMarket(mints[0], 0).priceUsd });
    expect(inputs.transfersVersion).toBe(TRANSFER_EXTRACTION_VERSION);
    expect(inputs.rejected.count).toBe(23);
    const { rows: newest } = await pool.query(`SELECT signature, field, reason FROM rejected_transactions WHERE wallet = $1 ORDER BY last_seen_at DESC, reject_key LIMIT 20`, [w]);
    expect(inputs.rejected.recent).toEqual(newest);
    expect(inputs.rejected.recent).toHaveLength(20);
    expect(inputs.failed).toEqual({ transactions: 2, feeLamports: 1_510_000 });
    // a page stored again (a retried step) adds none of its fees twice
    await storeHistoryPage(pool, w, failed, []);
    expect((await loadAnalyticsInputs(pool, w)).failed).toEqual({ transactions: 2, feeLamports: 1_510_000 });

    const nobody = 'NoInputs111111111111111111111111111111111111';
    expect(await loadAnalyticsInputs(pool, nobody)).toEqual({ legs: [], heldTokens: null, pricesUsd: {}, rejected: { count: 0, recent: [] }, transfersVersion: 0, failed: null });
    // the suites of a run share the database: this wallet's rejected rows go
    await pool.query('DELETE FROM rejected_transactions WHERE wallet = $1', [w]);
  });

  it("a count of a wallet's failed fees that meets a page of the wallet being stored waits for it and counts it; a page that meets the count's lock adds its fees to the totals the count set", async () => {
    const w = walletAddress('store-test', 'failed-fees-race', String(process.pid));
    const t = txs.slice(0, 3);
    await beginSync(pool, w, 'wallet-sync:race');
    await storeHistoryPage(pool, w, [failedCopy(t[0], 'R0', w, 7_000)], []);
    // as a wallet stored before its fees were kept
    await pool.query('UPDATE wallets SET failed_fees_counted = false, failed_fee_count = 0, failed_fee_lamports = 0 WHERE address = $1', [w]);
    const page = await pool.connect();
    try {
      // a page being stored: its statement has run (its row of the wallet locked), its transaction is open
      await page.query('BEGIN');
      await storeHistoryPage(page, w, [failedCopy(t[1], 'R1', w, 11_000)], []);
      const counting = countFailedFees(pool, w);
      // the count waits on the page's lock (read before that lock, it would miss the page for good)
      await waitFor('the count to wait on the lock', () => waitingOn(pool, page));
      await page.query('COMMIT');
      expect(await counting).toEqual({ transactions: 2, feeLamports: 18_000 });
    } finally {
      await page.query('ROLLBACK').catch(() => undefined);
      page.release();
    }
    expect((await loadAnalyticsInputs(pool, w)).failed).toEqual({ transactions: 2, feeLamports: 18_000 });
    // and a page stored while the count holds the wallet waits for it, then adds its fees to the totals it set
    await pool.query('UPDATE wallets SET failed_fees_counted = false WHERE address = $1', [w]);
    const count = await pool.connect();
    try {
      await count.query('BEGIN');
      await count.query('SELECT 1 FROM wallets WHERE address = $1 FOR UPDATE', [w]);
      const storing = storeHistoryPage(pool, w, [failedCopy(t[2], 'R2', w, 13_000)], []);
      await waitFor('the page to wait on the lock', () => waitingOn(pool, count));
      await setFailedFees(count, w, { transactions: 2, feeLamports: 18_000 });
      await count.query('COMMIT');
      await storing;
    } finally {
      count.release();
    }
    expect((await loadAnalyticsInputs(pool, w)).failed).toEqual({ transactions: 3, feeLamports: 31_000 });
  });

  it('analytics computed again replace the stored ones only when none were stored since they were read and no sync of the wallet is live', async () => {
    const w = walletAddress('store-test', 'stale-analytics', String(process.pid));
    const old = { pnl: { v: 1 }, behavior: {}, coverage: {}, engineVersion: '2.18.0' };
    const again = { ...old, pnl: { v: 2 }, engineVersion: ENGINE_VERSION };
    await beginSync(pool, w, 'wallet-sync:stale');
    await saveWalletAnalytics(pool, w, old);
    // a sync of the wallet is live: its legs may have a gap until its end
    let read = await storedAnalyticsVersion(pool, w);
    expect(read).toMatchObject({ engineVersion: '2.18.0', syncing: true });
    expect(await replaceStaleAnalytics(pool, w, again, read!)).toBe(false);
    await finishSync(pool, w, { ok: true });
    read = await storedAnalyticsVersion(pool, w);
    expect(read?.syncing).toBe(false);
    // others stored since the read (a sync's end): kept
    await saveWalletAnalytics(pool, w, { ...old, pnl: { v: 3 } });
    expect(await replaceStaleAnalytics(pool, w, again, read!)).toBe(false);
    expect((await getWalletAnalytics(pool, w))?.pnl).toEqual({ v: 3 });
    // as read: replaced, once
    read = await storedAnalyticsVersion(pool, w);
    expect(await replaceStaleAnalytics(pool, w, again, read!)).toBe(true);
    expect(await getWalletAnalytics(pool, w)).toMatchObject({ pnl: { v: 2 }, engineVersion: ENGINE_VERSION });
    expect(await replaceStaleAnalytics(pool, w, again, read!)).toBe(false);
    expect(await storedAnalyticsVersion(pool, 'NoAnalytics1111111111111111111111111111111')).toBeNull();
  });

  it("ends a sync in one statement as the watermark, completion, analytics and finish steps end it one by one", async () => {
    const top = (slot: number) => ({ signature: `sig-at-${slot}`, slot, timestamp: 1_700_000_000 + slot });
    const analytics = (n: number) => ({ pnl: { n }, behavior: { b: n }, coverage: { legs: n }, engineVersion: `v${n}` });
    type Commit = { top: ReturnType<typeof top> | null; historyComplete: boolean; coveredSince: number | null };
    // each case: the wallet's state before (a watermark at slot 100, covered since 5,000, or neither) and the commit
    const cases: Array<{ before: { top?: number; coveredSince?: number; complete?: boolean }; commit: Commit }> = [
      { before: {}, commit: { top: top(50), historyComplete: true, coveredSince: null } },
      { before: { top: 100 }, commit: { top: top(200), historyComplete: false, coveredSince: 6_000 } },
      // a watermark never moves down, and the earliest covered time stays
      { before: { top: 100, coveredSince: 5_000 }, commit: { top: top(90), historyComplete: false, coveredSince: 6_000 } },
      { before: { top: 100, coveredSince: 5_000 }, commit: { top: null, historyComplete: false, coveredSince: 4_000 } },
      { before: { top: 100, complete: true }, commit: { top: null, historyComplete: false, coveredSince: null } },
    ];
    const state = async (w: string) =>
      (
        await pool.query(
          `SELECT w.newest_signature, w.newest_slot, w.newest_timestamp, w.history_complete, w.covered_since, w.sync_state, w.sync_lease_until, w.last_sync_error,
                  w.last_synced_at IS NOT NULL AS synced, a.pnl, a.behavior, a.coverage, a.engine_version
             FROM wallets w LEFT JOIN wallet_analytics a ON a.wallet = w.address WHERE w.address = $1`,
          [w],
        )
      ).rows[0];
    for (const [i, c] of cases.entries()) {
      const [oneByOne, together] = [`EndSteps${i}111111111111111111111111111111111`, `EndOnce${i}1111111111111111111111111111111111`];
      for (const w of [oneByOne, together]) {
        await beginSync(pool, w, 'wallet-sync:test');
        if (c.before.top !== undefined) await commitWatermark(pool, w, top(c.before.top));
        if (c.before.coveredSince !== undefined) await markCoveredSince(pool, w, c.before.coveredSince);
        if (c.before.complete) await markHistoryComplete(pool, w);
      }
      if (c.commit.top) await commitWatermark(pool, oneByOne, c.commit.top);
      if (c.commit.historyComplete) await markHistoryComplete(pool, oneByOne);
      else if (c.commit.coveredSince !== null) await markCoveredSince(pool, oneByOne, c.commit.coveredSince);
      await saveWalletAnalytics(pool, oneByOne, analytics(i));
      await finishSync(pool, oneByOne, { ok: true });
      const counting = countingStatements(pool);
      await finishSyncWithAnalytics(counting.pool, together, c.commit, analytics(i));
      expect(counting.statements).toBe(1);
      const expected = await state(oneByOne);
      expect(expected).toMatchObject({ sync_state: 'synced', sync_lease_until: null, synced: true, pnl: { n: i } });
      expect(await state(together)).toEqual(expected);
    }
  });

  it('a token DexScreener does not know is not asked for again until its back-off ends, and the back-off grows', async () => {
    const mint = 'UnknownMint1111111111111111111111111111111';
    expect(await mintsNeedingFetch(pool, [mint])).toEqual([mint]);
    await saveMarkets(pool, [{ mint, status: 'unknown' }]);
    expect(await mintsNeedingFetch(pool, [mint])).toEqual([]);
    const [first] = await getTokens(pool, [mint]);
    expect(first.status).toBe('unknown');
    const firstWait = new Date(first.nextAttemptAt as string).getTime() - Date.now();
    expect(firstWait).toBeGreaterThan(3590_000);
    expect(firstWait).toBeLessThanOrEqual(3600_000);
    await pool.query(`UPDATE tokens SET next_attempt_at = now() - interval '1 second' WHERE mint = $1`, [mint]);
    expect(await mintsNeedingFetch(pool, [mint])).toEqual([mint]);
    await saveMarkets(pool, [{ mint, status: 'unknown' }]);
    const [second] = await getTokens(pool, [mint]);
    const secondWait = new Date(second.nextAttemptAt as string).getTime() - Date.now();
    expect(secondWait).toBeGreaterThan(7190_000); // 2 h after the second miss
  });

  it("stores a batch of DexScreener's answers in two statements, each token's own fields, the last answer of a mint listed twice", async () => {
    const mints = Array.from({ length: 5 }, (_, i) => `SaveMarketsBatch${i}1111111111111111111111111`);
    await mintsNeedingFetch(pool, mints);
    await pool.query(`UPDATE tokens SET fetch_claimed_by = 'a-run', fetch_claimed_until = now() + interval '5 minutes', last_error = 'before' WHERE mint = ANY($1)`, [mints]);
    const counting = countingStatements(pool);
    // mint 3 first unknown, then priced: the last answer stands; mint 4 priced, then unknown
    await saveMarkets(counting.pool, [pricedMarket(mints[0], 0), pricedMarket(mints[1], 1), { mint: mints[2], status: 'unknown' }, { mint: mints[3], status: 'unknown' }, pricedMarket(mints[3], 3), pricedMarket(mints[4], 4), { mint: mints[4], status: 'unknown' }]);
    expect(counting.statements).toBe(2);

    const rows = new Map((await getTokens(pool, mints)).map((t) => [t.mint, t]));
    for (const i of [0, 1, 3]) {
      expect(rows.get(mints[i])).toMatchObject({ status: 'resolved', symbol: `SYM${i}`, name: `Token ${i}`, imageUrl: i === 0 ? null : `https://img.example/${i}.png`, priceUsd: 0.000012 * (i + 1), liquidityUsd: 1000 * (i + 1), pairAddress: `Pair${i}`, dexId: i % 2 ? 'raydium' : 'orca', nextAttemptAt: null, lastError: null });
      expect(rows.get(mints[i])?.priceFetchedAt).not.toBeNull();
    }
    for (const i of [2, 4]) expect(rows.get(mints[i])).toMatchObject({ status: 'unknown', symbol: null, lastError: null });
    const { rows: stored } = await pool.query(`SELECT mint, attempts, metadata, fetch_claimed_by FROM tokens WHERE mint = ANY($1) ORDER BY mint`, [mints]);
    expect(stored.map((r) => [r.attempts, r.fetch_claimed_by])).toEqual([[0, null], [0, null], [1, null], [0, null], [1, null]]);
    expect(stored[1].metadata).toEqual(JSON.parse(JSON.stringify(pricedMarket(mints[1], 1))));
  });
});
