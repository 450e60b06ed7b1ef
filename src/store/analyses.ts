// Similarity analyses: one row per request, with inputs, parameters, result, coverage and version.
// The only module with SQL on the analyses table.
import type { Pool } from 'pg';
import type { Queryable } from './db';
import { analysesSharing, type SharedWallets } from './analysis-wallets';

/**
 * The unique index (migrations/) on an API key's Idempotency-Key: inserting a second analysis with
 * the same owner and key violates it (insertAnalysis throws; insertAnalyses skips the row).
 */
export const ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE = 'analyses_owner_idempotency_key_uniq';

// the statuses are the API's enums (src/api/schemas): the column holds what the API shows
import type { AnalysisStatus, EnrichmentStatus } from '../api/schemas/analyses';
export type { AnalysisStatus, EnrichmentStatus };

export interface AnalysisRecord {
  id: string;
  workflowId: string;
  requestId: string | null;
  /** the non-secret id of the API key that started it (src/api/auth.ts), or null when auth was off */
  ownerKeyId: string | null;
  wallets: string[];
  params: Record<string, unknown>;
  status: AnalysisStatus;
  summary: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  coverage: unknown;
  failedWallets: unknown;
  engineVersion: string | null;
  error: string | null;
  enrichmentWorkflowId: string | null;
  enrichmentStatus: EnrichmentStatus;
  createdAt: string;
  completedAt: string | null;
  /** a token request's holder resolution (recordTokenHolders), null until then and for wallets requests */
  holders: Record<string, unknown> | null;
  /** the API answered before Temporal had accepted the workflow, and no start is recorded yet (src/api/analysis-starts.ts) */
  startPending: boolean;
  /** the Temporal namespace its workflow runs in (null: a row stored before it was kept, any namespace's) */
  namespace: string | null;
}

/** A new analysis's row. */
export interface NewAnalysisRow {
  id: string;
  workflowId: string;
  requestId: string | null;
  idempotencyKey?: string | null;
  ownerKeyId?: string | null;
  wallets: string[];
  params: Record<string, unknown>;
  /** the API's rows: its workflow is not known to be started until markAnalysesStarted */
  startPending?: boolean;
  /** the start's fairness key, kept for a start from the sweep */
  fairnessKey?: string | null;
  /** the Temporal namespace its workflow runs in: only that namespace's API sweeps and repairs the row */
  namespace?: string | null;
}

/**
 * A request as its row holds it: the group in `wallets` (none yet for a token request: the workflow
 * records the holders it finds), the rest (a token request's token and top among them) in `params`.
 */
export function analysisRowParts<R extends object>(request: R): { wallets: string[]; params: Omit<R, 'wallets'> } {
  const { wallets, ...params } = request as R & { wallets?: string[] };
  return { wallets: wallets ?? [], params };
}

/** Inserts the row of a new analysis (none with this id yet: nothing). Throws a unique violation of ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE when its owner already used its Idempotency-Key. */
export async function insertAnalysis(pool: Queryable, row: NewAnalysisRow): Promise<void> {
  await insertRows(pool, [row], 'ON CONFLICT (id) DO NOTHING');
}

/**
 * Inserts the rows of new analyses in one statement (one commit for them all) and returns the ids
 * it stored. A row it did not store has its id taken already, or its owner already used its
 * Idempotency-Key (by a row stored before, or by an earlier row of the same call): the one
 * statement never fails for one row's conflict.
 */
export async function insertAnalyses(pool: Pool, rows: readonly NewAnalysisRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  return insertRows(pool, rows, 'ON CONFLICT DO NOTHING');
}

