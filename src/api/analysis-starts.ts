// Starting the workflows of POST /v1/analyses. The row comes first (start_pending), then the start:
//
// - A request waits for Temporal to accept its workflow, as it always did, when none of this
//   process's starts is waiting: then a Temporal that refuses is a 503 at once, and the caller holds
//   an analysis whose workflow exists.
// - When other starts are already waiting on Temporal (a burst: Temporal accepts starts more slowly
//   than they come), the request is answered from its stored row at once (202), and its start joins
//   a queue that API_START_CONCURRENCY starts at a time drain in the background. On a loaded
//   Temporal a start takes seconds; the caller no longer waits for it, the API's event loop is not
//   flooded with hundreds of concurrent gRPC calls, and nothing is lost: the row is stored before
//   the answer.
// - A row whose start has not been recorded (the process died, Temporal refused the background
//   start) is started by the sweep that runs in every API process (one at a time, by an advisory
//   lock; only its own Temporal namespace's rows, where deployments share the database); one that
//   Temporal refuses for API_START_GIVE_UP_SECONDS is failed with the reason, so no analysis says
//   `running` for ever.
//
// Every start is safe to repeat: one workflow per analysis id (USE_EXISTING while it runs,
// REJECT_DUPLICATE once closed, which counts as started).
import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { FastifyBaseLogger } from 'fastify';
import pLimit from 'p-limit';
import type { Pool } from 'pg';
import { describeFailure, describeFailureForClients } from '../errors';
import { analysisStatus, failUnstartedAnalysis, markAnalysesStarted, pendingStarts, type PendingStart } from '../store/analyses';
import { withTryAdvisoryLock } from '../store/db';
import type { similarityAnalysisWorkflow } from '../workflows/similarity-analysis';
import { analysisWorkflowId, analysisWorkflowOptions, type AnalysisInput } from '../workflows/contract';
import type { AnalysisRequest, TokenAnalysisRequest } from './schemas/analyses';
import { TEMPORAL_CALL_DEADLINE_MS, withTemporalDeadline } from '../temporal/deadline';

/** The start options of an analysis's workflow (also those of Update-with-Start). */
export function analysisStartOptions(input: AnalysisInput, fairnessKey: string | null) {
  return {
    ...analysisWorkflowOptions(input, fairnessKey),
    // a concurrent request with the same Idempotency-Key joins; a finished analysis never reruns
    workflowIdConflictPolicy: 'USE_EXISTING' as const,
    workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
  };
}

/** The workflow input of a stored row (its params hold a token request's token and top; a wallets request's group is its wallets). */
export function inputOfPendingStart(row: Pick<PendingStart, 'id' | 'requestId' | 'wallets' | 'params'>): AnalysisInput {
  const request = 'token' in row.params ? (row.params as unknown as TokenAnalysisRequest) : ({ ...row.params, wallets: row.wallets } as unknown as AnalysisRequest);
  return { analysisId: row.id, requestId: row.requestId, request };
}

export interface AnalysisStartsOptions {
  /** a request is answered without waiting for its start when at least this many of this process's starts are waiting (0: never wait while Temporal accepts) */
  handOffAt: number;
  /** starts that may wait in the background; past it a request waits for its own (backpressure) */
  maxPending: number;
  /** background starts sent to Temporal at once */
  concurrency: number;
  /** how often the sweep looks for rows left pending */
  sweepEveryMs: number;
  /** a row pending this long has no start in flight anywhere (each gives up after TEMPORAL_CALL_DEADLINE_MS) */
  sweepAfterMs: number;
  /** a row Temporal has not accepted after this long is failed with the reason */
  giveUpAfterMs: number;
  /** started analyses are recorded in one UPDATE at most this often */
  recordEveryMs: number;
}

/**
 * How long a background start waits for Temporal once it is sent (no request waits on it: a loaded
 * Temporal may take seconds, which is no reason to start it again from the sweep).
 */
export const BACKGROUND_START_DEADLINE_MS = 30_000;

export const DEFAULT_START_OPTIONS: Omit<AnalysisStartsOptions, 'handOffAt' | 'maxPending' | 'giveUpAfterMs' | 'concurrency'> = {
  sweepEveryMs: 5_000,
  // past any start's deadline: none is in flight for the row any more, in any process
  sweepAfterMs: BACKGROUND_START_DEADLINE_MS + 10_000,
  recordEveryMs: 100,
};

