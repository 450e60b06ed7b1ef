// /v1/analyses: start (idempotent with Idempotency-Key), read, list, proceed and cancel.
import { canonicalJson } from '../../canonical-json';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import type { similarityAnalysisWorkflow } from '../../workflows/similarity-analysis';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { MAX_WAIT_SECONDS, analysisParamsOf, analysisWorkflowId, proceedWithAvailableDataSignal, waitForAnalysisUpdate, type AnalysisInput } from '../../workflows/contract';
import {
  CANCELLED_BEFORE_START,
  analysisRowParts,
  cancelPendingStart,
  deleteUnstartedAnalysis,
  markAnalysesStarted,
  findByIdempotencyKey,
  getAnalysis,
  getAnalysisGroup,
  getAnalysisOwner,
  getAnalysisState,
  getComparedAnalysis,
  listAnalyses,
  type AnalysisRecord,
  type AnalysisStatus,
} from '../../store/analyses';
import type { SharedWallets } from '../../store/analysis-wallets';
import { assertComparable, loadAnalysisChanges } from '../analysis-changes';
import { analysisChanges, changesQuery } from '../schemas/changes';
import { describeFailureForClients } from '../../errors';
import { AnalysisRows } from '../analysis-rows';
import { AnalysisStarts, DEFAULT_START_OPTIONS, analysisStartOptions } from '../analysis-starts';
import { analysisLinks, loadAnalysisView, reconcileAnalysis, reconcileAnswered, reconcileListed, runsElsewhere } from '../analysis-view';
import { getPairsSource } from '../../store/analysis-pairs';
import { checkPairsQuery, loadPairsPage } from '../pairs-page';
import { pairsPage, pairsPageQuery } from '../schemas/pairs';
import { analysisNotFound, assertVisible, clientKeyOf, visibleOwner } from '../auth';
import { noQuery } from '../schemas/common';
import { ProblemError, problemResponses } from '../problem';
import {
  DEFAULT_TOP_HOLDERS,
  analysisControlResponse,
  analysisIdParams,
  analysisList,
  analysisStartSchema,
  analysisView,
  idempotencyKeyHeaders,
  listAnalysesQuery,
  startAnalysisQuery,
  startedAnalysis,
  type AnalysisParams,
  type AnalysisRequest,
  type TokenAnalysisRequest,
} from '../schemas/analyses';
import { askedWallets, sharedWallets } from '../validation';
import { startRequestOf } from '../start-request';
import { ServerTiming } from '../server-timing';
import { TEMPORAL_CALL_DEADLINE_MS, TemporalDeadlineError, withTemporalDeadline } from '../../temporal/deadline';

/** How long the route asks Temporal whether a start that missed its deadline happened after all. */
const EXISTS_CHECK_DEADLINE_MS = 1_000;
/** The error of an analysis cancelled while its start was queued. */

/**
 * Whether a stored analysis (its params in today's or the legacy shape) was started by this request.
 * A token request's params hold its token and top; its row's wallets are the holders found later.
 */
const sameRequest = (stored: { wallets: string[]; params: unknown }, request: AnalysisRequest | TokenAnalysisRequest) => {
  const { wallets, ...params } = 'wallets' in request ? request : { ...request, wallets: null };
  const sameGroup = wallets === null || canonicalJson(stored.wallets) === canonicalJson(wallets);
  return sameGroup && canonicalJson(analysisParamsOf(stored.params as AnalysisParams)) === canonicalJson(params);
};

