// /v1/watches (API keys on): a group analysed at once and again on its Temporal Schedule, each run an
// analysis of the watch's key run as the child of watchRunWorkflow and compared with the run
// completed before it; a run now (POST /runs); the counts kept per run, checked against
// GET /v1/analyses/{id}/changes on seeded analyses that differ; another key sees none of it; the
// per-key limit, bad input, DELETE (schedule gone, analyses kept) and a run of a deleted watch; a
// change of interval (PATCH) with its schedule.
// Real API (app.inject), Temporal, PostgreSQL, Redis and simulator.
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createWatchActivities } from '../../src/activities/watches';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import type { AnalysisChanges } from '../../src/api/schemas/changes';
import type { WatchView } from '../../src/api/schemas/watches';
import { generateWorld } from '../../src/simulator';
import { insertWatch } from '../../src/store/watches';
import { createWatchSchedule } from '../../src/temporal/schedules';
import { buildActivityDeps } from '../../src/wiring';
import { watchScheduleId } from '../../src/workflows/contract';
import { seedCompletedAnalysis } from '../harness/analyses';
import { until } from '../harness/processes';
import { removeSchedulesAndRuns } from '../harness/schedules';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 8821, wallets: 9, txPerWallet: 12, largeWallet: false });
const w = (world.wallets as Array<{ address: string }>).map((x) => x.address).sort();

const ALICE = 'alice-watch-key-4b7e21';
const BOB = 'bob-watch-key-9c03d8';

