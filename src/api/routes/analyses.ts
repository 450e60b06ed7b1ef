// /v1/analyses: start (idempotent with Idempotency-Key), read, list, proceed and cancel.
import { canonicalJson } from '../../canonical-json';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { similarityAnalysisWorkflow } from '../../workflows/similarity-analysis';
import { TASK_QUEUES, analysisWorkflowId, proceedWithAvailableDataSignal, type AnalysisInput, type MetricWeights, type SyncMode } from '../../workflows/definitions';
import { getAnalysis, getAnalysisOwner, insertAnalysis } from '../../store/analyses';
import { describeFailure } from '../../errors';
import { analysisLinks, analysisUserMetadata, loadAnalysisView, reconcileListed } from '../analysis-view';
import { analysisNotFound, assertVisible, visibleOwner } from '../auth';
import { ProblemError, problemResponses } from '../problem';
import { deleteUnstartedAnalysis, findByIdempotencyKey, listAnalyses } from '../queries';
import { address, analysisIdParams, analysisView, links } from '../schemas';
import { checkAddress, checkAddresses } from '../validation';
import { withTemporalDeadline } from '../temporal-calls';

interface StartBody {
  wallets: string[];
  weights?: MetricWeights;
  window?: number | null;
  sync?: SyncMode;
  failureThreshold?: number;
  clusterThreshold?: number;
}

/** What the analyses row stores as params (the same shape the workflow records). */
interface AnalysisParams {
  weights: MetricWeights | null;
  windowDays: number | null;
  syncMode: SyncMode;
  failureThreshold: number;
  clusterThreshold: number | null;
}

const weight = { type: 'number', minimum: 0, maximum: 100 } as const;
const fraction = { type: 'number', minimum: 0, maximum: 1 } as const;

const startedResponse = {
  type: 'object',
  properties: { analysisId: { type: 'string' }, workflowId: { type: 'string' }, status: { type: 'string' }, idempotentReplay: { type: 'boolean' }, links },
} as const;

function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e.code === '23505' && e.constraint === constraint;
}


const sameRequest = (a: { wallets: string[]; params: unknown }, b: { wallets: string[]; params: unknown }) =>
  canonicalJson(a.wallets) === canonicalJson(b.wallets) && canonicalJson(a.params) === canonicalJson(b.params);

