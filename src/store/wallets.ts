// The wallets table: sync state with a lease (a crashed sync cannot stay SYNCING), watermarks and
// progress counters. The only module with SQL that writes to it.
import type { Pool, PoolClient } from 'pg';
import { inClientTransaction, type Queryable } from './db';
import { TRANSFER_EXTRACTION_VERSION } from './wallet-transfers';
import { analyticsParams, upsertWalletAnalyticsSql, type WalletAnalyticsValues } from './wallet-analytics';

import type { WalletHistoryStatus as WalletStatus } from '../api/schemas/analyses';
import type { FailedFees } from '../domain';
export type { WalletStatus };

export interface WalletStatusRow {
  wallet: string;
  status: WalletStatus;
  lastSyncedAt: string | null;
  syncWorkflowId: string | null;
  pages: number;
  transactions: number;
  lastSyncError: string | null;
  /** the database's clock when this status was read */
  checkedAt: string;
  /** getWalletStatuses with `cachedBalances`: its balances are in the Redis cache (absent: not asked, or not cached) */
  balancesCached?: boolean;
}

export interface WalletSyncCursor {
  newestSignature: string | null;
  oldestSignature: string | null;
  historyComplete: boolean;
}

/** How long a sync holds its lease without renewing it (every stored page renews it). */
export const SYNC_LEASE_SECONDS = 120;

/** SQL: the stored history of `w` reaches back to unix time $since (NULL: to the wallet's first transaction). */
const COVERS = (since: string, w = 'w') =>
  `(${w}.history_complete OR COALESCE(${w}.covered_since <= ${since}::bigint, false) OR COALESCE(${w}.oldest_timestamp <= ${since}::bigint, false))`;

/**
 * READY / STALE / MISSING / SYNCING per wallet. STALE: synced longer than `staleAfterSeconds` ago,
 * or, when `sinceTimestamp` is given (null: full history), stored history that does not reach back
 * that far (an earlier analysis synced a shorter window).
 */
export async function walletStatuses(pool: Pool, wallets: string[], staleAfterSeconds: number, sinceTimestamp?: number | null): Promise<WalletStatusRow[]> {
  const { rows: all } = await pool.query(
    `SELECT q.address, now() AS checked_at, w.address IS NOT NULL AS known,
            w.sync_state, w.sync_lease_until > now() AS lease_live, w.last_synced_at,
            w.last_synced_at < now() - make_interval(secs => $2)
              OR ($3::boolean AND NOT ${COVERS('$4')}) AS stale,
            w.sync_workflow_id, w.sync_pages, w.sync_transactions, w.last_sync_error
       FROM unnest($1::text[]) AS q(address) LEFT JOIN wallets w ON w.address = q.address`,
    [wallets, staleAfterSeconds, sinceTimestamp !== undefined, sinceTimestamp ?? null],
  );
  const checkedAt = all.length > 0 ? new Date(all[0].checked_at).toISOString() : new Date().toISOString();
  const rows = all.filter((r) => r.known);
  const byWallet = new Map(rows.map((r) => [r.address as string, r]));
  return wallets.map((wallet) => {
    const r = byWallet.get(wallet);
    if (!r) return { wallet, status: 'MISSING', lastSyncedAt: null, syncWorkflowId: null, pages: 0, transactions: 0, lastSyncError: null, checkedAt };
    let status: WalletStatus;
    if (r.sync_state === 'syncing' && r.lease_live) status = 'SYNCING';
    else if (!r.last_synced_at) status = 'MISSING';
    else if (r.stale) status = 'STALE';
    else status = 'READY';
    return {
      wallet,
      status,
      lastSyncedAt: r.last_synced_at ? new Date(r.last_synced_at).toISOString() : null,
      syncWorkflowId: r.sync_workflow_id,
      pages: r.sync_pages,
      transactions: r.sync_transactions,
      lastSyncError: r.last_sync_error,
      checkedAt,
    };
  });
}

/**
 * A sync that completed after `after` (a status read that found the wallet needing a sync) and
 * left history reaching back to `sinceTimestamp` (null: all of it), or null. A sync that completes
 * after this read is seen by takeSyncLease's `skip`, in the statement that would take the lease.
 */
