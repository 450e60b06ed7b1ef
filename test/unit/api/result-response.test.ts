// GET /v1/analyses/{id} answers through fastify's response serializer, which writes only what the
// response schema declares: the pair evidence, the new scores and the cluster evidence must reach
// the client exactly as stored, a result of engine 1.x (without them) must still be served, and
// /openapi.json must describe the evidence so the Lab can type it.
import Fastify, { type FastifyInstance } from 'fastify';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import { buildApp } from '../../../src/api/app';
import { analysisLinks, resultInTodaysShape } from '../../../src/api/analysis-view';
import { analysisView, type AnalysisView } from '../../../src/api/schemas/analyses';
import { loadConfig } from '../../../src/config';
import type { SimilarityPair } from '../../../src/domain/similarity/types';
import { derivedAddress } from '../../../src/simulator/keys';
import { analysisWorkflowId, enrichmentWorkflowId } from '../../../src/workflows/contract';
import { bundleEvidence, clusterOf, copyEvidence, directEvidence, scoresFor } from '../cli/evidence-fixtures';

const ID = '6a1f3c1e-2b7d-4e0a-9f3e-1c2d3e4f5a6b';
const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => derivedAddress('response', x));

function pair(walletA: string, walletB: string, evidence: SimilarityPair['evidence']): SimilarityPair {
  return {
    walletA,
    walletB,
    scores: scoresFor(evidence, { combined: 0.12 }),
    nullReasons: {},
    strength: evidence ? 'Very High' : 'Very Low',
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
    sharedTokens: [{ mint: derivedAddress('response', 'mint'), weightA: 0.3, weightB: 0.2, contribution: 0.06 }],
    sharedTokensOmitted: 3,
    omittedContribution: 0.01,
    coTrading: { coTradedA: 5, coTradedB: 4, tradesA: 22, tradesB: 26 },
    insights: evidence ? [{ type: 'Common Funder', score: 0.8, reason: 'both were first funded by the same address' }] : [],
    evidence,
  };
}

const v2Result = {
  engineVersion: '2.0.0',
  parameters: { clusterThreshold: 0.5 },
  universe: { size: 18, excludedSeen: [] },
  coverage: [],
  pairs: [pair(a, b, bundleEvidence(a, b)), pair(a, c, copyEvidence(a, c)), pair(b, c, directEvidence(b, c)), pair(c, d, null)],
  clusters: [clusterOf([a, b, c])],
  globalMetrics: { walletCount: 4, pairCount: 6 },
  mostCommonTokens: [],
  tokenUniverse: [derivedAddress('response', 'mint')],
  partialWallets: [],
};

/** A result stored by engine 1.1.0: no evidence, scores without funding/bundle/rarity/similarity, clusters without confidence. */
function v1Result() {
  const strip = (p: SimilarityPair) => {
    const { evidence: _e, scores, ...rest } = p;
    const { funding: _f, bundle: _b, rarity: _r, similarity: _s, ...old } = scores;
    return { ...rest, scores: old };
  };
  const { confidence: _c, density: _d, weakestMemberLink: _w, evidence: _e, ...cluster } = clusterOf([a, b]);
  return { ...v2Result, engineVersion: '1.1.0', pairs: v2Result.pairs.map(strip), clusters: [cluster] };
}

function viewOf(result: Record<string, unknown>): AnalysisView {
  return {
    analysisId: ID,
    workflowId: analysisWorkflowId(ID),
    status: 'completed',
    wallets: [a, b, c, d],
    params: { window: null, sync: 'auto', failureThreshold: 0.8 },
    createdAt: '2026-11-29T14:00:00.000Z',
    completedAt: '2026-11-29T14:00:21.500Z',
    progress: null,
    error: null,
    summary: null,
    result: resultInTodaysShape(result) as AnalysisView['result'],
    coverage: null,
    failedWallets: [],
    enrichment: { status: 'completed', workflowId: enrichmentWorkflowId(ID), fetchingElsewhere: 0 },
    tokens: null,
    links: analysisLinks('http://127.0.0.1:8233', 'default', ID, analysisWorkflowId(ID)),
  };
}

/** The body a client receives for `view`, through the route's real response serializer. */
async function served(view: AnalysisView): Promise<{ status: number; body: AnalysisView }> {
  const app = Fastify();
  app.get('/v1/analyses/:id', { schema: { response: { 200: analysisView } } }, async () => view);
  try {
    const res = await app.inject({ method: 'GET', url: `/v1/analyses/${ID}` });
    return { status: res.statusCode, body: res.json() };
  } finally {
    await app.close();
  }
}

