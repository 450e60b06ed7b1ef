// Current balances per wallet (wallet_balances: the claim-check the similarity activity reads). The
// only module with SQL on wallet_balances.
import type { Pool } from 'pg';

export interface StoredTokenBalance {
  mint: string;
  program: string;
  rawAmount: string;
  decimals: number;
}

export interface StoredBalances {
  wallet: string;
  solLamports: string;
  tokens: StoredTokenBalance[];
  tokenAccountCount: number;
  fetchedAt: string;
}

export async function saveBalances(pool: Pool, b: StoredBalances): Promise<void> {
  await pool.query(
    `INSERT INTO wallet_balances (wallet, sol_lamports, tokens, token_account_count, fetched_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (wallet) DO UPDATE SET sol_lamports = $2, tokens = $3, token_account_count = $4, fetched_at = $5
       WHERE wallet_balances.fetched_at <= $5`,
    [b.wallet, b.solLamports, JSON.stringify(b.tokens), b.tokenAccountCount, b.fetchedAt],
  );
}

/** SQL: the stored tokens (a JSON array of StoredTokenBalance) of the wallet `walletParam`, NULL when it has no stored balances. */
export function storedTokensSql(walletParam: string): string {
  return `SELECT tokens FROM wallet_balances WHERE wallet = ${walletParam}`;
}

export async function loadBalances(pool: Pool, wallets: string[]): Promise<Map<string, StoredBalances>> {
  const { rows } = await pool.query(
    `SELECT wallet, sol_lamports, tokens, token_account_count, fetched_at FROM wallet_balances WHERE wallet = ANY($1::text[])`,
    [wallets],
  );
  return new Map(
    rows.map((r) => [
      r.wallet,
      { wallet: r.wallet, solLamports: r.sol_lamports, tokens: r.tokens, tokenAccountCount: r.token_account_count, fetchedAt: new Date(r.fetched_at).toISOString() },
    ]),
  );
}

/** Tokens held by the most wallets in stored balances (for the background refresh). */
export async function mostHeldMints(pool: Pool, limit: number): Promise<string[]> {
  const { rows } = await pool.query<{ mint: string }>(
    `SELECT t->>'mint' AS mint FROM wallet_balances, jsonb_array_elements(tokens) AS t
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.mint);
}
