// Prometheus metrics for the API process: prom-client's default process metrics, request counts and
// latencies per route, and the wallets with stored analytics by engine version (counted in
// PostgreSQL at a scrape, at most every 15 s). One registry per app, so tests can build several apps.
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { olderEngine } from '../domain';
import { withinDeadline } from '../deadline';
import { describeFailure } from '../errors';
import { walletsByEngine } from '../store/wallet-analytics';

/** How long a scrape waits for the count of wallets by engine version (PostgreSQL stops it then too). */
export const WALLET_COUNT_DEADLINE_MS = 1_000;
/**
 * How long a count of wallets by engine version (or its failure) serves later scrapes: /metrics is
 * open to anyone, so scrapes in a loop cost PostgreSQL one count per this period, not one each.
 */
export const WALLET_COUNT_MAX_AGE_MS = 15_000;

export function installMetrics(app: FastifyInstance, pool: Pool, opts: { walletCountMaxAgeMs?: number } = {}): Registry {
  const maxAgeMs = opts.walletCountMaxAgeMs ?? WALLET_COUNT_MAX_AGE_MS;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // the route pattern, not the URL: one series per route, not per analysis id
    const route = request.routeOptions.url ?? 'unmatched';
    const labels = { method: request.method, route, status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  // a deploy's convergence: the wallets of older engines fall away as the background computes them
  // again. Absent from a scrape that could not count them (PostgreSQL away, or slower than 1 s)
  type Rows = Array<{ engineVersion: string; wallets: number }>;
  /** the count under way, until PostgreSQL has answered it (not only until a scrape stops waiting for it) */
  let counting: Promise<Rows> | null = null;
  /** the last count's outcome (rows null: it failed), served until it is maxAgeMs old, a failure too */
  let counted: { at: number; rows: Rows | null } | null = null;
  new Gauge({
    name: 'wallet_analytics_wallets',
    help: "wallets with stored analytics, by the engine version that computed them and whether it is older than this API process's (the background computes those again); counted at most every 15 s, absent when PostgreSQL could not count them within 1 s",
    labelNames: ['engine_version', 'older'],
    registers: [registry],
    async collect() {
      if (counted === null || Date.now() - counted.at >= maxAgeMs) {
        // scrapes share one count, and a count PostgreSQL has not answered yet is not asked again
        counting ??= walletsByEngine(pool, WALLET_COUNT_DEADLINE_MS).finally(() => (counting = null));
        const call = counting;
        counted = await withinDeadline(WALLET_COUNT_DEADLINE_MS, 'PostgreSQL', () => call).then(
          (rows) => ({ at: Date.now(), rows }),
          (err: unknown) => {
            // the other metrics are still served; the scrapes of the next period without a count
            app.log.warn({ err: describeFailure(err) }, 'metrics: the wallets by engine version could not be counted');
            return { at: Date.now(), rows: null };
          },
        );
      }
      this.reset();
      for (const { engineVersion, wallets } of counted.rows ?? []) this.set({ engine_version: engineVersion, older: String(olderEngine(engineVersion)) }, wallets);
    },
  });
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' } }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
  return registry;
}
