// The smoke activity: one row in PostgreSQL and one key in Redis per run.
import type { Pool } from 'pg';
import type Redis from 'ioredis';

export interface SmokeDeps {
  pool: Pool;
  redis: Redis;
}

export function createSmokeActivities({ pool, redis }: SmokeDeps) {
  return {
    async recordSmokeRun(input: { workflowId: string; message: string }): Promise<{ smokeRunId: string; redisKey: string }> {
      const { rows } = await pool.query<{ id: string }>(
        'INSERT INTO smoke_runs (workflow_id, message) VALUES ($1, $2) RETURNING id',
        [input.workflowId, input.message],
      );
      const redisKey = `smoke:${input.workflowId}`;
      await redis.set(redisKey, input.message, 'EX', 3600);
      return { smokeRunId: rows[0].id, redisKey };
    },
  };
}

export type SmokeActivities = ReturnType<typeof createSmokeActivities>;
