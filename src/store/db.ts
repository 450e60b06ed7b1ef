// PostgreSQL: one pool per process, the database created if missing, SQL migrations applied by
// node-pg-migrate from migrations/.
import path from 'node:path';
import { Client, Pool } from 'pg';
import { runner } from 'node-pg-migrate';
import { describeUrl } from '../config';
import { ServiceUnavailableError, reasonOf } from './errors';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'migrations');

export function createPool(databaseUrl: string, max = 10): Pool {
  const pool = new Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5_000 });
  // An idle client erroring (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
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
    `cannot reach PostgreSQL at ${describeUrl(databaseUrl)} (${reasonOf(err)}): start PostgreSQL or set DATABASE_URL to a server you can reach`,
  );
}

/** Creates the database named in the URL if it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const name = databaseName(databaseUrl);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw unreachable(databaseUrl, err);
  }
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE "${name}"`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently by another process
      });
    }
  } finally {
    await admin.end();
  }
}

/** Applies every pending migration; safe to call from several processes at once (advisory lock). */
export async function migrate(databaseUrl: string, log: (msg: string) => void = () => undefined): Promise<string[]> {
  await ensureDatabase(databaseUrl);
  try {
    const applied = await runner({
      databaseUrl,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      checkOrder: true,
      log,
      logger: { debug: () => undefined, info: log, warn: log, error: log },
    });
    return applied.map((m) => m.name);
  } catch (err) {
    if (err instanceof ServiceUnavailableError) throw err;
    const code = (err as { code?: string }).code;
    if (code && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', '28P01', '3D000'].includes(code)) throw unreachable(databaseUrl, err);
    throw err;
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

export async function checkDatabase(pool: Pool, databaseUrl: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    throw unreachable(databaseUrl, err);
  }
}
