// The pure parts of `npm run bench:e2e`: percentiles, the provider-bound lower bound of an
// analysis, an open-loop schedule, the worker's memory from /proc, and the one JSON line.

/** Nearest-rank percentile (p in 0..100) of values; null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/**
 * History requests a wallet's full history needs: one per `pageSize` transactions, plus the request
 * that answers an empty page. The provider contract (Helius Enhanced Transactions, `reference/
 * provider-contracts.md` §1.5) ends a history only with an empty page: a page shorter than the limit
 * is not proof of the end, so no correct client can stop before that last request. A wallet without
 * transactions needs that one request only.
 */
export function historyPages(transactions: number, pageSize = 100): number {
  if (!Number.isInteger(transactions) || transactions < 0) throw new RangeError(`transactions must be a whole number >= 0, got ${transactions}`);
  return Math.ceil(transactions / pageSize) + 1;
}

export interface ProviderBound {
  /** history requests the group's wallets need together (pages with data, and each wallet's final empty page) */
  pages: number;
  /** the Helius request budget, requests per second */
  heliusRps: number;
  /** pages / budget: no sync of this group can be faster */
  seconds: number;
}

/** The provider-bound lower bound of syncing the wallets whose history lengths are given. */
export function providerBound(historyLengths: readonly number[], heliusRps: number, pageSize = 100): ProviderBound {
  if (!(heliusRps > 0)) throw new RangeError(`heliusRps must be > 0, got ${heliusRps}`);
  const pages = historyLengths.reduce((sum, n) => sum + historyPages(n, pageSize), 0);
  return { pages, heliusRps, seconds: pages / heliusRps };
}

/** Offsets (ms from the start) at which an open-loop load of `rate` requests/s sends each of `count` requests. */
export function openLoopSchedule(rate: number, count: number): number[] {
  if (!(rate > 0)) throw new RangeError(`rate must be > 0, got ${rate}`);
  return Array.from({ length: count }, (_, i) => (i * 1000) / rate);
}

/** VmRSS and VmHWM (peak) of a /proc/<pid>/status text, in MB (1 MB = 1,048,576 bytes); null when absent. */
export function memoryOfStatus(status: string): { rssMb: number | null; hwmMb: number | null } {
  const kb = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : null;
  };
  return { rssMb: kb('VmRSS'), hwmMb: kb('VmHWM') };
}

/** CPU seconds (user + system) of a /proc/<pid>/stat text, at `ticksPerSecond` clock ticks. */
export function cpuSecondsOfStat(stat: string, ticksPerSecond = 100): number {
  // the command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name; cutime and
  // cstime (16 and 17), the CPU of its children once they ended (the worker's similarity processes)
  return (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) / ticksPerSecond;
}

/**
 * Billable actions by type from a Temporal server's Prometheus text: its `action` counter (what
 * Temporal Cloud bills, heartbeats included, which no history event shows), summed over the series
 * of `namespace` by `action_type`.
 */
export function temporalActions(metrics: string, namespace = 'default'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of metrics.matchAll(/^action\{([^}]*)\} (\S+)$/gm)) {
    const labels = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (labels.namespace !== namespace || !labels.action_type) continue;
    out[labels.action_type] = (out[labels.action_type] ?? 0) + Number(m[2]);
  }
  return out;
}

/** The actions of each type counted between two readings of temporalActions (types with none left out). */
export function actionsBetween(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [type, n] of Object.entries(after)) {
    const d = n - (before[type] ?? 0);
    if (d > 0) out[type] = d;
  }
  return out;
}

export interface AnalysisRun {
  wallets: number;
  status: string;
  seconds: number;
  bound: ProviderBound;
  /** history requests the simulator served for the group's wallets */
  historyRequests: number;
  /** the most history requests in any 1-second window: the budget when the provider is the bound */
  historyPeakPerSecond: number;
  /** Temporal events of the analysis workflow and of every child it started */
  events: EventCount;
  /** the Helius budget through the analysis (the worker's provider_budget_* metrics): slots its requests missed, and its margin at the end (ms) */
  budget?: { slotsMissed: number | null; marginMs: number | null };
}

