// A row per smoke run (smoke_runs): proves a workflow's activity reached PostgreSQL. The only module
// with SQL on smoke_runs.
import type { Pool } from 'pg';

/** Records a smoke run; returns its id. */
export async function insertSmokeRun(pool: Pool, run: { workflowId: string; message: string }): Promise<string> {
  const { rows } = await pool.query<{ id: string }>('INSERT INTO smoke_runs (workflow_id, message) VALUES ($1, $2) RETURNING id', [run.workflowId, run.message]);
  return rows[0].id;
}
