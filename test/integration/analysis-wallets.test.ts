// analysis_wallets (migration 1795770000000): one row per analysis and wallet of its group, kept by
// the database from every statement that writes analyses, and what GET /v1/analyses?wallets=,
// ?sharing= and ?wallet= count from it. On a database of its own, filled before the migration by the
// code of today (the analyses table has had every column it writes since earlier migrations), then
// migrated.
import { randomUUID } from 'node:crypto';
import { derivedAddress } from '../../src/simulator/keys';
import { deleteUnstartedAnalysis, insertAnalyses, insertAnalysis, listAnalyses, recordTokenHolders } from '../../src/store/analyses';
import { databaseBefore, migrationNames, type PartlyMigrated } from '../harness/migrations';
import type { Pool } from 'pg';

const MIGRATION = '1795770000000_analysis-wallets';
const addresses = Array.from({ length: 40 }, (_, i) => derivedAddress('analysis-wallets', String(i)));
const row = (wallets: string[], extra: { startPending?: boolean; ownerKeyId?: string } = {}) => {
  const id = randomUUID();
  return { id, workflowId: `analysis-${id}`, requestId: null, wallets, params: {}, ...extra };
};

/** Every (analysis, wallet) of the analyses' groups, and every row of analysis_wallets: "id wallet", sorted. */
async function bothWays(pool: Pool): Promise<{ groups: string[]; rows: string[] }> {
  const groups = await pool.query<{ k: string }>(`SELECT DISTINCT id || ' ' || w AS k FROM analyses CROSS JOIN LATERAL unnest(wallets) w ORDER BY 1`);
  const rows = await pool.query<{ k: string }>(`SELECT analysis_id || ' ' || wallet AS k FROM analysis_wallets ORDER BY 1`);
  return { groups: groups.rows.map((r) => r.k), rows: rows.rows.map((r) => r.k) };
}

/** What the list should answer: every analysis's group counted against the wallets by hand, most shared first, then the newest. */
async function byHand(pool: Pool, wallets: string[], min: number, exclude?: string): Promise<Array<[string, number]>> {
  const { rows } = await pool.query<{ id: string; wallets: string[] }>('SELECT id, wallets FROM analyses ORDER BY created_at DESC, id');
  const asked = new Set(wallets);
  return rows
    .map((r): [string, number] => [r.id, r.wallets.filter((w) => asked.has(w)).length])
    .filter(([id, n]) => n >= min && id !== exclude)
    .sort((a, b) => b[1] - a[1]);
}

