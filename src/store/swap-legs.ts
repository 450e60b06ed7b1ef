// A wallet's swap and transfer legs (swap_legs), keyed by an idempotency key that includes the
// wallet. The only module with SQL that writes to swap_legs. (Its inserts also keep mint_wallets, through
// a trigger: src/store/mint-wallets.ts.)
import type { Pool, PoolClient } from 'pg';
import { legKey, type LegValuation, type SwapLeg } from '../domain';
import { jsonForPostgres, withClient, type Queryable } from './db';

/** The rows of some legs as the statements below read them (jsonb_to_recordset). */
export function legRows(legs: readonly SwapLeg[]): object[] {
  return legs.map((leg) => ({
    leg_key: legKey(leg),
    signature: leg.signature,
    slot: leg.slot,
    timestamp: leg.timestamp,
    mint: leg.mint,
    direction: leg.direction,
    kind: leg.kind,
    amount: leg.amount,
    quote: leg.quote,
    quote_amount: leg.quoteAmount,
    sol_value: leg.solValue,
    sol_value_estimated: leg.solValueEstimated,
    fee_lamports: leg.feeLamports,
    source: leg.source,
    type: leg.type,
    leg,
  }));
}

/** The insert of the legs of `rowsParam` (legRows, JSON) for the wallet `walletParam`, without its ON CONFLICT clause. */
const LEGS_FROM_ROWS = (walletParam: string, rowsParam: string) => `INSERT INTO swap_legs (leg_key, wallet, signature, slot, timestamp, mint, direction, kind, amount, quote, quote_amount, sol_value, sol_value_estimated, fee_lamports, source, type, leg)
     SELECT leg_key, ${walletParam}, signature, slot, timestamp, mint, direction, kind, amount, quote, quote_amount, sol_value, sol_value_estimated, fee_lamports, source, type, leg
       FROM jsonb_to_recordset(${rowsParam}::jsonb) AS x(leg_key text, signature text, slot bigint, timestamp bigint, mint text, direction text, kind text, amount numeric, quote text,
            quote_amount numeric, sol_value double precision, sol_value_estimated boolean, fee_lamports bigint, source text, type text, leg jsonb)`;

const INSERT_LEGS = (walletParam: string, rowsParam: string) => `${LEGS_FROM_ROWS(walletParam, rowsParam)}
     ON CONFLICT (leg_key) DO NOTHING RETURNING leg_key`;

/**
 * The version of the swap extraction (src/domain/swaps) the stored legs come from
 * (wallets.legs_extracted_version). Bump it when the extraction's values change: every wallet below
 * it has its SOL-quoted legs extracted again from its stored transactions before its next analysis
 * (backfillLegs). 2: a sale whose swap event names the wallet on the token side only is valued from
 * accountData (it was a sale at 0 SOL); the rent of the wallet's own WSOL account is not swap value.
 * 3: rent another party moved for the wallet's token accounts (a relayer creating one, or taking a
 * closed one's rent) is not the wallet's SOL. 4: the tips of every landing service that publishes its
 * tip accounts (src/domain/swaps/tip-accounts.ts), not only Jito's, are not swap value; and the
 * backfill stores the legs it finds anew (not only exact ones) and removes those it no longer finds. 5: a
 * swap event's quote gives way to the wallet's own net quote within 5 % of it when the difference is
 * the fees the wallet sent beside the swap; a sale whose proceeds the swap paid to another wallet is
 * valued at the event's amount; a stablecoin trade with SOL beside it, and a token→token route split
 * between SOL and a stablecoin, are valued by both parts (a stored stablecoin leg is left as it is,
 * one an older extraction quoted otherwise is replaced: restoreLegs); a leg's fee includes the tips
 * the wallet paid landing services. 6: one quote amount for several tokens in one transaction is split
 * between them as the swap event's hops show each token's part (equal parts before, and still when a
 * token's hop is missing); a token sold and another bought while SOL or a stablecoin moved too is two
 * trades valued at their hops when the wallet's hops trade each for a quote asset and account for its
 * net change (it was skipped as liquidity); the backfill's stablecoin legs (restoreLegs). A new wallet row takes
 * the column's default, which the migration that bumps this sets to it too
 * (1795640000000_legs-extracted-version.sql: existing rows 1, new ones 2;
 * 1795650000000_legs-extraction-version-3.sql: new ones 3; 1795660000000_legs-extraction-version-4.sql: 4; 1795670000000_legs-extraction-version-5.sql: 5; 1795680000000_legs-extraction-version-6.sql: 6).
 */