/** The one INSERT of both: rows in their given order (an earlier row keeps a key), `onConflict` says which conflicts skip a row. */
async function insertRows(pool: Queryable, rows: readonly NewAnalysisRow[], onConflict: 'ON CONFLICT (id) DO NOTHING' | 'ON CONFLICT DO NOTHING'): Promise<Set<string>> {
  const { rows: stored } = await pool.query<{ id: string }>(
    `INSERT INTO analyses (id, workflow_id, request_id, idempotency_key, owner_key_id, wallets, params, start_pending, fairness_key, temporal_namespace)
     SELECT r.id, r.workflow_id, r.request_id, r.idempotency_key, r.owner_key_id, ARRAY(SELECT jsonb_array_elements_text(r.wallets)), r.params, r.start_pending, r.fairness_key, r.temporal_namespace
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (id text, workflow_id text, request_id text, idempotency_key text, owner_key_id text, wallets jsonb, params jsonb, start_pending boolean, fairness_key text, temporal_namespace text))
            WITH ORDINALITY AS r(id, workflow_id, request_id, idempotency_key, owner_key_id, wallets, params, start_pending, fairness_key, temporal_namespace, n)
      ORDER BY r.n
     ${onConflict}
     RETURNING id`,
    [
      JSON.stringify(
        rows.map((a) => ({
          id: a.id,
          workflow_id: a.workflowId,
          request_id: a.requestId,
          idempotency_key: a.idempotencyKey ?? null,
          owner_key_id: a.ownerKeyId ?? null,
          wallets: a.wallets,
          params: a.params,
          start_pending: a.startPending ?? false,
          fairness_key: a.fairnessKey ?? null,
          temporal_namespace: a.namespace ?? null,
        })),
      ),
    ],
  );
  return new Set(stored.map((r) => r.id));
}

/**
 * Temporal has accepted these analyses' workflows in `namespace` (or they had closed already): no
 * start is pending, and a row that had no namespace recorded has this one.
 */
export async function markAnalysesStarted(pool: Pool, ids: string[], namespace: string): Promise<string[]> {
  if (ids.length === 0) return [];
  // one UPDATE decides both, on the rows as they are when it takes them (a DELETE committing
  // meanwhile is seen, as a SELECT beside it, reading the statement's snapshot, would not see it):
  // the rows marked, and the ones a DELETE cancelled while their start was on its way
  // (cancelPendingStart), whose workflows Temporal has now started all the same
  const { rows } = await pool.query<{ id: string; cancelled: boolean }>(
    `UPDATE analyses SET start_pending = false, temporal_namespace = COALESCE(temporal_namespace, $2)
      WHERE id = ANY($1) AND (start_pending OR (status = 'cancelled' AND error = $3))
      RETURNING id, status = 'cancelled' AS cancelled`,
    [ids, namespace, CANCELLED_BEFORE_START],
  );
  return rows.filter((r) => r.cancelled).map((r) => r.id);
}

/** The error of an analysis cancelled while its start was pending (cancelPendingStart). */
export const CANCELLED_BEFORE_START = 'cancelled by the user before its workflow started';

/** An analysis row whose workflow start is still pending: what the start needs. */
export interface PendingStart {
  id: string;
  workflowId: string;
  requestId: string | null;
  wallets: string[];
  params: Record<string, unknown>;
  fairnessKey: string | null;
  createdAt: Date;
}

/**
 * Running analyses of `namespace` whose start has been pending for at least `olderThanMs`, oldest
 * first. Another namespace's rows are its own API's to start; one that has no namespace recorded (an
 * API of before it was kept stored it) is claimed first, by one namespace only: its sweep starts it.
 */
