// Watched groups (migration 1795710000000): a request analysed again on a schedule (its runs: watch-runs.ts).
import type { Pool } from 'pg';
import { inTransaction, type Queryable } from './db';

/** A watch as stored: `request` is the analysis request (wallets sorted, defaults filled in). */
export interface WatchRecord {
  id: string;
  ownerKeyId: string | null;
  request: Record<string, unknown>;
  everyMinutes: number;
  fairnessKey: string | null;
  namespace: string;
  createdAt: string;
}

const watchOf = (r: { id: string; owner_key_id: string | null; request: Record<string, unknown>; every_minutes: number; fairness_key: string | null; temporal_namespace: string; created_at: Date }): WatchRecord => ({
  id: r.id,
  ownerKeyId: r.owner_key_id,
  request: r.request,
  everyMinutes: r.every_minutes,
  fairnessKey: r.fairness_key,
  namespace: r.temporal_namespace,
  createdAt: r.created_at.toISOString(),
});

/**
 * Stores a new watch: 'inserted'; or the owner's watch of the same request, stored before (a retried
 * POST finds it); or 'limit' when the owner has `maxPerOwner` already. The owner's watches are read
 * under a transaction-scoped lock of the owner, so two requests at once cannot both take the last
 * place, nor both store the same request.
 */
export async function insertWatch(pool: Pool, watch: Omit<WatchRecord, 'createdAt'>, maxPerOwner: number): Promise<'inserted' | 'limit' | { existing: WatchRecord }> {
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('watches:' || COALESCE($1::text, '')))`, [watch.ownerKeyId]);
    const { rows } = await client.query(
      `SELECT w.*, request = $2::jsonb AS same, count(*) OVER () AS owned FROM watches w WHERE owner_key_id IS NOT DISTINCT FROM $1::text ORDER BY same DESC, created_at LIMIT 1`,
      [watch.ownerKeyId, watch.request],
    );
    const first = rows[0];
    if (first?.same) return { existing: watchOf(first) };
    if (first && Number(first.owned) >= maxPerOwner) return 'limit';
    await client.query(`INSERT INTO watches (id, owner_key_id, request, every_minutes, fairness_key, temporal_namespace) VALUES ($1, $2, $3, $4, $5, $6)`, [
      watch.id,
      watch.ownerKeyId,
      watch.request,
      watch.everyMinutes,
      watch.fairnessKey,
      watch.namespace,
    ]);
    return 'inserted';
  });
}

export async function getWatch(pool: Pool, id: string): Promise<WatchRecord | null> {
  const { rows } = await pool.query(`SELECT * FROM watches WHERE id = $1`, [id]);
  return rows[0] ? watchOf(rows[0]) : null;
}

/** Watches, newest first; with `owner`, that key's only (null: every key's). */
export async function listWatches(pool: Pool, owner: string | null, limit: number): Promise<WatchRecord[]> {
  const { rows } = await pool.query(`SELECT * FROM watches WHERE ($1::text IS NULL OR owner_key_id = $1::text) ORDER BY created_at DESC, id LIMIT $2`, [owner, limit]);
  return rows.map(watchOf);
}

/** Removes a watch and its runs' rows (their analyses stay); false when there was none. */
export async function deleteWatch(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(`DELETE FROM watches WHERE id = $1`, [id]);
  return rowCount === 1;
}

/** The watch, its row locked FOR SHARE until `client`'s transaction ends (a DELETE of it waits); null when there is none. */
export async function lockWatch(client: Queryable, id: string): Promise<WatchRecord | null> {
  const { rows } = await client.query(`SELECT * FROM watches WHERE id = $1 FOR SHARE`, [id]);
  return rows[0] ? watchOf(rows[0]) : null;
}
