// The sweep_targets cache (migrations/1795610000000_sweep-targets.sql): where a fresh address that a
// group wallet sent SOL to forwarded it, read from its newest transactions, so that the similarity
// step can follow a wallet's sweeps downstream (sweepChain) without asking the chain again.
import type { Pool } from 'pg';
import type { SweepTarget } from '../domain/detection/types';
import { formatUnits } from '../domain/decimal';
import { FETCHED_WITHIN_SQL, maxAgeParam } from './counterparty-activity';

/** The group's sweeps in wallet_transfers: $1 the wallets, $2 the addresses left out, $3 the smallest lamports. */
const GROUP_SWEEPS_SQL = `wallet = ANY($1::text[]) AND direction = 'out' AND asset = 'SOL' AND raw_amount >= $3
          AND NOT counterparty = ANY($1::text[]) AND NOT counterparty = ANY($2::text[])`;

/** An address (`ca`, counterparty_activity left-joined) not read, or whose whole history is at most $5 transactions ($5 null: any). */
const SHORT_OR_UNREAD_SQL = '$5::integer IS NULL OR ca.address IS NULL OR (ca.transactions < ca.page_limit AND ca.transactions <= $5)';

/**
 * Each of `wallets`' largest SOL destination: the address it sent the most SOL to in transfers of at
 * least `minLamports` (a sweep), other than the wallets themselves and `exclude` (known exchanges),
 * those that received the most SOL first (then by address), at most `limit` (null: all). With
 * `freshMaxTransactions`, an address whose stored activity (however old) shows a longer history than
 * that, or a full page, is left out before the limit applies: a deposit address is fresh, and the
 * lookups go to those that may be.
 */
export async function sweepDestinations(
  pool: Pool,
  wallets: readonly string[],
  exclude: readonly string[],
  minLamports: number,
  limit: number | null,
  freshMaxTransactions: number | null = null,
): Promise<string[]> {
  if (wallets.length === 0 || (limit !== null && limit <= 0)) return [];
  const { rows } = await pool.query<{ counterparty: string }>(
    `WITH sent AS (
       SELECT wallet, counterparty, sum(raw_amount) AS total
         FROM wallet_transfers
        WHERE ${GROUP_SWEEPS_SQL}
        GROUP BY wallet, counterparty),
     largest AS (
       SELECT DISTINCT ON (wallet) wallet, counterparty, total
         FROM sent
        ORDER BY wallet, total DESC, counterparty COLLATE "C")
     SELECT l.counterparty FROM largest l
       LEFT JOIN counterparty_activity ca ON ca.address = l.counterparty
      WHERE ${SHORT_OR_UNREAD_SQL}
      GROUP BY l.counterparty
      ORDER BY max(l.total) DESC, l.counterparty COLLATE "C"
      LIMIT $4`,
    [wallets, exclude, minLamports, limit, freshMaxTransactions],
  );
  return rows.map((r) => r.counterparty);
}

/**
 * The SOL destinations that at least two of `wallets` sent SOL to in transfers of at least
 * `minLamports`, other than the wallets themselves and `exclude` (known exchanges), shared by the
 * most wallets first (then by address), at most `limit` (null: all): where an exchange deposit
 * address two of them use would be (`depositExchange`). With `maxTransactions`, an address whose
 * stored activity (however old) shows a longer history than that, or a full page, is left out before
 * the limit applies: a busy or long-lived destination is no one account's deposit address.
 */
export async function commonSweepDestinations(
  pool: Pool,
  wallets: readonly string[],
  exclude: readonly string[],
  minLamports: number,
  limit: number | null,
  maxTransactions: number | null = null,
): Promise<string[]> {
  if (wallets.length < 2 || (limit !== null && limit <= 0)) return [];
  const { rows } = await pool.query<{ counterparty: string }>(
    `WITH shared AS (
       SELECT counterparty, count(DISTINCT wallet) AS wallets FROM wallet_transfers
        WHERE ${GROUP_SWEEPS_SQL}
        GROUP BY counterparty
       HAVING count(DISTINCT wallet) >= 2)
     SELECT s.counterparty FROM shared s
       LEFT JOIN counterparty_activity ca ON ca.address = s.counterparty
      WHERE ${SHORT_OR_UNREAD_SQL}
      ORDER BY s.wallets DESC, s.counterparty COLLATE "C"
      LIMIT $4`,
    [wallets, exclude, minLamports, limit, maxTransactions],
  );
  return rows.map((r) => r.counterparty);
}

/** The stored targets of `addresses` read at most `maxAgeSeconds` ago: a target, or null for one read without outbound SOL; absent: not read. */
export async function loadSweepTargets(pool: Pool, addresses: readonly string[], maxAgeSeconds: number = Infinity): Promise<Map<string, SweepTarget | null>> {
  if (addresses.length === 0) return new Map();
  const { rows } = await pool.query<{ address: string; collector: string | null; signature: string | null; slot: string | null; block_time: string | null; lamports: string | null; first_funder: string | null; pass_through: boolean | null }>(
    `SELECT address, collector, signature, slot, block_time, lamports, first_funder, pass_through FROM sweep_targets
      WHERE address = ANY($1::text[]) AND ${FETCHED_WITHIN_SQL}`,
    [addresses, maxAgeParam(maxAgeSeconds)],
  );
  return new Map(
    rows.map((r) => [
      r.address,
      r.collector === null
        ? null
        : {
            collector: r.collector,
            signature: r.signature as string,
            slot: Number(r.slot ?? 0),
            timestamp: Number(r.block_time),
            rawAmount: r.lamports as string,
            amount: formatUnits(BigInt(r.lamports as string), 9),
            firstFunder: r.first_funder,
            ...(r.pass_through === null ? {} : { passThrough: r.pass_through }),
          },
    ]),
  );
}

/** Stores, in one statement, what addresses' histories showed (null: no outbound SOL among them). */
export async function storeSweepTargets(pool: Pool, targets: ReadonlyArray<readonly [string, SweepTarget | null]>): Promise<void> {
  if (targets.length === 0) return;
  const column = <T>(f: (t: SweepTarget) => T) => targets.map(([, t]) => (t === null ? null : f(t)));
  await pool.query(
    `INSERT INTO sweep_targets (address, collector, signature, slot, block_time, lamports, first_funder, pass_through, fetched_at)
     SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::boolean[])
     ON CONFLICT (address) DO UPDATE
       SET collector = EXCLUDED.collector, signature = EXCLUDED.signature, slot = EXCLUDED.slot, block_time = EXCLUDED.block_time,
           lamports = EXCLUDED.lamports, first_funder = EXCLUDED.first_funder, pass_through = EXCLUDED.pass_through, fetched_at = now()`,
    [
      targets.map(([address]) => address),
      column((t) => t.collector),
      column((t) => t.signature),
      column((t) => t.slot),
      column((t) => t.timestamp),
      column((t) => t.rawAmount),
      column((t) => t.firstFunder),
      column((t) => t.passThrough ?? null),
    ],
  );
}
