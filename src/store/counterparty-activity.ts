// The counterparty_activity cache (migrations/1795580000000_counterparty-activity.sql): one page of a
// counterparty's newest signatures, summarised, so that the similarity step can tell a busy service
// from an operator's own funding wallet (counterpartyActivityClass) without asking the chain again
// for every analysis.
import type { Pool } from 'pg';
import type { CounterpartyActivity } from '../domain/detection/types';

/**
 * The counterparties at least two of `wallets` transferred with (any direction, any token, SOL from
 * `minLamports` on, no NFT sale: dust is no one's funding, and address poisoners spray it on every wallet), other
 * than the wallets themselves and `exclude` (known exchanges: their weight is already 0), at most
 * `limit`: those most of the group shares SOL with (or whose fees it paid, `FEE_ASSET`) first, when
 * two wallets or more do (what the chain says of an address weighs SOL evidence most: a wallet of
 * one owner weighs 1 for SOL and fees only; a gasless relayer is a busy service, weight 0),
 * then those most of the group shares anything with (a spam token's sender), then by address.
 */
export async function sharedCounterparties(pool: Pool, wallets: readonly string[], exclude: readonly string[], limit: number, minLamports: number): Promise<string[]> {
  if (wallets.length < 2 || limit <= 0) return [];
  const { rows } = await pool.query<{ counterparty: string }>(
    `SELECT counterparty
       FROM wallet_transfers
      WHERE wallet = ANY($1::text[])
        AND NOT counterparty = ANY($1::text[])
        AND NOT counterparty = ANY($2::text[])
        AND (asset <> 'SOL' OR raw_amount >= $4)
        -- an NFT's seller is no common counterparty of its buyers (engine 2.20.0): nothing reads it
        AND asset <> 'NFT_SALE'
      GROUP BY counterparty
     HAVING count(DISTINCT wallet) >= 2
      -- SOL (or fees paid, engine 2.8.0) shared with two wallets or more first (one wallet's links no
      -- pair), then by all it shares
      ORDER BY CASE WHEN count(DISTINCT wallet) FILTER (WHERE asset IN ('SOL', 'FEE')) >= 2 THEN count(DISTINCT wallet) FILTER (WHERE asset IN ('SOL', 'FEE')) ELSE 0 END DESC,
               count(DISTINCT wallet) DESC, counterparty
      LIMIT $3`,
    [wallets, exclude, limit, minLamports],
  );
  return rows.map((r) => r.counterparty);
}

/** A cache row fetched at most $2 seconds ago (null: however old): the condition the caches' loads share. */
export const FETCHED_WITHIN_SQL = '($2::double precision IS NULL OR fetched_at >= now() - make_interval(secs => $2::double precision))';

/** `maxAgeSeconds` as FETCHED_WITHIN_SQL's $2. */
export const maxAgeParam = (maxAgeSeconds: number): number | null => (Number.isFinite(maxAgeSeconds) ? maxAgeSeconds : null);

/** The stored summaries of `addresses` fetched at most `maxAgeSeconds` ago. */
export async function loadCounterpartyActivity(pool: Pool, addresses: readonly string[], maxAgeSeconds: number = Infinity): Promise<Map<string, CounterpartyActivity>> {
  if (addresses.length === 0) return new Map();
  const { rows } = await pool.query<{ address: string; transactions: number; page_limit: number; oldest_time: string | null; newest_time: string | null }>(
    `SELECT address, transactions, page_limit, oldest_time, newest_time
       FROM counterparty_activity
      WHERE address = ANY($1::text[]) AND ${FETCHED_WITHIN_SQL}`,
    [addresses, maxAgeParam(maxAgeSeconds)],
  );
  return new Map(
    rows.map((r) => [
      r.address,
      {
        transactions: r.transactions,
        complete: r.transactions < r.page_limit,
        oldestTime: r.oldest_time === null ? null : Number(r.oldest_time),
        newestTime: r.newest_time === null ? null : Number(r.newest_time),
      },
    ]),
  );
}

/**
 * Stores (or replaces) a counterparty's summary, read with a page of `pageLimit` signatures, with the
 * oldest signatures of a whole history (oldest first; null when the page was full) and the page's
 * newest signatures (newest first).
 */
export async function storeCounterpartyActivity(
  pool: Pool,
  address: string,
  activity: CounterpartyActivity,
  pageLimit: number,
  oldestSignatures: readonly string[] | null = null,
  newestSignatures: readonly string[] | null = null,
): Promise<void> {
  await pool.query(
    `INSERT INTO counterparty_activity (address, transactions, page_limit, oldest_time, newest_time, oldest_signatures, newest_signatures, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (address) DO UPDATE
       SET transactions = EXCLUDED.transactions, page_limit = EXCLUDED.page_limit,
           oldest_time = EXCLUDED.oldest_time, newest_time = EXCLUDED.newest_time,
           oldest_signatures = EXCLUDED.oldest_signatures, newest_signatures = EXCLUDED.newest_signatures, fetched_at = now()`,
    [address, activity.transactions, pageLimit, activity.oldestTime, activity.newestTime, oldestSignatures, newestSignatures],
  );
}

/** The stored oldest signatures (oldest first) of those of `addresses` whose whole history was read. */
export async function loadOldestSignatures(pool: Pool, addresses: readonly string[]): Promise<Map<string, string[]>> {
  return loadSignatures(pool, addresses, 'oldest_signatures');
}

/** The stored newest signatures (newest first) of those of `addresses` read since they were kept. */
export async function loadNewestSignatures(pool: Pool, addresses: readonly string[]): Promise<Map<string, string[]>> {
  return loadSignatures(pool, addresses, 'newest_signatures');
}

async function loadSignatures(pool: Pool, addresses: readonly string[], column: 'oldest_signatures' | 'newest_signatures'): Promise<Map<string, string[]>> {
  if (addresses.length === 0) return new Map();
  const { rows } = await pool.query<{ address: string; signatures: string[] }>(
    `SELECT address, ${column} AS signatures FROM counterparty_activity WHERE address = ANY($1::text[]) AND ${column} IS NOT NULL`,
    [addresses],
  );
  return new Map(rows.map((r) => [r.address, r.signatures]));
}
