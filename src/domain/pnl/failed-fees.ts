// What failed transactions cost a wallet (engine 2.19.0): a failed transaction moves nothing but its
// fee, so it has no legs; its fee is still SOL its fee payer spent (docs/analytics.md §2, "Fees").
import { isFailedTransaction, type EnhancedTransaction } from '../enhanced-transaction';
import type { FailedFees } from './types';

/** The fees failedFeeOf counts are below this: 15 digits, none real is near it. */
const MAX_FAILED_FEE = 1e15;

/**
 * The fee (lamports) `wallet` paid for `tx` when `tx` failed and the wallet was its fee payer, else
 * null. A fee that is no whole number below 10^15 (none is real; the schema takes any whole number,
 * which a bigint column may not hold) is null.
 */
export function failedFeeOf(tx: Pick<EnhancedTransaction, 'transactionError' | 'feePayer' | 'fee'>, wallet: string): number | null {
  return isFailedTransaction(tx) && tx.feePayer === wallet && Number.isInteger(tx.fee) && tx.fee >= 0 && tx.fee < MAX_FAILED_FEE ? tx.fee : null;
}

/** The failed fees `wallet` paid among failed transactions read back as their fee payer and fee (failedFeeOf's rule). */
export function sumFailedFees(failed: Iterable<{ feePayer: string; fee: number }>, wallet: string): FailedFees {
  const totals = { transactions: 0, feeLamports: 0 };
  for (const { feePayer, fee } of failed) {
    const paid = failedFeeOf({ transactionError: 'failed', feePayer, fee }, wallet);
    if (paid === null) continue;
    totals.transactions += 1;
    totals.feeLamports += paid;
  }
  return totals;
}