export interface EventCount {
  workflows: number;
  total: number;
  parent: number;
}

/** p50 and p99 of each step of the API's Server-Timing over a burst's answers, ms */
export type StepPercentiles = Record<string, { p50Ms: number | null; p99Ms: number | null }>;

export function stepPercentiles(byStep: Record<string, number[]>): StepPercentiles {
  return Object.fromEntries(Object.entries(byStep).map(([step, ms]) => [step, { p50Ms: percentile(ms, 50), p99Ms: percentile(ms, 99) }]));
}

const roundSteps = (steps: StepPercentiles | undefined) =>
  Object.fromEntries(Object.entries(steps ?? {}).map(([step, p]) => [step, { p50Ms: round(p.p50Ms, 1), p99Ms: round(p.p99Ms, 1) }]));

/** The POSTs of one open-loop burst: their latency at the client and in the API's own view. */
export interface PostLatencies {
  requests: number;
  sendSeconds: number;
  statuses: Record<string, number>;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** the API's own view (its http_request_duration_seconds histogram over the burst): the bucket bound p50/p99 of POST answers fall under, ms */
  serverP50Ms: number | null;
  serverP99Ms: number | null;
  /** the API's own steps, from each answer's Server-Timing header */
  serverTiming?: StepPercentiles;
}

/** What a burst's sender measured (latencies in ms, Server-Timing steps by name) and the API's histogram before and after it. */
export function postLatencies(
  sent: { latencies: number[]; statuses: Record<string, number>; sendSeconds: number; serverTiming: Record<string, number[]> },
  requests: number,
  histogram: { before: Map<number, number>; after: Map<number, number> },
): PostLatencies {
  return {
    requests,
    sendSeconds: sent.sendSeconds,
    statuses: sent.statuses,
    p50Ms: percentile(sent.latencies, 50),
    p99Ms: percentile(sent.latencies, 99),
    maxMs: percentile(sent.latencies, 100),
    serverP50Ms: bucketPercentileMs(histogram.before, histogram.after, 50),
    serverP99Ms: bucketPercentileMs(histogram.before, histogram.after, 99),
    serverTiming: stepPercentiles(sent.serverTiming),
  };
}

export interface BurstFigures extends PostLatencies {
  offeredRps: number;
  /** the same over the requests answered 202 only */
  acceptedP50Ms: number | null;
  acceptedP99Ms: number | null;
  completed: number;
  failed: number;
  drainSeconds: number;
  analysesPerSecond: number;
  eventsPerAnalysis: number | null;
}

/**
 * POST latency of a second burst sent while the worker is paused (SIGSTOP): the front door alone
 * (API, PostgreSQL, Temporal accepting starts), without the analyses' own work on the same cores.
 */
export type FrontDoorFigures = PostLatencies;

/** A background recompute of wallets' stored analytics: how many, in how long, and its outcome. */
export interface RecomputeFigures {
  wallets: number;
  seconds: number;
  refreshed: number;
  failed: number;
  batches: number;
  /** Temporal events of the run (continued runs included) */
  events: number;
}