export async function syncedAfter(
  pool: Pool,
  wallet: string,
  after: string,
  sinceTimestamp: number | null,
): Promise<(WalletSyncCursor & { lastSyncedAt: string; legs: number }) | null> {
  const { rows } = await pool.query(
    `SELECT newest_signature, oldest_signature, history_complete, last_synced_at, leg_count FROM wallets w
      WHERE address = $1 AND sync_state = 'synced' AND last_synced_at > $2::timestamptz AND ${COVERS('$3')}`,
    [wallet, after, sinceTimestamp],
  );
  if (rows.length === 0) return null;
  const r = rows[0];
  return {
    newestSignature: r.newest_signature,
    oldestSignature: r.oldest_signature,
    historyComplete: r.history_complete,
    lastSyncedAt: new Date(r.last_synced_at).toISOString(),
    legs: r.leg_count,
  };
}

const BEGIN_SYNC = `INSERT INTO wallets (address, sync_state, sync_workflow_id, sync_lease_until, last_sync_started_at, sync_pages, sync_transactions, last_sync_error, transfers_extracted_version)
     VALUES ($1, 'syncing', $2, now() + make_interval(secs => $3), now(), 0, 0, NULL, $4)
     ON CONFLICT (address) DO UPDATE SET sync_state = 'syncing', sync_workflow_id = $2,
       sync_lease_until = now() + make_interval(secs => $3), last_sync_started_at = now(),
       sync_pages = 0, sync_transactions = 0, last_sync_error = NULL, updated_at = now()`;

/** Marks the wallet as syncing under `workflowId` (whoever held it before) and returns where its stored history stands. */
export async function beginSync(pool: Pool, wallet: string, workflowId: string): Promise<WalletSyncCursor> {
  const { rows } = await pool.query(
    // a new wallet has no stored transactions yet: every page its syncs store has its transfers extracted
    `${BEGIN_SYNC} RETURNING newest_signature, oldest_signature, history_complete`,
    [wallet, workflowId, SYNC_LEASE_SECONDS, TRANSFER_EXTRACTION_VERSION],
  );
  return { newestSignature: rows[0].newest_signature, oldestSignature: rows[0].oldest_signature, historyComplete: rows[0].history_complete };
}

/**
 * The lease again for a sync that goes on from where an earlier attempt of the same holder left it
 * (a retried step resuming from its heartbeat): renewed only while the wallet's sync is still this
 * holder's, false when another holder took it over meanwhile (the lease lapsed: a worker stalled, a
 * provider outage longer than the lease), whose sync then goes on alone. The sync's counters are
 * kept (beginSync would start them again).
 */
