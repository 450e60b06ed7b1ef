// One row per (mint, wallet) that ever swapped it, with the wallet's first buy (mint_wallets). Only the
// legs backfill's prune writes it here: the database keeps it from every insert into swap_legs (a trigger,
// migrations/1795500000000_mint-wallets.sql), so that it holds whatever wrote the legs, including a
// worker of an earlier version during a rolling deploy; the same trigger keeps each mint's counts in
// mint_populations (migrations/1795570000000_mint-populations.sql, read by ./mint-populations.ts).

import type { Queryable } from './db';

/** SQL: the mints the wallets of the text[] parameter `walletsParam` ever swapped (through mint_wallets_wallet). */
export const mintsSwappedBy = (walletsParam: string): string => `SELECT mint FROM mint_wallets WHERE wallet = ANY(${walletsParam}::text[])`;

/**
 * The wallet's place in the populations of the mints it no longer trades (mint_wallets rows left
 * without a trade of the mint; their delete trigger moves mint_populations): after the legs
 * backfill's pages, in a statement of its own (the counters it locks are not held with a page's),
 * over every row of the wallet, so that a backfill cut short between a page and this is finished
 * by the next. A mint's first buy is not moved later: the stale trade changed its rarity, which is
 * what the populations are read for.
 */
export async function pruneMintWallets(db: Queryable, wallet: string): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM mint_wallets m WHERE m.wallet = $1
        AND NOT EXISTS (SELECT 1 FROM swap_legs s WHERE s.mint = m.mint AND s.wallet = m.wallet AND s.kind = 'swap')`,
    [wallet],
  );
  return rowCount ?? 0;
}
