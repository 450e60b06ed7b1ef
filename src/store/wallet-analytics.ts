// Per-wallet analytics computed after each sync, and again from the stored inputs when they follow an
// older engine (wallet_analytics: PnL, behavior, coverage, engine version). The only module with SQL
// on wallet_analytics.
import type { Pool } from 'pg';
import type { FailedFees, SwapLeg } from '../domain';
import { inTransactionWithin } from './db';
import { LEG_ORDER } from './swap-legs';
import { storedTokensSql, type StoredTokenBalance } from './wallet-balances';

export interface WalletAnalyticsRow {
  pnl: unknown;
  behavior: unknown;
  coverage: unknown;
  engineVersion: string;
  computedAt: string;
}

/** A wallet's analytics as they are stored. */
export interface WalletAnalyticsValues {
  pnl: unknown;
  behavior: unknown;
  coverage: unknown;
  engineVersion: string;
}

/**
 * The statement that stores (or replaces) the analytics of the wallet `walletParam`, computed now;
 * `$<first>` … `$<first + 3>` are analyticsParams's four values. Also a part of the statement that
 * ends a sync (finishSyncWithAnalytics in wallets.ts).
 */
export function upsertWalletAnalyticsSql(walletParam: string, firstParam: number): string {
  const p = (k: number) => `$${firstParam + k}`;
  return `INSERT INTO wallet_analytics (wallet, pnl, behavior, coverage, engine_version, computed_at) VALUES (${walletParam}, ${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, now())
     ON CONFLICT (wallet) DO UPDATE SET pnl = EXCLUDED.pnl, behavior = EXCLUDED.behavior, coverage = EXCLUDED.coverage, engine_version = EXCLUDED.engine_version, computed_at = now()`;
}

export function analyticsParams(a: WalletAnalyticsValues): unknown[] {
  return [JSON.stringify(a.pnl), JSON.stringify(a.behavior), JSON.stringify(a.coverage), a.engineVersion];
}

/** Stores (or replaces) a wallet's analytics, computed now. */
export async function saveWalletAnalytics(pool: Pool, wallet: string, a: WalletAnalyticsValues): Promise<void> {
  await pool.query(upsertWalletAnalyticsSql('$1', 2), [wallet, ...analyticsParams(a)]);
}

/** A sync of the wallet `w` holds a live lease. */
const SYNC_LIVE = (w: string) => `(${w}.sync_state = 'syncing' AND ${w}.sync_lease_until > now())`;

/** Which rules a wallet's stored analytics follow, when they were computed (exact), and whether a sync of the wallet is live. */
export interface StoredAnalyticsVersion {
  engineVersion: string;
  /** computed_at as PostgreSQL writes it (microseconds kept) */
  computedAt: string;
  /** a sync of the wallet holds a live lease: its stored legs may have a gap until its end */
  syncing: boolean;
}

/** The engine version of a wallet's stored analytics; null: none stored. */
export async function storedAnalyticsVersion(pool: Pool, wallet: string): Promise<StoredAnalyticsVersion | null> {
  const { rows } = await pool.query<{ engine_version: string; computed_at: string; syncing: boolean }>(
    `SELECT a.engine_version, a.computed_at::text AS computed_at, COALESCE(${SYNC_LIVE('w')}, false) AS syncing
       FROM wallet_analytics a LEFT JOIN wallets w ON w.address = a.wallet WHERE a.wallet = $1`,
    [wallet],
  );
  return rows[0] ? { engineVersion: rows[0].engine_version, computedAt: rows[0].computed_at, syncing: rows[0].syncing } : null;
}

/**
 * Replaces a wallet's analytics recomputed from its stored inputs (refreshWalletAnalytics) only if
 * they are still those `read` saw (none stored since: a sync that ended meanwhile stored those of
 * more pages) and no sync of the wallet is live (a sync's newest pages are stored before its
 * watermark moves: until its end, its legs may have a gap, and its end computes them anyway).
 * Returns whether they were replaced.
 */
