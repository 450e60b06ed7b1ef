// The bad-input table: hostile and malformed requests to every route of the real API (app.inject
// and, for what only a socket can send, a listening server) on real PostgreSQL, Redis and Temporal.
// Every one must be answered with a 4xx application/problem+json that names the problem, and none
// may start a workflow or store an analysis row.
import net from 'node:net';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import { useTestStack } from '../harness/stack';
import type Redis from 'ioredis';
import { connectRedis, createRedis } from '../../src/store/redis';
import type { Pool, PoolClient } from 'pg';
import { createPool } from '../../src/store/db';
import { freePort } from '../../src/temporal/dev-server';

const KEY = 'table-secret-key-91c2';
const ADMIN = 'table-admin-key-3e7d';
const A = '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk';
const B = 'GdLmGp9vyiFYFaPU2AbJfds6bMyqzbuXvUoC98See3Bx';
const C = 'FhJojH6DezCcXDEiyiFa31BXNDHoTury6uJco3JcbhsE';
/** MAX_WALLETS_PER_ANALYSIS of this file */
const MAX = 5;

/** n distinct valid addresses (base58 of 32 bytes) */
function addresses(n: number): string[] {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  return Array.from({ length: n }, (_, i) => `${alphabet[i % 58]}${alphabet[Math.floor(i / 58) % 58]}${A.slice(2)}`);
}

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH' | 'OPTIONS';
interface Case {
  name: string;
  method: Method;
  url: string;
  /** an object is sent as JSON; a string or Buffer as is, with `contentType` */
  body?: unknown;
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** false: send no API key */
  key?: string | false;
  status: number;
  type: string;
  detail?: RegExp;
  /** the Allow header a 405 must carry */
  allow?: string;
}

const cases: Case[] = [];
const add = (c: Omit<Case, 'method'> & { method?: Method }) => cases.push({ method: 'POST', ...c });

// --- analysis ids, on each of the four routes that take one -------------------------------------
const badIds: Array<[string, string, number, string, RegExp?]> = [
  ['101 characters', 'a'.repeat(101), 414, 'uri-too-long', /longer than 100 characters/],
  ['5000 characters', 'x'.repeat(5000), 414, 'uri-too-long', /longer than 100 characters/],
  ['a lone %', '%', 400, 'invalid-url', /percent-encoding/],
  ['a cut-off escape', '%E0%A4%A', 400, 'invalid-url', /percent-encoding/],
  ['an escape that is not UTF-8', '%FF', 400, 'invalid-url', /percent-encoding/],
  ['spaces', 'not%20an%20id', 400, 'validation', /params.id must match pattern/],
  ['a path traversal', '..%2F..%2Fetc%2Fpasswd', 400, 'validation', /params.id/],
  ['a NUL byte', 'abc%00def', 400, 'validation', /params.id/],
  ['SQL', "1'%3B%20DROP%20TABLE%20analyses%3B--", 400, 'validation', /params.id/],
  ['Cyrillic', encodeURIComponent('анализ'), 400, 'validation', /params.id/],
  ['an emoji', encodeURIComponent('🙂'), 400, 'validation', /params.id/],
  ['a UUID nobody started', randomUUID(), 404, 'not-found', /no analysis with id/],
  ['100 characters nobody started', 'b'.repeat(100), 404, 'not-found', /no analysis with id/],
];
for (const [what, id, status, type, detail] of badIds) {
  add({ name: `GET /v1/analyses/{id}: ${what}`, method: 'GET', url: `/v1/analyses/${id}`, status, type, detail });
  add({ name: `GET /v1/analyses/{id}/events: ${what}`, method: 'GET', url: `/v1/analyses/${id}/events`, status, type, detail });
  add({ name: `POST /v1/analyses/{id}/proceed: ${what}`, url: `/v1/analyses/${id}/proceed`, status, type, detail });
  add({ name: `DELETE /v1/analyses/{id}: ${what}`, method: 'DELETE', url: `/v1/analyses/${id}`, status, type, detail });
}

// --- a query parameter sent to a route that takes none: heard of, not silently ignored -------------
const someId = randomUUID();
for (const [method, url] of [
  ['GET', `/v1/analyses/${someId}`],
  ['GET', `/v1/analyses/${someId}/events`],
  ['POST', `/v1/analyses/${someId}/proceed`],
  ['DELETE', `/v1/analyses/${someId}`],
  ['GET', `/v1/tokens/${A}`],
  ['GET', `/v1/wallets/${A}`],
] as const) {
  add({ name: `${method} ${url.replace(someId, '{id}')}?foo=1: a query parameter it does not take`, method, url: `${url}?foo=1`, status: 400, type: 'validation', detail: /unknown field 'foo' in querystring/ });
}

