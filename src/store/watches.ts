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
 * A watch's webhook with its signing secrets, for a delivery: its secret first, then those it
 * replaced that are still in their time (rotateWatchSecret), the last replaced first; null when the
 * watch has gone or has none.
 */
export async function watchWebhook(pool: Pool, id: string): Promise<(WatchNotify & { secrets: string[] }) | null> {
  const { rows } = await pool.query<{ notify_url: string | null; notify_on: WatchNotifyOn | null; notify_secret: string | null; previous: string[] }>(
    `SELECT notify_url, notify_on, notify_secret,
            ARRAY(SELECT e->>'secret' FROM jsonb_array_elements(notify_previous_secrets) WITH ORDINALITY AS p(e, n)
                   WHERE (e->>'until')::timestamptz > now() ORDER BY n) AS previous
       FROM watches WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  return r?.notify_url && r.notify_on && r.notify_secret ? { url: r.notify_url, on: r.notify_on, secrets: [r.notify_secret, ...r.previous] } : null;
}

/** Secrets replaced that sign beside a watch's secret at most (past it, the earliest replaced are dropped). */
export const MAX_PREVIOUS_SECRETS = 5;

/**
 * Gives watch `id`'s webhook the signing secret `secret`. The one it had signs beside it for
 * `keepPreviousSeconds` more, and those replaced before it for what is left of their time (a receiver
 * may hold any of them: a second replacement whose answer was lost must not leave it with none), at
 * most MAX_PREVIOUS_SECRETS, the last replaced first; with 0 none of them signs any more (a secret
 * that leaked). Returns until when the one replaced signs (null: it does not), or null when the watch
 * has gone or has no webhook.
 */
export async function rotateWatchSecret(pool: Pool, id: string, secret: string, keepPreviousSeconds: number): Promise<{ previousValidUntil: string | null } | null> {
  const { rows } = await pool.query<{ until: Date | null }>(
    `UPDATE watches SET notify_secret = $2,
            notify_previous_secrets = CASE WHEN $3::integer = 0 THEN '[]'::jsonb ELSE (
              SELECT COALESCE(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM (
                SELECT e, n FROM jsonb_array_elements(jsonb_build_array(jsonb_build_object('secret', notify_secret, 'until', now() + make_interval(secs => $3::integer))) || notify_previous_secrets) WITH ORDINALITY AS p(e, n)
                 WHERE (e->>'until')::timestamptz > now() ORDER BY n LIMIT $4) kept) END
      WHERE id = $1 AND notify_secret IS NOT NULL
      RETURNING CASE WHEN $3::integer > 0 THEN now() + make_interval(secs => $3::integer) END AS until`,
    [id, secret, keepPreviousSeconds, MAX_PREVIOUS_SECRETS],
  );
  const r = rows[0];
  return r ? { previousValidUntil: r.until ? r.until.toISOString() : null } : null;
}

/** What PATCH /v1/watches/{id} changes: the interval, and the webhook (its URL or which runs it is told of, each kept when left out; null: none). */
export interface WatchChange {
  everyMinutes?: number;
  notify?: { url?: string; on?: WatchNotifyOn } | null;
}

/**
 * Changes watch `id` as `change` says, under a lock of its row, and runs `alongside` (the schedule's
 * update in Temporal) before the change commits: a Temporal that refuses leaves the row as it was.
 * A webhook given a new URL (or a watch given one) takes `newSecret`, and the secrets kept beside
 * it (rotateWatchSecret) go: both were the old receiver's; one whose URL stays keeps its secrets.
 * Returns the watch as it was and as changed, and whether `newSecret` was taken; null when the watch
 * has gone; 'noWebhook' when `change` keeps a URL the watch does not have.
 */
export async function updateWatch(
  pool: Pool,
  id: string,
  change: WatchChange,
  newSecret: string,
  alongside: (before: WatchRecord, client: Queryable) => Promise<void>,
): Promise<{ before: WatchRecord; after: WatchRecord; secretTaken: boolean } | 'noWebhook' | null> {
  return inTransaction(pool, async (client) => {
    // NO KEY: a run begun meanwhile (lockWatch's KEY SHARE, the foreign key's check of its row) does not wait for it
    const locked = await client.query(`SELECT ${WATCH_COLUMNS} FROM watches w WHERE id = $1 FOR NO KEY UPDATE`, [id]);
    if (!locked.rows[0]) return null;
    const before = watchOf(locked.rows[0]);
    const { notify } = change;
    if (notify && notify.url === undefined && !before.notify) return 'noWebhook';
    const removed = notify === null;
    const newUrl = notify?.url !== undefined && notify.url !== before.notify?.url;
    const { rows } = await client.query(
      `UPDATE watches w SET every_minutes = COALESCE($2, every_minutes),
              notify_url = CASE WHEN $3 THEN NULL ELSE COALESCE($4, notify_url) END,
              notify_on = CASE WHEN $3 THEN NULL WHEN $4::text IS NULL AND $5::text IS NULL THEN notify_on ELSE COALESCE($5, notify_on, 'changes') END,
              notify_secret = CASE WHEN $3 THEN NULL WHEN $6 THEN $7 ELSE notify_secret END,
              notify_previous_secrets = CASE WHEN $3 OR $6 THEN '[]'::jsonb ELSE notify_previous_secrets END
        WHERE id = $1 RETURNING ${WATCH_COLUMNS}`,
      [id, change.everyMinutes ?? null, removed, notify?.url ?? null, notify?.on ?? null, newUrl, newSecret],
    );
    await alongside(before, client);
    return { before, after: watchOf(rows[0]), secretTaken: newUrl };
  });
}

/** Removes a watch and its runs' rows (their analyses stay); false when there was none. */
export async function deleteWatch(pool: Pool, id: string): Promise<boolean> {
  const { rowCount } = await pool.query(`DELETE FROM watches WHERE id = $1`, [id]);
  return rowCount === 1;
}

/**
 * The watch, its row locked FOR KEY SHARE until `client`'s transaction ends: a DELETE of it waits, a
 * change of its interval or webhook (updateWatch, which may wait on Temporal) does not; null when
 * there is none.
 */
export async function lockWatch(client: Queryable, id: string): Promise<WatchRecord | null> {
  const { rows } = await client.query(`SELECT ${WATCH_COLUMNS} FROM watches w WHERE id = $1 FOR KEY SHARE`, [id]);
  return rows[0] ? watchOf(rows[0]) : null;
}
