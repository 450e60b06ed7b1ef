// Requests the API must refuse before touching Temporal or PostgreSQL: every bad input answers with
// a problem+json 4xx naming what is wrong, and nothing is started or stored.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/api/app';
import { problemType } from '../../../src/api/problem';

const A = '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk';
const B = 'GdLmGp9vyiFYFaPU2AbJfds6bMyqzbuXvUoC98See3Bx';
const C = 'FhJojH6DezCcXDEiyiFa31BXNDHoTury6uJco3JcbhsE';

/** n distinct valid addresses (base58 of 32 bytes) */
function addresses(n: number): string[] {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  return Array.from({ length: n }, (_, i) => `${alphabet[i % 58]}${alphabet[Math.floor(i / 58) % 58]}${A.slice(2)}`);
}

describe('request validation (no services)', () => {
  let app: FastifyInstance;
  const start = jest.fn();
  const query = jest.fn();

  beforeAll(async () => {
    const config = loadConfig({ MAX_WALLETS_PER_ANALYSIS: '5' });
    const temporal = { options: { namespace: 'default' }, workflow: { start, getHandle: jest.fn() } } as unknown as Client;
    app = await buildApp({ config, temporal, pool: { query } as unknown as Pool, redis: {} as Redis }, { rateLimitStore: 'memory' });
  });
  afterAll(() => app.close());
  afterEach(() => {
    expect(start).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  const cases: Array<[string, { method?: 'POST' | 'GET'; url?: string; payload?: unknown; raw?: string; contentType?: string }, number, string, RegExp]> = [
    ['an address that is not base58', { payload: { wallets: [A, 'not-a-wallet0OIl'] } }, 400, 'invalid-address', /'not-a-wallet0OIl'/],
    ['base58 of the wrong length', { payload: { wallets: [A, '1111'] } }, 400, 'invalid-address', /'1111'/],
    ['a wallet listed twice', { payload: { wallets: [A, B, A] } }, 400, 'duplicate-addresses', new RegExp(`'${A}' more than once`)],
    ['one wallet', { payload: { wallets: [A] } }, 400, 'validation', /at least 2 wallet addresses/],
    ['no wallets', { payload: { wallets: [] } }, 400, 'validation', /at least 2/],
    ['more wallets than MAX_WALLETS_PER_ANALYSIS', { payload: { wallets: addresses(6) } }, 400, 'validation', /more than 5 wallets.*MAX_WALLETS_PER_ANALYSIS/],
    ['an unknown field', { payload: { wallets: [A, B], colour: 'red' } }, 400, 'validation', /unknown field 'colour'/],
    ['an unknown weight', { payload: { wallets: [A, B], weights: { luck: 1 } } }, 400, 'validation', /unknown field 'luck' in body.weights/],
    ['wallets missing', { payload: { window: 30 } }, 400, 'validation', /must have the field 'wallets'/],
    ['both wallets and token', { payload: { wallets: [A, B], token: C } }, 400, 'validation', /either wallets .* or token .*, not both/],
    ['a token that is not an address', { payload: { token: 'So1111' } }, 400, 'invalid-address', /token is not a valid Solana address .*'So1111'/],
    ['top above MAX_WALLETS_PER_ANALYSIS', { payload: { token: C, top: 6 } }, 400, 'validation', /body.top must be <= 5/],
    ['top below 2', { payload: { token: C, top: 1 } }, 400, 'validation', /body.top must be >= 2/],
    ['top without a token', { payload: { wallets: [A, B], top: 3 } }, 400, 'validation', /top applies to a token request only/],
    ['a token request with an unknown field', { payload: { token: C, holders: 3 } }, 400, 'validation', /unknown field 'holders'/],
    ['window as a string', { payload: { wallets: [A, B], window: '30' } }, 400, 'validation', /body.window must be integer,null/],
    ['a wallet as a number', { payload: { wallets: [A, 5] } }, 400, 'validation', /body.wallets.1 must be string/],
    ['an unknown sync mode', { payload: { wallets: [A, B], sync: 'sometimes' } }, 400, 'validation', /"auto", "force", "skip"/],
    ['failureThreshold above 1', { payload: { wallets: [A, B], failureThreshold: 2 } }, 400, 'validation', /failureThreshold must be <= 1/],
    ['a body that is not JSON', { raw: '{"wallets": [', contentType: 'application/json' }, 400, 'invalid-json', /not valid JSON/],
    ['a body that is not an object', { payload: [A, B] }, 400, 'validation', /body must be object/],
    ['a text body', { raw: 'wallets=a,b', contentType: 'text/plain' }, 415, 'unsupported-media-type', /application\/json/],
    ['a body over 64 KiB', { raw: JSON.stringify({ wallets: [A, B], pad: 'x'.repeat(70_000) }), contentType: 'application/json' }, 413, 'body-too-large', /larger than 65536 bytes/],
    ['an invalid analysis id', { method: 'GET', url: '/v1/analyses/not%20an%20id' }, 400, 'validation', /params.id must match pattern/],
    ['a limit of 0', { method: 'GET', url: '/v1/analyses?limit=0' }, 400, 'validation', /querystring.limit must be >= 1/],
    ['a limit in hex (Ajv alone would take 0x10 as 16)', { method: 'GET', url: '/v1/analyses?limit=0x10' }, 400, 'validation', /querystring.limit must be an integer written in decimal digits \(e.g. 20\), got '0x10'/],
    ['a limit in exponent form', { method: 'GET', url: '/v1/analyses?limit=1e1' }, 400, 'validation', /querystring.limit must be an integer written in decimal digits .*'1e1'/],
    ['a limit with a space', { method: 'GET', url: '/v1/analyses?limit=%2010' }, 400, 'validation', /querystring.limit must be an integer written in decimal digits .*' 10'/],
    ['a wait in hex', { url: '/v1/analyses?wait=0x5', payload: { wallets: [A, B] } }, 400, 'validation', /querystring.wait must be an integer written in decimal digits .*'0x5'/],
    ['an unknown query parameter', { method: 'GET', url: `/v1/analyses?wallet=${A}&sort=asc` }, 400, 'validation', /unknown field 'sort'/],
    ['a history filter that is not an address', { method: 'GET', url: '/v1/analyses?wallet=xyz' }, 400, 'invalid-address', /'xyz'/],
    ['a wallet lookup that is not an address', { method: 'GET', url: '/v1/wallets/xyz' }, 400, 'invalid-address', /'xyz'/],
    ['a token lookup that is not an address', { method: 'GET', url: '/v1/tokens/0OIl' }, 400, 'invalid-address', /'0OIl'/],
    ['a sync of a bad address', { url: '/v1/wallets/sync', payload: { wallets: [A, 'bad'] } }, 400, 'invalid-address', /'bad'/],
    ['a sync with no wallets', { url: '/v1/wallets/sync', payload: { wallets: [] } }, 400, 'validation', /at least 1 wallet/],
    ['a status request with duplicates', { url: '/v1/wallets/status', payload: { wallets: [C, C] } }, 400, 'duplicate-addresses', /more than once/],
    ['an enrichment with an unknown field', { url: '/v1/tokens/enrich', payload: { mints: [A], force: true } }, 400, 'validation', /unknown field 'force'/],
    ['an enrichment of a bad mint', { url: '/v1/tokens/enrich', payload: { mints: ['So1111'] } }, 400, 'invalid-address', /'So1111'/],
    ['an unknown route', { method: 'GET', url: '/v1/nothing' }, 404, 'not-found', /no route GET \/v1\/nothing/],
    ['a method the path does not take', { method: 'PUT' as 'POST', url: '/v1/analyses' }, 405, 'method-not-allowed', /\/v1\/analyses does not take PUT: use GET, HEAD or POST/],
  ];

  it.each(cases)('refuses %s', async (_name, req, status, type, detail) => {
    const res = await app.inject({
      method: req.method ?? 'POST',
      url: req.url ?? '/v1/analyses',
      ...(req.raw !== undefined ? { payload: req.raw, headers: { 'content-type': req.contentType ?? 'application/json' } } : req.payload !== undefined ? { payload: req.payload as object } : {}),
    });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.type).toBe(`urn:wallet-similarity:problem:${type}`);
    expect(body.status).toBe(status);
    expect(typeof body.title).toBe('string');
    expect(body.detail).toMatch(detail);
  });

  it('names every invalid address and where it is', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/analyses', payload: { wallets: ['abc', A, 'xyz!'] } });
    expect(res.json()).toMatchObject({
      type: problemType('invalidAddress'),
      errors: [
        { pointer: '/body/wallets/0', detail: "not a valid Solana address (base58 of 32 bytes): 'abc'" },
        { pointer: '/body/wallets/2', detail: "not a valid Solana address (base58 of 32 bytes): 'xyz!'" },
      ],
    });
  });

  it('names an invalid address and a wallet listed twice in one answer, so the list is fixed in one round', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/analyses', payload: { wallets: [A, 'abc', B, A] } });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body).toMatchObject({
      type: problemType('invalidAddress'),
      errors: [
        { pointer: '/body/wallets/1', detail: "not a valid Solana address (base58 of 32 bytes): 'abc'" },
        { pointer: '/body/wallets/3', detail: `'${A}' is already listed at position 0` },
      ],
    });
    expect(body.detail).toBe(`wallets contains an address that is not a valid Solana public key (base58 of 32 bytes): 'abc'; also, wallets lists '${A}' more than once: list each address once`);
  });

  it('lists every schema violation at once', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/analyses', payload: { wallets: [A, B], extra: 1, window: 0, sync: 'x' } });
    const pointers = new Set((res.json().errors as Array<{ pointer: string }>).map((e) => e.pointer));
    expect([...pointers].sort()).toEqual(['/body/extra', '/body/sync', '/body/window']);
  });
});
