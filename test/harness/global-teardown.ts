// Tears down what global setup started: the dev server, the database and the run's Redis keys.
import fs from 'node:fs';
import { dropDatabase } from '../../src/store/db';
import { createRedis } from '../../src/store/redis';
import { harnessState } from './state';

export default async function globalTeardown(): Promise<void> {
  const state = harnessState.get();
  if (!state) return;
  await state.server.stop();
  await dropDatabase(state.databaseUrl);
  const redis = createRedis(state.redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${state.redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  fs.rmSync(state.tmp, { recursive: true, force: true });
}
