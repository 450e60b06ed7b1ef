// A watch's webhook (POST /v1/watches {notify}): each run it is due for is POSTed to a real HTTP
// receiver, signed with the secret the 201 gave once; a 429 with Retry-After is tried again after
// it, a 404 is not; a run that changed something is told with `on` changes, a run that did not is
// not; the URL's path (often a token) and the secret never show in GET. Two runs begun in the same
// second (a run asked for just after the first one closed; and two runs given one workflow id) are
// two runs. A run does not wait for its delivery (a workflow of its own); the sweep gives up a
// delivery stopped without an outcome and starts one never begun; a new secret signs beside the old
// one for the hours asked; PATCH adds, moves, changes and removes the webhook. Real API (app.inject),
// Temporal, PostgreSQL, Redis and simulator; the receiver is a node:http server on 127.0.0.1
// (WATCH_WEBHOOK_PRIVATE_ADDRESSES=true; without it such a URL is refused: the last test).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { FastifyInstance } from 'fastify';
import { createWatchActivities } from '../../src/activities/watches';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import type { SecretRotated, WatchRunEvent, WatchView } from '../../src/api/schemas/watches';
import { loadConfig } from '../../src/config';
import { generateWorld } from '../../src/simulator';
import { WORKFLOW_TASK_QUEUE, watchDeliveryWorkflowId, watchScheduleId } from '../../src/workflows/contract';
import { sweepWatchDeliveriesWorkflow, watchDeliveryWorkflow } from '../../src/workflows/watch-delivery';
import { watchRunWorkflow } from '../../src/workflows/watch-run';
import { insertWatch } from '../../src/store/watches';
import { sweepWatchDeliveries, WEBHOOK_REMOVED } from '../../src/store/watch-runs';
import { DELIVERY_SWEEP_SCHEDULE_ID, ensureDeliverySweepSchedule } from '../../src/temporal/schedules';
import { WEBHOOK_HEADERS, newWebhookSecret, signWebhook } from '../../src/providers/webhooks';
import { buildActivityDeps } from '../../src/wiring';
import { analysisRequest, seedCompletedAnalysis } from '../harness/analyses';
import { until } from '../harness/processes';
import { lastScheduledRun, removeSchedulesAndRuns } from '../harness/schedules';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 6607, wallets: 6, txPerWallet: 12, largeWallet: false });
const w = (world.wallets as Array<{ address: string }>).map((x) => x.address).sort();