describe('the analysis response', () => {
  it('serves a detection v2 result exactly as stored: evidence, new scores, cluster confidence and evidence', async () => {
    const { status, body } = await served(viewOf(v2Result));
    expect(status).toBe(200);
    expect(body.result).toEqual(JSON.parse(JSON.stringify(v2Result)));
    const served0 = (body.result as unknown as typeof v2Result).pairs[0];
    expect(served0.evidence?.bundles[0].signatureA).toBe(bundleEvidence(a, b).bundles[0].signatureA);
    expect(Object.keys(served0.scores).sort()).toEqual(['behavior', 'binary', 'bundle', 'capital', 'combined', 'funding', 'jaccardHeld', 'jaccardTraded', 'rarity', 'similarity', 'timing']);
  });

  it('passes through the result as it is when it is already in today’s shape', () => {
    expect(resultInTodaysShape(v2Result)).toBe(v2Result);
    expect(resultInTodaysShape(null)).toBeNull();
  });

  it('still serves a stored engine 1.x result: the missing evidence and scores are null, similarity is the old combined', async () => {
    const { status, body } = await served(viewOf(v1Result()));
    expect(status).toBe(200);
    const result = body.result as unknown as { engineVersion: string; pairs: SimilarityPair[]; clusters: Array<Record<string, unknown>> };
    expect(result.engineVersion).toBe('1.1.0');
    expect(result.pairs).toHaveLength(4);
    for (const [i, p] of result.pairs.entries()) {
      expect(p.evidence).toBeNull();
      expect(p.scores).toMatchObject({ funding: null, bundle: null, rarity: null, similarity: v1Result().pairs[i].scores.combined, combined: v1Result().pairs[i].scores.combined });
      expect(p.scores.capital).toBe(0.41);
    }
    expect(result.clusters[0]).toMatchObject({ members: [a, b], edgeCount: 1, confidence: null, density: null, weakestMemberLink: null, evidence: null });
  });
});

describe('/openapi.json', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    const temporal = { options: { namespace: 'default' }, workflow: { start: jest.fn(), getHandle: jest.fn() } } as unknown as Client;
    app = await buildApp({ config: loadConfig({}), temporal, pool: { query: jest.fn() } as unknown as Pool, redis: {} as Redis }, { rateLimitStore: 'memory' });
  });
  afterAll(() => app.close());

  it('documents the pair evidence, the new scores and the cluster evidence of GET /v1/analyses/{id}', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const result = doc.paths['/v1/analyses/{id}'].get.responses['200'].content['application/json'].schema.properties.result;
    const pairSchema = result.properties.pairs.items;
    expect(Object.keys(pairSchema.properties.scores.properties)).toEqual(expect.arrayContaining(['funding', 'bundle', 'rarity', 'similarity', 'combined']));
    const evidence = pairSchema.properties.evidence;
    expect(Object.keys(evidence.properties).sort()).toEqual(['bundleOdds', 'bundles', 'bundlesOmitted', 'contributions', 'funding', 'fundingOmitted', 'rareTokens', 'rareTokensOmitted', 'strongest', 'timing']);
    expect(evidence.required).not.toContain('bundleOdds');
    expect(Object.keys(evidence.properties.bundleOdds.properties)).toEqual(['coBuys', 'nearBuyPairs', 'chance', 'kept', 'summary']);
    const kinds = evidence.properties.funding.items.oneOf.flatMap((s: { properties: { kind: { enum: string[] } } }) => s.properties.kind.enum);
    expect(kinds.sort()).toEqual(['common-destination', 'common-downstream-collector', 'common-fee-payer', 'common-first-funder', 'common-source', 'common-upstream-funder', 'direct', 'fee-payer', 'indirect-transfer', 'nft-round-trip', 'nft-sale', 'same-amount-funding']);
    expect(Object.keys(evidence.properties.timing.properties)).toEqual(expect.arrayContaining(['leader', 'follower', 'summary', 'medianLagSeconds', 'matches']));
    expect(evidence.properties.timing.properties.matches.items.required).toContain('followerSignature');
    expect(evidence.properties.bundles.items.required).toEqual(expect.arrayContaining(['mint', 'signatureA', 'signatureB', 'sameSlot']));
    const cluster = result.properties.clusters.items;
    expect(Object.keys(cluster.properties)).toEqual(expect.arrayContaining(['confidence', 'density', 'weakestMemberLink', 'evidence']));
    expect(Object.keys(cluster.properties.evidence.properties).sort()).toEqual(['bindingPairs', 'commonCounterparties', 'signalPairs']);
    expect(pairSchema.properties.insights.items.properties.type.enum).toEqual(expect.arrayContaining(['Common Funder', 'Direct Transfer', 'NFT Wash Trading', 'Same-Block Buying', 'Copy Trading', 'Rare Tokens']));
  });
});