export async function analysesRoutes(app: FastifyInstance): Promise<void> {
  const { config, pool, temporal } = app.deps;
  const namespace = temporal.options.namespace;
  const uiUrl = config.TEMPORAL_UI_URL;
  const max = config.MAX_WALLETS_PER_ANALYSIS;

  /** 404 unless this request's key may see the analysis (reads only its owner; nothing when every analysis is visible). */
  async function ensureVisible(request: FastifyRequest, id: string): Promise<void> {
    if (visibleOwner(request) === null) return;
    assertVisible(request, id, await getAnalysisOwner(pool, id));
  }

  /** Starts the workflow of a stored analysis row. Safe to call twice: one workflow per analysis id. */
  async function startWorkflow(id: string, wallets: string[], params: AnalysisParams, requestId: string | null): Promise<void> {
    const input: AnalysisInput = {
      analysisId: id,
      wallets,
      weights: params.weights ?? undefined,
      windowDays: params.windowDays,
      syncMode: params.syncMode,
      failureThreshold: params.failureThreshold,
      requestId,
      clusterThreshold: params.clusterThreshold ?? undefined,
    };
    try {
      await withTemporalDeadline(temporal, () =>
        temporal.workflow.start<typeof similarityAnalysisWorkflow>('similarityAnalysisWorkflow', {
          taskQueue: TASK_QUEUES.analysis,
          workflowId: analysisWorkflowId(id),
          args: [input],
          // a concurrent request with the same Idempotency-Key joins; a finished analysis never reruns
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          // the Web UI's label: "12 wallets · 30 d · auto", parameters and (as many as fit) the wallets
          ...analysisUserMetadata(input),
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      throw new ProblemError('temporalUnavailable', `the analysis could not be started because Temporal did not accept the workflow (${describeFailure(err)}); retry, with the same Idempotency-Key if you sent one`);
    }
  }

  app.post<{ Body: StartBody; Headers: { 'idempotency-key'?: string } }>(
    '/v1/analyses',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['analyses'],
        summary: 'Start a similarity analysis of a group of wallets',
        description: `Wallets are sorted (order does not matter). ${2}–${max} distinct addresses. The same Idempotency-Key returns the same analysis and starts no second workflow.`,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, description: 'repeat a request safely: the same key answers with the same analysis' } },
        },
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['wallets'],
          properties: {
            wallets: { type: 'array', minItems: 2, maxItems: max, items: address, description: `2 to ${max} distinct wallet addresses` },
            weights: {
              type: 'object',
              additionalProperties: false,
              description: 'relative weights of the metrics in `combined` (missing ones take the defaults)',
              properties: { capital: weight, binary: weight, jaccardTraded: weight, jaccardHeld: weight, behavior: weight, timing: weight },
            },
            window: { type: ['integer', 'null'], minimum: 1, maximum: 3650, description: 'analysis window in days; absent or null: the full history' },
            sync: { type: 'string', enum: ['auto', 'force', 'skip'], default: 'auto', description: 'auto: sync wallets that are not READY; force: sync all; skip: use stored data only' },
            failureThreshold: { ...fraction, default: 0.8, description: 'share of wallets that must succeed' },
            clusterThreshold: { ...fraction, description: 'pairs with combined at or above this are linked into clusters (default 0.5)' },
          },
        },
        response: { 202: startedResponse, ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      checkAddresses('wallets', body.wallets);
      const wallets = [...body.wallets].sort();
      const params: AnalysisParams = {
        weights: body.weights ?? null,
        windowDays: body.window ?? null,
        syncMode: body.sync ?? 'auto',
        failureThreshold: body.failureThreshold ?? 0.8,
        clusterThreshold: body.clusterThreshold ?? null,
      };
      const key = request.headers['idempotency-key'] ?? null;
      let id: string = randomUUID();
      let requestId: string | null = request.id;
      let replay = false;
      try {
        const ownerKeyId = request.apiKeyId;
        await insertAnalysis(pool, { id, workflowId: analysisWorkflowId(id), requestId, idempotencyKey: key, ownerKeyId, wallets, params: params as unknown as Record<string, unknown> });
      } catch (err) {
        if (!key || !isUniqueViolation(err, 'analyses_owner_idempotency_key')) throw err;
        // Another request of this API key with this Idempotency-Key got there first (maybe at this very moment): answer with its analysis.
        const existing = await findByIdempotencyKey(pool, key, request.apiKeyId);
        if (!existing) throw err;
        if (!sameRequest(existing, { wallets, params })) {
          throw new ProblemError('idempotencyKeyReused', `Idempotency-Key '${key}' was used for analysis ${existing.id} with a different body: use a new key for a different request`);
        }
        ({ id, requestId } = existing);
        replay = true;
      }
      try {
        // also on a replay: the first request may have died between its insert and its start
        await startWorkflow(id, wallets, params, requestId);
      } catch (err) {
        if (!replay) await deleteUnstartedAnalysis(pool, id);
        throw err;
      }
      const status = replay ? ((await getAnalysis(pool, id))?.status ?? 'running') : 'running';
      request.log.info({ analysisId: id, wallets: wallets.length, replay }, 'analysis started');
      return reply
        .code(202)
        .header('location', `/v1/analyses/${id}`)
        .send({ analysisId: id, workflowId: analysisWorkflowId(id), status, idempotentReplay: replay, links: analysisLinks(uiUrl, namespace, id, analysisWorkflowId(id)) });
    },
  );

  app.get<{ Querystring: { wallet?: string; limit: number } }>(
    '/v1/analyses',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Stored analyses, newest first (optionally those including a wallet)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { wallet: address, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              analyses: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    analysisId: { type: 'string' },
                    workflowId: { type: 'string' },
                    status: { type: 'string' },
                    wallets: { type: 'array', items: { type: 'string' } },
                    createdAt: { type: 'string' },
                    completedAt: { type: ['string', 'null'] },
                    summary: { type: ['object', 'null'], additionalProperties: true },
                    error: { type: ['string', 'null'] },
                    enrichmentStatus: { type: 'string' },
                    links,
                  },
                },
              },
            },
          },
          ...problemResponses(400, 401),
        },
      },
    },
    async (request) => {
      const { wallet, limit } = request.query;
      if (wallet !== undefined) checkAddress('wallet', wallet);
      // rows that say running are checked against Temporal: a terminated workflow's row is repaired
      const rows = await reconcileListed({ pool, temporal }, await listAnalyses(pool, { wallet, limit, owner: visibleOwner(request) }));
      return { analyses: rows.map((r) => ({ ...r, links: analysisLinks(uiUrl, namespace, r.analysisId, r.workflowId) })) };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/analyses/:id',
    {
      schema: {
        tags: ['analyses'],
        summary: 'An analysis: status, live progress, and once done the result, coverage, failed wallets, enrichment and token metadata',
        params: analysisIdParams,
        response: { 200: analysisView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => {
      await ensureVisible(request, request.params.id);
      const view = await loadAnalysisView({ pool, temporal, uiUrl }, request.params.id);
      if (!view) throw analysisNotFound(request.params.id);
      return view;
    },
  );

  async function runningWorkflowId(request: FastifyRequest, id: string, action: string): Promise<string> {
    const record = await getAnalysis(pool, id);
    assertVisible(request, id, record);
    if (record.status !== 'running') throw new ProblemError('notRunning', `analysis ${id} is ${record.status}: only a running analysis can ${action}`);
    return record.workflowId;
  }

  const controlResponse = {
    type: 'object',
    properties: { analysisId: { type: 'string' }, workflowId: { type: 'string' }, status: { type: 'string' }, links },
  } as const;

  app.post<{ Params: { id: string } }>(
    '/v1/analyses/:id/proceed',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['analyses'],
        summary: 'Stop waiting for slow wallet syncs and compute with the data stored so far (signal proceedWithAvailableData)',
        params: analysisIdParams,
        response: { 202: controlResponse, ...problemResponses(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const workflowId = await runningWorkflowId(request, id, 'proceed');
      try {
        await temporal.workflow.getHandle(workflowId).signal(proceedWithAvailableDataSignal);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new ProblemError('notRunning', `analysis ${id} has no running workflow: it has just finished`);
        throw new ProblemError('temporalUnavailable', `the signal could not be sent (${describeFailure(err)}): retry`);
      }
      return reply.code(202).send({ analysisId: id, workflowId, status: 'proceeding', links: analysisLinks(uiUrl, namespace, id, workflowId) });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/analyses/:id',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['analyses'],
        summary: 'Cancel a running analysis (wallet syncs it started go on: other analyses may share them)',
        params: analysisIdParams,
        response: { 202: controlResponse, ...problemResponses(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const workflowId = await runningWorkflowId(request, id, 'be cancelled');
      try {
        await temporal.workflow.getHandle(workflowId).cancel();
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new ProblemError('notRunning', `analysis ${id} has no running workflow: it has just finished`);
        throw new ProblemError('temporalUnavailable', `the cancellation could not be sent (${describeFailure(err)}): retry`);
      }
      return reply.code(202).send({ analysisId: id, workflowId, status: 'cancelling', links: analysisLinks(uiUrl, namespace, id, workflowId) });
    },
  );
}