export async function pendingStarts(pool: Queryable, namespace: string, olderThanMs: number, limit: number): Promise<PendingStart[]> {
  const { rows } = await pool.query(
    `WITH claimed AS (
       UPDATE analyses SET temporal_namespace = $3
        WHERE temporal_namespace IS NULL AND start_pending AND status = 'running' AND created_at <= now() - make_interval(secs => $1::double precision / 1000)
        RETURNING id)
     SELECT id, workflow_id, request_id, wallets, params, fairness_key, created_at FROM analyses
      WHERE start_pending AND status = 'running' AND created_at <= now() - make_interval(secs => $1::double precision / 1000)
        AND (temporal_namespace = $3 OR id IN (SELECT id FROM claimed))
      ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit, namespace],
  );
  return rows.map((r) => ({
    id: r.id,
    workflowId: r.workflow_id,
    requestId: r.request_id,
    wallets: r.wallets,
    params: r.params,
    fairnessKey: r.fairness_key,
    createdAt: new Date(r.created_at),
  }));
}

/** Ends an analysis whose workflow was never started (Temporal refused it for too long): failed, with why. */
export async function failUnstartedAnalysis(pool: Pool, id: string, error: string): Promise<boolean> {
  const { rowCount } = await pool.query(
    `UPDATE analyses SET status = 'failed', error = $2, completed_at = now(), start_pending = false WHERE id = $1 AND start_pending AND status = 'running'`,
    [id, error.slice(0, 4000)],
  );
  return (rowCount ?? 0) > 0;
}

/** What a completed analysis's row stores. */
export interface CompletedAnalysis {
  summary: unknown;
  result: unknown;
  coverage: unknown;
  failedWallets: unknown;
  engineVersion: string;
  /** no token of its universe needs DexScreener: its enrichment is recorded as completed with it, in the same statement */
  enrichmentNotNeeded?: boolean;
  /**
   * the mints whose launch the similarity step's load found: a holder analysis whose token is one of
   * them, and whose own read of its launch failed, has its holders record say the recorded launch
   */
  launchedMints?: readonly string[];
}

/**
 * Marks an analysis completed with its result, only while it says `running` (or `completed`: a
 * retried step whose earlier attempt committed), false otherwise: its workflow recorded it cancelled
 * or failed meanwhile, or the API repaired it so, and a late commit of the similarity step must not
 * turn that into `completed`; `db` may be a transaction's client
 * (analysis-pairs storeAnalysisPairs). A holder analysis whose own read of its token's launch failed, and whose
 * launch was recorded before its similarity step loaded (by the step's reads of the launches its
 * group crowds, or by another analysis: `launchedMints`), has its holders record say that launch
 * instead of why it was not read, as the pairs' launch-block evidence does.
 */
export async function completeAnalysis(db: Queryable, id: string, r: CompletedAnalysis): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE analyses SET status = 'completed', summary = $2, result = $3, coverage = $4, failed_wallets = $5, engine_version = $6, error = NULL, completed_at = now(),
            enrichment_status = CASE WHEN $7 THEN 'completed' ELSE enrichment_status END,
            enrichment_completed_at = CASE WHEN $7 THEN now() ELSE enrichment_completed_at END,
            holders = CASE WHEN jsonb_typeof(holders) = 'object' AND jsonb_typeof(holders->'launch') = 'null'
                           THEN COALESCE((SELECT (holders - 'launchUnread') || jsonb_build_object('launch', jsonb_build_object('signature', t.signature, 'slot', t.slot, 'timestamp', t.block_time))
                                            FROM token_launches t WHERE t.mint = holders->>'token' AND t.mint = ANY($8::text[])), holders)
                           ELSE holders END
      WHERE id = $1 AND status IN ('running', 'completed')`,
    [id, JSON.stringify(r.summary), JSON.stringify(r.result), JSON.stringify(r.coverage), JSON.stringify(r.failedWallets), r.engineVersion, r.enrichmentNotNeeded === true, r.launchedMints ?? []],
  );
  return rowCount === 1;
}

export async function endAnalysis(pool: Pool, id: string, status: 'failed' | 'cancelled', error: string, failedWallets: unknown): Promise<void> {
  await pool.query(
    `UPDATE analyses SET status = $2, error = $3, failed_wallets = $4, completed_at = now() WHERE id = $1 AND status = 'running'`,
    [id, status, error.slice(0, 4000), JSON.stringify(failedWallets)],
  );
}

/**
 * Cancels an analysis whose workflow has not been started yet (its start queued in a burst, or left
 * to the sweep): true when this did it. Its start, if it comes after all, finds it cancelled and
 * cancels the workflow it started (AnalysisStarts); the sweep starts only running rows.
 */
export async function cancelPendingStart(pool: Pool, id: string, error: string): Promise<boolean> {
  const { rowCount } = await pool.query(`UPDATE analyses SET status = 'cancelled', error = $2, completed_at = now(), start_pending = false WHERE id = $1 AND status = 'running' AND start_pending`, [id, error]);
  return rowCount === 1;
}