export const LEG_EXTRACTION_VERSION = 6;

/**
 * Legs extracted again (backfillLegs): each one whose value does not depend on the SOL price of the
 * day it was stored (quoted in SOL, whatever its valuation: exact, through a SOL intermediate, a
 * share; or of no quote: a transfer, an unvalued swap) is stored anew where it differs from the
 * stored one, or added when its key is new (a transaction an older extraction skipped, e.g. a
 * token→token swap it read as liquidity; the mint_wallets trigger counts it as any insert; so too
 * one whose kind changed, removed and inserted again). A stablecoin-quoted leg keeps the SOL price
 * of the day it was stored: it is stored anew only when the stored one is quoted otherwise, not stored
 * at all, stored unvalued (and a price is given now), or stored with another quote amount (valued at
 * its stored rate). Returns how many rows were written.
 */
export async function restoreLegs(db: Queryable, wallet: string, legs: readonly SwapLeg[]): Promise<number> {
  const priceFree = legs.filter((l) => l.quote === 'SOL' || l.quote === 'other');
  // a stablecoin-quoted leg stored under another quote (an older extraction valued a USDC trade at
  // the SOL beside it, or a sale whose USDC went elsewhere at 0): its stored value is wrong whatever
  // the price, so the one extracted now replaces it (valued at the price given, or unvalued without
  // one); one not stored at all (a transaction an older extraction skipped) is added, valued the same
  // way; one stored unvalued is valued when a price is given; and one stored with another amount (a
  // share of several tokens' amount split otherwise now) keeps its own day's rate for its new amount
  const stable = legs.filter((l) => l.quote === 'USDC' || l.quote === 'USDT');
  const requoted: SwapLeg[] = [];
  if (stable.length > 0) {
    const { rows } = await db.query<{ leg_key: string; quote: string; quote_amount: string; sol_value: number | null; valuation: LegValuation | null }>(
      `SELECT leg_key, quote, quote_amount::text AS quote_amount, sol_value, leg->>'valuation' AS valuation FROM swap_legs WHERE wallet = $1 AND leg_key = ANY($2::text[])`,
      [wallet, stable.map(legKey)],
    );
    const stored = new Map(rows.map((r) => [r.leg_key, r]));
    for (const leg of stable) {
      const kept = stored.get(legKey(leg));
      if (kept === undefined || (kept.quote !== 'USDC' && kept.quote !== 'USDT')) requoted.push(leg);
      else if (!(kept.sol_value !== null && kept.sol_value > 0)) {
        if (leg.solValue > 0) requoted.push(leg);
      } else if (Number(kept.quote_amount) !== Number(leg.quoteAmount) && Number(kept.quote_amount) > 0) {
        // (extracted without a price it says 'none': valued at the stored rate, it is valued as the stored one was)
        const valuation = leg.valuation === 'none' ? (kept.valuation ?? 'converted') : leg.valuation;
        requoted.push({ ...leg, solValue: (kept.sol_value / Number(kept.quote_amount)) * Number(leg.quoteAmount), valuation, solValueEstimated: true });
      }
    }
  }
  if (priceFree.length + requoted.length === 0) return 0;
  // (the provider's text in them, a source, a type: read back from the stored payloads, which keep a NUL)
  const rows = jsonForPostgres(legRows([...priceFree, ...requoted]));
  // a leg whose kind changed (a transfer that is a trade now) is removed and inserted again, so that
  // the insert trigger counts a new trade in its mint's population (an update would not)
  const removed = await db.query(
    `DELETE FROM swap_legs s USING jsonb_to_recordset($2::jsonb) AS x(leg_key text, kind text) WHERE s.leg_key = x.leg_key AND s.wallet = $1 AND s.kind IS DISTINCT FROM x.kind`,
    [wallet, rows],
  );
  const { rowCount } = await db.query(
    `${LEGS_FROM_ROWS('$1', '$2')}
     ON CONFLICT (leg_key) DO UPDATE SET kind = EXCLUDED.kind, amount = EXCLUDED.amount, quote = EXCLUDED.quote, quote_amount = EXCLUDED.quote_amount, sol_value = EXCLUDED.sol_value,
            sol_value_estimated = EXCLUDED.sol_value_estimated, fee_lamports = EXCLUDED.fee_lamports, source = EXCLUDED.source, type = EXCLUDED.type, leg = EXCLUDED.leg
      WHERE swap_legs.leg IS DISTINCT FROM EXCLUDED.leg`,
    [wallet, rows],
  );
  // rows written: each removed one is written again by the insert
  return Math.max(rowCount ?? 0, removed.rowCount ?? 0);
}

