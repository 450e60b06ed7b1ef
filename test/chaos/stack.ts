// One scenario's application: its own database on the suite's PostgreSQL cluster, its own Redis key
// prefix and Temporal namespace, a simulator with the scenario's knobs, and the worker and the API
// as separate processes (`npm run worker` / `npm run api`), exactly as deployed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Pool } from 'pg';
import { freePort } from '../../src/temporal/dev-server';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator';
import { onCleanup, sleep, waitUntil, type PgCluster, type RedisServer, type TemporalServer } from './services';

const ROOT = path.resolve(__dirname, '..', '..');

export interface ProcessExit {
  at: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the suite killed it on purpose (a fault of the schedule, or the end of the scenario) */
  expected: boolean;
}

/** A worker or API child process; its output goes to a log file, its exits are recorded. */
export class AppProcess {
  readonly exits: ProcessExit[] = [];
  private child: ChildProcess | undefined;
  private expectingExit = false;
  private output = '';
  private ready = false;
  private starts = 0;

  constructor(
    readonly name: string,
    private readonly env: Record<string, string>,
    private readonly logDir: string,
  ) {}

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** What the process printed last (to explain a failure). */
  tail(chars = 1500): string {
    return this.output.slice(-chars);
  }

  start(): void {
    const script = this.name === 'api' ? 'src/api/server.ts' : 'src/worker.ts';
    this.starts++;
    const log = fs.createWriteStream(path.join(this.logDir, `${this.name}-${this.starts}.log`));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (d: Buffer) => {
      log.write(d);
      const text = d.toString();
      if ((this.output.slice(-100) + text).includes('workers started')) this.ready = true;
      this.output = (this.output + text).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code, signal) => {
      log.end();
      this.exits.push({ at: Date.now(), code, signal, expected: this.expectingExit });
      this.expectingExit = false;
    });
    this.child = child;
    this.output = '';
    this.ready = false;
  }

  /** The worker says "workers started" once it polls its task queues. */
  async waitReady(apiUrl?: string, timeoutMs = 120_000): Promise<void> {
    await waitUntil(`the ${this.name} process to be ready`, async () => {
      if (!this.running) throw new Error(`the ${this.name} process exited while starting:\n${this.tail()}`);
      if (this.name !== 'api') return this.ready;
      try {
        return (await fetch(`${apiUrl}/healthz`)).ok;
      } catch {
        return false;
      }
    }, timeoutMs, 250);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** Exits the suite did not cause. */
  unexpectedExits(): ProcessExit[] {
    return this.exits.filter((e) => !e.expected);
  }
}

export interface SuiteServices {
  pg: PgCluster;
  redis: RedisServer;
  temporal: TemporalServer;
  tmp: string;
}

export interface ScenarioStack {
  name: string;
  sim: SimulatorHandle;
  apiUrl: string;
  databaseUrl: string;
  /** the suite's own connection to the scenario's database (for the SQL checks) */
  pool: Pool;
  /** worker processes (`worker-1`, `worker-2`, ...), all serving every task queue */
  workers: AppProcess[];
  api: AppProcess;
  logDir: string;
  close(): Promise<void>;
}

/** Provider budgets of our clients, the same in every scenario (the provider scenario sets the simulator's below them). */
export const CLIENT_BUDGETS = { HELIUS_RPS: '20', RPC_RPS: '40', DEXSCREENER_RPM: '600' };

export async function openScenarioStack(name: string, services: SuiteServices, simOptions: SimulatorOptions, extraEnv: Record<string, string> = {}, workerCount = 1): Promise<ScenarioStack> {
  await services.temporal.ensureNamespace(`chaos-${name}`);
  const logDir = path.join(services.tmp, name);
  fs.mkdirSync(logDir, { recursive: true });
  const sim = await startSimulator({ port: 0, ...simOptions });
  const closeSim = onCleanup(`simulator of ${name}`, () => sim.close());
  const apiPort = await freePort();
  const databaseUrl = services.pg.databaseUrl(`chaos_${name.replace(/-/g, '_')}`);
  const env: Record<string, string> = {
    NODE_ENV: 'production', // loads the pre-built dist/workflow-bundle.js: a restarted worker polls within seconds
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    REDIS_URL: services.redis.url,
    REDIS_KEY_PREFIX: `chaos:${name}:`,
    TEMPORAL_ADDRESS: services.temporal.address,
    TEMPORAL_NAMESPACE: `chaos-${name}`,
    API_HOST: '127.0.0.1',
    API_PORT: String(apiPort),
    API_KEYS: '',
    API_RATE_LIMIT_MAX: '10000',
    HELIUS_BASE_URL: sim.url,
    SOLANA_RPC_URL: sim.url,
    DEXSCREENER_BASE_URL: sim.url,
    HELIUS_API_KEY: 'chaos-provider-key',
    ...CLIENT_BUDGETS,
    ...extraEnv,
  };
  const workers = Array.from({ length: workerCount }, (_, i) => new AppProcess(`worker-${i + 1}`, env, logDir));
  const api = new AppProcess('api', env, logDir);
  const all = [...workers, api];
  const stopProcesses = onCleanup(`workers and API of ${name}`, async () => {
    await Promise.all(all.map((p) => p.kill('SIGKILL')));
  });
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  // Both migrate the new database at start (under an advisory lock, so one waits for the other).
  for (const p of all) p.start();
  await Promise.all([...workers.map((w) => w.waitReady()), api.waitReady(apiUrl)]);
  const pool = new Pool({ connectionString: databaseUrl, max: 3, connectionTimeoutMillis: 3_000 });
  pool.on('error', () => undefined);

  return {
    name,
    sim,
    apiUrl,
    databaseUrl,
    pool,
    workers,
    api,
    logDir,
    async close() {
      await Promise.all(all.map((p) => p.kill('SIGTERM')));
      stopProcesses();
      await pool.end().catch(() => undefined);
      await sim.close();
      closeSim();
      await sleep(0);
    },
  };
}