export async function keepSyncLease(pool: Pool, wallet: string, holder: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE wallets SET sync_state = 'syncing', sync_lease_until = now() + make_interval(secs => $3), updated_at = now()
      WHERE address = $1 AND sync_workflow_id = $2`,
    [wallet, holder, SYNC_LEASE_SECONDS],
  );
  return (rowCount ?? 0) > 0;
}

/** Who holds the wallet's sync lease while it is live (null: nobody). */
export async function syncHolder(pool: Pool, wallet: string): Promise<string | null> {
  const { rows } = await pool.query<{ holder: string }>(
    `SELECT sync_workflow_id AS holder FROM wallets WHERE address = $1 AND sync_state = 'syncing' AND sync_lease_until > now()`,
    [wallet],
  );
  return rows[0]?.holder ?? null;
}

/**
 * beginSync only if no other holder's sync of the wallet is live (its lease renewed within
 * SYNC_LEASE_SECONDS) and, with `skip` (see syncedAfter), no sync completed after `skip.after` with
 * history reaching back to `skip.sinceTimestamp`: null otherwise. The same holder (a retried
 * attempt) takes it again. One statement, so two analyses that reach the wallet at once cannot both
 * take it, and a sync that completed after `skip.after` is not run again (its caller need not read
 * syncedAfter first: it reads it when this refuses).
 */
export async function takeSyncLease(
  pool: Pool,
  wallet: string,
  holder: string,
  skip: { after: string; sinceTimestamp: number | null } | null = null,
): Promise<WalletSyncCursor | null> {
  const { rows } = await pool.query(
    `${BEGIN_SYNC}
       WHERE (wallets.sync_state <> 'syncing' OR wallets.sync_lease_until IS NULL OR wallets.sync_lease_until <= now() OR wallets.sync_workflow_id = $2)
         AND NOT COALESCE($5::timestamptz IS NOT NULL AND wallets.sync_state = 'synced' AND wallets.last_synced_at > $5::timestamptz AND ${COVERS('$6', 'wallets')}, false)
     RETURNING newest_signature, oldest_signature, history_complete`,
    [wallet, holder, SYNC_LEASE_SECONDS, TRANSFER_EXTRACTION_VERSION, skip?.after ?? null, skip?.sinceTimestamp ?? null],
  );
  if (rows.length === 0) return null;
  return { newestSignature: rows[0].newest_signature, oldestSignature: rows[0].oldest_signature, historyComplete: rows[0].history_complete };
}

/**
 * The end of a wallet's sync. A failure, with `holder`, only if the wallet's sync is still this
 * holder's: a sync whose lease lapsed (its worker stalled, its step failed for good after a long
 * outage, its step cancelled with its analysis) may have been taken over by another analysis's
 * sync, which is still under way; recording the failure would free the wallet for a third sync
 * beside that one, and say `failed` of a wallet whose sync is running. A success is recorded
 * whoever holds the wallet now: its history is stored to the top, which is what `synced` says (a
 * sync the holder joined rather than ran, a `wallet-sync:<address>` child, ends it so too).
 */
export async function finishSync(pool: Pool, wallet: string, outcome: { ok: true } | { ok: false; error: string }, holder: string | null = null): Promise<void> {
  if (outcome.ok) {
    await pool.query(
      `UPDATE wallets SET sync_state = 'synced', sync_lease_until = NULL, last_synced_at = now(), last_sync_error = NULL, updated_at = now() WHERE address = $1`,
      [wallet],
    );
  } else {
    await pool.query(
      `UPDATE wallets SET sync_state = 'failed', sync_lease_until = NULL, last_sync_error = $2, updated_at = now() WHERE address = $1 AND ($3::text IS NULL OR sync_workflow_id = $3)`,
      [wallet, outcome.error.slice(0, 2000), holder],
    );
  }
}

/**
 * The end of a sync that needs no older phase, in one statement: the watermark moved to `commit.top`
 * (commitWatermark's rule: never below a newer one), how far back the history is complete
 * (markHistoryComplete, or markCoveredSince), the wallet's analytics stored (saveWalletAnalytics) and
 * the sync finished (finishSync: a success, whoever holds the wallet now). Each part is idempotent, as they are one by one: a retried attempt
 * runs it again.
 */
export async function finishSyncWithAnalytics(
  pool: Pool,
  wallet: string,
  commit: { top: { signature: string; slot: number; timestamp: number } | null; historyComplete: boolean; coveredSince?: number | null },
  analytics: WalletAnalyticsValues,
): Promise<void> {
  const moves = `($2::text IS NOT NULL AND (newest_slot IS NULL OR newest_slot <= $3::bigint))`;
  await pool.query(
    `WITH analytics AS (${upsertWalletAnalyticsSql('$1', 7)} RETURNING 1)
     UPDATE wallets SET
       newest_signature = CASE WHEN ${moves} THEN $2 ELSE newest_signature END,
       newest_slot = CASE WHEN ${moves} THEN $3::bigint ELSE newest_slot END,
       newest_timestamp = CASE WHEN ${moves} THEN $4::bigint ELSE newest_timestamp END,
       history_complete = history_complete OR $5::boolean,
       covered_since = CASE WHEN NOT $5::boolean AND $6::bigint IS NOT NULL THEN LEAST(COALESCE(covered_since, $6::bigint), $6::bigint) ELSE covered_since END,
       sync_state = 'synced', sync_lease_until = NULL, last_synced_at = now(), last_sync_error = NULL, updated_at = now()
     WHERE address = $1`,
    [wallet, commit.top?.signature ?? null, commit.top?.slot ?? null, commit.top?.timestamp ?? null, commit.historyComplete, commit.coveredSince ?? null, ...analyticsParams(analytics)],
  );
}

/**
 * Per wallet: whether its stored history reaches back to `sinceTimestamp` (null: all of it), how
 * many transactions are stored, and how many the provider sent that failed validation (in the
 * window when one is given; those without a readable timestamp always count).
 */
export async function historyCoverage(
  pool: Pool,
  wallets: string[],
  sinceTimestamp: number | null,
): Promise<Map<string, { covers: boolean; transactions: number; rejected: number; complete: boolean; oldestTimestamp: number | null; newestTimestamp: number | null }>> {
  const { rows } = await pool.query(
    `SELECT w.address, ${COVERS('$2')} AS covers, w.transaction_count, w.history_complete, w.oldest_timestamp, w.newest_timestamp,
            (SELECT count(*) FROM rejected_transactions r WHERE r.wallet = w.address AND ($2::bigint IS NULL OR r.timestamp IS NULL OR r.timestamp >= $2::bigint)) AS rejected
       FROM wallets w WHERE w.address = ANY($1::text[])`,
    [wallets, sinceTimestamp],
  );
  const time = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return new Map(
    rows.map((r) => [
      r.address as string,
      {
        covers: r.covers as boolean,
        transactions: Number(r.transaction_count),
        rejected: Number(r.rejected),
        complete: r.history_complete === true,
        oldestTimestamp: time(r.oldest_timestamp),
        newestTimestamp: time(r.newest_timestamp),
      },
    ]),
  );
}

/** A sync stopped at `since` (an analysis's window): everything from the top down to it is stored. */
export async function markCoveredSince(pool: Pool, wallet: string, since: number): Promise<void> {
  await pool.query(`UPDATE wallets SET covered_since = LEAST(COALESCE(covered_since, $2), $2), updated_at = now() WHERE address = $1`, [wallet, since]);
}

export async function commitWatermark(pool: Pool, wallet: string, top: { signature: string; slot: number; timestamp: number }): Promise<void> {
  await pool.query(
    `UPDATE wallets SET newest_signature = $2, newest_slot = $3, newest_timestamp = $4, updated_at = now()
      WHERE address = $1 AND (newest_slot IS NULL OR newest_slot <= $3)`,
    [wallet, top.signature, top.slot, top.timestamp],
  );
}

export async function markHistoryComplete(pool: Pool, wallet: string): Promise<void> {
  await pool.query(`UPDATE wallets SET history_complete = true, updated_at = now() WHERE address = $1`, [wallet]);
}

/**
 * The page statement's part (storeHistoryPage): countStoredPage for the wallet `$1` in the same
 * statement, its counts read from the statement's other parts: `linked` (the signatures linked now),
 * `failedLinked` (how many of them failed, an SQL expression), `failedFees` (a query of the `fee`
 * the wallet paid for each of them it was the fee payer of; absent for a database before migration
 * 1795690000000), `newLegs` (a CTE of the new legs); `$<first>` … `$<first + 3>` are the page's
 * size, its oldest signature and timestamp, and the lease.
 */
export function countStoredPageCte(name: string, parts: { linked: string; failedLinked: string; failedFees?: string; newLegs: string; firstParam: number }): string {
  const p = (k: number) => `$${parts.firstParam + k}`;
  const fees = parts.failedFees
    ? `(failed_fee_count, failed_fee_lamports) = (SELECT failed_fee_count + count(*), failed_fee_lamports + COALESCE(sum(f.fee), 0) FROM (${parts.failedFees}) f),`
    : '';
  return `${name} AS (
    UPDATE wallets SET
       transaction_count = transaction_count + (SELECT count(*) FROM ${parts.linked}),
       failed_transaction_count = failed_transaction_count + (${parts.failedLinked}),
       ${fees}
       leg_count = leg_count + (SELECT count(*) FROM ${parts.newLegs}),
       sync_pages = sync_pages + 1, sync_transactions = sync_transactions + ${p(0)}::int,
       oldest_signature = CASE WHEN ${p(1)}::text IS NOT NULL AND (oldest_timestamp IS NULL OR ${p(2)}::bigint <= oldest_timestamp) THEN ${p(1)}::text ELSE oldest_signature END,
       oldest_timestamp = CASE WHEN ${p(1)}::text IS NOT NULL AND (oldest_timestamp IS NULL OR ${p(2)}::bigint <= oldest_timestamp) THEN ${p(2)}::bigint ELSE oldest_timestamp END,
       sync_lease_until = now() + make_interval(secs => ${p(3)}::int), updated_at = now()
     WHERE address = $1
     RETURNING 1)`;
}

/**
 * Sets a wallet's failed fees counted afresh (countFailedFees) unless they are counted already: from
 * then on its pages add theirs (countStoredPageCte).
 */
export async function setFailedFees(db: Queryable, wallet: string, failed: FailedFees): Promise<void> {
  await db.query('UPDATE wallets SET failed_fee_count = $2, failed_fee_lamports = $3, failed_fees_counted = true WHERE address = $1 AND NOT failed_fees_counted', [wallet, failed.transactions, failed.feeLamports]);
}

export interface GroupSyncRow {
  wallet: string;
  pages: number;
  transactions: number;
  lastSyncError: string | null;
  /** (groupSyncProgress) its sync lease is live and held by another holder than the analysis's workflow */
  heldElsewhere?: boolean;
}

/**
 * Sync counters of an analysis's wallets that changed after `changedSince` (all of them when null),
 * and the database time of this read (the next call's `changedSince`). Rows written by a page
 * transaction still open at that time carry an earlier `updated_at`: a 10-second overlap re-reads them.
 */
export async function groupSyncProgress(pool: Pool, analysisId: string, changedSince: string | null): Promise<{ readAt: string; rows: GroupSyncRow[] }> {
  const { rows } = await pool.query(
    `SELECT now() AS read_at, w.address, w.sync_pages, w.sync_transactions, w.last_sync_error,
            (w.sync_state = 'syncing' AND w.sync_lease_until > now() AND w.sync_workflow_id IS DISTINCT FROM a.workflow_id) AS held_elsewhere
       FROM (SELECT now()) AS t
       LEFT JOIN analyses a ON a.id = $1
       LEFT JOIN wallets w ON w.address = ANY(a.wallets) AND ($2::timestamptz IS NULL OR w.updated_at > $2::timestamptz - interval '10 seconds')`,
    [analysisId, changedSince],
  );
  const readAt = new Date(rows[0].read_at).toISOString();
  return {
    readAt,
    rows: rows.filter((r) => r.address).map((r) => ({ wallet: r.address, pages: r.sync_pages, transactions: r.sync_transactions, lastSyncError: r.last_sync_error, heldElsewhere: r.held_elsewhere === true })),
  };
}

/** The sync counters and last error of some wallets (syncs an analysis joined). */
export async function walletSyncRows(pool: Pool, wallets: string[]): Promise<GroupSyncRow[]> {
  if (wallets.length === 0) return [];
  const { rows } = await pool.query('SELECT address, sync_pages, sync_transactions, last_sync_error FROM wallets WHERE address = ANY($1::text[])', [wallets]);
  return rows.map((r) => ({ wallet: r.address, pages: r.sync_pages, transactions: r.sync_transactions, lastSyncError: r.last_sync_error }));
}

/**
 * The wallets among `wallets` whose stored transactions have not all had their transfers extracted
 * with extraction `version` (wallets synced before, or under an older version), with the version they
 * have (0: never).
 */
export async function walletsNeedingTransfers(pool: Pool, wallets: string[], version: number): Promise<Array<{ wallet: string; version: number }>> {
  if (wallets.length === 0) return [];
  const { rows } = await pool.query(
    'SELECT address, transfers_extracted_version FROM wallets WHERE address = ANY($1::text[]) AND transfers_extracted_version < $2 ORDER BY address',
    [wallets, version],
  );
  return rows.map((r) => ({ wallet: r.address, version: r.transfers_extracted_version }));
}

/** The transfer extraction version of the wallet's stored transactions (0: never; also for an unknown wallet). */
export async function transfersExtractedVersion(db: Queryable, wallet: string): Promise<number> {
  const { rows } = await db.query<{ v: number }>('SELECT transfers_extracted_version AS v FROM wallets WHERE address = $1', [wallet]);
  return rows[0]?.v ?? 0;
}

/** Every stored transaction of the wallet has had its transfers extracted with extraction `version`. */
/** The wallets among `wallets` whose stored legs come from a swap extraction before `version` (LEG_EXTRACTION_VERSION). */
export async function walletsNeedingLegs(pool: Pool, wallets: string[], version: number): Promise<string[]> {
  if (wallets.length === 0) return [];
  const { rows } = await pool.query<{ address: string }>('SELECT address FROM wallets WHERE address = ANY($1::text[]) AND legs_extracted_version < $2 ORDER BY address', [wallets, version]);
  return rows.map((r) => r.address);
}

/** The swap extraction version of the wallet's stored legs (0 for an unknown wallet). */
export async function legsExtractedVersion(db: Queryable, wallet: string): Promise<number> {
  const { rows } = await db.query<{ v: number }>('SELECT legs_extracted_version AS v FROM wallets WHERE address = $1', [wallet]);
  return rows[0]?.v ?? 0;
}

/**
 * The wallet's legs extracted by `version`, and counted anew (the backfill adds and removes legs the
 * page counts never saw). `session`'s own transaction: the wallet's row is locked first, so the
 * count, a statement of its own, sees every page store that updated the row before it; one that
 * comes after adds its legs to the count itself.
 */
export async function markLegsExtracted(session: PoolClient, wallet: string, version: number): Promise<void> {
  await inClientTransaction(session, async () => {
    await session.query('SELECT 1 FROM wallets WHERE address = $1 FOR UPDATE', [wallet]);
    await session.query(
      'UPDATE wallets SET legs_extracted_version = GREATEST(legs_extracted_version, $2), leg_count = (SELECT count(*) FROM swap_legs WHERE wallet = $1) WHERE address = $1',
      [wallet, version],
    );
  });
}

export async function markTransfersExtracted(db: Queryable, wallet: string, version: number): Promise<void> {
  await db.query('UPDATE wallets SET transfers_extracted_version = GREATEST(transfers_extracted_version, $2), updated_at = now() WHERE address = $1', [wallet, version]);
}
