// Transactions a provider sent that failed validation (rejected_transactions), with the reason, so
// coverage can say how many were left out and why. The only module with SQL that writes to it.

/** A transaction of the page that failed validation. */
export interface RejectedRow {
  /** the signature, or "<cursor>#<index>" when it had none */
  key: string;
  signature: string | null;
  timestamp: number | null;
  field: string;
  reason: string;
}

/**
 * The page statement's parts (storeHistoryPage): records the rejected rows of `rowsParam` (RejectedRow,
 * JSON) for the wallet `$1`, and clears its earlier rejections of the signatures in `storedRows` (a
 * CTE with a signature column): recordRejected in one statement. A page's rejected and stored
 * transactions are different ones, so the two never touch the same row.
 */
export function recordRejectedCtes(insertName: string, clearName: string, rowsParam: string, storedRows: string): string {
  return `${insertName} AS (
    INSERT INTO rejected_transactions (wallet, reject_key, signature, timestamp, field, reason)
    -- once per key: a provider that lists one transaction twice in a page would otherwise have the
    -- statement update one row twice, which PostgreSQL refuses (and the page would fail on every retry)
    SELECT DISTINCT ON (key) $1, key, signature, timestamp, field, reason FROM jsonb_to_recordset(${rowsParam}::jsonb) AS x(key text, signature text, timestamp bigint, field text, reason text)
    ORDER BY key
    ON CONFLICT (wallet, reject_key) DO UPDATE SET field = EXCLUDED.field, reason = EXCLUDED.reason, last_seen_at = now()
    RETURNING 1),
  ${clearName} AS (
    DELETE FROM rejected_transactions WHERE wallet = $1 AND signature IN (SELECT signature FROM ${storedRows})
    RETURNING 1)`;
}
