// One row per (mint, wallet) that ever swapped it, with the wallet's first buy (mint_wallets): the
// database-wide counts of the similarity step. Nothing here writes it: the database keeps it from
// every insert into swap_legs (a trigger, migrations/1795500000000_mint-wallets.sql), so that it
// holds whatever wrote the legs, including a worker of an earlier version during a rolling deploy.
import type { Pool } from 'pg';

/**
 * For every mint the given wallets swapped (over their whole history): how many distinct wallets of
 * the whole database ever swapped it, and the time of its first buy in the database (null if none).
 * Index-only over mint_wallets_pkey: one entry per wallet of each of those mints, not every leg.
 */
export async function mintStats(pool: Pool, wallets: readonly string[]): Promise<Map<string, { wallets: number; firstBuyAt: number | null }>> {
  if (wallets.length === 0) return new Map();
  const { rows } = await pool.query<{ mint: string; wallets: number; first_buy_at: string | null }>(
    `SELECT mint, count(*)::int AS wallets, min(first_buy_at) AS first_buy_at
       FROM mint_wallets
      WHERE mint IN (SELECT mint FROM mint_wallets WHERE wallet = ANY($1::text[]))
      GROUP BY mint`,
    [wallets],
  );
  return new Map(rows.map((r) => [r.mint, { wallets: r.wallets, firstBuyAt: r.first_buy_at === null ? null : Number(r.first_buy_at) }]));
}
