// The API's request log ("incoming request", with the URL) never holds an API key, also one a
// client put in the query string (docs/api.md: keys are never logged).
import { Writable } from 'node:stream';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/api/app';
import { createLogger } from '../../../src/logger';
import { redactRequestUrl } from '../../../src/redact';

const KEY = 'k-alice-3f9a-SECRET';
const ID = '0b6f1a52-8d0e-4c55-9a43-3f1f2b0c9d11';

/** The API with these API_KEYS and its backing services faked out, its log lines pushed to `lines`. */
async function loggedApp(apiKeys: string, lines: string[]): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const temporal = { options: { namespace: 'default' }, workflow: { start: jest.fn(), getHandle: jest.fn() } } as unknown as Client;
  return buildApp({ config: loadConfig({ API_KEYS: apiKeys }), temporal, pool: { query: jest.fn() } as unknown as Pool, redis: {} as Redis }, { rateLimitStore: 'memory', logger: createLogger('info', 'test', stream) });
}

describe('the request log', () => {
  let app: FastifyInstance;
  const lines: string[] = [];

  beforeAll(async () => {
    app = await loggedApp('k-bob-77c1', lines);
  });
  afterAll(() => app.close());
  beforeEach(() => lines.splice(0));

  it.each([
    ['api-key', `/v1/analyses/${ID}/events?api-key=${KEY}`],
    ['api_key', `/v1/analyses/${ID}/events?api_key=${KEY}`],
    ['apiKey among other parameters', `/v1/analyses?wallet=abc&apiKey=${KEY}&limit=5`],
    ['a percent-encoded name', `/v1/analyses/${ID}?api%2Dkey=${KEY}`],
    ['x-api-key in upper case', `/v1/analyses/${ID}/pairs?X-API-KEY=${KEY}`],
    ['token', `/v1/analyses/${ID}?token=${KEY}`],
  ])('logs the URL of a request with a key in the query (%s) without the key', async (_name, url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(401);
    const incoming = lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string } }).find((l) => l.msg === 'incoming request');
    expect(incoming?.req?.url).toBe(url.replace(KEY, '***'));
    expect(lines.join('')).not.toContain(KEY);
    expect(lines.join('')).not.toContain('SECRET');
  });

  it('logs a URL without credentials as it is', async () => {
    await app.inject({ method: 'GET', url: '/v1/analyses?wallet=abc&limit=5' });
    const incoming = lines.map((l) => JSON.parse(l) as { msg: string; req?: { url: string; method: string } }).find((l) => l.msg === 'incoming request');
    expect(incoming?.req).toMatchObject({ method: 'GET', url: '/v1/analyses?wallet=abc&limit=5' });
  });
});

describe('redactRequestUrl', () => {
  it('replaces the values of parameters named as credentials, and keeps the rest byte for byte', () => {
    expect(redactRequestUrl('/v1/x?limit=5&api-key=abc&cursor=a%2Bb&key=zz&keyword=k')).toBe('/v1/x?limit=5&api-key=***&cursor=a%2Bb&key=***&keyword=k');
    expect(redactRequestUrl('/v1/x?access_token=abc&api%5Fkey=def')).toBe('/v1/x?access_token=***&api%5Fkey=***');
    expect(redactRequestUrl('/v1/x')).toBe('/v1/x');
    expect(redactRequestUrl('/v1/x?%E0%A4%A=1&api-key')).toBe('/v1/x?%E0%A4%A=1&api-key');
  });
});

describe('the start-up log of short API keys', () => {
  it('names the entries shorter than 16 characters by position, never the keys', async () => {
    const lines: string[] = [];
    await (await loggedApp('long-enough-key-0123456789,short-7f,admin:tiny', lines)).close();
    const warning = lines.map((l) => JSON.parse(l) as { level: number | string; msg: string; entries?: number[] }).find((l) => /shorter than 16 characters/.test(l.msg));
    expect(warning).toMatchObject({ msg: expect.stringMatching(/^API_KEYS entries 2, 3 are shorter than 16 characters and can be guessed/), entries: [2, 3] });
    expect(lines.join('')).not.toMatch(/short-7f|tiny|long-enough-key/);
  });
});
