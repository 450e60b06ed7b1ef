// Builds the HTTP API (fastify). server.ts listens; tests call app.inject() without a port.
// One plugin per route group; every route has a JSON schema, which validates the request and
// documents it (OpenAPI at /openapi.json, docs page at /docs).
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import rateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { Config } from '../config';
import { FailedKeyAttempts, SHORT_KEY_CHARS, clientKeyOf, installAuth } from './auth';
import { labRoutes } from './lab';
import { installMetrics } from './metrics';
import { MAX_PATH_SEGMENT, clientErrorHandler, frameworkErrorHandler, installProblemHandlers } from './problem';
import { analysesRoutes } from './routes/analyses';
import { eventsRoutes } from './routes/events';
import { healthRoutes } from './routes/health';
import { tokensRoutes } from './routes/tokens';
import { walletsRoutes } from './routes/wallets';
import { watchesRoutes } from './routes/watches';
import { installJsonParser, validatorCompiler } from './validation';

export interface AppDeps {
  config: Config;
  temporal: Client;
  pool: Pool;
  redis: Redis;
}

export interface AppOptions {
  logger?: FastifyBaseLogger;
  /** where rate-limit counters live: Redis (shared by every API process; default) or this process */
  rateLimitStore?: 'redis' | 'memory';
  /** how often the event stream polls the workflow and the database (default 500 ms) */
  eventPollIntervalMs?: number;
  /** the built Similarity Lab served at /lab/ (default web/dist) */
  labDir?: string;
  /** how long /metrics reuses its count of wallets by engine version (default WALLET_COUNT_MAX_AGE_MS, src/api/metrics.ts) */
  walletCountMaxAgeMs?: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    /** the per-route rate limit of POST and DELETE routes (`config: { rateLimit }`) */
    postRateLimit: RateLimitOptions;
  }
}

/** 64 KiB: 500 addresses with their JSON fit many times over. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const requestIdPattern = /^[A-Za-z0-9._:-]{1,100}$/;

export async function buildApp(deps: AppDeps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const common = {
    bodyLimit: BODY_LIMIT_BYTES,
    // router and HTTP-parser errors answer problem+json too, not fastify's own JSON
    routerOptions: { maxParamLength: MAX_PATH_SEGMENT },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    requestIdHeader: false as const,
    // behind proxies (API_TRUST_PROXY), a client's address is the one they forwarded, not theirs: the
    // wrong-key throttle, the per-client rate limit and /readyz's details for this machine read it
    ...(deps.config.API_TRUST_PROXY === undefined ? {} : { trustProxy: deps.config.API_TRUST_PROXY }),
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
  };
  const app = opts.logger ? Fastify({ ...common, loggerInstance: opts.logger }) : Fastify({ ...common, logger: false });
  app.decorate('deps', deps);
  app.setValidatorCompiler(validatorCompiler);
  // JSON only: a text body is refused with 415 instead of failing the schema as a string
  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  installProblemHandlers(app, deps.pool);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // an answer of /v1 is one API key's (its analyses, its pages): no shared cache (a proxy, a CDN)
    // may keep it for another key; browsers and proxies store nothing of it
    // the route's pattern: a percent-encoded path (/%76%31/…) reaches the same route
    if ((request.routeOptions.url ?? request.url).startsWith('/v1/') || request.url.startsWith('/v1/')) {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      reply.header('vary', 'x-api-key, authorization');
    }
  });

  const { config } = deps;
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'wallet-similarity API',
        version: '1.0.0',
        description: 'Start, follow and read similarity analyses of Solana wallets. Errors are application/problem+json. See docs/api.md.',
      },
      tags: [
        { name: 'analyses', description: 'similarity analyses (Temporal workflows)' },
        { name: 'wallets', description: 'wallet history sync and stored analytics' },
        { name: 'tokens', description: 'token registry (DexScreener)' },
        { name: 'watches', description: 'groups analysed again on a schedule, with what changed between runs' },
        { name: 'operations', description: 'health, readiness and metrics' },
      ],
      components: config.API_KEYS.length > 0 ? { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } } : {},
      security: config.API_KEYS.length > 0 ? [{ apiKey: [] }] : [],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  installAuth(app, config.API_KEYS, new FailedKeyAttempts(config.API_KEY_FAILURES_MAX, config.API_KEY_FAILURE_WINDOW_SECONDS));
  // by position, never by value
  const short = config.API_KEYS.flatMap((k, i) => (k.key.length < SHORT_KEY_CHARS ? [i + 1] : []));
  if (short.length > 0) app.log.warn({ entries: short }, `API_KEYS entries ${short.join(', ')} are shorter than ${SHORT_KEY_CHARS} characters and can be guessed: use long random keys (openssl rand -hex 24)`);
  await app.register(rateLimit, {
    global: false,
    ...(opts.rateLimitStore === 'memory' ? {} : { redis: await limiterRedis(app, deps.redis), nameSpace: 'api-rate-limit:', skipOnError: true }),
  });
  const windowSeconds = config.API_RATE_LIMIT_WINDOW_SECONDS;
  app.decorate('postRateLimit', {
    max: config.API_RATE_LIMIT_MAX,
    timeWindow: windowSeconds * 1000,
    // per API key when keys are on, else per client address
    keyGenerator: clientKeyOf,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      message: `more than ${context.max} requests in ${windowSeconds} s to this route: retry after ${context.after}`,
    }),
  } satisfies RateLimitOptions);

  installMetrics(app, deps.pool, { walletCountMaxAgeMs: opts.walletCountMaxAgeMs });
  await app.register(healthRoutes);
  await app.register(analysesRoutes);
  await app.register(eventsRoutes, { pollIntervalMs: opts.eventPollIntervalMs });
  await app.register(walletsRoutes);
  await app.register(tokensRoutes);
  await app.register(watchesRoutes);
  await app.register(labRoutes, { root: opts.labDir });
  return app;
}

/**
 * The rate limiter's own Redis connection: a command Redis cannot take fails at once (no offline
 * queue, no retries, 500 ms at most for an answer), and the limit is skipped (`skipOnError`), not
 * the request. On the shared client a POST waited while Redis was down, its command queued until
 * the reconnects gave up (1 to 6 s), or for ever on a connection that took commands and answered none.
 */
async function limiterRedis(app: FastifyInstance, redis: Redis): Promise<Redis> {
  const limiter = redis.duplicate({ enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500, lazyConnect: true });
  // failures surface as skipped limits; the listener keeps ioredis from printing them
  limiter.on('error', () => undefined);
  // connected before the first request (the API starts only with Redis reachable); if it is not, the limits are skipped until it is
  await limiter.connect().catch(() => undefined);
  app.addHook('onClose', async () => {
    limiter.disconnect();
  });
  return limiter;
}
