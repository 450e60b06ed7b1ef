// Which wallets a stored transaction belongs to (wallet_transactions): a transaction shared by two
// wallets is stored once in transactions and linked here for each. The only module with SQL that
// writes to wallet_transactions.
import { isFailedTransaction, type EnhancedTransaction } from '../domain/enhanced-transaction';

/**
 * The page statement's part (storeHistoryPage): links the transactions of `rows` (a CTE with
 * signature, slot, timestamp and failed_fee: the fee the wallet paid for a failed transaction, else
 * NULL) to the wallet `$1`; returns the signatures linked now.
 */
export function linkTransactionsCte(name: string, rows: string): string {
  return `${name} AS (
    INSERT INTO wallet_transactions (wallet, signature, slot, timestamp, failed_fee)
    SELECT $1, signature, slot, timestamp, failed_fee FROM ${rows}
    ON CONFLICT DO NOTHING RETURNING signature)`;
}

/** The fee `wallet` paid for `tx` when it failed (it was its fee payer), else null: what wallet_transactions.failed_fee keeps. */
export function failedFeeOf(tx: EnhancedTransaction, wallet: string): number | null {
  return isFailedTransaction(tx) && tx.feePayer === wallet ? tx.fee : null;
}

/**
 * A part of a wallet's analytics inputs (loadAnalyticsInputs): how many failed
 * transactions the wallet `param` paid the fee of, and those fees in lamports (a JSON object).
 */
export function failedFeesSql(param: string): string {
  return `SELECT json_build_object('transactions', count(*), 'feeLamports', COALESCE(sum(failed_fee), 0))
            FROM wallet_transactions WHERE wallet = ${param} AND failed_fee IS NOT NULL`;
}