const KEY = 'webhook-watch-key-51f0c2';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver on 127.0.0.1 that records each POST and answers as `answer` says (200 by default). */
function receiver() {
  const received: Received[] = [];
  let answer: (n: number) => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const a = answer(received.length);
      res.writeHead(a.status, a.headers).end('{"ok":true}');
    });
  });
  return {
    received,
    answer: (f: typeof answer) => void (answer = f),
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("a watch's webhook", () => {
  let app: FastifyInstance;
  const hook = receiver();
  let base = '';
  const opened = useSimulatedStack(
    { world },
    { API_KEYS: KEY, WATCH_WEBHOOK_PRIVATE_ADDRESSES: 'true' },
    {
      afterOpen: async () => {
        base = await hook.listen();
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
      },
      beforeClose: async () => {
        await removeSchedulesAndRuns(opened.stack.client);
        await app?.close();
        await hook.close();
      },
    },
  );
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) => app.inject({ method, url, headers: { 'x-api-key': KEY }, ...(payload ? { payload } : {}) });
  const watchOf = async (id: string) => (await call('GET', `/v1/watches/${id}`)).json() as WatchView;
  /** The watch once `n` runs have ended and none of their deliveries is pending. */
  const settled = (id: string, n: number) =>
    until(`${n} runs of watch ${id} ended and told`, async () => {
      const watch = await watchOf(id);
      return watch.runs.length >= n && watch.runs.every((r) => r.endedAt !== null && r.notification?.state !== 'pending') ? watch : undefined;
    }, 120_000);
  const runsOfSchedule = async (watchId: string) => {
    const ids: string[] = [];
    for await (const wf of opened.stack.client.workflow.list({ query: `WorkflowType = "watchRunWorkflow" AND ExecutionStatus != "Running"` })) {
      if (wf.workflowId.startsWith(`watch:${watchId}-`)) ids.push(wf.runId);
    }
    return ids;
  };

  afterEach(() => {
    hook.received.length = 0;
    hook.answer(() => ({ status: 200 }));
  });

  it('POSTs every run, signed with the secret given when the watch is made (and to a retry of that request), and two runs begun in the same second are two runs', async () => {
    const group = w.slice(0, 3);
    await opened.stack.withWorkers(async () => {
      const res = await call('POST', '/v1/watches', { wallets: group, sync: 'auto', everyMinutes: 720, notify: { url: `${base}/hooks/T0KEN-in-the-path?sig=abc`, on: 'every-run' } });
      expect(res.statusCode).toBe(201);
      const created = res.json() as WatchView;
      // the origin only, and the secret this once
      expect(created.notify).toEqual({ target: `${base}/…`, on: 'every-run', secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{43}$/) });
      const secret = created.notify?.secret as string;
      const first = (await settled(created.watchId, 1)).runs[0];
      expect(first).toMatchObject({ status: 'completed', comparison: 'first', notification: { state: 'delivered', attempts: 1, error: null, deliveredAt: expect.any(String) } });

      expect(hook.received).toHaveLength(1);
      const [got] = hook.received;
      expect(got.path).toBe('/hooks/T0KEN-in-the-path?sig=abc');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers[WEBHOOK_HEADERS.event]).toBe('watch.run');
      const timestamp = Number(got.headers[WEBHOOK_HEADERS.timestamp]);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(600);
      // what a receiver checks: the signature of `<timestamp>.<body>` with the secret
      expect(got.headers[WEBHOOK_HEADERS.signature]).toBe(signWebhook(secret, timestamp, got.body));
      expect(got.headers[WEBHOOK_HEADERS.signature]).not.toBe(signWebhook(newWebhookSecret(), timestamp, got.body));
      const event = JSON.parse(got.body) as WatchRunEvent;
      const { notification: _delivery, ...shown } = first;
      expect(event).toEqual({ type: 'watch.run', deliveryId: got.headers[WEBHOOK_HEADERS.delivery], watchId: created.watchId, run: shown, links: { watch: `/v1/watches/${created.watchId}` } });

      // never again: not the secret, not the URL's path
      const again = await call('GET', `/v1/watches/${created.watchId}`);
      const list = await call('GET', '/v1/watches');
      for (const body of [again.body, list.body]) {
        expect(body).not.toContain(secret);
        expect(body).not.toContain('T0KEN');
      }
      expect((again.json() as WatchView).notify).toEqual({ target: `${base}/…`, on: 'every-run' });
      // the same request repeated by the same key (a retry whose 201 was lost): 200 and the same secret
      const retried = await call('POST', '/v1/watches', { wallets: group, sync: 'auto', everyMinutes: 720, notify: { url: `${base}/hooks/T0KEN-in-the-path?sig=abc`, on: 'every-run' } });
      expect({ status: retried.statusCode, notify: (retried.json() as WatchView).notify }).toEqual({ status: 200, notify: { target: `${base}/…`, on: 'every-run', secret } });
      // with another webhook: 409, the watch as it was
      const other = await call('POST', '/v1/watches', { wallets: group, sync: 'auto', everyMinutes: 720, notify: { url: `${base}/elsewhere` } });
      expect(other.statusCode).toBe(409);
      expect((other.json() as { detail: string }).detail).toContain(`with a webhook to ${base}/… on every-run (watch ${created.watchId})`);

      // the second run asked for at once: begun within the second of the first as often as not,
      // so with the first one's workflow id; it is a run of its own all the same
      await until('the schedule sees its run closed', async () => ((await watchOf(created.watchId)).schedule?.running === false ? true : undefined));
      expect((await call('POST', `/v1/watches/${created.watchId}/runs`)).statusCode).toBe(202);
      const two = await settled(created.watchId, 2);
      expect(two.runs).toHaveLength(2);
      expect(two.runs[0].analysisId).not.toBe(two.runs[1].analysisId);
      expect(two.runs[0]).toMatchObject({ comparison: 'compared', since: first.analysisId, notification: { state: 'delivered' } });
      expect(hook.received).toHaveLength(2);
      expect(new Set(hook.received.map((r) => r.headers[WEBHOOK_HEADERS.delivery])).size).toBe(2);
      expect(await runsOfSchedule(created.watchId)).toHaveLength(2);
    });
  });

  it('two runs that the schedule gave one workflow id (begun in the same second) are two runs, each told once', async () => {
    const { pool, client, namespace } = opened.stack;
    const watchId = randomUUID();
    const stored = await insertWatch(
      pool,
      { id: watchId, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(3, 6), sync: 'auto' }), everyMinutes: 60, fairnessKey: null, namespace, notify: { url: `${base}/same-second`, on: 'every-run', secret: newWebhookSecret() } },
      100,
    );
    expect(stored).toBe('inserted');
    // as the schedule names them: its id and the second the run began
    const workflowId = `${watchScheduleId(watchId)}-2026-12-07T15:00:00Z`;
    const [ended, runs] = await opened.stack.withWorkers(async () => {
      const first = await client.workflow.execute(watchRunWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId, args: [{ watchId }] });
      const second = await client.workflow.execute(watchRunWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId, args: [{ watchId }] });
      // each run's delivery goes on after the run: waited for here, while the workers run
      return [[first, second], await settled(watchId, 2)] as const;
    });
    expect(ended[1]?.analysisId).not.toBe(ended[0]?.analysisId);
    expect(ended[1]).toMatchObject({ comparison: 'compared', since: ended[0]?.analysisId, notify: true });
    expect(runs.runs.map((r) => [r.analysisId, r.notification?.state])).toEqual([
      [ended[1]?.analysisId, 'delivered'],
      [ended[0]?.analysisId, 'delivered'],
    ]);
    expect(hook.received.map((r) => (JSON.parse(r.body) as WatchRunEvent).run.analysisId).sort()).toEqual([ended[0]?.analysisId, ended[1]?.analysisId].sort());
  });

  it("does not hold the run back while its receiver fails: the run closes, its delivery goes on as a workflow of its own; the sweep gives up one stopped without an outcome and starts one never begun", async () => {
    const { pool, client, namespace } = opened.stack;
    const watchId = randomUUID();
    await insertWatch(
      pool,
      { id: watchId, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(2, 5), sync: 'auto', window: 11 }), everyMinutes: 60, fairnessKey: null, namespace, notify: { url: `${base}/down`, on: 'every-run', secret: newWebhookSecret() } },
      100,
    );
    hook.answer(() => ({ status: 503 }));
    const workflowId = `${watchScheduleId(watchId)}-2026-12-07T16:00:00Z`;
    await opened.stack.withWorkers(async () => {
      const run = await client.workflow.start(watchRunWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId, args: [{ watchId }] });
      expect(await run.result()).toMatchObject({ comparison: 'first', notify: true });
      const runKey = `${workflowId}/${run.firstExecutionRunId}`;
      // the run has closed; its delivery is still being tried (a 503 is tried again), as its own workflow
      const delivery = client.workflow.getHandle(watchDeliveryWorkflowId(watchId, runKey));
      expect((await delivery.describe()).status.name).toBe('RUNNING');
      const tried = await until('a failed attempt recorded', async () => {
        const [r] = (await watchOf(watchId)).runs;
        return r.notification && r.notification.attempts >= 1 ? r.notification : undefined;
      });
      expect(tried).toEqual({ state: 'pending', attempts: expect.any(Number), error: 'the receiver answered 503', deliveredAt: null });

      // stopped without an outcome (an operator terminated it): pending, until the sweep finds it a day old
      await delivery.terminate('an operator stops it');
      await pool.query(`UPDATE watch_runs SET ended_at = now() - interval '26 hours', notify_started_at = now() - interval '25 hours 30 minutes' WHERE watch_id = $1`, [watchId]);
      // and a run ended minutes ago whose delivery was never begun (its run terminated before it started it)
      hook.answer(() => ({ status: 200 }));
      const [{ analysisId }] = (await watchOf(watchId)).runs;
      await pool.query(
        `INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification) VALUES ($1, 'never-begun', $2, now() - interval '5 minutes', 'first', 'pending')`,
        [watchId, analysisId],
      );
      const swept = await client.workflow.execute(sweepWatchDeliveriesWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `sweep-${randomUUID()}` });
      expect(swept).toEqual({ givenUp: 1, started: 1, running: 0 });
      await settled(watchId, 2);
      const states = (await pool.query(`SELECT run_key, notification, notify_error FROM watch_runs WHERE watch_id = $1 ORDER BY run_key`, [watchId])).rows;
      expect(states).toEqual([
        { run_key: 'never-begun', notification: 'delivered', notify_error: null },
        // the last attempt's reason stays
        { run_key: runKey, notification: 'failed', notify_error: 'the receiver answered 503' },
      ]);
      // a sweep again finds nothing to do
      expect(await client.workflow.execute(sweepWatchDeliveriesWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `sweep-${randomUUID()}` })).toEqual({ givenUp: 0, started: 0, running: 0 });
    });

    // a delivery begun 24 hours ago and retrying still (its last attempt's record failed) is not
    // given up before its budget, counted from its first attempt, is spent (an hour past it)
    await pool.query(`UPDATE watch_runs SET notification = 'pending', ended_at = now() - interval '30 hours', notify_started_at = now() - interval '24 hours' WHERE watch_id = $1 AND run_key = 'never-begun'`, [watchId]);
    await opened.stack.withWorkers(async () => {
      expect(await client.workflow.execute(sweepWatchDeliveriesWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `sweep-${randomUUID()}` })).toEqual({ givenUp: 0, started: 0, running: 0 });
    });
  });

  it('a sweep\'s batch takes runs no sweep took yet first, leaves those taken within the hour, and reaches every run of a backlog in turn', async () => {
    const { pool } = opened.stack;
    // a namespace of its own: no other test's run is swept here
    const namespace = `sweep-batches-${randomUUID()}`;
    const watchId = randomUUID();
    await insertWatch(pool, { id: watchId, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(1, 4), sync: 'auto', window: 14 }), everyMinutes: 60, fairnessKey: null, namespace, notify: { url: `${base}/batches`, on: 'every-run', secret: newWebhookSecret() } }, 100);
    const analysisId = await seedCompletedAnalysis(pool, { ownerKeyId: apiKeyId(KEY), group: w.slice(1, 4), clusters: [], scores: {} });
    for (const [runKey, minutes] of [['a', 50], ['b', 40], ['c', 30]] as const) {
      await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification) VALUES ($1, $2, $3, now() - make_interval(mins => $4), 'first', 'pending')`, [watchId, runKey, analysisId, minutes]);
    }
    // each call a sweep of its own, unless one is named (a step retried)
    const sweep = (sweepId: string = randomUUID()) =>
      sweepWatchDeliveries(pool, namespace, { giveUpAfterMs: 25 * 3_600_000, startAfterMs: 120_000, startWithinMs: 24 * 3_600_000, resweepAfterMs: 3_600_000, limit: 2, reason: 'test', sweepId });
    // the oldest two, then the one left; then none (each taken within the hour)
    expect((await sweep('first')).unstarted.map((r) => r.runKey)).toEqual(['a', 'b']);
    expect((await sweep()).unstarted.map((r) => r.runKey)).toEqual(['c']);
    expect((await sweep()).unstarted).toEqual([]);
    // the first sweep's step retried (its worker lost after the commit): the runs it marked, again
    expect((await sweep('first')).unstarted.map((r) => r.runKey)).toEqual(['a', 'b']);
    // an hour on: the one taken longest ago first
    await pool.query(`UPDATE watch_runs SET notify_swept_at = notify_swept_at - interval '61 minutes' WHERE watch_id = $1`, [watchId]);
    await pool.query(`UPDATE watch_runs SET notify_swept_at = notify_swept_at - interval '5 minutes' WHERE watch_id = $1 AND run_key = 'c'`, [watchId]);
    expect((await sweep()).unstarted.map((r) => r.runKey)).toEqual(['c', 'a']);
    // a run that ended since, no sweep having taken it, comes before them all
    await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification) VALUES ($1, 'd', $2, now() - interval '3 minutes', 'first', 'pending')`, [watchId, analysisId]);
    expect((await sweep()).unstarted.map((r) => r.runKey)).toEqual(['d', 'b']);
    await pool.query('DELETE FROM watches WHERE id = $1', [watchId]);
  });

  it('the sweep joins a delivery its run started whose first attempt has not begun, and leaves one whose attempt is in flight: one delivery each, not two', async () => {
    const { pool, client, namespace } = opened.stack;
    const watchId = randomUUID();
    await insertWatch(pool, { id: watchId, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(1, 4), sync: 'auto', window: 14 }), everyMinutes: 60, fairnessKey: null, namespace, notify: { url: `${base}/joined`, on: 'every-run', secret: newWebhookSecret() } }, 100);
    const analysisId = await seedCompletedAnalysis(pool, { ownerKeyId: apiKeyId(KEY), group: w.slice(1, 4), clusters: [], scores: {} });
    await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification) VALUES ($1, 'queued', $2, now() - interval '5 minutes', 'first', 'pending')`, [watchId, analysisId]);
    // and one whose first attempt began and has recorded nothing yet (its receiver slow to answer): not started again
    await pool.query(
      `INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification, notify_started_at) VALUES ($1, 'in-flight', $2, now() - interval '5 minutes', 'first', 'pending', now() - interval '3 minutes')`,
      [watchId, analysisId],
    );
    // its delivery started, its first attempt held back (a backlog on the queue): nothing marks it
    // begun; the attempt ends when the workers stop (their shutdown cancels it)
    const held = () => new Promise<never>((_, reject) => Context.current().cancellationSignal.addEventListener('abort', () => reject(new Error('held back'))));
    const delivery = await client.workflow.start(watchDeliveryWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: watchDeliveryWorkflowId(watchId, 'queued'), args: [{ watchId, runKey: 'queued' }] });
    await opened.stack.withWorkers(
      async () => {
        expect(await client.workflow.execute(sweepWatchDeliveriesWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `sweep-${randomUUID()}` })).toEqual({ givenUp: 0, started: 0, running: 1 });
        // the next sweep, ten minutes on, does not join it again: it takes it an hour after at the soonest
        expect(await client.workflow.execute(sweepWatchDeliveriesWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `sweep-${randomUUID()}` })).toEqual({ givenUp: 0, started: 0, running: 0 });
      },
      { activities: { notifyWatchRun: held } },
    );
    const runs: string[] = [];
    for await (const wf of client.workflow.list({ query: `WorkflowId = "${watchDeliveryWorkflowId(watchId, 'queued')}"` })) runs.push(wf.runId);
    expect(runs).toEqual([delivery.firstExecutionRunId]);
    await delivery.terminate('test: held back for good');
    expect(hook.received).toHaveLength(0);
    // its row goes with the watch (no sweep of a later test starts it)
    expect((await call('DELETE', `/v1/watches/${watchId}`)).statusCode).toBe(204);
  });

  it('the sweep runs from a Temporal Schedule that every worker creates (again: a no-op), every 10 minutes, one run at a time', async () => {
    const { client } = opened.stack;
    expect(await ensureDeliverySweepSchedule(client)).toBe('created');
    expect(await ensureDeliverySweepSchedule(client)).toBe('exists');
    const schedule = client.schedule.getHandle(DELIVERY_SWEEP_SCHEDULE_ID);
    try {
      const description = await schedule.describe();
      expect(description.spec.intervals?.map((i) => i.every)).toEqual([600_000]);
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'sweepWatchDeliveriesWorkflow', taskQueue: WORKFLOW_TASK_QUEUE });
      expect(description.policies.overlap).toBe('SKIP');
      await schedule.trigger();
      const swept = await lastScheduledRun(client, DELIVERY_SWEEP_SCHEDULE_ID);
      // nothing left pending by the tests before: a sweep with nothing to do
      expect(await opened.stack.withWorkers(() => client.workflow.getHandle(swept.workflowId, swept.runId).result())).toEqual({ givenUp: 0, started: 0, running: 0 });
    } finally {
      await schedule.delete();
    }
  });

  it('replaces the signing secret: the new one in the answer only; the old ones sign beside it for the hours asked, each until its time is up (none: 0); 404 for another key, 409 without a webhook', async () => {
    const { pool, client, namespace } = opened.stack;
    const watchId = randomUUID();
    const first = newWebhookSecret();
    await insertWatch(
      pool,
      { id: watchId, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(0, 2), sync: 'auto', window: 12 }), everyMinutes: 60, fairnessKey: null, namespace, notify: { url: `${base}/rotate/T0KEN`, on: 'every-run', secret: first } },
      100,
    );
    const rotated = await call('POST', `/v1/watches/${watchId}/secret`);
    expect(rotated.statusCode).toBe(200);
    const body = rotated.json() as SecretRotated;
    expect(body).toEqual({ watchId, notify: { target: `${base}/…`, on: 'every-run', secret: expect.stringMatching(/^whsec_/) }, previousSecretValidUntil: expect.any(String), links: { watch: `/v1/watches/${watchId}` } });
    expect(Date.parse(body.previousSecretValidUntil as string) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const second = body.notify.secret as string;
    expect(second).not.toBe(first);
    expect((await call('GET', `/v1/watches/${watchId}`)).body).not.toContain(second);

    const runOnce = async (label: string) => {
      hook.received.length = 0;
      await opened.stack.withWorkers(async () => {
        await client.workflow.execute(watchRunWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `${watchScheduleId(watchId)}-${label}`, args: [{ watchId }] });
        await until(`the ${label} run told`, async () => (hook.received.length > 0 ? true : undefined));
      });
      const [got] = hook.received;
      return { signature: got.headers[WEBHOOK_HEADERS.signature] as string, timestamp: Number(got.headers[WEBHOOK_HEADERS.timestamp]), body: got.body };
    };
    // both sign, the new one first: a receiver that knows either accepts the delivery
    const both = await runOnce('both');
    expect(both.signature).toBe(`${signWebhook(second, both.timestamp, both.body)} ${signWebhook(first, both.timestamp, both.body)}`);

    // replaced again within the day (say its answer was lost): the first still signs beside both
    const again = (await call('POST', `/v1/watches/${watchId}/secret?keepPreviousHours=2`)).json() as SecretRotated;
    const newest = again.notify.secret as string;
    const three = await runOnce('three');
    expect(three.signature.split(' ')).toEqual([newest, second, first].map((k) => signWebhook(k, three.timestamp, three.body)));
    // a kept secret whose time is up no longer signs
    await pool.query(
      `UPDATE watches SET notify_previous_secrets = (SELECT jsonb_agg(CASE WHEN e->>'secret' = $2 THEN jsonb_set(e, '{until}', to_jsonb(now() - interval '1 second')) ELSE e END) FROM jsonb_array_elements(notify_previous_secrets) e) WHERE id = $1`,
      [watchId, first],
    );
    const expired = await runOnce('expired');
    expect(expired.signature.split(' ')).toEqual([newest, second].map((k) => signWebhook(k, expired.timestamp, expired.body)));

    // again, keeping none: only the newest signs
    const third = await call('POST', `/v1/watches/${watchId}/secret?keepPreviousHours=0`);
    expect(third.json()).toMatchObject({ previousSecretValidUntil: null });
    const only = await runOnce('only');
    expect(only.signature).toBe(signWebhook((third.json() as SecretRotated).notify.secret as string, only.timestamp, only.body));

    // another key does not see the watch; a watch without a webhook has no secret; out of range: 400
    const other = await buildApp({ config: loadConfig({ ...opened.stack.processEnv, API_KEYS: `${KEY},other-key-7d1c9e`, WATCH_WEBHOOK_PRIVATE_ADDRESSES: 'true' }), temporal: client, pool, redis: opened.stack.redis });
    try {
      const res = await other.inject({ method: 'POST', url: `/v1/watches/${watchId}/secret`, headers: { 'x-api-key': 'other-key-7d1c9e' } });
      expect({ status: res.statusCode, type: res.headers['content-type'] }).toEqual({ status: 404, type: 'application/problem+json' });
    } finally {
      await other.close();
    }
    const plain = randomUUID();
    await insertWatch(pool, { id: plain, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(1, 3), sync: 'auto', window: 12 }), everyMinutes: 60, fairnessKey: null, namespace }, 100);
    const none = await call('POST', `/v1/watches/${plain}/secret`);
    expect({ status: none.statusCode, detail: (none.json() as { detail: string }).detail }).toEqual({ status: 409, detail: expect.stringContaining('has no webhook') });
    expect((await call('POST', `/v1/watches/${watchId}/secret?keepPreviousHours=169`)).statusCode).toBe(400);
    expect((await call('POST', `/v1/watches/${randomUUID()}/secret`)).statusCode).toBe(404);
  });

  it("tries a 429 again after its Retry-After, with the same delivery id; does not try a 404 again; the run ends as it did", async () => {
    for (const [i, [answers, expected]] of (
      [
        [[{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }], { state: 'delivered', attempts: 2, error: null }],
        [[{ status: 404 }], { state: 'failed', attempts: 1, error: 'the receiver answered 404' }],
      ] as const
    ).entries()) {
      hook.received.length = 0;
      hook.answer((n) => answers[Math.min(n, answers.length) - 1]);
      await opened.stack.withWorkers(async () => {
        const res = await call('POST', '/v1/watches', { wallets: w.slice(i + 1, i + 4), sync: 'auto', notify: { url: `${base}/hook-${i}`, on: 'every-run' } });
        expect(res.statusCode).toBe(201);
        const { watchId } = res.json() as WatchView;
        const run = (await settled(watchId, 1)).runs[0];
        expect(run).toMatchObject({ status: 'completed', comparison: 'first', notification: expected });
        // the run's workflow closed: no attempt is left to come
        await until("the run's workflow closed", async () => ((await runsOfSchedule(watchId)).length === 1 ? true : undefined));
        expect(hook.received).toHaveLength(answers.length);
        expect(new Set(hook.received.map((r) => r.headers[WEBHOOK_HEADERS.delivery])).size).toBe(1);
      });
    }
  });

  it('with `on` changes (the default), tells of a run that changed something and of no other', async () => {
    const { pool } = opened.stack;
    const owner = apiKeyId(KEY);
    const k = (i: number, j: number) => `${w[i]}~${w[j]}`;
    const activities = createWatchActivities(buildActivityDeps(opened.stack.config, pool, opened.stack.redis));
    const env = new MockActivityEnvironment();
    const cases = [
      // the same clusters and links: nothing to tell
      { name: 'unchanged', later: { clusters: [[w[0], w[1]]], scores: { [k(0, 1)]: 0.8 } }, told: false },
      // a link formed, a cluster grew
      { name: 'changed', later: { clusters: [[w[0], w[1], w[2]]], scores: { [k(0, 1)]: 0.8, [k(1, 2)]: 0.6 } }, told: true },
    ];
    for (const [i, c] of cases.entries()) {
      hook.received.length = 0;
      const watchId = randomUUID();
      const stored = await insertWatch(
        pool,
        { id: watchId, ownerKeyId: owner, request: { wallets: w.slice(0, 3), window: 30 + i }, everyMinutes: 60, fairnessKey: null, namespace: opened.stack.namespace, notify: { url: `${base}/changes`, on: 'changes', secret: newWebhookSecret() } },
        100,
      );
      expect(stored).toBe('inserted');
      const earlier = await seedCompletedAnalysis(pool, { ownerKeyId: owner, group: w.slice(0, 3), clusters: [[w[0], w[1]]], scores: { [k(0, 1)]: 0.8 } });
      const later = await seedCompletedAnalysis(pool, { ownerKeyId: owner, group: w.slice(0, 3), ...c.later });
      for (const [n, id] of [earlier, later].entries()) {
        await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id, created_at) VALUES ($1, $2, $3, now() - make_interval(mins => $4))`, [watchId, `run-${n}`, id, 10 - n]);
      }
      const first = await env.run(activities.endWatchRun, { watchId, runKey: 'run-0' });
      expect(first).toMatchObject({ comparison: 'first', notify: false });
      const ended = await env.run(activities.endWatchRun, { watchId, runKey: 'run-1' });
      expect(ended).toMatchObject({ comparison: 'compared', notify: c.told });
      // the workflow asks for a delivery only when told to; asked anyway, nothing pending is sent
      expect(await env.run(activities.notifyWatchRun, { watchId, runKey: 'run-1' })).toBe(c.told ? 'delivered' : 'not-pending');
      expect(hook.received).toHaveLength(c.told ? 1 : 0);
      // a repeated delivery (the workflow's retry after the answer was lost) sends nothing more
      expect(await env.run(activities.notifyWatchRun, { watchId, runKey: 'run-1' })).toBe('not-pending');
      expect(hook.received).toHaveLength(c.told ? 1 : 0);
      if (!c.told) {
        // a receiver failing (503): the attempt is counted with its reason, the delivery left to the
        // retry; given up (its budget spent between attempts), it fails keeping that reason
        hook.answer(() => ({ status: 503 }));
        await pool.query(`UPDATE watch_runs SET notification = 'pending' WHERE watch_id = $1 AND run_key = 'run-1'`, [watchId]);
        await expect(env.run(activities.notifyWatchRun, { watchId, runKey: 'run-1' })).rejects.toMatchObject({ type: 'WebhookDeliveryError', nonRetryable: false });
        const notification = async () => (await watchOf(watchId)).runs[0].notification;
        expect(await notification()).toEqual({ state: 'pending', attempts: 1, error: 'the receiver answered 503', deliveredAt: null });
        await env.run(activities.failWatchRunNotification, { watchId, runKey: 'run-1', reason: 'activity ScheduleToClose timeout' });
        expect(await notification()).toEqual({ state: 'failed', attempts: 1, error: 'the receiver answered 503', deliveredAt: null });
        hook.answer(() => ({ status: 200 }));
      }
      if (c.told) {
        const event = JSON.parse(hook.received[0].body) as WatchRunEvent;
        expect(event.run).toMatchObject({ analysisId: later, since: earlier, comparison: 'compared', changes: { linksFormed: 1, clustersChanged: 1 } });
      }
    }
  });

  it("gives up a delivery that became pending after its webhook was removed (the run's end had read the webhook before the PATCH), and sends nothing", async () => {
    const { pool } = opened.stack;
    const owner = apiKeyId(KEY);
    const activities = createWatchActivities(buildActivityDeps(opened.stack.config, pool, opened.stack.redis));
    const env = new MockActivityEnvironment();
    hook.received.length = 0;
    const watchId = randomUUID();
    const notify = { url: `${base}/removed`, on: 'every-run' as const, secret: newWebhookSecret() };
    expect(await insertWatch(pool, { id: watchId, ownerKeyId: owner, request: { wallets: w.slice(0, 3), window: 41 }, everyMinutes: 60, fairnessKey: null, namespace: opened.stack.namespace, notify }, 100)).toBe('inserted');
    const analysis = await seedCompletedAnalysis(pool, { ownerKeyId: owner, group: w.slice(0, 3), clusters: [[w[0], w[1]]], scores: { [`${w[0]}~${w[1]}`]: 0.8 } });
    await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id) VALUES ($1, 'run-0', $2)`, [watchId, analysis]);
    expect(await env.run(activities.endWatchRun, { watchId, runKey: 'run-0' })).toMatchObject({ notify: true });
    // the webhook removed in between (the PATCH's give-up found nothing pending yet)
    await pool.query(`UPDATE watches SET notify_url = NULL, notify_on = NULL, notify_secret = NULL WHERE id = $1`, [watchId]);
    expect(await env.run(activities.notifyWatchRun, { watchId, runKey: 'run-0' })).toBe('not-pending');
    expect(hook.received).toHaveLength(0);
    expect((await watchOf(watchId)).runs[0].notification).toEqual({ state: 'failed', attempts: 0, error: WEBHOOK_REMOVED, deliveredAt: null });
  });

  it('PATCH changes the webhook: one added or moved gets a new secret (in that answer only), the same URL or `on` alone keeps it, null removes it and gives up its pending deliveries', async () => {
    const { pool, client, namespace } = opened.stack;
    const watchId = randomUUID();
    await insertWatch(pool, { id: watchId, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(3, 5), sync: 'auto', window: 13 }), everyMinutes: 60, fairnessKey: null, namespace }, 100);
    const patch = (payload: object) => app.inject({ method: 'PATCH', url: `/v1/watches/${watchId}`, headers: { 'x-api-key': KEY }, payload });
    let label = 0;
    /** One run of the watch, and the delivery it made: its path and whether `secret` signed it. */
    const runOnce = async () => {
      hook.received.length = 0;
      await opened.stack.withWorkers(async () => {
        await client.workflow.execute(watchRunWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `${watchScheduleId(watchId)}-patch-${++label}`, args: [{ watchId }] });
        await until('the run told', async () => (hook.received.length > 0 ? true : undefined));
      });
      const [got] = hook.received;
      const timestamp = Number(got.headers[WEBHOOK_HEADERS.timestamp]);
      return { path: got.path, signedBy: (secret: string) => got.headers[WEBHOOK_HEADERS.signature] === signWebhook(secret, timestamp, got.body) };
    };

    // added: a secret, this once
    const added = await patch({ notify: { url: `${base}/first`, on: 'every-run' } });
    expect(added.statusCode).toBe(200);
    const first = (added.json() as WatchView).notify?.secret as string;
    expect((added.json() as WatchView).notify).toEqual({ target: `${base}/…`, on: 'every-run', secret: expect.stringMatching(/^whsec_/) });
    expect((await runOnce()).signedBy(first)).toBe(true);

    // the same URL again, and `on` alone: the URL and its secret kept (none in the answer)
    const same = await patch({ notify: { url: `${base}/first`, on: 'changes' }, everyMinutes: 60 });
    expect((same.json() as WatchView).notify).toEqual({ target: `${base}/…`, on: 'changes' });
    const onOnly = await patch({ notify: { on: 'every-run' } });
    expect((onOnly.json() as WatchView).notify).toEqual({ target: `${base}/…`, on: 'every-run' });
    const kept = await runOnce();
    expect({ path: kept.path, first: kept.signedBy(first) }).toEqual({ path: '/first', first: true });

    // moved: a new secret, and the old one no longer signs (nor one a rotation kept beside it)
    expect((await call('POST', `/v1/watches/${watchId}/secret`)).statusCode).toBe(200);
    const moved = await patch({ notify: { url: `${base}/second` } });
    const second = (moved.json() as WatchView).notify?.secret as string;
    // `on` kept as it was
    expect((moved.json() as WatchView).notify).toEqual({ target: `${base}/…`, on: 'every-run', secret: expect.stringMatching(/^whsec_/) });
    expect(second).not.toBe(first);
    const told = await runOnce();
    expect({ path: told.path, second: told.signedBy(second) }).toEqual({ path: '/second', second: true });
    const signatures = hook.received[0].headers[WEBHOOK_HEADERS.signature] as string;
    expect(signatures.split(' ')).toHaveLength(1);

    // removed: no webhook; a delivery still pending is given up, saying why
    const [{ analysisId }] = (await watchOf(watchId)).runs;
    await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id, ended_at, comparison, notification) VALUES ($1, 'pending-one', $2, now(), 'first', 'pending')`, [watchId, analysisId]);
    const removed = await patch({ notify: null });
    expect((removed.json() as WatchView).notify).toBeNull();
    expect((await pool.query(`SELECT notification, notify_error FROM watch_runs WHERE watch_id = $1 AND run_key = 'pending-one'`, [watchId])).rows).toEqual([
      { notification: 'failed', notify_error: "not delivered: the watch's webhook was removed" },
    ]);
    expect((await call('POST', `/v1/watches/${watchId}/secret`)).statusCode).toBe(409);
    expect((await patch({ notify: { url: 'not a url' } })).statusCode).toBe(400);
    expect((await watchOf(watchId)).notify).toBeNull();
    // added again with its URL alone: told of the runs that changed something, the default
    const again = await patch({ notify: { url: `${base}/third` } });
    expect((again.json() as WatchView).notify).toEqual({ target: `${base}/…`, on: 'changes', secret: expect.stringMatching(/^whsec_/) });
  });

  it('without WATCH_WEBHOOK_PRIVATE_ADDRESSES, refuses a URL naming an address inside the network, and any URL that is not http(s), carries a password or a control character, at creation and by PATCH; stores nothing', async () => {
    const strict = await buildApp(
      { config: loadConfig({ ...opened.stack.processEnv, API_KEYS: KEY, WATCH_WEBHOOK_PRIVATE_ADDRESSES: 'false' }), temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis },
      { eventPollIntervalMs: 200 },
    );
    const plainWatch = randomUUID();
    await insertWatch(opened.stack.pool, { id: plainWatch, ownerKeyId: apiKeyId(KEY), request: analysisRequest({ wallets: w.slice(0, 2), sync: 'auto', window: 15 }), everyMinutes: 60, fairnessKey: null, namespace: opened.stack.namespace }, 100);
    try {
      const before = (await opened.stack.pool.query('SELECT count(*)::int AS n FROM watches')).rows[0].n;
      for (const [url, says] of [
        [`${base}/x`, 'names 127.0.0.1'],
        ['http://localhost:8080/x', 'names localhost'],
        ['http://[::1]/x', 'names ::1'],
        ['http://[::ffff:10.0.0.7]/x', 'inside the service\'s network'],
        ['http://169.254.169.254/latest/meta-data', 'names 169.254.169.254'],
        ['http://192.168.1.20/x', 'names 192.168.1.20'],
        ['ftp://example.com/x', 'has the scheme ftp'],
        ['https://user:pass@example.com/x', 'carries a user or password'],
        ['not a url', 'is not a URL'],
        // PostgreSQL stores no NUL: refused as a problem, not a 500
        ['https://hooks.example.com/a\u0000b', 'holds a control character'],
      ] as const) {
        // made with one, or given one by PATCH
        for (const [method, path] of [
          ['POST', '/v1/watches'],
          ['PATCH', `/v1/watches/${plainWatch}`],
        ] as const) {
          const payload = method === 'POST' ? { wallets: w.slice(0, 2), notify: { url } } : { notify: { url } };
          const res = await strict.inject({ method, url: path, headers: { 'x-api-key': KEY }, payload });
          expect({ url, method, status: res.statusCode, type: res.headers['content-type'] }).toEqual({ url, method, status: 400, type: 'application/problem+json' });
          const body = res.json() as { detail: string; errors: Array<{ pointer: string; detail: string }> };
          expect(body.detail).toContain(says);
          expect(body.errors).toEqual([{ pointer: '/body/notify/url', detail: expect.stringContaining(says) }]);
        }
      }
      expect((await watchOf(plainWatch)).notify).toBeNull();
      expect((await opened.stack.pool.query('SELECT count(*)::int AS n FROM watches')).rows[0].n).toBe(before);
    } finally {
      await strict.close();
    }
  });
});
