// Routes that take no body (proceed, DELETE) accept an empty one whatever its content type: many
// clients send `content-type: application/json` with every request. A route that takes a body still
// refuses an empty one.
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/api/app';

const ID = '0b6f1a52-8d0e-4c55-9a43-3f1f2b0c9d11';

describe('empty bodies', () => {
  let app: FastifyInstance;
  // no analysis is stored: a request that reaches its handler answers 404 not-found
  const query = jest.fn(async () => ({ rows: [], rowCount: 0 }));

  beforeAll(async () => {
    const config = loadConfig({});
    const temporal = { options: { namespace: 'default' }, workflow: { start: jest.fn(), getHandle: jest.fn() } } as unknown as Client;
    app = await buildApp({ config, temporal, pool: { query } as unknown as Pool, redis: {} as Redis }, { rateLimitStore: 'memory' });
    await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => app.close());

  const typeOf = (body: string) => (JSON.parse(body) as { type: string }).type.split(':').pop();

  describe.each([
    ['POST', `/v1/analyses/${ID}/proceed`],
    ['DELETE', `/v1/analyses/${ID}`],
  ] as const)('%s %s', (method, url) => {
    it.each([
      ['application/json', {}],
      ['application/json; charset=utf-8', {}],
      ['text/plain', {}],
      ['application/json with a content-encoding', { 'content-encoding': 'gzip' }],
    ])('with content-type %s and an empty body reaches the route (404 for an unknown id, not 400 or 415)', async (contentType, extra) => {
      const res = await app.inject({ method, url, payload: '', headers: { 'content-type': contentType.split(' with ')[0], ...extra } });
      expect(res.statusCode).toBe(404);
      expect(typeOf(res.body)).toBe('not-found');
    });

    it.each([
      ['Content-Length: 0', { 'content-type': 'application/json', 'content-length': '0' }],
      ['Content-Length: 0 and text/plain', { 'content-type': 'text/plain', 'content-length': '0' }],
      ['an empty chunked body', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }],
    ])('over HTTP with %s reaches the route', async (_name, headers) => {
      const port = (app.server.address() as AddressInfo).port;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(answer.status).toBe(404);
      expect(typeOf(answer.body)).toBe('not-found');
    });
  });

  it('a route that takes a body still refuses an empty one', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/analyses', payload: '', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(typeOf(res.body)).toBe('invalid-json');
  });
});
