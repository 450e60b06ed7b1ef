// A wallet's plain SOL and token transfers (wallet_transfers), as extractTransfers reads them from its
// stored transactions: evidence of funding and common control. Keyed by wallet, signature and the
// transfer's index within that transaction's extraction, so storing a page twice stores nothing
// twice. The only module with SQL that writes to wallet_transfers.
import type { Pool } from 'pg';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { compareTransfers } from '../domain/detection/transfers';
import type { WalletTransfer } from '../domain/detection/types';
import { inTransaction, jsonForPostgres, type Queryable } from './db';

/**
 * The version of the transfer extraction (src/domain/detection/transfers.ts) the stored rows come
 * from. Bump it when the extraction's rules change: every wallet below it is extracted again from
 * its stored transactions before its next analysis (wallets.transfers_extracted_version).
 */
// 3: an NFT sale's seller, paid from the marketplace's escrow, no longer has a transfer in from it
// 4: a tip to any landing service that publishes its tip accounts (not only Jito) is no transfer
// 5: a swap of quote assets only (USDC for SOL), which has no leg, is a trade: its pool's authority and
//    the aggregator's fee account are no counterparties
// 6: NFTs handed from one wallet to another outside any NFT market are transfers, as any token is (a
//    gift of NFTs counted as a trade and linked no one)
// 7: an NFT sold through a marketplace is a transfer of asset 'NFT_SALE' between its seller and buyer
//    (the escrow between them hid the exchange: wallets selling NFTs to each other linked nothing)
export const TRANSFER_EXTRACTION_VERSION = 7;

interface TransferRow {
  signature: string;
  transfer_index: number;
  counterparty: string;
  direction: 'in' | 'out';
  asset: string;
  nft: string | null;
  amount: string;
  raw_amount: string;
  decimals: number;
  amount_exact: boolean;
  slot: number;
  timestamp: number;
}

/** The rows of some transfers of one wallet: each numbered within its transaction, in extraction order. */
export function transferRows(transfers: readonly WalletTransfer[]): TransferRow[] {
  const next = new Map<string, number>();
  return transfers.map((t) => {
    const index = next.get(t.signature) ?? 0;
    next.set(t.signature, index + 1);
    return {
      signature: t.signature,
      transfer_index: index,
      counterparty: t.counterparty,
      direction: t.direction,
      asset: t.asset,
      nft: t.nft ?? null,
      amount: t.amount,
      raw_amount: t.rawAmount,
      decimals: t.decimals,
      amount_exact: t.amountExact,
      slot: t.slot,
      timestamp: t.timestamp,
    };
  });
}

/**
 * Stores a wallet's transfers not stored yet; returns how many were new. `transfers` must hold every
 * transfer of each of its transactions, in `extractTransfers` order (as `extractTransfersMany` returns
 * them), so a transfer's index within its transaction is the same every time it is stored.
 */
export async function insertTransfers(db: Queryable, wallet: string, transfers: readonly WalletTransfer[]): Promise<number> {
  if (transfers.length === 0) return 0;
  const inserted = await db.query(INSERT_TRANSFERS('$1', '$2'), [wallet, jsonForPostgres(transferRows(transfers))]);
  return inserted.rowCount ?? 0;
}

const INSERT_TRANSFERS = (walletParam: string, rowsParam: string) => `INSERT INTO wallet_transfers (wallet, signature, transfer_index, counterparty, direction, asset, nft, amount, raw_amount, decimals, amount_exact, slot, timestamp)
     SELECT ${walletParam}, signature, transfer_index, counterparty, direction, asset, nft, amount, raw_amount, decimals, amount_exact, slot, timestamp
       FROM jsonb_to_recordset(${rowsParam}::jsonb) AS x(signature text, transfer_index integer, counterparty text, direction text, asset text, nft text, amount numeric,
            raw_amount numeric, decimals integer, amount_exact boolean, slot bigint, timestamp bigint)
     ON CONFLICT (wallet, signature, transfer_index) DO NOTHING RETURNING signature`;

/**
 * The page statement's part (storeHistoryPage): stores the transfers of `rowsParam` (transferRows of
 * every transfer of the page's transactions, JSON) for the wallet `$1`, as insertTransfers does.
 */
export function insertTransfersCte(name: string, rowsParam: string): string {
  return `${name} AS (${INSERT_TRANSFERS('$1', rowsParam)})`;
}

