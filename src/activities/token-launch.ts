// A token's launch: the slot and block time of the mint's oldest successful transaction (its
// creation, with the creator's buy and any bundle landed in the same block), read once per token
// from Helius (the mint's history, oldest first) and kept in token_launches. docs/analytics.md,
// "Bundles": where the launch is known, two buys in its block are a launch-block co-buy.
import type { Pool } from 'pg';
import type { HeliusHistorySource } from '../providers/helius';
import { redactSecrets } from '../redact';
import { loadTokenLaunch, storeTokenLaunch, type StoredTokenLaunch } from '../store/token-launches';

/** the oldest transactions read: a failed one (a transaction may name an account before it exists) is passed over */
export const LAUNCH_PAGE_LIMIT = 10;

/** a slow provider costs a holder analysis at most this long for its launch */
export const LAUNCH_READ_DEADLINE_MS = 10_000;

export type TokenLaunchRead = { launch: Omit<StoredTokenLaunch, 'mint'>; read: boolean } | { launch: null; reason: string };

/**
 * The token's launch: as recorded, else read and recorded. Never throws for the provider, failing
 * or slower than `deadlineMs` (the analysis goes on without it, saying why); throws only when
 * `signal` aborts it.
 */
export async function readTokenLaunch(pool: Pool, helius: HeliusHistorySource, mint: string, signal?: AbortSignal, deadlineMs = LAUNCH_READ_DEADLINE_MS): Promise<TokenLaunchRead> {
  const stored = await loadTokenLaunch(pool, mint);
  if (stored) {
    const { mint: _mint, ...launch } = stored;
    return { launch, read: false };
  }
  let page;
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    page = await helius.fetchHistoryPage(mint, { sortOrder: 'asc', limit: LAUNCH_PAGE_LIMIT, signal: signal ? AbortSignal.any([signal, deadline]) : deadline });
  } catch (err) {
    signal?.throwIfAborted();
    if (deadline.aborted) return { launch: null, reason: `the mint's oldest transactions were not read within ${deadlineMs / 1000} s` };
    return { launch: null, reason: `the mint's oldest transactions could not be read: ${redactSecrets(err instanceof Error ? err.message : String(err))}` };
  }
  const first = page.transactions.find((t) => t.transactionError === undefined || t.transactionError === null);
  if (!first) return { launch: null, reason: page.transactions.length === 0 ? 'the mint has no transactions' : `none of the mint's ${page.transactions.length} oldest transactions succeeded` };
  const launch = { signature: first.signature, slot: first.slot, timestamp: first.timestamp };
  await storeTokenLaunch(pool, { mint, ...launch });
  return { launch, read: true };
}