/** The analysis's status ('running', 'completed', …), or null without a row. */
export async function analysisStatus(pool: Pool, id: string): Promise<AnalysisStatus | null> {
  const { rows } = await pool.query<{ status: AnalysisStatus }>('SELECT status FROM analyses WHERE id = $1', [id]);
  return rows[0]?.status ?? null;
}

/**
 * Ends a row that still says `running` although its workflow has closed (terminated, failed, timed
 * out, cancelled behind the service's back, or gone): the status Temporal reports and why. A row the
 * workflow itself ended meanwhile is left alone. Returns the row as it now is.
 */
export async function repairRunningAnalysis(pool: Pool, id: string, status: Exclude<AnalysisStatus, 'running' | 'completed'>, reason: string): Promise<AnalysisRecord | null> {
  const { rows } = await pool.query(
    `UPDATE analyses SET status = $2, error = $3, completed_at = now() WHERE id = $1 AND status = 'running' RETURNING *`,
    [id, status, reason.slice(0, 4000)],
  );
  return rows[0] ? toRecord(rows[0]) : getAnalysis(pool, id);
}

export async function setEnrichmentStatus(pool: Pool, id: string, status: EnrichmentStatus, workflowId?: string): Promise<void> {
  await pool.query(
    `UPDATE analyses SET enrichment_status = $2, enrichment_workflow_id = COALESCE($3, enrichment_workflow_id),
       enrichment_completed_at = CASE WHEN $2 IN ('completed', 'failed') THEN now() ELSE enrichment_completed_at END
     WHERE id = $1`,
    [id, status, workflowId ?? null],
  );
}

function toRecord(r: Record<string, unknown>): AnalysisRecord {
  return {
    id: r.id as string,
    workflowId: r.workflow_id as string,
    requestId: r.request_id as string | null,
    ownerKeyId: (r.owner_key_id as string | null) ?? null,
    wallets: r.wallets as string[],
    params: r.params as Record<string, unknown>,
    status: r.status as AnalysisStatus,
    summary: r.summary as Record<string, unknown> | null,
    result: r.result as Record<string, unknown> | null,
    coverage: r.coverage,
    failedWallets: r.failed_wallets,
    engineVersion: r.engine_version as string | null,
    error: r.error as string | null,
    enrichmentWorkflowId: r.enrichment_workflow_id as string | null,
    enrichmentStatus: r.enrichment_status as EnrichmentStatus,
    createdAt: new Date(r.created_at as string).toISOString(),
    completedAt: r.completed_at ? new Date(r.completed_at as string).toISOString() : null,
    holders: (r.holders as Record<string, unknown> | null | undefined) ?? null,
    startPending: (r.start_pending as boolean | undefined) ?? false,
    namespace: (r.temporal_namespace as string | null | undefined) ?? null,
  };
}

