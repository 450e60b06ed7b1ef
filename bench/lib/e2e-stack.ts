// The real stack of `npm run bench:e2e`, each part its own process as in a deployment: the
// simulator (latency and rate limits), a Temporal server (a fresh dev server, or the
// production-shaped one of scripts/temporal-server.sh), the worker and the API, on a database and
// a Redis prefix of their own that are removed at the end.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dropDatabase } from '../../src/store/db';
import { createRedis } from '../../src/store/redis';
import { freePort, isPortOpen, resolveTemporalCli, startDevServer, stopProcess, waitForTemporal, type RunningDevServer } from '../../src/temporal/dev-server';
import { cpuSecondsOfStat, memoryOfStatus } from './e2e-figures';

const ROOT = path.resolve(__dirname, '..', '..');

export interface StackOptions {
  temporal: 'dev' | 'prod';
  worldFile: string;
  heliusRps: number;
  latencyMs: number;
  maxWallets: number;
  runId: string;
  /** a directory: the worker and the API write V8 CPU profiles there (node --cpu-prof) when they exit */
  profileDir?: string;
  log: (line: string) => void;
}

export interface BenchStack {
  apiUrl: string;
  simUrl: string;
  temporalAddress: string;
  databaseUrl: string;
  /** pids whose CPU the bench reports, by role */
  pids: Record<string, number>;
  workerPid: number;
  /** the worker's Prometheus endpoint (TEMPORAL_METRICS_BIND): its Temporal runtime's metrics and the provider budgets' */
  workerMetricsUrl: string;
  /** the production-shaped server's Prometheus endpoint (its `action` counter: what Temporal Cloud bills); null on the dev server */
  temporalMetricsUrl: string | null;
  /** the simulator's nice value, or null when the bench could not raise its priority */
  simulatorNice: number | null;
  stop(): Promise<void>;
}

/** The simulator's priority in the bench (see startBenchStack). */
const SIMULATOR_NICE = -10;

type Child = ChildProcess & { output: () => string };

/** Starts a Node process: a TypeScript source through tsx, or compiled JavaScript (`build/…js`) as it is. */
function startNode(script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Child {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, script, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // BENCH_LOG_DIR: each process's whole output also goes to <dir>/<script>[-<first argument>].log
  const logDir = process.env.BENCH_LOG_DIR;
  const logFile = logDir ? path.join(logDir, `${path.basename(script).replace(/\.[jt]s$/, '')}${args[0] ? `-${args[0]}` : ''}.log`) : null;
  if (logDir) fs.mkdirSync(logDir, { recursive: true });
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
    if (logFile) fs.appendFileSync(logFile, d);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return Object.assign(child, { output: () => output });
}

/**
 * How production starts the worker: the environment variables and Node flags of `npm run
 * start:worker` (package.json), e.g. glibc's MALLOC_ARENA_MAX and its heap limit;
 * BENCH_WORKER_NODE_ARGS, when set (even empty), replaces the flags (to measure the worker without
 * them, or with others).
 */
export function workerStart(env: NodeJS.ProcessEnv = process.env, packageJson: string = path.join(ROOT, 'package.json')): { env: Record<string, string>; flags: string[] } {
  const script: unknown = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, unknown> }).scripts?.['start:worker'];
  const parts = typeof script === 'string' ? /^((?:[A-Z_][A-Z0-9_]*=\S+\s+)*)node((?:\s+--[\w-]+(?:=\S+)?)*)\s+scripts\/start-built\.js worker$/.exec(script.trim()) : null;
  if (!parts) throw new Error(`package.json's start:worker is not "[NAME=value ...] node [--flag ...] scripts/start-built.js worker" (got ${JSON.stringify(script)}): the bench cannot start the worker as production does`);
  const assignments = Object.fromEntries(parts[1].split(/\s+/).filter(Boolean).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
  const flags = env.BENCH_WORKER_NODE_ARGS !== undefined ? env.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean) : parts[2].split(/\s+/).filter(Boolean);
  return { env: assignments, flags };
}

async function waitForHttp(url: string, child: Child, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the process behind ${url} exited (${child.exitCode}): ${child.output().trim().split('\n').slice(-5).join(' | ')}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = `${res.status} ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last}); output: ${child.output().trim().split('\n').slice(-5).join(' | ')}`);
}

