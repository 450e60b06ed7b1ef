// The runs of watched groups (watch_runs, migrations 1795710000000, 1795720000000 and 1795730000000): each an
// analysis of the watch's key, and once it ended, the counts of what changed since the watch's run
// completed before it, and how its webhook delivery went.
import type { FromSchema } from 'json-schema-to-ts';
import type { Pool } from 'pg';
import type { watchRunChanges, watchRunComparison, watchRunNotification } from '../api/schemas/watches';
import { analysisRowParts, insertAnalysis, type AnalysisStatus } from './analyses';
import { inTransaction, type Queryable } from './db';
import { lockWatch, type WatchNotifyOn, type WatchRecord } from './watches';

/** How a run's analysis differs from the watch's run completed before it (the counts of GET /v1/analyses/{id}/changes). */
export type WatchRunChanges = FromSchema<typeof watchRunChanges>;
/** Whether a run was compared, and why not. */
export type WatchRunComparison = FromSchema<typeof watchRunComparison>;

export interface WatchRunRecord {
  runKey: string;
  analysisId: string;
  /** its analysis's status now */
  status: AnalysisStatus;
  createdAt: string;
  endedAt: string | null;
  /** the run compared with (null: none completed before it, or not comparable) */
  sinceAnalysisId: string | null;
  changes: WatchRunChanges | null;
  /** null until the run ended */
  comparison: WatchRunComparison | null;
  /** the analysis's error, when it failed */
  error: string | null;
  /** its webhook delivery: null when none was due (no webhook, or nothing to tell) */
  notification: WatchRunNotification | null;
}

/** A run's webhook delivery: pending while it is tried, then delivered or failed; `error` the last failed attempt's reason (never the URL). */
export type WatchRunNotification = FromSchema<typeof watchRunNotification>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A watch's runs, newest first, with their analyses' status; with `runKey`, that run only. */
export async function listWatchRuns(pool: Pool, watchId: string, limit: number, runKey: string | null = null): Promise<WatchRunRecord[]> {
  const { rows } = await pool.query(
    `SELECT r.run_key, r.analysis_id, a.status, r.created_at, r.ended_at, r.since_analysis_id, r.changes, r.comparison, a.error,
            r.notification, r.notify_attempts, r.notify_error, r.notified_at
       FROM watch_runs r JOIN analyses a ON a.id = r.analysis_id
      WHERE r.watch_id = $1 AND ($3::text IS NULL OR r.run_key = $3::text) ORDER BY r.created_at DESC, r.run_key DESC LIMIT $2`,
    [watchId, limit, runKey],
  );
  return rows.map((r) => ({
    runKey: r.run_key,
    analysisId: r.analysis_id,
    status: r.status,
    createdAt: r.created_at.toISOString(),
    endedAt: iso(r.ended_at),
    sinceAnalysisId: r.since_analysis_id,
    changes: r.changes,
    comparison: r.comparison,
    error: r.status === 'completed' ? null : r.error,
    notification: r.notification ? { state: r.notification, attempts: r.notify_attempts, error: r.notify_error, deliveredAt: iso(r.notified_at) } : null,
  }));
}

/** A run's analysis, begun: the watch as it is, and the analysis the run inserted (or had inserted before, when its step is retried). */
export interface BegunWatchRun {
  watch: WatchRecord;
  analysisId: string;
}

/**
 * Begins the run `runKey` of watch `watchId`: inserts its analysis's row (the watch's key's, started:
 * the run's workflow starts it as its child) under id `analysisId`, and the run's row. Repeated for
 * the same run (a retried step), returns the analysis inserted the first time. Null when the watch
 * has gone (deleted while the schedule was starting the run).
 */
