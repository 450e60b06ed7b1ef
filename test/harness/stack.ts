// Real parts for an integration test file: a Temporal client on a namespace of its own (so its
// workers never pick up another file's tasks), PostgreSQL pool and Redis client on the harness's
// services, the project's real activities with provider clients pointed at a simulator, and the
// project's Workers.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger, type Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import { loadConfig, type Config } from '../../src/config';
import { createActivities, type Activities, type ActivityDeps } from '../../src/activities';
import { createPool, dropDatabase, migrate, workerPoolSize } from '../../src/store/db';
import { createRedis, connectRedis } from '../../src/store/redis';
import { deleteWatchSchedule } from '../../src/temporal/schedules';
import { createWorkers } from '../../src/temporal/workers';
import { buildActivityDeps } from '../../src/wiring';
import { TEST_NAMESPACES, testEnv } from './env';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../src/simulator';

let runtimeInstalled = false;

export interface TestStackOptions {
  /** base URL of a running simulator: all three providers point at it */
  simulatorUrl?: string;
  apiKey?: string;
  /** more environment for the configuration (e.g. HELIUS_RPS) */
  env?: Record<string, string>;
}

export interface TestStack {
  client: Client;
  pool: Pool;
  redis: Redis;
  namespace: string;
  config: Config;
  /** environment that makes a separate worker process join this stack */
  processEnv: Record<string, string>;
  /** runs the workers while fn runs, then shuts them down */
  withWorkers<T>(fn: () => Promise<T>, opts?: { activities?: Partial<Activities> }): Promise<T>;
  close(): Promise<void>;
}

/** The test workers' slots per task queue. */
const WORKER_CONCURRENCY = { balances: 20, analysis: 10, enrichment: 5 };

async function openTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const env = testEnv();
  if (!runtimeInstalled) {
    try {
      Runtime.install({ logger: new DefaultLogger('WARN') });
    } catch {
      // already installed in this jest worker
    }
    runtimeInstalled = true;
  }
  const redis = createRedis(env.redisUrl, env.redisKeyPrefix);
  await connectRedis(redis, env.redisUrl);
  const index = await redis.incr('harness:namespace-counter');
  if (index > TEST_NAMESPACES.length) throw new Error(`more than ${TEST_NAMESPACES.length} test files asked for a namespace: add some in test/harness/env.ts`);
  const namespace = TEST_NAMESPACES[index - 1];

  const processEnv: Record<string, string> = {
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REDIS_KEY_PREFIX: env.redisKeyPrefix,
    TEMPORAL_ADDRESS: env.temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    LOG_LEVEL: 'warn',
    // each test scans the tokens it asks for (the suites' worlds share mints); the kept results have tests of their own
    HOLDER_CACHE_SECONDS: '0',
    ...(options.simulatorUrl
      ? { HELIUS_BASE_URL: options.simulatorUrl, SOLANA_RPC_URL: options.simulatorUrl, DEXSCREENER_BASE_URL: options.simulatorUrl, HELIUS_API_KEY: options.apiKey ?? 'test-api-key' }
      : {}),
    ...options.env,
  };
  const config = loadConfig(processEnv);
  // the suite's database, or one of the file's own (options.env.DATABASE_URL), with as many clients
  // as a worker of these slots has (a burst's similarity steps each hold one for their locks)
  const pool = createPool(processEnv.DATABASE_URL, workerPoolSize(WORKER_CONCURRENCY.analysis));
  const connection = await Connection.connect({ address: env.temporalAddress });
  const client = new Client({ connection, namespace });
  const nativeConnection = await NativeConnection.connect({ address: env.temporalAddress });
  // as the worker wires them (src/worker.ts)
  const deps: ActivityDeps = { ...buildActivityDeps(config, pool, redis), removeWatchSchedule: (watchId) => deleteWatchSchedule(client, watchId) };

  const withWorkers = async <T>(fn: () => Promise<T>, opts: { activities?: Partial<Activities> } = {}): Promise<T> => {
    const activities = { ...createActivities(deps), ...opts.activities } as Activities;
    const workers: Worker[] = await createWorkers({
      connection: nativeConnection,
      namespace,
      activities,
      concurrency: WORKER_CONCURRENCY,
      workflowBundlePath: env.workflowBundlePath,
      workflowCache: { maxCachedWorkflows: config.WORKFLOW_CACHE_SIZE, reuseV8Context: config.WORKFLOW_REUSE_V8_CONTEXT },
    });
    const [first, ...rest] = workers;
    const runUntil = rest.reduce<() => Promise<T>>((inner, w) => () => w.runUntil(inner), fn);
    return first.runUntil(runUntil);
  };

  return {
    client,
    pool,
    redis,
    namespace,
    config,
    processEnv,
    withWorkers,
    async close() {
      await connection.close();
      await nativeConnection.close();
      await pool.end();
      redis.disconnect();
    },
  };
}

