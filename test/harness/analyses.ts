// Analyses started without HTTP, the way the API starts them: the body validated by the API's own
// validator (so the schema's defaults fill in), the analyses row inserted (the API owns it), then
// the workflow.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { Pool } from 'pg';
import { analysisRequestSchema, type AnalysisRequest, type AnalysisRequestBody } from '../../src/api/schemas/analyses';
import { validatorCompiler } from '../../src/api/validation';
import { analysisRowParts, completeAnalysis, insertAnalysis } from '../../src/store/analyses';
import { similarityAnalysisWorkflow } from '../../src/workflows/similarity-analysis';
import { TASK_QUEUES, analysisWorkflowId, isTokenRequest, runningSearchAttributes, type AnalysisInput } from '../../src/workflows/contract';

/** The request as POST /v1/analyses would pass it on: validated, defaults filled in, wallets sorted. */
export function analysisRequest(body: AnalysisRequestBody): AnalysisRequest {
  const validate = validatorCompiler({ schema: analysisRequestSchema(Math.max(2, body.wallets.length)), method: 'POST', url: '/v1/analyses', httpPart: 'body' }) as ((data: unknown) => boolean) & { errors?: unknown };
  const request = structuredClone({ ...body, wallets: [...body.wallets].sort() });
  if (!validate(request)) throw new Error(`not a valid analysis request: ${JSON.stringify(validate.errors)}`);
  return request as AnalysisRequest;
}

/** A workflow input for `body` with a fresh analysis id. */
export function analysisInput(body: AnalysisRequestBody, extra: Partial<Omit<AnalysisInput, 'request'>> = {}): AnalysisInput {
  return { analysisId: randomUUID(), requestId: null, request: analysisRequest(body), ...extra };
}

/** Inserts the analysis's row as the API does before it starts the workflow. */
export async function insertAnalysisRow(pool: Pool, input: AnalysisInput): Promise<void> {
  const { wallets, params } = analysisRowParts(input.request);
  await insertAnalysis(pool, { id: input.analysisId, workflowId: analysisWorkflowId(input.analysisId), requestId: input.requestId, wallets, params });
}

type StartOptions = Partial<Omit<WorkflowStartOptions<typeof similarityAnalysisWorkflow>, 'args'>>;

/** The row, then the workflow (id `analysis:<id>` on the analysis queue unless `options` say otherwise). */
export async function startAnalysis(stack: { pool: Pool; client: Client }, input: AnalysisInput, options: StartOptions = {}) {
  await insertAnalysisRow(stack.pool, input);
  return stack.client.workflow.start(similarityAnalysisWorkflow, {
    taskQueue: TASK_QUEUES.analysis,
    workflowId: analysisWorkflowId(input.analysisId),
    // as the API starts it (analysisStartOptions): listed as running, with its group
    typedSearchAttributes: runningSearchAttributes(isTokenRequest(input.request) ? null : input.request.wallets),
    ...options,
    args: [input],
  });
}

/** startAnalysis, then its result. */
export async function executeAnalysis(stack: { pool: Pool; client: Client }, input: AnalysisInput, options: StartOptions = {}) {
  return (await startAnalysis(stack, input, options)).result();
}

/**
 * The group analysed once, before the file's tests (a beforeAll on its stack, with its workers, a
 * progress poll of 200 ms): the analysis's id, known at once.
 */
export function analyseBeforeAll(opened: { stack: { pool: Pool; client: Client; withWorkers<T>(fn: () => Promise<T>): Promise<T> } }, wallets: string[]): string {
  const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
  beforeAll(() => opened.stack.withWorkers(() => executeAnalysis(opened.stack, input)), 180_000);
  return input.analysisId;
}

/**
 * Each wallet's ranks (analysis_wallet_ranks) from an analysis's rows in analysis_pairs, as the
 * write path stores them beside the rows: for tests that seed analysis_pairs with SQL.
 */
export async function seedWalletRanks(pool: Pool, analysisId: string): Promise<void> {
  await pool.query(
    `INSERT INTO analysis_wallet_ranks (analysis_id, wallet, ranks)
     SELECT analysis_id, wallet, array_agg(rank ORDER BY rank)
       FROM (SELECT analysis_id, wallet_a AS wallet, rank FROM analysis_pairs WHERE analysis_id = $1
             UNION ALL SELECT analysis_id, wallet_b, rank FROM analysis_pairs WHERE analysis_id = $1) AS sides
      GROUP BY analysis_id, wallet`,
    [analysisId],
  );
}

