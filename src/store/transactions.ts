// Raw transactions, once per signature, and the page transaction that stores a wallet's history: a
// transaction is stored once and linked to every wallet it belongs to; legs are keyed by an
// idempotency key that includes the wallet, and so are its plain transfers (wallet, signature,
// index), so re-running a page (a retried activity, a worker killed mid-sync) never stores anything
// twice. The only module with SQL that writes to transactions.
import type { Pool } from 'pg';
import { inTransaction, jsonForPostgres, type Queryable } from './db';
import { isFailedTransaction, type EnhancedTransaction } from '../domain/enhanced-transaction';
import { failedFeeOf, sumFailedFees, type FailedFees, type SwapLeg } from '../domain';
import type { ReceivedPage } from '../providers/helius';
import type { WalletTransfer } from '../domain/detection/types';
import { insertLegsCte, legRows } from './swap-legs';
import { recordRejectedCtes, type RejectedRow } from './rejected-transactions';
import { linkTransactionsCte } from './wallet-transactions';
import { insertTransfersCte, transferRows } from './wallet-transfers';
import { countStoredPageCte, setFailedFees, SYNC_LEASE_SECONDS } from './wallets';

export interface StoredPage {
  newTransactions: number;
  newLegs: number;
}

/**
 * The page in one statement: each table's part comes from the module that owns the table. Its
 * parameters: $1 the wallet, $2 the transactions' columns (JSON, without their payloads, each with
 * `pos`, its 1-based position in $3), $3 the payloads (a JSON array: the provider's answer as
 * received, which may hold transactions this page does not store, or the transactions serialized
 * again when no answer came with them), $4 the legs, $5 the transfers, $6 the rejected rows (each
 * JSON), $7 … $10 the page's size, its oldest signature and timestamp, and the sync lease's
 * seconds. The payloads are read as `json`, which PostgreSQL only checks and stores as text: read
 * as `jsonb` (a tree built of every value), they were most of the page's cost in the database
 * (migration 1795540000000). Parts of one statement see the same snapshot and none touches a row
 * another part does; the foreign keys (a link to its transaction) are checked when the statement
 * ends, once every part has run.
 */
const STORE_PAGE = `WITH
  page AS MATERIALIZED (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(signature text, slot bigint, timestamp bigint, type text, source text, failed boolean, failed_fee bigint, pos bigint)),
  -- a transaction a provider lists twice in a page counts once (linked has each signature once)
  page_once AS (SELECT DISTINCT ON (signature) signature, failed, failed_fee FROM page),
  stored AS (
    INSERT INTO transactions (signature, slot, timestamp, type, source, failed, payload_json)
    SELECT page.signature, page.slot, page.timestamp, page.type, page.source, page.failed, p.payload
      FROM page JOIN json_array_elements($3::json) WITH ORDINALITY AS p(payload, pos) USING (pos)
    ON CONFLICT (signature) DO NOTHING),
  ${linkTransactionsCte('linked', 'page')},
  ${insertLegsCte('new_legs', '$4')},
  ${insertTransfersCte('new_transfers', '$5')},
  ${recordRejectedCtes('rejected_now', 'rejections_cleared', '$6', 'page')},
  ${countStoredPageCte('counted', { linked: 'linked', failedLinked: 'SELECT count(*) FROM linked JOIN page_once USING (signature) WHERE page_once.failed', failedFees: 'SELECT page_once.failed_fee AS fee FROM linked JOIN page_once USING (signature) WHERE page_once.failed_fee IS NOT NULL', newLegs: 'new_legs', firstParam: 7 })}
SELECT (SELECT count(*) FROM linked)::int AS new_transactions, (SELECT count(*) FROM new_legs)::int AS new_legs`;

/**
 * Stores one page of a wallet's history: its raw transactions not stored yet (by signature), their
 * links to the wallet, its legs, its plain transfers (`extractTransfersMany` of the page), and its
 * rejected transactions with their reason (a stored signature clears an earlier rejection of it);
 * counts the page on the wallet and renews the sync lease. One statement, so one round trip and
 * atomic by itself. Its parameters are built before it is sent: the page's objects are not needed
 * while it runs.
 *
 * With `received` (the provider's answer the transactions were parsed from, `HistoryPage.received`),
 * each transaction's payload is its part of that answer, stored as the provider sent it: the page
 * is not serialized again (about 2 ms of the worker's CPU and a string the size of the page, per
 * page). Without it, or when a transaction is not in it, the transactions are serialized.
 */