/**
 * Legs stored for the transactions `signatures` whose keys the current extraction no longer gives
 * (`keys`: every leg it finds in them, of any valuation): a transaction an older extraction read as a
 * trade that is none (backfillLegs). Removed, whatever their valuation; returns how many.
 */
export async function removeStaleLegs(db: Queryable, wallet: string, signatures: readonly string[], keys: readonly string[]): Promise<number> {
  if (signatures.length === 0) return 0;
  const { rowCount } = await db.query(`DELETE FROM swap_legs WHERE wallet = $1 AND signature = ANY($2::text[]) AND NOT (leg_key = ANY($3::text[]))`, [wallet, signatures, keys]);
  return rowCount ?? 0;
}

/** The page statement's part (storeHistoryPage): stores the legs of `rowsParam` (legRows, JSON) for the wallet `$1`; returns the new ones' keys. */
export function insertLegsCte(name: string, rowsParam: string): string {
  return `${name} AS (${INSERT_LEGS('$1', rowsParam)})`;
}

/** A wallet's legs, oldest first, optionally from a unix time on. */
/** SQL: the order a wallet's legs are read in, oldest first (loadLegs, loadLegsMany, the analytics' inputs). */
export const LEG_ORDER = 'timestamp, slot, signature, leg_key';

export async function loadLegs(pool: Pool, wallet: string, sinceTimestamp: number | null = null): Promise<SwapLeg[]> {
  const { rows } = await pool.query<{ leg: SwapLeg }>(
    `SELECT leg FROM swap_legs WHERE wallet = $1 AND ($2::bigint IS NULL OR timestamp >= $2) ORDER BY ${LEG_ORDER}`,
    [wallet, sinceTimestamp],
  );
  return rows.map((r) => r.leg);
}

export async function countLegs(pool: Pool, wallet: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM swap_legs WHERE wallet = $1', [wallet]);
  return Number(rows[0].n);
}

/**
 * A group's legs, per wallet, oldest first, optionally from a unix time on: one query for the whole
 * group, one row (a JSON array, parsed once) per wallet rather than one per leg. Measured on 150,000
 * legs of 1,000 wallets: the worker's CPU 0.9 s against 1.3-1.4 s with a row and a parse per leg (in
 * the same wall time, 1.6-2.0 s on a slow machine: PostgreSQL's share is the same).
 *
 * Each wallet's legs are aggregated apart (read through `swap_legs_wallet_time`, sorted in memory):
 * grouped over the whole group instead (`WHERE wallet = ANY … GROUP BY wallet`), PostgreSQL sorted
 * every leg of the group with its JSON by wallet first, for 1,000 wallets a sort of about 180 MB on
 * disk at the default `work_mem` (pg_stat_statements through bench:e2e: 310-360 MB of temporary
 * files, 2.1-3.9 s). On 150,000 legs of 1,000 wallets (stored in runs of 50 a wallet, as pages store them):
 * 0.88-0.90 s against 1.23-1.25, and for 3 of them 7.0-7.5 ms against 9.3-12.5.
 */
export async function loadLegsMany(pool: Pool, wallets: readonly string[], sinceTimestamp: number | null = null): Promise<Map<string, SwapLeg[]>> {
  const out = new Map<string, SwapLeg[]>(wallets.map((w) => [w, []]));
  if (wallets.length === 0) return out;
  const { rows } = await pool.query<{ wallet: string; legs: SwapLeg[] | null }>(
    `SELECT w.wallet, (SELECT json_agg(leg ORDER BY ${LEG_ORDER}) FROM swap_legs
                        WHERE swap_legs.wallet = w.wallet AND ($2::bigint IS NULL OR timestamp >= $2)) AS legs
       FROM unnest($1::text[]) AS w(wallet)`,
    [wallets, sinceTimestamp],
  );
  for (const r of rows) if (r.legs !== null) out.set(r.wallet, r.legs); // one row per wallet asked: null when it has no legs
  return out;
}

/** `fn` on a connection that holds the wallet's legs-backfill lock (a session-level advisory lock), released after it. */
export async function withWalletLegsBackfillLock<T>(pool: Pool, wallet: string, fn: (session: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client) => {
    await client.query(`SELECT pg_advisory_lock(hashtextextended('swap_legs_backfill:' || $1, 0))`, [wallet]);
    try {
      return await fn(client);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(hashtextextended('swap_legs_backfill:' || $1, 0))`, [wallet]);
    }
  });
}
