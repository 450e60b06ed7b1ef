// Read and write queries only the API needs (the store modules own the rest of each table).
import type { Pool } from 'pg';

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
}

/** Stored analyses, newest first; with `wallet`, only those that include it; with `owner`, only that key's. */
export async function listAnalyses(pool: Pool, opts: { wallet?: string; limit: number; owner?: string | null }): Promise<AnalysisListItem[]> {
  const { rows } = await pool.query(
    `SELECT id, workflow_id, status, wallets, created_at, completed_at, summary, error, enrichment_status FROM analyses
      WHERE ($1::text IS NULL OR wallets @> ARRAY[$1::text]) AND ($3::text IS NULL OR owner_key_id = $3::text)
      ORDER BY created_at DESC, id LIMIT $2`,
    [opts.wallet ?? null, opts.limit, opts.owner ?? null],
  );
  return rows.map((r) => ({
    analysisId: r.id,
    workflowId: r.workflow_id,
    status: r.status,
    wallets: r.wallets,
    createdAt: iso(r.created_at) as string,
    completedAt: iso(r.completed_at),
    summary: r.summary,
    error: r.error,
    enrichmentStatus: r.enrichment_status,
  }));
}

export interface IdempotentAnalysis {
  id: string;
  wallets: string[];
  params: Record<string, unknown>;
  requestId: string | null;
}

/** The analysis this API key (its id; null when auth is off) started with this Idempotency-Key. */
export async function findByIdempotencyKey(pool: Pool, key: string, ownerKeyId: string | null): Promise<IdempotentAnalysis | null> {
  // the same expression as the unique index analyses_owner_idempotency_key, so it serves this lookup
  const { rows } = await pool.query(`SELECT id, wallets, params, request_id FROM analyses WHERE COALESCE(owner_key_id, '') = COALESCE($2::text, '') AND idempotency_key = $1`, [
    key,
    ownerKeyId,
  ]);
  return rows[0] ? { id: rows[0].id, wallets: rows[0].wallets, params: rows[0].params, requestId: rows[0].request_id } : null;
}

/** Removes a row whose workflow could not be started, so a retry with the same key starts afresh. */
export async function deleteUnstartedAnalysis(pool: Pool, id: string): Promise<void> {
  await pool.query(`DELETE FROM analyses WHERE id = $1 AND status = 'running' AND summary IS NULL`, [id]);
}

export interface WalletAnalyticsRow {
  pnl: unknown;
  behavior: unknown;
  coverage: unknown;
  engineVersion: string;
  computedAt: string;
}

export async function getWalletAnalytics(pool: Pool, wallet: string): Promise<WalletAnalyticsRow | null> {
  const { rows } = await pool.query('SELECT pnl, behavior, coverage, engine_version, computed_at FROM wallet_analytics WHERE wallet = $1', [wallet]);
  const r = rows[0];
  return r ? { pnl: r.pnl, behavior: r.behavior, coverage: r.coverage, engineVersion: r.engine_version, computedAt: iso(r.computed_at) as string } : null;
}