// --- bodies that are not plain JSON objects, on each POST route with a body ------------------------
const bodyRoutes: Array<[string, string, unknown]> = [
  ['/v1/analyses', 'wallets', { wallets: [A, B] }],
  ['/v1/wallets/status', 'wallets', { wallets: [A] }],
  ['/v1/wallets/sync', 'wallets', { wallets: [A] }],
  ['/v1/tokens/enrich', 'mints', { mints: [A] }],
];
for (const [url, field, good] of bodyRoutes) {
  const json = JSON.stringify(good);
  const on = (c: Omit<Case, 'url' | 'method'>) => add({ ...c, url, name: `POST ${url}: ${c.name}` });
  on({ name: 'truncated JSON', raw: json.slice(0, -3), contentType: 'application/json', status: 400, type: 'invalid-json', detail: /not valid JSON \(.+\)/ });
  on({ name: 'a trailing comma', raw: json.replace(/]/, ',]'), contentType: 'application/json', status: 400, type: 'invalid-json', detail: /not valid JSON/ });
  on({ name: 'single quotes', raw: json.replace(/"/g, "'"), contentType: 'application/json', status: 400, type: 'invalid-json', detail: /not valid JSON/ });
  on({ name: 'an empty body', raw: '', contentType: 'application/json', status: 400, type: 'invalid-json', detail: /body is empty/ });
  on({ name: 'bytes that are not UTF-8', raw: Buffer.concat([Buffer.from(`{"${field}": ["`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"]}')]), contentType: 'application/json', status: 400, type: 'invalid-json', detail: /not valid UTF-8/ });
  on({ name: 'a Latin-1 charset', raw: json, contentType: 'application/json; charset=iso-8859-1', status: 415, type: 'unsupported-media-type', detail: /UTF-8 \(got charset 'iso-8859-1'\)/ });
  on({ name: 'a gzip content-encoding', raw: json, contentType: 'application/json', headers: { 'content-encoding': 'gzip' }, status: 415, type: 'unsupported-media-type', detail: /uncompressed/ });
  on({ name: 'text/plain', raw: json, contentType: 'text/plain', status: 415, type: 'unsupported-media-type', detail: /application\/json \(got 'text\/plain'\)/ });
  on({ name: 'XML', raw: `<${field}/>`, contentType: 'application/xml', status: 415, type: 'unsupported-media-type' });
  on({ name: 'a form', raw: `${field}=${A}`, contentType: 'application/x-www-form-urlencoded', status: 415, type: 'unsupported-media-type' });
  on({ name: 'multipart', raw: '--x\r\n\r\n--x--', contentType: 'multipart/form-data; boundary=x', status: 415, type: 'unsupported-media-type' });
  on({ name: 'a body over 64 KiB', raw: JSON.stringify({ ...(good as object), pad: 'x'.repeat(70_000) }), contentType: 'application/json', status: 413, type: 'body-too-large', detail: /larger than 65536 bytes/ });
  on({ name: 'a JSON array', body: [A, B], status: 400, type: 'validation', detail: /body must be object/ });
  on({ name: 'JSON null', raw: 'null', contentType: 'application/json', status: 400, type: 'validation', detail: /body must be object/ });
  on({ name: 'a JSON string', raw: '"wallets"', contentType: 'application/json', status: 400, type: 'validation', detail: /body must be object/ });
  on({ name: 'a JSON number', raw: '42', contentType: 'application/json', status: 400, type: 'validation', detail: /body must be object/ });
  on({ name: 'a __proto__ key', raw: `{"${field}": ["${A}"], "__proto__": {"admin": true}}`, contentType: 'application/json', status: 400, type: 'validation', detail: /property '__proto__' is not allowed \(at \/body\/__proto__\)/ });
  on({ name: 'a nested __proto__ key', raw: `{"${field}": [{"__proto__": {"polluted": 1}}]}`, contentType: 'application/json', status: 400, type: 'validation', detail: /property '__proto__' is not allowed \(at \/body\/\w+\/0\/__proto__\)/ });
  on({ name: 'constructor.prototype', raw: `{"${field}": ["${A}"], "constructor": {"prototype": {"x": 1}}}`, contentType: 'application/json', status: 400, type: 'validation', detail: /property 'constructor' is not allowed/ });
  on({ name: 'an unknown field', body: { ...(good as object), extra: 1 }, status: 400, type: 'validation', detail: /unknown field 'extra'/ });
  on({ name: `${field} missing`, body: {}, status: 400, type: 'validation', detail: new RegExp(`must have the field '${field}'`) });
  on({ name: `${field} as a string`, body: { [field]: A }, status: 400, type: 'validation', detail: new RegExp(`body.${field} must be array`) });
  on({ name: `${field} as an object`, body: { [field]: { 0: A } }, status: 400, type: 'validation', detail: new RegExp(`body.${field} must be array`) });
  on({ name: 'an address as a number', body: { [field]: [A, 42] }, status: 400, type: 'validation', detail: new RegExp(`body.${field}.1 must be string`) });
  on({ name: 'an address as null', body: { [field]: [A, null] }, status: 400, type: 'validation', detail: new RegExp(`body.${field}.1 must be string`) });
  on({ name: 'an empty address', body: { [field]: [A, ''] }, status: 400, type: 'validation', detail: /fewer than 1 characters/ });
  on({ name: 'an address of 65 characters', body: { [field]: [A, 'A'.repeat(65)] }, status: 400, type: 'validation', detail: /more than 64 characters/ });
  on({ name: 'an address that is not base58', body: { [field]: [A, 'I0lO-not-base58'] }, status: 400, type: 'invalid-address', detail: /'I0lO-not-base58'/ });
  on({ name: 'base58 of the wrong length', body: { [field]: [A, '1111'] }, status: 400, type: 'invalid-address', detail: /'1111'/ });
  on({ name: 'an address with a zero-width space', body: { [field]: [A, `${B}\u200b`] }, status: 400, type: 'invalid-address' });
  on({ name: 'an address with a trailing space', body: { [field]: [A, `${B} `] }, status: 400, type: 'invalid-address' });
  on({ name: 'a Cyrillic look-alike address', body: { [field]: [A, B.replace('G', 'Г')] }, status: 400, type: 'invalid-address' });
  on({ name: 'an address with a NUL', body: { [field]: [A, `${B.slice(0, 20)}\u0000${B.slice(21)}`] }, status: 400, type: 'invalid-address' });
  on({ name: 'an emoji address', body: { [field]: [A, '🙂'.repeat(10)] }, status: 400, type: 'invalid-address' });
  on({ name: 'an unpaired surrogate', raw: `{"${field}": ["${A}", "\\ud800"]}`, contentType: 'application/json', status: 400, type: 'invalid-address' });
  on({ name: 'a duplicate address', body: { [field]: [A, B, A] }, status: 400, type: 'duplicate-addresses', detail: new RegExp(`'${A}' more than once`) });
  on({ name: 'deeply nested arrays', raw: `{"${field}": ${'['.repeat(5000)}${']'.repeat(5000)}}`, contentType: 'application/json', status: 400, type: 'validation' });
}

// --- POST /v1/analyses: its own fields -----------------------------------------------------------
const analysis = (extra: object) => ({ wallets: [A, B], ...extra });
const fields: Array<[string, unknown, RegExp]> = [
  ['one wallet', { wallets: [A] }, /at least 2 wallet addresses/],
  ['no wallets', { wallets: [] }, /at least 2 wallet addresses/],
  [`${MAX + 1} wallets (over MAX_WALLETS_PER_ANALYSIS)`, { wallets: addresses(MAX + 1) }, /more than 5 wallets.*MAX_WALLETS_PER_ANALYSIS/],
  ['500 wallets', { wallets: addresses(500) }, /more than 5 wallets/],
  ['window as a string', analysis({ window: '30' }), /body.window must be integer,null/],
  ['window 0', analysis({ window: 0 }), /body.window must be >= 1/],
  ['window over 10 years', analysis({ window: 3651 }), /body.window must be <= 3650/],
  ['a fractional window', analysis({ window: 1.5 }), /body.window must be integer/],
  ['an unknown sync mode', analysis({ sync: 'sometimes' }), /"auto", "force", "skip"/],
  ['sync as a boolean', analysis({ sync: true }), /body.sync must be string/],
  ['failureThreshold above 1', analysis({ failureThreshold: 2 }), /failureThreshold must be <= 1/],
  ['a negative failureThreshold', analysis({ failureThreshold: -0.1 }), /failureThreshold must be >= 0/],
  ['clusterThreshold as a string', analysis({ clusterThreshold: '0.5' }), /clusterThreshold must be number/],
  ['an unknown weight', analysis({ weights: { luck: 1 } }), /unknown field 'luck' in body.weights/],
  ['a negative weight', analysis({ weights: { capital: -1 } }), /body.weights.capital must be >= 0/],
  ['a weight over 100', analysis({ weights: { timing: 101 } }), /body.weights.timing must be <= 100/],
  ['a weight as a string', analysis({ weights: { capital: '1' } }), /body.weights.capital must be number/],
  ['weights as an array', analysis({ weights: [1, 2] }), /body.weights must be object/],
  ['weights that leave no metric in the similarity blend', analysis({ weights: { capital: 0, binary: 0, jaccardTraded: 0, jaccardHeld: 0, behavior: 0 } }), /weights put no metric into the similarity blend \(capital, binary, jaccardTraded, jaccardHeld, behavior set to 0, the rest 0 by default\)/],
  ['the same for a token request', { token: A, weights: { capital: 0, binary: 0, jaccardTraded: 0, jaccardHeld: 0, behavior: 0, timing: 0 } }, /weights put no metric into the similarity blend/],
  ['several problems at once', { wallets: [A, B], extra: 1, window: 0, sync: 'x' }, /^(?=.*unknown field 'extra')(?=.*body\.window must be >= 1)(?=.*body\.sync must be one of)/],
];
for (const [what, body, detail] of fields) add({ name: `POST /v1/analyses: ${what}`, url: '/v1/analyses', body, status: 400, type: 'validation', detail });
add({ name: 'POST /v1/analyses: an empty Idempotency-Key', url: '/v1/analyses', body: analysis({}), headers: { 'idempotency-key': '' }, status: 400, type: 'validation', detail: /headers.idempotency-key must NOT have fewer than 1 characters/ });
add({ name: 'POST /v1/analyses: an Idempotency-Key of 201 characters', url: '/v1/analyses', body: analysis({}), headers: { 'idempotency-key': 'k'.repeat(201) }, status: 400, type: 'validation', detail: /headers.idempotency-key must NOT have more than 200 characters/ });

// --- the other bodies ----------------------------------------------------------------------------
add({ name: `POST /v1/wallets/status: ${MAX + 1} wallets`, url: '/v1/wallets/status', body: { wallets: addresses(MAX + 1) }, status: 400, type: 'validation', detail: /more than 5 wallets/ });
add({ name: 'POST /v1/wallets/status: no wallets', url: '/v1/wallets/status', body: { wallets: [] }, status: 400, type: 'validation', detail: /at least 1 wallet/ });
add({ name: `POST /v1/wallets/sync: ${MAX + 1} wallets`, url: '/v1/wallets/sync', body: { wallets: addresses(MAX + 1) }, status: 400, type: 'validation', detail: /more than 5 wallets/ });
add({ name: 'POST /v1/wallets/sync: no wallets', url: '/v1/wallets/sync', body: { wallets: [] }, status: 400, type: 'validation', detail: /at least 1 wallet/ });
add({ name: 'POST /v1/tokens/enrich: 301 mints', url: '/v1/tokens/enrich', body: { mints: addresses(301) }, status: 400, type: 'validation', detail: /at most 300 items/ });
add({ name: 'POST /v1/tokens/enrich: no mints', url: '/v1/tokens/enrich', body: { mints: [] }, status: 400, type: 'validation', detail: /at least 1 mint/ });

// --- query strings and path addresses --------------------------------------------------------------
const queries: Array<[string, string, string, RegExp]> = [
  ['limit 0', 'limit=0', 'validation', /querystring.limit must be >= 1/],
  ['limit 101', 'limit=101', 'validation', /querystring.limit must be <= 100/],
  ['a negative limit', 'limit=-1', 'validation', /querystring.limit must be >= 1/],
  ['limit as a word', 'limit=ten', 'validation', /querystring.limit must be an integer written in decimal digits \(e.g. 20\), got 'ten'/],
  ['a fractional limit', 'limit=1.5', 'validation', /querystring.limit must be an integer written in decimal digits .*got '1.5'/],
  ['limit in hex (0x10 is not read as 16)', 'limit=0x10', 'validation', /querystring.limit must be an integer written in decimal digits .*got '0x10'/],
  ['limit in exponent form', 'limit=1e1', 'validation', /querystring.limit must be an integer written in decimal digits .*got '1e1'/],
  ['limit twice', 'limit=1&limit=2', 'validation', /querystring.limit was sent 2 times: send it once/],
  ['an unknown parameter', `wallet=${A}&sort=asc`, 'validation', /unknown field 'sort'/],
  ['a wallet that is not an address', 'wallet=xyz', 'invalid-address', /'xyz'/],
  ['an empty wallet', 'wallet=', 'validation', /querystring.wallet must NOT have fewer than 1 characters/],
  ['a wallet of 65 characters', `wallet=${'A'.repeat(65)}`, 'validation', /querystring.wallet must NOT have more than 64 characters/],
  ['the wallet twice', `wallet=${A}&wallet=${B}`, 'validation', /querystring.wallet was sent 2 times: send it once/],
  ['a Cyrillic wallet', `wallet=${encodeURIComponent('кошелёк')}`, 'invalid-address', /not a valid Solana address/],
  ['a wallet with SQL', `wallet=${encodeURIComponent("x' OR '1'='1")}`, 'invalid-address', /not a valid Solana address/],
];
for (const [what, query, type, detail] of queries) add({ name: `GET /v1/analyses?${what}`, method: 'GET', url: `/v1/analyses?${query}`, status: 400, type, detail });
for (const [route, what] of [['/v1/wallets', 'the wallet'], ['/v1/tokens', 'the mint']] as const) {
  add({ name: `GET ${route}/{address}: not base58`, method: 'GET', url: `${route}/0OIl`, status: 400, type: 'invalid-address', detail: new RegExp(`${what} is not a valid Solana address`) });
  add({ name: `GET ${route}/{address}: 65 characters`, method: 'GET', url: `${route}/${'A'.repeat(65)}`, status: 400, type: 'validation', detail: /more than 64 characters/ });
  add({ name: `GET ${route}/{address}: 101 characters`, method: 'GET', url: `${route}/${'A'.repeat(101)}`, status: 414, type: 'uri-too-long' });
  add({ name: `GET ${route}/{address}: a lone %`, method: 'GET', url: `${route}/%`, status: 400, type: 'invalid-url' });
  add({ name: `GET ${route}/{address}: Cyrillic`, method: 'GET', url: `${route}/${encodeURIComponent('адрес')}`, status: 400, type: 'invalid-address' });
  add({ name: `GET ${route}/{address}: never seen`, method: 'GET', url: `${route}/${C}`, status: 404, type: 'not-found' });
}

// --- methods a path does not take (405 with Allow), and paths that do not exist (404) -----------
const wrongMethods: Array<[Method, string, string]> = [
  ['PUT', '/v1/analyses', 'GET, HEAD, POST'],
  ['PATCH', `/v1/analyses/${randomUUID()}`, 'DELETE, GET, HEAD'],
  ['DELETE', '/v1/analyses', 'GET, HEAD, POST'],
  ['PUT', `/v1/analyses/${randomUUID()}/proceed`, 'POST'],
  ['GET', `/v1/analyses/${randomUUID()}/proceed`, 'POST'],
  ['DELETE', `/v1/wallets/${A}`, 'GET, HEAD'],
  ['POST', `/v1/tokens/${A}`, 'GET, HEAD'],
  // GET /v1/tokens/enrich is GET /v1/tokens/{mint} of the mint 'enrich' (answered 400 invalid address)
  ['PUT', '/v1/tokens/enrich', 'GET, HEAD, POST'],
  ['OPTIONS', '/v1/analyses', 'GET, HEAD, POST'],
];
for (const [method, url, allow] of wrongMethods) {
  add({ name: `${method} ${url.replace(/[0-9a-f-]{36}/, '{id}')}: not a method of the path`, method, url, status: 405, type: 'method-not-allowed', allow, detail: new RegExp(`does not take ${method}: use .*see /docs`) });
}
const noRoutes: Array<[Method, string]> = [
  ['GET', '/v2/analyses'],
  ['POST', '/v2/analyses'],
  ['GET', `/v1/analyses/${randomUUID()}/events/more`],
  ['DELETE', `/v1/analyses/${randomUUID()}/events/more`],
];
for (const [method, url] of noRoutes) add({ name: `${method} ${url.replace(/[0-9a-f-]{36}/, '{id}')}: no such route`, method, url, status: 404, type: 'not-found', detail: /no route .* see \/docs/ });
// GET of a POST-only wallet route reaches GET /v1/wallets/{address}
for (const word of ['status', 'sync']) {
  add({ name: `GET /v1/wallets/${word}: a POST route`, method: 'GET', url: `/v1/wallets/${word}`, status: 400, type: 'invalid-address', detail: new RegExp(`the wallet is not a valid Solana address .*'${word}'`) });
}

// --- API keys ------------------------------------------------------------------------------------
const keyCases: Array<[string, Record<string, string>]> = [
  ['no key', {}],
  ['an unknown key', { 'x-api-key': 'guess' }],
  ['the key in the wrong case', { 'x-api-key': KEY.toUpperCase() }],
  ['the key with one character more', { 'x-api-key': `${KEY}x` }],
  ['Basic auth', { authorization: `Basic ${Buffer.from(`user:${KEY}`).toString('base64')}` }],
  ['Bearer without a key', { authorization: 'Bearer ' }],
  ['an unknown Bearer key', { authorization: 'Bearer guess' }],
];
for (const [what, headers] of keyCases) {
  add({ name: `POST /v1/analyses with ${what}`, url: '/v1/analyses', body: analysis({}), key: false, headers, status: 401, type: 'unauthorized' });
  add({ name: `GET /v1/analyses with ${what}`, method: 'GET', url: '/v1/analyses', key: false, headers, status: 401, type: 'unauthorized' });
}

describe('bad inputs: every one answered with a 4xx problem+json, none starts anything', () => {
  let app: FastifyInstance;
  const opened = useTestStack(
    { env: { API_KEYS: `${KEY},admin:${ADMIN}`, MAX_WALLETS_PER_ANALYSIS: String(MAX), API_RATE_LIMIT_MAX: '100000' } },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis });
      },
      beforeClose: async () => {
        for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
        }
        await app?.close();
      },
    },
  );

  const rowsOfThisKey = async () =>
    Number((await opened.stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM analyses WHERE owner_key_id = ANY($1::text[])', [[apiKeyId(KEY), apiKeyId(ADMIN)]])).rows[0].n);
  const workflows = async () => Number((await opened.stack.client.workflow.count()).count);

  it('holds at least 150 cases, at least 5 on each route of the API', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const routes: Array<[Method, RegExp]> = [
      ['POST', /^\/v1\/analyses$/],
      ['GET', /^\/v1\/analyses$/],
      ['GET', /^\/v1\/analyses\/[^/]+$/],
      ['GET', /^\/v1\/analyses\/[^/]+\/events$/],
      ['POST', /^\/v1\/analyses\/[^/]+\/proceed$/],
      ['DELETE', /^\/v1\/analyses\/[^/]+$/],
      ['POST', /^\/v1\/wallets\/status$/],
      ['POST', /^\/v1\/wallets\/sync$/],
      ['GET', /^\/v1\/wallets\/[^/]+$/],
      ['GET', /^\/v1\/tokens\/[^/]+$/],
      ['POST', /^\/v1\/tokens\/enrich$/],
    ];
    for (const [method, path] of routes) {
      expect([method, path.source, cases.filter((c) => c.method === method && path.test(c.url.split('?')[0])).length >= 5]).toEqual([method, path.source, true]);
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const headers: Record<string, string> = { ...(c.key === false ? {} : { 'x-api-key': c.key ?? KEY }), ...c.headers };
    const options: InjectOptions = { method: c.method, url: c.url, headers };
    if (c.raw !== undefined) Object.assign(options, { payload: c.raw, headers: { ...headers, 'content-type': c.contentType ?? 'application/json' } });
    else if (c.body !== undefined) options.payload = c.body as object;
    const res = await app.inject(options);
    expect(res.statusCode).toBe(c.status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body).toMatchObject({ type: `urn:wallet-similarity:problem:${c.type}`, status: c.status, title: expect.any(String), detail: expect.any(String) });
    expect(body.detail.length).toBeGreaterThan(10);
    if (c.detail) expect(body.detail).toMatch(c.detail);
    expect(res.headers.allow).toBe(c.allow);
    expect(res.body).not.toContain(KEY);
  });

  describe('requests only a socket can send, to a listening server', () => {
    const postWith = (headerLines: string) => {
      const body = JSON.stringify({ wallets: [A, C], sync: 'skip' });
      return `POST /v1/analyses HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY}\r\nconnection: close\r\ncontent-type: application/json\r\n${headerLines}\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    };
    const rawCases: Array<[string, string, number, string]> = [
      ['headers over 16 KiB', `GET /v1/analyses HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY}\r\nx-pad: ${'p'.repeat(20_000)}\r\n\r\n`, 431, 'headers-too-large'],
      ['a request line that is not HTTP', 'HELLO THERE\r\n\r\n', 400, 'malformed-request'],
      ['a Content-Length that is not a number', `POST /v1/analyses HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: ten\r\n\r\n{}`, 400, 'malformed-request'],
      ['both Content-Length and chunked', `POST /v1/analyses HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, 400, 'malformed-request'],
      ['a broken chunk', `POST /v1/analyses HTTP/1.1\r\nHost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, 400, 'malformed-request'],
      ['a header name with a space', `GET /v1/analyses HTTP/1.1\r\nHost: x\r\nx api key: ${KEY}\r\n\r\n`, 400, 'malformed-request'],
    ];
    // whole requests the server answers in its own time: sent without closing our side (the server
    // would drop the answer), `Connection: close` ends the exchange
    const wholeCases: Array<[string, string, number, string]> = [
      ['two Idempotency-Key headers (Node would join them into a third key)', postWith('idempotency-key: first\r\nidempotency-key: second'), 400, 'validation'],
      ['an Idempotency-Key that is not ASCII (its UTF-8 bytes arrive as other characters)', postWith('idempotency-key: schlüssel-1'), 400, 'validation'],
    ];
    let server: FastifyInstance;
    let port: number;
    beforeAll(async () => {
      server = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis });
      await server.listen({ host: '127.0.0.1', port: 0 });
      port = (server.server.address() as AddressInfo).port;
    });
    afterAll(() => server?.close());

    const exchange = (request: string, whole = false) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => (whole ? socket.write(request) : socket.end(request)));
        let answer = '';
        socket.setEncoding('latin1');
        socket.on('data', (d) => (answer += d));
        socket.on('close', () => resolve(answer));
        socket.on('error', (err) => (answer ? resolve(answer) : reject(err)));
      });

    it.each([...rawCases.map((c) => [...c, false] as const), ...wholeCases.map((c) => [...c, true] as const)])('%s', async (_name, request, status, type, whole) => {
      const answer = await exchange(request, whole);
      const [head, body] = answer.split('\r\n\r\n');
      expect(head).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(head).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(body)).toMatchObject({ type: `urn:wallet-similarity:problem:${type}`, status, detail: expect.any(String) });
    });
  });

  it('none of them started a workflow or stored a row', async () => {
    expect(await workflows()).toBe(0);
    expect(await rowsOfThisKey()).toBe(0);
  });

  it('(the check above can fail: one good request starts one workflow and stores one row)', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/analyses', headers: { 'x-api-key': KEY }, payload: { wallets: [A, C], sync: 'skip' } });
    expect(res.statusCode).toBe(202);
    expect(await rowsOfThisKey()).toBe(1);
    const deadline = Date.now() + 10_000;
    while ((await workflows()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(await workflows()).toBe(1);
  });
});

describe('rate limits: every POST and DELETE route, POST /v1/wallets/status included', () => {
  let app: FastifyInstance;
  const opened = useTestStack(
    { env: { API_KEYS: 'limit-secret-key-5a1f', API_RATE_LIMIT_MAX: '2', API_RATE_LIMIT_WINDOW_SECONDS: '300' } },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis });
      },
      beforeClose: async () => {
        await app?.close();
      },
    },
  );

  it.each([
    ['POST', '/v1/analyses'],
    ['POST', '/v1/wallets/status'],
    ['POST', '/v1/wallets/sync'],
    ['POST', '/v1/tokens/enrich'],
    ['POST', '/v1/analyses/no-such-analysis/proceed'],
    ['DELETE', '/v1/analyses/no-such-analysis'],
  ] as const)('%s %s answers 429 problem+json with Retry-After past API_RATE_LIMIT_MAX (counted in Redis)', async (method, url) => {
    const send = () => app.inject({ method, url, headers: { 'x-api-key': 'limit-secret-key-5a1f' }, ...(method === 'POST' && !url.endsWith('proceed') ? { payload: {} } : {}) });
    expect((await send()).statusCode).toBeLessThan(429);
    expect((await send()).statusCode).toBeLessThan(429);
    const limited = await send();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:rate-limited', detail: expect.stringMatching(/more than 2 requests in 300 s/) });
  });
});

describe('rate limits while Redis takes commands and answers none', () => {
  let app: FastifyInstance;
  let proxy: net.Server;
  let redis: Redis;
  /** while set, what Redis answers is dropped: a connection that takes commands and answers none */
  let silent = false;
  const opened = useTestStack(
    { env: { API_KEYS: 'silent-redis-key-77c2', API_RATE_LIMIT_MAX: '100' } },
    {
      afterOpen: async () => {
        // a TCP relay to the stack's Redis, whose answers it can stop passing on
        const target = new URL(opened.stack.config.REDIS_URL);
        proxy = net.createServer((client) => {
          const server = net.connect(Number(target.port || 6379), target.hostname);
          client.on('data', (d) => server.write(d));
          server.on('data', (d) => void (silent || client.write(d)));
          client.on('error', () => server.destroy());
          server.on('error', () => client.destroy());
          client.on('close', () => server.destroy());
        });
        await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
        const url = `redis://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
        redis = createRedis(url, opened.stack.config.REDIS_KEY_PREFIX);
        await connectRedis(redis, url);
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis });
      },
      beforeClose: async () => {
        await app?.close();
        redis?.disconnect();
        await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
      },
    },
  );

  it('skips the limit, not the request: a POST is answered though Redis answers nothing', async () => {
    const status = () => app.inject({ method: 'POST', url: '/v1/wallets/status', headers: { 'x-api-key': 'silent-redis-key-77c2' }, payload: { wallets: ['GdNh12yVy5Lsew9WXVCV5ErgK5SpmsBJkcti5jVtPB7o'] } });
    expect((await status()).statusCode).toBe(200);
    silent = true;
    try {
      // the shared client's command would wait for an answer for ever; the request must not
      const answered = await Promise.race([status(), new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), 15_000))]);
      expect(answered === 'no answer' ? answered : answered.statusCode).toBe(200);
    } finally {
      silent = false;
    }
  }, 30_000);
});

