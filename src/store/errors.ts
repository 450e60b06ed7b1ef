// Which errors mean PostgreSQL or Redis is away (transient), as opposed to a bad query or bad data.
import { ServiceUnavailableError } from '../errors';

/** Node socket error codes of a database or cache that is down, restarting or unreachable. */
const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** PostgreSQL SQLSTATEs of a server going away or not accepting connections (class 08: connection exception). */
const POSTGRES_UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: terminated by pg_terminate_backend or a fast shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting up or shutting down
  '53300', // too_many_connections
]);
/** Messages of node-postgres and pg-pool that carry no code. */
const CONNECTION_ERROR_MESSAGES = [
  /^Connection terminated/, // "Connection terminated unexpectedly", "... due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: no client within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Connection is closed\.?$/, // ioredis
  /^Reached the max retries per request limit/, // ioredis while reconnecting
  /^Command timed out$/, // ioredis: no answer within commandTimeout (a frozen or partitioned server)
];

/**
 * Whether an error means PostgreSQL (or Redis) is unreachable right now, as opposed to a bad query
 * or bad data: a restart, an outage, a terminated session, a pool that found no connection in
 * time. Such errors are transient: activities retry them, the API answers 503.
 */
export function isConnectionError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  if (err instanceof ServiceUnavailableError) return true;
  if (err instanceof AggregateError && err.errors.some((e) => isConnectionError(e, depth + 1))) return true;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === 'string') {
    if (CONNECTION_ERROR_CODES.has(e.code) || POSTGRES_UNAVAILABLE_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code)) return true;
  }
  if (typeof e.message === 'string' && CONNECTION_ERROR_MESSAGES.some((re) => re.test(e.message as string))) return true;
  return e.cause !== undefined && e.cause !== err && isConnectionError(e.cause, depth + 1);
}

/** The SQLSTATE PostgreSQL refused a statement with (five characters, as `pg` sets `code`); null: no such refusal. */
export function sqlState(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
}

/**
 * Whether PostgreSQL refused a statement for the data of a row: a data exception (SQLSTATE class
 * 22, say a string with \u0000) or an integrity constraint violation (class 23). Retrying the same
 * rows fails again; the rows without the bad one would not.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
