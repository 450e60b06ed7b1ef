// Connection errors of PostgreSQL are classified in one place (src/store/errors.ts) and the API
// answers them with 503 problem+json and Retry-After, not 500 internal. Real pg pools pointed at a
// closed port and at a server that never answers; no database needed.
import net from 'node:net';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { isConnectionError, isDataError, sqlState } from '../../../src/store/errors';
import { RETRY_AFTER_SECONDS, PROBLEM_CONTENT_TYPE, installProblemHandlers, problemType } from '../../../src/api/problem';
import { createPool } from '../../../src/store/db';
import { freePort as closedPort } from '../../../src/temporal/dev-server';
import { rejectionOf } from '../../harness/rejection';

/** A TCP server that accepts connections and never says a word (a hung or overloaded PostgreSQL). */
async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}


describe('isConnectionError', () => {
  it('recognises a refused connection of a real pool', async () => {
    const pool = createPool(`postgres://postgres@127.0.0.1:${await closedPort()}/nothing`);
    try {
      const err = await rejectionOf(pool.query('SELECT 1'));
      expect(isConnectionError(err)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('recognises a connection timeout and a pool that found no client in time', async () => {
    const server = await silentServer();
    const pool = new Pool({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/nothing`, connectionTimeoutMillis: 300, max: 1 });
    pool.on('error', () => undefined);
    try {
      const [first, second] = await Promise.all([rejectionOf(pool.query('SELECT 1')), rejectionOf(pool.query('SELECT 1'))]);
      expect([first, second].map((e) => (e as Error).message).sort()).toEqual(['Connection terminated due to connection timeout', 'timeout exceeded when trying to connect']);
      expect(isConnectionError(first)).toBe(true);
      expect(isConnectionError(second)).toBe(true);
    } finally {
      await pool.end();
      await server.close();
    }
  });

  it.each([
    ['57P01 admin_shutdown (pg_terminate_backend, fast shutdown)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['57P03 cannot_connect_now (starting up)', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['08006 connection_failure', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['08P01 protocol_violation', Object.assign(new Error('protocol violation'), { code: '08P01' })],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a wrapped cause', new Error('activity failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }) })],
    ['an AggregateError of refused addresses', new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' })])],
  ])('is true for %s', (_name, err) => {
    expect(isConnectionError(err)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['an undefined table', Object.assign(new Error('relation "x" does not exist'), { code: '42P01' })],
    ['a syntax error', Object.assign(new Error('syntax error at or near'), { code: '42601' })],
    ['a query cancelled by statement_timeout', Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })],
    ['a plain error', new Error('something else')],
    ['not an error', 'ECONNREFUSED'],
  ])('is false for %s', (_name, err) => {
    expect(isConnectionError(err)).toBe(false);
  });
});

describe('the API when PostgreSQL is unreachable', () => {
  it('answers 503 problem+json with Retry-After, and no host or port', async () => {
    const port = await closedPort();
    const pool = createPool(`postgres://postgres@127.0.0.1:${port}/nothing`);
    const app = Fastify();
    installProblemHandlers(app);
    app.get('/v1/analyses/:id', async () => (await pool.query('SELECT 1')).rows);
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/analyses/abc' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain(PROBLEM_CONTENT_TYPE);
      expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
      const body = res.json();
      expect(body).toMatchObject({ type: problemType('databaseUnavailable'), status: 503, instance: '/v1/analyses/abc' });
      expect(res.body).not.toContain(String(port));
    } finally {
      await app.close();
      await pool.end();
    }
  });

  it('answers a text PostgreSQL cannot store (a NUL) as a 400 problem, not a 500', async () => {
    const app = Fastify();
    installProblemHandlers(app);
    // as PostgreSQL refuses a NUL in a text parameter, and \u0000 in a JSON one
    const refusals = { text: ['22021', 'invalid byte sequence for encoding "UTF8": 0x00'], json: ['22P05', 'unsupported Unicode escape sequence'] } as const;
    app.post('/x/:kind', async (request) => {
      const [code, message] = refusals[(request.params as { kind: keyof typeof refusals }).kind];
      throw Object.assign(new Error(message), { code, severity: 'ERROR' });
    });
    for (const kind of Object.keys(refusals)) {
      const res = await app.inject({ method: 'POST', url: `/x/${kind}` });
      expect({ kind, status: res.statusCode, type: res.json().type, detail: res.json().detail }).toEqual({ kind, status: 400, type: problemType('validation'), detail: expect.stringContaining('cannot store (a NUL') });
    }
    await app.close();
  });

  it('still answers 500 internal for an error that is not about the connection', async () => {
    const app = Fastify();
    installProblemHandlers(app);
    app.get('/x', async () => {
      throw Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    });
    const res = await app.inject({ method: 'GET', url: '/x' });
    expect(res.statusCode).toBe(500);
    expect(res.json().type).toBe(problemType('internal'));
    expect(res.headers['retry-after']).toBeUndefined();
    await app.close();
  });
});

describe("a row's data refused (isDataError)", () => {
  it.each([
    ['22P05', true], // untranslatable character: a \u0000 in a string
    ['22001', true], // string too long
    ['23505', true], // unique violation
    ['23514', true], // check violation
    ['08006', false], // connection failure: the database, not the row
    ['25006', false], // read-only transaction
    ['53100', false], // disk full
    ['42P01', false], // undefined table: the statement, not the row
  ])('SQLSTATE %s: %s', (code, expected) => {
    expect(isDataError(Object.assign(new Error('refused'), { code }))).toBe(expected);
  });

  it('is false for errors without a SQLSTATE', () => {
    expect(isDataError(new Error('ECONNREFUSED'))).toBe(false);
    expect(isDataError(null)).toBe(false);
    expect(isDataError({ code: 23505 })).toBe(false);
  });
});

describe('a refusal by PostgreSQL (sqlState)', () => {
  it.each([
    [{ code: '57014' }, '57014'], // statement timeout
    [{ code: '40P01' }, '40P01'], // deadlock
    [{ code: 'ECONNREFUSED' }, null], // a socket's, not PostgreSQL's
    [{ code: 57014 }, null],
    [{}, null],
  ])('%j: %s', (fields, expected) => {
    expect(sqlState(Object.assign(new Error('refused'), fields))).toBe(expected);
  });
  it('is null for what is no error object', () => {
    expect([sqlState(null), sqlState('57014')]).toEqual([null, null]);
  });
});
