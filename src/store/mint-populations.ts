// How many wallets of the whole database ever swapped each mint, and its first buy (mint_populations,
// one row per mint). Nothing here writes it: the trigger that keeps mint_wallets from every insert
// into swap_legs moves these counts too, and a wallet deleted takes its place in them
// (migrations/1795570000000_mint-populations.sql).
import type { Pool } from 'pg';
import { mintsSwappedBy } from './mint-wallets';

/**
 * For every mint the given wallets swapped (over their whole history): how many distinct wallets of
 * the whole database ever swapped it, and the time of its first buy in the database (null if none).
 * One row per mint, whatever the number of wallets that swapped it.
 */
export async function mintStats(pool: Pool, wallets: readonly string[]): Promise<Map<string, { wallets: number; firstBuyAt: number | null }>> {
  if (wallets.length === 0) return new Map();
  const { rows } = await pool.query<{ mint: string; wallets: number; first_buy_at: string | null }>(
    `SELECT mint, wallets, first_buy_at FROM mint_populations WHERE mint IN (${mintsSwappedBy('$1')})`,
    [wallets],
  );
  return new Map(rows.map((r) => [r.mint, { wallets: r.wallets, firstBuyAt: r.first_buy_at === null ? null : Number(r.first_buy_at) }]));
}