export async function analysesRoutes(fastify: FastifyInstance): Promise<void> {
  // request and reply types come from the route schemas (json-schema-to-ts)
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { config, pool, temporal } = app.deps;
  const namespace = temporal.options.namespace;
  const uiUrl = config.TEMPORAL_UI_URL;
  const max = config.MAX_WALLETS_PER_ANALYSIS;

  /** 404 unless this request's key may see the analysis (reads only its owner; nothing when every analysis is visible). */
  async function ensureVisible(request: FastifyRequest, id: string): Promise<void> {
    if (visibleOwner(request) === null) return;
    assertVisible(request, id, await getAnalysisOwner(pool, id));
  }

  // the row is stored first, with the rows of other requests arriving meanwhile (analysis-rows.ts), in
  // at most all connections but one (while the start sweep holds its lock on one, reads share the rest)
  const rows = new AnalysisRows(pool, Math.max(1, config.API_DB_CONNECTIONS - 1));
  // its start is waited for, or handed off while other starts queue (analysis-starts.ts)
  const starts = new AnalysisStarts(
    { pool, temporal, log: app.log },
    {
      ...DEFAULT_START_OPTIONS,
      handOffAt: config.API_START_HAND_OFF_AT,
      maxPending: config.API_START_MAX_PENDING,
      concurrency: config.API_START_CONCURRENCY,
      giveUpAfterMs: config.API_START_GIVE_UP_SECONDS * 1000,
    },
  );
  app.addHook('onReady', async () => starts.startSweeping());
  app.addHook('onClose', async () => starts.close());

  /**
   * Starts the workflow of a stored analysis row. Safe to call twice: one workflow per analysis id.
   * Without a wait: returns once Temporal accepted it, or at once when the start was handed off (see
   * AnalysisStarts). With `waitSeconds` > 0 the start carries an update that waits (in the workflow)
   * up to that long for the analysis to finish — Update-with-Start, one call — and returns once it
   * finished or the wait ended (the row then says how the analysis is). True when Temporal has the
   * workflow; false when its start was handed off.
   */
  async function startWorkflow(input: AnalysisInput, fairnessKey: string, waitSeconds = 0): Promise<boolean> {
    const id = input.analysisId;
    try {
      if (waitSeconds === 0) return (await starts.start(input, fairnessKey)) === 'started';
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof similarityAnalysisWorkflow>('similarityAnalysisWorkflow', analysisStartOptions(input, fairnessKey));
      await withTemporalDeadline(
        temporal,
        () => temporal.workflow.executeUpdateWithStart(waitForAnalysisUpdate, { args: [{ seconds: waitSeconds }], startWorkflowOperation }),
        waitSeconds * 1000 + TEMPORAL_CALL_DEADLINE_MS,
      );
      starts.recordStarted(id);
      return true;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        starts.recordStarted(id);
        return true;
      }
      // the call failed but the start may have happened (Temporal accepted it after our deadline, an
      // update the workflow rejected): then the analysis runs and the caller gets 202 as without a
      // wait, rather than a 503 whose retry would start a second analysis beside a workflow whose
      // row the 503 removed. A plain refusal before the deadline started nothing: no need to ask.
      if ((waitSeconds > 0 || err instanceof TemporalDeadlineError) && (await workflowExists(analysisWorkflowId(id)))) {
        starts.recordStarted(id);
        return true;
      }
      // Temporal answered neither the start nor the check: the row is removed and the caller retries.
      // Should Temporal take that start later all the same, its workflow finds no row to store a
      // result in (docs/api.md, temporal-unavailable): kept so, because a row kept pending here would
      // answer every POST of an outage with an analysis that starts when Temporal is back
      throw new ProblemError('temporalUnavailable', `the analysis could not be started because Temporal did not accept the workflow (${describeFailureForClients(err)}); retry, with the same Idempotency-Key if you sent one`, undefined, err);
    }
  }

  async function workflowExists(workflowId: string): Promise<boolean> {
    try {
      // short: Temporal has just missed one deadline, and the request has waited that long already
      await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(workflowId).describe(), EXISTS_CHECK_DEADLINE_MS);
      return true;
    } catch {
      return false;
    }
  }

  app.post(
    '/v1/analyses',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['analyses'],
        summary: 'Start a similarity analysis of a group of wallets, or of a token\'s largest holders',
        description: `Either \`wallets\`: ${2}–${max} distinct addresses, sorted (order does not matter); or \`token\`: a mint, whose \`top\` largest holders (2–${max}, default ${Math.min(DEFAULT_TOP_HOLDERS, max)}) become the group, leaving out burn addresses, program-owned accounts (pool vaults, AMM authorities), known exchanges and owners whose activity on chain is a busy service's (an unlisted exchange, market maker or bot hot wallet). The same Idempotency-Key returns the same analysis and starts no second workflow.`,
        headers: idempotencyKeyHeaders,
        querystring: startAnalysisQuery(MAX_WAIT_SECONDS),
        body: analysisStartSchema(max),
        response: { 200: analysisView, 202: startedAnalysis, ...problemResponses(400, 401, 413, 415, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      // the validated body (defaults filled in) is the workflow's input
      const body = startRequestOf(request.body);
      const { wallets, params } = analysisRowParts(body);
      const key = request.headers['idempotency-key'] ?? null;
      // Node joins repeated headers with ", ": two keys would silently become a third
      if (key !== null && request.raw.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === 'idempotency-key').length > 1) {
        throw new ProblemError('validation', 'send the Idempotency-Key header once: this request has it more than once', [{ pointer: '/headers/idempotency-key', detail: 'sent more than once' }]);
      }
      // where the answer's time went (Server-Timing): before the handler (authentication, rate limit,
      // validation), storing the row, starting (or handing off) the workflow
      const timing = new ServerTiming().add('pre', reply.elapsedTime);
      let id: string = randomUUID();
      let requestId: string | null = request.id;
      // a replay's analysis as it is now (null: this request stored a new one)
      let replayedStatus: AnalysisStatus | null = null;
      // a replay's analysis that runs in another Temporal namespace (a deployment sharing the database): its namespace, whose API starts it
      let elsewhere: string | null = null;
      const ownerKeyId = request.apiKeyId;
      const stored = await timing.measure('store', () => rows.insert({ id, workflowId: analysisWorkflowId(id), requestId, idempotencyKey: key, ownerKeyId, wallets, params, startPending: true, fairnessKey: clientKeyOf(request), namespace }));
      if (!stored) {
        // Another request of this API key with this Idempotency-Key got there first (maybe at this very moment): answer with its analysis.
        // (Without a key, its random id or workflow id was taken: not seen in practice, and a retry draws another.)
        if (!key) throw new ProblemError('internal', 'the analysis could not be stored (its id was taken): retry');
        const existing = await findByIdempotencyKey(pool, key, request.apiKeyId);
        if (!existing) {
          // its row has gone since: that request's start failed (Temporal refused it), which removes its row
          throw new ProblemError('temporalUnavailable', `Idempotency-Key '${key}' belonged to a request started at this moment whose workflow Temporal did not accept: retry with the same key`);
        }
        if (!sameRequest(existing, body)) {
          throw new ProblemError('idempotencyKeyReused', `Idempotency-Key '${key}' was used for analysis ${existing.id} with a different body: use a new key for a different request`);
        }
        ({ id, requestId } = existing);
        // how it is now: a row left saying running by a workflow that has ended (or that Temporal's
        // retention has let go) is reconciled first, so that the replay does not start it again
        const row = existing.status === 'running' ? await getAnalysis(pool, id) : null;
        replayedStatus = row ? (await reconcileAnalysis({ pool, temporal }, row)).status : existing.status;
        if (runsElsewhere(temporal, existing)) elsewhere = existing.namespace;
      }
      const replay = replayedStatus !== null;
      const waitSeconds = request.query.wait;
      try {
        // also on a replay of a running analysis: the first request may have died between its insert
        // and its start. A finished one never starts again (once Temporal has let its closed workflow
        // go, a start would run it a second time over its stored result)
        if (!replay || (replayedStatus === 'running' && elsewhere === null)) {
          const started = await timing.measure('start', () => startWorkflow({ analysisId: id, request: body, requestId }, clientKeyOf(request), waitSeconds));
          // a replay answers with the analysis's id: its start recorded now, not in the next batch, so
          // that the first request, whose own start may be failing at this moment, does not remove
          // its row (deleteUnstartedAnalysis leaves a started row)
          if (replay && started) await markAnalysesStarted(pool, [id], namespace);
        }
      } catch (err) {
        if (!replay) await deleteUnstartedAnalysis(pool, id);
        throw err;
      }
      if (waitSeconds > 0) {
        // finished within the wait (or before it: a replay; or closed behind the service's back,
        // terminated during the wait, which the row says once reconciled): the result at once
        const view = await loadAnalysisView({ pool, temporal, uiUrl }, id, { withProgress: false });
        if (view && view.status !== 'running') {
          request.log.info({ analysisId: id, wallets: wallets.length, replay, status: view.status }, 'analysis answered within the wait');
          return reply.code(200).header('location', `/v1/analyses/${id}`).header('server-timing', timing.header()).send(view);
        }
      }
      // a replay says how its analysis is now (its row reconciled above: a workflow terminated since is not running)
      const status = replayedStatus ?? 'running';
      request.log.info({ analysisId: id, wallets: wallets.length, ...('token' in body ? { token: body.token, top: body.top } : {}), replay }, 'analysis started');
      return reply
        .code(202)
        .header('location', `/v1/analyses/${id}`)
        .header('server-timing', timing.header())
        .send({ analysisId: id, workflowId: analysisWorkflowId(id), status, idempotentReplay: replay, links: analysisLinks(uiUrl, elsewhere ?? namespace, id, analysisWorkflowId(id)) });
    },
  );

  app.get(
    '/v1/analyses',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Stored analyses, newest first (optionally those including a wallet); or those sharing most of a group of wallets (or of an analysis\'s) first',
        querystring: listAnalysesQuery,
        response: {
          200: analysisList,
          // 404: sharing= an analysis the key cannot see
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const { wallet, sharing, minShared, status, before, limit } = request.query;
      const asked = askedWallets(request.query);
      let shared: SharedWallets | undefined;
      if (asked !== undefined) shared = sharedWallets(asked, minShared);
      else if (sharing !== undefined) {
        // the group of an analysis the key may see, however large (a URL holds 100 addresses)
        const group = await getAnalysisGroup(pool, sharing);
        assertVisible(request, sharing, group);
        // a token analysis whose holders are not resolved yet has no group to share
        if (group.wallets.length === 0) return { analyses: [] };
        shared = { ...sharedWallets(group.wallets, minShared), exclude: sharing };
      }
      // rows that say running are checked against Temporal: a terminated workflow's row is repaired,
      // and then no longer has the status asked for (a page of the running ones may come out shorter)
      const listed = await reconcileListed({ pool, temporal }, await listAnalyses(pool, { wallet, shared, status, before, limit, owner: visibleOwner(request) }));
      const rows = status === undefined ? listed : listed.filter((r) => r.status === status);
      return { analyses: rows.map(({ namespace: ns, ...r }) => ({ ...r, links: analysisLinks(uiUrl, ns ?? namespace, r.analysisId, r.workflowId) })) };
    },
  );

  app.get(
    '/v1/analyses/:id',
    {
      schema: {
        tags: ['analyses'],
        summary: 'An analysis: status, live progress, and once done the result, coverage, failed wallets, enrichment and token metadata',
        params: analysisIdParams,
        querystring: noQuery,
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

  app.get(
    '/v1/analyses/:id/pairs',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Every pair of a completed analysis, strongest first, a page at a time (optionally those of one wallet, or at least a score)',
        description:
          'The analysis\'s `result.pairs` lists only its strongest `topPairs`; this serves all of them (499,500 for 1,000 wallets) in the same order: `scores.combined` descending, pairs without it last. Follow `nextCursor` until it is null. `minScore` and `wallet` filter; `matched` counts the pairs they let through.',
        params: analysisIdParams,
        querystring: pairsPageQuery,
        response: { 200: pairsPage, ...problemResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const source = await getPairsSource(pool, id);
      assertVisible(request, id, source);
      checkPairsQuery(id, request.query);
      await assertCompleted(id, source.status, 'its pairs are served', 'has pairs');
      return loadPairsPage(pool, id, source, request.query);
    },
  );

  app.get(
    '/v1/analyses/:id/changes',
    {
      schema: {
        tags: ['analyses'],
        summary: 'What changed since another analysis (usually an earlier one of the same group): the wallets, the clusters and the links formed and broken',
        description:
          'Both analyses completed and visible to this key. Clusters are matched one to one by the members they share; links (pairs at or above their analysis\'s cluster threshold) are compared over the wallets both analysed, the strongest `limit` of each kind listed with the counts of all.',
        params: analysisIdParams,
        querystring: changesQuery,
        response: { 200: analysisChanges, ...problemResponses(400, 401, 404, 409, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const { since, limit } = request.query;
      if (since === id) {
        throw new ProblemError('validation', `since is this analysis (${id}): pass the id of the analysis to compare it with`, [{ pointer: '/querystring/since', detail: 'the same analysis' }]);
      }
      const [later, earlier] = await Promise.all([getComparedAnalysis(pool, id), getComparedAnalysis(pool, since)]);
      assertVisible(request, id, later);
      assertVisible(request, since, earlier);
      await assertCompleted(id, later.status, 'its changes are served', 'can be compared');
      await assertCompleted(since, earlier.status, 'it can be compared', 'can be compared');
      const [a, b] = [{ ...later, id }, { ...earlier, id: since }];
      assertComparable(a, b);
      return loadAnalysisChanges(pool, a, b, limit);
    },
  );

  /**
   * A 409 unless the analysis has completed; a row that says running may belong to a workflow that
   * has ended, so Temporal says how it really is. `once`: what happens once it has completed; `only`:
   * what only a completed analysis does.
   */
  async function assertCompleted(id: string, status: AnalysisStatus, once: string, only: string): Promise<void> {
    if (status === 'completed') return;
    const stored = status === 'running' ? await getAnalysis(pool, id) : null;
    const now = stored ? (await reconcileAnalysis({ pool, temporal }, stored)).status : status;
    const when = now === 'running' ? `still running: ${once} once it has completed (GET /v1/analyses/${id}/events follows it)` : `${now}: only a completed analysis ${only}`;
    throw new ProblemError('analysisNotCompleted', `analysis ${id} is ${when}`);
  }

  /** The analysis a control (proceed, cancel) acts on: 404 unless this request's key may see it, 409 when it runs in another namespace. */
  async function controlledAnalysis(request: FastifyRequest, id: string): Promise<AnalysisRecord> {
    const stored = await getAnalysis(pool, id);
    assertVisible(request, id, stored);
    if (runsElsewhere(temporal, stored) && stored.status === 'running') {
      throw new ProblemError('otherNamespace', `analysis ${id} runs in Temporal namespace '${stored.namespace}', not this API's '${namespace}': send this request to the API of that deployment`);
    }
    return stored;
  }

  /**
   * The workflow of a running analysis for a control (`action`), its row checked against Temporal
   * (reconcileAnswered: a workflow terminated behind the service's back answers 409, not 202). Without
   * Temporal's answer, a 503: a control does not act on a row that may be out of date.
   */
  function runningWorkflowId({ record, answered }: { record: AnalysisRecord; answered: boolean }, action: string, unanswered: string): string {
    if (!answered) throw new ProblemError('temporalUnavailable', `${unanswered}: Temporal did not say whether analysis ${record.id} still runs; retry`);
    if (record.status !== 'running') throw new ProblemError('notRunning', `analysis ${record.id} is ${record.status}: only a running analysis can ${action}`);
    return record.workflowId;
  }

  app.post(
    '/v1/analyses/:id/proceed',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['analyses'],
        summary: 'Stop waiting for slow wallet syncs and compute with the data stored so far (signal proceedWithAvailableData)',
        params: analysisIdParams,
        querystring: noQuery,
        response: { 202: analysisControlResponse, ...problemResponses(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const workflowId = runningWorkflowId(await reconcileAnswered({ pool, temporal }, await controlledAnalysis(request, id)), 'proceed', 'the signal could not be sent');
      try {
        await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(workflowId).signal(proceedWithAvailableDataSignal));
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          const now = await getAnalysisState(pool, id);
          if (now?.status === 'running' && now.startPending) {
            throw new ProblemError('notRunning', `analysis ${id} has not started yet: its workflow's start is queued behind others; proceed once it runs (GET /v1/analyses/${id} says when)`);
          }
          throw new ProblemError('notRunning', `analysis ${id} has no running workflow: it has just finished`);
        }
        throw new ProblemError('temporalUnavailable', `the signal could not be sent (${describeFailureForClients(err)}): retry`, undefined, err);
      }
      return reply.code(202).send({ analysisId: id, workflowId, status: 'proceeding', links: analysisLinks(uiUrl, namespace, id, workflowId) });
    },
  );

  app.delete(
    '/v1/analyses/:id',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['analyses'],
        summary: 'Cancel a running analysis (wallet syncs it started go on: other analyses may share them)',
        params: analysisIdParams,
        querystring: noQuery,
        response: { 202: analysisControlResponse, ...problemResponses(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const checked = await reconcileAnswered({ pool, temporal }, await controlledAnalysis(request, id));
      const cancelledBeforeStart = (workflowId: string) => reply.code(202).send({ analysisId: id, workflowId, status: 'cancelled', links: analysisLinks(uiUrl, namespace, id, workflowId) });
      // Temporal did not say whether it runs (an outage): a start still queued (a burst, or left to
      // the sweep) is cancelled in PostgreSQL all the same, rather than a 503 on every retry and a
      // start by the sweep once Temporal is back. Not before asking: a start Temporal has just
      // accepted is recorded a moment later (batched), its row pending until then.
      if (!checked.answered && checked.record.startPending && (await cancelPendingStart(pool, id, CANCELLED_BEFORE_START))) return cancelledBeforeStart(checked.record.workflowId);
      const workflowId = runningWorkflowId(checked, 'be cancelled', 'the cancellation could not be sent');
      try {
        await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(workflowId).cancel());
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) {
          // its start is still queued (a burst, or left to the sweep): cancelled here, and never started
          if (await cancelPendingStart(pool, id, CANCELLED_BEFORE_START)) {
            // a start that reached Temporal since the cancellation above found nothing is cancelled
            // now (one that comes later finds the row cancelled: AnalysisStarts)
            await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(workflowId).cancel()).catch(() => undefined);
            return cancelledBeforeStart(workflowId);
          }
          throw new ProblemError('notRunning', `analysis ${id} has no running workflow: it has just finished`);
        }
        throw new ProblemError('temporalUnavailable', `the cancellation could not be sent (${describeFailureForClients(err)}): retry`, undefined, err);
      }
      return reply.code(202).send({ analysisId: id, workflowId, status: 'cancelling', links: analysisLinks(uiUrl, namespace, id, workflowId) });
    },
  );
}
