// The analyses whose group shares wallets with a list, counted over analysis_wallets (one row per
// analysis and wallet of its group). Nothing here writes it: the database keeps it from every
// statement that writes analyses (triggers, migrations/1795770000000_analysis-wallets.sql).
import type { Pool } from 'pg';
import type { AnalysisStatus } from './analyses';

/** The wallets listed analyses must share at least `min` of; `exclude`: an analysis not listed (the one whose group they are). */
export interface SharedWallets {
  wallets: string[];
  min: number;
  exclude?: string;
}

/**
 * The rows of the analyses (of `owner`, when given; with `status`; created before `before`: not
 * one stored at the same instant, a sibling of the same burst) whose group shares at least `min` of the wallets, those sharing most first, then the newest, with how
 * many each shares: the asked wallets' index entries only, whatever the size of the groups. The
 * columns GET /v1/analyses lists (listAnalyses maps them).
 */
export async function analysesSharing(
  pool: Pool,
  shared: SharedWallets,
  opts: { owner?: string | null; status?: AnalysisStatus; before?: string; limit: number },
): Promise<Array<Record<string, unknown> & { id: string; shared: number }>> {
  const { rows } = await pool.query<Record<string, unknown> & { id: string; shared: number }>(
    `SELECT a.id, a.workflow_id, a.status, a.wallets, a.created_at, a.completed_at, a.summary, a.error, a.enrichment_status, a.temporal_namespace, s.shared
       FROM (SELECT analysis_id, count(*)::int AS shared FROM analysis_wallets WHERE wallet = ANY($1::text[]) GROUP BY analysis_id HAVING count(*) >= $2::integer) s
       JOIN analyses a ON a.id = s.analysis_id
      WHERE ($3::text IS NULL OR a.owner_key_id = $3::text) AND ($4::text IS NULL OR a.status = $4::text) AND ($5::text IS NULL OR a.id <> $5::text)
        AND ($6::text IS NULL OR a.created_at < (SELECT b.created_at FROM analyses b WHERE b.id = $6::text AND ($3::text IS NULL OR b.owner_key_id = $3::text)))
      ORDER BY s.shared DESC, a.created_at DESC, a.id LIMIT $7`,
    [shared.wallets, Math.max(1, shared.min), opts.owner ?? null, opts.status ?? null, shared.exclude ?? null, opts.before ?? null, opts.limit],
  );
  return rows;
}
