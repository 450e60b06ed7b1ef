// Launches that could not be read (token_launch_failures): the reason and when, so that the reads
// before a similarity step do not ask again for a day (migrations/1795600000000_token-launches.sql).
import type { Pool } from 'pg';

/** a launch that could not be read is asked for again before a similarity step after this long */
export const TOKEN_LAUNCH_RETRY_SECONDS = 86_400;

/** Records why a token's launch could not be read (the last reason and time). */
export async function storeTokenLaunchFailure(pool: Pool, mint: string, reason: string): Promise<void> {
  await pool.query(
    `INSERT INTO token_launch_failures (mint, reason) VALUES ($1, $2)
     ON CONFLICT (mint) DO UPDATE SET reason = EXCLUDED.reason, failed_at = now()`,
    [mint, reason],
  );
}

/** Forgets a token's failed read once its launch is recorded. */
export async function clearTokenLaunchFailure(pool: Pool, mint: string): Promise<void> {
  await pool.query('DELETE FROM token_launch_failures WHERE mint = $1', [mint]);
}
