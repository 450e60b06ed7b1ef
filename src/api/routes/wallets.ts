// /v1/wallets: status of stored history, starting (or joining) syncs, and a wallet's stored analytics.
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { walletAnalyticsWorkflow, walletSyncWorkflow } from '../../workflows/wallet-sync';
import { PRIORITY, TASK_QUEUES, walletAnalyticsWorkflowId, walletSyncWorkflowId } from '../../workflows/contract';
import { ENGINE_VERSION, olderEngine } from '../../domain/version';
import { describeFailure, describeFailureForClients } from '../../errors';
import { walletStatuses, type WalletStatusRow } from '../../store/wallets';
import { temporalUiLink } from '../analysis-view';
import { noQuery } from '../schemas/common';
import { ProblemError, problemResponses } from '../problem';
import { getWalletAnalytics } from '../../store/wallet-analytics';
import { syncsStarted, walletAddressParams, walletAnalytics, walletStatuses as walletStatusesResponse, walletsBody } from '../schemas/wallets';
import { checkAddress, checkAddresses } from '../validation';
import { TEMPORAL_CALL_DEADLINE_MS, withTemporalDeadline } from '../../temporal/deadline';
import { clientKeyOf, visibleOwner } from '../auth';
import { analysisOwnersByWorkflow } from '../../store/analyses';
import pLimit from 'p-limit';

/**
 * Temporal calls one request makes at once (a group of 1,000 wallets is 1,000 describes or starts):
 * as few as the analysis starts' (docs/api.md, "Starting under load"), whose 64 at once overloaded
 * Temporal and its PostgreSQL.
 */
const TEMPORAL_CALLS_PER_REQUEST = 8;
/**
 * How long POST /v1/wallets/status (and GET /v1/wallets/{address}) waits for Temporal, for all its
 * wallets together (1,000 describes, 8 at a time: well under a second on a local Temporal, about 4 s
 * at Temporal Cloud's round trips), and for one describe: an unreachable Temporal costs a second
 * (the first describe that misses it stops the others), not one per 8 wallets.
 */
const SYNC_CHECK_DEADLINE_MS = 10_000;
const SYNC_CHECK_CALL_DEADLINE_MS = 1_000;
/**
 * How long GET /v1/wallets/{address} waits for a wallet's analytics of an older engine to be computed
 * again (walletAnalyticsWorkflow: well under a second for most wallets) before it answers with them
 * as stored, saying so (`recomputing`).
 */
const ANALYTICS_REFRESH_WAIT_MS = 5_000;

