// Per-wallet analytics computed after each sync (wallet_analytics: PnL, behavior, coverage, engine
// version). The only module with SQL on wallet_analytics.
import type { Pool } from 'pg';

export interface WalletAnalyticsRow {
  pnl: unknown;
  behavior: unknown;
  coverage: unknown;
  engineVersion: string;
  computedAt: string;
}

/** Stores (or replaces) a wallet's analytics, computed now. */
export async function saveWalletAnalytics(pool: Pool, wallet: string, a: { pnl: unknown; behavior: unknown; coverage: unknown; engineVersion: string }): Promise<void> {
  await pool.query(
    `INSERT INTO wallet_analytics (wallet, pnl, behavior, coverage, engine_version, computed_at) VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (wallet) DO UPDATE SET pnl = $2, behavior = $3, coverage = $4, engine_version = $5, computed_at = now()`,
    [wallet, JSON.stringify(a.pnl), JSON.stringify(a.behavior), JSON.stringify(a.coverage), a.engineVersion],
  );
}

export async function getWalletAnalytics(pool: Pool, wallet: string): Promise<WalletAnalyticsRow | null> {
  const { rows } = await pool.query('SELECT pnl, behavior, coverage, engine_version, computed_at FROM wallet_analytics WHERE wallet = $1', [wallet]);
  const r = rows[0];
  return r ? { pnl: r.pnl, behavior: r.behavior, coverage: r.coverage, engineVersion: r.engine_version, computedAt: new Date(r.computed_at).toISOString() } : null;
}