/** A pair as analysis_pairs stores it: its wallets, and its combined score, by which it is ranked. */
export interface StoredPair {
  walletA: string;
  walletB: string;
  scores: { combined: number | null };
}

/** `pairs` (in pair-index order) in the ranking analysis_pairs holds: combined descending, pairs without it last, ties by pair index. */
export function inRankOrder<T extends StoredPair>(pairs: T[]): T[] {
  return pairs
    .map((p, index) => ({ p, index }))
    .sort((x, y) => {
      const [cx, cy] = [x.p.scores.combined, y.p.scores.combined];
      if (cx === cy) return x.index - y.index;
      if (cx === null) return 1;
      if (cy === null) return -1;
      return cy - cx;
    })
    .map((r) => r.p);
}

/**
 * An analysis's rows of analysis_pairs from `pairs` (in pair-index order; each stored whole as its
 * `pair`), ranked as the write path ranks them, and each wallet's ranks beside them (test data: the
 * store has no seeding function).
 */
export async function storePairs(pool: Pool, analysisId: string, pairs: StoredPair[]): Promise<void> {
  const indexed = pairs.map((pair, index) => ({ ...pair, index }));
  const order = inRankOrder(indexed);
  await pool.query(
    `INSERT INTO analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair)
     SELECT $1, r.rank, r.pair_index, r.pair->>'walletA', r.pair->>'walletB', (r.pair->'scores'->>'combined')::double precision, r.pair
       FROM unnest($2::integer[], $3::integer[], $4::json[]) AS r(rank, pair_index, pair)`,
    [analysisId, order.map((_, rank) => rank), order.map((p) => p.index), order.map(({ index: _i, ...p }) => JSON.stringify(p))],
  );
  await seedWalletRanks(pool, analysisId);
}

/** A completed analysis to seed (test data: the store has no seeding function). */
export interface SeededAnalysis {
  ownerKeyId: string | null;
  group: string[];
  /** wallets of the group left out (their sync failed) */
  failed?: string[];
  clusters: string[][];
  /** combined scores by `a~b` (either way round); other pairs 0.05 */
  scores: Record<string, number | null>;
  /** pairs `a~b` stored B before A */
  reversed?: string[];
  /** its engine version (default 2.19.0) */
  engine?: string;
}

/**
 * A completed analysis over `group` (less `failed`), with `clusters` in its result (threshold 0.3)
 * and every pair of the analysed wallets stored in analysis_pairs; its id.
 */
export async function seedCompletedAnalysis(pool: Pool, o: SeededAnalysis): Promise<string> {
  const id = randomUUID();
  const failed = o.failed ?? [];
  const analysed = o.group.filter((x) => !failed.includes(x));
  const scoreOf = (a: string, b: string) => (`${a}~${b}` in o.scores ? o.scores[`${a}~${b}`] : o.scores[`${b}~${a}`]);
  const pairs: StoredPair[] = [];
  for (let i = 0; i < analysed.length; i++) {
    for (let j = i + 1; j < analysed.length; j++) {
      const [a, b] = [analysed[i], analysed[j]];
      const given = scoreOf(a, b);
      const scored = { combined: given === undefined ? 0.05 : given };
      pairs.push(o.reversed?.includes(`${a}~${b}`) ? { walletA: b, walletB: a, scores: scored } : { walletA: a, walletB: b, scores: scored });
    }
  }
  const engine = o.engine ?? '2.19.0';
  await insertAnalysis(pool, { id, workflowId: analysisWorkflowId(id), requestId: null, ownerKeyId: o.ownerKeyId, wallets: o.group, params: { window: null, sync: 'skip', failureThreshold: 0.8, topPairs: 10 } });
  const clusters = o.clusters.map((members, i) => ({ members: [...members].sort(), confidence: 0.6 - i / 10, edgeCount: 1 }));
  await completeAnalysis(pool, id, {
    summary: { pairCount: pairs.length },
    result: { engineVersion: engine, parameters: { clusterThreshold: 0.3 }, pairs: [], pairCount: pairs.length, pairsComplete: false, clusters },
    coverage: [],
    failedWallets: failed.map((wallet) => ({ wallet, reason: 'sync failed' })),
    engineVersion: engine,
  });
  await storePairs(pool, id, pairs);
  return id;
}