/** Budgets high enough that tests never wait on them (the budget itself is tested on its own). */
const TEST_BUDGETS = { HELIUS_RPS: '500', RPC_RPS: '500', DEXSCREENER_RPM: '6000' };

/** A simulator on `options` (a world and knobs) and a test stack whose providers point at it. */
async function openSimulatedStack(options: SimulatorOptions, env: Record<string, string>): Promise<{ sim: SimulatorHandle; stack: TestStack }> {
  const sim = await startSimulator(options);
  try {
    return { sim, stack: await openTestStack({ simulatorUrl: sim.url, env: { ...TEST_BUDGETS, ...env } }) };
  } catch (err) {
    await sim.close();
    throw err;
  }
}

export interface StackHooks {
  /** runs before the stack opens (e.g. starts a database the stack's environment names) */
  beforeOpen?: () => Promise<void>;
  /** runs once the stack is open (e.g. builds an app on it, starts worker processes) */
  afterOpen?: () => Promise<void>;
  /** runs while the stack is still open, before it closes (e.g. closes the app, kills workers) */
  beforeClose?: () => Promise<void>;
  /** runs after the stack has closed (e.g. removes a database the stack used) */
  afterClose?: () => void | Promise<void>;
  /** time the opening may take, hooks included (jest's beforeAll timeout) */
  openTimeoutMs?: number;
}

type Parts = Record<string, { close(): Promise<void> }>;

/**
 * The lifecycle both `use…Stack` share: `open` before the file's tests (beforeAll) with `hooks`
 * around it, and after them (afterAll) `beforeClose`, then each opened part closed in the reverse
 * of its order in `open`'s answer, then `afterClose`. Answers a reader of the opened parts.
 */
function useParts<T extends Parts>(open: () => Promise<T>, hooks: StackHooks): <K extends keyof T & string>(key: K) => T[K] {
  let opened: T | undefined;
  beforeAll(async () => {
    await hooks.beforeOpen?.();
    opened = await open();
    await hooks.afterOpen?.();
  }, hooks.openTimeoutMs);
  afterAll(async () => {
    try {
      await hooks.beforeClose?.();
    } finally {
      for (const part of Object.values(opened ?? {}).reverse()) await part.close();
      await hooks.afterClose?.();
    }
  });
  return (key) => {
    if (!opened) throw new Error(`the test stack is not open: read ${key} inside a test or hook`);
    return opened[key];
  };
}

/**
 * For a test file that needs no simulator: opens a stack before its tests (beforeAll) and closes it
 * after them (afterAll), with the file's own set-up and tear-down around it in `hooks`. Read `stack`
 * inside tests and hooks.
 */
export function useTestStack(options: TestStackOptions = {}, hooks: StackHooks = {}): { readonly stack: TestStack } {
  const read = useParts(async () => ({ stack: await openTestStack(options) }), hooks);
  return {
    get stack() {
      return read('stack');
    },
  };
}

/**
 * For a test file: opens a simulator and a stack before its tests (beforeAll) and closes both after
 * them (afterAll), with the file's own set-up and tear-down around them in `hooks`. Read `sim` and
 * `stack` inside tests and hooks. `env` may be a function when it depends on `beforeOpen`.
 */
export function useSimulatedStack(
  options: SimulatorOptions,
  env: Record<string, string> | (() => Record<string, string>) = {},
  hooks: StackHooks = {},
): { readonly sim: SimulatorHandle; readonly stack: TestStack } {
  const read = useParts(() => openSimulatedStack(options, typeof env === 'function' ? env() : env), hooks);
  return {
    get sim() {
      return read('sim');
    },
    get stack() {
      return read('stack');
    },
  };
}

/** A wallet's whole history as the simulator serves it (Helius Enhanced Transactions), oldest first. */
export function servedHistory(sim: SimulatorHandle, wallet: string) {
  const w = sim.world.indexOf(wallet)!;
  return Array.from({ length: sim.world.historyLength(w) }, (_, i) => sim.world.transaction(w, i));
}

/**
 * A database of a test file's own (the suite's database's name, then `_<name>_<pid>`), migrated
 * before its stack opens and dropped after it closes: pass `url` as the stack's DATABASE_URL and
 * spread `hooks` among its hooks. For a file whose results depend on every row the database holds
 * (database-wide counts, the background recompute of analytics an older engine computed), or whose
 * rows of an older engine's analytics the worker processes of other files (each starts the
 * background recompute) must not compute again under it.
 */
export function ownDatabase(name: string): { url: string; hooks: Required<Pick<StackHooks, 'beforeOpen' | 'afterClose'>> } {
  const parsed = new URL(testEnv().databaseUrl);
  parsed.pathname = `${parsed.pathname}_${name}_${process.pid}`;
  const url = parsed.toString();
  return {
    url,
    hooks: {
      beforeOpen: async () => {
        await migrate(url);
      },
      afterClose: () => dropDatabase(url),
    },
  };
}
