// GET /v1/analyses/{id}/pairs without services: its cursor (opaque, strict, bound to its analysis),
// the pairs page through fastify's real response serializer (every field of a pair reaches the
// client; engine 1.x pairs are filled with null), and GET /v1/analyses/{id} cutting a result stored
// before analysis_pairs (every pair, no pairCount) to its strongest `topPairs`.
import Fastify from 'fastify';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import { buildApp } from '../../../src/api/app';
import { resultInTodaysShape, resultWithTopPairs } from '../../../src/api/analysis-view';
import { decodePairsCursor, encodePairsCursor } from '../../../src/api/pairs-page';
import { ProblemError } from '../../../src/api/problem';
import { analysisView } from '../../../src/api/schemas/analyses';
import { pairsPage } from '../../../src/api/schemas/pairs';
import { loadConfig } from '../../../src/config';
import { derivedAddress } from '../../../src/simulator/keys';
import { bundleEvidence, scoresFor } from '../cli/evidence-fixtures';

const ID = '0c7e4a52-91d3-4b6f-8a2e-5d4c3b2a1f00';
const OTHER = '5f1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d';
const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => derivedAddress('pairs-page', x));

/** The problem a cursor is refused with (its detail), or null when accepted. */
function refusal(id: string, cursor: string): { problem: string; detail: string; pointer: string | undefined } | null {
  try {
    decodePairsCursor(id, cursor);
    return null;
  } catch (err) {
    if (!(err instanceof ProblemError)) throw err;
    return { problem: err.problem, detail: err.message, pointer: err.errors?.[0]?.pointer };
  }
}

describe('the pairs cursor', () => {
  it('round-trips the last rank served, as opaque base64url', () => {
    for (const rank of [0, 1, 36, 499_498, 2 ** 31 - 1]) {
      const cursor = encodePairsCursor(ID, rank);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor.length).toBeLessThanOrEqual(200); // the query schema's maxLength
      expect(decodePairsCursor(ID, cursor)).toBe(rank);
    }
  });

  it('refuses anything this API did not write for this analysis, with a 400 that says what to do', () => {
    const good = encodePairsCursor(ID, 36);
    const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    const cases: Array<[string, RegExp]> = [
      ['36', /not one this API gave out/],
      [`${good}=`, /not base64url/],
      [good.replace(/-/g, '+').replace(/_/g, '/') + '+', /not base64url/],
      [`${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`, /not canonical|not one this API gave out|another analysis/],
      [b64(`p1:036:${ID}`), /not one this API gave out/],
      [b64(`p1:-1:${ID}`), /not one this API gave out/],
      [b64(`p1:1.5:${ID}`), /not one this API gave out/],
      [b64(`p2:36:${ID}`), /not one this API gave out/],
      [b64(`p1:36:${ID}\n`), /not one this API gave out/],
      [b64(`p1:99999999999:${ID}`), /not one this API gave out/],
      [b64(`p1:${2 ** 31}:${ID}`), /rank out of range/],
      [encodePairsCursor(OTHER, 36), /belongs to another analysis/],
    ];
    for (const [cursor, detail] of cases) {
      const refused = refusal(ID, cursor);
      expect({ cursor, refused }).toEqual({ cursor, refused: { problem: 'validation', detail: expect.stringMatching(detail), pointer: '/querystring/cursor' } });
      expect(refused?.detail).toContain('pass the `nextCursor` of the previous page unchanged');
    }
    expect(refusal(ID, good)).toBeNull();
  });
});

// a pair of detection v2 with evidence, and the same pair as engine 1.x stored it
const v2Pair = (walletA: string, walletB: string, combined: number | null) => ({
  walletA,
  walletB,
  scores: scoresFor(bundleEvidence(walletA, walletB), { combined }),
  nullReasons: {},
  strength: 'High',
  sharedTokenCount: 4,
  tradedTokenCountA: 10,
  tradedTokenCountB: 12,
  unionTokenCount: 18,
  sharedHeldCount: 1,
  heldTokenCountA: 3,
  heldTokenCountB: 2,
  capitalOverlapPercent: 31.5,
  capitalInSharedPercentA: 40,
  capitalInSharedPercentB: null,
  sharedTokens: [{ mint: derivedAddress('pairs-page', 'mint'), weightA: 0.3, weightB: 0.2, contribution: 0.06 }],
  sharedTokensOmitted: 3,
  omittedContribution: 0.01,
  coTrading: { coTradedA: 5, coTradedB: 4, tradesA: 22, tradesB: 26 },
  insights: [{ type: 'Same-Block Buying', score: 0.8, reason: 'bought together' }],
  evidence: bundleEvidence(walletA, walletB),
  someFutureField: { kept: true },
});
const v1Pair = (walletA: string, walletB: string, combined: number | null) => {
  const { evidence: _e, strength: _s, insights: _i, scores, ...rest } = v2Pair(walletA, walletB, combined);
  return { ...rest, scores: { capital: scores.capital, binary: scores.binary, jaccardTraded: scores.jaccardTraded, jaccardHeld: scores.jaccardHeld, behavior: scores.behavior, timing: scores.timing, combined } };
};

async function serve(schema: object, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const app = Fastify();
  app.get('/x', { schema: { response: { 200: schema } } }, async () => body);
  try {
    const res = await app.inject({ method: 'GET', url: '/x' });
    return { status: res.statusCode, json: res.json() };
  } finally {
    await app.close();
  }
}