/** A client of `pool` for the test to hold; opening one may outlast the pool's wait on a loaded machine, so it is tried again a few times. */
async function connectPatiently(pool: Pool): Promise<PoolClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pool.connect();
    } catch (err) {
      // (a wait for a free connection, or a new connection slow to open)
      if (attempt >= 5 || !/timeout exceeded when trying to connect|Connection terminated due to connection timeout/.test((err as Error).message)) throw err;
    }
  }
}

describe('an API whose database connections are all taken', () => {
  let app: FastifyInstance;
  let pool: Pool;
  const opened = useTestStack(
    { env: { API_KEYS: 'busy-pool-key-4d1e' } },
    {
      afterOpen: async () => {
        // two connections (API_DB_CONNECTIONS's least), waited for 2 s at most: a request that waits longer finds none.
        // (300 ms was too short for the test's own connections on a loaded machine: opening one took longer.)
        pool = createPool(opened.stack.config.DATABASE_URL, 2, { connectionTimeoutMs: 2_000 });
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool, redis: opened.stack.redis });
      },
      beforeClose: async () => {
        await app?.close();
        await pool?.end();
      },
    },
  );

  it('answers 503 database-busy with Retry-After, saying the connections are in use (not that PostgreSQL is away), and serves again once one is free', async () => {
    const list = () => app.inject({ method: 'GET', url: '/v1/analyses?limit=1', headers: { 'x-api-key': 'busy-pool-key-4d1e' } });
    const first = await list();
    expect(first.statusCode === 200 ? 200 : first.body).toBe(200);
    // every connection checked out (by long requests, event streams): here, by the test. Each one
    // held is released whatever happens (a client left out keeps pool.end() waiting for good), and
    // listened to (a checked-out client's lost connection is an 'error' event nobody else hears).
    const held: PoolClient[] = [];
    let answer;
    try {
      while (held.length < 2) {
        const client = await connectPatiently(pool);
        client.on('error', () => undefined);
        held.push(client);
      }
      answer = await list();
    } finally {
      for (const client of held) client.release();
    }
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    expect(answer.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:database-busy', detail: expect.stringMatching(/all 2 of this server's database connections were taken by requests under way/) });
    expect((await list()).statusCode).toBe(200);
  });

  /**
   * A pool of `max` 2 on a host that accepts the TCP connection and says nothing (a PostgreSQL that
   * takes connections and never answers), giving up on a connection after `connectionTimeoutMs`;
   * `close` drops the connections it took and ends the pool.
   */
  async function silentPostgres(connectionTimeoutMs: number): Promise<{ pool: Pool; close: () => Promise<void> }> {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const pool = createPool(`postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/none`, 2, { connectionTimeoutMs });
    return {
      pool,
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((r) => silent.close(() => r()));
        await pool.end().catch(() => undefined);
      },
    };
  }

  it('answers database-unavailable, not busy, when PostgreSQL takes connections and never answers (the pool full of clients still connecting)', async () => {
    const hung = await silentPostgres(300);
    const hungApp = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: hung.pool, redis: opened.stack.redis });
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => hungApp.inject({ method: 'GET', url: '/v1/analyses?limit=1', headers: { 'x-api-key': 'busy-pool-key-4d1e' } })));
      expect(answers.map((a) => [a.statusCode, (a.json() as { type: string }).type.split(':').pop()])).toEqual(Array(4).fill([503, 'database-unavailable']));
    } finally {
      await hungApp.close();
      await hung.close();
    }
  });

  it('GET /metrics still answers when PostgreSQL takes the connection and never answers: the other metrics, without the wallets by engine version, and one connection attempt however many scrapes', async () => {
    // connecting would give up only after 30 s: the scrape's own deadline (1 s) ends the count
    const hung = await silentPostgres(30_000);
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const hungApp = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: hung.pool, redis: opened.stack.redis }, { logger });
    try {
      for (let i = 0; i < 3; i++) {
        const scrape = await hungApp.inject({ method: 'GET', url: '/metrics' });
        expect(scrape.statusCode).toBe(200);
        expect(scrape.body).toMatch(/^process_cpu_seconds_total \d/m);
        expect(scrape.body).toMatch(/^# HELP wallet_analytics_wallets /m);
        expect(scrape.body).not.toMatch(/^wallet_analytics_wallets\{/m);
      }
      // one count, which failed: its failure serves the scrapes of its period, which ask PostgreSQL nothing
      expect(warnings.filter((w) => w.includes('the wallets by engine version could not be counted'))).toHaveLength(1);
    } finally {
      await hungApp.close();
      await hung.close();
    }
  });

  it('still answers database-unavailable when PostgreSQL does not take the connection (a port nothing listens on)', async () => {
    const port = await freePort();
    const away = createPool(`postgres://postgres@127.0.0.1:${port}/none`, 2, { connectionTimeoutMs: 300 });
    const awayApp = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: away, redis: opened.stack.redis });
    try {
      const answer = await awayApp.inject({ method: 'GET', url: '/v1/analyses?limit=1', headers: { 'x-api-key': 'busy-pool-key-4d1e' } });
      expect(answer.statusCode).toBe(503);
      expect(answer.json().type).toBe('urn:wallet-similarity:problem:database-unavailable');
    } finally {
      await awayApp.close();
      await away.end();
    }
  });
});
