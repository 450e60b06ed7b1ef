// Tokens' launches (token_launches): the slot and block time of each read mint's oldest successful
// transaction (migrations/1795600000000_token-launches.sql); and which to read for a group.
import type { Pool } from 'pg';
import type { TokenLaunch } from '../domain/detection/types';
import { TOKEN_LAUNCH_RETRY_SECONDS } from './token-launch-failures';

export interface StoredTokenLaunch extends TokenLaunch {
  mint: string;
  signature: string;
}

/** Records a token's launch; a launch already recorded is kept (it never changes). */
export async function storeTokenLaunch(pool: Pool, launch: StoredTokenLaunch): Promise<void> {
  await pool.query('INSERT INTO token_launches (mint, signature, slot, block_time) VALUES ($1, $2, $3, $4) ON CONFLICT (mint) DO NOTHING', [
    launch.mint,
    launch.signature,
    launch.slot,
    launch.timestamp,
  ]);
}

/** The recorded launches of the given mints (the similarity step's load, and a holder analysis's own token). */
export async function loadTokenLaunches(pool: Pool, mints: readonly string[]): Promise<Map<string, StoredTokenLaunch>> {
  if (mints.length === 0) return new Map();
  const { rows } = await pool.query<{ mint: string; signature: string; slot: string; block_time: string }>(
    'SELECT mint, signature, slot, block_time FROM token_launches WHERE mint = ANY($1::text[])',
    [mints],
  );
  return new Map(rows.map((r) => [r.mint, { mint: r.mint, signature: r.signature, slot: Number(r.slot), timestamp: Number(r.block_time) }]));
}

/**
 * Mints whose launch is worth reading for a group: among the group's buys (since `sinceTimestamp`,
 * the analysis's window) within `earlyWindowSeconds` of the mint's first buy in the database, more
 * than `crowdFreeSize` distinct wallets and two or more in one slot (a bundle a crowd may hide);
 * launch not read yet, nor failed within `TOKEN_LAUNCH_RETRY_SECONDS`; the most crowded first, at
 * most `limit`.
 */
export async function crowdedLaunchCandidates(
  pool: Pool,
  wallets: readonly string[],
  options: { limit: number; earlyWindowSeconds: number; crowdFreeSize: number; excludedMints: readonly string[]; sinceTimestamp?: number | null },
): Promise<string[]> {
  if (wallets.length === 0 || options.limit <= 0) return [];
  const { rows } = await pool.query<{ mint: string }>(
    `WITH early AS (
       SELECT l.mint, l.wallet, l.slot
         FROM swap_legs l JOIN mint_populations p USING (mint)
        WHERE l.wallet = ANY($1::text[]) AND l.kind = 'swap' AND l.direction = 'buy'
          AND ($6::bigint IS NULL OR l.timestamp >= $6)
          AND p.first_buy_at IS NOT NULL AND l.timestamp <= p.first_buy_at + $3
          AND NOT (l.mint = ANY($4::text[]))),
     shared_slot AS (
       SELECT DISTINCT mint FROM (SELECT mint, slot FROM early GROUP BY mint, slot HAVING count(DISTINCT wallet) >= 2) s)
     SELECT e.mint
       FROM early e
      WHERE e.mint IN (SELECT mint FROM shared_slot)
        AND NOT EXISTS (SELECT 1 FROM token_launches t WHERE t.mint = e.mint)
        AND NOT EXISTS (SELECT 1 FROM token_launch_failures f WHERE f.mint = e.mint AND f.failed_at > now() - make_interval(secs => $7))
      GROUP BY e.mint
     HAVING count(DISTINCT e.wallet) > $5
      ORDER BY count(DISTINCT e.wallet) DESC, e.mint
      LIMIT $2`,
    [wallets, options.limit, options.earlyWindowSeconds, options.excludedMints, options.crowdFreeSize, options.sinceTimestamp ?? null, TOKEN_LAUNCH_RETRY_SECONDS],
  );
  return rows.map((r) => r.mint);
}
