// The 404 of an unknown analysis (or another key's) says where the caller's analyses are listed,
// without promising that list has every one: GET /v1/analyses serves the newest 100 at most, and a
// token analysis matches ?wallet= only once its holders are resolved.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/api/app';

const ID = '0b6f1a52-8d0e-4c55-9a43-3f1f2b0c9d11';

describe('an unknown analysis', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const temporal = { options: { namespace: 'default' }, workflow: { start: jest.fn(), getHandle: jest.fn() } } as unknown as Client;
    const pool = { query: jest.fn(async () => ({ rows: [], rowCount: 0 })) } as unknown as Pool;
    app = await buildApp({ config: loadConfig({}), temporal, pool, redis: {} as Redis }, { rateLimitStore: 'memory' });
  });
  afterAll(() => app.close());

  it.each([
    ['GET', `/v1/analyses/${ID}`],
    ['GET', `/v1/analyses/${ID}/events`],
    ['POST', `/v1/analyses/${ID}/proceed`],
    ['DELETE', `/v1/analyses/${ID}`],
  ] as const)('%s %s answers 404 pointing to the list of the newest analyses', async (method, url) => {
    const res = await app.inject({ method, url });
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toBe(`no analysis with id '${ID}': GET /v1/analyses lists your newest analyses (?wallet=<address>: those of a wallet)`);
  });
});