export async function storeHistoryPage(
  pool: Queryable,
  wallet: string,
  txs: EnhancedTransaction[],
  legs: SwapLeg[],
  rejected: RejectedRow[] = [],
  transfers: readonly WalletTransfer[] = [],
  received?: ReceivedPage,
): Promise<StoredPage> {
  const oldest = txs.length > 0 ? txs.reduce((a, b) => (b.slot < a.slot ? b : a)) : null;
  const fromAnswer = received !== undefined && txs.every((tx) => received.positions.has(tx));
  const position = (tx: EnhancedTransaction, i: number): number => (fromAnswer ? (received.positions.get(tx) as number) + 1 : i + 1);
  const params = [
    wallet,
    // (jsonb parameters: the provider's text in them, a type, a source, a rejection's quoted value, without NULs; the payloads are json, which keeps them)
    jsonForPostgres(txs.map((tx, i) => ({ signature: tx.signature, slot: tx.slot, timestamp: tx.timestamp, type: tx.type, source: tx.source, failed: isFailedTransaction(tx), failed_fee: failedFeeOf(tx, wallet), pos: position(tx, i) }))),
    fromAnswer ? received.json : JSON.stringify(txs),
    jsonForPostgres(legRows(legs)),
    jsonForPostgres(transferRows(transfers)),
    jsonForPostgres(rejected),
    txs.length,
    oldest?.signature ?? null,
    oldest?.timestamp ?? null,
    SYNC_LEASE_SECONDS,
  ];
  const { rows } = await pool.query<{ new_transactions: number; new_legs: number }>(STORE_PAGE, params);
  return { newTransactions: rows[0].new_transactions, newLegs: rows[0].new_legs };
}

/**
 * The stored raw transactions of `signatures` (any wallet's), as the provider sent them
 * (payload_json, or payload for rows stored before migration 1795540000000): a stored payload is
 * read only through what the validation requires, as `storedPayloadPage`'s are.
 */
export async function storedTransactions(db: Queryable, signatures: readonly string[]): Promise<Map<string, EnhancedTransaction>> {
  if (signatures.length === 0) return new Map();
  const { rows } = await db.query<{ signature: string; payload: EnhancedTransaction }>(
    'SELECT signature, coalesce(payload_json, payload::json) AS payload FROM transactions WHERE signature = ANY($1::text[])',
    [signatures],
  );
  return new Map(rows.map((r) => [r.signature, r.payload]));
}

/**
 * The fees of a wallet's failed transactions, counted from its stored payloads for a wallet whose
 * totals were not kept as its pages were stored (one stored before migration 1795690000000), then
 * kept (setFailedFees): how many it paid the fee of, and those fees. Once per such wallet, not in the
 * migration, where reading the payloads would hold the table's lock; only the failed transactions'
 * fee payers and fees are read (of either payload column), and failedFeeOf's rule applied to them.
 *
 * In one transaction that first locks the wallet's row, which a page store of the wallet updates in
 * its own statement: a page stored before the lock is read here, and one stored after it waits, then
 * adds its fees to the totals set here. (Read without the lock, a page committed between the read and
 * the set would be left out for good.) A wallet counted meanwhile keeps its totals, returned as they are.
 */
export async function countFailedFees(pool: Pool, wallet: string): Promise<FailedFees> {
  return inTransaction(pool, async (db) => {
    const { rows: kept } = await db.query<{ counted: boolean; transactions: number; fee_lamports: string }>(
      'SELECT failed_fees_counted AS counted, failed_fee_count AS transactions, failed_fee_lamports AS fee_lamports FROM wallets WHERE address = $1 FOR UPDATE',
      [wallet],
    );
    if (kept[0]?.counted) return { transactions: Number(kept[0].transactions), feeLamports: Number(kept[0].fee_lamports) };
    const { rows } = await db.query<{ feePayer: string | null; fee: string | null }>(
      `SELECT x.p ->> 'feePayer' AS "feePayer", x.p ->> 'fee' AS fee
         FROM wallet_transactions wt JOIN transactions t ON t.signature = wt.signature
         CROSS JOIN LATERAL (SELECT coalesce(t.payload_json, t.payload::json) AS p) x
        WHERE wt.wallet = $1 AND t.failed`,
      [wallet],
    );
    // (a payload without a fee payer or a fee is no fee the wallet paid: NaN is no whole number)
    const failed = sumFailedFees(rows.map((r) => ({ feePayer: r.feePayer ?? '', fee: r.fee === null ? NaN : Number(r.fee) })), wallet);
    await setFailedFees(db, wallet, failed);
    return failed;
  });
}
