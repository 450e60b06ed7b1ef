// The funding_origins cache (migrations/1795590000000_funding-origins.sql): who first funded an
// address outside the group, read from its oldest transactions, so that the similarity step can
// follow a wallet's funding chain upstream (fundingChain) without asking the chain again.
import type { Pool } from 'pg';
import type { FundingOrigin } from '../domain/detection/types';
import { formatUnits } from '../domain/decimal';

/**
 * Each of `wallets`' first funder: the sender of its earliest inbound SOL of at least `minLamports`
 * (the engine's first funding, `fundingProfile`), other than the wallets themselves and `exclude`
 * (known exchanges), those that funded the most of the group first (then by address), at most `limit`.
 * Only of wallets whose stored history reaches back to their first transaction (`history_complete`,
 * the engine's `wholeHistory`): of another, the oldest SOL stored is a top-up, which the engine does
 * not take for a first funding, so reading its sender's activity would buy nothing.
 */
export async function firstFunders(pool: Pool, wallets: readonly string[], exclude: readonly string[], minLamports: number, limit: number): Promise<string[]> {
  if (wallets.length === 0 || limit <= 0) return [];
  const { rows } = await pool.query<{ counterparty: string }>(
    `WITH first AS (
       SELECT DISTINCT ON (wallet) wallet, counterparty
         FROM wallet_transfers
        WHERE wallet = ANY($1::text[]) AND direction = 'in' AND asset = 'SOL' AND raw_amount >= $3
          AND wallet IN (SELECT address FROM wallets WHERE address = ANY($1::text[]) AND history_complete)
        -- byte order, as the engine's compareTransfers orders (the database's collation may not)
        ORDER BY wallet, timestamp, slot, signature COLLATE "C", counterparty COLLATE "C")
     SELECT counterparty FROM first
      WHERE NOT counterparty = ANY($1::text[]) AND NOT counterparty = ANY($2::text[])
      GROUP BY counterparty
      ORDER BY count(*) DESC, counterparty
      LIMIT $4`,
    [wallets, exclude, minLamports, limit],
  );
  return rows.map((r) => r.counterparty);
}

/** The stored origins of `addresses`: an origin, or null for one read without inbound SOL; absent: not read. */
export async function loadFundingOrigins(pool: Pool, addresses: readonly string[]): Promise<Map<string, FundingOrigin | null>> {
  if (addresses.length === 0) return new Map();
  const { rows } = await pool.query<{ address: string; funder: string | null; signature: string | null; slot: string | null; block_time: string | null; lamports: string | null }>(
    'SELECT address, funder, signature, slot, block_time, lamports FROM funding_origins WHERE address = ANY($1::text[])',
    [addresses],
  );
  return new Map(
    rows.map((r) => [
      r.address,
      r.funder === null
        ? null
        : { funder: r.funder, signature: r.signature as string, slot: Number(r.slot ?? 0), timestamp: Number(r.block_time), rawAmount: r.lamports as string, amount: formatUnits(BigInt(r.lamports as string), 9) },
    ]),
  );
}

/** Stores what an address's oldest transactions showed (null: no inbound SOL among them). */
export async function storeFundingOrigin(pool: Pool, address: string, origin: FundingOrigin | null): Promise<void> {
  await pool.query(
    `INSERT INTO funding_origins (address, funder, signature, slot, block_time, lamports, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, now())
     ON CONFLICT (address) DO UPDATE
       SET funder = EXCLUDED.funder, signature = EXCLUDED.signature, slot = EXCLUDED.slot,
           block_time = EXCLUDED.block_time, lamports = EXCLUDED.lamports, fetched_at = now()`,
    origin === null ? [address, null, null, null, null, null] : [address, origin.funder, origin.signature, origin.slot, origin.timestamp, origin.rawAmount],
  );
}
