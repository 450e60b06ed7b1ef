// Transactions a provider sent that failed validation (rejected_transactions), with the reason, so
// coverage can say how many were left out and why. The only module with SQL that writes to it.
import type { Pool } from 'pg';
import type { Queryable } from './db';

/** A transaction of the page that failed validation. */
export interface RejectedRow {
  /** the signature, or "<cursor>#<index>" when it had none */
  key: string;
  signature: string | null;
  timestamp: number | null;
  field: string;
  reason: string;
}

/** Records the page's rejected transactions, and clears earlier rejections of the signatures stored now. */
export async function recordRejected(db: Queryable, wallet: string, stored: Array<{ signature: string }>, rejected: RejectedRow[]): Promise<void> {
  if (rejected.length > 0) {
    await db.query(
      `INSERT INTO rejected_transactions (wallet, reject_key, signature, timestamp, field, reason)
       SELECT $1, key, signature, timestamp, field, reason FROM jsonb_to_recordset($2::jsonb) AS x(key text, signature text, timestamp bigint, field text, reason text)
       ON CONFLICT (wallet, reject_key) DO UPDATE SET field = EXCLUDED.field, reason = EXCLUDED.reason, last_seen_at = now()`,
      [wallet, JSON.stringify(rejected)],
    );
  }
  if (stored.length > 0) {
    await db.query('DELETE FROM rejected_transactions WHERE wallet = $1 AND signature = ANY($2::text[])', [wallet, stored.map((tx) => tx.signature)]);
  }
}

/** How many of a wallet's transactions were rejected, and the newest few with their reasons. */
export async function loadRejected(pool: Pool, wallet: string, limit = 20): Promise<{ count: number; recent: Array<{ signature: string | null; field: string; reason: string }> }> {
  const { rows } = await pool.query(
    `SELECT signature, field, reason, count(*) OVER () AS n FROM rejected_transactions WHERE wallet = $1 ORDER BY last_seen_at DESC, reject_key LIMIT $2`,
    [wallet, limit],
  );
  return { count: rows.length > 0 ? Number(rows[0].n) : 0, recent: rows.map((r) => ({ signature: r.signature, field: r.field, reason: r.reason })) };
}
