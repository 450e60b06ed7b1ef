// The scenarios: each is a setup (simulator knobs, environment), a fault schedule that runs while
// the clients of the plan work, and the outcome the shared checker must see.
import type { SimulatorOptions } from '../../src/simulator';
import type { ApiClient } from './client';
import type { Expectation } from './checker';
import { sleep, type PgCluster, type RedisServer, type TemporalServer } from './services';
import type { ScenarioStack } from './stack';
import { CLIENT_BUDGETS } from './stack';
import { CHAOS_SEED, WALLETS, overlappingAnalyses, randomMoments, type PlannedAnalysis } from './world';

export interface FaultContext {
  stack: ScenarioStack;
  api: ApiClient;
  pg: PgCluster;
  redis: RedisServer;
  temporal: TemporalServer;
  /** when the clients started (epoch ms) */
  t0: number;
  /** how long the whole plan took in the clean run (ms) */
  cleanMakespanMs: number;
  /** the analysis ids the clients got so far */
  analysisIds(): string[];
  /** logs a fault with its time since t0 */
  note(event: string): void;
  /** problems the schedule itself observed (e.g. a wrong status from the API during an outage) */
  problem(text: string): void;
}

export interface Scenario {
  name: string;
  title: string;
  sim?: Partial<SimulatorOptions>;
  env?: Record<string, string>;
  plan(): PlannedAnalysis[];
  expect: Expectation;
  /** seconds the clients wait, beyond the clean run's makespan, before the scenario counts as failed */
  graceSeconds: number;
  /** worker processes (default 1) */
  workers?: number;
  /** how often the clients poll (default 1 s) */
  pollMs?: number;
  faults?(ctx: FaultContext): Promise<void>;
}

/** Sleeps until `ms` after the clients started. */
const at = (ctx: FaultContext, ms: number) => sleep(Math.max(0, ctx.t0 + ms - Date.now()));

/** How long PostgreSQL stays stopped in the outage scenario. */
export const PG_OUTAGE_MS = 60_000;
export const REDIS_OUTAGE_MS = 30_000;
/** How long Redis stays frozen (SIGSTOP) in the freeze scenario: several of the workers' command timeouts. */
export const REDIS_FREEZE_MS = 30_000;

/**
 * Probes the API while a dependency is away: /readyz, and (`readAnalysis`, when the dependency holds
 * the analyses) reading an analysis must answer 503 problem+json (not 500, not a hang).
 */