export async function walletsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { config, pool, temporal } = app.deps;
  const namespace = temporal.options.namespace;
  const max = config.MAX_WALLETS_PER_ANALYSIS;
  const windowSeconds = config.API_RATE_LIMIT_WINDOW_SECONDS;
  // computations of wallet analytics again (a GET that finds an older engine's): a client's own allowance
  const recomputeLimit = app.createRateLimit({ ...app.postRateLimit, keyGenerator: (request) => `wallet-analytics:${clientKeyOf(request)}` });
  /**
   * The sync lease says SYNCING only while a sync keeps storing pages; a sync waiting out a lost
   * worker or a database outage stops renewing it, yet is still running. Temporal knows: a wallet
   * whose `wallet-sync:<address>` workflow is running is SYNCING, whatever its lease says. Temporal
   * is asked within one deadline for the whole request (a describe takes milliseconds): once it
   * refuses one or does not answer in time, the wallets not asked yet keep their stored status.
   */
  async function withRunningSyncs(rows: WalletStatusRow[], log: FastifyBaseLogger): Promise<WalletStatusRow[]> {
    const limit = pLimit(TEMPORAL_CALLS_PER_REQUEST);
    const deadline = Date.now() + SYNC_CHECK_DEADLINE_MS;
    // aborted at the first refusal or timeout: the describes in flight give up with it
    const giveUp = new AbortController();
    let unanswered = 0;
    const checked = await Promise.all(
      rows.map(async (r) => {
        if (r.status === 'SYNCING') return r;
        return limit(async () => {
          const left = deadline - Date.now();
          if (giveUp.signal.aborted || left <= 0) {
            unanswered++;
            return r;
          }
          const workflowId = walletSyncWorkflowId(r.wallet);
          try {
            // the deadline holds across the client's own retries (an unreachable server), not per attempt
            const d = await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(workflowId).describe(), Math.min(left, SYNC_CHECK_CALL_DEADLINE_MS), giveUp.signal);
            return d.status.name === 'RUNNING' ? { ...r, status: 'SYNCING' as const, syncWorkflowId: workflowId } : r;
          } catch (err) {
            // no such workflow: Temporal answered (the wallet was never synced on its own, or not recently)
            if (err instanceof WorkflowNotFoundError) return r;
            if (!giveUp.signal.aborted) giveUp.abort(err);
            unanswered++;
            return r;
          }
        });
      }),
    );
    if (unanswered > 0) log.warn({ wallets: rows.length, unanswered, err: describeFailure(giveUp.signal.reason ?? 'the deadline passed') }, 'wallet statuses answered from PostgreSQL alone: Temporal did not say whether their syncs run');
    return checked;
  }

  /** What the answer says of figures of an older engine left to the sync of the wallet under way. */
  const afterSync = (storedVersion: string) => ({
    engineVersion: ENGINE_VERSION,
    started: true,
    afterSync: true,
    detail: `computed by engine ${storedVersion}; a sync of the wallet is under way, and its end computes them with ${ENGINE_VERSION}: ask again once it is done`,
  });

  /**
   * Starts (or joins) the computation again of a wallet's analytics that follow an older engine
   * (walletAnalyticsWorkflow, on the analysis queue, the requester's fairness key) and waits for it
   * up to ANALYTICS_REFRESH_WAIT_MS in all. Undefined once it is done; else what the answer says of
   * it: still running, or left to a sync under way (`started`), or not running: over the client's
   * allowance (API_RATE_LIMIT_MAX per window, as a POST), not started, failed, or run by a worker of
   * an older engine (a deploy under way).
   */
  async function recompute(request: FastifyRequest, wallet: string, storedVersion: string) {
    const until = Date.now() + ANALYTICS_REFRESH_WAIT_MS;
    const workflowId = walletAnalyticsWorkflowId(wallet);
    const about = { engineVersion: ENGINE_VERSION, workflowId, links: { temporalUi: temporalUiLink(config.TEMPORAL_UI_URL, namespace, workflowId) } };
    const was = `computed by engine ${storedVersion}`;
    const notDone = (why: string, err: unknown) => {
      request.log.warn({ wallet, workflowId, error: describeFailure(err) }, `wallet analytics of an older engine: their computation again ${why}`);
      return { ...about, started: false, detail: `${was}; their computation with ${ENGINE_VERSION} ${why} (${describeFailureForClients(err)}): ask again` };
    };
    // each ask that starts or joins one counts against the client's allowance, as a POST does
    const allowance = await recomputeLimit(request);
    if (!allowance.isAllowed && allowance.isExceeded) {
      return { ...about, started: false, detail: `${was}; more than ${allowance.max} of its computations asked for in ${windowSeconds} s by this client: ask again after ${allowance.ttlInSeconds} s` };
    }
    let handle;
    try {
      handle = await withTemporalDeadline(
        temporal,
        () =>
          temporal.workflow.start<typeof walletAnalyticsWorkflow>('walletAnalyticsWorkflow', {
            taskQueue: TASK_QUEUES.analysis,
            workflowId,
            args: [{ wallet }],
            // one computation per wallet at a time: a running one is joined
            workflowIdConflictPolicy: 'USE_EXISTING',
            // an analysis's priority, the requester's share of the queue
            priority: { priorityKey: PRIORITY.analysis, fairnessKey: clientKeyOf(request) },
          }),
        Math.min(TEMPORAL_CALL_DEADLINE_MS, ANALYTICS_REFRESH_WAIT_MS),
      );
    } catch (err) {
      return notDone('could not be started', err);
    }
    const running = { ...about, started: true, detail: `${was}; being computed again with ${ENGINE_VERSION} from the stored history: ask again in a few seconds` };
    try {
      const left = until - Date.now();
      if (left <= 0) return running;
      const outcome = await withTemporalDeadline(temporal, () => handle.result(), left);
      if (outcome.syncing) return afterSync(storedVersion);
      if (outcome.engineVersion === null || !olderEngine(outcome.engineVersion)) return undefined;
      return { ...about, started: false, detail: `${was}; a worker of engine ${outcome.engineVersion} computed them again (a deploy under way?): ask again` };
    } catch (err) {
      if (err instanceof WorkflowFailedError) return notDone('failed', err);
      // not done within the wait (or Temporal did not answer it): it runs on
      return running;
    }
  }

  /** Wallets' statuses as a request may see them: another key's analysis holding a sync is not named (visibleSyncHolders). */
  async function statusViews(request: FastifyRequest, wallets: string[]) {
    const rows = await withRunningSyncs(await walletStatuses(pool, wallets, config.WALLET_STALE_AFTER_SECONDS), request.log);
    const shown = await visibleSyncHolders(request, rows);
    return rows.map((r) => ({
      wallet: r.wallet,
      status: r.status,
      lastSyncedAt: r.lastSyncedAt,
      syncWorkflowId: r.syncWorkflowId !== null && shown.has(r.syncWorkflowId) ? r.syncWorkflowId : null,
      sync: r.status === 'SYNCING' ? { pages: r.pages, transactions: r.transactions } : null,
      lastSyncError: r.lastSyncError,
    }));
  }

  /**
   * The sync holders a request may see: a wallet's own `wallet-sync:<address>` workflow, or an
   * analysis of this request's key (an admin key's: any). Another key's analysis stays unnamed (its
   * id would tell that it exists and which wallets it looks at): the wallet is SYNCING all the same.
   */
  async function visibleSyncHolders(request: FastifyRequest, rows: WalletStatusRow[]): Promise<Set<string>> {
    const holders = [...new Set(rows.flatMap((r) => (r.syncWorkflowId === null ? [] : [r.syncWorkflowId])))];
    const owner = visibleOwner(request);
    const owners = await analysisOwnersByWorkflow(pool, holders);
    return new Set(holders.filter((h) => !owners.has(h) || owner === null || owners.get(h) === owner));
  }

  app.post(
    '/v1/wallets/status',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['wallets'],
        summary: 'READY / STALE / MISSING / SYNCING per wallet, with sync progress while syncing',
        body: walletsBody(max),
        response: { 200: walletStatusesResponse, ...problemResponses(400, 401, 413, 415, 429) },
      },
    },
    async (request) => {
      checkAddresses('wallets', request.body.wallets);
      return { wallets: await statusViews(request, request.body.wallets) };
    },
  );

  app.post(
    '/v1/wallets/sync',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['wallets'],
        summary: 'Start (or join a running) full-history sync of exactly these wallets',
        body: walletsBody(max),
        response: {
          202: syncsStarted,
          ...problemResponses(400, 401, 413, 415, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const wallets = request.body.wallets;
      checkAddresses('wallets', wallets);
      const limit = pLimit(TEMPORAL_CALLS_PER_REQUEST);
      let refusal: { wallet: string; err: unknown } | null = null;
      const outcomes = await Promise.all(
        wallets.map((wallet) =>
          limit(async () => {
            const workflowId = walletSyncWorkflowId(wallet);
            // after one refusal the others are not tried: the answer is a 503, and a retry starts them
            if (refusal) return null;
            let started = true;
            try {
              await withTemporalDeadline(temporal, () =>
                temporal.workflow.start<typeof walletSyncWorkflow>('walletSyncWorkflow', {
                  taskQueue: TASK_QUEUES.analysis,
                  workflowId,
                  args: [{ wallet, sinceTimestamp: null }],
                  priority: { fairnessKey: clientKeyOf(request) },
                }),
              );
            } catch (err) {
              // one sync per wallet at a time: a running one (maybe an analysis's) is joined
              if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
                refusal ??= { wallet, err };
                return null;
              }
              started = false;
            }
            return { wallet, workflowId, started, links: { temporalUi: temporalUiLink(config.TEMPORAL_UI_URL, namespace, workflowId) } };
          }),
        ),
      );
      const syncs = outcomes.filter((x) => x !== null);
      if (refusal) {
        const { wallet, err } = refusal;
        // the syncs started before the refusal run on: a retry joins them and starts the rest
        const begun = syncs.length > 0 ? `; ${syncs.length} of the ${wallets.length} syncs were started or joined and run on, and a retry joins them` : '';
        throw new ProblemError('temporalUnavailable', `the sync of ${wallet} could not be started (${describeFailureForClients(err)})${begun}: retry`, undefined, err);
      }
      return reply.code(202).send({ syncs });
    },
  );

  app.get(
    '/v1/wallets/:address',
    {
      schema: {
        tags: ['wallets'],
        summary: "A wallet's stored PnL (per token and totals), behavior profile and coverage",
        params: walletAddressParams,
        querystring: noQuery,
        response: {
          200: walletAnalytics,
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const wallet = request.params.address;
      checkAddress('the wallet', wallet);
      let analytics = await getWalletAnalytics(pool, wallet);
      if (!analytics) throw new ProblemError('notFound', `no stored analytics for ${wallet}: sync it first with POST /v1/wallets/sync`);
      // the same view as POST /v1/wallets/status: another key's analysis that synced it stays unnamed
      const [status] = await statusViews(request, [wallet]);
      // figures of an older engine's rules are computed again (from the stored history) before they are
      // shown; while a sync of the wallet runs (Temporal says so even when its lease lapsed), by its end
      let recomputing: Awaited<ReturnType<typeof recompute>> | undefined;
      if (olderEngine(analytics.engineVersion)) {
        recomputing = status.status === 'SYNCING' ? afterSync(analytics.engineVersion) : await recompute(request, wallet, analytics.engineVersion);
        if (recomputing === undefined) analytics = (await getWalletAnalytics(pool, wallet)) ?? analytics;
      }
      return {
        wallet,
        status,
        ...analytics,
        ...(recomputing ? { recomputing } : {}),
        // jsonb objects written by computeWalletAnalytics
        pnl: analytics.pnl as Record<string, unknown>,
        behavior: analytics.behavior as Record<string, unknown>,
        coverage: analytics.coverage as Record<string, unknown>,
      };
    },
  );
}
