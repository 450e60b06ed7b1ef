// The token registry (DexScreener metadata and prices) with freshness rules: metadata is fresh for
// 1 hour, prices for 5 minutes; a token DexScreener does not know is asked again only after a
// growing back-off (negative cache), not on every run. The only module with SQL that writes to tokens.
import type { Pool } from 'pg';
import type { PricedToken, TokenMarket } from '../providers';
import { jsonForPostgres, type Queryable } from './db';
import type { TokenStatus } from '../api/schemas/tokens';

export const METADATA_FRESH_SECONDS = 3600;
export const PRICE_FRESH_SECONDS = 300;
export interface TokenRecord {
  mint: string;
  status: TokenStatus;
  symbol: string | null;
  name: string | null;
  imageUrl: string | null;
  priceUsd: number | null;
  liquidityUsd: number | null;
  pairAddress: string | null;
  dexId: string | null;
  metadataFetchedAt: string | null;
  priceFetchedAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
}

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : null);

function toRecord(r: Record<string, unknown>): TokenRecord {
  return {
    mint: r.mint as string,
    status: r.status as TokenRecord['status'],
    symbol: r.symbol as string | null,
    name: r.name as string | null,
    imageUrl: r.image_url as string | null,
    priceUsd: r.price_usd as number | null,
    liquidityUsd: r.liquidity_usd as number | null,
    pairAddress: r.pair_address as string | null,
    dexId: r.dex_id as string | null,
    metadataFetchedAt: iso(r.metadata_fetched_at),
    priceFetchedAt: iso(r.price_fetched_at),
    nextAttemptAt: iso(r.next_attempt_at),
    lastError: r.last_error as string | null,
  };
}

export async function getTokens(pool: Pool, mints: string[]): Promise<TokenRecord[]> {
  const { rows } = await pool.query('SELECT * FROM tokens WHERE mint = ANY($1::text[]) ORDER BY mint', [mints]);
  return rows.map(toRecord);
}

/** SQL: the token row needs a DexScreener call now (never fetched, price stale, or a back-off that ended); $2 is PRICE_FRESH_SECONDS. */
const NEEDS_FETCH = `(status = 'pending'
        OR (status = 'resolved' AND (price_fetched_at IS NULL OR price_fetched_at < now() - make_interval(secs => $2))
            AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
        OR (status IN ('unknown', 'failed') AND (next_attempt_at IS NULL OR next_attempt_at <= now())))`;

/**
 * How long a plan's claim on a mint's fetch holds (claimTokenFetches): well past the fetching of one
 * plan of a run (at most 3,000 mints, 100 requests, 20 s at DexScreener's 300 a minute), short
 * enough that the mints of a run that died are fetched by the next one within minutes.
 */
export const TOKEN_FETCH_CLAIM_SECONDS = 300;

/** Registers the mints not yet in the registry as pending (in mint order: two registrations at once lock their rows in one order, never deadlocking). */
async function registerMints(pool: Queryable, mints: string[]): Promise<void> {
  await pool.query(`INSERT INTO tokens (mint) SELECT m FROM unnest($1::text[]) AS m ORDER BY m ON CONFLICT (mint) DO NOTHING`, [mints]);
}

/** SQL: a live claim of some run on the row's fetch (claimTokenFetches). */
const CLAIMED = `fetch_claimed_until > now()`;

/** SQL: a live claim of a run other than $2 (an analysis's own enrichment run, or null). */
const CLAIMED_ELSEWHERE = `${CLAIMED} AND fetch_claimed_by IS DISTINCT FROM $2`;

/**
 * Registers the mints as pending if new, and returns those that need a DexScreener call now (never
 * fetched, price older than 5 minutes, or an unknown/failed token whose back-off ended) and that no
 * run is fetching at the moment: what an analysis would start an enrichment run for.
 */
export async function mintsNeedingFetch(pool: Queryable, mints: string[]): Promise<string[]> {
  if (mints.length === 0) return [];
  await registerMints(pool, mints);
  const { rows } = await pool.query<{ mint: string }>(
    `SELECT mint FROM tokens WHERE mint = ANY($1::text[]) AND ${NEEDS_FETCH} AND NOT COALESCE(${CLAIMED}, false) ORDER BY mint`,
    [mints, PRICE_FRESH_SECONDS],
  );
  return rows.map((r) => r.mint);
}

