// What GET /v1/analyses/{id} answers: the stored record, live progress from the workflow's query
// while it runs, the result once completed, and the token metadata once enrichment has finished.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { getAnalysis, repairEnrichment, repairRunningAnalysis, type AnalysisRecord } from '../store/analyses';
import { workflowOutcome } from '../temporal/workflow-outcome';
import { withTemporalDeadline } from '../temporal/deadline';
import { tokensAndFetchesElsewhere, type TokenRecord } from '../store/tokens';
import { watchRunKeyOfAnalysis } from '../store/watch-runs';
import { enrichmentWorkflowId, analysisParamsOf, progressQuery, watchRunExecution, type AnalysisParams, type AnalysisProgress } from '../workflows/contract';
import { DEFAULT_TOP_PAIRS, type AnalysisLinks, type AnalysisView, type TokenHolders } from './schemas/analyses';

/** A workflow's page in the Temporal Web UI (or a schedule's: `kind` 'schedules'). */
export function temporalUiLink(uiUrl: string, namespace: string, id: string, kind: 'workflows' | 'schedules' = 'workflows'): string {
  return `${uiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(namespace)}/${kind}/${encodeURIComponent(id)}`;
}

export function analysisLinks(uiUrl: string, namespace: string, id: string, workflowId: string): AnalysisLinks {
  return { self: `/v1/analyses/${id}`, events: `/v1/analyses/${id}/events`, temporalUi: temporalUiLink(uiUrl, namespace, workflowId), pairs: `/v1/analyses/${id}/pairs` };
}

/** A query waits for a worker to answer; without one it would block the request for long. */
const QUERY_DEADLINE_MS = 2_000;

/** The progress query's answer, or null when the workflow cannot answer in time (no worker, not started yet). */
export async function queryProgress(temporal: Client, workflowId: string): Promise<AnalysisProgress | null> {
  try {
    return await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(workflowId).query(progressQuery), QUERY_DEADLINE_MS);
  } catch {
    return null;
  }
}

/**
 * A workflow may be missing for a moment after its row is written (the API starts it right after);
 * a row whose start is still pending (analysis-starts.ts) waits for its start, or for the sweep to fail
 * it; a watch run's, for as long as its run is open (the run starts it: an open run whose workflow
 * task never runs, for want of a worker of its queue, keeps it running).
 */
const MISSING_GRACE_MS = 60_000;

/**
 * The analysis as it really is: a row that says `running` is checked against Temporal, and when the
 * workflow has closed without recording it (terminated, failed, timed out, cancelled behind the
 * service's back, or missing) the row is repaired with Temporal's status and reason. When Temporal
 * cannot answer (within 2 s), the row is returned as it is (reconcileAnswered says so).
 */
export async function reconcileAnalysis(deps: { pool: Pool; temporal: Client }, record: AnalysisRecord): Promise<AnalysisRecord> {
  return (await reconcileAnswered(deps, record)).record;
}

/** The analysis's workflow runs in another Temporal namespace than this client's (a deployment sharing the database). */
export function runsElsewhere(temporal: Client, record: Pick<AnalysisRecord, 'namespace'>): boolean {
  return record.namespace !== null && record.namespace !== temporal.options.namespace;
}

/** reconcileAnalysis's work; `answered`: false when a running row was not checked (Temporal did not answer). */
export async function reconcileAnswered(deps: { pool: Pool; temporal: Client }, record: AnalysisRecord): Promise<{ record: AnalysisRecord; answered: boolean }> {
  if (record.status !== 'running') return { record, answered: true };
  // another namespace's workflow is missing from this one: its own deployment's API checks it
  if (runsElsewhere(deps.temporal, record)) return { record, answered: true };
  let outcome = await workflowOutcome(deps.temporal, record.workflowId);
  if (!outcome) return { record, answered: false };
  if (outcome.state === 'running') return { record, answered: true };
  if (outcome.status === 'missing') {
    if (record.startPending || Date.now() - Date.parse(record.createdAt) < MISSING_GRACE_MS) return { record, answered: true };
    // a watch run's analysis is started by its run, as its child, once the run's workflow task runs
    // (which may wait long for a worker); a run that closed may have started it meanwhile: asked once more
    const run = await watchRunOf(deps, record.id);
    if (run === null) return { record, answered: false };
    if (run === 'open') return { record, answered: true };
    if (run === 'closed') {
      outcome = await workflowOutcome(deps.temporal, record.workflowId);
      if (!outcome) return { record, answered: false };
      if (outcome.state === 'running') return { record, answered: true };
    }
  }
  // a completed workflow stores its result before it completes: a `running` row left behind is a failure
  const status = outcome.status === 'missing' || outcome.status === 'completed' ? 'failed' : outcome.status;
  return { record: (await repairRunningAnalysis(deps.pool, record.id, status, outcome.reason)) ?? record, answered: true };
}

