// What GET /v1/analyses/{id} answers: the stored record, live progress from the workflow's query
// while it runs, the result once completed, and the token metadata once enrichment has finished.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { getAnalysis, type AnalysisRecord } from '../store/analyses';
import { getTokens, type TokenRecord } from '../store/tokens';
import { progressQuery, type AnalysisProgress } from '../workflows/definitions';

export interface AnalysisLinks {
  self: string;
  events: string;
  temporalUi: string;
}

export interface AnalysisView {
  analysisId: string;
  workflowId: string;
  status: AnalysisRecord['status'];
  wallets: string[];
  params: Record<string, unknown>;
  createdAt: string;
  completedAt: string | null;
  progress: AnalysisProgress | null;
  error: string | null;
  summary: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
  coverage: unknown;
  failedWallets: unknown;
  enrichment: { status: AnalysisRecord['enrichmentStatus']; workflowId: string | null };
  tokens: Record<string, Omit<TokenRecord, 'nextAttemptAt' | 'lastError'>> | null;
  links: AnalysisLinks;
}

export function temporalUiLink(uiUrl: string, namespace: string, workflowId: string): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export function analysisLinks(uiUrl: string, namespace: string, id: string, workflowId: string): AnalysisLinks {
  return { self: `/v1/analyses/${id}`, events: `/v1/analyses/${id}/events`, temporalUi: temporalUiLink(uiUrl, namespace, workflowId) };
}

/** A query waits for a worker to answer; without one it would block the request for long. */
const QUERY_DEADLINE_MS = 2_000;

/** The progress query's answer, or null when the workflow cannot answer in time (no worker, not started yet). */
export async function queryProgress(temporal: Client, workflowId: string): Promise<AnalysisProgress | null> {
  try {
    return await temporal.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => temporal.workflow.getHandle(workflowId).query(progressQuery));
  } catch {
    return null;
  }
}

export async function loadAnalysisView(deps: { pool: Pool; temporal: Client; uiUrl: string }, id: string, opts: { withProgress?: boolean } = {}): Promise<AnalysisView | null> {
  const record = await getAnalysis(deps.pool, id);
  if (!record) return null;
  const progress = record.status === 'running' && opts.withProgress !== false ? await queryProgress(deps.temporal, record.workflowId) : null;
  let tokens: AnalysisView['tokens'] = null;
  const universe = (record.result?.tokenUniverse as string[] | undefined) ?? [];
  if (record.status === 'completed' && (record.enrichmentStatus === 'completed' || record.enrichmentStatus === 'failed')) {
    const rows = await getTokens(deps.pool, universe);
    tokens = Object.fromEntries(rows.map(({ nextAttemptAt: _n, lastError: _l, ...t }) => [t.mint, t]));
  }
  return {
    analysisId: record.id,
    workflowId: record.workflowId,
    status: record.status,
    wallets: record.wallets,
    params: record.params,
    createdAt: record.createdAt,
    completedAt: record.completedAt,
    progress,
    error: record.error,
    summary: record.summary,
    result: record.result,
    coverage: record.coverage ?? null,
    failedWallets: record.failedWallets ?? null,
    enrichment: { status: record.enrichmentStatus, workflowId: record.enrichmentWorkflowId },
    tokens,
    links: analysisLinks(deps.uiUrl, deps.temporal.options.namespace, record.id, record.workflowId),
  };
}
