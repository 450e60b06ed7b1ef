// With API_KEYS set, an analysis belongs to the key that started it: another key gets the same 404
// as for an id that does not exist, on every route; lists and Idempotency-Keys are per key; an
// `admin:` key sees every key's analyses. Only a non-secret key id is stored. Real API (app.inject),
// PostgreSQL and Temporal; no worker runs, so started workflows wait and are terminated at the end.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { finishSync, takeSyncLease } from '../../src/store/wallets';
import { saveWalletAnalytics } from '../../src/store/wallet-analytics';
import { derivedAddress } from '../../src/simulator/keys';
import { workflowCountReaching } from '../harness/processes';
import { useTestStack } from '../harness/stack';
import { seedCompletedAnalysis } from '../harness/analyses';

const ALICE = 'alice-secret-key-7f3a9c';
const BOB = 'bob-secret-key-52d0e1';
const ADMIN = 'ops-secret-key-c4b8a2';
const A = '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk';
const B = 'GdLmGp9vyiFYFaPU2AbJfds6bMyqzbuXvUoC98See3Bx';
const C = 'FhJojH6DezCcXDEiyiFa31BXNDHoTury6uJco3JcbhsE';

describe('analyses belong to the API key that started them', () => {
  let app: FastifyInstance;
  const opened = useTestStack(
    { env: { API_KEYS: `${ALICE},${BOB},admin:${ADMIN}` } },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 100 });
      },
      beforeClose: async () => {
        for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
        }
        await app?.close();
      },
    },
  );

  const as = (key: string, method: 'GET' | 'HEAD' | 'POST' | 'DELETE', url: string, payload?: object, headers: Record<string, string> = {}) =>
    app.inject({ method, url, headers: { 'x-api-key': key, ...headers }, ...(payload ? { payload } : {}) });
  const start = async (key: string, wallets: string[], headers: Record<string, string> = {}) => {
    const res = await as(key, 'POST', '/v1/analyses', { wallets, sync: 'skip' }, headers);
    expect(res.statusCode).toBe(202);
    return res.json() as { analysisId: string; idempotentReplay: boolean };
  };
  const problem = (res: LightMyRequestResponse) => ({ status: res.statusCode, contentType: res.headers['content-type'], ...(res.json() as { type: string; detail: string }) });
  const routes = (id: string): Array<['GET' | 'POST' | 'DELETE', string]> => [
    ['GET', `/v1/analyses/${id}`],
    ['GET', `/v1/analyses/${id}/events`],
    ['POST', `/v1/analyses/${id}/proceed`],
    ['DELETE', `/v1/analyses/${id}`],
  ];
  const listed = async (key: string, wallet: string) =>
    ((await as(key, 'GET', `/v1/analyses?wallet=${wallet}&limit=100`)).json().analyses as Array<{ analysisId: string }>).map((a) => a.analysisId);
  /** A completed analysis of `group`, the key's. */
  const seed = (key: string, group: string[]) => seedCompletedAnalysis(opened.stack.pool, { ownerKeyId: apiKeyId(key), group, clusters: [], scores: {} });
  /** The list a key gets for `query` (GET /v1/analyses?wallets= or ?sharing=): [id, shared] of each. */
  const sharing = async (key: string, query: string) => {
    const res = await as(key, 'GET', `/v1/analyses?${query}`);
    expect(res.statusCode).toBe(200);
    return (res.json().analyses as Array<{ analysisId: string; shared: number }>).map((a) => [a.analysisId, a.shared]);
  };

  it("another key gets, on every route, exactly the 404 of an id that does not exist; the owner and an admin key reach it", async () => {
    const { analysisId: id } = await start(ALICE, [A, B]);
    const unknown = randomUUID();
    for (const [method, url] of routes(id)) {
      const theirs = problem(await as(BOB, method, url));
      const nobodys = problem(await as(BOB, method, url.replace(id, unknown)));
      expect(theirs).toEqual({ ...nobodys, detail: nobodys.detail.replace(unknown, id), instance: url });
      expect(theirs).toMatchObject({ status: 404, contentType: expect.stringMatching(/^application\/problem\+json/), type: 'urn:wallet-similarity:problem:not-found' });
    }
    expect((await as(ALICE, 'GET', `/v1/analyses/${id}`)).json()).toMatchObject({ analysisId: id, status: 'running' });
    expect((await as(ADMIN, 'GET', `/v1/analyses/${id}`)).json()).toMatchObject({ analysisId: id, status: 'running' });
    // HEAD of a running analysis's stream: its headers, answered at once (no stream is started)
    const head = await as(ALICE, 'HEAD', `/v1/analyses/${id}/events`);
    expect({ status: head.statusCode, type: head.headers['content-type'], body: head.body }).toEqual({ status: 200, type: 'text/event-stream; charset=utf-8', body: '' });
    expect((await as(ALICE, 'POST', `/v1/analyses/${id}/proceed`)).statusCode).toBe(202);
    // Bob's DELETE did nothing: the workflow still runs until an admin key cancels it
    expect((await opened.stack.client.workflow.getHandle(`analysis:${id}`).describe()).status.name).toBe('RUNNING');
    expect((await as(ADMIN, 'DELETE', `/v1/analyses/${id}`)).statusCode).toBe(202);

    // once ended, the owner's event stream answers and ends; Bob's still answers 404
    await opened.stack.pool.query(`UPDATE analyses SET status = 'failed', error = 'ended by the test' WHERE id = $1`, [id]);
    const events = await as(ALICE, 'GET', `/v1/analyses/${id}/events`);
    expect(events.statusCode).toBe(200);
    expect(events.body).toMatch(/event: completed\n.*"status":"failed"/);
    expect(events.body).toContain('event: end');
    // the stream is one key's too (written past the app's onSend hook)
    expect({ cacheControl: events.headers['cache-control'], vary: events.headers.vary }).toEqual({ cacheControl: 'no-store, no-transform', vary: 'x-api-key, authorization' });
    expect((await as(BOB, 'GET', `/v1/analyses/${id}/events`)).statusCode).toBe(404);
    expect((await as(ADMIN, 'GET', `/v1/analyses/${id}/events`)).statusCode).toBe(200);
  });

  it("lists a key's own analyses only; an admin key lists every key's", async () => {
    const alices = (await start(ALICE, [A, C])).analysisId;
    const bobs = (await start(BOB, [A, C])).analysisId;
    const [forAlice, forBob, forAdmin] = [await listed(ALICE, C), await listed(BOB, C), await listed(ADMIN, C)];
    expect(forAlice).toContain(alices);
    expect(forAlice).not.toContain(bobs);
    expect(forBob).toEqual([bobs]);
    expect(forAdmin).toEqual(expect.arrayContaining([alices, bobs]));
    // without the wallet filter too
    const all = ((await as(BOB, 'GET', '/v1/analyses?limit=100')).json().analyses as Array<{ analysisId: string }>).map((a) => a.analysisId);
    expect(all).toEqual([bobs]);
    // one key's answers are its own: no cache (a proxy's, a CDN's) may keep them for another key,
    // whichever way the key was sent; answers that are no key's (the spec) are not concerned
    for (const res of [
      await as(BOB, 'GET', '/v1/analyses?limit=100'),
      await as(ALICE, 'GET', `/v1/analyses/${alices}`),
      await as(ALICE, 'POST', '/v1/analyses', { wallets: [B, C], sync: 'skip' }),
      await as(BOB, 'GET', `/v1/analyses/${alices}`),
      await app.inject({ method: 'GET', url: '/v1/analyses?limit=1', headers: { authorization: `Bearer ${ALICE}` } }),
      await app.inject({ method: 'GET', url: '/v1/analyses' }),
      // a percent-encoded path reaches the same route, and is answered the same way
      await as(ALICE, 'GET', `/%76%31/analyses/${alices}`),
    ]) {
      expect({ status: res.statusCode, cacheControl: res.headers['cache-control'], vary: res.headers.vary }).toEqual({ status: res.statusCode, cacheControl: 'no-store', vary: 'x-api-key, authorization' });
    }
  });

  it('lists the analyses sharing most of a group of wallets first, each with how many it shares; a key sees its own only; bad lists are problems', async () => {
    const g = Array.from({ length: 6 }, (_, i) => derivedAddress('shared-listing', String(i)));
    const all = await seed(ALICE, g.slice(0, 4));
    const three = await seed(ALICE, [...g.slice(1, 4), g[5]]);
    const two = await seed(ALICE, [g[0], g[1], g[4]]);
    const one = await seed(ALICE, [g[3], g[5]]);
    const bobs = await seed(BOB, g.slice(0, 4));
    const asked = g.slice(0, 4).join(',');
    // half of the 4 by default: those sharing 4, 3 and 2 of them, most first
    expect(await sharing(ALICE, `wallets=${asked}`)).toEqual([[all, 4], [three, 3], [two, 2]]);
    expect(await sharing(ALICE, `wallets=${asked}&minShared=1`)).toEqual([[all, 4], [three, 3], [two, 2], [one, 1]]);
    expect(await sharing(ALICE, `wallets=${asked}&minShared=3&limit=1`)).toEqual([[all, 4]]);
    expect(await sharing(BOB, `wallets=${asked}`)).toEqual([[bobs, 4]]);
    expect((await sharing(ADMIN, `wallets=${asked}&minShared=4`)).map(([id]) => id).sort()).toEqual([all, bobs].sort());
    // before one of them: those created earlier; before another key's, none (its time is not told)
    expect(await sharing(ALICE, `wallets=${asked}&minShared=1&before=${two}`)).toEqual([[all, 4], [three, 3]]);
    expect(await sharing(BOB, `wallets=${asked}&before=${one}`)).toEqual([]);
    // with a status: the completed ones only (none of these is running)
    expect(await sharing(ALICE, `wallets=${asked}&status=running`)).toEqual([]);
    // spaces around the commas are fine
    expect(await sharing(ALICE, `wallets=${encodeURIComponent(g.slice(0, 4).join(' , '))}&minShared=4`)).toEqual([[all, 4]]);
    for (const [query, pointer] of [
      [`wallets=${g[0]}`, '/querystring/wallets'],
      [`wallets=${g[0]},${g[0]}`, '/querystring/wallets/1'],
      [`wallets=${g[0]},not-an-address`, '/querystring/wallets/1'],
      [`wallets=${g[0]},,not-an-address`, '/querystring/wallets/2'],
      [`wallets=${g[0]},${g[1]},`, '/querystring/wallets/2'],
      [`wallets=${asked}&wallet=${g[0]}`, '/querystring/wallets'],
      [`wallets=${asked}&minShared=5`, '/querystring/minShared'],
      [`minShared=2`, '/querystring/minShared'],
      [`wallets=${Array.from({ length: 101 }, (_, i) => derivedAddress('too-many', String(i))).join(',')}`, '/querystring/wallets'],
      [`sharing=${all}&wallets=${asked}`, '/querystring/sharing'],
      [`sharing=${all}&wallet=${g[0]}`, '/querystring/sharing'],
      [`sharing=${all}&minShared=5`, '/querystring/minShared'],
      [`sharing=${all}&minShared=0`, '/querystring/minShared'],
    ] as const) {
      const res = await as(ALICE, 'GET', `/v1/analyses?${query}`);
      expect({ query: query.slice(0, 60), status: res.statusCode, pointers: (res.json().errors as Array<{ pointer: string }> | undefined)?.map((e) => e.pointer) }).toEqual({
        query: query.slice(0, 60),
        status: 400,
        pointers: expect.arrayContaining([pointer]),
      });
    }
  });

  it("lists the analyses sharing most of an analysis's group, by its id, for a group of any size; another key's analysis is not found", async () => {
    const { pool } = opened.stack;
    const g = Array.from({ length: 6 }, (_, i) => derivedAddress('sharing-listing', String(i)));
    const all = await seed(ALICE, g.slice(0, 4));
    const three = await seed(ALICE, [...g.slice(1, 4), g[5]]);
    const two = await seed(ALICE, [g[0], g[1], g[4]]);
    const bobs = await seed(BOB, g.slice(0, 4));
    // the analysis itself is not listed; half of its 4 wallets by default
    expect(await sharing(ALICE, `sharing=${all}`)).toEqual([[three, 3], [two, 2]]);
    expect(await sharing(ALICE, `sharing=${all}&minShared=3`)).toEqual([[three, 3]]);
    expect(await sharing(ALICE, `sharing=${all}&before=${two}`)).toEqual([[three, 3]]);
    expect(await sharing(ALICE, `sharing=${two}&status=completed`)).toEqual([[all, 2]]);
    // an admin key sees every key's
    expect(await sharing(ADMIN, `sharing=${all}&minShared=4`)).toEqual([[bobs, 4]]);
    // another key's analysis, or none: 404, as GET /v1/analyses/{id} answers
    for (const [key, id] of [[BOB, all], [ALICE, randomUUID()]]) {
      const res = await as(key, 'GET', `/v1/analyses?sharing=${id}`);
      expect({ status: res.statusCode, detail: res.json().detail }).toEqual({ status: 404, detail: expect.stringContaining(`no analysis with id '${id}'`) });
    }

    // groups of 1,000 wallets (a token's top holders): more than a URL's `wallets` takes
    const big = Array.from({ length: 1_000 }, (_, i) => derivedAddress('sharing-listing-large', String(i)));
    const row = async (wallets: string[]) => {
      const id = randomUUID();
      await insertAnalysis(pool, { id, workflowId: `analysis-${id}`, requestId: null, ownerKeyId: apiKeyId(ALICE), wallets, params: {} });
      return id;
    };
    const whole = await row(big);
    const most = await row([...big.slice(0, 700), ...g]);
    const few = await row(big.slice(900, 1_000));
    expect(await sharing(ALICE, `sharing=${whole}`)).toEqual([[most, 700]]);
    expect(await sharing(ALICE, `sharing=${whole}&minShared=100`)).toEqual([[most, 700], [few, 100]]);
    expect(await sharing(ALICE, `sharing=${most}&minShared=700`)).toEqual([[whole, 700]]);
    // a token analysis whose holders are not resolved yet has no group: none listed
    const unresolved = await row([]);
    expect(await sharing(ALICE, `sharing=${unresolved}`)).toEqual([]);
    expect(await sharing(ALICE, `sharing=${unresolved}&minShared=1`)).toEqual([]);
  });

  it("an Idempotency-Key is scoped to its key: another key's same key starts its own analysis, never answers with someone else's", async () => {
    const headers = { 'idempotency-key': `shared-${randomUUID()}` };
    const before = Number((await opened.stack.client.workflow.count()).count);
    const alices = await start(ALICE, [B, C], headers);
    const bobs = await start(BOB, [B, C], headers);
    expect(bobs.analysisId).not.toBe(alices.analysisId);
    expect([alices.idempotentReplay, bobs.idempotentReplay]).toEqual([false, false]);
    expect(await start(ALICE, [C, B], headers)).toMatchObject({ analysisId: alices.analysisId, idempotentReplay: true });
    expect(await start(BOB, [B, C], headers)).toMatchObject({ analysisId: bobs.analysisId, idempotentReplay: true });
    // a different body under Alice's key is Bob's first use of it, not a 422 about Alice's request
    const other = { 'idempotency-key': `other-${randomUUID()}` };
    await start(ALICE, [A, B], other);
    expect((await start(BOB, [A, C], other)).idempotentReplay).toBe(false);
    expect(await workflowCountReaching(opened.stack, before + 4)).toBe(before + 4);
  });

  it('stores a non-secret key id, never the key: not in the row, the workflow history or any answer', async () => {
    const res = await as(ALICE, 'POST', '/v1/analyses', { wallets: [A, B, C], sync: 'skip' });
    const { analysisId: id } = res.json();
    const row = await getAnalysis(opened.stack.pool, id);
    expect(row?.ownerKeyId).toBe(apiKeyId(ALICE));
    const { rows } = await opened.stack.pool.query('SELECT to_jsonb(a)::text AS dump FROM analyses a WHERE id = $1', [id]);
    const history = JSON.stringify(await opened.stack.client.workflow.getHandle(`analysis:${id}`).fetchHistory());
    const view = await as(ALICE, 'GET', `/v1/analyses/${id}`);
    for (const text of [rows[0].dump, history, res.body, view.body]) {
      for (const key of [ALICE, BOB, ADMIN]) expect(text).not.toContain(key);
    }
  });

  it("a wallet whose sync another key's analysis holds is SYNCING for everyone, but only its owner (and an admin key) see which analysis", async () => {
    const { analysisId: bobs } = await start(BOB, [A, C]);
    const held = derivedAddress('ownership', 'held-by-bob', randomUUID());
    const own = derivedAddress('ownership', 'own-sync', randomUUID());
    // as an analysis's sync step takes a wallet: the lease names the analysis's workflow
    expect(await takeSyncLease(opened.stack.pool, held, `analysis:${bobs}`)).not.toBeNull();
    expect(await takeSyncLease(opened.stack.pool, own, `wallet-sync:${own}`)).not.toBeNull();
    const statuses = async (key: string) =>
      ((await as(key, 'POST', '/v1/wallets/status', { wallets: [held, own] })).json().wallets as Array<{ wallet: string; status: string; syncWorkflowId: string | null }>).map(({ wallet, status, syncWorkflowId }) => ({ wallet, status, syncWorkflowId }));
    expect(await statuses(ALICE)).toEqual([
      { wallet: held, status: 'SYNCING', syncWorkflowId: null },
      { wallet: own, status: 'SYNCING', syncWorkflowId: `wallet-sync:${own}` },
    ]);
    for (const key of [BOB, ADMIN]) {
      expect(await statuses(key)).toEqual([
        { wallet: held, status: 'SYNCING', syncWorkflowId: `analysis:${bobs}` },
        { wallet: own, status: 'SYNCING', syncWorkflowId: `wallet-sync:${own}` },
      ]);
    }
    // a wallet's own page says no more: not while the sync runs, nor once it is synced (the row keeps its last holder)
    await saveWalletAnalytics(opened.stack.pool, held, { pnl: {}, behavior: {}, coverage: {}, engineVersion: 'test' });
    const holderOnPage = async (key: string) => {
      const res = await as(key, 'GET', `/v1/wallets/${held}`);
      expect(res.statusCode).toBe(200);
      return (res.json().status as { status: string; syncWorkflowId: string | null });
    };
    expect(await holderOnPage(ALICE)).toMatchObject({ status: 'SYNCING', syncWorkflowId: null });
    expect(await holderOnPage(BOB)).toMatchObject({ status: 'SYNCING', syncWorkflowId: `analysis:${bobs}` });
    await finishSync(opened.stack.pool, held, { ok: true });
    expect(await holderOnPage(ALICE)).toMatchObject({ status: 'READY', syncWorkflowId: null });
    expect(await holderOnPage(ADMIN)).toMatchObject({ status: 'READY', syncWorkflowId: `analysis:${bobs}` });
    expect((await as(ALICE, 'GET', `/v1/wallets/${held}`)).body).not.toContain(bobs);
    await opened.stack.pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [[held, own]]);
    await opened.stack.pool.query('DELETE FROM wallet_analytics WHERE wallet = $1', [held]);
  });

  it('an analysis started while auth was off (no owner) is visible to admin keys only', async () => {
    const id = randomUUID();
    await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: [A, B], params: {} });
    expect((await as(ALICE, 'GET', `/v1/analyses/${id}`)).statusCode).toBe(404);
    expect(await listed(ALICE, A)).not.toContain(id);
    expect((await as(ADMIN, 'GET', `/v1/analyses/${id}`)).statusCode).toBe(200);
    expect(await listed(ADMIN, A)).toContain(id);
  });

  it('without API_KEYS every caller sees every analysis, as before', async () => {
    const open = await buildApp({ config: { ...opened.stack.config, API_KEYS: [] }, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis });
    try {
      const { analysisId: id } = await start(BOB, [B, C]);
      expect((await open.inject({ method: 'GET', url: `/v1/analyses/${id}` })).statusCode).toBe(200);
      const list = (await open.inject({ method: 'GET', url: `/v1/analyses?wallet=${B}&limit=100` })).json().analyses as Array<{ analysisId: string }>;
      expect(list.map((a) => a.analysisId)).toContain(id);
    } finally {
      await open.close();
    }
  });
});

describe('a bad API_KEYS stops the API at start-up with one line that names the entry, not the key', () => {
  it.each([
    ['an unknown role', `${ALICE},owner:${BOB}`, "error: invalid configuration: API_KEYS entry 2 has an unknown role before ':' (the only role is admin, as in admin:<key>; a key itself cannot contain ':' or ',') (got '<redacted>')"],
    ['a key listed twice', `${ALICE},admin:${ALICE}`, "error: invalid configuration: API_KEYS entries 1 and 2 are the same key: list each key once (got '<redacted>')"],
  ])('%s', async (_name, value, line) => {
    const root = path.resolve(__dirname, '..', '..');
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/api/server.ts'], { cwd: root, env: { ...process.env, API_KEYS: value }, timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(line);
  });
});
