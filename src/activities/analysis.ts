// The similarity step and the analysis record. Loads stored legs (in the analysis window), plain
// transfers (whole stored history) and the fresh balances, with database-wide rarity counts
// (similarity-inputs.ts), runs the domain's computeSimilarity streamed, a large group's input loaded
// and computed in a process of its own (similarity-runner.ts), copies every pair into analysis_pairs
// as the engine hands them over in rank order (while it builds the next ones), stores the result (its
// strongest pairs) in the analyses row on the same transaction, and returns a small
// summary (claim-check: the result never travels through workflow history). One attempt at a time
// computes an analysis (a session advisory lock per analysis).
import { heartbeatOf, withLivenessHeartbeat } from './heartbeat';
import { performance } from 'node:perf_hooks';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ENGINE_VERSION, type MetricName } from '../domain';
import { DEFAULT_TOP_PAIRS } from '../api/schemas/analyses';
import { AnalysisEndedError, AnalysisRowMissingError, PairSpool, storeAnalysisPairs, type PairsCompletion } from '../store/analysis-pairs';
import { endAnalysis, insertAnalysis, setEnrichmentStatus, type EnrichmentStatus } from '../store/analyses';
import { groupSyncProgress, walletSyncRows, walletsNeedingLegs } from '../store/wallets';
import { LEG_EXTRACTION_VERSION } from '../store/swap-legs';
import { solPriceUsd } from './sol-price';
import { mintsToEnrich } from './enrichment';
import { withTryAdvisoryLock, type Queryable } from '../store/db';
import { similarityStep } from './similarity-runner';
import { joinedSyncsRunning } from './joined-syncs';
import { DEFAULT_COUNTERPARTY_LOOKUPS, type ActivityDeps } from './deps';
import { DEFAULT_LAUNCH_LOOKUPS, readCrowdedLaunches } from './token-launch';
import { COUNTERPARTY_ACTIVITY_DEADLINE_MS, COUNTERPARTY_ACTIVITY_LOCAL_DEADLINE_MS, COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS, refreshCounterpartyActivity } from './counterparty-activity';

/** The ApplicationFailure type of an attempt that found another one computing the same analysis (retryable). */
export const SIMILARITY_STEP_BUSY = 'SimilarityStepBusy';

export interface FailedWallet {
  wallet: string;
  reason: string;
}

export interface SyncProgressRow {
  wallet: string;
  pages: number;
  transactions: number;
  /** for a joined sync: whether its workflow still runs; null for this analysis's own children */
  running: boolean | null;
  error: string | null;
  /**
   * (readGroupSyncProgress) its sync lease is live and held by another analysis (or sync workflow):
   * a step of this analysis that found it busy waits until a poll says it no longer is
   */
  heldElsewhere?: boolean;
}

export interface SimilarityStepInput {
  analysisId: string;
  wallets: string[];
  /** wallets computed with what was stored because the user stopped waiting for their sync */
  partialWallets: string[];
  failedWallets: FailedWallet[];
  weights?: Partial<Record<MetricName, number>>;
  windowDays: number | null;
  clusterThreshold?: number;
  /** the analysis's start time (workflow time), the window's end */
  nowSec: number;
  /** how many of the strongest pairs the stored result lists (default DEFAULT_TOP_PAIRS); analysis_pairs holds them all */
  topPairs?: number;
}

export interface AnalysisSummary {
  analysisId: string;
  status: 'completed';
  walletCount: number;
  pairCount: number;
  clusterCount: number;
  tokenUniverseSize: number;
  topPair: { walletA: string; walletB: string; combined: number } | null;
  failedWallets: FailedWallet[];
  partialWallets: string[];
  engineVersion: string;
  /**
   * Mints of the token universe that need a DexScreener call (stale, never fetched, or unknown with an
   * expired back-off) and that no enrichment run is fetching when the step stored the result, at most
   * one enrichment run's worth
   * (mintsToEnrich); 0: the enrichment was recorded as completed by the statement that completed the
   * analysis, and the analysis starts no enrichment workflow. Absent from steps run by older workers.
   */
  tokensToEnrich?: number;
}

/**
 * Milliseconds each step of the similarity step took, for its log line: a step is its heartbeat
 * text up to its first ' of ' or ':' (the load reports 'backfilling transfers of <wallet>: n', one
 * step), timed from its first report to the next step's.
 */
