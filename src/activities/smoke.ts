// The smoke activity: one row in PostgreSQL and one key in Redis per run.
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import { insertSmokeRun } from '../store/smoke-runs';

export interface SmokeDeps {
  pool: Pool;
  redis: Redis;
}

export function createSmokeActivities({ pool, redis }: SmokeDeps) {
  return {
    async recordSmokeRun(input: { workflowId: string; message: string }): Promise<{ smokeRunId: string; redisKey: string }> {
      const smokeRunId = await insertSmokeRun(pool, input);
      const redisKey = `smoke:${input.workflowId}`;
      await redis.set(redisKey, input.message, 'EX', 3600);
      return { smokeRunId, redisKey };
    },
  };
}

export type SmokeActivities = ReturnType<typeof createSmokeActivities>;
