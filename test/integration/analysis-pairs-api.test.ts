// GET /v1/analyses/{id}/pairs over real HTTP (the API listening on a port, API keys on): every pair
// of a completed analysis a page at a time, strongest first, each exactly once; `minScore` and
// `wallet` filters and their `matched`; the problems (404 for another key, 409 until completed, 400
// for a bad cursor, a wallet outside the group, a bad limit). Rows seeded here exercise the read path
// on their own; the end-to-end test runs a real analysis (`topPairs: 10`) with the workers.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import { encodePairsCursor } from '../../src/api/pairs-page';
import { generateWorld } from '../../src/simulator';
import { completeAnalysis, endAnalysis, insertAnalysis } from '../../src/store/analyses';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { useSimulatedStack } from '../harness/stack';
import { inRankOrder as ranked, storePairs } from '../harness/analyses';

const world = generateWorld({ seed: 7141, wallets: 20, txPerWallet: 12, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
/** a valid address outside every group of this file */
const OUTSIDER = '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk';

const ALICE = 'alice-pairs-key-0b5e1d';
const BOB = 'bob-pairs-key-9c4a7f';

interface Pair {
  walletA: string;
  walletB: string;
  scores: { combined: number | null } & Record<string, unknown>;
  /** absent on pairs of engine 1.x */
  evidence?: unknown;
  [field: string]: unknown;
}
interface Page {
  analysisId: string;
  pairCount: number;
  matched: number;
  pairs: Pair[];
  nextCursor: string | null;
}

const key = (p: { walletA: string; walletB: string }) => `${p.walletA}|${p.walletB}`;

/** Pairs of the group in the engine's order (i < j over the sorted group), with combined scores that tie and some without. */
function seededPairs(group: string[]): Pair[] {
  const pairs: Pair[] = [];
  for (let i = 0; i < group.length; i++) {
    for (let j = i + 1; j < group.length; j++) {
      const n = pairs.length;
      // 0.00–0.95 in steps of 0.05 (many ties); every 17th pair has no combined score
      const combined = n % 17 === 5 ? null : ((n * 7) % 20) / 20;
      const scores = { capital: 0.5, binary: 0.4, jaccardTraded: 0.3, jaccardHeld: null, behavior: 0.6, timing: null, funding: null, bundle: null, rarity: null, similarity: combined, combined };
      // every 10th pair as engine 1.x stored it: no evidence, strength or insights, fewer scores
      pairs.push(
        n % 10 === 3
          ? { walletA: group[i], walletB: group[j], scores: { capital: 0.5, binary: 0.4, jaccardTraded: 0.3, jaccardHeld: null, behavior: 0.6, timing: null, combined }, nullReasons: {}, sharedTokenCount: n }
          : { walletA: group[i], walletB: group[j], scores, nullReasons: {}, strength: 'Low', insights: [], evidence: null, sharedTokenCount: n },
      );
    }
  }
  return pairs;
}

describe('GET /v1/analyses/{id}/pairs', () => {
  let app: FastifyInstance;
  let base: string;
  const opened = useSimulatedStack(
    { world },
    { API_KEYS: `${ALICE},${BOB}` },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis }, { eventPollIntervalMs: 200 });
        await app.listen({ host: '127.0.0.1', port: 0 });
        base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      },
      beforeClose: async () => {
        for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
          await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
        }
        await app?.close();
      },
    },
  );

  const get = async (path: string, as = ALICE) => {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': as } });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
  };

  /** Every page of a query, following nextCursor; the pages as answered. */
  async function allPages(id: string, query: Record<string, string | number>): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(Object.entries({ ...query, ...(cursor ? { cursor } : {}) }).map(([k, v]): [string, string] => [k, String(v)]));
      const res = await get(`/v1/analyses/${id}/pairs?${params}`);
      expect(res.status).toBe(200);
      const page = res.body as unknown as Page;
      pages.push(page);
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThan(100);
    } while (cursor !== null);
    return pages;
  }

  /** An analysis of Alice's, completed, with `pairs` stored in analysis_pairs as ranked. */
  async function seededAnalysis(group: string[], pairs: Pair[], failedWallets: Array<{ wallet: string; reason: string }> = []): Promise<string> {
    const id = randomUUID();
    const { pool } = opened.stack;
    await insertAnalysis(pool, { id, workflowId: analysisWorkflowId(id), requestId: null, ownerKeyId: apiKeyId(ALICE), wallets: group, params: { window: null, sync: 'skip', failureThreshold: 0.8, topPairs: 10 } });
    await completeAnalysis(pool, id, { summary: { pairCount: pairs.length }, result: { engineVersion: '2.0.0', pairs: ranked(pairs).slice(0, 10), pairCount: pairs.length, pairsComplete: false, clusters: [] }, coverage: [], failedWallets, engineVersion: '2.0.0' });
    // the rows as the write path stores them, and each wallet's ranks beside them
    await storePairs(pool, id, pairs);
    return id;
  }

  /** Pages are in rank order: combined never rises, pairs without it come last. */
  function expectRankOrder(pairs: Pair[]): void {
    const combined = pairs.map((p) => p.scores.combined);
    const firstNull = combined.indexOf(null);
    const scored = (firstNull === -1 ? combined : combined.slice(0, firstNull)) as number[];
    if (firstNull !== -1) expect(combined.slice(firstNull).every((c) => c === null)).toBe(true);
    for (let i = 1; i < scored.length; i++) expect(scored[i]).toBeLessThanOrEqual(scored[i - 1]);
  }

  describe('on stored rows', () => {
    const group = wallets;
    const pairs = seededPairs(group);
    let id: string;
    beforeAll(async () => {
      id = await seededAnalysis(group, pairs);
    });

    it('pages through every pair exactly once, strongest first, until nextCursor is null', async () => {
      const pages = await allPages(id, { limit: 37 });
      expect(pages).toHaveLength(Math.ceil(190 / 37));
      expect(pages.map((p) => p.pairs.length)).toEqual([37, 37, 37, 37, 37, 5]);
      for (const p of pages) expect(p).toMatchObject({ analysisId: id, pairCount: 190, matched: 190 });
      const served = pages.flatMap((p) => p.pairs);
      expect(served.map(key)).toEqual(ranked(pairs).map(key));
      expect(new Set(served.map(key)).size).toBe(190);
      expectRankOrder(served);
      expect(pages.at(-1)?.nextCursor).toBeNull();
      // the default page: 100 pairs
      const first = (await get(`/v1/analyses/${id}/pairs`)).body as unknown as Page;
      expect(first.pairs.map(key)).toEqual(ranked(pairs).slice(0, 100).map(key));
    });

    it('serves each pair with every field it was stored with; an engine 1.x pair filled with null', async () => {
      const served = (await allPages(id, { limit: 1000 })).flatMap((p) => p.pairs);
      const byKey = new Map(served.map((p) => [key(p), p]));
      for (const stored of pairs) {
        const got = byKey.get(key(stored)) as Pair;
        if (stored.evidence !== undefined) expect(got).toEqual(stored);
        else {
          expect(got).toMatchObject({ ...stored, strength: null, insights: [], evidence: null });
          expect(got.scores).toMatchObject({ funding: null, bundle: null, rarity: null, similarity: stored.scores.combined, combined: stored.scores.combined });
        }
      }
    });

    it('minScore serves the pairs whose combined is at least it (none without a score); matched counts them', async () => {
      for (const minScore of [0, 0.5, 0.55, 0.95, 1]) {
        const expected = ranked(pairs).filter((p) => p.scores.combined !== null && p.scores.combined >= minScore);
        const pages = await allPages(id, { limit: 37, minScore });
        const served = pages.flatMap((p) => p.pairs);
        expect({ minScore, served: served.map(key) }).toEqual({ minScore, served: expected.map(key) });
        for (const p of pages) expect(p).toMatchObject({ pairCount: 190, matched: expected.length });
      }
    });

    it('wallet serves that wallet\'s pairs (either side) in rank order; with minScore, both filters', async () => {
      for (const wallet of [group[0], group[7], group[19]]) {
        const expected = ranked(pairs).filter((p) => p.walletA === wallet || p.walletB === wallet);
        expect(expected).toHaveLength(19);
        const pages = await allPages(id, { limit: 7, wallet });
        expect(pages.flatMap((p) => p.pairs).map(key)).toEqual(expected.map(key));
        for (const p of pages) expect(p.matched).toBe(19);

        const strong = expected.filter((p) => p.scores.combined !== null && p.scores.combined >= 0.6);
        const filtered = await allPages(id, { limit: 4, wallet, minScore: 0.6 });
        expect(filtered.flatMap((p) => p.pairs).map(key)).toEqual(strong.map(key));
        for (const p of filtered) expect(p.matched).toBe(strong.length);
      }
    });

    it('answers 400 with a problem for a bad cursor, a wallet outside the group, a bad limit or minScore', async () => {
      const problems: Array<[string, RegExp]> = [
        ['cursor=bm90LWEtY3Vyc29y', /cursor is not one this API gave out/],
        ['cursor=%2B%2F%3D', /cursor is not one this API gave out/],
        [`cursor=${encodePairsCursor(randomUUID(), 3)}`, /cursor belongs to another analysis/],
        [`cursor=${encodePairsCursor(id, 190)}`, /points past the last pair of this analysis \(it has 190\)/],
        [`wallet=${OUTSIDER}`, new RegExp(`wallet ${OUTSIDER} is not in this analysis's group of 20 wallets`)],
        ['wallet=not-an-address', /wallet is not a valid Solana address/],
        ['limit=0', /limit/],
        ['limit=1001', /limit/],
        ['limit=ten', /limit/],
        ['minScore=1.5', /minScore/],
        ['minScore=0x1', /querystring.minScore must be a number written in decimal digits \(e.g. 0.5\), got '0x1'/],
        ['limit=1e2', /querystring.limit must be an integer written in decimal digits/],
        ['sort=combined', /unknown field 'sort'/],
      ];
      for (const [query, detail] of problems) {
        const res = await get(`/v1/analyses/${id}/pairs?${query}`);
        expect({ query, status: res.status, contentType: res.contentType }).toEqual({ query, status: 400, contentType: expect.stringMatching(/^application\/problem\+json/) });
        expect({ query, detail: res.body.detail }).toEqual({ query, detail: expect.stringMatching(detail) });
      }
    });

    it("is another key's 404, exactly as for an id that does not exist", async () => {
      const unknown = randomUUID();
      const theirs = await get(`/v1/analyses/${id}/pairs`, BOB);
      const nobodys = await get(`/v1/analyses/${unknown}/pairs`, BOB);
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual({ ...nobodys.body, detail: (nobodys.body.detail as string).replace(unknown, id), instance: `/v1/analyses/${id}/pairs` });
      expect(theirs.body.type).toBe('urn:wallet-similarity:problem:not-found');
    });
  });

  it('a wallet of the group left out of the computation (its sync or balances failed) answers 400 saying so, not an empty page', async () => {
    const [failed, ...computed] = wallets.slice(0, 6);
    const id = await seededAnalysis(wallets.slice(0, 6), seededPairs(computed), [{ wallet: failed, reason: 'balances: refused by the provider' }]);
    const res = await get(`/v1/analyses/${id}/pairs?wallet=${failed}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe(`wallet ${failed} is in this analysis's group but was left out of its computation (balances: refused by the provider): it has no pairs; its \`failedWallets\` entry says why`);
    const ok = await get(`/v1/analyses/${id}/pairs?wallet=${computed[0]}`);
    expect(ok.status).toBe(200);
    expect(ok.body.matched).toBe(4);
  });

  it('answers 409 analysis-not-completed, with its status, while running and when it ended otherwise', async () => {
    const { pool } = opened.stack;
    const id = randomUUID();
    await insertAnalysis(pool, { id, workflowId: analysisWorkflowId(id), requestId: null, ownerKeyId: apiKeyId(ALICE), wallets: wallets.slice(0, 3), params: {} });
    const running = await get(`/v1/analyses/${id}/pairs`);
    expect(running).toMatchObject({ status: 409, contentType: expect.stringMatching(/^application\/problem\+json/) });
    expect(running.body).toMatchObject({ type: 'urn:wallet-similarity:problem:analysis-not-completed', detail: expect.stringMatching(/is still running: its pairs are served once it has completed/) });
    // a malformed cursor or wallet is said at once, not once the analysis has completed
    for (const [query, type] of [['cursor=not-a-cursor!', 'validation'], ['wallet=not-an-address', 'invalid-address']]) {
      const bad = await get(`/v1/analyses/${id}/pairs?${query}`);
      expect({ status: bad.status, type: bad.body.type }).toEqual({ status: 400, type: `urn:wallet-similarity:problem:${type}` });
    }
    await endAnalysis(pool, id, 'failed', 'ended by the test', []);
    const failed = await get(`/v1/analyses/${id}/pairs`);
    expect(failed.status).toBe(409);
    expect(failed.body.detail).toMatch(/is failed: only a completed analysis has pairs/);
  });

  it('end to end: a completed analysis of 20 wallets with topPairs 10 lists its strongest 10, and the pages serve all 190', async () => {
    const view = await opened.stack.withWorkers(async () => {
      const res = await fetch(`${base}/v1/analyses`, { method: 'POST', headers: { 'x-api-key': ALICE, 'content-type': 'application/json' }, body: JSON.stringify({ wallets, sync: 'force', topPairs: 10 }) });
      expect(res.status).toBe(202);
      const { analysisId } = (await res.json()) as { analysisId: string };
      for (;;) {
        const got = await get(`/v1/analyses/${analysisId}`);
        if (got.body.status !== 'running') return got.body;
        await new Promise((r) => setTimeout(r, 500));
      }
    });
    expect(view.status).toBe('completed');
    const id = view.analysisId as string;
    const result = view.result as { pairs: Pair[]; pairCount: number; pairsComplete: boolean };
    expect(result).toMatchObject({ pairCount: 190, pairsComplete: false });
    expect(result.pairs).toHaveLength(10);
    expect(view.links).toMatchObject({ pairs: `/v1/analyses/${id}/pairs` });

    const pages = await allPages(id, { limit: 37 });
    expect(pages.map((p) => p.pairs.length)).toEqual([37, 37, 37, 37, 37, 5]);
    for (const p of pages) expect(p).toMatchObject({ analysisId: id, pairCount: 190, matched: 190 });
    const served = pages.flatMap((p) => p.pairs);
    expect(new Set(served.map(key)).size).toBe(190);
    const expectedKeys = wallets.flatMap((a, i) => wallets.slice(i + 1).map((b) => `${a}|${b}`));
    expect(served.map(key).sort()).toEqual(expectedKeys.sort());
    expectRankOrder(served);
    // the result's pairs are the first page's first 10, as stored
    expect(served.slice(0, 10)).toEqual(result.pairs);

    const strong = served.filter((p) => p.scores.combined !== null && p.scores.combined >= 0.3);
    const minScore = await allPages(id, { limit: 37, minScore: 0.3 });
    expect(minScore.flatMap((p) => p.pairs).map(key)).toEqual(strong.map(key));
    expect(minScore[0].matched).toBe(strong.length);
    const mine = await allPages(id, { limit: 5, wallet: wallets[4] });
    expect(mine.flatMap((p) => p.pairs).map(key)).toEqual(served.filter((p) => p.walletA === wallets[4] || p.walletB === wallets[4]).map(key));
    expect(mine[0].matched).toBe(19);
  });
});