export class StepClock {
  private readonly ms: Record<string, number> = {};
  private current: { name: string; since: number } | null = null;
  constructor(private readonly now: () => number = () => performance.now()) {}
  step(text: string): void {
    const name = text.split(/ of |:/)[0].trim();
    if (this.current?.name === name) return;
    this.stop();
    this.current = { name, since: this.now() };
  }
  /** Ends the current step; returns every step's total, rounded to the millisecond. */
  end(): Record<string, number> {
    this.stop();
    return Object.fromEntries(Object.entries(this.ms).map(([k, v]) => [k, Math.round(v)]));
  }
  private stop(): void {
    if (this.current === null) return;
    this.ms[this.current.name] = (this.ms[this.current.name] ?? 0) + this.now() - this.current.since;
    this.current = null;
  }
}

/** How long the similarity step waits for the SOL price its legs backfill values stablecoin legs at; past it they are stored unvalued. */
const BACKFILL_PRICE_DEADLINE_MS = 3_000;

/** The SOL price (cached, or asked of the market within BACKFILL_PRICE_DEADLINE_MS), or undefined. */
async function backfillPrice(deps: ActivityDeps, signal: AbortSignal): Promise<number | undefined> {
  try {
    return await solPriceUsd(deps.redis, deps.market, AbortSignal.any([signal, AbortSignal.timeout(BACKFILL_PRICE_DEADLINE_MS)]));
  } catch {
    signal.throwIfAborted();
    return undefined;
  }
}

