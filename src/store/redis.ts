// Redis: one ioredis client per process. Keys are namespaced by REDIS_KEY_PREFIX so that test runs
// and deployments sharing a server never see each other's keys.
import Redis from 'ioredis';
import { REDIS_COMMAND_TIMEOUT_DEFAULT_MS, describeUrl } from '../config';
import { ServiceUnavailableError, describeFailure } from '../errors';

const lastErrors = new WeakMap<Redis, unknown>();

/**
 * The process's client. A command waits at most `commandTimeoutMs` for its answer (also while it is
 * queued for a connection being made): a server that stopped answering without closing its
 * connections (frozen, or cut off by a partition that drops packets) fails commands as one that is
 * down does, "Command timed out" (`isConnectionError`), so activities retry
 * instead of waiting for ever; a connection silent for twice that long is made again. No command of
 * ours blocks on the server (no BLPOP, no SUBSCRIBE).
 */
export function createRedis(redisUrl: string, keyPrefix = '', { commandTimeoutMs = REDIS_COMMAND_TIMEOUT_DEFAULT_MS }: { commandTimeoutMs?: number } = {}): Redis {
  let everReady = false;
  const redis = new Redis(redisUrl, {
    keyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    commandTimeout: commandTimeoutMs,
    // a connection that answers nothing for twice as long is dropped and made again: a half-open
    // one (the server failed over to another address, a partition) would otherwise keep failing
    // commands until the kernel gives it up, a quarter of an hour later
    socketTimeout: commandTimeoutMs * 2,
    // The first connection fails fast (a clear start-up error); once connected, reconnect with backoff.
    retryStrategy: (times) => (everReady ? Math.min(times * 200, 2_000) : null),
  });
  redis.on('ready', () => {
    everReady = true;
  });
  // Errors surface through the failing commands; the listener keeps ioredis from printing them.
  redis.on('error', (err) => lastErrors.set(redis, err));
  return redis;
}

/** Connects and pings; fails with one actionable line when Redis cannot be reached. */
export async function connectRedis(redis: Redis, redisUrl: string): Promise<void> {
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new ServiceUnavailableError(
      'Redis',
      `cannot reach Redis at ${describeUrl(redisUrl)} (${describeFailure(lastErrors.get(redis) ?? err)}): start Redis or set REDIS_URL to a server you can reach`,
    );
  }
}