describe('analysis_wallets', () => {
  let db: PartlyMigrated;
  afterAll(async () => db?.close());

  it('holds every group stored before the migration and after it, follows a group set later and a deleted analysis, and the lists count from it', async () => {
    db = await databaseBefore(MIGRATION, 'analysis_wallets');
    const { pool } = db;
    // before: three analyses, one a token analysis whose holders are not resolved yet
    const before = [row(addresses.slice(0, 10)), row(addresses.slice(5, 25)), row([])];
    for (const r of before) await insertAnalysis(pool, r);
    const files = migrationNames();
    expect(await db.migrateRest()).toEqual(files.slice(files.indexOf(MIGRATION)));
    const filled = await bothWays(pool);
    expect(filled.rows).toHaveLength(30);
    expect(filled.rows).toEqual(filled.groups);

    // after: several analyses in one statement (the API's batches), one of them conflicting with a
    // stored id (of a group none of whose wallets that analysis has: not stored, none of its rows)
    const batch = [row(addresses.slice(20, 40)), row([addresses[0], addresses[39]]), { ...row(addresses.slice(30, 33)), id: before[0].id }];
    expect([...(await insertAnalyses(pool, batch))].sort()).toEqual([batch[0].id, batch[1].id].sort());
    // the token analysis's holders resolved: its group set; then set again (a retried step) to others
    await recordTokenHolders(pool, before[2].id, addresses.slice(8, 16), {});
    await recordTokenHolders(pool, before[2].id, addresses.slice(12, 20), {});
    // an analysis whose workflow never started is deleted: its rows go with it
    const unstarted = row(addresses.slice(30, 35), { startPending: true });
    await insertAnalysis(pool, unstarted);
    await deleteUnstartedAnalysis(pool, unstarted.id);
    const now = await bothWays(pool);
    expect(now.rows).toEqual(now.groups);
    expect(now.rows.filter((k) => k.startsWith(before[2].id))).toEqual(addresses.slice(12, 20).map((w) => `${before[2].id} ${w}`).sort());
    expect(now.rows.some((k) => k.startsWith(unstarted.id))).toBe(false);

    // the lists: as counted by hand, for a few asked groups and thresholds
    for (const [wallets, min, exclude] of [
      [addresses.slice(0, 10), 5, undefined],
      [addresses.slice(0, 10), 1, before[0].id],
      [addresses.slice(10, 30), 3, undefined],
      [[addresses[0], addresses[39]], 1, undefined],
      [addresses, 2, undefined],
    ] as Array<[string[], number, string | undefined]>) {
      const expected = await byHand(pool, wallets, min, exclude);
      expect(expected.length).toBeGreaterThan(0);
      const listed = await listAnalyses(pool, { shared: { wallets, min, exclude }, limit: 100 });
      expect(listed.map((a) => [a.analysisId, a.shared])).toEqual(expected);
    }
    // ?wallet= (migration 1795780000000 dropped the GIN index it read): the analyses including it, newest first
    for (const wallet of [addresses[0], addresses[14], addresses[39]]) {
      const expected = (await byHand(pool, [wallet], 1)).map(([id]) => id);
      expect(expected.length).toBeGreaterThan(1);
      const listed = await listAnalyses(pool, { wallet, limit: 100 });
      expect(listed.map((a) => a.analysisId)).toEqual(expected);
      expect(listed.every((a) => a.shared === undefined && a.wallets.includes(wallet))).toBe(true);
    }
    expect(await listAnalyses(pool, { wallet: derivedAddress('analysis-wallets', 'in no group'), limit: 100 })).toEqual([]);
    // pages by before=: analyses stored by one statement (one created_at) page without a gap or a repeat,
    // with the wallet and without; of another key's, or with a before= the key cannot see, none
    const burst = Array.from({ length: 7 }, (_, i) => row([addresses[3], addresses[20 + i]], { ownerKeyId: 'key-a' }));
    await insertAnalyses(pool, burst);
    for (const wallet of [addresses[3], undefined]) {
      const all = (await listAnalyses(pool, { wallet, limit: 100, owner: 'key-a' })).map((a) => a.analysisId);
      expect([...all].sort()).toEqual(burst.map((r) => r.id).sort());
      const paged: string[] = [];
      for (let before: string | undefined, page; (page = await listAnalyses(pool, { wallet, before, limit: 3, owner: 'key-a' })).length > 0; before = page.at(-1)?.analysisId) {
        paged.push(...page.map((a) => a.analysisId));
      }
      expect(paged).toEqual(all);
    }
    expect(await listAnalyses(pool, { wallet: addresses[3], limit: 100, owner: 'key-b' })).toEqual([]);
    // stored after the burst: key-a's own, and key-b's (which key-a cannot page from)
    const [later, othersLater] = [row([addresses[3], addresses[21]], { ownerKeyId: 'key-a' }), row([addresses[3]], { ownerKeyId: 'key-b' })];
    await pool.query(`SELECT pg_sleep(0.01)`);
    await insertAnalysis(pool, later);
    await insertAnalysis(pool, othersLater);
    const burstIds = burst.map((r) => r.id).sort();
    expect((await listAnalyses(pool, { wallet: addresses[3], before: later.id, limit: 100, owner: 'key-a' })).map((a) => a.analysisId).sort()).toEqual(burstIds);
    expect(await listAnalyses(pool, { wallet: addresses[3], before: othersLater.id, limit: 100, owner: 'key-a' })).toEqual([]);
    // the shared lists take before= as "created before it": the burst before the later one, but no
    // sibling of the same burst (one instant: not an earlier analysis to compare with)
    const shared = { wallets: [addresses[3], addresses[21]], min: 1 };
    expect((await listAnalyses(pool, { shared, before: later.id, limit: 100, owner: 'key-a' })).map((a) => a.analysisId).sort()).toEqual(burstIds);
    expect(await listAnalyses(pool, { shared, before: burst[0].id, limit: 100, owner: 'key-a' })).toEqual([]);
    expect(await listAnalyses(pool, { shared, before: othersLater.id, limit: 100, owner: 'key-a' })).toEqual([]);
    const ginIndex = async () => (await pool.query(`SELECT to_regclass('analyses_wallets') AS t`)).rows[0].t as string | null;
    expect(await ginIndex()).toBeNull();

    // back down and up again
    await db.undo();
    expect((await pool.query(`SELECT to_regclass('analysis_wallets') AS t`)).rows[0].t).toBeNull();
    expect(await ginIndex()).toBe('analyses_wallets');
    await db.migrateRest();
    const again = await bothWays(pool);
    expect(again.rows).toEqual(again.groups);
  });
});