export function createAnalysisActivities(deps: ActivityDeps) {
  const { pool } = deps;
  async function computeAndStore(input: SimilarityStepInput): Promise<AnalysisSummary> {
    const ctx = Context.current();
    // one attempt computes an analysis at a time: a retried attempt whose predecessor still runs (a
    // heartbeat timeout on a busy worker) is refused with a retryable failure, and tries again after
    // the retry backoff, instead of computing alongside it
    const run = await withTryAdvisoryLock(pool, `analysis-similarity:${input.analysisId}`, (lockClient) => lockedComputeAndStore(input, ctx, lockClient)).catch((err: unknown) => {
      // a workflow whose row is gone ends here rather than computing again at every retry
      if (err instanceof AnalysisRowMissingError || err instanceof AnalysisEndedError) throw ApplicationFailure.nonRetryable(err.message, err.name);
      throw err;
    });
    if (!run.locked) {
      throw ApplicationFailure.create({
        type: SIMILARITY_STEP_BUSY,
        message: `another attempt is computing the similarity of analysis ${input.analysisId}; this one retries once it is done`,
      });
    }
    return run.value;
  }

  /** `lockClient`: the session holding the step's advisory lock, free for a statement meanwhile. */
  async function lockedComputeAndStore(input: SimilarityStepInput, ctx: Context, lockClient: Queryable): Promise<AnalysisSummary> {
    // every pair goes to a file as it is built (a group of 1,000 wallets has 499,500), in rank order
    // once every pair is scored, and from it into analysis_pairs while the next ones are built (the
    // store's transaction begins with the first rows written); the result itself keeps the strongest
    // topPairs. A large group's input is loaded and computed in a process of its own
    // (similarity-runner.ts; a small one's here): this thread stays free for heartbeats, the COPY and
    // other activities, and never holds a large group's input.
    const clock = new StepClock();
    const heartbeat = heartbeatOf(ctx);
    const pairCount = (input.wallets.length * (input.wallets.length - 1)) / 2;
    // the computation stops when the activity is cancelled, and when storing failed (nothing would take its rows)
    const stop = new AbortController();
    const cancelled = () => stop.abort(ctx.cancellationSignal.reason);
    if (ctx.cancellationSignal.aborted) cancelled();
    else ctx.cancellationSignal.addEventListener('abort', cancelled, { once: true });
    let storing: Promise<number> | null = null;
    // the engine's second pass (every pair built again, in rank order) writes the rows the store
    // copies meanwhile: one step, named for both
    const spool = new PairSpool(input.analysisId, undefined, (rows) => {
      clock.step('writing and copying pairs');
      heartbeat({ analysisId: input.analysisId, step: `writing and copying pairs: ${rows} of ${pairCount} written` });
      void startStore();
    });
    const rows = spool.rows();
    let finished: Promise<PairsCompletion & { summary: AnalysisSummary; tokensToEnrich: number; listed: number }> | null = null;
    const startStore = (): Promise<number> => {
      if (storing === null) {
        storing = storeAnalysisPairs(pool, input.analysisId, rows, () => {
          clock.step('completing');
          return finished as NonNullable<typeof finished>;
        }).catch((err: unknown) => {
          stop.abort(err);
          throw err;
        });
        storing.catch(() => undefined); // awaited below; its failure also stops the computation
      }
      return storing;
    };
    try {
      // a small group's step runs as a local activity, holding its workflow task (and the progress
      // query) while it runs: its reads get a shorter deadline
      const readDeadlineMs = ctx.info.isLocal ? COUNTERPARTY_ACTIVITY_LOCAL_DEADLINE_MS : COUNTERPARTY_ACTIVITY_DEADLINE_MS;
      // the launches of the tokens the group crowds around, read while the counterparties are
      const launchLookups = deps.settings.launchLookups ?? DEFAULT_LAUNCH_LOOKUPS;
      const launches =
        launchLookups > 0
          ? readCrowdedLaunches(pool, deps.helius, input.wallets, {
              maxLookups: launchLookups,
              sinceTimestamp: input.windowDays === null ? null : input.nowSec - input.windowDays * 86_400,
              deadlineMs: readDeadlineMs,
              signal: stop.signal,
            })
          : null;
      launches?.catch(() => undefined); // awaited below
      const lookups = deps.settings.counterpartyLookups ?? DEFAULT_COUNTERPARTY_LOOKUPS;
      if (deps.signatures && lookups > 0) {
        // what the chain says of the counterparties the group shares (a service, or one owner's
        // wallet), stored for the step's load to read; a failing RPC costs its deadline, not the step
        clock.step('reading counterparties');
        const read = await refreshCounterpartyActivity(pool, deps.signatures, input.wallets, {
          maxLookups: lookups,
          maxAgeSeconds: COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS,
          deadlineMs: readDeadlineMs,
          signal: stop.signal,
          onProgress: (done, of) => heartbeat({ analysisId: input.analysisId, step: `reading counterparties' activity: ${done} of ${of}` }),
          // and who funded the first funders that are wallets of one owner (funding chains)
          parser: deps.helius,
        });
        if (read.failed > 0 || read.traced.failed > 0 || read.swept.failed > 0 || read.deposits.failed > 0) log.warn('counterparty activity not read', { analysisId: input.analysisId, ...read });
      }
      if (launches) {
        clock.step('reading launches');
        try {
          const read = await launches;
          if (read.considered > 0) log.info('token launches read', { analysisId: input.analysisId, ...read });
        } catch (err) {
          // an optional read: its database's failure (a timeout of its query) costs the launches, not the step
          stop.signal.throwIfAborted();
          log.warn('token launches not read', { analysisId: input.analysisId, error: err instanceof Error ? err.message : String(err) });
        }
      }
      clock.step('starting');
      // wallets whose stored legs an older extraction made are extracted again as the step loads
      // (backfillLegs): at the price a sync values stablecoin legs at, read only when one needs it
      const solPrice = (await walletsNeedingLegs(pool, input.wallets, LEG_EXTRACTION_VERSION)).length === 0 ? undefined : await backfillPrice(deps, stop.signal);
      const computing = similarityStep({
        pool,
        load: { step: { wallets: input.wallets, partialWallets: input.partialWallets, windowDays: input.windowDays, nowSec: input.nowSec, ...(solPrice === undefined ? {} : { solPriceUsd: solPrice }) }, weights: input.weights, clusterThreshold: input.clusterThreshold },
        options: { ...deps.settings.similarityThreads, topPairs: input.topPairs ?? DEFAULT_TOP_PAIRS },
        spool,
        heapMb: deps.settings.similarityHeapMb,
        signal: stop.signal,
        onStep: (step) => {
          clock.step(step);
          heartbeat({ analysisId: input.analysisId, step });
        },
        // a helper thread that computed no rows of a large group points at a worker that cannot load
        onRowStats: (rowStats) => {
          if (rowStats.helpers > 0) log.info('similarity rows by thread', { ...rowStats });
        },
      });
      // a failed computation ends the store's reader: its transaction rolls back
      computing.catch((err: unknown) => rows.destroy(err instanceof Error ? err : new Error(String(err))));
      finished = computing.then(async ({ result, tokenUniverse, walletRanks, launchedMints }) => {
        // the last rows are copied meanwhile (the store checks they are pairCount)
        clock.step('copying the last rows');
        // an enrichment with nothing to fetch buys nothing: recorded as done with the result, no workflow
        // for it (asked on the lock's session: the store's transaction holds a second client meanwhile,
        // and the worker's pool has two per similarity step)
        const tokensToEnrich = (await mintsToEnrich(lockClient, tokenUniverse)).length;
        const top = result.globalMetrics.mostSimilarPairs[0] ?? null;
        const summary: AnalysisSummary = {
          analysisId: input.analysisId,
          status: 'completed',
          walletCount: input.wallets.length,
          pairCount,
          clusterCount: result.clusters.length,
          tokenUniverseSize: result.universe.size,
          topPair: top,
          failedWallets: input.failedWallets,
          partialWallets: input.partialWallets,
          engineVersion: ENGINE_VERSION,
        };
        const completed = {
          summary,
          result: { ...result, pairCount, pairsComplete: result.pairs.length === pairCount, tokenUniverse, partialWallets: input.partialWallets },
          coverage: result.coverage,
          failedWallets: input.failedWallets,
          engineVersion: ENGINE_VERSION,
          enrichmentNotNeeded: tokensToEnrich === 0,
          launchedMints,
        };
        return { pairCount, walletRanks, completed, summary, tokensToEnrich, listed: result.pairs.length };
      });
      finished.catch(() => undefined); // awaited below, or by the store
      try {
        await computing;
      } catch (err) {
        // a store that had begun is rolled back before the attempt ends (its reader was ended above)
        await (storing as Promise<number> | null)?.catch(() => undefined);
        throw err;
      }
      const stored = await startStore();
      const { summary, tokensToEnrich, listed } = await finished;
      log.info('similarity stored', {
        analysisId: input.analysisId,
        pairs: stored,
        listed,
        clusters: summary.clusterCount,
        universe: summary.tokenUniverseSize,
        tokensToEnrich,
        stepsMs: clock.end(),
      });
      return { ...summary, tokensToEnrich };
    } finally {
      ctx.cancellationSignal.removeEventListener('abort', cancelled);
      // reads still under way (the launches', when the counterparties' failed) end with the attempt
      if (!stop.signal.aborted) stop.abort(new Error('the similarity step ended'));
      if (!rows.destroyed) rows.destroy();
      spool.remove();
    }
  }

  return {
    async recordAnalysisStart(input: { analysisId: string; workflowId: string; requestId: string | null; wallets: string[]; params: Record<string, unknown> }): Promise<void> {
      const namespace = Context.current().info.namespace;
      await insertAnalysis(pool, { id: input.analysisId, workflowId: input.workflowId, requestId: input.requestId, wallets: input.wallets, params: input.params, namespace });
    },

    async recordAnalysisEnd(input: { analysisId: string; status: 'failed' | 'cancelled'; error: string; failedWallets: FailedWallet[] }): Promise<void> {
      await endAnalysis(pool, input.analysisId, input.status, input.error, input.failedWallets);
    },

    /**
     * Sync progress of an analysis's wallets by analysis id (its group is in its row): only rows
     * that changed after `changedSince`, plus every syncs this analysis `joined`, with whether that
     * `wallet-sync:<address>` workflow still runs. A poll's input and output stay small whatever
     * the group size, so the polling loop does not fill the workflow's history.
     */
    async readGroupSyncProgress(input: { analysisId: string; joined: string[]; changedSince: string | null }): Promise<{ readAt: string; rows: SyncProgressRow[] }> {
      const changed = await groupSyncProgress(pool, input.analysisId, input.changedSince);
      const joined = new Set(input.joined);
      const rows = new Map<string, SyncProgressRow>(
        changed.rows.filter((r) => !joined.has(r.wallet)).map((r) => [r.wallet, { wallet: r.wallet, pages: r.pages, transactions: r.transactions, running: null, error: r.lastSyncError, heldElsewhere: r.heldElsewhere === true }]),
      );
      const stored = new Map((await walletSyncRows(pool, input.joined)).map((r) => [r.wallet, r]));
      const running = await joinedSyncsRunning(Context.current().client, input.joined);
      for (const wallet of input.joined) {
        const r = stored.get(wallet);
        rows.set(wallet, { wallet, pages: r?.pages ?? 0, transactions: r?.transactions ?? 0, running: running.get(wallet) ?? false, error: r?.lastSyncError ?? null });
      }
      return { readAt: changed.readAt, rows: [...rows.values()] };
    },

    async recordEnrichmentStatus(input: { analysisId: string; status: EnrichmentStatus; workflowId?: string }): Promise<void> {
      await setEnrichmentStatus(pool, input.analysisId, input.status, input.workflowId);
    },

    computeGroupSimilarity(input: SimilarityStepInput): Promise<AnalysisSummary> {
      return withLivenessHeartbeat(() => ({ analysisId: input.analysisId }), () => computeAndStore(input));
    },
  };
}

export type AnalysisActivities = ReturnType<typeof createAnalysisActivities>;