/** The production-shaped server's settings as scripts/temporal-server.sh reads them (its metrics: the frontend's port + 2000). */
function prodServer(): { address: string; pidFile: string; metricsUrl: string } {
  const port = process.env.TEMPORAL_SERVER_PORT ?? '7633';
  const state = process.env.TEMPORAL_SERVER_STATE ?? path.join(ROOT, '.tools', 'temporal-server');
  return { address: `127.0.0.1:${port}`, pidFile: path.join(state, 'server.pid'), metricsUrl: `http://127.0.0.1:${Number(port) + 2000}/metrics` };
}

const run = promisify(execFile);

export function readMemory(pid: number): { rssMb: number | null; hwmMb: number | null } {
  try {
    return memoryOfStatus(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return { rssMb: null, hwmMb: null };
  }
}

/** The processes `pid` started that are still running, and theirs (from /proc/<pid>/task/<tid>/children). */
export function descendantsOf(pid: number): number[] {
  const found: number[] = [];
  const visit = (p: number) => {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let children = '';
      try {
        children = fs.readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        found.push(c);
        visit(c);
      }
    }
  };
  visit(pid);
  return found;
}

/** The application's PostgreSQL here (its databases bench_e2e_<run>). */
export const BENCH_PG_PORT = 5432;

/**
 * The PostgreSQL servers' main processes on this machine (a `postgres` whose parent is not one), each
 * with the port it listens on (its data directory's postmaster.pid; null when that cannot be read).
 */
export function findPostmasters(): Array<{ pid: number; port: number | null }> {
  const comm = (pid: number | string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      return null;
    }
  };
  const portOf = (pid: string): number | null => {
    try {
      const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const dataDir = args[args.indexOf('-D') + 1];
      // postmaster.pid: pid, data directory, start time, port, ...
      const port = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[3]);
      return Number.isInteger(port) && port > 0 ? port : null;
    } catch {
      return null;
    }
  };
  const found: Array<{ pid: number; port: number | null }> = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || comm(entry) !== 'postgres') continue;
    let stat = '';
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (comm(ppid) !== 'postgres') found.push({ pid: Number(entry), port: portOf(entry) });
  }
  return found;
}

/**
 * The application's PostgreSQL (the server on `port`; the only one, or the first found, when ports
 * cannot be read) and the others: the production-shaped Temporal's own cluster when it runs on one.
 */
export function postmastersByRole(port: number, found = findPostmasters()): { app: number | null; others: number[] } {
  const app = found.find((p) => p.port === port) ?? (found.every((p) => p.port === null) ? found[0] : undefined);
  return { app: app?.pid ?? null, others: found.filter((p) => p !== app).map((p) => p.pid) };
}

/** CPU seconds of a process and of every process below it, the ended ones included (theirs counted in their parent's cutime). */
export function readTreeCpuSeconds(pid: number): number {
  return readCpuSeconds(pid) + descendantsOf(pid).reduce((sum, child) => sum + readCpuSeconds(child), 0);
}

