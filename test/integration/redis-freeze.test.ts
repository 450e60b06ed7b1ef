// A Redis server that stops answering without closing its connections (frozen with SIGSTOP, as one
// cut off by a partition that drops packets looks to its clients): the process's client fails each
// command after REDIS_COMMAND_TIMEOUT_MS as a Redis that is down does, so the provider budgets, the
// caches and the locks give up instead of waiting for ever; a connection silent for twice as long is
// made again, and the client answers again once the server does. (Before, a command waited for as
// long as the server was frozen.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { RedisRateBudget } from '../../src/providers';
import { createRedis, connectRedis } from '../../src/store/redis';
import { isConnectionError } from '../../src/store/errors';
import { RedisServer, cleanupAll, sleep } from '../chaos/services';
import { until } from '../harness/processes';
import { rejectionOf } from '../harness/rejection';

const COMMAND_TIMEOUT_MS = 1_000;

let tmp: string;
let server: RedisServer;
let redis: Redis;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-redis-freeze-'));
  server = await RedisServer.create(tmp);
  redis = createRedis(server.url, 'freeze:', { commandTimeoutMs: COMMAND_TIMEOUT_MS });
  await connectRedis(redis, server.url);
});

afterAll(async () => {
  server?.thaw();
  redis?.disconnect();
  await cleanupAll();
  fs.rmSync(tmp, { recursive: true, force: true });
});

it('a frozen Redis fails the rate budget, a cache read and a lock as Redis being away (retried), and answers again once it runs', async () => {
  const budget = new RedisRateBudget({ redis, key: 'freeze:budget:helius', spec: { requests: 50, perMs: 1_000 } });
  await budget.acquire();
  await redis.set('balance', '1');

  let reconnects = 0;
  redis.on('reconnecting', () => reconnects++);
  server.freeze();
  try {
    const started = Date.now();
    const commands = [budget.acquire(), redis.get('balance'), redis.set('lock', 'me', 'PX', 30_000, 'NX')];
    const errors = await Promise.all(commands.map(rejectionOf));
    for (const err of errors) {
      expect((err as Error).message).toBe('Command timed out');
      // what activities retry
      expect(isConnectionError(err)).toBe(true);
    }
    // frozen past twice the command timeout: the silent connection is dropped and made again meanwhile
    await sleep(Math.max(0, started + 3 * COMMAND_TIMEOUT_MS - Date.now()));
    expect(isConnectionError(await rejectionOf(redis.get('balance')))).toBe(true);
    expect(reconnects).toBeGreaterThan(0);
  } finally {
    server.thaw();
  }

  // it answers again once the server runs (a command may still meet the reconnect's backoff)
  expect(await until('the thawed Redis answering', () => redis.get('balance'), 10_000)).toBe('1');
  await budget.acquire();
});
