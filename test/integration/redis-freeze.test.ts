// A Redis server that stops answering without closing its connections (frozen with SIGSTOP, as one
// cut off by a partition that drops packets looks to its clients): the process's client fails each
// command after REDIS_COMMAND_TIMEOUT_MS as a Redis that is down does, so the provider budgets, the
// caches and the locks give up instead of waiting for ever, and it answers again once the server
// does, on the same connection. (Before, a command waited for as long as the server was frozen.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { RedisRateBudget } from '../../src/providers';
import { createRedis as make, connectRedis } from '../../src/store/redis';
const createRedis = (url: string, prefix: string, _o: object) => make(url, prefix);
import { isConnectionError } from '../../src/store/errors';
import { RedisServer, cleanupAll } from '../chaos/services';

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

/** The error a promise rejected with (fails the test when it resolved). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('resolved, but a frozen Redis answers nothing');
}

it('a frozen Redis fails the rate budget, a cache read and a lock as Redis being away (retried, 503), and answers again once it runs', async () => {
  const budget = new RedisRateBudget({ redis, key: 'freeze:budget:helius', spec: { requests: 50, perMs: 1_000 } });
  await budget.acquire();
  await redis.set('balance', '1');

  server.freeze();
  try {
    const commands = [budget.acquire(), redis.get('balance'), redis.set('lock', 'me', 'PX', 30_000, 'NX')];
    const errors = await Promise.all(commands.map(rejection));
    for (const err of errors) {
      expect((err as Error).message).toBe('Command timed out');
      // what activities retry and the API answers 503 for
      expect(isConnectionError(err)).toBe(true);
    }
  } finally {
    server.thaw();
  }

  // the same connection answers again: no reconnect was needed
  await budget.acquire();
  expect(await redis.get('balance')).toBe('1');
});
