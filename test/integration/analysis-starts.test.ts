// POST /v1/analyses answers from the stored row while other starts wait on Temporal, and no
// accepted analysis is lost or left running: a start that Temporal did not take is started by the
// sweep, or failed by it with the reason once Temporal has refused it for too long. The "slow
// Temporal" is a real TCP server that accepts connections and never answers; the rest is the real
// stack (dev server, PostgreSQL, workers).
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { AnalysisStarts, DEFAULT_START_OPTIONS, inputOfPendingStart, sweepLock } from '../../src/api/analysis-starts';
import { buildApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { generateWorld } from '../../src/simulator';
import { getAnalysis, insertAnalysis, pendingStarts } from '../../src/store/analyses';
import { createPool, withTryAdvisoryLock } from '../../src/store/db';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { until } from '../harness/processes';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 151, wallets: 6, txPerWallet: 20, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const quiet = pino({ level: 'silent' });

/** A TCP server that accepts connections and never answers: a Temporal that takes no start. */
async function silentServer(): Promise<{ address: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('starting analyses without waiting for Temporal', () => {
  const opened = useSimulatedStack({ world });

  async function appWith(temporal: Client, settings: Partial<Config> = {}): Promise<FastifyInstance> {
    const { stack } = opened;
    const config: Config = { ...stack.config, API_RATE_LIMIT_MAX: 1000, ...settings };
    return buildApp({ config, temporal, pool: stack.pool, redis: stack.redis }, { rateLimitStore: 'memory' });
  }

  const post = (app: FastifyInstance, body: unknown) => app.inject({ method: 'POST', url: '/v1/analyses', payload: body as object });

  it('a burst is answered from the stored rows, and every analysis of it starts and completes', async () => {
    const { stack } = opened;
    // 0: every start handed off, so that each goes the background way
    const app = await appWith(stack.client, { API_START_HAND_OFF_AT: 0 });
    try {
      await stack.withWorkers(async () => {
        const groups = Array.from({ length: 12 }, (_, i) => [wallets[i % 6], wallets[(i + 1) % 6], wallets[(i + 3) % 6]]);
        const answers = await Promise.all(groups.map((g) => post(app, { wallets: g })));
        expect(answers.map((a) => a.statusCode)).toEqual(groups.map(() => 202));
        const ids = answers.map((a) => (a.json() as { analysisId: string }).analysisId);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) {
          await until(`analysis ${id} completed`, async () => ((await getAnalysis(stack.pool, id))?.status === 'completed' ? true : undefined), 120_000);
        }
        // every start was recorded (the UPDATE is batched: shortly after the start)
        await until('every start recorded', async () => {
          const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM analyses WHERE id = ANY($1) AND start_pending', [ids]);
          return rows[0].n === 0 ? true : undefined;
        });
        const { rows } = await stack.pool.query('SELECT DISTINCT fairness_key FROM analyses WHERE id = ANY($1)', [ids]);
        expect(rows.map((r) => r.fairness_key)).toEqual(['ip:127.0.0.1']);
      });
    } finally {
      await app.close();
    }
  });

  it("on API_DB_CONNECTIONS' least (2 connections), a burst that meets a sweep holding its lock is answered in full, and every analysis starts and completes", async () => {
    const { stack } = opened;
    const pool = createPool(stack.config.DATABASE_URL, 2);
    const app = await buildApp({ config: { ...stack.config, API_RATE_LIMIT_MAX: 1000, API_START_HAND_OFF_AT: 0, API_DB_CONNECTIONS: 2 }, temporal: stack.client, pool, redis: stack.redis }, { rateLimitStore: 'memory' });
    const sweeper = new AnalysisStarts({ pool, temporal: stack.client, log: quiet }, { ...DEFAULT_START_OPTIONS, handOffAt: 1, maxPending: 10, concurrency: 2, giveUpAfterMs: 3_600_000, sweepAfterMs: 0 });
    try {
      await stack.withWorkers(async () => {
        const groups = Array.from({ length: 16 }, (_, i) => [wallets[i % 6], wallets[(i + 2) % 6], wallets[(i + 4) % 6]]);
        // a sweep's lock held on one of the 2 connections through the whole burst (the app's own
        // sweep finds it taken), reading pending rows on the other as a sweep does
        const locked = await withTryAdvisoryLock(pool, sweepLock(stack.namespace), async () => {
          const answering = Promise.all(groups.map((g) => post(app, { wallets: g })));
          await pendingStarts(pool, stack.client.options.namespace, 0, 200);
          return answering;
        });
        if (!locked.locked) throw new Error('the sweep lock was taken');
        const answers = locked.value;
        expect(answers.map((a) => a.statusCode)).toEqual(groups.map(() => 202));
        const ids = answers.map((a) => (a.json() as { analysisId: string }).analysisId);
        // then a sweep on the same connections takes the lock (once the app's own sweep, every 5 s,
        // does not hold it) and starts whatever is still pending
        await until('a sweep that held the lock', async () => ((await sweeper.sweep()).locked ? true : undefined));
        for (const id of ids) {
          await until(`analysis ${id} completed`, async () => ((await getAnalysis(stack.pool, id))?.status === 'completed' ? true : undefined), 120_000);
        }
        await until('every start recorded', async () => {
          const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM analyses WHERE id = ANY($1) AND start_pending', [ids]);
          return rows[0].n === 0 ? true : undefined;
        });
      });
    } finally {
      await sweeper.close();
      await app.close();
      await pool.end();
    }
  });

  it('a Temporal that does not answer or refuses: handed-off requests are kept, further ones answer 503 (past API_START_MAX_PENDING, or once a start was refused), and the sweep starts the kept ones', async () => {
    const { stack } = opened;
    const silent = await silentServer();
    const connection = await Connection.lazy({ address: silent.address });
    const stuck = new Client({ connection, namespace: stack.namespace });
    // 0: hand off even the first start, so that the request never waits on the silent server;
    // at most 2 handed off, then a request waits for its own
    const app = await appWith(stuck, { API_START_HAND_OFF_AT: 0, API_START_MAX_PENDING: 2 });
    let kept: string[] = [];
    try {
      const first = await post(app, { wallets: wallets.slice(0, 3) });
      const second = await post(app, { wallets: wallets.slice(1, 4) });
      expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
      kept = [first, second].map((a) => (a.json() as { analysisId: string }).analysisId);
      for (const id of kept) {
        const row = await getAnalysis(stack.pool, id);
        expect(row).toMatchObject({ status: 'running', startPending: true });
      }
      // GET while Temporal does not answer: the row as it is, still running
      const view = await app.inject({ method: 'GET', url: `/v1/analyses/${kept[0]}` });
      expect(view.statusCode).toBe(200);
      expect((view.json() as { status: string }).status).toBe('running');

      // two starts wait in the background (for up to 30 s): the third request waits for its own, and Temporal's silence is a 503
      const refused = await post(app, { wallets: wallets.slice(2, 5) });
      expect(refused.statusCode).toBe(503);
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect((refused.json() as { detail: string }).detail).toContain('Temporal did not accept the workflow');
      const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM analyses WHERE NOT (id = ANY($1)) AND $2 = ALL(wallets) AND start_pending', [kept, wallets[4]]);
      expect(rows[0].n).toBe(0); // the refused request's row was removed
    } finally {
      // the background starts are abandoned, not waited for: their rows stay pending
      await app.close();
      await connection.close();
      await silent.close();
    }
    // a Temporal that refuses at once (a namespace it does not have): once a background start was
    // refused, requests wait for their own again, and so answer 503 at once
    const noSuchNamespace = `no-such-namespace-${randomUUID()}`;
    const refusing = await appWith(new Client({ connection: stack.client.connection, namespace: noSuchNamespace }), { API_START_HAND_OFF_AT: 0 });
    // the rows it kept before: that namespace's, which only its own API's sweep starts (or fails)
    const keptThere: string[] = [];
    try {
      const refused = await until('a refused background start', async () => {
        const res = await post(refusing, { wallets: wallets.slice(3, 6) });
        if (res.statusCode !== 202) return res;
        keptThere.push((res.json() as { analysisId: string }).analysisId);
        return undefined;
      });
      expect(refused.statusCode).toBe(503);
      expect((refused.json() as { detail: string }).detail).toMatch(/Temporal did not accept the workflow \(.*no-such-namespace/);
    } finally {
      await refusing.close();
    }
    expect(keptThere.length).toBeGreaterThanOrEqual(1);
    // the kept rows are still there, still pending
    for (const id of [...kept, ...keptThere]) expect((await getAnalysis(stack.pool, id))?.startPending).toBe(true);

    // any API process's sweep starts them once Temporal answers
    const starts = new AnalysisStarts({ pool: stack.pool, temporal: stack.client, log: quiet }, { ...DEFAULT_START_OPTIONS, handOffAt: 1, maxPending: 10, concurrency: 2, giveUpAfterMs: 3_600_000, sweepAfterMs: 0 });
    try {
      const swept = await starts.sweep();
      expect(swept.locked).toBe(true);
      expect(swept.started).toBeGreaterThanOrEqual(kept.length);
      await stack.withWorkers(async () => {
        for (const id of kept) {
          const result = await stack.client.workflow.getHandle(analysisWorkflowId(id)).result();
          expect(result).toBeDefined();
          expect((await getAnalysis(stack.pool, id))?.status).toBe('completed');
        }
      });
    } finally {
      await starts.close();
    }
    for (const id of kept) expect((await getAnalysis(stack.pool, id))?.startPending).toBe(false);
    // the other namespace's rows were not started in this one
    for (const id of keptThere) expect(await getAnalysis(stack.pool, id)).toMatchObject({ status: 'running', startPending: true, namespace: noSuchNamespace });
    await stack.pool.query(`UPDATE analyses SET status = 'failed', start_pending = false WHERE id = ANY($1)`, [keptThere]);
  });

  it('a row Temporal refuses past the give-up time is failed by the sweep with the reason, and GET says so', async () => {
    const { stack } = opened;
    const silent = await silentServer();
    const connection = await Connection.lazy({ address: silent.address });
    const stuck = new Client({ connection, namespace: stack.namespace });
    const id = randomUUID();
    await insertAnalysis(stack.pool, { id, workflowId: analysisWorkflowId(id), requestId: null, wallets: wallets.slice(0, 2), params: { window: 30, sync: 'auto', failureThreshold: 0.5 }, startPending: true, fairnessKey: 'ip:127.0.0.1' });
    await stack.pool.query(`UPDATE analyses SET created_at = now() - interval '2 hours' WHERE id = $1`, [id]);
    const starts = new AnalysisStarts({ pool: stack.pool, temporal: stuck, log: quiet }, { ...DEFAULT_START_OPTIONS, handOffAt: 1, maxPending: 10, concurrency: 2, giveUpAfterMs: 3_600_000, sweepAfterMs: 0 });
    try {
      // other tests' pending rows may come first: sweep until this one has ended
      await until('the sweep failed the row', async () => {
        await starts.sweep();
        return (await getAnalysis(stack.pool, id))?.status === 'failed' ? true : undefined;
      }, 60_000);
    } finally {
      await starts.close();
      await connection.close();
      await silent.close();
    }
    const row = await getAnalysis(stack.pool, id);
    expect(row).toMatchObject({ status: 'failed', startPending: false });
    expect(row?.error).toMatch(/^Temporal did not accept the analysis's workflow for 120 minutes \(last: .*(DEADLINE_EXCEEDED|did not answer within 3000 ms).*\): start the analysis again$/);
    const app = await appWith(stack.client);
    try {
      const view = (await app.inject({ method: 'GET', url: `/v1/analyses/${id}` })).json() as { status: string; error: string };
      expect(view).toMatchObject({ status: 'failed', error: row?.error });
    } finally {
      await app.close();
    }
  });

  it("starts only its own namespace's pending rows (and those stored before namespaces were kept); another namespace's running row is left to that deployment's API", async () => {
    const { stack } = opened;
    const elsewhere = 'wallet-similarity-elsewhere';
    const row = (namespace?: string, startPending = true) => {
      const id = randomUUID();
      return { id, workflowId: analysisWorkflowId(id), requestId: null, wallets: wallets.slice(0, 2), params: { window: 30, sync: 'auto', failureThreshold: 0.5 }, startPending, fairnessKey: 'ip:127.0.0.1', namespace };
    };
    const own = row(stack.namespace);
    const legacy = row(undefined);
    const other = row(elsewhere);
    const otherStarted = row(elsewhere, false); // its workflow started there, an hour ago
    for (const r of [own, legacy, other, otherStarted]) await insertAnalysis(stack.pool, r);
    await stack.pool.query(`UPDATE analyses SET created_at = now() - interval '1 hour' WHERE id = ANY($1)`, [[other.id, otherStarted.id]]);
    const starts = new AnalysisStarts({ pool: stack.pool, temporal: stack.client, log: quiet }, { ...DEFAULT_START_OPTIONS, handOffAt: 1, maxPending: 10, concurrency: 2, giveUpAfterMs: 3_600_000, sweepAfterMs: 0 });
    const app = await appWith(stack.client);
    const replayed: string[] = [];
    try {
      await until('the sweep started its own rows', async () => {
        await starts.sweep();
        const { rows } = await stack.pool.query('SELECT count(*)::int AS n FROM analyses WHERE id = ANY($1) AND start_pending', [[own.id, legacy.id]]);
        return rows[0].n === 0 ? true : undefined;
      });
      await starts.sweep(); // once more, now that nothing of its own is pending
      // the row of no namespace was claimed by this one's sweep (and is this namespace's now)
      expect(await getAnalysis(stack.pool, legacy.id)).toMatchObject({ startPending: false, namespace: stack.namespace });
      expect(await getAnalysis(stack.pool, own.id)).toMatchObject({ startPending: false, namespace: stack.namespace });
      expect(await getAnalysis(stack.pool, other.id)).toMatchObject({ status: 'running', startPending: true, namespace: elsewhere });
      await expect(stack.client.workflow.getHandle(other.workflowId).describe()).rejects.toThrow(WorkflowNotFoundError);
      expect((await stack.client.workflow.getHandle(own.workflowId).describe()).status.name).toBe('RUNNING');

      // its workflow is missing from this namespace, not gone: the row is not repaired as failed
      const view = await app.inject({ method: 'GET', url: `/v1/analyses/${otherStarted.id}` });
      expect(view.json()).toMatchObject({ status: 'running', links: { temporalUi: expect.stringContaining(`/namespaces/${elsewhere}/workflows/`) } });
      expect(await getAnalysis(stack.pool, otherStarted.id)).toMatchObject({ status: 'running' });
      const cancel = await app.inject({ method: 'DELETE', url: `/v1/analyses/${otherStarted.id}` });
      expect(cancel.statusCode).toBe(409);
      expect(cancel.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:other-namespace', detail: expect.stringContaining(`Temporal namespace '${elsewhere}'`) });

      // a replay of its Idempotency-Key answers with it and starts nothing here (its API's sweep does)
      const body = { wallets: wallets.slice(0, 2) };
      const first = await app.inject({ method: 'POST', url: '/v1/analyses', payload: body, headers: { 'idempotency-key': `here-${own.id}` } });
      expect(first.statusCode).toBe(202);
      const started = (await getAnalysis(stack.pool, (first.json() as { analysisId: string }).analysisId))!;
      replayed.push(started.workflowId);
      const there = { ...row(elsewhere), idempotencyKey: `there-${own.id}`, params: started.params };
      await insertAnalysis(stack.pool, there);
      replayed.push(there.workflowId);
      const replay = await app.inject({ method: 'POST', url: '/v1/analyses', payload: body, headers: { 'idempotency-key': there.idempotencyKey } });
      expect(replay.statusCode).toBe(202);
      expect(replay.json()).toMatchObject({ analysisId: there.id, status: 'running', idempotentReplay: true, links: { temporalUi: expect.stringContaining(`/namespaces/${elsewhere}/workflows/`) } });
      await expect(stack.client.workflow.getHandle(there.workflowId).describe()).rejects.toThrow(WorkflowNotFoundError);
      expect(await getAnalysis(stack.pool, there.id)).toMatchObject({ status: 'running', startPending: true });

      // a pending row of no namespace goes to the first namespace whose sweep reads it, and to no other
      const unclaimed = row(undefined);
      await insertAnalysis(stack.pool, unclaimed);
      replayed.push(unclaimed.workflowId);
      expect((await pendingStarts(stack.pool, elsewhere, 0, 1000)).map((r) => r.id)).toContain(unclaimed.id);
      expect((await pendingStarts(stack.pool, stack.namespace, 0, 1000)).map((r) => r.id)).not.toContain(unclaimed.id);
      expect(await getAnalysis(stack.pool, unclaimed.id)).toMatchObject({ startPending: true, namespace: elsewhere });
    } finally {
      await app.close();
      await starts.close();
      for (const workflowId of [own.workflowId, legacy.workflowId, ...replayed]) await stack.client.workflow.getHandle(workflowId).terminate('test over').catch(() => undefined);
      await stack.pool.query(`UPDATE analyses SET status = 'cancelled', start_pending = false WHERE id = ANY($1) OR workflow_id = ANY($2)`, [[own.id, legacy.id, other.id, otherStarted.id], replayed]);
    }
  });

  it('an analysis whose start is still queued: DELETE cancels it for good (its queued start and the sweep then start nothing), and proceed says it has not started yet', async () => {
    const { stack } = opened;
    const id = randomUUID();
    const pending = { id, workflowId: analysisWorkflowId(id), requestId: null, wallets: wallets.slice(0, 2), params: { window: 30, sync: 'auto', failureThreshold: 0.5 }, startPending: true, fairnessKey: 'ip:127.0.0.1', namespace: stack.namespace };
    await insertAnalysis(stack.pool, pending);
    const app = await appWith(stack.client);
    const starts = new AnalysisStarts({ pool: stack.pool, temporal: stack.client, log: quiet }, { ...DEFAULT_START_OPTIONS, handOffAt: 0, maxPending: 10, concurrency: 2, giveUpAfterMs: 3_600_000, sweepAfterMs: 0 });
    try {
      const proceed = await app.inject({ method: 'POST', url: `/v1/analyses/${id}/proceed` });
      expect(proceed.statusCode).toBe(409);
      expect((proceed.json() as { detail: string }).detail).toContain('has not started yet');

      const cancel = await app.inject({ method: 'DELETE', url: `/v1/analyses/${id}` });
      expect(cancel.statusCode).toBe(202);
      expect(cancel.json()).toMatchObject({ analysisId: id, status: 'cancelled' });
      expect(await getAnalysis(stack.pool, id)).toMatchObject({ status: 'cancelled', error: 'cancelled by the user before its workflow started' });
      // the start queued in the background, and the sweep, come after: neither starts it
      expect(await starts.start(inputOfPendingStart(pending), null)).toBe('handedOff');
      await until('the background start settled', async () => ((starts as unknown as { inFlight: Map<string, unknown> }).inFlight.size === 0 ? true : undefined));
      await starts.sweep();
      await expect(stack.client.workflow.getHandle(pending.workflowId).describe()).rejects.toThrow(WorkflowNotFoundError);
      // a second DELETE: no longer running
      expect((await app.inject({ method: 'DELETE', url: `/v1/analyses/${id}` })).statusCode).toBe(409);
    } finally {
      await app.close();
      await starts.close();
    }
  });

  it("a DELETE while Temporal is slow to accept the request's own start: the workflow the start then gets is asked to cancel", async () => {
    const { stack } = opened;
    const id = randomUUID();
    const pending = { id, workflowId: analysisWorkflowId(id), requestId: null, wallets: wallets.slice(0, 2), params: { window: 30, sync: 'auto', failureThreshold: 0.5 }, startPending: true, fairnessKey: 'ip:127.0.0.1', namespace: stack.namespace };
    await insertAnalysis(stack.pool, pending);
    // the real Temporal, whose acceptance of the start waits until the test lets it through
    let accept: () => void = () => undefined;
    const accepted = new Promise<void>((resolve) => (accept = resolve));
    const workflow = Object.create(stack.client.workflow, {
      start: { value: async (...args: Parameters<Client['workflow']['start']>) => (await accepted, stack.client.workflow.start(...args)) },
    }) as Client['workflow'];
    const slow = Object.create(stack.client, { workflow: { value: workflow } }) as Client;
    // never handed off: the request waits for its own start
    const starts = new AnalysisStarts({ pool: stack.pool, temporal: slow, log: quiet }, { ...DEFAULT_START_OPTIONS, handOffAt: 1_000, maxPending: 10, concurrency: 2, giveUpAfterMs: 3_600_000, sweepAfterMs: 3_600_000 });
    const app = await appWith(stack.client);
    try {
      const starting = starts.start(inputOfPendingStart(pending), null);
      // Temporal does not know the workflow yet: the DELETE cancels the pending row
      const cancel = await app.inject({ method: 'DELETE', url: `/v1/analyses/${id}` });
      expect(cancel.json()).toMatchObject({ analysisId: id, status: 'cancelled' });
      accept();
      expect(await starting).toBe('started');
      // (no worker runs here: the cancellation is requested, in the workflow's history)
      await until('the workflow started after the DELETE is asked to cancel', async () => {
        const history = await stack.client.workflow.getHandle(pending.workflowId).fetchHistory();
        return history.events?.some((e) => e.workflowExecutionCancelRequestedEventAttributes) ? true : undefined;
      });
      expect(await getAnalysis(stack.pool, id)).toMatchObject({ status: 'cancelled', error: 'cancelled by the user before its workflow started' });
    } finally {
      await app.close();
      await starts.close();
    }
  });

  it('the workflow input of a stored row: a wallets request and a token request', () => {
    const base = { id: 'a1', requestId: 'r1' };
    expect(inputOfPendingStart({ ...base, wallets: ['w1', 'w2'], params: { window: 30, sync: 'auto' } })).toEqual({ analysisId: 'a1', requestId: 'r1', request: { window: 30, sync: 'auto', wallets: ['w1', 'w2'] } });
    expect(inputOfPendingStart({ ...base, wallets: [], params: { window: 30, token: 'mint', top: 100 } })).toEqual({ analysisId: 'a1', requestId: 'r1', request: { window: 30, token: 'mint', top: 100 } });
  });
});
