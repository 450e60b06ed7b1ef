// Stored wallet analytics as an older engine left them, for the tests of their computation again
// (GET /v1/wallets/{address}: test/integration/api.test.ts, lab.test.ts).
import type { Pool } from 'pg';

/**
 * Marks the wallet's stored analytics as computed by engine `version` and, as engines before 2.19.0
 * computed them, without the failed transactions' totals (failedTransactions, failedFeesSol).
 */
export async function storeAnalyticsOfEngine(pool: Pool, wallet: string, version: string): Promise<void> {
  await pool.query(`UPDATE wallet_analytics SET engine_version = $2, pnl = pnl #- '{totals,failedFeesSol}' #- '{totals,failedTransactions}' WHERE wallet = $1`, [wallet, version]);
}
