// How many wallets of the whole database ever transferred with each counterparty, counted over
// counterparty_wallets (one row per counterparty and wallet). Nothing here writes it: the database
// keeps it from every insert into and deletion from wallet_transfers (triggers,
// migrations/1795530000000_counterparty-wallets.sql), whoever wrote the transfers.
import type { Pool } from 'pg';
import type { CounterpartyStats } from '../domain/detection/types';

/**
 * For every counterparty the given wallets transferred with: how many distinct wallets of the whole
 * database transferred with it. Reads the group's own transfers (by wallet) and one index entry per
 * wallet of each of those counterparties, not every transfer of those counterparties; with
 * `countUpTo`, at most that many entries for a counterparty that is not one of the given wallets
 * (its count is then `countUpTo` however many more there are: `decisiveDegreeLimit`), so that an
 * exchange's hot wallet costs the same whatever the database's size.
 */
export async function walletsPerCounterparty(
  pool: Pool,
  wallets: readonly string[],
  countUpTo: number = Infinity,
): Promise<CounterpartyStats['walletsPerCounterparty']> {
  if (wallets.length === 0) return new Map();
  const { rows } = await pool.query<{ counterparty: string; wallets: number }>(
    `SELECT c.counterparty, n.wallets
       FROM (SELECT DISTINCT counterparty FROM wallet_transfers WHERE wallet = ANY($1::text[])) c
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS wallets
           FROM (SELECT 1 FROM counterparty_wallets p WHERE p.counterparty = c.counterparty
                  LIMIT CASE WHEN c.counterparty = ANY($1::text[]) THEN NULL ELSE $2::bigint END) s) n
      WHERE n.wallets > 0`,
    [wallets, Number.isFinite(countUpTo) ? Math.max(0, Math.floor(countUpTo)) : null],
  );
  return new Map(rows.map((r) => [r.counterparty, r.wallets]));
}