export interface TokenFetchClaims {
  /** mints this run now fetches (claimed by it, at most `limit`, in mint order; chosen never fetched first, then by the oldest price) */
  claimed: string[];
  /** how many of the mints that need a fetch another run has claimed: left to it */
  claimedElsewhere: number;
  /** how many of the mints need a fetch (this run's, other runs', and those past `limit`) */
  needed: number;
}

/**
 * claimTokenFetches' statement: $1 the mints, $2 PRICE_FRESH_SECONDS, $3 the claimant, $4 the claim's
 * seconds, $5 how many more, $6 those this call claimed already.
 */
const CLAIM_FETCHES = `WITH picked AS (
       -- never fetched first, then the oldest prices: a universe larger than one plan's limit is
       -- covered plan after plan (by mint, each run took the same first mints again once their
       -- prices went stale)
       SELECT mint FROM tokens
        WHERE mint = ANY($1::text[]) AND NOT mint = ANY($6::text[]) AND ${NEEDS_FETCH}
          AND (fetch_claimed_until IS NULL OR fetch_claimed_until <= now() OR fetch_claimed_by = $3)
        ORDER BY status = 'pending' DESC, price_fetched_at NULLS FIRST, mint LIMIT $5),
     free AS (
       -- locked in mint order (two claims at once never deadlock); a row another claim took
       -- meanwhile is waited for, then seen claimed and left out
       SELECT mint FROM tokens
        WHERE mint IN (SELECT mint FROM picked) AND ${NEEDS_FETCH}
          AND (fetch_claimed_until IS NULL OR fetch_claimed_until <= now() OR fetch_claimed_by = $3)
        ORDER BY mint FOR UPDATE)
     UPDATE tokens t SET fetch_claimed_by = $3, fetch_claimed_until = now() + make_interval(secs => $4)
       FROM free WHERE t.mint = free.mint
     RETURNING t.mint`;

/**
 * Claims the fetch of the mints that need one and that no other run is fetching (a live claim of
 * another `claimant`), at most `limit`, for TOKEN_FETCH_CLAIM_SECONDS; a claim of `claimant`'s own
 * (its plan retried) is taken again. Never fetched first, then the stalest prices. The rows are
 * locked in mint order and a concurrent claim of the same row is waited for and then seen, so two
 * runs never claim one mint and never deadlock; picks another claim took meanwhile are replaced by
 * the next free ones.
 */
export async function claimTokenFetches(pool: Queryable, mints: string[], claimant: string, limit: number): Promise<TokenFetchClaims> {
  if (mints.length === 0) return { claimed: [], claimedElsewhere: 0, needed: 0 };
  await registerMints(pool, mints);
  // picks another claim took meanwhile are left out: pick again past them, until the limit or none is free
  const claimed: string[] = [];
  for (;;) {
    const { rows } = await pool.query<{ mint: string }>(CLAIM_FETCHES, [mints, PRICE_FRESH_SECONDS, claimant, TOKEN_FETCH_CLAIM_SECONDS, limit - claimed.length, claimed]);
    for (const r of rows) claimed.push(r.mint);
    if (rows.length === 0 || claimed.length >= limit) break;
  }
  const { rows } = await pool.query<{ needed: number; elsewhere: number }>(
    `SELECT count(*)::int AS needed, (count(*) FILTER (WHERE ${CLAIMED} AND fetch_claimed_by <> $3))::int AS elsewhere
       FROM tokens WHERE mint = ANY($1::text[]) AND ${NEEDS_FETCH}`,
    [mints, PRICE_FRESH_SECONDS, claimant],
  );
  return { claimed: claimed.sort(), claimedElsewhere: rows[0].elsewhere, needed: rows[0].needed };
}

/**
 * Which of the mints some enrichment run other than `own` (an analysis's own run, or null when
 * it started none) is fetching now: a live claim. Their rows change when that run stores its answer
 * (which clears the claim) or the claim lapses; an analysis's view and event stream wait on this.
 */
