// Liveness (the process answers) and readiness (Temporal, PostgreSQL and Redis answer, and a worker
// polls every task queue). Each check has a deadline, so a dependency that is away makes /readyz
// answer 503 at once instead of after the client's own retries. With API_KEYS set, the reasons
// (which name hosts and ports) go only to callers with a key or on this machine.
import { withinDeadline } from '../../deadline';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { pingDatabase } from '../../store/db';
import { describeFailureForClients } from '../../errors';
import { withTemporalDeadline } from '../../temporal/deadline';
import { TASK_QUEUES, WORKFLOW_QUEUES } from '../../workflows/contract';
import { clientAddress, keyMatcher, presentedKey } from '../auth';
import { liveness, readiness, type Check } from '../schemas/health';

/** How long each dependency may take to answer a readiness check. */
export const CHECK_DEADLINE_MS = 1_000;
/**
 * A worker long-polls each task queue for up to a minute, so its last poll is at most about that
 * old; a queue whose newest poll is older than this has no live worker.
 */
export const POLLER_FRESH_MS = 90_000;

async function check(what: string, fn: () => Promise<unknown>): Promise<Check> {
  try {
    await withinDeadline(CHECK_DEADLINE_MS, what, fn);
    return { ok: true };
  } catch (err) {
    // unauthenticated: what failed, without the operator's network addresses
    return { ok: false, error: describeFailureForClients(err) };
  }
}

/**
 * Task queues that no worker has polled within POLLER_FRESH_MS: the workflow tasks of a queue that
 * runs workflows (WORKFLOW_QUEUES), the activity tasks of the balances queue (its Worker runs activities only).
 */
async function queuesWithoutPollers(temporal: Client): Promise<string[]> {
  const queues = Object.values(TASK_QUEUES);
  const described = await withTemporalDeadline(temporal, () =>
    Promise.all(
      queues.map((name) =>
        temporal.workflowService.describeTaskQueue({
          namespace: temporal.options.namespace,
          taskQueue: { name, kind: proto.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType: WORKFLOW_QUEUES.includes(name) ? proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW : proto.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
        }),
      ),
    ),
    CHECK_DEADLINE_MS,
  );
  const now = Date.now();
  return queues.filter((_, i) =>
    !(described[i].pollers ?? []).some((p) => {
      const seconds = Number(p.lastAccessTime?.seconds ?? 0);
      return now - seconds * 1000 < POLLER_FRESH_MS;
    }),
  );
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const keys = app.deps.config.API_KEYS;
  const match = keyMatcher(keys);
  /** Reasons name internal hosts and ports: only for the open API, a valid key, or a caller on this machine. */
  const mayReadDetails = (request: FastifyRequest): boolean => {
    if (keys.length === 0 || LOOPBACK.test(clientAddress(request))) return true;
    const key = presentedKey(request);
    return key !== null && match(key) !== null;
  };

  app.get('/healthz', { schema: { response: { 200: liveness } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    {
      schema: {
        description: `Each check answers within ${CHECK_DEADLINE_MS} ms. \`workers\` fails when no worker polls one of the task queues. With API_KEYS set, the reasons are shown only with a key or from this machine.`,
        response: { '2xx': readiness, '5xx': readiness },
      },
    },
    async (request, reply) => {
      const { temporal, pool, redis } = app.deps;
      const [temporalCheck, postgres, redisCheck, workers] = await Promise.all([
        // the deadline holds across the client's retries and drops the call when it passes
        check('Temporal', () => withTemporalDeadline(temporal, () => temporal.connection.workflowService.getSystemInfo({}), CHECK_DEADLINE_MS)),
        check('PostgreSQL', () => pingDatabase(pool)),
        check('Redis', () => redis.ping()),
        check('Temporal', async () => {
          const idle = await queuesWithoutPollers(temporal);
          if (idle.length > 0) throw new Error(`no worker polls the task queue${idle.length > 1 ? 's' : ''} ${idle.join(', ')}: start one with 'npm run worker'`);
        }),
      ]);
      const checks: Record<string, Check> = { temporal: temporalCheck, postgres, redis: redisCheck, workers };
      const ready = Object.values(checks).every((c) => c.ok);
      const shown = mayReadDetails(request) ? checks : Object.fromEntries(Object.entries(checks).map(([name, c]) => [name, { ok: c.ok }]));
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: shown });
    },
  );
}
