// Every route with app.inject() against the real stack (Temporal namespace of this file, PostgreSQL,
// Redis, simulator): what each answers, Idempotency-Key under a race, and a table of bad inputs
// that must start no workflow and store no row.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { parseServerTiming } from '../../src/api/server-timing';
import { buildApp } from '../../src/api/app';
import { getAnalysis } from '../../src/store/analyses';
import { ENGINE_VERSION } from '../../src/domain';
import { SimWorld, generateWorld, parseWorld } from '../../src/simulator';
import { ownDatabase, useSimulatedStack } from '../harness/stack';
import { until, workflowCountReaching } from '../harness/processes';
import { storeAnalyticsOfEngine } from '../harness/wallet-analytics';

const world = generateWorld({ seed: 83, wallets: 4, txPerWallet: 25, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const [A, B, C, D] = wallets;
const sim = new SimWorld(parseWorld(world));
const mints = (world.tokens as Array<{ mint: string; symbol: string }>).slice(0, 3);

const database = ownDatabase('api');

describe('API routes on the real stack', () => {
  let app: FastifyInstance;
  // analyses started while no worker runs would otherwise run (and fail) in a later test's workers
  const terminateRunning = async () => {
    for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
    }
  };
  const opened = useSimulatedStack(
    { world },
    // its own database: it stores analytics as an older engine left them, which another file's
    // worker process (each starts the background recompute) would compute again under its tests
    { MAX_WALLETS_PER_ANALYSIS: '4', DATABASE_URL: database.url },
    {
      ...database.hooks,
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200, walletCountMaxAgeMs: 0 });
      },
      beforeClose: async () => {
        await terminateRunning();
        await app?.close();
      },
    },
  );

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload: payload as object, headers });
  const get = (url: string) => app.inject({ method: 'GET', url });
  // the workflows this file's requests could start: analyses of this world's wallets, and syncs, analytics computed again and
  // enrichments (no other file starts those here). Not every workflow of the namespace: the API's
  // start sweep also starts the rows other test files left pending in the suite's shared database
  // (their wallets are not this world's)
  const ownWorkflows = `Wallets IN (${wallets.map((w) => `'${w}'`).join(', ')}) OR WorkflowType IN ('walletSyncWorkflow', 'walletAnalyticsWorkflow', 'tokenEnrichmentWorkflow')`;
  const workflowCount = async () => Number((await opened.stack.client.workflow.count(ownWorkflows)).count);
  const rowsOfThisWorld = async () =>
    Number((await opened.stack.pool.query<{ n: string }>('SELECT count(*) AS n FROM analyses WHERE wallets && $1::text[]', [wallets])).rows[0].n);
  const problem = (res: LightMyRequestResponse) => ({ status: res.statusCode, type: (res.json() as { type: string }).type.split(':').pop() });

  describe('bad inputs start nothing', () => {
    const tooMany = [...wallets, '9c3TmBNefBQras5WwU6YMCYs6STjmWfDksnJk448Axv3'];
    const cases: Array<[name: string, url: string, payload: unknown, status: number, type: string]> = [
      ['invalid base58', '/v1/analyses', { wallets: [A, 'I0lO-not-base58'] }, 400, 'invalid-address'],
      ['a duplicate wallet', '/v1/analyses', { wallets: [A, B, A] }, 400, 'duplicate-addresses'],
      ['fewer than 2 wallets', '/v1/analyses', { wallets: [A] }, 400, 'validation'],
      ['more than MAX_WALLETS_PER_ANALYSIS (4)', '/v1/analyses', { wallets: tooMany }, 400, 'validation'],
      ['an unknown field', '/v1/analyses', { wallets: [A, B], priority: 'high' }, 400, 'validation'],
      ['a wrong type', '/v1/analyses', { wallets: [A, B], window: 'thirty' }, 400, 'validation'],
      ['a wrong weight type', '/v1/analyses', { wallets: [A, B], weights: { capital: '1' } }, 400, 'validation'],
      ['an oversized body', '/v1/analyses', { wallets: [A, B], note: 'x'.repeat(70_000) }, 413, 'body-too-large'],
      ['a sync of an invalid address', '/v1/wallets/sync', { wallets: ['abc'] }, 400, 'invalid-address'],
      ['a sync with an unknown field', '/v1/wallets/sync', { wallets: [A], force: true }, 400, 'validation'],
      ['an enrichment of a duplicate mint', '/v1/tokens/enrich', { mints: [mints[0].mint, mints[0].mint] }, 400, 'duplicate-addresses'],
    ];
    it.each(cases.map(([name, url, payload, status, type]) => ({ name, url, payload, status, type })))('$name -> $status $type', async ({ url, payload, status, type }) => {
      const [workflowsBefore, rowsBefore] = [await workflowCount(), await rowsOfThisWorld()];
      const res = await post(url, payload);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(problem(res)).toEqual({ status, type });
      expect(await workflowCount()).toBe(workflowsBefore);
      expect(await rowsOfThisWorld()).toBe(rowsBefore);
    });
  });

  it('POST /v1/analyses answers 202 with links, stores the row at once with sorted wallets and starts one workflow', async () => {
    const res = await post('/v1/analyses', { wallets: [C, A], window: 30, sync: 'skip', weights: { capital: 2 } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ status: 'running', workflowId: `analysis:${body.analysisId}`, links: { self: `/v1/analyses/${body.analysisId}`, events: `/v1/analyses/${body.analysisId}/events` } });
    expect(body.links.temporalUi).toBe(`http://127.0.0.1:8233/namespaces/${opened.stack.namespace}/workflows/${encodeURIComponent(body.workflowId)}`);
    expect(res.headers.location).toBe(`/v1/analyses/${body.analysisId}`);
    // where its time went: before the handler, storing the row, starting the workflow
    const timing = parseServerTiming(res.headers['server-timing'] as string | undefined);
    expect(Object.keys(timing)).toEqual(['pre', 'store', 'start']);
    expect(Object.values(timing).every((ms) => ms >= 0)).toBe(true);
    const row = await getAnalysis(opened.stack.pool, body.analysisId);
    expect(row?.wallets).toEqual([A, C].sort());
    expect(row?.namespace).toBe(opened.stack.namespace);
    expect(row?.params).toEqual({ weights: { capital: 2 }, window: 30, sync: 'skip', failureThreshold: 0.8 });
    const described = await opened.stack.client.workflow.getHandle(body.workflowId).describe();
    expect(described.type).toBe('similarityAnalysisWorkflow');
    expect(described.taskQueue).toBe('analysis');

    // no worker runs yet: GET answers from the row at once, without progress
    const asked = Date.now();
    const view = await get(`/v1/analyses/${body.analysisId}`);
    expect(Date.now() - asked).toBeLessThan(5_000);
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({ analysisId: body.analysisId, status: 'running', progress: null, result: null, tokens: null, enrichment: { status: 'not_started' } });
  });

  it('the same Idempotency-Key, even from concurrent requests, returns one analysis and starts one workflow', async () => {
    const key = `key-${Date.now()}`;
    const before = await workflowCount();
    const answers = await Promise.all(Array.from({ length: 6 }, () => post('/v1/analyses', { wallets: [B, D], sync: 'skip' }, { 'idempotency-key': key })));
    expect(answers.map((r) => r.statusCode)).toEqual(Array(6).fill(202));
    const ids = new Set(answers.map((r) => r.json().analysisId));
    expect(ids.size).toBe(1);
    expect(answers.filter((r) => r.json().idempotentReplay === false)).toHaveLength(1);
    const again = await post('/v1/analyses', { wallets: [D, B], sync: 'skip' }, { 'idempotency-key': key });
    expect(again.json().analysisId).toBe([...ids][0]);
    expect(await workflowCountReaching(opened.stack, before + 1, undefined, ownWorkflows)).toBe(before + 1);
    expect(Number((await opened.stack.pool.query('SELECT count(*) AS n FROM analyses WHERE idempotency_key = $1', [key])).rows[0].n)).toBe(1);

    const reused = await post('/v1/analyses', { wallets: [B, D], sync: 'force' }, { 'idempotency-key': key });
    expect(problem(reused)).toEqual({ status: 422, type: 'idempotency-key-reused' });
    expect(await workflowCount()).toBe(before + 1);
  });

  it('GET, proceed and DELETE of an unknown analysis answer 404; of a finished one 409', async () => {
    for (const res of [await get('/v1/analyses/nope'), await post('/v1/analyses/nope/proceed', undefined), await app.inject({ method: 'DELETE', url: '/v1/analyses/nope' }), await get('/v1/analyses/nope/events')]) {
      expect(problem(res)).toEqual({ status: 404, type: 'not-found' });
    }
    const res = await post('/v1/analyses', { wallets: [A, B], sync: 'skip' });
    const id = res.json().analysisId as string;
    await opened.stack.pool.query(`UPDATE analyses SET status = 'failed', error = 'test' WHERE id = $1`, [id]);
    expect(problem(await post(`/v1/analyses/${id}/proceed`, undefined))).toEqual({ status: 409, type: 'not-running' });
    expect(problem(await app.inject({ method: 'DELETE', url: `/v1/analyses/${id}` }))).toEqual({ status: 409, type: 'not-running' });
  });

  it('wallets: status MISSING, sync started then joined, SYNCING with progress, READY, then the stored PnL and behavior', async () => {
    await terminateRunning();
    opened.sim.configure({ latencyMs: { 'helius:history': 300 } });
    const before = await post('/v1/wallets/status', { wallets: [A, B] });
    expect(before.json().wallets.map((w: { status: string }) => w.status)).toEqual(['MISSING', 'MISSING']);
    expect(problem(await get(`/v1/wallets/${A}`))).toEqual({ status: 404, type: 'not-found' });

    await opened.stack.withWorkers(async () => {
      const first = await post('/v1/wallets/sync', { wallets: [A, B] });
      expect(first.statusCode).toBe(202);
      expect(first.json().syncs).toEqual([
        { wallet: A, workflowId: `wallet-sync:${A}`, started: true, links: { temporalUi: expect.stringContaining(encodeURIComponent(`wallet-sync:${A}`)) } },
        { wallet: B, workflowId: `wallet-sync:${B}`, started: true, links: { temporalUi: expect.any(String) } },
      ]);
      const joined = await post('/v1/wallets/sync', { wallets: [A] });
      expect(joined.json().syncs[0]).toMatchObject({ wallet: A, started: false });
      const syncing = await until('SYNCING', async () => {
        const w = (await post('/v1/wallets/status', { wallets: [A] })).json().wallets[0];
        return w.status === 'SYNCING' ? w : undefined;
      });
      expect(syncing.sync).toEqual({ pages: expect.any(Number), transactions: expect.any(Number) });
      await Promise.all([A, B].map((w) => opened.stack.client.workflow.getHandle(`wallet-sync:${w}`).result()));
    });
    opened.sim.reset({ knobs: true });

    const after = (await post('/v1/wallets/status', { wallets: [A, B] })).json().wallets;
    expect(after.map((w: { status: string; sync: unknown }) => [w.status, w.sync])).toEqual([['READY', null], ['READY', null]]);
    const wallet = await get(`/v1/wallets/${A}`);
    expect(wallet.statusCode).toBe(200);
    const body = wallet.json();
    expect(body).toMatchObject({ wallet: A, status: { status: 'READY' }, engineVersion: expect.any(String) });
    expect(body.pnl).toHaveProperty('totals');
    expect(body.pnl).toHaveProperty('tokens');
    expect(body.behavior).toEqual(expect.any(Object));
    expect(body.coverage).toEqual(expect.any(Object));
    // the fees of the failed transactions each wallet paid (the world's own), a cost after fees
    let failedSeen = 0;
    for (const w of [A, B]) {
      const i = sim.indexOf(w)!;
      const failed = Array.from({ length: sim.historyLength(i) }, (_, e) => sim.transaction(i, e)).filter((tx) => tx.transactionError && tx.feePayer === w);
      const totals = (await get(`/v1/wallets/${w}`)).json().pnl.totals;
      expect(totals).toMatchObject({ failedTransactions: failed.length, failedFeesSol: failed.reduce((sum, tx) => sum + tx.fee, 0) / 1e9 });
      expect(totals.realizedPnlAfterFeesSol).toBeCloseTo(totals.realizedPnlSol - totals.feesSol - totals.failedFeesSol, 12);
      failedSeen += failed.length;
    }
    expect(failedSeen).toBeGreaterThan(0);
  });

  it("wallets: analytics an older engine computed are computed again from the stored history (no page fetched) before they are shown; a newer engine's are left as they are", async () => {
    const fresh = (await get(`/v1/wallets/${A}`)).json();
    expect(fresh.engineVersion).toBe(ENGINE_VERSION);
    expect(fresh.recomputing).toBeUndefined();
    // as an engine before 2.19.0 stored them: without the failed transactions' fees
    const storeAs = (version: string) => storeAnalyticsOfEngine(opened.stack.pool, A, version);
    // the wallets by engine version among the API's metrics (what an operator watches fall to 0 after a deploy)
    // (this file's app counts them at each scrape; by default a count serves the scrapes of the next 15 s)
    const byEngine = async (scraped = app) =>
      [...(await scraped.inject({ method: 'GET', url: '/metrics' })).body.matchAll(/^wallet_analytics_wallets\{engine_version="([^"]+)",older="(true|false)"\} (\d+)$/gm)].map((m) => ({
        engine: m[1],
        older: m[2] === 'true',
        wallets: Number(m[3]),
      }));
    const before = await byEngine();
    expect(before).toEqual([{ engine: ENGINE_VERSION, older: false, wallets: expect.any(Number) }]);
    const counting = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { walletCountMaxAgeMs: 3_600_000 });
    try {
      expect(await byEngine(counting)).toEqual(before);
      await storeAs('2.18.0');
      expect(await byEngine()).toEqual([
        { engine: '2.18.0', older: true, wallets: 1 },
        { engine: ENGINE_VERSION, older: false, wallets: before[0].wallets - 1 },
      ]);
      // an app whose count is younger than its age: scrapes in a loop cost PostgreSQL nothing more
      expect(await byEngine(counting)).toEqual(before);
    } finally {
      await counting.close();
    }
    const workflowId = `wallet-analytics:${A}`;

    // no worker: the computation is started and not done within the request; the stored figures are shown, saying so
    // (an API whose clients may ask for one computation a minute: the second ask is over that allowance)
    const limited = await buildApp({ config: { ...opened.stack.config, API_RATE_LIMIT_MAX: 1 }, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
    try {
      const waiting = (await limited.inject({ method: 'GET', url: `/v1/wallets/${A}` })).json();
      expect(waiting).toMatchObject({ engineVersion: '2.18.0', recomputing: { engineVersion: ENGINE_VERSION, started: true, workflowId, detail: expect.stringMatching(/computed by engine 2\.18\.0; being computed again with .*ask again/) } });
      expect(waiting.pnl.totals.failedFeesSol).toBeUndefined();
      const over = (await limited.inject({ method: 'GET', url: `/v1/wallets/${A}` })).json();
      expect(over).toMatchObject({ engineVersion: '2.18.0', recomputing: { started: false, detail: expect.stringMatching(/more than 1 of its computations asked for in 60 s by this client: ask again after \d+ s$/) } });
    } finally {
      await limited.close();
    }
    // Temporal refusing the start: the stored figures, saying so
    const client = opened.stack.client;
    const refusing = Object.assign(Object.create(client), {
      workflow: Object.assign(Object.create(client.workflow), { start: async () => Promise.reject(new Error('14 UNAVAILABLE: No connection established')) }),
    }) as typeof client;
    const down = await buildApp({ config: opened.stack.config, temporal: refusing, pool: opened.stack.pool, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
    try {
      const res = await down.inject({ method: 'GET', url: `/v1/wallets/${A}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ engineVersion: '2.18.0', recomputing: { started: false, detail: expect.stringMatching(/^computed by engine 2\.18\.0; their computation with .* could not be started \(.*UNAVAILABLE.*\): ask again$/) } });
    } finally {
      await down.close();
    }

    const historyRequests = opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history').length;
    const { shown, duringSync } = await opened.stack.withWorkers(async () => {
      const figures = await until('the figures of this engine', async () => {
        const body = (await get(`/v1/wallets/${A}`)).json();
        return body.engineVersion === ENGINE_VERSION ? body : undefined;
      });
      // while a sync of the wallet is live (its stored legs may have a gap until its end), they are left to that sync's end
      await storeAs('2.18.0');
      await opened.stack.pool.query(`UPDATE wallets SET sync_state = 'syncing', sync_lease_until = now() + interval '1 minute' WHERE address = $1`, [A]);
      try {
        return { shown: figures, duringSync: (await get(`/v1/wallets/${A}`)).json() };
      } finally {
        await opened.stack.pool.query(`UPDATE wallets SET sync_state = 'synced', sync_lease_until = NULL WHERE address = $1`, [A]);
      }
    });
    expect(duringSync).toMatchObject({ status: { status: 'SYNCING' }, engineVersion: '2.18.0', recomputing: { started: true, afterSync: true, detail: expect.stringMatching(/a sync of the wallet is under way, and its end computes them with/) } });
    expect(shown.recomputing).toBeUndefined();
    // the figures a sync's end computed (the behavior's hold times of open positions run on with the clock)
    expect({ ...shown, behavior: null, computedAt: null }).toEqual({ ...fresh, behavior: null, computedAt: null });
    expect(shown.behavior).toMatchObject({ tradeCount: fresh.behavior.tradeCount, uniqueTokens: fresh.behavior.uniqueTokens });
    expect(Date.parse(shown.computedAt)).toBeGreaterThan(Date.parse(fresh.computedAt));
    // (nothing started during the sync: the last run is the one that computed them)
    expect(await opened.stack.client.workflow.getHandle(workflowId).result()).toEqual({ refreshed: true, engineVersion: ENGINE_VERSION });
    expect(opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history').length).toBe(historyRequests);

    // a newer engine's (a worker deployed before this one): nothing started, shown as stored
    await storeAs('99.0.0');
    // a newer engine's are not older (compared as versions, not as text)
    expect(await byEngine()).toEqual([
      { engine: ENGINE_VERSION, older: false, wallets: before[0].wallets - 1 },
      { engine: '99.0.0', older: false, wallets: 1 },
    ]);
    const newer = (await get(`/v1/wallets/${A}`)).json();
    expect(newer).toMatchObject({ engineVersion: '99.0.0' });
    expect(newer.recomputing).toBeUndefined();
    expect((await opened.stack.client.workflow.getHandle(workflowId).describe()).status.name).toBe('COMPLETED');
    await opened.stack.pool.query('UPDATE wallet_analytics SET engine_version = $2, pnl = $3 WHERE wallet = $1', [A, ENGINE_VERSION, JSON.stringify(fresh.pnl)]);
  });

  it('proceed signals a running analysis, which then completes with partial wallets; the list shows it first', async () => {
    // the history pages held until the signal is in: no sync can end before it
    opened.sim.configure({ latencyMs: { 'helius:history': 300 }, paused: ['helius:history'] });
    try {
      const view = await opened.stack.withWorkers(async () => {
        const id = (await post('/v1/analyses', { wallets, sync: 'force' })).json().analysisId as string;
        await until('the syncing phase', async () => ((await get(`/v1/analyses/${id}`)).json().progress?.phase === 'syncing' ? true : undefined));
        const res = await post(`/v1/analyses/${id}/proceed`, undefined);
        expect(res.statusCode).toBe(202);
        expect(res.json()).toMatchObject({ analysisId: id, status: 'proceeding' });
        opened.sim.configure({ paused: [] });
        return until('completion', async () => {
          const v = (await get(`/v1/analyses/${id}`)).json();
          return v.status === 'completed' ? v : undefined;
        });
      });
      expect(view.result.partialWallets.length).toBeGreaterThan(0);
      const list = (await get(`/v1/analyses?wallet=${A}&limit=2`)).json().analyses;
      expect(list).toHaveLength(2);
      expect(list[0]).toMatchObject({ analysisId: view.analysisId, status: 'completed', summary: { pairCount: 6 } });
      expect(Date.parse(list[0].createdAt)).toBeGreaterThanOrEqual(Date.parse(list[1].createdAt));
    } finally {
      opened.sim.reset({ knobs: true });
    }
  });

  it('tokens: unknown mint 404, user enrichment at high priority, then the registry record', async () => {
    const mint = mints[0].mint;
    await opened.stack.pool.query('DELETE FROM tokens WHERE mint = ANY($1::text[])', [mints.map((m) => m.mint)]);
    expect(problem(await get(`/v1/tokens/${mint}`))).toEqual({ status: 404, type: 'not-found' });
    await opened.stack.withWorkers(async () => {
      const res = await post('/v1/tokens/enrich', { mints: mints.map((m) => m.mint) });
      expect(res.statusCode).toBe(202);
      const { workflowId } = res.json();
      expect(workflowId).toMatch(/^token-enrichment:user:/);
      const handle = opened.stack.client.workflow.getHandle(workflowId);
      expect((await handle.describe()).raw.workflowExecutionInfo?.priority?.priorityKey).toBe(1);
      await handle.result();
    });
    const token = await get(`/v1/tokens/${mint}`);
    expect(token.statusCode).toBe(200);
    expect(token.json()).toMatchObject({ mint, status: 'resolved', symbol: mints[0].symbol, priceUsd: expect.any(Number) });
  });

  it('health, readiness and metrics', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    // no worker runs here, so `workers` fails (test/integration/readiness.test.ts covers it)
    expect(ready.json().checks).toMatchObject({ temporal: { ok: true }, postgres: { ok: true }, redis: { ok: true } });
    const metrics = await get('/metrics');
    expect(metrics.body).toMatch(/http_requests_total\{method="POST",route="\/v1\/analyses",status_code="202"\} \d+/);
  });
});