describe('a pairs page through the response serializer', () => {
  it('keeps every field of a stored pair, and fills an engine 1.x pair like GET /v1/analyses/{id} does', async () => {
    const page = { analysisId: ID, pairCount: 6, matched: 6, pairs: [v2Pair(a, b, 0.9)], nextCursor: encodePairsCursor(ID, 0) };
    const served = await serve(pairsPage, page);
    expect(served.status).toBe(200);
    expect(served.json).toEqual(JSON.parse(JSON.stringify(page)));

    const legacy = resultInTodaysShape({ pairs: [v1Pair(c, d, 0.4)] })?.pairs as object[];
    const servedLegacy = await serve(pairsPage, { ...page, pairs: legacy, nextCursor: null });
    expect(servedLegacy.json.nextCursor).toBeNull();
    expect((servedLegacy.json.pairs as Array<Record<string, unknown>>)[0]).toMatchObject({
      walletA: c,
      evidence: null,
      strength: null,
      insights: [],
      scores: { funding: null, bundle: null, rarity: null, similarity: 0.4, combined: 0.4 },
    });
  });
});

describe('a result stored before analysis_pairs (every pair, no pairCount)', () => {
  // the engine's order; the ranking: combined descending, null last, ties in stored order
  const stored = () => ({
    engineVersion: '1.1.0',
    pairs: [v1Pair(a, b, 0.2), v1Pair(a, c, null), v1Pair(a, d, 0.7), v1Pair(b, c, 0.2), v1Pair(b, d, 0.9), v1Pair(c, d, 0.7)],
    clusters: [],
  });
  const at = (w: string) => [a, b, c, d].indexOf(w);
  /** the pairs as "ij" of their wallets' places in [a, b, c, d] */
  const order = (result: Record<string, unknown> | null) => (result?.pairs as Array<{ walletA: string; walletB: string }>).map((p) => `${at(p.walletA)}${at(p.walletB)}`);

  it('is served as its strongest topPairs in rank order, with pairCount and pairsComplete', () => {
    expect(order(resultWithTopPairs(stored(), 4))).toEqual(['13', '03', '23', '01']);
    expect(resultWithTopPairs(stored(), 4)).toMatchObject({ pairCount: 6, pairsComplete: false, engineVersion: '1.1.0' });
    expect(order(resultWithTopPairs(stored(), 1000))).toEqual(['13', '03', '23', '01', '12', '02']);
    expect(resultWithTopPairs(stored(), 1000)).toMatchObject({ pairCount: 6, pairsComplete: true });
    expect(resultWithTopPairs(stored(), 0)).toMatchObject({ pairs: [], pairCount: 6, pairsComplete: false });
  });

  it('leaves a result that has pairCount (written since) and a missing result alone', () => {
    const today = { pairs: [v2Pair(a, b, 0.9)], pairCount: 6, pairsComplete: false };
    expect(resultWithTopPairs(today, 0)).toBe(today);
    expect(resultWithTopPairs(null, 10)).toBeNull();
  });

  it('declares pairCount and pairsComplete in the analysis response, and the pairs link', async () => {
    const result = resultInTodaysShape(resultWithTopPairs(stored(), 2));
    const view = {
      analysisId: ID,
      workflowId: `analysis:${ID}`,
      status: 'completed',
      wallets: [a, b, c, d],
      params: { window: null, sync: 'auto', failureThreshold: 0.8, topPairs: 2 },
      createdAt: '2026-11-29T14:00:00.000Z',
      completedAt: '2026-11-29T14:00:21.500Z',
      progress: null,
      error: null,
      summary: null,
      result,
      coverage: null,
      failedWallets: [],
      enrichment: { status: 'completed', workflowId: null, fetchingElsewhere: 0 },
      tokens: null,
      links: { self: `/v1/analyses/${ID}`, events: `/v1/analyses/${ID}/events`, temporalUi: 'http://ui', pairs: `/v1/analyses/${ID}/pairs` },
    };
    const served = await serve(analysisView, view);
    expect(served.status).toBe(200);
    expect(served.json.result).toMatchObject({ pairCount: 6, pairsComplete: false });
    expect((served.json.result as { pairs: unknown[] }).pairs).toHaveLength(2);
    expect(served.json.links).toMatchObject({ pairs: `/v1/analyses/${ID}/pairs` });
  });
});

describe('/openapi.json', () => {
  it('documents GET /v1/analyses/{id}/pairs with its query, page and problems', async () => {
    const temporal = { options: { namespace: 'default' }, workflow: { start: jest.fn(), getHandle: jest.fn() } } as unknown as Client;
    const app = await buildApp({ config: loadConfig({}), temporal, pool: { query: jest.fn() } as unknown as Pool, redis: {} as Redis }, { rateLimitStore: 'memory' });
    try {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const get = doc.paths['/v1/analyses/{id}/pairs'].get;
      expect(get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:id', 'query:cursor', 'query:limit', 'query:minScore', 'query:wallet']);
      const page = get.responses['200'].content['application/json'].schema;
      expect(page.required).toEqual(['analysisId', 'pairCount', 'matched', 'pairs', 'nextCursor']);
      expect(Object.keys(page.properties.pairs.items.properties)).toEqual(expect.arrayContaining(['walletA', 'walletB', 'scores', 'evidence']));
      expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '404', '409']);
      const result = doc.paths['/v1/analyses/{id}'].get.responses['200'].content['application/json'].schema.properties.result;
      expect(Object.keys(result.properties)).toEqual(expect.arrayContaining(['pairCount', 'pairsComplete']));
    } finally {
      await app.close();
    }
  });
});