export interface E2eFigures {
  temporal: 'dev' | 'prod';
  temporalAddress: string;
  heliusRps: number;
  latencyMs: number;
  txPerWallet: number;
  /** the simulator's nice value (null: normal priority) */
  simulatorNice?: number | null;
  /** where the burst's groups came from (bench:e2e's --burst-groups) */
  burstGroups?: 'small' | 'large';
  /** token enrichment from the large group on: runs started, DexScreener requests, whether all had ended when counted */
  enrichment?: { runs: number; dexscreenerRequests: number; settled: boolean };
  small: AnalysisRun;
  large: AnalysisRun;
  /** replaying the large analysis's last run on the pre-built bundle (what a query of it once closed costs a worker) */
  largeReplay?: { seconds: number; events: number };
  /** the warm-up analysis (the worker's first, of other wallets): seconds and its bound's, if one ran */
  coldStart?: { wallets: number; seconds: number; boundSeconds: number } | null;
  /** a second small group of other wallets, analysed after the large one: the budget's margin learnt */
  smallAfterLarge?: AnalysisRun | null;
  burst: BurstFigures;
  /** the large group's stored analytics computed again in the background, as after a deploy of a newer engine (recomputeOlderAnalyticsWorkflow) */
  recompute?: RecomputeFigures | null;
  /** null: not measured (--no-front-door) */
  frontDoor?: FrontDoorFigures | null;
  worker: {
    peakRssMb: number | null;
    hwmMb: number | null;
    startRssMb: number | null;
    peakRssMbByPhase: Record<string, number | null>;
    /** the peak RSS of the worker's child processes together (the similarity step of a large group), by phase */
    childrenPeakRssMbByPhase?: Record<string, number | null>;
    /** the longest its event loop was held up (ms), and how many of its 1 s windows were held up past 1 s and 5 s, by phase (its metrics; absent when not read) */
    eventLoopByPhase?: Record<string, { longestMs: number; over1s: number; over5s: number }>;
  };
  cpuSecondsByPhase: Record<string, Record<string, number>>;
  /** billable Temporal actions by type in each phase (temporalActions, the production-shaped server's); null on the dev server */
  actions?: { small: Record<string, number>; large: Record<string, number>; burst: Record<string, number> } | null;
  /** the machine: its cores and its 1-minute load average when the bench began and ended (other work skews every figure) */
  machine: { cores: number; loadAvgStart: number; loadAvgEnd: number };
  totalSeconds: number;
}

const sum = (byType: Record<string, number>): number => Object.values(byType).reduce((a, b) => a + b, 0);
const round = (n: number | null, digits = 2): number | null => (n === null || !Number.isFinite(n) ? null : Number(n.toFixed(digits)));

/**
 * The wall time below which the machine's cores could not have done a phase's work: the CPU-seconds
 * every process of the stack spent in it (worker, API, Temporal, PostgreSQL, the simulator, the
 * bench) over the cores, and the service's own processes' alone (not the simulator, which plays the
 * providers, nor the bench, which plays the users). A group whose time is near this floor rather
 * than its provider bound is bound by the machine. PostgreSQL's figure is the whole cluster's (other
 * databases' work on a shared cluster counts too), and the cores are the machine's, not a cgroup's
 * limit. Null when the phase's CPU was not read.
 */
export function cpuFloor(byProcess: Record<string, number> | undefined, cores: number): { seconds: number; serviceOnly: number } | null {
  if (!byProcess || !(cores > 0)) return null;
  const total = Object.values(byProcess).reduce((a, b) => a + b, 0);
  return { seconds: total / cores, serviceOnly: (total - (byProcess.simulator ?? 0) - (byProcess.bench ?? 0)) / cores };
}

function runFigures(run: AnalysisRun, cpu: ReturnType<typeof cpuFloor>) {
  return {
    wallets: run.wallets,
    status: run.status,
    seconds: round(run.seconds),
    boundSeconds: round(run.bound.seconds),
    ratio: round(run.seconds / run.bound.seconds, 3),
    pages: run.bound.pages,
    historyRequests: run.historyRequests,
    historyPeakPerSecond: run.historyPeakPerSecond,
    budgetSlotsMissed: run.budget?.slotsMissed ?? null,
    budgetMarginMs: round(run.budget?.marginMs ?? null, 1),
    events: run.events.total,
    eventsParent: run.events.parent,
    workflows: run.events.workflows,
    cpuFloorSeconds: cpu ? round(cpu.seconds) : null,
    cpuFloorSecondsServiceOnly: cpu ? round(cpu.serviceOnly) : null,
  };
}

/**
 * The one JSON line: (a) wall time over the provider bound of a small and a large group, (b) POST
 * latency at the offered rate, (c) analyses per second through the burst, (d) the worker's RSS,
 * (e) Temporal events per analysis; then the settings and where the CPU went.
 */
