// Which wallets a stored transaction belongs to (wallet_transactions): a transaction shared by two
// wallets is stored once in transactions and linked here for each. The only module with SQL that
// writes to wallet_transactions.

/**
 * The page statement's part (storeHistoryPage): links the transactions of `rows` (a CTE with
 * signature, slot, timestamp) to the wallet `$1`; returns the signatures linked now.
 */
export function linkTransactionsCte(name: string, rows: string): string {
  return `${name} AS (
    INSERT INTO wallet_transactions (wallet, signature, slot, timestamp)
    SELECT $1, signature, slot, timestamp FROM ${rows}
    ON CONFLICT DO NOTHING RETURNING signature)`;
}
