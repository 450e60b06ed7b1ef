// npm run bench:e2e [-- --temporal dev|prod --large N ...]: the whole product under load, printing
// one JSON line (progress on stderr). Over the real stack (simulator with latency and rate limits,
// Temporal, worker, API, PostgreSQL, Redis), it measures
//   (a) the wall time of a small and a large group's analysis over the provider-bound lower bound
//       (history pages the simulator's world needs / the Helius budget),
//   (b) POST /v1/analyses latency p50/p99 at an offered rate (open loop: a fixed schedule), during
//       the burst and, in a second burst with the worker paused, for the front door alone,
//   (c) analyses per second through that burst (until its last analysis has finished),
//   (d) the worker's peak resident memory (/proc/<pid>/status), and
//   (e) Temporal events per analysis (the workflow and every child it started), and on the
//       production-shaped server its billable actions (its `action` counter: heartbeats included).
// Figures are printed, never asserted. See README, "Scaling out".
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { analysesProgress } from '../src/store/analyses';
import { createPool } from '../src/store/db';
import { markAnalyticsEngine } from '../src/store/wallet-analytics';
import { Pool } from 'undici';
import { loadConfig } from '../src/config';
import { generateWorld } from '../src/simulator/generator';
import { peakPerWindow } from '../src/simulator';
import { ANALYTICS_SCHEDULE_ID, REFRESH_SCHEDULE_ID } from '../src/temporal/schedules';
import { recomputeOlderAnalyticsWorkflow } from '../src/workflows/wallet-sync';
import { WORKFLOW_TASK_QUEUE } from '../src/workflows/contract';
import { parseServerTiming } from '../src/api/server-timing';
import { actionsBetween, bucketPercentileMs, e2eLine, type RecomputeFigures, temporalActions, postLatencies, stepPercentiles, histogramBuckets, openLoopSchedule, percentile, providerBound, seriesSum, topSelfTime, type AnalysisRun, type BurstFigures, type CpuProfile, type FrontDoorFigures } from './lib/e2e-figures';
import { BENCH_PG_PORT, descendantsOf, postmastersByRole, readCpuSeconds, readMemory, readTreeCpuSeconds, startBenchStack, type BenchStack } from './lib/e2e-stack';
import { countEvents, replaySeconds } from './lib/e2e-temporal';
import { disjointTriples, triples } from './lib/burst-groups';
import { PREBUILT_BUNDLE } from '../src/temporal/workers';

const USAGE = `usage: npm run bench:e2e -- [--temporal dev|prod] [--small 20] [--large N] [--rate 200] [--burst-seconds 4]
                             [--helius-rps 50] [--latency-ms 100] [--tx-per-wallet 200] [--seed 1]
                             [--burst-groups small|large] [--profile <dir>] [--no-front-door] [--save-history <file>]

  --temporal dev|prod  a fresh Temporal dev server (default), or the production-shaped server of
                       scripts/temporal-server.sh (started when it does not answer on TEMPORAL_SERVER_PORT, default 7633)
  --large N            the large group (default: the largest MAX_WALLETS_PER_ANALYSIS allows, at most 1,000)
  --rate, --burst-seconds   the open-loop burst of 3-wallet analyses (default 200/s for 4 s)
  --burst-groups small|large  where the burst's 3-wallet groups come from: any three of the --small
                       wallets (default; after its first analyses their balances are in the 30 s cache: reruns,
                       many users looking at the same wallets), or disjoint triples of the --large wallets
                       (the groups repeat only past large/3 analyses): wallets synced but not analysed since
                       the large group, whose balances have left the cache when that analysis fetched them
                       more than 30 s before (e.burst tells: 16 events an analysis that fetches, 10 one that does not)
  --no-front-door      skip the second burst (the same POSTs with the worker paused: the API, PostgreSQL
                       and Temporal accepting starts, without the analyses' own work on the same cores)
  --profile <dir>      CPU profiles of the worker and the API (node --cpu-prof) into <dir>; their top
                       functions by self time are printed on stderr at the end
  --save-history <file>  the large analysis's last run's history as JSON (its replay time is printed as e.largeReplay)
  --helius-rps         the Helius budget, and the simulator's Helius rate limit (default 50, a paid plan's;
                       the product's default is 10, at which the large group alone takes minutes)`;