export function e2eLine(f: E2eFigures): string {
  return JSON.stringify({
    bench: 'e2e',
    temporal: f.temporal,
    temporalAddress: f.temporalAddress,
    a: {
      small: runFigures(f.small, cpuFloor(f.cpuSecondsByPhase.small, f.machine.cores)),
      large: runFigures(f.large, cpuFloor(f.cpuSecondsByPhase.large, f.machine.cores)),
      coldStart: f.coldStart ? { wallets: f.coldStart.wallets, seconds: round(f.coldStart.seconds), boundSeconds: round(f.coldStart.boundSeconds) } : null,
      smallAfterLarge: f.smallAfterLarge ? runFigures(f.smallAfterLarge, null) : null,
    },
    b: {
      offeredRps: f.burst.offeredRps,
      requests: f.burst.requests,
      achievedRps: round(f.burst.requests / f.burst.sendSeconds, 1),
      p50Ms: round(f.burst.p50Ms, 1),
      p99Ms: round(f.burst.p99Ms, 1),
      maxMs: round(f.burst.maxMs, 1),
      acceptedP50Ms: round(f.burst.acceptedP50Ms, 1),
      acceptedP99Ms: round(f.burst.acceptedP99Ms, 1),
      serverP50Ms: round(f.burst.serverP50Ms, 1),
      serverP99Ms: round(f.burst.serverP99Ms, 1),
      statuses: f.burst.statuses,
      serverTiming: roundSteps(f.burst.serverTiming),
      frontDoor: f.frontDoor
        ? {
            achievedRps: round(f.frontDoor.requests / f.frontDoor.sendSeconds, 1),
            p50Ms: round(f.frontDoor.p50Ms, 1),
            p99Ms: round(f.frontDoor.p99Ms, 1),
            maxMs: round(f.frontDoor.maxMs, 1),
            serverP50Ms: round(f.frontDoor.serverP50Ms, 1),
            serverP99Ms: round(f.frontDoor.serverP99Ms, 1),
            serverTiming: roundSteps(f.frontDoor.serverTiming),
            statuses: f.frontDoor.statuses,
          }
        : null,
    },
    c: {
      analyses: f.burst.completed,
      failed: f.burst.failed,
      drainSeconds: round(f.burst.drainSeconds, 1),
      analysesPerSecond: round(f.burst.analysesPerSecond),
      ...(f.enrichment ? { enrichment: f.enrichment } : {}),
    },
    d: {
      workerPeakRssMb: round(f.worker.peakRssMb, 0),
      workerHwmMb: round(f.worker.hwmMb, 0),
      workerStartRssMb: round(f.worker.startRssMb, 0),
      byPhase: Object.fromEntries(Object.entries(f.worker.peakRssMbByPhase).map(([k, v]) => [k, round(v, 0)])),
      similarityProcessesByPhase: Object.fromEntries(Object.entries(f.worker.childrenPeakRssMbByPhase ?? {}).map(([k, v]) => [k, round(v, 0)])),
      eventLoopByPhase: Object.fromEntries(Object.entries(f.worker.eventLoopByPhase ?? {}).map(([k, v]) => [k, { ...v, longestMs: round(v.longestMs, 0) }])),
    },
    e: {
      small: f.small.events.total,
      large: f.large.events.total,
      burst: round(f.burst.eventsPerAnalysis, 1),
      largeReplay: f.largeReplay ? { seconds: round(f.largeReplay.seconds, 2), events: f.largeReplay.events } : null,
      // billable actions (the server's count, heartbeats included): of each group, and per analysis of the burst
      actions: f.actions
        ? {
            small: sum(f.actions.small),
            large: sum(f.actions.large),
            burst: f.burst.completed > 0 ? round(sum(f.actions.burst) / f.burst.completed, 1) : null,
            largeByType: f.actions.large,
          }
        : null,
    },
    f: f.recompute
      ? { ...f.recompute, seconds: round(f.recompute.seconds, 1), walletsPerSecond: f.recompute.seconds > 0 ? round(f.recompute.refreshed / f.recompute.seconds, 1) : null }
      : null,
    settings: { heliusRps: f.heliusRps, latencyMs: f.latencyMs, txPerWallet: f.txPerWallet, simulatorNice: f.simulatorNice ?? null, burstGroups: f.burstGroups ?? 'small' },
    cpuSeconds: Object.fromEntries(Object.entries(f.cpuSecondsByPhase).map(([phase, byProcess]) => [phase, Object.fromEntries(Object.entries(byProcess).map(([k, v]) => [k, round(v, 1)]))])),
    machine: { cores: f.machine.cores, loadAvgStart: round(f.machine.loadAvgStart, 1), loadAvgEnd: round(f.machine.loadAvgEnd, 1) },
    totalSeconds: round(f.totalSeconds, 0),
  });
}

