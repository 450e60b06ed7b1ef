// Starts an analysis through the API and follows it to the end: a live progress bar on stderr fed
// by the event stream (or by polling when the stream breaks), then the final GET body.
import { SingleBar } from 'cli-progress';
import type { AnalysisStartBody, AnalysisView } from '../api/schemas/analyses';
import type { AnalysisProgress } from '../workflows/contract';
import { ApiError, type ApiClient } from './api-client';
import { plural } from './evidence';

export interface FollowOptions {
  /** where the progress goes (stderr, so stdout stays the result) */
  stream?: NodeJS.WriteStream;
  /** how long to wait for token enrichment after the analysis completed */
  enrichmentWaitMs?: number;
  /** waits between polls and retries (tests pass one that does not wait) */
  sleep?: (ms: number) => Promise<void>;
  /** the API has already answered (it started the analysis): not reaching it from here on is an outage to ride out */
  apiAnswered?: boolean;
}

interface Reporter {
  progress(p: AnalysisProgress): void;
  phase(text: string, percent?: number): void;
  stop(): void;
}

function describe(p: AnalysisProgress): string {
  const wallets = Object.values(p.wallets);
  const synced = wallets.filter((w) => ['not_needed', 'synced', 'partial', 'failed'].includes(w.sync)).length;
  const txs = wallets.reduce((n, w) => n + w.transactions, 0);
  return `${p.phase.padEnd(9)} wallets ${synced}/${wallets.length} synced, ${txs} transactions`;
}

