// PostgreSQL: one pool per process, the database created if missing, SQL migrations applied by
// node-pg-migrate from migrations/.
import path from 'node:path';
import { Client, Pool, type PoolClient } from 'pg';
import { runner } from 'node-pg-migrate';
import { describeUrl } from '../config';
import { ServiceUnavailableError, describeFailure } from '../errors';
import { isConnectionError } from './errors';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

export interface PoolOptions {
  /** shown in pg_stat_activity.application_name, unless PGAPPNAME (the operator's name for every connection) is set */
  applicationName?: string;
  /** how long a query may wait for a connection (a free one, or a new one connecting); default 5 s */
  connectionTimeoutMs?: number;
}

/**
 * The worker's pool for `analysisConcurrency` analysis slots: each similarity step keeps a client
 * for its advisory lock while it runs (which also asks for the tokens to enrich) and one for its
 * store's transaction, and similarity steps run both in the analysis queue's slots and, for small
 * groups, in as many local-activity slots (LOCAL_STEPS_PATCH): two clients for each of 2 ×
 * analysisConcurrency; and the other steps' statements. Fewer, and steps holding their locks can
 * take every client while each waits for one more.
 */
export function workerPoolSize(analysisConcurrency: number): number {
  return 4 * analysisConcurrency + 10;
}

export function createPool(databaseUrl: string, max = 10, options: PoolOptions = {}): Pool {
  const pool = new Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    ...(options.applicationName && !process.env.PGAPPNAME ? { application_name: options.applicationName } : {}),
  });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * Runs `fn` with a client checked out of the pool: the one way code in src/store takes a client
 * for several statements. While a client is out of the pool, the pool's 'error' listener is not
 * on it: a connection lost between two statements (a PostgreSQL restart, pg_terminate_backend)
 * would then be an unhandled 'error' event and kill the process. Here the error is caught, the
 * client is destroyed instead of going back to the pool, and `fn`'s failing statement reports it.
 */
export async function withClient<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return checkedOut(pool, (client) => fn(client));
}

/** withClient, where `fn` may also have the client destroyed after it (`discard`) instead of returned to the pool. */
async function checkedOut<T>(pool: Pool, fn: (client: PoolClient, discard: (why: Error) => void) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (err: Error) => {
    lost = err;
  };
  client.on('error', onError);
  try {
    return await fn(client, (why) => (lost ??= why));
  } catch (err) {
    lost ??= isConnectionError(err) ? (err as Error) : undefined;
    throw err;
  } finally {
    if (lost) {
      // A lost connection is destroyed, never handed to the next caller; the listener stays on it
      // for whatever the closing socket still reports.
      client.release(lost);
    } else {
      client.off('error', onError); // back in the pool, the pool's own listener takes over
      client.release();
    }
  }
}

/**
 * Runs `fn` while this process holds the session advisory lock named `name` (pg_try_advisory_lock on
 * a key hashed from the name), on a client of the pool kept for it, and releases it after; `fn` may
 * run statements of its own on that client (outside any transaction: it holds the lock). If another
 * session holds the lock, returns `{ locked: false }` at once without running `fn`. Should the unlock
 * fail, the client is destroyed rather than returned to the pool, which ends its session and so
 * releases the lock all the same; a worker process that dies releases it too.
 */
export async function withTryAdvisoryLock<T>(pool: Pool, name: string, fn: (client: PoolClient) => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
  return checkedOut(pool, async (client, discard) => {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS locked', [name]);
    if (!rows[0].locked) return { locked: false };
    try {
      return { locked: true, value: await fn(client) };
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]).catch((err: unknown) => discard(err instanceof Error ? err : new Error(String(err))));
    }
  });
}

/** What a store function that can run inside another one's transaction takes: the pool, or the transaction's client. */
export type Queryable = Pool | PoolClient;

/**
 * `value` as JSON for a `jsonb` parameter, fit for it: jsonb holds neither U+0000 nor a lone UTF-16
 * surrogate (PostgreSQL refuses the whole statement, a data error no retry mends), and text from
 * outside (a token's name or links, set by whoever created it; a name cut inside an emoji; a
 * transaction's source) may carry either. Such strings lose their NULs and have their lone
 * surrogates replaced (U+FFFD); JSON.stringify writes both as escapes, so the rare value that needs
 * it is serialized a second time, the others once.
 */
