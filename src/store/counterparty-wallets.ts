// How many wallets of the whole database ever transferred with each counterparty, counted over
// counterparty_wallets (one row per counterparty and wallet). Nothing here writes it: the database
// keeps it from every insert into and deletion from wallet_transfers (triggers,
// migrations/1795530000000_counterparty-wallets.sql), whoever wrote the transfers.
import type { Pool } from 'pg';
import type { CounterpartyStats } from '../domain/detection/types';

/**
 * For every counterparty the given wallets transferred with: how many distinct wallets of the whole
 * database transferred with it. Reads the group's own transfers (by wallet) and one index entry per
 * wallet of each of those counterparties, not every transfer of those counterparties.
 */
export async function walletsPerCounterparty(pool: Pool, wallets: readonly string[]): Promise<CounterpartyStats['walletsPerCounterparty']> {
  if (wallets.length === 0) return new Map();
  const { rows } = await pool.query<{ counterparty: string; wallets: number }>(
    `SELECT p.counterparty, count(*)::int AS wallets
       FROM counterparty_wallets p
      WHERE p.counterparty IN (SELECT counterparty FROM wallet_transfers WHERE wallet = ANY($1::text[]))
      GROUP BY p.counterparty`,
    [wallets],
  );
  return new Map(rows.map((r) => [r.counterparty, r.wallets]));
}