async function probeWhileAway(ctx: FaultContext, dependency: string, untilMs: number, { readAnalysis = true }: { readAnalysis?: boolean } = {}): Promise<void> {
  const seen = new Map<string, number>();
  await sleep(1_000); // the pool notices the closed connections
  while (Date.now() < untilMs - 1_000) {
    const id = readAnalysis ? ctx.analysisIds()[0] : undefined;
    const probes = [ctx.api.request('GET', '/readyz'), ...(id ? [ctx.api.request('GET', `/v1/analyses/${id}`)] : [])];
    const answers = await Promise.all(probes);
    answers.forEach((a, i) => {
      const what = i === 0 ? 'GET /readyz' : 'GET /v1/analyses/{id}';
      const key = `${what} → ${a.status}${a.status === 503 && i === 1 && !String(a.contentType).includes('problem+json') ? ' (not problem+json)' : ''}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    });
    await sleep(2_000);
  }
  const wrong = [...seen].filter(([k]) => !/→ 503$/.test(k));
  ctx.note(`API while ${dependency} was away: ${[...seen].map(([k, n]) => `${k} ×${n}`).join(', ') || 'no probes'}`);
  if (wrong.length > 0) ctx.problem(`while ${dependency} was away the API answered ${wrong.map(([k, n]) => `${k} ×${n}`).join(', ')}; expected 503 problem+json`);
}

const overlapping = () => overlappingAnalyses(20);

export const CLEAN: Scenario = {
  name: 'clean',
  title: 'no faults: the reference run',
  plan: overlapping,
  expect: { outcome: 'complete' },
  graceSeconds: 240,
};

export const SCENARIOS: Scenario[] = [
  {
    name: 'worker-kill',
    title: 'one of two workers SIGKILLed 4 times at seeded random moments; a supervisor restarts it at once',
    plan: overlapping,
    // Two workers, as deployed: the survivor must take over what the killed one held, so the delay
    // measures how fast lost tasks are retried, not how fast a process starts.
    workers: 2,
    // Each kill costs an analysis at most a heartbeat timeout (10 s) plus the sticky-queue timeout
    // (3 s); kills wait for earlier restarts, so under load up to three land on one analysis: 3 × 13 s.
    expect: { outcome: 'complete', maxExtraSeconds: 40 },
    graceSeconds: 60,
    async faults(ctx) {
      const moments = randomMoments(4, 1_500, Math.max(6_000, ctx.cleanMakespanMs * 0.8));
      for (const [i, ms] of moments.entries()) {
        await at(ctx, ms);
        const worker = ctx.stack.workers[(i + CHAOS_SEED) % 2]; // each worker in turn
        await Promise.all(ctx.stack.workers.map((w) => w.waitReady())); // earlier restarts have come up
        const pid = worker.pid;
        await worker.kill('SIGKILL');
        ctx.note(`SIGKILL ${worker.name} pid ${pid} (planned at +${(ms / 1000).toFixed(1)}s)`);
        worker.start();
      }
      await Promise.all(ctx.stack.workers.map((w) => w.waitReady()));
    },
  },
  {
    name: 'temporal-restart',
    title: 'Temporal dev server stopped and started again (same --db-filename) mid-run',
    plan: overlapping,
    expect: { outcome: 'complete' },
    graceSeconds: 120,
    async faults(ctx) {
      await at(ctx, Math.max(3_000, ctx.cleanMakespanMs * 0.3));
      ctx.note('stopping the Temporal dev server');
      await ctx.temporal.stop();
      await sleep(2_000);
      await ctx.temporal.start();
      ctx.note('Temporal dev server answers again');
    },
  },
  {
    name: 'redis-outage',
    title: `Redis stopped for ${REDIS_OUTAGE_MS / 1000}s mid-run`,
    plan: overlapping,
    expect: { outcome: 'complete' },
    graceSeconds: REDIS_OUTAGE_MS / 1000 + 90,
    async faults(ctx) {
      await at(ctx, 3_000);
      await ctx.redis.stop();
      ctx.note('redis-server stopped');
      await sleep(REDIS_OUTAGE_MS);
      await ctx.redis.start();
      ctx.note('redis-server started');
    },
  },
  {
    name: 'redis-freeze',
    title: `Redis frozen (SIGSTOP: connections open, nothing answered) for ${REDIS_FREEZE_MS / 1000}s mid-run; /readyz must answer 503 meanwhile`,
    plan: overlapping,
    // a partition that drops packets looks so: without a command timeout, every step waiting on a
    // budget, a cache or a lock waited as long as the freeze, and for ever for a server that never came back
    expect: { outcome: 'complete' },
    graceSeconds: REDIS_FREEZE_MS / 1000 + 90,
    async faults(ctx) {
      await at(ctx, 3_000);
      ctx.redis.freeze();
      const back = Date.now() + REDIS_FREEZE_MS;
      ctx.note('redis-server frozen (SIGSTOP)');
      try {
        // (the analyses live in PostgreSQL: reading one is no Redis read)
        await probeWhileAway(ctx, 'Redis (frozen)', back - 2_000, { readAnalysis: false });
        await sleep(Math.max(0, back - Date.now()));
      } finally {
        ctx.redis.thaw();
        ctx.note('redis-server thawed (SIGCONT)');
      }
    },
  },
  {
    name: 'postgres-restart',
    title: 'PostgreSQL restarted (pg_ctl stop -m fast, start) mid-run',
    plan: overlapping,
    expect: { outcome: 'complete' },
    graceSeconds: 90,
    async faults(ctx) {
      await at(ctx, Math.max(3_000, ctx.cleanMakespanMs * 0.3));
      await ctx.pg.restart();
      ctx.note('PostgreSQL restarted');
    },
  },
  {
    name: 'postgres-outage',
    title: `PostgreSQL stopped for ${PG_OUTAGE_MS / 1000}s mid-run; the API must answer 503 meanwhile`,
    plan: overlapping,
    // past the outage budget of docs/workflows.md an analysis may fail, but with a reason that names the database
    expect: { outcome: 'complete-or-fail-with-reason', reason: /postgres|database/i },
    graceSeconds: PG_OUTAGE_MS / 1000 + 90,
    async faults(ctx) {
      await at(ctx, 3_000);
      await ctx.pg.stop('fast');
      const back = Date.now() + PG_OUTAGE_MS;
      ctx.note('PostgreSQL stopped');
      await probeWhileAway(ctx, 'PostgreSQL', back);
      await sleep(Math.max(0, back - Date.now()));
      await ctx.pg.start();
      ctx.note('PostgreSQL started');
    },
  },
  {
    name: 'provider-faults',
    title: 'providers answer 30 % 5xx, and 429 above half our own request budget',
    plan: overlapping,
    sim: {
      faults: { seed: 7, errorRate: 0.3 },
      rateLimits: {
        heliusRps: Number(CLIENT_BUDGETS.HELIUS_RPS) / 2,
        rpcRps: Number(CLIENT_BUDGETS.RPC_RPS) / 2,
        dexscreenerRpm: Number(CLIENT_BUDGETS.DEXSCREENER_RPM) / 2,
      },
    },
    expect: { outcome: 'complete' },
    graceSeconds: 180,
  },
  {
    name: 'invalid-key',
    title: 'the provider rejects our API key (401): the analysis fails fast, saying so once',
    plan: () => [{ index: 0, wallets: WALLETS.slice(0, 5).sort(), startAtMs: 0 }],
    pollMs: 250,
    sim: { invalidKey: true },
    // the reason is the typed failure: stated once, not once per wallet or per provider
    expect: { outcome: 'fail-fast', failWithinSeconds: 5, reason: /InvalidApiKeyError/ },
    graceSeconds: 60,
  },
];