export async function getAnalysis(pool: Pool, id: string): Promise<AnalysisRecord | null> {
  const { rows } = await pool.query('SELECT * FROM analyses WHERE id = $1', [id]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * The analysis without its result (`result` null): what a poll of its state needs (the event stream,
 * twice a second), without reading and parsing a result of up to several MB each time.
 */
export async function getAnalysisState(pool: Pool, id: string): Promise<AnalysisRecord | null> {
  const { rows } = await pool.query(
    `SELECT id, workflow_id, request_id, owner_key_id, wallets, params, status, summary, NULL::jsonb AS result, coverage, failed_wallets, engine_version, error,
            enrichment_workflow_id, enrichment_status, created_at, completed_at, holders, start_pending, temporal_namespace
       FROM analyses WHERE id = $1`,
    [id],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * A completed analysis's enrichment that still says `running` or `not_started` although no
 * enrichment workflow runs (terminated, failed past its steps' budget, or never started because the
 * analysis's workflow ended first) ends as `failed`: the tokens are shown as the registry has them.
 * A status its workflow recorded meanwhile is left alone. Returns the enrichment as it now is.
 */
export async function repairEnrichment(pool: Pool, id: string): Promise<Pick<AnalysisRecord, 'enrichmentStatus' | 'enrichmentWorkflowId'> | null> {
  // the enrichment's columns only (the row's result may be several MB)
  const { rows } = await pool.query<{ enrichment_status: EnrichmentStatus; enrichment_workflow_id: string | null }>(
    `WITH repaired AS (
       UPDATE analyses SET enrichment_status = 'failed', enrichment_completed_at = now()
        WHERE id = $1 AND status = 'completed' AND enrichment_status IN ('running', 'not_started') RETURNING enrichment_status, enrichment_workflow_id)
     SELECT enrichment_status, enrichment_workflow_id FROM repaired
     UNION ALL SELECT enrichment_status, enrichment_workflow_id FROM analyses WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM repaired)`,
    [id],
  );
  return rows[0] ? { enrichmentStatus: rows[0].enrichment_status, enrichmentWorkflowId: rows[0].enrichment_workflow_id } : null;
}

/** The mints of an analysis's token universe (what its enrichment resolves). */
export async function analysisMints(pool: Pool, id: string): Promise<string[]> {
  const { rows } = await pool.query<{ mints: string[] | null }>(
    `SELECT ARRAY(SELECT jsonb_array_elements_text(result->'tokenUniverse')) AS mints FROM analyses WHERE id = $1`,
    [id],
  );
  return rows[0]?.mints ?? [];
}

/** Who started each of these analysis workflows (null owner: auth was off); a workflow id of no analysis is absent. */
export async function analysisOwnersByWorkflow(pool: Pool, workflowIds: string[]): Promise<Map<string, string | null>> {
  if (workflowIds.length === 0) return new Map();
  const { rows } = await pool.query<{ workflow_id: string; owner_key_id: string | null }>('SELECT workflow_id, owner_key_id FROM analyses WHERE workflow_id = ANY($1::text[])', [workflowIds]);
  return new Map(rows.map((r) => [r.workflow_id, r.owner_key_id]));
}

/** Who started an analysis (null owner: auth was off), without reading its result; null: no such analysis. */
export async function getAnalysisOwner(pool: Pool, id: string): Promise<{ ownerKeyId: string | null } | null> {
  const { rows } = await pool.query<{ owner_key_id: string | null }>('SELECT owner_key_id FROM analyses WHERE id = $1', [id]);
  return rows[0] ? { ownerKeyId: rows[0].owner_key_id } : null;
}

/** An analysis's group (a token analysis's: empty until its holders are resolved) and whose it is; null: no such analysis. */
export async function getAnalysisGroup(pool: Pool, id: string): Promise<{ wallets: string[]; ownerKeyId: string | null } | null> {
  const { rows } = await pool.query<{ wallets: string[]; owner_key_id: string | null }>('SELECT wallets, owner_key_id FROM analyses WHERE id = $1', [id]);
  return rows[0] ? { wallets: rows[0].wallets, ownerKeyId: rows[0].owner_key_id } : null;
}

const iso = (v: unknown): string | null => (v ? new Date(v as string).toISOString() : null);

export interface AnalysisListItem {
  analysisId: string;
  workflowId: string;
  status: string;
  wallets: string[];
  createdAt: string;
  completedAt: string | null;
  summary: Record<string, unknown> | null;
  error: string | null;
  enrichmentStatus: string;
  /** the Temporal namespace its workflow runs in (null: not recorded, any) */
  namespace: string | null;
  /** listed by wallets shared: how many of them its group includes */
  shared?: number;
}

/**
 * Stored analyses, newest first; with `wallet`, only those that include it; with `shared`, only those
 * whose group includes at least `min` of its wallets, those including most first (`shared` says how
 * many); with `status`, only those with it; with `before`, only those after that analysis in the
 * newest-first order, or with `shared` those created before it (none when it is not `owner`'s); with
 * `owner`, only that key's.
 */
export async function listAnalyses(
  pool: Pool,
  opts: { wallet?: string; shared?: SharedWallets; status?: AnalysisStatus; before?: string; limit: number; owner?: string | null },
): Promise<AnalysisListItem[]> {
  // those sharing most of the wallets first, each with how many it shares
  if (opts.shared) return (await analysesSharing(pool, opts.shared, opts)).map((r) => ({ ...listItem(r), shared: r.shared }));
  // newest first; a wallet's analyses found from analysis_wallets: a semi-join (not under an OR, which
  // would keep it a subplan run for each analysis walked) lets the planner read the wallet's rows or
  // walk the newest analyses probing its primary key, whichever is cheaper for that wallet. After
  // `before` in the newest-first order (created_at DESC, id): analyses stored by one statement (one
  // created_at) page without a gap; its created_at is an index range, the id breaks the tie
  const beforeAt = `(SELECT b.created_at FROM analyses b WHERE b.id = $5::text AND ($3::text IS NULL OR b.owner_key_id = $3::text))`;
  const { rows } = await pool.query(
    `SELECT id, workflow_id, status, wallets, created_at, completed_at, summary, error, enrichment_status, temporal_namespace
       FROM analyses a
      WHERE ${opts.wallet === undefined ? '$1::text IS NULL' : 'EXISTS (SELECT 1 FROM analysis_wallets w WHERE w.analysis_id = a.id AND w.wallet = $1::text)'}
        AND ($3::text IS NULL OR owner_key_id = $3::text) AND ($4::text IS NULL OR status = $4::text)
        AND ($5::text IS NULL OR (a.created_at <= ${beforeAt} AND (a.created_at < ${beforeAt} OR a.id > $5::text)))
      ORDER BY created_at DESC, id LIMIT $2`,
    [opts.wallet ?? null, opts.limit, opts.owner ?? null, opts.status ?? null, opts.before ?? null],
  );
  return rows.map(listItem);
}

function listItem(r: Record<string, unknown> & { id: string }): AnalysisListItem {
  return {
    analysisId: r.id,
    workflowId: r.workflow_id as string,
    status: r.status as string,
    wallets: r.wallets as string[],
    createdAt: iso(r.created_at) as string,
    completedAt: iso(r.completed_at),
    summary: r.summary as AnalysisListItem['summary'],
    error: r.error as string | null,
    enrichmentStatus: r.enrichment_status as string,
    namespace: r.temporal_namespace as string | null,
  };
}

export interface IdempotentAnalysis {
  id: string;
  wallets: string[];
  params: Record<string, unknown>;
  requestId: string | null;
  /** a finished one is answered as it is: its workflow is never started again */
  status: AnalysisStatus;
  /** the Temporal namespace its workflow runs in (null: not recorded) */
  namespace: string | null;
}

/** The analysis this API key (its id; null when auth is off) started with this Idempotency-Key. */
export async function findByIdempotencyKey(pool: Pool, key: string, ownerKeyId: string | null): Promise<IdempotentAnalysis | null> {
  // the same expression as the unique index ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE, so it serves this lookup
  const { rows } = await pool.query(`SELECT id, wallets, params, request_id, status, temporal_namespace FROM analyses WHERE COALESCE(owner_key_id, '') = COALESCE($2::text, '') AND idempotency_key = $1`, [
    key,
    ownerKeyId,
  ]);
  return rows[0] ? { id: rows[0].id, wallets: rows[0].wallets, params: rows[0].params, requestId: rows[0].request_id, status: rows[0].status, namespace: rows[0].temporal_namespace } : null;
}

/**
 * Removes a row whose workflow could not be started, so a retry with the same key starts afresh;
 * not one whose start is recorded (a concurrent replay with the same Idempotency-Key started it and
 * answered with its id meanwhile).
 */
export async function deleteUnstartedAnalysis(pool: Pool, id: string): Promise<void> {
  await pool.query(`DELETE FROM analyses WHERE id = $1 AND status = 'running' AND summary IS NULL AND start_pending`, [id]);
}

/**
 * What a token request's holder step needs of its row: whether it asked for every wallet synced
 * afresh (`sync: 'force'`: its holders are then scanned afresh too), and whose it is (its API key's
 * id; null without API keys): results kept for later analyses are that key's own. Null: no such row.
 */
export async function holderRequestOf(pool: Pool, id: string): Promise<{ fresh: boolean; ownerKeyId: string | null } | null> {
  const { rows } = await pool.query<{ sync: string | null; owner_key_id: string | null }>(`SELECT params->>'sync' AS sync, owner_key_id FROM analyses WHERE id = $1`, [id]);
  return rows.length === 0 ? null : { fresh: rows[0].sync === 'force', ownerKeyId: rows[0].owner_key_id };
}

/**
 * A token request's group, once its holders are known: the wallets (sorted) and how they were chosen
 * (counts, the largest excluded owners). Only a running row changes; the same call twice is harmless.
 */
export async function recordTokenHolders(pool: Pool, id: string, wallets: string[], holders: Record<string, unknown>): Promise<void> {
  await pool.query(`UPDATE analyses SET wallets = $2, holders = $3 WHERE id = $1 AND status = 'running'`, [id, wallets, JSON.stringify(holders)]);
}

/** How many of `ids` are running (of them, how many still wait for their workflow's start), completed or ended otherwise, and when the last one finished (benchmarks). */
export async function analysesProgress(pool: Pool, ids: string[]): Promise<{ running: number; startPending: number; completed: number; other: number; lastFinishedAt: Date | null }> {
  const { rows } = await pool.query<{ running: string; start_pending: string; completed: string; other: string; last: Date | null }>(
    `SELECT count(*) FILTER (WHERE status = 'running') AS running, count(*) FILTER (WHERE status = 'running' AND start_pending) AS start_pending,
            count(*) FILTER (WHERE status = 'completed') AS completed,
            count(*) FILTER (WHERE status NOT IN ('running', 'completed')) AS other, max(completed_at) AS last
       FROM analyses WHERE id = ANY($1)`,
    [ids],
  );
  const r = rows[0];
  return { running: Number(r.running), startPending: Number(r.start_pending), completed: Number(r.completed), other: Number(r.other), lastFinishedAt: r.last };
}

/** What a comparison of two analyses reads of each (GET /v1/analyses/{id}/changes): not its pairs, which stay in analysis_pairs. */
export interface ComparedAnalysis {
  ownerKeyId: string | null;
  status: AnalysisStatus;
  wallets: string[];
  failedWallets: Array<{ wallet: string }>;
  engineVersion: string | null;
  completedAt: string | null;
  /** the result's clusters' members and confidence ([] before it completed; clusters of engine 1.x, which a comparison refuses, had no confidence) */
  clusters: Array<{ members: string[]; confidence: number }>;
  /** the result's cluster threshold (null: a result of an engine that did not record it) */
  clusterThreshold: number | null;
  /** its rows in analysis_pairs: ranks 0 to pairCount - 1 */
  pairCount: number;
}

/** The analysis as a comparison reads it: its clusters out of its result, not the whole result; null: no such analysis. */
export async function getComparedAnalysis(pool: Pool, id: string): Promise<ComparedAnalysis | null> {
  const { rows } = await pool.query<{
    owner_key_id: string | null;
    status: AnalysisStatus;
    wallets: string[];
    failed_wallets: Array<{ wallet: string }> | null;
    engine_version: string | null;
    completed_at: Date | null;
    clusters: Array<{ members: string[]; confidence: number }> | null;
    cluster_threshold: number | null;
    pair_count: number;
  }>(
    `SELECT owner_key_id, status, wallets, failed_wallets, engine_version, completed_at,
            (SELECT jsonb_agg(jsonb_build_object('members', c->'members', 'confidence', c->'confidence') ORDER BY n)
               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(result->'clusters') = 'array' THEN result->'clusters' ELSE '[]' END) WITH ORDINALITY AS e(c, n)) AS clusters,
            (result->'parameters'->>'clusterThreshold')::double precision AS cluster_threshold,
            -- (as getPairsSource counts them: ranks are 0..n-1 without gaps)
            (SELECT COALESCE(max(p.rank) + 1, 0) FROM analysis_pairs p WHERE p.analysis_id = analyses.id) AS pair_count
       FROM analyses WHERE id = $1`,
    [id],
  );
  const r = rows[0];
  if (!r) return null;
  return {
    ownerKeyId: r.owner_key_id,
    status: r.status,
    wallets: r.wallets,
    failedWallets: Array.isArray(r.failed_wallets) ? r.failed_wallets : [],
    engineVersion: r.engine_version,
    completedAt: r.completed_at ? r.completed_at.toISOString() : null,
    clusters: r.clusters ?? [],
    clusterThreshold: r.cluster_threshold,
    pairCount: r.pair_count,
  };
}