describe('watched groups', () => {
  let app: FastifyInstance;
  const opened = useSimulatedStack(
    { world },
    { API_KEYS: `${ALICE},${BOB}`, MAX_WATCHES_PER_KEY: '2' },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
      },
      beforeClose: async () => {
        await removeSchedulesAndRuns(opened.stack.client);
        await app?.close();
      },
    },
  );
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as = ALICE, payload?: object) =>
    app.inject({ method, url, headers: { 'x-api-key': as }, ...(payload ? { payload } : {}) });
  const problem = (res: LightMyRequestResponse) => ({ status: res.statusCode, contentType: res.headers['content-type'], ...(res.json() as { type: string; detail: string }) });
  const watchOf = async (id: string, as = ALICE) => {
    const res = await call('GET', `/v1/watches/${id}`, as);
    expect(res.statusCode).toBe(200);
    return res.json() as WatchView;
  };
  /** The watch once `n` runs have ended. */
  const endedRuns = (id: string, n: number) =>
    until(`${n} runs of watch ${id} ended`, async () => {
      const watch = await watchOf(id);
      return watch.runs.length >= n && watch.runs.every((r) => r.endedAt !== null) ? watch : undefined;
    }, 120_000);

  it('analyses the group at once, again on request, and keeps for each run the counts of what changed since the run before', async () => {
    const group = w.slice(0, 4);
    await opened.stack.withWorkers(async () => {
      const res = await call('POST', '/v1/watches', ALICE, { wallets: [...group].reverse(), sync: 'auto', everyMinutes: 720 });
      expect(res.statusCode).toBe(201);
      const created = res.json() as WatchView;
      expect(res.headers.location).toBe(`/v1/watches/${created.watchId}`);
      expect(created).toMatchObject({ everyMinutes: 720, request: { wallets: group, sync: 'auto' }, links: { run: `/v1/watches/${created.watchId}/runs`, temporalUi: expect.stringMatching(new RegExp(`/namespaces/${opened.stack.namespace}/schedules/watch%3A${created.watchId}$`)) } });
      // the schedule's next run is its interval away: the first ran at once
      expect(created.schedule).not.toBeNull();
      expect(Date.parse(created.schedule?.nextRunAt as string) - Date.now()).toBeGreaterThan(700 * 60_000);

      const first = (await endedRuns(created.watchId, 1)).runs[0];
      expect(first).toMatchObject({ status: 'completed', since: null, changes: null, comparison: 'first', error: null, links: { changes: null } });
      // an ordinary analysis of the key's, with the watch's group
      const analysis = await call('GET', `/v1/analyses/${first.analysisId}`);
      expect(analysis.json()).toMatchObject({ status: 'completed', wallets: group });
      expect((await call('GET', `/v1/analyses/${first.analysisId}`, BOB)).statusCode).toBe(404);

      // the schedule learns that its run closed a moment after the run stored its end
      await until('the first run closed', async () => ((await watchOf(created.watchId)).schedule?.running === false ? true : undefined));
      const run = await call('POST', `/v1/watches/${created.watchId}/runs`);
      expect(run.statusCode).toBe(202);
      const watch = await endedRuns(created.watchId, 2);
      const [second] = watch.runs;
      expect(second.analysisId).not.toBe(first.analysisId);
      expect(second).toMatchObject({ status: 'completed', since: first.analysisId, comparison: 'compared', links: { changes: `/v1/analyses/${second.analysisId}/changes?since=${first.analysisId}` } });
      // the same wallets on the same chain: nothing moved
      const changes = (await call('GET', second.links.changes as string)).json() as AnalysisChanges;
      expect(second.changes).toEqual({
        walletsAdded: 0,
        walletsRemoved: 0,
        walletsCompared: 4,
        clustersChanged: 0,
        clustersFormed: 0,
        clustersDissolved: 0,
        clustersUnchanged: changes.clusters.unchanged.length,
        linksFormed: 0,
        linksBroken: 0,
      });
      // the runs' analyses are the key's own: listed with its other analyses
      const listed = ((await call('GET', `/v1/analyses?wallet=${group[0]}`)).json() as { analyses: Array<{ analysisId: string }> }).analyses.map((a) => a.analysisId);
      expect(listed).toEqual(expect.arrayContaining([first.analysisId, second.analysisId]));

      // stopped: the schedule is gone, the runs' analyses stay
      expect((await call('DELETE', `/v1/watches/${created.watchId}`)).statusCode).toBe(204);
      await expect(opened.stack.client.schedule.getHandle(watchScheduleId(created.watchId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
      expect(problem(await call('GET', `/v1/watches/${created.watchId}`))).toMatchObject({ status: 404, contentType: expect.stringMatching(/^application\/problem\+json/) });
      expect((await call('GET', `/v1/analyses/${second.analysisId}`)).statusCode).toBe(200);

      // a schedule left without its watch (a request that made it and died, or whose row went when
      // Temporal answered after its deadline): its first run finds no watch and removes it
      const orphan = randomUUID();
      await createWatchSchedule(opened.stack.client, orphan, 60);
      await until('the orphan schedule removed by its run', async () =>
        (await opened.stack.client.schedule.getHandle(watchScheduleId(orphan)).describe().then(() => undefined, (err: unknown) => err instanceof ScheduleNotFoundError || undefined)),
      );
      expect((await opened.stack.pool.query(`SELECT count(*)::int AS n FROM analyses WHERE request_id LIKE $1`, [`${watchScheduleId(orphan)}-%`])).rows[0].n).toBe(0);
    });
  });

  it("a run's counts are those of GET /v1/analyses/{id}/changes, against the key's run completed before it", async () => {
    const { pool } = opened.stack;
    const owner = apiKeyId(ALICE);
    const watchId = randomUUID();
    await insertWatch(pool, { id: watchId, ownerKeyId: owner, request: { wallets: w.slice(0, 8) }, everyMinutes: 60, fairnessKey: null, namespace: opened.stack.namespace }, 10);
    const k = (i: number, j: number) => `${w[i]}~${w[j]}`;
    // then: w0…w7; a failed run between; now: w1…w8 with w4 left out
    const earlier = await seedCompletedAnalysis(pool, { ownerKeyId: owner, group: w.slice(0, 8), clusters: [[w[1], w[2], w[3]], [w[4], w[5]], [w[0], w[6]]], scores: { [k(1, 2)]: 0.8, [k(2, 3)]: 0.5, [k(0, 6)]: 0.9, [k(4, 5)]: 0.35 } });
    const failed = await seedCompletedAnalysis(pool, { ownerKeyId: owner, group: w.slice(0, 8), clusters: [], scores: {} });
    await pool.query(`UPDATE analyses SET status = 'failed', error = 'every wallet failed' WHERE id = $1`, [failed]);
    const later = await seedCompletedAnalysis(pool, { ownerKeyId: owner, group: w.slice(1, 9), failed: [w[4]], clusters: [[w[1], w[2], w[3], w[7]], [w[5], w[6]]], scores: { [k(1, 2)]: 0.85, [k(3, 7)]: 0.6, [k(5, 6)]: 0.45, [k(7, 8)]: 0.7 } });
    for (const [n, id] of [earlier, failed, later].entries()) {
      await pool.query(`INSERT INTO watch_runs (watch_id, run_key, analysis_id, created_at) VALUES ($1, $2, $3, now() - make_interval(mins => $4))`, [watchId, `run-${n}`, id, 30 - n]);
    }
    const activities = createWatchActivities(buildActivityDeps(opened.stack.config, pool, opened.stack.redis));
    const ended = (await new MockActivityEnvironment().run(activities.endWatchRun, { watchId, runKey: 'run-2' })) as Awaited<ReturnType<typeof activities.endWatchRun>>;
    expect(ended).toMatchObject({ since: earlier, comparison: 'compared' });
    const full = (await call('GET', `/v1/analyses/${later}/changes?since=${earlier}`)).json() as AnalysisChanges;
    expect(ended?.changes).toEqual({
      walletsAdded: 1,
      walletsRemoved: 2,
      walletsCompared: 6,
      clustersChanged: full.clusters.changed.length,
      clustersFormed: full.clusters.formed.length,
      clustersDissolved: full.clusters.dissolved.length,
      clustersUnchanged: full.clusters.unchanged.length,
      linksFormed: full.links.formedCount,
      linksBroken: full.links.brokenCount,
    });
    // the seeded groups differ: something moved, and the counts say what
    expect(full.links.formedCount).toBeGreaterThan(0);
    expect(full.links.brokenCount).toBeGreaterThan(0);
    expect(full.clusters.changed.length + full.clusters.formed.length + full.clusters.dissolved.length).toBeGreaterThan(0);

    // the other runs ended as their steps would have them end: the failed one, and the first
    for (const runKey of ['run-0', 'run-1']) await new MockActivityEnvironment().run(activities.endWatchRun, { watchId, runKey });
    const watch = await watchOf(watchId);
    expect(watch.runs.map((r) => [r.analysisId, r.status, r.since, r.comparison])).toEqual([
      [later, 'completed', earlier, 'compared'],
      [failed, 'failed', null, 'not-completed'],
      [earlier, 'completed', null, 'first'],
    ]);
    expect(watch.runs[1].error).toBe('every wallet failed');
    // no schedule was made for this one: its state is null, its runs are still read
    expect(watch.schedule).toBeNull();

    // a run the schedule starts after the watch was deleted inserts nothing
    await call('DELETE', `/v1/watches/${watchId}`);
    expect(await new MockActivityEnvironment().run(activities.beginWatchRun, { watchId, runKey: 'run-3' })).toBeNull();
    expect((await pool.query(`SELECT count(*)::int AS n FROM analyses WHERE request_id = 'run-3'`)).rows[0].n).toBe(0);
  });

  it('another key sees none of a watch; a key keeps at most MAX_WATCHES_PER_KEY; bad input is a problem that stores nothing', async () => {
    const body = { wallets: w.slice(0, 2), sync: 'skip', everyMinutes: 1440 };
    // three at once (a client retrying its timed-out request): one watch, one schedule
    const made = await Promise.all([1, 2, 3].map(() => call('POST', '/v1/watches', ALICE, body)));
    expect(made.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
    const ids = new Set(made.map((r) => (r.json() as WatchView).watchId));
    expect(ids.size).toBe(1);
    const [id] = ids;
    for (const [method, url] of [
      ['GET', `/v1/watches/${id}`],
      ['POST', `/v1/watches/${id}/runs`],
      ['DELETE', `/v1/watches/${id}`],
      ['PATCH', `/v1/watches/${id}`],
    ] as const) {
      expect(problem(await call(method, url, BOB, method === 'PATCH' ? { everyMinutes: 60 } : undefined))).toMatchObject({ status: 404, type: 'urn:wallet-similarity:problem:not-found' });
    }
    // the same request again (a retry): the same watch; with another interval: a problem naming it
    const again = await call('POST', '/v1/watches', ALICE, { ...body, wallets: [...body.wallets].reverse() });
    expect(again.statusCode).toBe(200);
    expect((again.json() as WatchView).watchId).toBe(id);
    const other = problem(await call('POST', '/v1/watches', ALICE, { ...body, everyMinutes: 60 }));
    expect(other).toMatchObject({ status: 409, type: 'urn:wallet-similarity:problem:watch-exists' });
    expect(other.detail).toContain(`PATCH /v1/watches/${id} {"everyMinutes": 60}`);
    // its first run started at once and, no worker running here, is under way: a run now is refused, not silently skipped
    await until('the first run under way', async () => ((await watchOf(id)).schedule?.running ? true : undefined));
    expect(problem(await call('POST', `/v1/watches/${id}/runs`))).toMatchObject({ status: 409, type: 'urn:wallet-similarity:problem:watch-running' });

    const bobs = ((await call('GET', '/v1/watches', BOB)).json() as { watches: unknown[] }).watches;
    expect(bobs).toEqual([]);
    const alices = ((await call('GET', '/v1/watches', ALICE)).json() as { watches: Array<{ watchId: string }> }).watches.map((x) => x.watchId);
    expect(alices).toContain(id);

    // the second is allowed, the third is not (2 per key here); Bob's count is his own
    expect((await call('POST', '/v1/watches', ALICE, { ...body, wallets: w.slice(2, 4) })).statusCode).toBe(201);
    const third = problem(await call('POST', '/v1/watches', ALICE, { ...body, wallets: w.slice(4, 6) }));
    expect(third).toMatchObject({ status: 409, type: 'urn:wallet-similarity:problem:watch-limit' });
    expect(third.detail).toMatch(/DELETE \/v1\/watches/);
    expect((await call('POST', '/v1/watches', BOB, body)).statusCode).toBe(201);

    const before = (await opened.stack.pool.query(`SELECT count(*)::int AS n FROM watches`)).rows[0].n;
    for (const bad of [
      { ...body, everyMinutes: 5 },
      { ...body, everyMinutes: 50_000 },
      { ...body, everyMinutes: 90.5 },
      { ...body, wallets: [w[0]] },
      { ...body, token: w[5] },
      { everyMinutes: 60 },
    ]) {
      const res = problem(await call('POST', '/v1/watches', BOB, bad));
      expect(res).toMatchObject({ status: 400, contentType: expect.stringMatching(/^application\/problem\+json/) });
    }
    expect(problem(await call('GET', `/v1/watches/${randomUUID()}?runs=0`))).toMatchObject({ status: 400 });
    const unchanged = await watchOf(id);
    for (const bad of [{}, { everyMinutes: 5 }, { everyMinutes: 50_000 }, { wallets: w.slice(0, 3) }, { notify: { url: 'ftp://example.com/x' } }, { notify: {} }, { notify: { on: 'weekly' } }]) {
      expect({ bad, ...problem(await call('PATCH', `/v1/watches/${id}`, ALICE, bad)) }).toMatchObject({ bad, status: 400, contentType: expect.stringMatching(/^application\/problem\+json/) });
    }
    expect(problem(await call('PATCH', `/v1/watches/${randomUUID()}`, ALICE, { everyMinutes: 60 }))).toMatchObject({ status: 404 });
    // `on` alone keeps a webhook's URL: a watch without one has none to keep
    expect(problem(await call('PATCH', `/v1/watches/${id}`, ALICE, { notify: { on: 'every-run' } }))).toMatchObject({ status: 409, type: 'urn:wallet-similarity:problem:no-webhook' });
    expect((await watchOf(id)).everyMinutes).toBe(unchanged.everyMinutes);
    expect(problem(await call('GET', '/v1/watches/not%20an%20id'))).toMatchObject({ status: 400 });
    expect((await opened.stack.pool.query(`SELECT count(*)::int AS n FROM watches`)).rows[0].n).toBe(before);
  });

  it("PATCH changes a watch's interval with its schedule: the next run that long from now; it mends a schedule that differs or is missing (Bob's: Alice keeps her limit's two)", async () => {
    const made = await call('POST', '/v1/watches', BOB, { wallets: w.slice(6, 9), sync: 'skip', everyMinutes: 1440 });
    expect(made.statusCode).toBe(201);
    const { watchId } = made.json() as WatchView;
    const schedule = opened.stack.client.schedule.getHandle(watchScheduleId(watchId));
    const asked = Date.now();
    const changed = await call('PATCH', `/v1/watches/${watchId}`, BOB, { everyMinutes: 90 });
    expect(changed.statusCode).toBe(200);
    const view = changed.json() as WatchView;
    expect(view).toMatchObject({ watchId, everyMinutes: 90, notify: null });
    const next = Date.parse(view.schedule?.nextRunAt as string);
    // the next run 90 minutes from the change (Temporal rounds to its second), not the day after the watch was made
    expect(next - asked).toBeGreaterThan(89 * 60_000);
    expect(next - asked).toBeLessThan(91 * 60_000);
    const described = await schedule.describe();
    expect(described.spec.intervals?.map((i) => i.every)).toEqual([90 * 60_000]);
    // what it analyses stays, and the same request POSTed at the new interval is the same watch
    expect((await watchOf(watchId, BOB)).request).toMatchObject({ wallets: w.slice(6, 9), sync: 'skip' });
    const again = await call('POST', '/v1/watches', BOB, { wallets: w.slice(6, 9), sync: 'skip', everyMinutes: 90 });
    expect({ status: again.statusCode, id: (again.json() as WatchView).watchId }).toEqual({ status: 200, id: watchId });
    // the same interval again (as after a 503 whose change reached Temporal alone): the schedule made to match the row
    await schedule.update((previous) => ({ ...previous, spec: { ...previous.spec, intervals: [{ every: 7 * 60_000 }] } }));
    expect((await call('PATCH', `/v1/watches/${watchId}`, BOB, { everyMinutes: 90 })).statusCode).toBe(200);
    expect((await schedule.describe()).spec.intervals?.map((i) => i.every)).toEqual([90 * 60_000]);
    // a schedule gone behind the service's back (deleted in the Web UI): a run now says how to mend it,
    // and a change of interval makes it again (its first run at once)
    await schedule.delete();
    expect(problem(await call('POST', `/v1/watches/${watchId}/runs`, BOB))).toMatchObject({ status: 404, detail: expect.stringContaining(`PATCH /v1/watches/${watchId} {"everyMinutes": 90} makes it again`) });
    expect((await call('PATCH', `/v1/watches/${watchId}`, BOB, { everyMinutes: 120 })).statusCode).toBe(200);
    expect((await schedule.describe()).spec.intervals?.map((i) => i.every)).toEqual([120 * 60_000]);
    expect((await watchOf(watchId, BOB)).everyMinutes).toBe(120);
    expect((await call('DELETE', `/v1/watches/${watchId}`, BOB)).statusCode).toBe(204);
  });
});