export async function replaceStaleAnalytics(pool: Pool, wallet: string, a: WalletAnalyticsValues, read: StoredAnalyticsVersion): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE wallet_analytics SET pnl = $2, behavior = $3, coverage = $4, engine_version = $5, computed_at = now()
      WHERE wallet = $1 AND engine_version = $6 AND computed_at = $7::timestamptz
        AND NOT EXISTS (SELECT 1 FROM wallets w WHERE w.address = $1 AND ${SYNC_LIVE('w')})`,
    [wallet, ...analyticsParams(a), read.engineVersion, read.computedAt],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * The engine versions that computed the stored analytics, each once: one probe of the index
 * wallet_analytics_engine_wallet per version (each the first entry after the version before), not
 * a read of every row as DISTINCT would be.
 */
export async function storedEngineVersions(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ engine_version: string }>(
    `WITH RECURSIVE versions(engine_version) AS (
       (SELECT engine_version FROM wallet_analytics ORDER BY engine_version LIMIT 1)
       UNION ALL
       SELECT (SELECT a.engine_version FROM wallet_analytics a WHERE a.engine_version > v.engine_version ORDER BY a.engine_version LIMIT 1)
         FROM versions v WHERE v.engine_version IS NOT NULL
     )
     SELECT engine_version FROM versions WHERE engine_version IS NOT NULL`,
  );
  return rows.map((r) => r.engine_version);
}

/** Where a listing of wallets by engine version stopped: the last one listed. */
export interface EngineWalletCursor {
  engineVersion: string;
  wallet: string;
}

/**
 * The wallets whose stored analytics one of `versions` computed, ordered by engine version then
 * address, after `after` (null: from the first), at most `limit`: a range of the index
 * wallet_analytics_engine_wallet, whatever the number of wallets of other versions.
 */
export async function walletsOfEngines(pool: Pool, versions: string[], after: EngineWalletCursor | null, limit: number): Promise<EngineWalletCursor[]> {
  const { rows } = await pool.query<{ engine_version: string; wallet: string }>(
    `SELECT engine_version, wallet FROM wallet_analytics
      WHERE engine_version = ANY($1::text[]) AND (engine_version, wallet) > ($2::text, $3::text)
      ORDER BY engine_version, wallet LIMIT $4`,
    [versions, after?.engineVersion ?? '', after?.wallet ?? '', limit],
  );
  return rows.map((r) => ({ engineVersion: r.engine_version, wallet: r.wallet }));
}

/**
 * The wallets with stored analytics by the engine version that computed them: one read of the index
 * wallet_analytics_engine_wallet (or of the table, as the planner chooses), which PostgreSQL stops after `timeoutMs`.
 */
export async function walletsByEngine(pool: Pool, timeoutMs: number): Promise<Array<{ engineVersion: string; wallets: number }>> {
  const { rows } = await inTransactionWithin(pool, timeoutMs, (client) =>
    client.query<{ engine_version: string; wallets: number }>('SELECT engine_version, count(*)::int AS wallets FROM wallet_analytics GROUP BY engine_version ORDER BY engine_version'),
  );
  return rows.map((r) => ({ engineVersion: r.engine_version, wallets: r.wallets }));
}

/** Marks the wallets' stored analytics as computed by engine `version`: as after a deploy of a newer engine (bench:e2e's recompute, the tests' harness). */
export async function markAnalyticsEngine(pool: Pool, wallets: string[], version: string): Promise<void> {
  await pool.query('UPDATE wallet_analytics SET engine_version = $2 WHERE wallet = ANY($1)', [wallets, version]);
}

/** What a wallet's analytics are computed from (loadAnalyticsInputs). */
export interface AnalyticsInputs {
  /** its stored legs, oldest first */
  legs: SwapLeg[];
  /** its tokens in its stored balances; null: no balances stored */
  heldTokens: StoredTokenBalance[] | null;
  /** the known USD prices of the mints of its legs */
  pricesUsd: Record<string, number>;
  /** its rejected transactions: how many, and the newest `recentRejected` with their reasons */
  rejected: { count: number; recent: Array<{ signature: string | null; field: string; reason: string }> };
  /** the transfer extraction version of its stored transactions (0: never; also for an unknown wallet) */
  transfersVersion: number;
  /** its failed transactions whose fee it paid: how many, and those fees; null when its totals are not counted yet (a wallet stored before migration 1795690000000, or none: countFailedFees) */
  failed: FailedFees | null;
}

/**
 * Everything a wallet's analytics are computed from, in one statement (one round trip on the few
 * connections of the syncs, which a sync's end would otherwise take five times): its legs (one JSON
 * array), its held tokens, the prices of its legs' mints, its rejected transactions, its
 * transfer extraction version and the fees of its failed transactions.
 */
export async function loadAnalyticsInputs(pool: Pool, wallet: string, recentRejected = 20): Promise<AnalyticsInputs> {
  const { rows } = await pool.query(
    `SELECT
       (SELECT COALESCE(json_agg(leg ORDER BY ${LEG_ORDER}), '[]'::json) FROM swap_legs WHERE wallet = $1) AS legs,
       (${storedTokensSql('$1')}) AS held_tokens,
       (SELECT COALESCE(json_object_agg(t.mint, t.price_usd), '{}'::json) FROM tokens t
         WHERE t.status = 'resolved' AND t.price_usd IS NOT NULL AND t.mint IN (SELECT DISTINCT mint FROM swap_legs WHERE wallet = $1)) AS prices,
       (SELECT count(*) FROM rejected_transactions WHERE wallet = $1) AS rejected_count,
       (SELECT COALESCE(json_agg(json_build_object('signature', r.signature, 'field', r.field, 'reason', r.reason) ORDER BY r.last_seen_at DESC, r.reject_key), '[]'::json)
          FROM (SELECT signature, field, reason, last_seen_at, reject_key FROM rejected_transactions WHERE wallet = $1
                 ORDER BY last_seen_at DESC, reject_key LIMIT $2) r) AS rejected_recent,
       (SELECT json_build_object('transfersVersion', transfers_extracted_version,
                                 'failed', CASE WHEN failed_fees_counted THEN json_build_object('transactions', failed_fee_count, 'feeLamports', failed_fee_lamports) END)
          FROM wallets WHERE address = $1) AS wallet`,
    [wallet, recentRejected],
  );
  const r = rows[0];
  return {
    legs: r.legs as SwapLeg[],
    heldTokens: (r.held_tokens as StoredTokenBalance[] | null) ?? null,
    pricesUsd: r.prices as Record<string, number>,
    rejected: { count: Number(r.rejected_count), recent: r.rejected_recent },
    transfersVersion: Number(r.wallet?.transfersVersion ?? 0),
    // (a bigint in JSON is a number: exact up to 2^53 lamports)
    failed: r.wallet?.failed ? { transactions: Number(r.wallet.failed.transactions), feeLamports: Number(r.wallet.failed.feeLamports) } : null,
  };
}

export async function getWalletAnalytics(pool: Pool, wallet: string): Promise<WalletAnalyticsRow | null> {
  const { rows } = await pool.query('SELECT pnl, behavior, coverage, engine_version, computed_at FROM wallet_analytics WHERE wallet = $1', [wallet]);
  const r = rows[0];
  return r ? { pnl: r.pnl, behavior: r.behavior, coverage: r.coverage, engineVersion: r.engine_version, computedAt: new Date(r.computed_at).toISOString() } : null;
}
