// Transactions and legs. A transaction is stored once per signature and linked to every wallet it
// belongs to; legs are keyed by an idempotency key that includes the wallet, so re-running a page
// (a retried activity, a worker killed mid-sync) never stores anything twice.
import type { Pool, PoolClient } from 'pg';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { legKey, type SwapLeg } from '../domain';
import { SYNC_LEASE_SECONDS } from './wallets';
import { inTransaction } from './db';

export interface StoredPage {
  newTransactions: number;
  newLegs: number;
}

/** A transaction of the page that failed validation (see rejected_transactions). */
export interface RejectedRow {
  /** the signature, or "<cursor>#<index>" when it had none */
  key: string;
  signature: string | null;
  timestamp: number | null;
  field: string;
  reason: string;
}

function isFailed(tx: EnhancedTransaction): boolean {
  return tx.transactionError !== null && tx.transactionError !== undefined;
}

/**
 * Stores one page of a wallet's history and its legs in one transaction, and renews the sync lease.
 * Rejected transactions of the page are recorded with their reason; a stored signature clears an
 * earlier rejection of it.
 */
export async function storeHistoryPage(pool: Pool, wallet: string, txs: EnhancedTransaction[], legs: SwapLeg[], rejected: RejectedRow[] = []): Promise<StoredPage> {
  return inTransaction(pool, async (client) => {
    const txRows = txs.map((tx) => ({
      signature: tx.signature,
      slot: tx.slot,
      timestamp: tx.timestamp,
      type: tx.type,
      source: tx.source,
      failed: isFailed(tx),
      payload: tx,
    }));
    await client.query(
      `INSERT INTO transactions (signature, slot, timestamp, type, source, failed, payload)
       SELECT signature, slot, timestamp, type, source, failed, payload
         FROM jsonb_to_recordset($1::jsonb) AS x(signature text, slot bigint, timestamp bigint, type text, source text, failed boolean, payload jsonb)
       ON CONFLICT (signature) DO NOTHING`,
      [JSON.stringify(txRows)],
    );
    const linked = await client.query(
      `INSERT INTO wallet_transactions (wallet, signature, slot, timestamp)
       SELECT $1, signature, slot, timestamp FROM jsonb_to_recordset($2::jsonb) AS x(signature text, slot bigint, timestamp bigint)
       ON CONFLICT DO NOTHING RETURNING signature`,
      [wallet, JSON.stringify(txRows.map(({ signature, slot, timestamp }) => ({ signature, slot, timestamp })))],
    );
    const legRows = legs.map((leg) => ({
      leg_key: legKey(leg),
      signature: leg.signature,
      slot: leg.slot,
      timestamp: leg.timestamp,
      mint: leg.mint,
      direction: leg.direction,
      kind: leg.kind,
      amount: leg.amount,
      quote: leg.quote,
      quote_amount: leg.quoteAmount,
      sol_value: leg.solValue,
      sol_value_estimated: leg.solValueEstimated,
      fee_lamports: leg.feeLamports,
      source: leg.source,
      type: leg.type,
      leg,
    }));
    const inserted = await client.query(
      `INSERT INTO swap_legs (leg_key, wallet, signature, slot, timestamp, mint, direction, kind, amount, quote, quote_amount, sol_value, sol_value_estimated, fee_lamports, source, type, leg)
       SELECT leg_key, $1, signature, slot, timestamp, mint, direction, kind, amount, quote, quote_amount, sol_value, sol_value_estimated, fee_lamports, source, type, leg
         FROM jsonb_to_recordset($2::jsonb) AS x(leg_key text, signature text, slot bigint, timestamp bigint, mint text, direction text, kind text, amount numeric, quote text,
              quote_amount numeric, sol_value double precision, sol_value_estimated boolean, fee_lamports bigint, source text, type text, leg jsonb)
       ON CONFLICT (leg_key) DO NOTHING RETURNING leg_key`,
      [wallet, JSON.stringify(legRows)],
    );
    await recordRejected(client, wallet, txs, rejected);
    const failed = txs.filter((tx) => isFailed(tx) && linked.rows.some((r) => r.signature === tx.signature)).length;
    const oldest = txs.length > 0 ? txs.reduce((a, b) => (b.slot < a.slot ? b : a)) : null;
    await client.query(
      `UPDATE wallets SET
         transaction_count = transaction_count + $2, failed_transaction_count = failed_transaction_count + $3, leg_count = leg_count + $4,
         sync_pages = sync_pages + 1, sync_transactions = sync_transactions + $5,
         oldest_signature = CASE WHEN $6::text IS NOT NULL AND (oldest_timestamp IS NULL OR $7::bigint <= oldest_timestamp) THEN $6 ELSE oldest_signature END,
         oldest_timestamp = CASE WHEN $6::text IS NOT NULL AND (oldest_timestamp IS NULL OR $7::bigint <= oldest_timestamp) THEN $7 ELSE oldest_timestamp END,
         sync_lease_until = now() + make_interval(secs => $8), updated_at = now()
       WHERE address = $1`,
      [wallet, linked.rowCount ?? 0, failed, inserted.rowCount ?? 0, txs.length, oldest?.signature ?? null, oldest?.timestamp ?? null, SYNC_LEASE_SECONDS],
    );
    return { newTransactions: linked.rowCount ?? 0, newLegs: inserted.rowCount ?? 0 };
  });
}

async function recordRejected(client: PoolClient, wallet: string, txs: EnhancedTransaction[], rejected: RejectedRow[]): Promise<void> {
  if (rejected.length > 0) {
    await client.query(
      `INSERT INTO rejected_transactions (wallet, reject_key, signature, timestamp, field, reason)
       SELECT $1, key, signature, timestamp, field, reason FROM jsonb_to_recordset($2::jsonb) AS x(key text, signature text, timestamp bigint, field text, reason text)
       ON CONFLICT (wallet, reject_key) DO UPDATE SET field = EXCLUDED.field, reason = EXCLUDED.reason, last_seen_at = now()`,
      [wallet, JSON.stringify(rejected)],
    );
  }
  if (txs.length > 0) {
    await client.query('DELETE FROM rejected_transactions WHERE wallet = $1 AND signature = ANY($2::text[])', [wallet, txs.map((tx) => tx.signature)]);
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

/** A wallet's legs, oldest first, optionally from a unix time on. */
export async function loadLegs(pool: Pool, wallet: string, sinceTimestamp: number | null = null): Promise<SwapLeg[]> {
  const { rows } = await pool.query<{ leg: SwapLeg }>(
    `SELECT leg FROM swap_legs WHERE wallet = $1 AND ($2::bigint IS NULL OR timestamp >= $2) ORDER BY timestamp, slot, signature, leg_key`,
    [wallet, sinceTimestamp],
  );
  return rows.map((r) => r.leg);
}

export async function countLegs(pool: Pool, wallet: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM swap_legs WHERE wallet = $1', [wallet]);
  return Number(rows[0].n);
}
