// API keys, rate limits, metrics and the OpenAPI document, with the backing services faked out.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/api/app';
import { createHash } from 'node:crypto';
import { FailedKeyAttempts, apiKeyId, keyMatcher } from '../../../src/api/auth';
import { clientNetwork } from '../../../src/ip-address';

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

  it('answers 429 to an address past API_KEY_FAILURES_MAX wrong keys, even with a right key, until its window ends; a missing key is no guess', async () => {
    const throttled = await appWith({ API_KEYS: 'first-secret-key-0123', API_KEY_FAILURES_MAX: '3', API_KEY_FAILURE_WINDOW_SECONDS: '600' });
    try {
      const ask = (key?: string, remoteAddress = '10.0.0.7') => throttled.inject({ method: 'GET', url: '/v1/analyses?limit=0', remoteAddress, ...(key ? { headers: { 'x-api-key': key } } : {}) });
      for (let i = 0; i < 5; i++) expect((await ask()).statusCode).toBe(401);
      for (const guess of ['guess-1', 'guess-2', 'guess-3']) expect((await ask(guess)).statusCode).toBe(401);
      const refused = await ask('first-secret-key-0123');
      expect(refused.statusCode).toBe(429);
      expect(refused.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:rate-limited', detail: expect.stringMatching(/too many requests with a wrong API key from this address \(3 in 600 s\): retry in (599|600) s/) });
      expect(refused.body).not.toContain('first-secret-key');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(599);
      // another address of the same IPv6 /64 is the same client; another /64 is not
      for (const guess of ['v6-1', 'v6-2', 'v6-3']) expect((await ask(guess, '2001:db8:1:2::7')).statusCode).toBe(401);
      expect((await ask('first-secret-key-0123', '2001:db8:1:2:ffff::9')).statusCode).toBe(429);
      expect((await ask('first-secret-key-0123', '2001:db8:1:3::7')).statusCode).toBe(400);
      // another address is not held back
      expect((await ask('first-secret-key-0123', '10.0.0.8')).statusCode).toBe(400);
    } finally {
      await throttled.close();
    }
  });

  it('behind a proxy named in API_TRUST_PROXY, counts wrong keys per forwarded client address; without it, the proxy is one client; a client reaching the API directly cannot name itself another', async () => {
    const env = { API_KEYS: 'first-secret-key-0123', API_KEY_FAILURES_MAX: '3', API_KEY_FAILURE_WINDOW_SECONDS: '600' };
    const ask = (app: FastifyInstance, key: string, client: string, remoteAddress = '127.0.0.1') =>
      app.inject({ method: 'GET', url: '/v1/analyses?limit=0', remoteAddress, headers: { 'x-api-key': key, 'x-forwarded-for': client } });
    // (every form API_TRUST_PROXY accepts builds: fastify's proxy-addr takes it)
    const proxied = await appWith({ ...env, API_TRUST_PROXY: 'loopback,10.0.0.0/8,fd00::/8,2001:db8::1' });
    const unproxied = await appWith(env);
    try {
      for (const app of [proxied, unproxied]) for (const guess of ['guess-1', 'guess-2', 'guess-3']) expect((await ask(app, guess, '198.51.100.7')).statusCode).toBe(401);
      // the guesser is held back; another client behind the same proxy is not…
      expect((await ask(proxied, 'first-secret-key-0123', '198.51.100.7')).statusCode).toBe(429);
      expect((await ask(proxied, 'first-secret-key-0123', '198.51.100.8')).statusCode).toBe(400);
      // …but without API_TRUST_PROXY every client behind it is the proxy, and all are held back
      expect((await ask(unproxied, 'first-secret-key-0123', '198.51.100.8')).statusCode).toBe(429);
      // a client reaching the API directly (not from a trusted proxy) is its own address, whatever it forwards
      for (const guess of ['guess-4', 'guess-5', 'guess-6']) expect((await ask(proxied, guess, '198.51.100.9', '203.0.113.5')).statusCode).toBe(401);
      expect((await ask(proxied, 'first-secret-key-0123', '198.51.100.9')).statusCode).toBe(400);
      expect((await ask(proxied, 'first-secret-key-0123', '198.51.100.10', '203.0.113.5')).statusCode).toBe(429);
    } finally {
      await proxied.close();
      await unproxied.close();
    }
  });

  it('reads a forwarded address with its port as the address, and a forwarded value that is no address as the proxy\'s: a client cannot escape the count by varying it', async () => {
    const app = await appWith({ API_KEYS: 'first-secret-key-0123', API_KEY_FAILURES_MAX: '3', API_KEY_FAILURE_WINDOW_SECONDS: '600', API_TRUST_PROXY: 'loopback' });
    const ask = (key: string, client: string) => app.inject({ method: 'GET', url: '/v1/analyses?limit=0', remoteAddress: '127.0.0.1', headers: { 'x-api-key': key, 'x-forwarded-for': client } });
    try {
      for (const [i, client] of ['198.51.100.7:4444', '198.51.100.7:5555', '[2001:db8:1:2::7]:6666'].entries()) expect((await ask(`guess-${i}`, client)).statusCode).toBe(401);
      // two guesses from 198.51.100.7 and one from its IPv6 neighbour: not yet three from one address
      expect((await ask('first-secret-key-0123', '198.51.100.7')).statusCode).toBe(400);
      expect((await ask('guess-3', '198.51.100.7:7777')).statusCode).toBe(401);
      expect((await ask('first-secret-key-0123', '198.51.100.7')).statusCode).toBe(429);
      // values that are no address count as the proxy's (127.0.0.1), however they vary
      for (const [i, client] of ['hello-1', 'hello-2', '0x0a000001'].entries()) expect((await ask(`junk-${i}`, client)).statusCode).toBe(401);
      expect((await ask('first-secret-key-0123', 'hello-4')).statusCode).toBe(429);
      expect((await ask('first-secret-key-0123', '198.51.100.8')).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['10.0.0.7', '10.0.0.7'],
    ['::ffff:10.0.0.7', '10.0.0.7'],
    ['2001:db8:1:2::7', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:0:0:9', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['fe80::2%br-1a2b3c', 'fe80:0:0:0::/64'],
    ['fe80::3%eth0.100', 'fe80:0:0:0::/64'],
    ['64:ff9b::c633:6407', '198.51.100.7'],
    ['64:ff9b::c633:6408', '198.51.100.8'],
    ['64:ff9b:1::c633:6407', '64:ff9b:1:0::/64'],
    ['unknown', 'unknown'],
  ])('counts wrong keys of %s under %s', (ip, address) => {
    expect(clientNetwork(ip)).toBe(address);
  });

  it('counts wrong keys per address in windows, and tracks a bounded number of addresses', () => {
    const attempts = new FailedKeyAttempts(2, 60, 3);
    attempts.failed('a', 0);
    expect(attempts.blockedFor('a', 1)).toBe(0);
    attempts.failed('a', 1_000);
    expect(attempts.blockedFor('a', 1_000)).toBe(59);
    // the window ends: counted afresh
    expect(attempts.blockedFor('a', 60_000)).toBe(0);
    attempts.failed('a', 60_000);
    expect(attempts.blockedFor('a', 60_001)).toBe(0);
    attempts.failed('a', 60_500);
    expect(attempts.blockedFor('a', 60_501)).toBe(60);
    // a fourth address past the 3 tracked: the oldest window (a's) is dropped
    for (const address of ['b', 'c', 'd']) {
      attempts.failed(address, 61_000);
      attempts.failed(address, 61_000);
    }
    expect(['a', 'b', 'c', 'd'].map((x) => attempts.blockedFor(x, 61_001) > 0)).toEqual([false, true, true, true]);
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

  it('without keys counts an IPv6 client by its /64: a host cannot escape the limit by changing its address inside it', async () => {
    const app = await appWith({ API_RATE_LIMIT_MAX: '2', API_RATE_LIMIT_WINDOW_SECONDS: '60' });
    const post = (remoteAddress: string) => app.inject({ method: 'POST', url: '/v1/analyses', remoteAddress, payload: { wallets: [A] } });
    try {
      expect((await post('2001:db8:1:2::7')).statusCode).toBe(400);
      expect((await post('2001:db8:1:2:aaaa::8')).statusCode).toBe(400);
      expect((await post('2001:db8:1:2:ffff:1:2:3')).statusCode).toBe(429);
      // the next /64 is another client, as is an IPv4 address (its IPv4-mapped form is the same one)
      expect((await post('2001:db8:1:3::7')).statusCode).toBe(400);
      expect((await post('198.51.100.7')).statusCode).toBe(400);
      expect((await post('::ffff:198.51.100.7')).statusCode).toBe(400);
      expect((await post('198.51.100.7')).statusCode).toBe(429);
    } finally {
      await app.close();
    }
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
        'GET /v1/analyses/{id}/changes',
        'GET /v1/analyses/{id}/pairs',
        'POST /v1/analyses/{id}/proceed',
        'POST /v1/wallets/sync',
        'POST /v1/wallets/status',
        'GET /v1/wallets/{address}',
        'GET /v1/tokens/{mint}',
        'POST /v1/tokens/enrich',
        'POST /v1/watches',
        'GET /v1/watches',
        'GET /v1/watches/{id}',
        'PATCH /v1/watches/{id}',
        'DELETE /v1/watches/{id}',
        'POST /v1/watches/{id}/runs',
        'POST /v1/watches/{id}/secret',
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
