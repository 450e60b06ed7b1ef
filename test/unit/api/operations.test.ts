// API keys, rate limits, metrics and the OpenAPI document, with the backing services faked out.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/api/app';
import { createHash } from 'node:crypto';
import { apiKeyId, keyMatcher } from '../../../src/api/auth';

const A = '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk';

async function appWith(env: Record<string, string>): Promise<FastifyInstance> {
  const temporal = { options: { namespace: 'default' }, workflow: { start: jest.fn(), getHandle: jest.fn() } } as unknown as Client;
  return buildApp({ config: loadConfig(env), temporal, pool: { query: jest.fn() } as unknown as Pool, redis: {} as Redis }, { rateLimitStore: 'memory' });
}

describe('API keys', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith({ API_KEYS: 'first-secret-key, second-secret-key' });
  });
  afterAll(() => app.close());

  it('refuses a request without a key with 401 problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/analyses' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:unauthorized', detail: expect.stringMatching(/x-api-key/) });
  });

  it('refuses an unknown key without echoing it', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/analyses', headers: { 'x-api-key': 'guess' } });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('guess');
  });

  it.each([
    ['x-api-key', { 'x-api-key': 'second-secret-key' }],
    ['Authorization: Bearer', { authorization: 'Bearer first-secret-key' }],
  ])('accepts a configured key in %s (the request then reaches validation)', async (_name, headers) => {
    const res = await app.inject({ method: 'GET', url: '/v1/analyses?limit=0', headers });
    expect(res.statusCode).toBe(400);
  });

  it.each(['/healthz', '/metrics', '/openapi.json', '/docs', '/docs/static/index.html'])('leaves %s open', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).not.toBe(401);
    expect(res.statusCode).toBeLessThan(400);
  });

  it('matches keys by digest: the right key id and admin flag, or null', () => {
    const match = keyMatcher([
      { key: 'alpha', admin: false },
      { key: 'beta', admin: true },
    ]);
    expect(match('beta')).toEqual({ id: apiKeyId('beta'), admin: true });
    expect(match('alpha')).toEqual({ id: apiKeyId('alpha'), admin: false });
    expect(match('bet')).toBeNull();
    expect(match('')).toBeNull();
  });

  it('derives a stable, non-secret key id: 16 hex characters that contain no part of the key', () => {
    const id = apiKeyId('first-secret-key');
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(apiKeyId('first-secret-key')).toBe(id);
    expect(apiKeyId('second-secret-key')).not.toBe(id);
    // not a plain digest either: a stored id must not be checkable against guesses at SHA-256 speed
    expect(createHash('sha256').update('first-secret-key').digest('hex')).not.toContain(id);
  });
});

describe('rate limits on POST routes', () => {
  it('answers 429 problem+json with Retry-After once a client exceeds API_RATE_LIMIT_MAX per window', async () => {
    const app = await appWith({ API_RATE_LIMIT_MAX: '2', API_RATE_LIMIT_WINDOW_SECONDS: '60' });
    const post = () => app.inject({ method: 'POST', url: '/v1/analyses', payload: { wallets: [A] } });
    expect((await post()).statusCode).toBe(400);
    expect((await post()).statusCode).toBe(400);
    const limited = await post();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:rate-limited', status: 429, detail: expect.stringMatching(/more than 2 requests in 60 s/) });
    // GET routes are not limited
    expect((await app.inject({ method: 'GET', url: '/v1/analyses?limit=0' })).statusCode).toBe(400);
    await app.close();
  });
});

describe('metrics and the OpenAPI document', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWith({});
  });
  afterAll(() => app.close());

  it('counts requests per route pattern in Prometheus format, with default process metrics', async () => {
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/v1/analyses/abc%20d' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.body).toContain('http_requests_total{method="GET",route="/healthz",status_code="200"} 1');
    expect(res.body).toContain('http_requests_total{method="GET",route="/v1/analyses/:id",status_code="400"} 1');
    expect(res.body).toMatch(/http_request_duration_seconds_bucket/);
    expect(res.body).toMatch(/process_cpu_user_seconds_total/);
  });

  it('documents every route of the API from its schema', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes.sort()).toEqual(
      [
        'POST /v1/analyses',
        'GET /v1/analyses',
        'GET /v1/analyses/{id}',
        'DELETE /v1/analyses/{id}',
        'GET /v1/analyses/{id}/events',
        'GET /v1/analyses/{id}/pairs',
        'POST /v1/analyses/{id}/proceed',
        'POST /v1/wallets/sync',
        'POST /v1/wallets/status',
        'GET /v1/wallets/{address}',
        'GET /v1/tokens/{mint}',
        'POST /v1/tokens/enrich',
        'GET /healthz',
        'GET /readyz',
        'GET /metrics',
      ].sort(),
    );
    const body = doc.paths['/v1/analyses'].post.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    // the default MAX_WALLETS_PER_ANALYSIS
    expect(body.properties.wallets.maxItems).toBe(1000);
  });
});