/** Whether the watch run that inserted analysis `analysisId` is still open ('none': no run did; null: Temporal did not answer). */
async function watchRunOf(deps: { pool: Pool; temporal: Client }, analysisId: string): Promise<'open' | 'closed' | 'none' | null> {
  const runKey = await watchRunKeyOfAnalysis(deps.pool, analysisId);
  if (runKey === null) return 'none';
  const { workflowId, runId } = watchRunExecution(runKey);
  const outcome = await workflowOutcome(deps.temporal, workflowId, runId);
  return outcome === null ? null : outcome.state === 'running' ? 'open' : 'closed';
}

/**
 * The enrichment as it really is: a completed analysis whose enrichment says `running` or
 * `not_started` is checked against Temporal, and when no enrichment workflow runs (it closed
 * without recording its end: terminated, or failed while PostgreSQL was down; or it was never
 * started and the analysis's workflow has closed) the row is repaired as `failed`
 * (repairEnrichment). When Temporal cannot answer, the row is returned as it is.
 */
export async function reconcileEnrichment(deps: { pool: Pool; temporal: Client }, record: AnalysisRecord): Promise<AnalysisRecord> {
  if (record.status !== 'completed' || (record.enrichmentStatus !== 'running' && record.enrichmentStatus !== 'not_started')) return record;
  if (runsElsewhere(deps.temporal, record)) return record;
  const enrichmentId = record.enrichmentWorkflowId ?? enrichmentWorkflowId(record.id);
  const outcome = await workflowOutcome(deps.temporal, enrichmentId);
  if (!outcome || outcome.state === 'running') return record;
  if (outcome.status === 'missing') {
    // not started yet: the analysis's workflow starts it right after storing the result
    const analysis = await workflowOutcome(deps.temporal, record.workflowId);
    if (!analysis || analysis.state === 'running') return record;
    // it may have started its enrichment, then closed, between the two questions: asked once more
    const again = await workflowOutcome(deps.temporal, enrichmentId);
    if (!again || again.state === 'running' || again.status !== 'missing') return record;
  }
  const repaired = await repairEnrichment(deps.pool, record.id);
  return repaired ? { ...record, ...repaired } : record;
}

/** reconcileAnalysis for a page of listed analyses: only the running ones are checked, in parallel. */
export async function reconcileListed<T extends { analysisId: string; status: string }>(deps: { pool: Pool; temporal: Client }, items: T[]): Promise<T[]> {
  return Promise.all(
    items.map(async (item) => {
      if (item.status !== 'running') return item;
      const record = await getAnalysis(deps.pool, item.analysisId);
      if (!record) return item;
      const now = await reconcileAnalysis(deps, record);
      return now.status === 'running' ? item : { ...item, status: now.status, error: now.error, completedAt: now.completedAt };
    }),
  );
}

/** The mints of a stored result's token universe (none before the result). */
export function resultTokenUniverse(record: Pick<AnalysisRecord, 'result'>): string[] {
  return (record.result?.tokenUniverse as string[] | undefined) ?? [];
}

/** Token rows as a view lists them, by mint (without the registry's retry bookkeeping). */
export function tokenViews(rows: TokenRecord[]): NonNullable<AnalysisView['tokens']> {
  return Object.fromEntries(rows.map(({ nextAttemptAt: _n, lastError: _l, ...t }) => [t.mint, t]));
}

export async function loadAnalysisView(deps: { pool: Pool; temporal: Client; uiUrl: string }, id: string, opts: { withProgress?: boolean } = {}): Promise<AnalysisView | null> {
  const stored = await getAnalysis(deps.pool, id);
  if (!stored) return null;
  const reconciled = await reconcileAnswered(deps, stored);
  const answered = reconciled.answered;
  const record = await reconcileEnrichment(deps, reconciled.record);
  // Temporal did not answer the reconcile: its query would not be answered either (2 s more for nothing)
  const progress = record.status === 'running' && answered && opts.withProgress !== false && !runsElsewhere(deps.temporal, record) ? await queryProgress(deps.temporal, record.workflowId) : null;
  let tokens: AnalysisView['tokens'] = null;
  let fetchingElsewhere = 0;
  const universe = resultTokenUniverse(record);
  if (record.status === 'completed' && (record.enrichmentStatus === 'completed' || record.enrichmentStatus === 'failed')) {
    const { records, fetchedElsewhere } = await tokensAndFetchesElsewhere(deps.pool, universe, record.enrichmentWorkflowId);
    tokens = tokenViews(records);
    fetchingElsewhere = fetchedElsewhere.length;
  }
  const params = analysisParamsOf(record.params as AnalysisParams);
  return {
    analysisId: record.id,
    workflowId: record.workflowId,
    status: record.status,
    wallets: record.wallets,
    // rows written before params stored the validated request answer in today's shape too
    params,
    holders: tokenHoldersView(record),
    createdAt: record.createdAt,
    completedAt: record.completedAt,
    progress,
    error: record.error,
    summary: record.summary,
    // stored JSON written by computeGroupSimilarity and recordAnalysisEnd
    // (a result stored before analysis_pairs lists every pair: cut to the strongest first)
    result: resultInTodaysShape(resultWithTopPairs(record.result, params.topPairs ?? DEFAULT_TOP_PAIRS)) as AnalysisView['result'],
    coverage: (record.coverage ?? null) as AnalysisView['coverage'],
    failedWallets: (record.failedWallets ?? null) as AnalysisView['failedWallets'],
    enrichment: { status: record.enrichmentStatus, workflowId: record.enrichmentWorkflowId, fetchingElsewhere },
    tokens,
    links: analysisLinks(deps.uiUrl, record.namespace ?? deps.temporal.options.namespace, record.id, record.workflowId),
  };
}