/** The lock that lets one API process of a Temporal namespace at a time sweep (each namespace's rows are its own API's). */
export const sweepLock = (namespace: string): string => `analysis-start-sweep:${namespace}`;
/** Rows one sweep looks at. */
const SWEEP_BATCH = 200;
/** Refusals in a row after which a sweep stops trying (Temporal refuses every start). */
const SWEEP_REFUSALS_BEFORE_STOPPING = 3;
/** Started ids kept for the next UPDATE while PostgreSQL is away (past it the sweep records them). */
const MAX_UNRECORDED = 10_000;

export class AnalysisStarts {
  /** this process's starts waiting on Temporal or queued for it, by analysis id */
  private readonly inFlight = new Map<string, Promise<void>>();
  /** the background starts' queue */
  private readonly background: pLimit.Limit;
  /** the last start that settled failed: requests wait for their own (and so answer 503) until one is accepted */
  private refusing = false;
  private unrecorded: string[] = [];
  private recordTimer: NodeJS.Timeout | null = null;
  private recording: Promise<void> = Promise.resolve();
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** aborted by close(): the background starts still queued or in flight are left to the sweep */
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: { pool: Pool; temporal: Client; log: FastifyBaseLogger },
    private readonly options: AnalysisStartsOptions,
  ) {
    this.background = pLimit(options.concurrency);
    // each start in flight listens to it until it settles: up to `concurrency` at once, not a leak
    // (Node warns past 10 listeners on one signal)
    setMaxListeners(options.concurrency + 1, this.stopping.signal);
  }

  /**
   * Starts `input`'s workflow. 'started': Temporal accepted it (or it had closed already).
   * 'handedOff': other starts are waiting, so this one goes on in the background and the request is
   * answered from its row. Throws Temporal's refusal (only when waited for).
   */
  async start(input: AnalysisInput, fairnessKey: string | null): Promise<'started' | 'handedOff'> {
    const id = input.analysisId;
    const { handOffAt, maxPending } = this.options;
    if (!this.refusing && !this.closed && this.inFlight.size >= handOffAt && this.inFlight.size < maxPending && !this.inFlight.has(id)) {
      const start = this.background(() => this.startNow(input, fairnessKey, BACKGROUND_START_DEADLINE_MS, this.stopping.signal));
      this.track(id, start).catch((err: unknown) => {
        if (this.stopping.signal.aborted) return; // shutting down: the row stays pending for the sweep
        this.deps.log.warn({ analysisId: id, err: describeFailure(err) }, 'Temporal did not accept a background start: the sweep retries it');
      });
      return 'handedOff';
    }
    await this.track(id, this.startNow(input, fairnessKey, TEMPORAL_CALL_DEADLINE_MS));
    return 'started';
  }

  /** Temporal accepted this analysis's workflow (here, or by Update-with-Start in the route): recorded in the next batched UPDATE. */
  recordStarted(id: string): void {
    this.refusing = false;
    this.unrecorded.push(id);
    if (this.unrecorded.length > MAX_UNRECORDED) this.unrecorded.splice(0, this.unrecorded.length - MAX_UNRECORDED);
    this.scheduleRecord(this.options.recordEveryMs);
  }

  private scheduleRecord(ms: number): void {
    if (this.closed) return;
    this.recordTimer ??= setTimeout(() => {
      this.recordTimer = null;
      this.recording = this.recording.then(() => this.recordNow());
    }, ms);
  }

  /** Starts the sweep (every sweepEveryMs; the first one now). */
  startSweeping(): void {
    if (this.sweepTimer || this.closed) return;
    const run = () => {
      this.sweeping = this.sweep().catch((err: unknown) => this.deps.log.warn({ err: describeFailure(err) }, 'the sweep of pending analysis starts failed: it runs again'));
    };
    this.sweepTimer = setInterval(run, this.options.sweepEveryMs);
    this.sweepTimer.unref();
    run();
  }

  /**
   * One sweep: starts the rows of this client's namespace (claiming those of none recorded) left
   * pending for sweepAfterMs, oldest first, one at a time; fails those past giveUpAfterMs while
   * Temporal refuses. Nothing when another process of the namespace is sweeping.
   */
  async sweep(): Promise<{ started: number; failed: number; locked: boolean }> {
    const { pool, log } = this.deps;
    const outcome = await withTryAdvisoryLock(pool, sweepLock(this.deps.temporal.options.namespace), async () => {
      const rows = await pendingStarts(pool, this.deps.temporal.options.namespace, this.options.sweepAfterMs, SWEEP_BATCH);
      let started = 0;
      let failed = 0;
      let refusal: string | null = null;
      // one row Temporal refuses (say, an input it rejects) must not hold back the others: the round
      // stops trying only after several refusals in a row (Temporal refusing everything)
      let refusalsInARow = 0;
      for (const row of rows) {
        if (this.closed) break;
        if (this.inFlight.has(row.id)) continue;
        if (refusalsInARow < SWEEP_REFUSALS_BEFORE_STOPPING) {
          try {
            await this.track(row.id, this.startNow(inputOfPendingStart(row), row.fairnessKey, TEMPORAL_CALL_DEADLINE_MS, this.stopping.signal));
            started++;
            refusalsInARow = 0;
            continue;
          } catch (err) {
            if (this.stopping.signal.aborted) break;
            // stored as the row's error, which the API answers: no network addresses
            refusal = describeFailureForClients(err);
            refusalsInARow++;
          }
        }
        // refused (or not tried this round, Temporal refusing): one pending too long ends
        const waited = Date.now() - row.createdAt.getTime();
        if (waited >= this.options.giveUpAfterMs) {
          const minutes = Math.round(waited / 60_000);
          const reason = `Temporal did not accept the analysis's workflow for ${minutes} minute${minutes === 1 ? '' : 's'} (last: ${refusal}): start the analysis again`;
          if (await failUnstartedAnalysis(pool, row.id, reason)) failed++;
        }
      }
      if (started > 0 || failed > 0 || refusal !== null) log.info({ started, failed, looked: rows.length, refusal }, 'swept pending analysis starts');
      return { started, failed };
    });
    return outcome.locked ? { ...outcome.value, locked: true } : { started: 0, failed: 0, locked: false };
  }

  /**
   * Stops the sweep and the background starts (their rows stay pending: the next sweep of any API
   * process starts them), lets the waited starts settle (each within its deadline) and records
   * every start Temporal accepted.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.stopping.abort(new Error('the API is shutting down'));
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
    await Promise.allSettled([...this.inFlight.values()]);
    if (this.recordTimer) clearTimeout(this.recordTimer);
    this.recordTimer = null;
    await this.recording;
    await this.recordNow();
  }

  private track(id: string, start: Promise<void>): Promise<void> {
    this.inFlight.set(id, start);
    return start.finally(() => {
      if (this.inFlight.get(id) === start) this.inFlight.delete(id);
    });
  }

  private async startNow(input: AnalysisInput, fairnessKey: string | null, deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const { temporal } = this.deps;
    signal?.throwIfAborted();
    // a start that waited in the background (or was read by the sweep): only for an analysis still
    // running (not one cancelled meanwhile, nor one whose row its request removed)
    if (signal && (await analysisStatus(this.deps.pool, input.analysisId)) !== 'running') return;
    try {
      await withTemporalDeadline(temporal, () => temporal.workflow.start<typeof similarityAnalysisWorkflow>('similarityAnalysisWorkflow', analysisStartOptions(input, fairnessKey)), deadlineMs, signal);
    } catch (err) {
      // it ran and closed before (REJECT_DUPLICATE): started all the same
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        if (!signal?.aborted) this.refusing = true;
        throw err;
      }
    }
    // a start may land after a DELETE cancelled its pending row (Temporal slow to accept it, a start
    // that waited in the background or for the sweep): recordNow cancels the workflow it started
    this.recordStarted(input.analysisId);
  }

  /** Workflows started for analyses a DELETE cancelled while their starts were on their way: cancelled now. */
  private async cancelStartedAfterCancel(ids: string[]): Promise<void> {
    const { temporal, log } = this.deps;
    await Promise.all(
      ids.map(async (id) => {
        try {
          await withTemporalDeadline(temporal, () => temporal.workflow.getHandle(analysisWorkflowId(id)).cancel(), TEMPORAL_CALL_DEADLINE_MS);
        } catch (err) {
          // the workflow's result is refused all the same (the row says cancelled): only its work is wasted
          log.warn({ analysisId: id, err: describeFailure(err) }, 'an analysis cancelled before its start was started: its workflow could not be cancelled');
        }
      }),
    );
  }

  private async recordNow(): Promise<void> {
    if (this.unrecorded.length === 0) return;
    const ids = this.unrecorded;
    this.unrecorded = [];
    try {
      const cancelled = await markAnalysesStarted(this.deps.pool, ids, this.deps.temporal.options.namespace);
      if (cancelled.length > 0) await this.cancelStartedAfterCancel(cancelled);
    } catch (err) {
      // PostgreSQL away: kept for the next UPDATE (and else the sweep finds the workflows started)
      this.unrecorded = ids.concat(this.unrecorded).slice(-MAX_UNRECORDED);
      this.deps.log.warn({ err: describeFailure(err), analyses: ids.length }, 'could not record started analyses: retried');
      this.scheduleRecord(1_000);
    }
  }
}
