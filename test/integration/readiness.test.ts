// /readyz and starts while parts are missing: no worker polling the task queues, Temporal
// unreachable, and callers without a key (who must not read internal hosts and ports).
import type { FastifyInstance } from 'fastify';
import { Client, Connection } from '@temporalio/client';
import { randomBytes, randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import nodeProcess from 'node:process';
import { promisify } from 'node:util';
import bs58 from 'bs58';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { generateWorld } from '../../src/simulator';
import { getWatch, insertWatch } from '../../src/store/watches';
import { testEnv } from '../harness/env';
import { useTestStack } from '../harness/stack';

const ROOT = resolve(__dirname, '../..');

const KEY = 'readiness-test-key-0123456789';
const world = generateWorld({ seed: 29, wallets: 2, txPerWallet: 5, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

type Ready = { status: string; checks: Record<string, { ok: boolean; error?: string }> };

describe('readiness', () => {
  let app: FastifyInstance;
  const opened = useTestStack(
    { env: { API_KEYS: KEY } },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
      },
      beforeClose: async () => {
        await app?.close();
      },
    },
  );

  const readyz = (headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') => app.inject({ method: 'GET', url: '/readyz', headers, remoteAddress });
  /**
   * readyz, asked again (at most 5 times) while `stalled` says a check failed for a test process
   * stalled past the checks' 1 s deadline, which is not what these tests look at
   */
  const readyzUnstalled = async (stalled: (checks: Ready['checks']) => boolean, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') => {
    for (let attempt = 1; ; attempt++) {
      const res = await readyz(headers, remoteAddress);
      if (attempt === 5 || !stalled((res.json() as Ready).checks ?? {})) return res;
    }
  };
  /** a check names its own deadline (the answers that give reasons) */
  const namesDeadline = (checks: Ready['checks']) => Object.values(checks).some((c) => /did not answer within/.test(c.error ?? ''));
  /** a dependency's check failed (the answers that give none) */
  const dependencyFailed = ({ temporal, postgres, redis }: Ready['checks']) => ![temporal, postgres, redis].every((c) => c?.ok === true);

  it("runs a call of many RPCs within one deadline without Node's listener warning (the client adds a listener per RPC to the call's abort signal)", async () => {
    // in a process of its own: jest's `process` is not told of warnings
    const script = [
      "const { Client, Connection } = require('@temporalio/client');",
      "const { withTemporalDeadline } = require('./src/temporal/deadline');",
      '(async () => {',
      `  const connection = await Connection.connect({ address: ${JSON.stringify(testEnv().temporalAddress)} });`,
      "  const client = new Client({ connection, namespace: 'default' });",
      '  const n = await withTemporalDeadline(client, async () => { let i = 0; for (; i < 15; i++) await client.workflowService.getSystemInfo({}); return i; }, 30_000);',
      "  console.log('answered', n);",
      '  await connection.close();',
      '})();',
    ].join('\n');
    const { stdout, stderr } = await promisify(execFile)(nodeProcess.execPath, ['--import', 'tsx', '--input-type=commonjs', '-e', script], { cwd: ROOT, timeout: 60_000 });
    expect(stdout.trim()).toBe('answered 15');
    expect(stderr).not.toContain('MaxListenersExceededWarning');
  });

  it('answers 503 and names the task queues when no worker polls them', async () => {
    const res = await readyzUnstalled(namesDeadline);
    expect(res.statusCode).toBe(503);
    const body = res.json() as Ready;
    expect(body.status).toBe('not ready');
    expect(body.checks.temporal).toEqual({ ok: true });
    expect(body.checks.postgres).toEqual({ ok: true });
    expect(body.checks.redis).toEqual({ ok: true });
    expect(body.checks.workers.ok).toBe(false);
    expect(body.checks.workers.error).toMatch(/^no worker polls the task queues balances, analysis, enrichment: start one with 'npm run worker'$/);
  });

  it('shows the reasons to a caller with a key or on this machine, and only ok/not ok to anyone else', async () => {
    const local = (await readyzUnstalled(namesDeadline)).json() as Ready;
    const withKey = (await readyzUnstalled(namesDeadline, { 'x-api-key': KEY }, '203.0.113.9')).json() as Ready;
    const anonymous = await readyzUnstalled(dependencyFailed, {}, '203.0.113.9');
    const wrongKey = await readyzUnstalled(dependencyFailed, { 'x-api-key': 'not-a-key' }, '203.0.113.9');

    expect(local.checks.workers.error).toContain('no worker polls');
    expect(withKey.checks.workers.error).toContain('no worker polls');
    for (const res of [anonymous, wrongKey]) {
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not ready', checks: { temporal: { ok: true }, postgres: { ok: true }, redis: { ok: true }, workers: { ok: false } } });
    }
  });

  it('behind a proxy on this machine named in API_TRUST_PROXY, a client it forwards is not "on this machine": no reasons without a key', async () => {
    const viaProxy = { 'x-forwarded-for': '203.0.113.9' };
    // without API_TRUST_PROXY every client of a proxy on this machine reads as this machine
    const trusting = (await readyzUnstalled(namesDeadline, viaProxy)).json() as Ready;
    expect(trusting.checks.workers.error).toContain('no worker polls');
    const proxied = await buildApp({ config: { ...opened.stack.config, API_TRUST_PROXY: ['loopback'] }, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
    try {
      for (let attempt = 1; ; attempt++) {
        const res = await proxied.inject({ method: 'GET', url: '/readyz', headers: viaProxy, remoteAddress: '127.0.0.1' });
        if (attempt < 5 && dependencyFailed((res.json() as Ready).checks)) continue;
        expect(res.json()).toEqual({ status: 'not ready', checks: { temporal: { ok: true }, postgres: { ok: true }, redis: { ok: true }, workers: { ok: false } } });
        break;
      }
      // a caller on this machine itself still reads them
      const local = await proxied.inject({ method: 'GET', url: '/readyz', remoteAddress: '127.0.0.1' });
      expect((local.json() as Ready).checks.workers.error ?? (local.json() as Ready).checks.temporal.error).toBeDefined();
    } finally {
      await proxied.close();
    }
  });

  // after this test the stopped workers' last polls count as recent for a while: keep it last of the three
  it('answers 200 while workers poll every task queue', async () => {
    const res = await opened.stack.withWorkers(async () => {
      // a worker's first poll reaches the server a moment after it starts
      for (let i = 0; i < 50; i++) {
        const r = await readyz();
        if (r.statusCode === 200) return r;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return readyz();
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', checks: { temporal: { ok: true }, postgres: { ok: true }, redis: { ok: true }, workers: { ok: true } } });
  });

  describe('with Temporal unreachable', () => {
    let down: FastifyInstance;
    let url: string;
    let connection: Connection;
    beforeAll(async () => {
      // Port 1 (tcpmux): nothing listens there, so every connection is refused at once. A port that
      // was merely free a moment ago can be taken by another test file's server meanwhile, and a
      // handshake with a server that is not Temporal hangs instead of failing.
      connection = Connection.lazy({ address: '127.0.0.1:1' });
      const temporal = new Client({ connection, namespace: opened.stack.namespace });
      down = await buildApp({ config: opened.stack.config, temporal, pool: opened.stack.pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
      const address = await down.listen({ host: '127.0.0.1', port: 0 });
      url = address;
    });
    afterAll(async () => {
      await down?.close();
      // The SDK's gRPC retry sleeps in a timer that nothing cancels: a call the API gave up on at its
      // deadline may still retry once, up to about 3 s later, and a retry on a closed connection
      // throws "Channel has been shut down" from that timer (in whichever test file runs next in
      // this worker). Close the connection once those retries are over.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      await connection?.close().catch(() => undefined);
    });

    // A generous bound through the request itself (not a timing assertion): before the fix these
    // requests took about 20 s and 17 s.
    const within5s = () => ({ signal: AbortSignal.timeout(5_000) });

    it('GET /readyz answers 503 naming Temporal, with the other checks still answered', async () => {
      const res = await fetch(`${url}/readyz`, within5s());
      expect(res.status).toBe(503);
      const body = (await res.json()) as Ready;
      expect(body.checks.temporal.ok).toBe(false);
      expect(body.checks.workers.ok).toBe(false);
      expect(body.checks.postgres).toEqual({ ok: true });
      expect(body.checks.redis).toEqual({ ok: true });
    });

    it('POST /v1/analyses answers 503 problem+json with Retry-After, and keeps no row', async () => {
      // this key's rows of this group: other test files store and remove rows of their own meanwhile
      const count = async () => (await opened.stack.pool.query('SELECT count(*)::int AS n FROM analyses WHERE owner_key_id = $1 AND wallets @> $2', [apiKeyId(KEY), wallets])).rows[0].n as number;
      const before = await count();
      // the start's 3 s deadline, then 1 s asking whether the start happened after all (it may have,
      // on a Temporal that is only slow): about 4 s
      const res = await fetch(`${url}/v1/analyses`, {
        signal: AbortSignal.timeout(8_000),
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY },
        body: JSON.stringify({ wallets }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(res.headers.get('retry-after')).toBe('5');
      const problem = (await res.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:wallet-similarity:problem:temporal-unavailable');
      expect(problem.detail).toMatch(/could not be started/);
      expect(await count()).toBe(before);
    });

    it('POST /v1/watches answers 503 and keeps no watch; a stored watch reads with its schedule unknown, and its DELETE, run and change of interval answer 503 and keep it as it was', async () => {
      const owned = async () => (await opened.stack.pool.query('SELECT count(*)::int AS n FROM watches WHERE owner_key_id = $1', [apiKeyId(KEY)])).rows[0].n as number;
      const before = await owned();
      const res = await fetch(`${url}/v1/watches`, { signal: AbortSignal.timeout(8_000), method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': KEY }, body: JSON.stringify({ wallets }) });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const problem = (await res.json()) as { type: string; detail: string };
      expect(problem.type).toBe('urn:wallet-similarity:problem:temporal-unavailable');
      expect(problem.detail).toMatch(/^the watch could not be scheduled because Temporal did not answer/);
      expect(await owned()).toBe(before);

      const id = randomUUID();
      await insertWatch(opened.stack.pool, { id, ownerKeyId: apiKeyId(KEY), request: { wallets }, everyMinutes: 60, fairnessKey: null, namespace: opened.stack.namespace }, 100);
      const read = await fetch(`${url}/v1/watches/${id}`, { ...within5s(), headers: { 'x-api-key': KEY } });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ watchId: id, schedule: null, runs: [] });
      for (const [method, path, what] of [
        ['DELETE', `/v1/watches/${id}`, 'the watch could not be stopped'],
        ['POST', `/v1/watches/${id}/runs`, 'the run could not be started'],
        ['PATCH', `/v1/watches/${id}`, 'the watch could not be changed'],
      ] as const) {
        const body = method === 'PATCH' ? { body: JSON.stringify({ everyMinutes: 120 }) } : {};
        const headers = { 'x-api-key': KEY, ...(method === 'PATCH' ? { 'content-type': 'application/json' } : {}) };
        const answer = await fetch(`${url}${path}`, { ...within5s(), method, headers, ...body });
        expect(answer.status).toBe(503);
        expect(((await answer.json()) as { detail: string }).detail).toContain(what);
      }
      // kept, as it was (the interval's change waited for the schedule's, which Temporal did not answer)
      expect(await getWatch(opened.stack.pool, id)).toMatchObject({ everyMinutes: 60 });
    });

    it('proceed and DELETE of a running analysis answer 503 problem+json (before the fix about 20 s each), GET its stored row, its events say Temporal is not answering', async () => {
      const id = randomUUID();
      await insertAnalysis(opened.stack.pool, { id, workflowId: analysisWorkflowId(id), requestId: null, wallets, params: {}, ownerKeyId: apiKeyId(KEY) });
      for (const [method, path, what] of [
        ['POST', `/v1/analyses/${id}/proceed`, 'the signal could not be sent'],
        ['DELETE', `/v1/analyses/${id}`, 'the cancellation could not be sent'],
      ] as const) {
        const res = await fetch(`${url}${path}`, { ...within5s(), method, headers: { 'x-api-key': KEY } });
        expect(res.status).toBe(503);
        expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(res.headers.get('retry-after')).toBe('5');
        const problem = (await res.json()) as { type: string; detail: string };
        expect(problem.type).toBe('urn:wallet-similarity:problem:temporal-unavailable');
        expect(problem.detail).toContain(what);
      }
      const res = await fetch(`${url}/v1/analyses/${id}`, { ...within5s(), headers: { 'x-api-key': KEY } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ analysisId: id, status: 'running', progress: null });
      // nothing was changed on the row
      expect((await getAnalysis(opened.stack.pool, id))?.status).toBe('running');

      // its event stream says that Temporal is not answering (once), instead of staying silent
      const stream = await fetch(`${url}/v1/analyses/${id}/events`, { ...within5s(), headers: { 'x-api-key': KEY, accept: 'text/event-stream' } });
      expect(stream.status).toBe(200);
      const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      while (!text.includes('event: unavailable')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      await reader.cancel();
      const data = JSON.parse(/event: unavailable\ndata: (.*)\n/.exec(text)?.[1] ?? 'null') as { analysisId: string; dependency: string; detail: string } | null;
      expect(data).toMatchObject({ analysisId: id, dependency: 'temporal', detail: expect.stringContaining('Temporal is not answering') });
      await opened.stack.pool.query('DELETE FROM analyses WHERE id = $1', [id]);
    });

    it('DELETE of an analysis whose start is queued (left to the sweep) cancels it in PostgreSQL when Temporal does not answer, so that nothing starts it once Temporal is back', async () => {
      const id = randomUUID();
      const workflowId = analysisWorkflowId(id);
      await insertAnalysis(opened.stack.pool, { id, workflowId, requestId: null, wallets, params: {}, ownerKeyId: apiKeyId(KEY), startPending: true, fairnessKey: 'test', namespace: opened.stack.namespace });
      try {
        // (before the fix: 503 temporal-unavailable on every retry, and the sweep started it later). Temporal
        // is asked first (2 s): a start it has just accepted is recorded a moment later
        const res = await fetch(`${url}/v1/analyses/${id}`, { ...within5s(), method: 'DELETE', headers: { 'x-api-key': KEY, 'content-type': 'application/json' } });
        expect(res.status).toBe(202);
        expect(await res.json()).toMatchObject({ analysisId: id, workflowId, status: 'cancelled' });
        // no longer pending: the sweep (of any API process) starts only running rows whose start is pending
        expect(await getAnalysis(opened.stack.pool, id)).toMatchObject({ status: 'cancelled', startPending: false, error: 'cancelled by the user before its workflow started' });
        // a second DELETE is told it no longer runs
        const again = await fetch(`${url}/v1/analyses/${id}`, { ...within5s(), method: 'DELETE', headers: { 'x-api-key': KEY } });
        expect(again.status).toBe(409);
        expect(((await again.json()) as { type: string }).type).toBe('urn:wallet-similarity:problem:not-running');
      } finally {
        await opened.stack.pool.query('DELETE FROM analyses WHERE id = $1', [id]);
      }
    });

    it('POST /v1/wallets/status of 400 wallets answers from PostgreSQL within one deadline, not one second per 8 wallets', async () => {
      const many = Array.from({ length: 400 }, () => bs58.encode(randomBytes(32)));
      const started = Date.now();
      // (before the fix: 50 rounds of 8 describes, each waiting out its 1 s: about 50 s)
      const res = await fetch(`${url}/v1/wallets/status`, {
        ...within5s(),
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': KEY },
        body: JSON.stringify({ wallets: many }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { wallets: Array<{ wallet: string; status: string }> };
      expect(body.wallets.map((w) => w.wallet)).toEqual(many);
      expect(new Set(body.wallets.map((w) => w.status))).toEqual(new Set(['MISSING']));
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('the event stream carries the request id, as every answer does', async () => {
      const id = randomUUID();
      await insertAnalysis(opened.stack.pool, { id, workflowId: analysisWorkflowId(id), requestId: null, wallets, params: {}, ownerKeyId: apiKeyId(KEY) });
      // ended: its stream needs no Temporal, and ends by itself
      await opened.stack.pool.query(`UPDATE analyses SET status = 'failed', error = 'test', completed_at = now() WHERE id = $1`, [id]);
      try {
        const given = await fetch(`${url}/v1/analyses/${id}/events`, { ...within5s(), headers: { 'x-api-key': KEY, 'x-request-id': 'events-test-1' } });
        expect(given.status).toBe(200);
        expect(given.headers.get('x-request-id')).toBe('events-test-1');
        expect(await given.text()).toContain('event: end');
        const drawn = await fetch(`${url}/v1/analyses/${id}/events`, { ...within5s(), headers: { 'x-api-key': KEY } });
        expect(drawn.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
        await drawn.text();
      } finally {
        await opened.stack.pool.query('DELETE FROM analyses WHERE id = $1', [id]);
      }
    });
  });
});