/** A token request's holders as stored on its row (null for a wallets request). */
function tokenHoldersView(record: AnalysisRecord): TokenHolders | null {
  const { token, top } = record.params as { token?: unknown; top?: unknown };
  if (typeof token !== 'string' || typeof top !== 'number') return null;
  return { token, top, ...(record.holders ?? {}), resolved: record.holders !== null };
}

type StoredObject = Record<string, unknown>;

const NO_SCORES = { capital: null, binary: null, jaccardTraded: null, jaccardHeld: null, behavior: null, timing: null, funding: null, bundle: null, rarity: null, similarity: null, combined: null };

/**
 * A stored result in the shape the response schema declares. Results of engine 1.x (before
 * detection v2) lack the pair evidence, the scores funding, bundle, rarity and similarity, and the
 * clusters' confidence and evidence: those are filled with null (similarity with the old combined,
 * which was the similarity blend), so old analyses are still served. Today's results pass as they are.
 */
export function resultInTodaysShape(result: StoredObject | null | undefined): StoredObject | null {
  if (!result) return null;
  const pairs = Array.isArray(result.pairs) ? (result.pairs as StoredObject[]) : [];
  const clusters = Array.isArray(result.clusters) ? (result.clusters as StoredObject[]) : [];
  const pairsCurrent = pairs.every(isCurrentPair);
  const clustersCurrent = clusters.every((c) => 'evidence' in c && 'confidence' in c);
  if (pairsCurrent && clustersCurrent) return result;
  return {
    ...result,
    pairs: pairs.map(pairInTodaysShape),
    clusters: clusters.map((c) => ({ confidence: null, density: null, weakestMemberLink: null, evidence: null, ...c })),
  };
}

const isCurrentPair = (p: StoredObject) => 'evidence' in p && typeof p.scores === 'object' && p.scores !== null && 'similarity' in p.scores;

/** One stored pair in the shape the response schema declares (an engine 1.x pair filled with null; today's as it is). */
export function pairInTodaysShape(p: StoredObject): StoredObject {
  if (isCurrentPair(p)) return p;
  const scores = (p.scores ?? {}) as StoredObject;
  return {
    ...p,
    strength: p.strength ?? null,
    insights: p.insights ?? [],
    scores: { ...NO_SCORES, similarity: scores.combined ?? null, ...scores },
    evidence: p.evidence ?? null,
  };
}

/** A pair's place in the ranking: `combined` descending, pairs without it last (as analysis_pairs ranks them). */
const combinedOf = (p: StoredObject): number | null => {
  const c = (p.scores as StoredObject | null | undefined)?.combined;
  return typeof c === 'number' ? c : null;
};

/**
 * A result as GET /v1/analyses/{id} serves it: at most the strongest `topPairs` pairs, with
 * `pairCount` (all of them; GET /v1/analyses/{id}/pairs serves them) and `pairsComplete`. Results
 * stored since analysis_pairs exist are stored so; one stored before lists every pair in the
 * engine's order and has no `pairCount`: it is ranked as the migration ranked its rows (combined
 * descending, pairs without it last, ties in the stored order) and cut to the strongest.
 */
export function resultWithTopPairs(result: StoredObject | null, topPairs: number): StoredObject | null {
  if (!result || typeof result.pairCount === 'number' || !Array.isArray(result.pairs)) return result;
  const pairs = result.pairs as StoredObject[];
  const ranked = pairs
    .map((pair, index) => ({ pair, index, combined: combinedOf(pair) }))
    .sort((x, y) => (x.combined === y.combined ? x.index - y.index : x.combined === null ? 1 : y.combined === null ? -1 : y.combined - x.combined))
    .slice(0, topPairs)
    .map((r) => r.pair);
  return { ...result, pairs: ranked, pairCount: pairs.length, pairsComplete: ranked.length === pairs.length };
}
