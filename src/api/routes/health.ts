// Liveness (the process answers) and readiness (Temporal, PostgreSQL and Redis answer).
import type { FastifyInstance } from 'fastify';
import { reasonOf } from '../../store/errors';

type Check = { ok: boolean; error?: string };

async function check(fn: () => Promise<unknown>): Promise<Check> {
  try {
    await fn();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: reasonOf(err) };
  }
}

const checkSchema = { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' } }, required: ['ok'] };

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { schema: { response: { 200: { type: 'object', properties: { status: { type: 'string' } } } } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        response: {
          '2xx': { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: checkSchema } } },
          '5xx': { type: 'object', properties: { status: { type: 'string' }, checks: { type: 'object', additionalProperties: checkSchema } } },
        },
      },
    },
    async (_request, reply) => {
      const { temporal, pool, redis } = app.deps;
      const [temporalCheck, postgres, redisCheck] = await Promise.all([
        check(() => temporal.connection.workflowService.getSystemInfo({})),
        check(() => pool.query('SELECT 1')),
        check(() => redis.ping()),
      ]);
      const checks = { temporal: temporalCheck, postgres, redis: redisCheck };
      const ready = Object.values(checks).every((c) => c.ok);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
    },
  );
}