/** A V8 CPU profile (`node --cpu-prof`), the parts read here. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Where a process spent its CPU: self time by function (name, file, line), largest first, as shares
 * of all sampled time; idle and GC are kept as V8 names them ("(idle)", "(garbage collector)").
 */
export function topSelfTime(profile: CpuProfile, count = 15): Array<{ fn: string; ms: number; share: number }> {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFn = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const f = frames.get(id);
    const where = f?.url ? ` ${f.url.replace(/^.*\/node_modules\//, '~/').replace(/^file:\/\/.*?\/(src|bench|scripts)\//, '$1/')}:${f.lineNumber + 1}` : '';
    const fn = `${f?.functionName || '(anonymous)'}${where}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    total += us;
  });
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([fn, us]) => ({ fn, ms: Math.round(us / 1000), share: total > 0 ? Number((us / total).toFixed(3)) : 0 }));
}

/**
 * The samples of `name` in a Prometheus text exposition whose labels include every one of `labels`:
 * each one's label text and value.
 */
function samplesOf(exposition: string, name: string, labels: Record<string, string>): Array<{ labelText: string; value: number }> {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const out: Array<{ labelText: string; value: number }> = [];
  for (const line of exposition.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labelText = m[2] ?? '';
    if (wanted.every((w) => labelText.split(',').includes(w))) out.push({ labelText, value: Number(m[3]) });
  }
  return out;
}

/**
 * The cumulative buckets of one Prometheus histogram series in a text exposition, by upper bound
 * (seconds; +Inf as Infinity): the `<name>_bucket` lines whose labels include every one of `labels`,
 * summed when several series match.
 */
export function histogramBuckets(exposition: string, name: string, labels: Record<string, string>): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const { labelText, value } of samplesOf(exposition, `${name}_bucket`, labels)) {
    const le = /(?:^|,)le="([^"]+)"/.exec(labelText)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
  }
  return buckets;
}

/**
 * The sum of the samples of one Prometheus counter or gauge in a text exposition (the `<name>`
 * lines whose labels include every one of `labels`); null when no series matches.
 */
export function seriesSum(exposition: string, name: string, labels: Record<string, string> = {}): number | null {
  const samples = samplesOf(exposition, name, labels);
  return samples.length === 0 ? null : samples.reduce((sum, s) => sum + s.value, 0);
}

/**
 * The p-th percentile of the observations between two readings of cumulative buckets (`after`
 * minus `before`), as the upper bound of the bucket it falls in (ms; Infinity past the last
 * bound); null without observations.
 */
export function bucketPercentileMs(before: Map<number, number>, after: Map<number, number>, p: number): number | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const count = (b: number) => (after.get(b) ?? 0) - (before.get(b) ?? 0);
  const total = bounds.length > 0 ? count(bounds[bounds.length - 1]) : 0;
  if (total <= 0) return null;
  const rank = Math.ceil((p / 100) * total);
  for (const b of bounds) if (count(b) >= rank) return b * 1000;
  return Infinity;
}
