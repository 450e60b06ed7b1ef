// The sweep_targets cache (migrations/1795610000000_sweep-targets.sql): where a fresh address that a
// group wallet sent SOL to forwarded it, read from its newest transactions, so that the similarity
// step can follow a wallet's sweeps downstream (sweepChain) without asking the chain again.
import type { Pool } from 'pg';
import type { SweepTarget } from '../domain/detection/types';
import { formatUnits } from '../domain/decimal';

/**
 * Each of `wallets`' largest SOL destination: the address it sent the most SOL to in transfers of at
 * least `minLamports` (a sweep), other than the wallets themselves and `exclude` (known exchanges),
 * those that received the most SOL first (then by address), at most `limit`.
 */
export async function sweepDestinations(pool: Pool, wallets: readonly string[], exclude: readonly string[], minLamports: number, limit: number): Promise<string[]> {
  if (wallets.length === 0 || limit <= 0) return [];
  const { rows } = await pool.query<{ counterparty: string }>(
    `WITH sent AS (
       SELECT wallet, counterparty, sum(raw_amount) AS total
         FROM wallet_transfers
        WHERE wallet = ANY($1::text[]) AND direction = 'out' AND asset = 'SOL' AND raw_amount >= $3
          AND NOT counterparty = ANY($1::text[]) AND NOT counterparty = ANY($2::text[])
        GROUP BY wallet, counterparty),
     largest AS (
       SELECT DISTINCT ON (wallet) wallet, counterparty, total
         FROM sent
        ORDER BY wallet, total DESC, counterparty COLLATE "C")
     SELECT counterparty FROM largest
      GROUP BY counterparty
      ORDER BY max(total) DESC, counterparty COLLATE "C"
      LIMIT $4`,
    [wallets, exclude, minLamports, limit],
  );
  return rows.map((r) => r.counterparty);
}

/** The stored targets of `addresses` read at most `maxAgeSeconds` ago: a target, or null for one read without outbound SOL; absent: not read. */
export async function loadSweepTargets(pool: Pool, addresses: readonly string[], maxAgeSeconds: number = Infinity): Promise<Map<string, SweepTarget | null>> {
  if (addresses.length === 0) return new Map();
  const { rows } = await pool.query<{ address: string; collector: string | null; signature: string | null; slot: string | null; block_time: string | null; lamports: string | null; first_funder: string | null }>(
    `SELECT address, collector, signature, slot, block_time, lamports, first_funder FROM sweep_targets
      WHERE address = ANY($1::text[])
        AND ($2::double precision IS NULL OR fetched_at >= now() - make_interval(secs => $2::double precision))`,
    [addresses, Number.isFinite(maxAgeSeconds) ? maxAgeSeconds : null],
  );
  return new Map(
    rows.map((r) => [
      r.address,
      r.collector === null
        ? null
        : { collector: r.collector, signature: r.signature as string, slot: Number(r.slot ?? 0), timestamp: Number(r.block_time), rawAmount: r.lamports as string, amount: formatUnits(BigInt(r.lamports as string), 9), firstFunder: r.first_funder },
    ]),
  );
}

/** Stores what an address's newest transactions showed (null: no outbound SOL among them). */
export async function storeSweepTarget(pool: Pool, address: string, target: SweepTarget | null): Promise<void> {
  await pool.query(
    `INSERT INTO sweep_targets (address, collector, signature, slot, block_time, lamports, first_funder, fetched_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (address) DO UPDATE
       SET collector = EXCLUDED.collector, signature = EXCLUDED.signature, slot = EXCLUDED.slot,
           block_time = EXCLUDED.block_time, lamports = EXCLUDED.lamports, first_funder = EXCLUDED.first_funder, fetched_at = now()`,
    target === null ? [address, null, null, null, null, null, null] : [address, target.collector, target.signature, target.slot, target.timestamp, target.rawAmount, target.firstFunder],
  );
}