export function jsonForPostgres(value: unknown): string {
  const json = JSON.stringify(value);
  if (!/\\u(?:0000|d[89a-f])/.test(json)) return json;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd') : v));
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `fn` in one transaction on a checked-out client (see withClient): committed, or rolled back when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, (client) => inClientTransaction(client, () => fn(client)));
}

/** `fn` in one transaction (inTransaction) whose statements PostgreSQL stops after `timeoutMs` each (57014). */
export async function inTransactionWithin<T>(pool: Pool, timeoutMs: number, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  return inTransaction(pool, async (client) => {
    await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(timeoutMs))}`);
    return fn(client);
  });
}

/** `fn` in a transaction on a connection already checked out (one that holds a session lock across several). */
export async function inClientTransaction<T>(client: PoolClient, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

function databaseName(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new ServiceUnavailableError('PostgreSQL', `DATABASE_URL must name a database made of letters, digits, _ or - (got '${name}')`);
  }
  return name;
}

function unreachable(databaseUrl: string, err: unknown): ServiceUnavailableError {
  return new ServiceUnavailableError(
    'PostgreSQL',
    `cannot reach PostgreSQL at ${describeUrl(databaseUrl)} (${describeFailure(err)}): start PostgreSQL or set DATABASE_URL to a server you can reach`,
  );
}

/** Creates the database named in the URL if it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5_000 });
  admin.on('error', () => undefined); // a dropped connection surfaces as the failed query
  try {
    await admin.connect();
  } catch (err) {
    throw unreachable(databaseUrl, err);
  }
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        // created concurrently by another process: 42P04, or 23505 when both passed the check together
        if (err.code !== '42P04' && err.code !== '23505') throw err;
      });
    }
  } finally {
    await admin.end();
  }
}

/** Serializes migrations of every process on this database (pg_advisory_lock key). */
const MIGRATION_LOCK_KEY = 7_301_221_905; // arbitrary, ours
/** How long a process waits for another one's migrations before giving up. */
const MIGRATION_LOCK_WAIT = '120s';

/**
 * Applies every pending migration. Safe when several processes start at once (workers, the API):
 * they queue on a blocking advisory lock, so the first applies the migrations and the others find
 * nothing left to do. (node-pg-migrate's own lock fails instead of waiting.)
 */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    throw unreachable(databaseUrl, err);
  }
  client.on('error', () => undefined); // a dropped connection surfaces as the failed query below
  try {
    await client.query(`SET lock_timeout = '${MIGRATION_LOCK_WAIT}'`);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    } catch (err) {
      if ((err as { code?: string }).code === '55P03') {
        throw new ServiceUnavailableError('PostgreSQL', `another process has been applying migrations to ${describeUrl(databaseUrl)} for over ${MIGRATION_LOCK_WAIT}: check for a stuck migration (pg_locks) and start again`);
      }
      throw err;
    }
    await client.query('SET lock_timeout = 0');
    const applied = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      checkOrder: true,
      noLock: true,
      log,
      logger: { debug: () => undefined, info: log, warn: log, error: log },
    });
    return applied.map((m) => m.name);
  } catch (err) {
    if (err instanceof ServiceUnavailableError) throw err;
    const code = (err as { code?: string }).code;
    if (code && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '3D000'].includes(code)) throw unreachable(databaseUrl, err);
    throw err;
  } finally {
    // ending the session releases the advisory lock
    await client.end().catch(() => undefined);
  }
}

/** Drops a database (test harness teardown). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * VACUUM ANALYZE of the whole database: the planner statistics and visibility map autovacuum keeps
 * on a live database, made now (benchmarks that measure queries right after filling a database).
 */
export async function vacuumAnalyze(pool: Pool): Promise<void> {
  await pool.query('VACUUM ANALYZE');
}

/** One round trip to PostgreSQL (readiness checks); throws what the pool threw. */
export async function pingDatabase(pool: Pool): Promise<void> {
  await pool.query('SELECT 1');
}

export async function checkDatabase(pool: Pool, databaseUrl: string): Promise<void> {
  try {
    await pingDatabase(pool);
  } catch (err) {
    throw unreachable(databaseUrl, err);
  }
}