export async function beginWatchRun(pool: Pool, watchId: string, runKey: string, analysisId: string, workflowId: string): Promise<BegunWatchRun | null> {
  return inTransaction(pool, async (client) => {
    // shared: a DELETE of the watch waits for the run's rows, or the run sees the watch gone
    const watch = await lockWatch(client, watchId);
    if (!watch) return null;
    const existing = await client.query<{ analysis_id: string }>(`SELECT analysis_id FROM watch_runs WHERE watch_id = $1 AND run_key = $2`, [watchId, runKey]);
    if (existing.rows[0]) return { watch, analysisId: existing.rows[0].analysis_id };
    await insertAnalysis(client, {
      id: analysisId,
      workflowId,
      requestId: runKey,
      ownerKeyId: watch.ownerKeyId,
      ...analysisRowParts(watch.request),
      fairnessKey: watch.fairnessKey,
      namespace: watch.namespace,
    });
    await client.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id) VALUES ($1, $2, $3)`, [watchId, runKey, analysisId]);
    return { watch, analysisId };
  });
}

/** The key of the watch run whose analysis `analysisId` is (null: an analysis no watch ran). */
export async function watchRunKeyOfAnalysis(pool: Pool, analysisId: string): Promise<string | null> {
  const { rows } = await pool.query<{ run_key: string }>('SELECT run_key FROM watch_runs WHERE analysis_id = $1', [analysisId]);
  return rows[0]?.run_key ?? null;
}

/**
 * The run `runKey`, the analysis of the watch's latest run completed before it (null: none) and which
 * runs the watch's webhook is told of (null: it has none); null when the run (or its watch) has gone.
 */
export async function watchRunToEnd(
  pool: Pool,
  watchId: string,
  runKey: string,
): Promise<{ analysisId: string; status: AnalysisStatus; previousCompleted: string | null; notifyOn: WatchNotifyOn | null } | null> {
  const { rows } = await pool.query<{ analysis_id: string; status: AnalysisStatus; previous: string | null; notify_on: WatchNotifyOn | null }>(
    `SELECT r.analysis_id, a.status, w.notify_on,
            (SELECT p.analysis_id FROM watch_runs p JOIN analyses pa ON pa.id = p.analysis_id
              WHERE p.watch_id = r.watch_id AND pa.status = 'completed' AND (p.created_at, p.run_key) < (r.created_at, r.run_key)
              ORDER BY p.created_at DESC, p.run_key DESC LIMIT 1) AS previous
       FROM watch_runs r JOIN analyses a ON a.id = r.analysis_id JOIN watches w ON w.id = r.watch_id
      WHERE r.watch_id = $1 AND r.run_key = $2`,
    [watchId, runKey],
  );
  const r = rows[0];
  return r ? { analysisId: r.analysis_id, status: r.status, previousCompleted: r.previous, notifyOn: r.notify_on } : null;
}

/**
 * Records how run `runKey` ended: the analysis it was compared with and the counts of the changes
 * (both null: not compared, `comparison` says why), and with `notify` its webhook delivery as due
 * (pending; a repeated end leaves a delivery that has begun, or was due, as it is). Returns whether
 * a delivery is pending now: the stored state, not this call's `notify` (an end repeated after its
 * first attempt's answer was lost may compare otherwise, a timeout, and must still see it through).
 */
export async function endWatchRun(
  pool: Pool,
  watchId: string,
  runKey: string,
  ended: { since: string | null; changes: WatchRunChanges | null; comparison: WatchRunComparison; notify: boolean },
): Promise<{ deliveryPending: boolean }> {
  const { rows } = await pool.query<{ pending: boolean }>(
    `UPDATE watch_runs SET since_analysis_id = $3, changes = $4, comparison = $5, ended_at = COALESCE(ended_at, now()),
            notification = CASE WHEN $6::boolean THEN COALESCE(notification, 'pending') ELSE notification END
      WHERE watch_id = $1 AND run_key = $2
      RETURNING notification IS NOT DISTINCT FROM 'pending' AS pending`,
    [watchId, runKey, ended.since, ended.changes, ended.comparison, ended.notify],
  );
  return { deliveryPending: rows[0]?.pending ?? false };
}

/** The run `runKey` as its webhook delivery tells of it; null when it (or its watch) has gone. */
export async function watchRunToNotify(pool: Pool, watchId: string, runKey: string): Promise<(WatchRunRecord & { notification: WatchRunNotification }) | null> {
  const runs = await listWatchRuns(pool, watchId, 1, runKey);
  const run = runs[0];
  return run?.notification ? { ...run, notification: run.notification } : null;
}

/**
 * Records an attempt of run `runKey`'s delivery, while it is pending: `delivered`; `pending` (it
 * failed, to be tried again: counted, its reason kept); or `failed` (for good).
 */
export async function recordWatchRunNotification(
  pool: Pool,
  watchId: string,
  runKey: string,
  outcome: { state: WatchRunNotification['state']; attempt: number; error: string | null },
): Promise<void> {
  await pool.query(
    `UPDATE watch_runs SET notification = $3, notify_attempts = GREATEST(notify_attempts, $4::integer), notify_error = $5,
            notified_at = CASE WHEN $3 = 'delivered' THEN now() END
      WHERE watch_id = $1 AND run_key = $2 AND notification = 'pending'`,
    [watchId, runKey, outcome.state, outcome.attempt, outcome.error?.slice(0, 500) ?? null],
  );
}

/** Gives run `runKey`'s delivery up, if it is still pending (its budget spent between attempts, its last attempt lost): failed, with the last attempt's reason, else `reason`. */
export async function giveUpWatchRunNotification(pool: Pool, watchId: string, runKey: string, reason: string): Promise<void> {
  await pool.query(
    `UPDATE watch_runs SET notification = 'failed', notify_error = COALESCE(notify_error, $3) WHERE watch_id = $1 AND run_key = $2 AND notification = 'pending'`,
    [watchId, runKey, reason.slice(0, 500)],
  );
}

/** Marks run `runKey`'s delivery as begun (its first attempt's time), if it is pending: the sweep no longer starts it. */
export async function beginWatchRunNotification(pool: Pool, watchId: string, runKey: string): Promise<void> {
  await pool.query(
    `UPDATE watch_runs SET notify_started_at = now() WHERE watch_id = $1 AND run_key = $2 AND notification = 'pending' AND notify_started_at IS NULL`,
    [watchId, runKey],
  );
}

/**
 * The sweep of deliveries (sweepWatchDeliveriesWorkflow), for the watches of Temporal namespace
 * `namespace`: gives up every delivery still pending `giveUpAfterMs` after it began (after its run
 * ended, when it never began): its workflow was terminated, or failed before it could record the
 * outcome. Returns at most `limit` runs whose delivery has not begun `startAfterMs` after the run
 * ended (the run was terminated before it started it, or ran code that made none; or its delivery's
 * first attempt waits in a backlog), those no sweep took yet first, then the longest since a sweep
 * took them, each by when it ended; one a sweep took within `resweepAfterMs` is left, so a backlog of
 * queued deliveries does not fill every batch, unless `sweepId` took it (the same sweep's step again,
 * retried after it had marked them: those come first). Marks them taken (`notify_swept_at`, by
 * `notify_swept_by`). Those older than `startWithinMs` are left to be given up: a day-old run is no
 * longer news.
 */
export async function sweepWatchDeliveries(
  pool: Pool,
  namespace: string,
  options: { giveUpAfterMs: number; startAfterMs: number; startWithinMs: number; resweepAfterMs: number; limit: number; reason: string; sweepId: string },
): Promise<{ givenUp: number; unstarted: Array<{ watchId: string; runKey: string }> }> {
  const ago = (param: string) => `now() - make_interval(secs => ${param}::double precision / 1000)`;
  const { rowCount } = await pool.query(
    `UPDATE watch_runs r SET notification = 'failed', notify_error = COALESCE(r.notify_error, $3)
       FROM watches w
      WHERE w.id = r.watch_id AND w.temporal_namespace = $1 AND r.notification = 'pending' AND COALESCE(r.notify_started_at, r.ended_at) < ${ago('$2')}`,
    [namespace, options.giveUpAfterMs, options.reason.slice(0, 500)],
  );
  // two sweeps at once (an overlap the schedule's SKIP does not cover: a sweep started by hand) take
  // different runs; a run's row locked by its own delivery is left to the next sweep
  const { rows } = await pool.query<{ watch_id: string; run_key: string }>(
    `WITH taken AS (
       SELECT r.watch_id, r.run_key, r.notify_swept_by IS NOT DISTINCT FROM $6 AS again, r.notify_swept_at AS swept_before, r.ended_at FROM watch_runs r JOIN watches w ON w.id = r.watch_id
        WHERE w.temporal_namespace = $1 AND r.notification = 'pending' AND r.notify_started_at IS NULL
          AND r.ended_at < ${ago('$2')} AND r.ended_at > ${ago('$3')}
          AND (r.notify_swept_at IS NULL OR r.notify_swept_at < ${ago('$5')} OR r.notify_swept_by = $6)
        ORDER BY r.notify_swept_by IS NOT DISTINCT FROM $6 DESC, r.notify_swept_at NULLS FIRST, r.ended_at LIMIT $4
          FOR UPDATE OF r SKIP LOCKED),
     marked AS (
       UPDATE watch_runs r SET notify_swept_at = now(), notify_swept_by = $6 FROM taken t WHERE r.watch_id = t.watch_id AND r.run_key = t.run_key RETURNING r.watch_id)
     SELECT t.watch_id, t.run_key FROM taken t ORDER BY t.again DESC, t.swept_before NULLS FIRST, t.ended_at, t.watch_id, t.run_key`,
    [namespace, options.startAfterMs, options.startWithinMs, options.limit, options.resweepAfterMs, options.sweepId],
  );
  return { givenUp: rowCount ?? 0, unstarted: rows.map((r) => ({ watchId: r.watch_id, runKey: r.run_key })) };
}

/** Why a delivery pending when its watch's webhook was removed (PATCH notify: null) is given up. */
export const WEBHOOK_REMOVED = "not delivered: the watch's webhook was removed";

/** Gives up every delivery of watch `watchId` still pending (its webhook was removed), with `reason`; how many. */
export async function giveUpWatchDeliveries(client: Queryable, watchId: string, reason: string): Promise<number> {
  const { rowCount } = await client.query(
    `UPDATE watch_runs SET notification = 'failed', notify_error = $2 WHERE watch_id = $1 AND notification = 'pending'`,
    [watchId, reason.slice(0, 500)],
  );
  return rowCount ?? 0;
}