/** Forgets a wallet's stored transfers (before they are extracted again under a new extraction version). */
export async function deleteTransfers(db: Queryable, wallet: string): Promise<void> {
  await db.query('DELETE FROM wallet_transfers WHERE wallet = $1', [wallet]);
}

/**
 * The transfers of some wallets over their whole stored history (not an analysis window: a wallet's
 * first funding usually comes before the trades a window holds), per wallet in `compareTransfers`
 * order (time, then the extraction's order within a transaction).
 */
export async function loadTransfersMany(pool: Pool, wallets: readonly string[]): Promise<Map<string, WalletTransfer[]>> {
  const out = new Map<string, WalletTransfer[]>(wallets.map((w) => [w, []]));
  if (wallets.length === 0) return out;
  const { rows } = await pool.query(
    `SELECT wallet, counterparty, direction, asset, nft, amount::text AS amount, raw_amount::text AS raw_amount, decimals, amount_exact, signature, slot, timestamp
       FROM wallet_transfers WHERE wallet = ANY($1::text[])`,
    [wallets],
  );
  for (const r of rows) {
    out.get(r.wallet)?.push({
      wallet: r.wallet,
      counterparty: r.counterparty,
      direction: r.direction,
      asset: r.asset,
      ...(r.nft === null ? {} : { nft: r.nft }),
      amount: r.amount,
      rawAmount: r.raw_amount,
      decimals: r.decimals,
      amountExact: r.amount_exact,
      signature: r.signature,
      slot: Number(r.slot),
      timestamp: Number(r.timestamp),
    });
  }
  // sorted here, not by PostgreSQL: its collation-aware sort of every row costs more than the query
  for (const list of out.values()) list.sort(compareTransfers);
  return out;
}

/** One stored raw transaction of a wallet, for extracting its transfers again. */
export interface StoredPayloadPage {
  transactions: EnhancedTransaction[];
  /** where the next page starts (the last signature of this one), null when this was the last page */
  nextAfter: string | null;
}

/**
 * A page of a wallet's stored raw transactions (transactions.payload_json, or payload for rows stored
 * before migration 1795540000000), by signature after `after`. A payload is the transaction as the
 * provider sent it (rows stored before the eleventh session: as validated, with zod's defaults), so
 * only fields the validation requires may be read from it as they are typed
 * (null: from the first): a backfill reads a whole history a page at a time, in bounded memory.
 */
export async function storedPayloadPage(db: Queryable, wallet: string, after: string | null, limit: number): Promise<StoredPayloadPage> {
  const { rows } = await db.query<{ signature: string; payload: EnhancedTransaction }>(
    `SELECT wt.signature, coalesce(t.payload_json, t.payload::json) AS payload FROM wallet_transactions wt JOIN transactions t ON t.signature = wt.signature
      WHERE wt.wallet = $1 AND ($2::text IS NULL OR wt.signature > $2) ORDER BY wt.signature LIMIT $3`,
    [wallet, after, limit],
  );
  return { transactions: rows.map((r) => r.payload), nextAfter: rows.length === limit ? rows[rows.length - 1].signature : null };
}

/** `onPage` for each page of `pageSize` of the wallet's stored raw transactions, in signature order (storedPayloadPage), one after another. */
export async function forEachStoredPage(db: Queryable, wallet: string, pageSize: number, onPage: (transactions: EnhancedTransaction[]) => Promise<void>): Promise<void> {
  let after: string | null = null;
  do {
    const page: StoredPayloadPage = await storedPayloadPage(db, wallet, after, pageSize);
    await onPage(page.transactions);
    after = page.nextAfter;
  } while (after !== null);
}

/**
 * `fn` in one transaction that holds the wallet's transfer lock (a transaction-level advisory lock):
 * one backfill of a wallet at a time, and readers see its transfers from before or after a backfill,
 * never half of one. It also holds the wallet's row (FOR UPDATE), which every page store of the
 * wallet updates: a page stored meanwhile either committed before (the backfill then sees its
 * transfers) or waits for the backfill to commit before its statement ends, so the pairs its
 * transfers add (counterparty_wallets, kept by a trigger at the end of the statement) are added
 * after the backfill removed the pairs it left without transfers, never before, and none is lost.
 */
export async function withWalletTransfersLock<T>(pool: Pool, wallet: string, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('wallet_transfers:' || $1, 0))`, [wallet]);
    await client.query('SELECT 1 FROM wallets WHERE address = $1 FOR UPDATE', [wallet]);
    return fn(client);
  });
}