export async function mintsFetchedElsewhere(pool: Queryable, mints: string[], own: string | null): Promise<string[]> {
  if (mints.length === 0) return [];
  const { rows } = await pool.query<{ mint: string }>(`SELECT mint FROM tokens WHERE mint = ANY($1::text[]) AND ${CLAIMED_ELSEWHERE} ORDER BY mint`, [mints, own]);
  return rows.map((r) => r.mint);
}

/**
 * The registry's rows of the mints and which of them another run than `own` is fetching now
 * (mintsFetchedElsewhere), read in one statement: both as of one moment, so a fetch that ends
 * meanwhile never shows as over while its row is still the one from before it stored.
 */
export async function tokensAndFetchesElsewhere(pool: Queryable, mints: string[], own: string | null): Promise<{ records: TokenRecord[]; fetchedElsewhere: string[] }> {
  if (mints.length === 0) return { records: [], fetchedElsewhere: [] };
  const { rows } = await pool.query(
    `SELECT *, COALESCE(${CLAIMED_ELSEWHERE}, false) AS fetched_elsewhere FROM tokens WHERE mint = ANY($1::text[]) ORDER BY mint`,
    [mints, own],
  );
  return { records: rows.map(toRecord), fetchedElsewhere: rows.filter((r) => r.fetched_elsewhere === true).map((r) => r.mint as string) };
}

/**
 * Stores DexScreener's answers for a batch in two statements whatever its size (the priced tokens,
 * each read from its market as sent, which is also stored whole as its metadata; then the tokens it
 * does not know), not one round trip per token. A mint listed twice keeps its last answer.
 */
export async function saveMarkets(pool: Pool, markets: TokenMarket[]): Promise<void> {
  const last = [...new Map(markets.map((m) => [m.mint, m])).values()];
  const priced = last.filter((m): m is PricedToken => m.status === 'priced');
  const unknown = last.filter((m) => m.status !== 'priced').map((m) => m.mint);
  if (priced.length > 0) {
    await pool.query(
      `UPDATE tokens t SET status = 'resolved', symbol = m->>'symbol', name = m->>'name', image_url = m->>'imageUrl',
         price_usd = (m->>'priceUsd')::double precision, liquidity_usd = (m->>'liquidityUsd')::double precision, pair_address = m->>'pairAddress',
         dex_id = m->>'dexId', metadata = m, metadata_fetched_at = now(), price_fetched_at = now(), attempts = 0, next_attempt_at = NULL,
         last_error = NULL, updated_at = now(), fetch_claimed_by = NULL, fetch_claimed_until = NULL
         FROM jsonb_array_elements($1::jsonb) AS m
        WHERE t.mint = m->>'mint'`,
      [jsonForPostgres(priced)],
    );
  }
  if (unknown.length > 0) {
    // attempts on the right is the value before this update: 1 h, 2 h, 4 h ... capped at 24 h. A token
    // DexScreener no longer lists (delisted, its pool drained) has no price now: the last one it had
    // would value a wallet's holdings for ever (its name and symbol stay)
    await pool.query(
      `UPDATE tokens SET status = 'unknown', price_usd = NULL, liquidity_usd = NULL, attempts = attempts + 1, last_error = NULL, updated_at = now(), fetch_claimed_by = NULL, fetch_claimed_until = NULL,
         next_attempt_at = now() + make_interval(secs => LEAST(3600 * power(2, attempts), 86400)) WHERE mint = ANY($1::text[])`,
      [unknown],
    );
  }
}

export async function markFailed(pool: Pool, mints: string[], error: string): Promise<void> {
  await pool.query(
    `UPDATE tokens SET status = CASE WHEN status = 'resolved' THEN status ELSE 'failed' END, attempts = attempts + 1, last_error = $2,
       next_attempt_at = now() + interval '10 minutes', updated_at = now(), fetch_claimed_by = NULL, fetch_claimed_until = NULL WHERE mint = ANY($1::text[])`,
    [mints, error.slice(0, 1000)],
  );
}
