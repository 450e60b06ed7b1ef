// Which wallets a stored transaction belongs to (wallet_transactions): a transaction shared by two
// wallets is stored once in transactions and linked here for each. The only module with SQL that
// writes to wallet_transactions.
import type { Queryable } from './db';

/** Links the page's transactions to the wallet; returns the signatures linked now (not linked before). */
export async function linkWalletTransactions(db: Queryable, wallet: string, txs: Array<{ signature: string; slot: number; timestamp: number }>): Promise<Set<string>> {
  const linked = await db.query<{ signature: string }>(
    `INSERT INTO wallet_transactions (wallet, signature, slot, timestamp)
     SELECT $1, signature, slot, timestamp FROM jsonb_to_recordset($2::jsonb) AS x(signature text, slot bigint, timestamp bigint)
     ON CONFLICT DO NOTHING RETURNING signature`,
    [wallet, JSON.stringify(txs.map(({ signature, slot, timestamp }) => ({ signature, slot, timestamp })))],
  );
  return new Set(linked.rows.map((r) => r.signature));
}
