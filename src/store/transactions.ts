// Raw transactions, once per signature, and the page transaction that stores a wallet's history: a
// transaction is stored once and linked to every wallet it belongs to; legs are keyed by an
// idempotency key that includes the wallet, and so are its plain transfers (wallet, signature,
// index), so re-running a page (a retried activity, a worker killed mid-sync) never stores anything
// twice. The only module with SQL that writes to transactions.
import type { Pool } from 'pg';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import type { SwapLeg } from '../domain';
import type { WalletTransfer } from '../domain/detection/types';
import { inTransaction, type Queryable } from './db';
import { insertLegs } from './swap-legs';
import { recordRejected, type RejectedRow } from './rejected-transactions';
import { linkWalletTransactions } from './wallet-transactions';
import { insertTransfers } from './wallet-transfers';
import { countStoredPage } from './wallets';

export interface StoredPage {
  newTransactions: number;
  newLegs: number;
}

function isFailed(tx: EnhancedTransaction): boolean {
  return tx.transactionError !== null && tx.transactionError !== undefined;
}

/** Stores the raw transactions not stored yet (by signature). */
async function insertTransactions(db: Queryable, txs: EnhancedTransaction[]): Promise<void> {
  const txRows = txs.map((tx) => ({
    signature: tx.signature,
    slot: tx.slot,
    timestamp: tx.timestamp,
    type: tx.type,
    source: tx.source,
    failed: isFailed(tx),
    payload: tx,
  }));
  await db.query(
    `INSERT INTO transactions (signature, slot, timestamp, type, source, failed, payload)
     SELECT signature, slot, timestamp, type, source, failed, payload
       FROM jsonb_to_recordset($1::jsonb) AS x(signature text, slot bigint, timestamp bigint, type text, source text, failed boolean, payload jsonb)
     ON CONFLICT (signature) DO NOTHING`,
    [JSON.stringify(txRows)],
  );
}

/**
 * Stores one page of a wallet's history, its legs and its plain transfers (`extractTransfersMany` of
 * the page) in one transaction, and renews the sync lease. Rejected transactions of the page are
 * recorded with their reason; a stored signature clears an earlier rejection of it.
 */
export async function storeHistoryPage(
  pool: Pool,
  wallet: string,
  txs: EnhancedTransaction[],
  legs: SwapLeg[],
  rejected: RejectedRow[] = [],
  transfers: readonly WalletTransfer[] = [],
): Promise<StoredPage> {
  return inTransaction(pool, async (client) => {
    await insertTransactions(client, txs);
    const linked = await linkWalletTransactions(client, wallet, txs);
    const newLegs = await insertLegs(client, wallet, legs);
    await insertTransfers(client, wallet, transfers);
    await recordRejected(client, wallet, txs, rejected);
    const failed = txs.filter((tx) => isFailed(tx) && linked.has(tx.signature)).length;
    const oldest = txs.length > 0 ? txs.reduce((a, b) => (b.slot < a.slot ? b : a)) : null;
    await countStoredPage(client, wallet, { newTransactions: linked.size, failedTransactions: failed, newLegs, pageTransactions: txs.length, oldest });
    return { newTransactions: linked.size, newLegs };
  });
}