/** The largest MAX_WALLETS_PER_ANALYSIS the configuration accepts, up to `ceiling`. */
export function largestWalletCap(ceiling = 1000): number {
  const accepts = (n: number): boolean => {
    try {
      loadConfig({ MAX_WALLETS_PER_ANALYSIS: String(n) });
      return true;
    } catch {
      return false;
    }
  };
  let [lo, hi] = [1, ceiling];
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (accepts(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function intFlag(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min} (got ${JSON.stringify(text)})`);
  return n;
}

const log = (line: string) => process.stderr.write(`[bench:e2e] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  analysisId: string;
  workflowId: string;
}

async function postAnalysis(apiUrl: string, wallets: string[]): Promise<Started> {
  const res = await fetch(`${apiUrl}/v1/analyses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ wallets }) });
  const body = (await res.json()) as Started & { detail?: string };
  if (res.status !== 202) throw new Error(`POST /v1/analyses answered ${res.status}: ${body.detail ?? JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** History requests the simulator served for these wallets since `since` (its request log). */
async function historyRequests(simUrl: string, wallets: Set<string>, since: number): Promise<{ count: number; lastSeq: number; rateLimited: number; peakPerSecond: number; firstAt: number | null; lastAt: number | null; firstPagesAt: [number, number] | null; pageGapP50Ms: number | null; pageGapP90Ms: number | null }> {
  const res = await fetch(`${simUrl}/__sim/requests?provider=helius&since=${since}`);
  const body = (await res.json()) as { requests: Array<{ at: number; endpoint: string; wallet?: string; status: number }>; lastSeq: number };
  const mine = body.requests.filter((r) => r.endpoint === 'helius:history' && r.wallet !== undefined && wallets.has(r.wallet));
  const byWallet = new Map<string, number[]>();
  for (const r of mine) {
    const list = byWallet.get(r.wallet as string);
    if (list) list.push(r.at);
    else byWallet.set(r.wallet as string, [r.at]);
  }
  const gaps = [...byWallet.values()].flatMap((ts) => ts.slice(1).map((t, i) => t - ts[i]));
  const times = mine.map((r) => r.at);
  const firsts = [...byWallet.values()].map((ts) => ts[0]);
  return {
    firstPagesAt: firsts.length ? [Math.min(...firsts), Math.max(...firsts)] : null,
    firstAt: times.length ? Math.min(...times) : null,
    lastAt: times.length ? Math.max(...times) : null,
    pageGapP50Ms: percentile(gaps, 50),
    pageGapP90Ms: percentile(gaps, 90),
    count: mine.filter((r) => r.status === 200).length,
    rateLimited: mine.filter((r) => r.status === 429).length,
    // how close the syncs came to the budget: its peak is the budget when the provider is the bound
    peakPerSecond: peakPerWindow(mine.map((r) => r.at).sort((a, b) => a - b), 1000),
    lastSeq: body.lastSeq,
  };
}

/** Phases: each records the worker's peak RSS and the CPU seconds each process spent in it. */
class Phases {
  readonly peakRss: Record<string, number | null> = {};
  /** the worker's child processes together (a large group's similarity step runs in one) */
  readonly childrenPeakRss: Record<string, number | null> = {};
  readonly cpu: Record<string, Record<string, number>> = {};
  private current: string | null = null;
  private cpuAtStart: Record<string, number> = {};
  private readonly timer: NodeJS.Timeout;
  private readonly loopTimer: NodeJS.Timeout;
  /** the worker's event loop in each phase (its metrics, read every second: the gauge keeps its last 3 s) */
  readonly eventLoop: Record<string, { longestMs: number; over1s: number; over5s: number }> = {};
  private stallsSeen: { over1s: number; over5s: number } | null = null;
  /** a read of the metrics under way: the next waits for the next second (a late answer never counts back) */
  private reading = false;
  constructor(private readonly stack: BenchStack) {
    this.timer = setInterval(() => this.sample(), 200);
    this.loopTimer = setInterval(() => {
      if (this.reading) return;
      this.reading = true;
      void this.readEventLoop().finally(() => (this.reading = false));
    }, 1000);
  }
  private async readEventLoop(): Promise<void> {
    const text = await fetch(this.stack.workerMetricsUrl).then((r) => r.text(), () => null);
    if (text === null) return;
    const longestMs = seriesSum(text, 'worker_event_loop_delay_max');
    const stalls = { over1s: seriesSum(text, 'worker_event_loop_stalls', { over: '1s' }) ?? 0, over5s: seriesSum(text, 'worker_event_loop_stalls', { over: '5s' }) ?? 0 };
    const before = this.stallsSeen ?? stalls;
    this.stallsSeen = stalls;
    if (!this.current || longestMs === null) return;
    const phase = (this.eventLoop[this.current] ??= { longestMs: 0, over1s: 0, over5s: 0 });
    phase.longestMs = Math.max(phase.longestMs, longestMs);
    phase.over1s += stalls.over1s - before.over1s;
    phase.over5s += stalls.over5s - before.over5s;
  }
  private sample(): void {
    if (!this.current) return;
    const { rssMb } = readMemory(this.stack.workerPid);
    if (rssMb !== null) this.peakRss[this.current] = Math.max(this.peakRss[this.current] ?? 0, rssMb);
    const children = descendantsOf(this.stack.workerPid).reduce((sum, pid) => sum + (readMemory(pid).rssMb ?? 0), 0);
    this.childrenPeakRss[this.current] = Math.max(this.childrenPeakRss[this.current] ?? 0, children);
    const at = Math.floor((performance.now() - this.began) / 5000) * 5;
    const last = this.timeline[this.timeline.length - 1];
    if (last?.phase === this.current && last.at === at) {
      last.workerMb = Math.max(last.workerMb, rssMb ?? 0);
      last.childrenMb = Math.max(last.childrenMb, children);
    } else this.timeline.push({ phase: this.current, at, workerMb: rssMb ?? 0, childrenMb: children });
  }
  /** peak RSS (MB) of the worker and of its children in each 5 s of each phase (seconds from the phase's start) */
  readonly timeline: Array<{ phase: string; at: number; workerMb: number; childrenMb: number }> = [];
  private began = 0;
  /**
   * CPU seconds of each process so far; the worker's with its similarity processes (once ended),
   * and PostgreSQL's, every backend included: `postgres` the application's server (ours and, on the
   * production-shaped server sharing it, Temporal's statements), `temporalPostgres` any other
   * (the production-shaped server's own cluster, scripts/temporal-server.sh).
   */
  private cpuNow(): Record<string, number> {
    const out = Object.fromEntries(Object.entries(this.stack.pids).map(([k, pid]) => [k, readCpuSeconds(pid)]));
    if (this.postmasters.app !== null) out.postgres = readTreeCpuSeconds(this.postmasters.app);
    if (this.postmasters.others.length > 0) out.temporalPostgres = this.postmasters.others.reduce((sum, pid) => sum + readTreeCpuSeconds(pid), 0);
    return out;
  }
  private readonly postmasters = postmastersByRole(BENCH_PG_PORT);
  begin(name: string): void {
    this.current = name;
    this.began = performance.now();
    this.cpuAtStart = this.cpuNow();
    this.sample();
  }
  end(): void {
    if (!this.current) return;
    this.sample();
    const now = this.cpuNow();
    this.cpu[this.current] = Object.fromEntries(Object.entries(now).map(([k, seconds]) => [k, seconds - (this.cpuAtStart[k] ?? 0)]));
    this.current = null;
  }
  close(): void {
    clearInterval(this.timer);
    clearInterval(this.loopTimer);
  }
}

async function analyseGroup(stack: BenchStack, client: Client, wallets: string[], lengths: number[], heliusRps: number, since: number): Promise<AnalysisRun & { lastSeq: number; rateLimited: number; analysisId: string }> {
  const budgetBefore = await heliusBudget(stack);
  const started = performance.now();
  const postedAt = Date.now();
  const { analysisId, workflowId } = await postAnalysis(stack.apiUrl, wallets);
  await client.workflow.getHandle(workflowId).result().catch(() => undefined);
  const seconds = (performance.now() - started) / 1000;
  const view = (await (await fetch(`${stack.apiUrl}/v1/analyses/${analysisId}`)).json()) as { status: string };
  const requests = await historyRequests(stack.simUrl, new Set(wallets), since);
  const rel = (t: number | null) => (t === null ? 'none' : `${((t - postedAt) / 1000).toFixed(2)} s`);
  const budgetAfter = await heliusBudget(stack);
  const budget = { slotsMissed: budgetAfter.slotsMissed !== null && budgetBefore.slotsMissed !== null ? budgetAfter.slotsMissed - budgetBefore.slotsMissed : null, marginMs: budgetAfter.marginMs };
  log(`    the Helius budget: ${budget.slotsMissed ?? '?'} slots missed by requests that woke late; its margin ${budgetBefore.marginMs?.toFixed(1) ?? '?'} ms before, ${budget.marginMs?.toFixed(1) ?? '?'} ms after`);
  log(`    history requests from ${rel(requests.firstAt)} to ${rel(requests.lastAt)} after the POST (each wallet's first from ${rel(requests.firstPagesAt?.[0] ?? null)} to ${rel(requests.firstPagesAt?.[1] ?? null)}); a wallet's next page ${requests.pageGapP50Ms?.toFixed(0)} ms after its last (p50), ${requests.pageGapP90Ms?.toFixed(0)} ms (p90)`);
  return {
    analysisId,
    wallets: wallets.length,
    status: view.status,
    seconds,
    bound: providerBound(lengths, heliusRps),
    historyRequests: requests.count,
    historyPeakPerSecond: requests.peakPerSecond,
    rateLimited: requests.rateLimited,
    lastSeq: requests.lastSeq,
    events: { total: 0, parent: 0, workflows: 0 },
    budget,
  };
}

/** The worker's Helius budget figures now: slots missed so far, and the margin of its latest slot (null where the worker does not say). */
async function heliusBudget(stack: BenchStack): Promise<{ slotsMissed: number | null; marginMs: number | null }> {
  try {
    const text = await (await fetch(stack.workerMetricsUrl)).text();
    return { slotsMissed: seriesSum(text, 'provider_budget_slots_missed', { budget: 'helius' }), marginMs: seriesSum(text, 'provider_budget_margin', { budget: 'helius' }) };
  } catch {
    return { slotsMissed: null, marginMs: null };
  }
}

/**
 * Token enrichment from the large group on: waits (up to `timeoutMs`) until no tokenEnrichmentWorkflow
 * of this run is open, then counts the runs started since `since` and the DexScreener requests the
 * simulator answered since `sinceSeq` (the large group's own enrichment and the burst's; each mint
 * fetched once would be the large universe's requests alone).
 */
async function enrichmentFigures(client: Client, simUrl: string, since: Date, sinceSeq: number, timeoutMs: number): Promise<{ runs: number; dexscreenerRequests: number; settled: boolean }> {
  const after = `WorkflowType = 'tokenEnrichmentWorkflow' AND StartTime >= '${since.toISOString()}'`;
  const deadline = Date.now() + timeoutMs;
  let settled = false;
  while (Date.now() < deadline) {
    const open = (await client.workflow.count(`${after} AND ExecutionStatus = 'Running'`)).count;
    if (open === 0) {
      settled = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  const runs = (await client.workflow.count(after)).count;
  const res = await fetch(`${simUrl}/__sim/requests?provider=dexscreener&since=${sinceSeq}`);
  const body = (await res.json()) as { requests: unknown[] };
  return { runs, dexscreenerRequests: body.requests.length, settled };
}

async function burst(
  stack: BenchStack,
  groups: string[][],
  rate: number,
): Promise<{ latencies: number[]; accepted: number[]; statuses: Record<string, number>; ids: string[]; sendSeconds: number; startedAt: number; serverTiming: Record<string, number[]> }> {
  const pool = new Pool(stack.apiUrl, { connections: 256, pipelining: 1 });
  const schedule = openLoopSchedule(rate, groups.length);
  const latencies: number[] = [];
  const accepted: number[] = [];
  const statuses: Record<string, number> = {};
  const ids: string[] = [];
  const startedAt = Date.now();
  const start = performance.now();
  let lastSend = start;
  const late: number[] = [];
  // the API's Server-Timing of each answer: its steps' durations, by step
  const serverTiming: Record<string, number[]> = {};
  const send = async (body: string, due: number): Promise<void> => {
    // how late this process itself sends (a CPU-starved bench counts its own delay as latency)
    late.push(performance.now() - due);
    try {
      const res = await pool.request({ path: '/v1/analyses', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await res.body.text();
      // from the moment the schedule says it goes out: a late send counts against the server's side
      latencies.push(performance.now() - due);
      statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
      for (const [step, ms] of Object.entries(parseServerTiming(res.headers['server-timing'] as string | undefined))) (serverTiming[step] ??= []).push(ms);
      if (res.statusCode === 202) {
        ids.push((JSON.parse(text) as Started).analysisId);
        accepted.push(latencies[latencies.length - 1]);
      }
    } catch {
      statuses.error = (statuses.error ?? 0) + 1;
    }
  };
  const inFlight: Array<Promise<void>> = [];
  for (let i = 0; i < groups.length; i++) {
    const due = start + schedule[i];
    const wait = due - performance.now();
    if (wait >= 1) await sleep(wait);
    lastSend = performance.now();
    inFlight.push(send(JSON.stringify({ wallets: groups[i] }), due));
  }
  await Promise.all(inFlight);
  await pool.close();
  log(`    the bench's own lateness in sending (counted in the latency): p50 ${percentile(late, 50)?.toFixed(1)} ms, p99 ${percentile(late, 99)?.toFixed(1)} ms`);
  const steps = Object.entries(stepPercentiles(serverTiming)).map(([step, p]) => `${step} p50 ${p.p50Ms?.toFixed(1)} ms, p99 ${p.p99Ms?.toFixed(1)} ms`);
  log(`    the API's Server-Timing: ${steps.join('; ') || 'none'}`);
  // n requests at the rate cover n periods: the last one's period ends 1/rate after it is sent
  const sendSeconds = (lastSend - start) / 1000 + 1 / rate;
  return { latencies, accepted, statuses, ids, sendSeconds, startedAt, serverTiming };
}

/**
 * Marks the wallets' stored analytics as an older engine's (0.0.0) and times one run of the
 * background recompute over them (recomputeOlderAnalyticsWorkflow, as the schedule starts it).
 */
async function recomputeFigures(client: Client, databaseUrl: string, wallets: string[]): Promise<RecomputeFigures> {
  // the schedule's runs paused first: one would take part of the wallets (one already under way,
  // which this run would leave them to, is a rare overlap that shows as `refreshed` 0)
  const schedule = client.schedule.getHandle(ANALYTICS_SCHEDULE_ID);
  await schedule.pause('bench:e2e (f)');
  const workflowId = `bench-recompute-${randomUUID()}`;
  let totals;
  let seconds;
  try {
    const pool = createPool(databaseUrl, 1);
    try {
      await markAnalyticsEngine(pool, wallets, '0.0.0');
    } finally {
      await pool.end();
    }
    const began = performance.now();
    totals = await client.workflow.execute(recomputeOlderAnalyticsWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId, args: [{}] });
    seconds = (performance.now() - began) / 1000;
  } finally {
    await schedule.unpause();
  }
  return { wallets: wallets.length, seconds, refreshed: totals.refreshed, failed: totals.failed, batches: totals.batches, events: (await countEvents(client, workflowId)).total };
}

/** Waits until none of `ids` is running; answers their counts and the moment the last one finished. */
async function drain(databaseUrl: string, ids: string[], timeoutMs: number): Promise<{ completed: number; failed: number; lastFinishedAt: number | null; running: number; startPending: number }> {
  const pool = createPool(databaseUrl, 1);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const r = await analysesProgress(pool, ids);
      if (r.running === 0 || Date.now() > deadline) {
        return { completed: r.completed, failed: r.other, running: r.running, startPending: r.startPending, lastFinishedAt: r.lastFinishedAt ? r.lastFinishedAt.getTime() : null };
      }
      await sleep(500);
    }
  } finally {
    await pool.end();
  }
}

/**
 * Terminates the workflows that still run and were started since `since` (this run's, at its end)
 * or before `before` (an earlier run's, killed before its end: its database and simulator are gone,
 * and this run's worker would take their tasks), in one batch operation.
 */
async function terminateLeftovers(client: Client, started: { since: Date } | { before: Date }, reason: string): Promise<void> {
  const when = 'since' in started ? `StartTime >= "${started.since.toISOString()}"` : `StartTime < "${started.before.toISOString()}"`;
  const query = `ExecutionStatus = "Running" AND ${when}`;
  const { count } = await client.workflowService.countWorkflowExecutions({ namespace: 'default', query });
  if (Number(count ?? 0) === 0) return;
  log(`terminating ${Number(count)} workflows ${reason}`);
  await client.workflowService.startBatchOperation({
    namespace: 'default',
    visibilityQuery: query,
    jobId: `bench-e2e-cleanup-${randomUUID()}`,
    reason: `bench:e2e: ${reason}`,
    terminationOperation: {},
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      temporal: { type: 'string', default: 'dev' },
      small: { type: 'string' },
      warmup: { type: 'string' },
      large: { type: 'string' },
      rate: { type: 'string' },
      'burst-seconds': { type: 'string' },
      'helius-rps': { type: 'string' },
      'latency-ms': { type: 'string' },
      'tx-per-wallet': { type: 'string' },
      seed: { type: 'string' },
      profile: { type: 'string' },
      'burst-groups': { type: 'string', default: 'small' },
      'no-front-door': { type: 'boolean', default: false },
      'save-history': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.error(USAGE);
    return 0;
  }
  const temporal = values.temporal;
  if (temporal !== 'dev' && temporal !== 'prod') throw new Error(`--temporal must be dev or prod (got ${JSON.stringify(temporal)})\n${USAGE}`);
  const cap = largestWalletCap();
  const small = intFlag('small', values.small, 20, 3); // the burst draws its 3-wallet groups from it
  // wallets analysed first, apart from the measured groups: the worker's first analysis compiles and
  // loads what it has not run yet (a production worker has); its time is printed as the cold start
  const warmup = intFlag('warmup', values.warmup, 5, 0);
  const large = intFlag('large', values.large, cap, 2);
  if (large > cap || small > cap) throw new Error(`--large ${large} is above what MAX_WALLETS_PER_ANALYSIS may be today (${cap})`);
  const rate = intFlag('rate', values.rate, 200);
  const burstSeconds = intFlag('burst-seconds', values['burst-seconds'], 4);
  const heliusRps = intFlag('helius-rps', values['helius-rps'], 50);
  const latencyMs = intFlag('latency-ms', values['latency-ms'], 100, 0);
  const txPerWallet = intFlag('tx-per-wallet', values['tx-per-wallet'], 200);
  const seed = intFlag('seed', values.seed, 1, 0);
  const burstGroups = values['burst-groups'];
  if (burstGroups !== 'small' && burstGroups !== 'large') throw new Error(`--burst-groups must be small or large (got ${JSON.stringify(burstGroups)})\n${USAGE}`);
  if (burstGroups === 'large' && large < 3) throw new Error(`--burst-groups large needs --large 3 or more (got ${large})`);
  const began = performance.now();
  const runStartedAt = new Date();
  const loadAvgStart = os.loadavg()[0];
  const runId = `${Date.now().toString(36)}_${process.pid}`;

  // the small group, the large one, the warm-up's and a second small group measured after the large one
  const worldWallets = small + large + warmup + small;
  log(`generating a world of ${worldWallets} wallets, ~${txPerWallet} transactions each`);
  // the run id in the name changes every address: no workflow id of an earlier run on the same server
  const world = generateWorld({ seed, wallets: worldWallets, txPerWallet, largeWallet: false, name: `bench-e2e-${runId}` });
  const worldFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-e2e-world-')), 'world.json');
  fs.writeFileSync(worldFile, JSON.stringify(world));

  log(`starting the stack (temporal ${temporal})`);
  const profileDir = values.profile ? path.resolve(process.env.INIT_CWD ?? process.cwd(), values.profile) : undefined;
  const stack = await startBenchStack({ temporal, worldFile, heliusRps, latencyMs, maxWallets: Math.max(large, small), runId, profileDir, log });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection, namespace: 'default' });
  const phases = new Phases(stack);
  try {
    // an earlier run killed before its end left its analyses running on the long-lived server
    if (temporal === 'prod') await terminateLeftovers(client, { before: runStartedAt }, 'an earlier run left running (killed before its end)');
    const startRssMb = readMemory(stack.workerPid).rssMb;
    // the simulator's own history lengths: the pages the bound counts
    const lengths = ((await (await fetch(`${stack.simUrl}/__sim/wallets`)).json()) as Array<{ address: string; transactions: number }>);
    const smallGroup = lengths.slice(0, small);
    const largeGroup = lengths.slice(small, small + large);
    const warmupGroup = lengths.slice(small + large, small + large + warmup);
    const smallAfterGroup = lengths.slice(small + large + warmup, small + large + warmup + small);

    let coldStart: { wallets: number; seconds: number; boundSeconds: number } | null = null;
    if (warmupGroup.length >= 2) {
      log(`warming up: a ${warmupGroup.length}-wallet analysis of other wallets (the worker's first)`);
      const cold = await analyseGroup(stack, client, warmupGroup.map((w) => w.address), warmupGroup.map((w) => w.transactions), heliusRps, 0);
      coldStart = { wallets: cold.wallets, seconds: cold.seconds, boundSeconds: cold.bound.seconds };
      log(`    ${cold.status} in ${cold.seconds.toFixed(1)} s; bound ${cold.bound.seconds.toFixed(1)} s`);
    }

    // billable Temporal actions around each phase (the production-shaped server's counter; none on the dev server)
    const readActions = async (): Promise<Record<string, number> | null> =>
      stack.temporalMetricsUrl ? temporalActions(await (await fetch(stack.temporalMetricsUrl)).text()) : null;
    const actionsOf = async (before: Record<string, number> | null): Promise<Record<string, number> | null> => {
      const after = await readActions().catch(() => null);
      return before && after ? actionsBetween(before, after) : null;
    };

    log(`(a) ${small}-wallet analysis`);
    let actionsBefore = await readActions().catch(() => null);
    phases.begin('small');
    const smallRun = await analyseGroup(stack, client, smallGroup.map((w) => w.address), smallGroup.map((w) => w.transactions), heliusRps, 0);
    phases.end();
    const smallActions = await actionsOf(actionsBefore);
    log(`    ${smallRun.status} in ${smallRun.seconds.toFixed(1)} s; bound ${smallRun.bound.seconds.toFixed(1)} s (${smallRun.bound.pages} pages, ${smallRun.historyRequests} history requests, peak ${smallRun.historyPeakPerSecond}/s, ${smallRun.rateLimited} answered 429)`);

    log(`(a) ${large}-wallet analysis`);
    const largeStartedAt = new Date();
    actionsBefore = await readActions().catch(() => null);
    phases.begin('large');
    const largeRun = await analyseGroup(stack, client, largeGroup.map((w) => w.address), largeGroup.map((w) => w.transactions), heliusRps, smallRun.lastSeq);
    phases.end();
    const largeActions = await actionsOf(actionsBefore);
    log(`    ${largeRun.status} in ${largeRun.seconds.toFixed(1)} s; bound ${largeRun.bound.seconds.toFixed(1)} s (${largeRun.bound.pages} pages, ${largeRun.historyRequests} history requests, peak ${largeRun.historyPeakPerSecond}/s, ${largeRun.rateLimited} answered 429)`);

    // The first small group meets the budget's margin as a cold start has it (100 ms); a service
    // that has been sending keeps the one it learnt (down to 10 ms): the same size again, of wallets
    // not synced yet, after the large group's requests taught it.
    log(`(a) ${small}-wallet analysis of other wallets, after the large group (the budget's margin learnt)`);
    const smallAfterRun = await analyseGroup(stack, client, smallAfterGroup.map((w) => w.address), smallAfterGroup.map((w) => w.transactions), heliusRps, largeRun.lastSeq);
    log(`    ${smallAfterRun.status} in ${smallAfterRun.seconds.toFixed(1)} s; bound ${smallAfterRun.bound.seconds.toFixed(1)} s (${smallAfterRun.historyRequests} history requests, ${smallAfterRun.rateLimited} answered 429)`);

    const count = rate * burstSeconds;
    log(`(b, c) ${count} analyses of 3 synced wallets (of the ${burstGroups} group) offered at ${rate}/s`);
    actionsBefore = await readActions().catch(() => null);
    phases.begin('burst');
    // the API's own histogram and event-loop delay around the send phase (reading /metrics resets the delay's monitor)
    const metrics = async () => (await fetch(`${stack.apiUrl}/metrics`)).text();
    const postSeries = { method: 'POST', route: '/v1/analyses' };
    const serverBefore = histogramBuckets(await metrics(), 'http_request_duration_seconds', postSeries);
    const groupsOf = (n: number) =>
      burstGroups === 'small' ? triples(smallGroup.map((w) => w.address), count, n) : disjointTriples(largeGroup.map((w) => w.address), count, n);
    if (burstGroups === 'large' && count * 3 > largeGroup.length) log(`    (${count} groups of 3 from ${largeGroup.length} wallets: groups repeat after the first ${Math.floor(largeGroup.length / 3)})`);
    const sent = await burst(stack, groupsOf(seed), rate);
    const afterText = await metrics();
    const serverAfter = histogramBuckets(afterText, 'http_request_duration_seconds', postSeries);
    const loopLagP99Ms = Number(/^nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(afterText)?.[1] ?? NaN) * 1000;
    const drained = await drain(stack.databaseUrl, sent.ids, 5 * 60_000);
    phases.end();
    const burstActions = await actionsOf(actionsBefore);
    const drainSeconds = drained.lastFinishedAt ? (drained.lastFinishedAt - sent.startedAt) / 1000 : NaN;
    log(`    sent in ${sent.sendSeconds.toFixed(1)} s, statuses ${JSON.stringify(sent.statuses)}; ${drained.completed} completed, ${drained.failed} failed, ${drained.running} still running (${drained.startPending} of them not yet started); drained in ${drainSeconds.toFixed(1)} s`);
    log(`    the API's own view of the POSTs (its histogram's buckets): p50 ≤ ${bucketPercentileMs(serverBefore, serverAfter, 50)} ms, p99 ≤ ${bucketPercentileMs(serverBefore, serverAfter, 99)} ms; its event loop's delay p99 ${loopLagP99Ms.toFixed(1)} ms`);

    let frontDoor: FrontDoorFigures | null = null;
    if (!values['no-front-door']) {
      // The same offered load with the worker stopped (SIGSTOP): what the POSTs cost the API,
      // PostgreSQL and Temporal alone. On this machine the burst's analyses run on the same cores as
      // the front door; in production they run on workers of their own. The worker resumes after the
      // send and the analyses drain (not timed).
      log(`(b) the front door alone: ${count} more POSTs at ${rate}/s with the worker paused`);
      const before = histogramBuckets(await metrics(), 'http_request_duration_seconds', postSeries);
      process.kill(stack.workerPid, 'SIGSTOP');
      let paused: Awaited<ReturnType<typeof burst>>;
      try {
        paused = await burst(stack, groupsOf(seed + 1), rate);
      } finally {
        process.kill(stack.workerPid, 'SIGCONT');
      }
      const after = histogramBuckets(await metrics(), 'http_request_duration_seconds', postSeries);
      frontDoor = postLatencies(paused, count, { before, after });
      log(`    p50 ${frontDoor.p50Ms?.toFixed(1)} ms, p99 ${frontDoor.p99Ms?.toFixed(1)} ms, statuses ${JSON.stringify(paused.statuses)}; draining them`);
      const left = await drain(stack.databaseUrl, paused.ids, 5 * 60_000);
      log(`    ${left.completed} completed, ${left.failed} failed, ${left.running} still running`);
    }

    log('    waiting for the token enrichments to end');
    const enrichment = await enrichmentFigures(client, stack.simUrl, largeStartedAt, smallRun.lastSeq, 5 * 60_000);
    log(`    ${enrichment.runs} enrichment runs since the large group began${enrichment.settled ? '' : ' (some still open after 5 min)'}, ${enrichment.dexscreenerRequests} DexScreener requests`);

    log('(e) counting Temporal events');
    const smallEvents = await countEvents(client, `analysis:${smallRun.analysisId}`);
    const largeEvents = await countEvents(client, `analysis:${largeRun.analysisId}`);
    const largeReplay = await replaySeconds(client, `analysis:${largeRun.analysisId}`, PREBUILT_BUNDLE, values['save-history']);
    log(`    replaying the ${large}-wallet analysis's last run (${largeReplay.events} events; what a query of it once closed costs a worker): ${largeReplay.seconds.toFixed(2)} s`);
    const sample = sent.ids.slice(0, 20);
    const sampleEvents = await Promise.all(sample.map((id) => countEvents(client, `analysis:${id}`)));
    log(`    where the time went (seconds from the workflow's start): ${small} wallets ${JSON.stringify(smallEvents.split)}; ${large} wallets ${JSON.stringify(largeEvents.split)}`);
    log(`    sync children (seconds from the workflow's start, first and last): ${small} wallets ${JSON.stringify(smallEvents.syncChildren)}; ${large} wallets ${JSON.stringify(largeEvents.syncChildren)}`);
    const rssLine = (phase: string) => phases.timeline.filter((t) => t.phase === phase).map((t) => `${t.at}s ${Math.round(t.workerMb)}${t.childrenMb ? `+${Math.round(t.childrenMb)}` : ''}`).join(', ');
    log(`    worker RSS every 5 s, MB (+ its similarity process): ${large} wallets: ${rssLine('large')}; burst: ${rssLine('burst')}`);
    log(`    the worker's event loop, its longest hold-up and its 1 s windows held up past 1 s / 5 s: ${Object.entries(phases.eventLoop).map(([phase, l]) => `${phase} ${Math.round(l.longestMs)} ms, ${l.over1s} / ${l.over5s}`).join('; ') || 'not read'}`);
    log(`    events by type (${small} wallets): ${JSON.stringify(smallEvents.byType)}`);
    log(`    events by type (burst analysis): ${JSON.stringify(sampleEvents[0]?.byType ?? {})}`);
    if (largeActions) log(`    billable Temporal actions by type (${large} wallets; the server's count, heartbeats included): ${JSON.stringify(largeActions)}`);
    if (burstActions) log(`    billable Temporal actions by type (the burst, ${drained.completed} analyses): ${JSON.stringify(burstActions)}`);

    log(`(f) the ${large}-wallet group's stored analytics computed again in the background, as after a deploy of a newer engine`);
    const recompute = await recomputeFigures(client, stack.databaseUrl, largeGroup.map((w) => w.address));
    log(`    ${recompute.refreshed} of ${recompute.wallets} computed again in ${recompute.seconds.toFixed(1)} s (${recompute.batches} batches, ${recompute.events} events; ${recompute.failed} failed)`);

    const burstFigures: BurstFigures = {
      ...postLatencies(sent, count, { before: serverBefore, after: serverAfter }),
      offeredRps: rate,
      acceptedP50Ms: percentile(sent.accepted, 50),
      acceptedP99Ms: percentile(sent.accepted, 99),
      completed: drained.completed,
      failed: drained.failed + drained.running,
      drainSeconds,
      analysesPerSecond: drained.completed / drainSeconds,
      eventsPerAnalysis: sampleEvents.length ? sampleEvents.reduce((s, e) => s + e.total, 0) / sampleEvents.length : null,
    };
    const peaks = Object.values(phases.peakRss).filter((v): v is number => v !== null);
    console.log(
      e2eLine({
        temporal,
        temporalAddress: stack.temporalAddress,
        heliusRps,
        latencyMs,
        txPerWallet,
        simulatorNice: stack.simulatorNice,
        burstGroups,
        enrichment,
        small: { ...smallRun, events: smallEvents },
        large: { ...largeRun, events: largeEvents },
        largeReplay,
        coldStart,
        smallAfterLarge: smallAfterRun,
        burst: burstFigures,
        recompute,
        frontDoor,
        worker: { peakRssMb: peaks.length ? Math.max(...peaks) : null, hwmMb: readMemory(stack.workerPid).hwmMb, startRssMb, peakRssMbByPhase: phases.peakRss, childrenPeakRssMbByPhase: phases.childrenPeakRss, eventLoopByPhase: phases.eventLoop },
        cpuSecondsByPhase: phases.cpu,
        actions: smallActions && largeActions && burstActions ? { small: smallActions, large: largeActions, burst: burstActions } : null,
        machine: { cores: os.cpus().length, loadAvgStart, loadAvgEnd: os.loadavg()[0] },
        totalSeconds: (performance.now() - began) / 1000,
      }),
    );
    return 0;
  } finally {
    phases.close();
    // the worker creates the background schedules; on a long-lived server they would outlive the bench
    if (temporal === 'prod') {
      for (const id of [REFRESH_SCHEDULE_ID, ANALYTICS_SCHEDULE_ID]) await client.schedule.getHandle(id).delete().catch(() => undefined);
      // what this run left running (a burst that did not drain in time) would be picked up by the next
      // run's worker, whose database no longer has its rows, and slow that run down: terminated
      await terminateLeftovers(client, { since: runStartedAt }, 'this run left running').catch((err: unknown) => log(`could not terminate this run's leftover workflows: ${String(err)}`));
    }
    await connection.close();
    log('stopping the stack');
    await stack.stop();
    fs.rmSync(path.dirname(worldFile), { recursive: true, force: true });
    if (profileDir) printProfiles(profileDir);
  }
}

/** The top functions by self time of each thread's profile the worker and the API wrote (idle threads left out). */
function printProfiles(dir: string): void {
  for (const name of ['worker', 'api', 'simulator']) {
    const sub = path.join(dir, name);
    const files = fs.existsSync(sub) ? fs.readdirSync(sub).filter((f) => f.endsWith('.cpuprofile')) : [];
    for (const file of files) {
      const top = topSelfTime(JSON.parse(fs.readFileSync(path.join(sub, file), 'utf8')) as CpuProfile, 16);
      const idle = top.find((t) => t.fn === '(idle)')?.share ?? 0;
      if (idle >= 0.99) continue;
      log(`CPU profile of the ${name} (${path.join(sub, file)}), ${((1 - idle) * 100).toFixed(1)} % busy; self time:`);
      for (const t of top.filter((x) => x.fn !== '(idle)')) log(`    ${(t.share * 100).toFixed(1).padStart(5)} %  ${String(t.ms).padStart(7)} ms  ${t.fn}`);
    }
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