export function readCpuSeconds(pid: number): number {
  try {
    return cpuSecondsOfStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

export async function startBenchStack(o: StackOptions): Promise<BenchStack> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-e2e-'));
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => o.log(`cleanup: ${String(err)}`));
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  const profile = (name: string) => (o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(o.profileDir, name)}`] : []);
  try {
    // A production worker and API (`npm run build`, then `npm run start:worker` and `start:api`): the
    // compiled JavaScript (build/), not TypeScript compiled as it loads (tsx alone holds about 50 MB
    // in each process), the pre-built workflow bundle (dist/workflow-bundle.js), not bundled at start,
    // and the worker's Node flags of `start:worker` (its heap limit); the simulator compiled too.
    await run('npm', ['run', '-s', 'build'], { cwd: ROOT, maxBuffer: 10 * 1024 * 1024 });
    const simPort = await freePort();
    const simUrl = `http://127.0.0.1:${simPort}`;
    // Our budgets equal the simulator's limits, so the budget is the floor and a 429 means it leaked.
    // Compiled, as the worker and the API: through tsx (esbuild's output keeps every function's name
    // with a call at each closure it makes) rendering a history page cost the simulator 16 ms of CPU,
    // compiled 6.4 ms, on cores the worker, PostgreSQL and Temporal share.
    const sim = startNode('build/simulator/cli.js', [
      '--world', o.worldFile, '--port', String(simPort), '--latency-ms', String(o.latencyMs),
      '--helius-rps', String(o.heliusRps), '--rpc-rps', '50', '--dexscreener-rpm', '300',
    ], process.env, profile('simulator'));
    cleanups.push(() => stopProcess(sim, 'SIGTERM', 5_000));
    await waitForHttp(`${simUrl}/__sim/health`, sim, 120_000);
    // The simulator plays the providers, whose CPU is not ours in production. On 2 cores shared with
    // Temporal, PostgreSQL, the worker and the API, a starved simulator takes requests off its socket
    // late and in bunches, and its own rate limit then counts more than the budget in a second
    // (measured: 3 of 900 history requests answered 429 at normal priority, none at -15). So it runs
    // ahead of the rest when the bench may raise its priority (root); otherwise it says so.
    let simulatorNice: number | null = SIMULATOR_NICE;
    try {
      os.setPriority(sim.pid as number, SIMULATOR_NICE);
    } catch (err) {
      simulatorNice = null;
      o.log(`the simulator keeps its normal priority (${err instanceof Error ? err.message : String(err)}): it may answer 429 when the machine is saturated`);
    }

    let temporalAddress: string;
    let temporalPid: number | undefined;
    let temporalMetricsUrl: string | null = null;
    if (o.temporal === 'dev') {
      const port = await freePort();
      o.log(`starting a Temporal dev server on 127.0.0.1:${port} (SQLite file in ${tmp})`);
      const server: RunningDevServer = await startDevServer({ cliPath: await resolveTemporalCli(), ip: '127.0.0.1', port, headless: true, namespace: 'default', dbFilename: path.join(tmp, 'temporal.db') });
      cleanups.push(() => server.stop());
      temporalAddress = server.address;
      temporalPid = server.process.pid;
    } else {
      const prod = prodServer();
      temporalAddress = prod.address;
      temporalMetricsUrl = prod.metricsUrl;
      const [host, port] = [prod.address.split(':')[0], Number(prod.address.split(':')[1])];
      if (!(await isPortOpen(host, port))) {
        o.log(`starting the production-shaped server (scripts/temporal-server.sh start) on ${prod.address}`);
        await run('bash', [path.join(ROOT, 'scripts', 'temporal-server.sh'), 'start'], { cwd: ROOT, maxBuffer: 10 * 1024 * 1024, timeout: 3_600_000 });
        cleanups.push(async () => void (await run('bash', [path.join(ROOT, 'scripts', 'temporal-server.sh'), 'stop'], { cwd: ROOT })));
      }
      await waitForTemporal(prod.address, 60_000);
      temporalPid = fs.existsSync(prod.pidFile) ? Number(fs.readFileSync(prod.pidFile, 'utf8').trim()) : undefined;
    }

    const databaseUrl = `postgres://postgres@127.0.0.1:${BENCH_PG_PORT}/bench_e2e_${o.runId}`;
    const redisPrefix = `bench-e2e:${o.runId}:`;
    cleanups.push(async () => {
      await dropDatabase(databaseUrl);
      const redis = createRedis('redis://127.0.0.1:6379');
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      redis.disconnect();
    });
    const apiPort = await freePort();
    const workerMetricsPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: redisPrefix,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: 'default',
      HELIUS_BASE_URL: simUrl,
      SOLANA_RPC_URL: simUrl,
      DEXSCREENER_BASE_URL: simUrl,
      HELIUS_API_KEY: 'bench',
      HELIUS_RPS: String(o.heliusRps),
      RPC_RPS: '50',
      DEXSCREENER_RPM: '300',
      API_HOST: '127.0.0.1',
      API_PORT: String(apiPort),
      // the burst is one client: the per-key rate limit would answer it 429
      API_RATE_LIMIT_MAX: '1000000',
      MAX_WALLETS_PER_ANALYSIS: String(o.maxWallets),
      // BENCH_LOG_LEVEL (default warn): e.g. info with BENCH_LOG_DIR, for the similarity step's timings
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    };
    const started = workerStart();
    const worker = startNode('build/worker.js', [], { ...env, ...started.env, TEMPORAL_METRICS_BIND: `127.0.0.1:${workerMetricsPort}`, NODE_ENV: 'production' }, [...started.flags, ...profile('worker')]);
    cleanups.push(() => stopProcess(worker, 'SIGINT', 20_000));
    const api = startNode('build/api/server.js', [], { ...env, NODE_ENV: 'production' }, profile('api'));
    cleanups.push(() => stopProcess(api, 'SIGINT', 10_000));
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHttp(`${apiUrl}/readyz`, api, 180_000);
    const pids: Record<string, number> = { worker: worker.pid as number, api: api.pid as number, simulator: sim.pid as number, bench: process.pid };
    if (temporalPid) pids.temporal = temporalPid;
    return { apiUrl, simUrl, temporalAddress, databaseUrl, pids, workerPid: worker.pid as number, workerMetricsUrl: `http://127.0.0.1:${workerMetricsPort}/metrics`, temporalMetricsUrl, simulatorNice, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