function reporter(stream: NodeJS.WriteStream): Reporter {
  if (!stream.isTTY) {
    // no terminal: one line per phase change
    let last = '';
    const line = (text: string) => {
      if (text !== last) stream.write(`${text}\n`);
      last = text;
    };
    return { progress: (p) => line(`analysis: ${p.phase} (${p.percent} %)`), phase: (t) => line(t), stop: () => undefined };
  }
  const bar = new SingleBar({ stream, format: 'Analysis |{bar}| {percentage}% | {status}', barsize: 30, hideCursor: true, clearOnComplete: false, stopOnComplete: false });
  bar.start(100, 0, { status: 'starting' });
  return {
    progress: (p) => bar.update(p.percent, { status: describe(p) }),
    phase: (text, percent) => (percent === undefined ? bar.update({ status: text }) : bar.update(percent, { status: text })),
    stop: () => bar.stop(),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** How long polling rides out an API that does not answer (a restart, a 503, a 429) before it gives up. */
export const POLL_OUTAGE_MS = 120_000;
/** No answer, a server error or a rate limit: asking again later may succeed; another 4xx will not. */
const transientFailure = (err: unknown): err is ApiError => err instanceof ApiError && (err.status === null || err.status >= 500 || err.status === 408 || err.status === 425 || err.status === 429);
/** The wait before retry n (0-based) without a Retry-After: 1, 2, 4, 8, then 10 s. */
const backoffMs = (n: number) => Math.min(1000 * 2 ** n, 10_000);
const finished = (v: AnalysisView, enrichmentDeadline: number) =>
  v.status !== 'running' &&
  (v.status !== 'completed' || ((v.enrichment.status === 'completed' || v.enrichment.status === 'failed') && v.enrichment.fetchingElsewhere === 0) || Date.now() > enrichmentDeadline);
/** the phase line once enrichment finished, naming the tokens another analysis's run still fetches */
const enrichedPhase = (status: string, elsewhere: number) =>
  `completed; token enrichment ${status}${elsewhere > 0 ? `, ${elsewhere} token${elsewhere === 1 ? '' : 's'} still fetched by another analysis` : ''}`;

/** Follows an analysis until it ended and its enrichment finished; returns the final GET body. */
export async function followAnalysis(api: ApiClient, analysisId: string, opts: FollowOptions = {}): Promise<AnalysisView> {
  const report = reporter(opts.stream ?? process.stderr);
  const enrichmentWaitMs = opts.enrichmentWaitMs ?? 120_000;
  const wait = opts.sleep ?? sleep;
  let enrichmentDeadline = Number.POSITIVE_INFINITY;
  let enrichment = 'completed';
  // once the API has answered, not reaching it is an outage (a restart) to ride out; before, a wrong --api
  let answered = opts.apiAnswered ?? false;
  try {
    try {
      for await (const e of api.events(analysisId)) {
        answered = true;
        if (e.event === 'progress') report.progress(e.data as AnalysisProgress);
        else if (e.event === 'completed') {
          const status = (e.data as { status: string }).status;
          report.phase(status === 'completed' ? 'completed; enriching tokens' : status, status === 'completed' ? 100 : undefined);
          enrichmentDeadline = Date.now() + enrichmentWaitMs;
          if (status === 'completed') continue;
        } else if (e.event === 'enrichment') {
          const d = e.data as { status: string; fetchingElsewhere?: number };
          enrichment = d.status;
          report.phase(enrichedPhase(enrichment, d.fetchingElsewhere ?? 0), 100);
        } else if (e.event === 'tokens') report.phase(enrichedPhase(enrichment, (e.data as { fetchingElsewhere: number }).fetchingElsewhere), 100);
        else if (e.event === 'end') break;
      }
    } catch (err) {
      // a refused stream (404, 401) is the analysis's own answer: the read below says it in full
      if (!(err instanceof ApiError && err.status !== null && err.status >= 400 && err.status < 500)) report.phase('event stream interrupted; polling');
    }
    // The stream ended (or broke): poll until the analysis and its enrichment are done, riding out
    // an API restart (the analysis goes on meanwhile) for up to POLL_OUTAGE_MS.
    for (;;) {
      const read = () => api.getAnalysis(analysisId);
      const view = answered
        ? await ridingOutages(read, {
            wait,
            onRetry: (err) => report.phase(err.status === null ? 'the API is unreachable; retrying' : `the API answered ${err.status}; retrying`),
            gaveUp: `the analysis may still run: wallet-similarity show ${analysisId} follows it again`,
          })
        : await read();
      answered = true;
      if (view.status !== 'running' && enrichmentDeadline === Number.POSITIVE_INFINITY) enrichmentDeadline = Date.now() + enrichmentWaitMs;
      if (finished(view, enrichmentDeadline)) return view;
      if (view.progress) report.progress(view.progress);
      await wait(1000);
    }
  } finally {
    report.stop();
  }
}

/**
 * `call`, asked again through an outage of the API (no answer, a 5xx, 408, 425 or 429) for up to
 * POLL_OUTAGE_MS of waits: the one a `Retry-After` asks for, else 1, 2, 4, 8, then 10 s; `onRetry`
 * says each. Another failure is thrown as it is; an outage that outlasts the budget, with `gaveUp`
 * (what the caller may do then) added to its message.
 */
export async function ridingOutages<T>(call: () => Promise<T>, o: { wait: (ms: number) => Promise<void>; onRetry?: (err: ApiError) => void; gaveUp: string }): Promise<T> {
  let outageMs = 0;
  for (let failures = 0; ; failures++) {
    try {
      return await call();
    } catch (err) {
      if (!transientFailure(err)) throw err;
      if (outageMs >= POLL_OUTAGE_MS) throw new ApiError(`${err.message} (still so after ${POLL_OUTAGE_MS / 1000} s of retries; ${o.gaveUp})`, err.status, err.problemType);
      const ms = Math.min(err.retryAfterMs ?? backoffMs(failures), POLL_OUTAGE_MS - outageMs);
      outageMs += ms;
      o.onRetry?.(err);
      await o.wait(ms);
    }
  }
}

export async function startAndFollow(api: ApiClient, request: AnalysisStartBody, opts: FollowOptions & { log?: (line: string) => void } = {}): Promise<AnalysisView> {
  const started = await api.startAnalysis(request);
  const group = request.token !== undefined ? `${request.top !== undefined ? `the top ${request.top}` : 'the largest (as many as the API takes by default)'} holders of token ${request.token}` : plural(request.wallets?.length ?? 0, 'wallet');
  opts.log?.(`Started analysis ${started.analysisId} of ${group}\n  Temporal Web UI: ${started.links.temporalUi}`);
  return followAnalysis(api, started.analysisId, { ...opts, apiAnswered: true });
}
