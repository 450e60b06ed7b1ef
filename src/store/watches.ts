// Watched groups (migrations 1795710000000, 1795720000000, 1795730000000): a request analysed again on a schedule
// (its runs: watch-runs.ts), and the webhook told of its runs.
import type { FromSchema } from 'json-schema-to-ts';
import type { Pool } from 'pg';
import type { notifyOn } from '../api/schemas/watches';
import { inTransaction, type Queryable } from './db';

/** Which runs a watch's webhook is told of: those that changed something since the run before, or every run that ended. */
export type WatchNotifyOn = FromSchema<typeof notifyOn>;

/** A watch's webhook: where its runs are POSTed (a credential itself, often: shown by its origin only), and which. */
export interface WatchNotify {
  url: string;
  on: WatchNotifyOn;
}

/** A watch as stored: `request` is the analysis request (wallets sorted, defaults filled in). */
export interface WatchRecord {
  id: string;
  ownerKeyId: string | null;
  request: Record<string, unknown>;
  everyMinutes: number;
  fairnessKey: string | null;
  namespace: string;
  createdAt: string;
  notify: WatchNotify | null;
}

interface WatchRow {
  id: string;
  owner_key_id: string | null;
  request: Record<string, unknown>;
  every_minutes: number;
  fairness_key: string | null;
  temporal_namespace: string;
  created_at: Date;
  notify_url: string | null;
  notify_on: WatchNotifyOn | null;
}

const watchOf = (r: WatchRow): WatchRecord => ({
  id: r.id,
  ownerKeyId: r.owner_key_id,
  request: r.request,
  everyMinutes: r.every_minutes,
  fairnessKey: r.fairness_key,
  namespace: r.temporal_namespace,
  createdAt: r.created_at.toISOString(),
  notify: r.notify_url !== null && r.notify_on !== null ? { url: r.notify_url, on: r.notify_on } : null,
});

/** The columns a WatchRecord is read from: never the webhook's secret, which only its delivery reads (watchWebhook). */
const WATCH_COLUMNS = `w.id, w.owner_key_id, w.request, w.every_minutes, w.fairness_key, w.temporal_namespace, w.created_at, w.notify_url, w.notify_on`;

/**
 * Stores a new watch: 'inserted'; or the owner's watch of the same request, stored before (a retried
 * POST finds it); or 'limit' when the owner has `maxPerOwner` already. The owner's watches are read
 * under a transaction-scoped lock of the owner, so two requests at once cannot both take the last
 * place, nor both store the same request.
 */
export async function insertWatch(
  pool: Pool,
  watch: Omit<WatchRecord, 'createdAt' | 'notify'> & { notify?: (WatchNotify & { secret: string }) | null },
  maxPerOwner: number,
): Promise<'inserted' | 'limit' | { existing: WatchRecord }> {
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('watches:' || COALESCE($1::text, '')))`, [watch.ownerKeyId]);
    const { rows } = await client.query(
      `SELECT ${WATCH_COLUMNS}, request = $2::jsonb AS same, count(*) OVER () AS owned FROM watches w WHERE owner_key_id IS NOT DISTINCT FROM $1::text ORDER BY same DESC, created_at LIMIT 1`,
      [watch.ownerKeyId, watch.request],
    );
    const first = rows[0];
    if (first?.same) return { existing: watchOf(first) };
    if (first && Number(first.owned) >= maxPerOwner) return 'limit';
    await client.query(
      `INSERT INTO watches (id, owner_key_id, request, every_minutes, fairness_key, temporal_namespace, notify_url, notify_on, notify_secret) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [watch.id, watch.ownerKeyId, watch.request, watch.everyMinutes, watch.fairnessKey, watch.namespace, watch.notify?.url ?? null, watch.notify?.on ?? null, watch.notify?.secret ?? null],
    );
    return 'inserted';
  });
}

export async function getWatch(pool: Pool, id: string): Promise<WatchRecord | null> {
  const { rows } = await pool.query(`SELECT ${WATCH_COLUMNS} FROM watches w WHERE id = $1`, [id]);
  return rows[0] ? watchOf(rows[0]) : null;
}

/** Watches, newest first; with `owner`, that key's only (null: every key's). */
export async function listWatches(pool: Pool, owner: string | null, limit: number): Promise<WatchRecord[]> {
  const { rows } = await pool.query(`SELECT ${WATCH_COLUMNS} FROM watches w WHERE ($1::text IS NULL OR owner_key_id = $1::text) ORDER BY created_at DESC, id LIMIT $2`, [owner, limit]);
  return rows.map(watchOf);
}

/**
 * A watch's webhook with its signing secrets, for a delivery: its secret, and the one it replaced while
 * that one is still to sign (rotateWatchSecret); null when the watch has gone or has none.
 */
export async function watchWebhook(pool: Pool, id: string): Promise<(WatchNotify & { secrets: string[] }) | null> {
  const { rows } = await pool.query<{ notify_url: string | null; notify_on: WatchNotifyOn | null; notify_secret: string | null; previous: string | null }>(
    `SELECT notify_url, notify_on, notify_secret, CASE WHEN notify_previous_secret_until > now() THEN notify_previous_secret END AS previous FROM watches WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  return r?.notify_url && r.notify_on && r.notify_secret ? { url: r.notify_url, on: r.notify_on, secrets: r.previous ? [r.notify_secret, r.previous] : [r.notify_secret] } : null;
}

/**
 * Gives watch `id`'s webhook the signing secret `secret`; the one it had signs beside it for
 * `keepPreviousSeconds` more (0: not at all). Returns until when, or null when the watch has gone or
 * has no webhook. The secret it had is the one kept, whatever was kept before it.
 */
export async function rotateWatchSecret(pool: Pool, id: string, secret: string, keepPreviousSeconds: number): Promise<{ previousValidUntil: string | null } | null> {
  const { rows } = await pool.query<{ until: Date | null }>(
    `UPDATE watches SET notify_previous_secret = CASE WHEN $3::integer > 0 THEN notify_secret END,
            notify_previous_secret_until = CASE WHEN $3::integer > 0 THEN now() + make_interval(secs => $3::integer) END,
            notify_secret = $2
      WHERE id = $1 AND notify_secret IS NOT NULL
      RETURNING notify_previous_secret_until AS until`,
    [id, secret, keepPreviousSeconds],
  );
  const r = rows[0];
  return r ? { previousValidUntil: r.until ? r.until.toISOString() : null } : null;
}

/** Removes a watch and its runs' rows (their analyses stay); false when there was none. */
export async function deleteWatch(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(`DELETE FROM watches WHERE id = $1`, [id]);
  return rowCount === 1;
}

/** The watch, its row locked FOR SHARE until `client`'s transaction ends (a DELETE of it waits); null when there is none. */
export async function lockWatch(client: Queryable, id: string): Promise<WatchRecord | null> {
  const { rows } = await client.query(`SELECT ${WATCH_COLUMNS} FROM watches w WHERE id = $1 FOR SHARE`, [id]);
  return rows[0] ? watchOf(rows[0]) : null;
}
