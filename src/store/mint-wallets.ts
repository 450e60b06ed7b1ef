// One row per (mint, wallet) that ever swapped it, with the wallet's first buy (mint_wallets). Nothing
// here writes it: the database keeps it from every insert into swap_legs (a trigger,
// migrations/1795500000000_mint-wallets.sql), so that it holds whatever wrote the legs, including a
// worker of an earlier version during a rolling deploy; the same trigger keeps each mint's counts in
// mint_populations (migrations/1795570000000_mint-populations.sql, read by ./mint-populations.ts).

/** SQL: the mints the wallets of the text[] parameter `walletsParam` ever swapped (through mint_wallets_wallet). */
export const mintsSwappedBy = (walletsParam: string): string => `SELECT mint FROM mint_wallets WHERE wallet = ANY(${walletsParam}::text[])`;
