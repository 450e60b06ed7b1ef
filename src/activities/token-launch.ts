// A token's launch: the slot and block time of the mint's oldest successful transaction (its
// creation, with the creator's buy and any bundle landed in the same block), read once per token
// from Helius (the mint's history, oldest first) and kept in token_launches: for a holder
// analysis's token, and before any similarity step for the tokens its group crowds around.
// docs/analytics.md, "Bundles": where the launch is known, two buys in its block are a launch-block
// co-buy.
import type { Pool } from 'pg';
import type { HeliusHistorySource } from '../providers/helius';
import { describeFailureForClients } from '../errors';
import { BUNDLE_DEFAULTS } from '../domain/detection/bundles';
import { UNIVERSE_EXCLUDED_MINTS } from '../domain/tokens';
import { clearTokenLaunchFailure, storeTokenLaunchFailure } from '../store/token-launch-failures';
import { crowdedLaunchCandidates, loadTokenLaunches, storeTokenLaunch, type StoredTokenLaunch } from '../store/token-launches';

/** the oldest transactions read: a failed one (a transaction may name an account before it exists) is passed over */
export const LAUNCH_PAGE_LIMIT = 10;

/** a slow provider costs a holder analysis at most this long for its launch */
export const LAUNCH_READ_DEADLINE_MS = 10_000;

export type TokenLaunchRead = { launch: Omit<StoredTokenLaunch, 'mint'>; read: boolean } | { launch: null; reason: string };

/**
 * The token's launch: as recorded, else read and recorded. Never throws for the provider (failing,
 * slower than `deadlineMs`, listing out of order or a transaction it cannot validate before the
 * launch) nor for the store: the analysis goes on without it, saying why. Throws only when `signal`
 * aborts it. A launch is recorded only when nothing older could be it (a wrong one would be kept).
 */
export async function readTokenLaunch(pool: Pool, helius: HeliusHistorySource, mint: string, signal?: AbortSignal, deadlineMs = LAUNCH_READ_DEADLINE_MS): Promise<TokenLaunchRead> {
  const read = await readLaunch(pool, helius, mint, signal, deadlineMs);
  // remembered for a day, so that the reads before a step do not ask again at each analysis
  if (read.launch === null) await storeTokenLaunchFailure(pool, mint, read.reason).catch(() => undefined);
  else if ('read' in read && read.read) await clearTokenLaunchFailure(pool, mint).catch(() => undefined);
  return read;
}

async function readLaunch(pool: Pool, helius: HeliusHistorySource, mint: string, signal: AbortSignal | undefined, deadlineMs: number): Promise<TokenLaunchRead> {
  // the store away: read as if nothing were recorded (a launch never changes; its recording then fails, saying so)
  const stored = (await loadTokenLaunches(pool, [mint]).catch(() => new Map<string, StoredTokenLaunch>())).get(mint);
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
    return { launch: null, reason: `the mint's oldest transactions could not be read: ${describeFailureForClients(err)}` };
  }
  const txs = page.transactions;
  for (let k = 1; k < txs.length; k++) {
    if (txs[k].slot < txs[k - 1].slot) return { launch: null, reason: "the provider did not list the mint's transactions oldest first" };
  }
  const k = txs.findIndex((t) => t.transactionError === undefined || t.transactionError === null);
  if (k < 0) return { launch: null, reason: txs.length === 0 && page.rejected.length === 0 ? 'the mint has no transactions' : `none of the mint's ${txs.length + page.rejected.length} oldest transactions succeeded and passed validation` };
  const first = txs[k];
  // a transaction older than the one taken that failed validation may be the creation: not guessed
  const at = page.received?.positions.get(first) ?? k;
  const older = page.rejected.find((r) => r.index < at);
  if (older) return { launch: null, reason: `an older transaction of the mint failed validation (${older.field}: ${older.reason})` };
  if (!Number.isSafeInteger(first.slot) || first.slot <= 0) return { launch: null, reason: `the mint's oldest transaction has no valid slot (${String(first.slot)})` };
  const launch = { signature: first.signature, slot: first.slot, timestamp: first.timestamp };
  try {
    await storeTokenLaunch(pool, { mint, ...launch });
  } catch (err) {
    return { launch: null, reason: `the launch could not be recorded: ${describeFailureForClients(err)}` };
  }
  return { launch, read: true };
}

/** launches read before a similarity step at most (LAUNCH_LOOKUPS; 0: none) */
export const DEFAULT_LAUNCH_LOOKUPS = 5;

export interface CrowdedLaunchesRead {
  /** mints whose group buys make a crowd at their launch, launch not yet read */
  considered: number;
  read: number;
  /** mint → why its launch was not read */
  unread: Record<string, string>;
}

/**
 * Before a similarity step: the launches of the tokens the group crowds around (more than 6 of its
 * wallets bought within 10 min of the first buy, two or more in one slot), read and
 * recorded so that the step's load finds them: an analysis of a token's early buyers given by hand
 * (a list of snipers and bundlers) gets the launch block as a holder analysis does. At most
 * `maxLookups` tokens, the most crowded first, in parallel, each read within `deadlineMs`; one that
 * failed is not asked for again for a day (`TOKEN_LAUNCH_RETRY_SECONDS`). Never throws for the
 * provider, only when `signal` aborts it (or for the database).
 */
export async function readCrowdedLaunches(
  pool: Pool,
  helius: HeliusHistorySource,
  wallets: readonly string[],
  options: { maxLookups: number; deadlineMs: number; signal?: AbortSignal; sinceTimestamp?: number | null },
): Promise<CrowdedLaunchesRead> {
  const mints = await crowdedLaunchCandidates(pool, wallets, {
    limit: options.maxLookups,
    sinceTimestamp: options.sinceTimestamp,
    earlyWindowSeconds: BUNDLE_DEFAULTS.earlyWindowSeconds,
    crowdFreeSize: BUNDLE_DEFAULTS.crowdFreeSize,
    excludedMints: Object.keys(UNIVERSE_EXCLUDED_MINTS),
  });
  const reads = await Promise.all(mints.map(async (mint) => [mint, await readTokenLaunch(pool, helius, mint, options.signal, options.deadlineMs)] as const));
  const unread: Record<string, string> = {};
  for (const [mint, r] of reads) if (r.launch === null) unread[mint] = r.reason;
  return { considered: mints.length, read: mints.length - Object.keys(unread).length, unread };
}
