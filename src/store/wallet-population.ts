// How many wallets of the whole database have stored history (wallet_population, one row). Nothing
// here writes it: the database keeps it as wallets join (triggers on wallets,
// migrations/1795510000000_wallet-population.sql), whoever wrote the wallet's row.
import type { Pool } from 'pg';

/** Wallets of the whole database with stored history: the population database-wide rarity is counted in. */
export async function countWalletsWithHistory(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT wallets_with_history AS n FROM wallet_population');
  // its migration inserts the one row: none means the table was emptied, and a count of 0 would be wrong, not safe
  if (rows.length !== 1) throw new Error(`wallet_population holds ${rows.length} rows instead of 1: apply migrations/1795510000000_wallet-population.sql again (down, then up)`);
  return Number(rows[0].n);
}
