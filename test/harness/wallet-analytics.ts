// Stored wallet analytics as an older engine left them, for the tests of their computation again
// (GET /v1/wallets/{address}: test/integration/api.test.ts, lab.test.ts; in the background:
// enrichment-and-sync.test.ts, replay-record.test.ts).
import type { Pool } from 'pg';
import { markAnalyticsEngine } from '../../src/store/wallet-analytics';

/**
 * Marks the wallet's stored analytics as computed by engine `version` and, as engines before 2.19.0
 * computed them, without the failed transactions' totals (failedTransactions, failedFeesSol).
 */
export async function storeAnalyticsOfEngine(pool: Pool, wallet: string, version: string): Promise<void> {
  await markAnalyticsEngine(pool, [wallet], version);
  await pool.query(`UPDATE wallet_analytics SET pnl = pnl #- '{totals,failedFeesSol}' #- '{totals,failedTransactions}' WHERE wallet = $1`, [wallet]);
}
