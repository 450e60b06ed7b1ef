// Reading every pair of a result that lists only its strongest (issue 14 item 3): a small HTTP
// server answers GET /v1/analyses/{id} (the strongest 10 of 435 pairs) and GET
// /v1/analyses/{id}/pairs in the page shape of src/api/schemas/pairs.ts (cursor, limit, minScore,
// wallet); `pairs <id>` prints its pages as tables or NDJSON, `show` says "top N of M", and
// `show --pair A B` finds a pair the result does not list by paging A's pairs.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stripVTControlCharacters } from 'node:util';
import { analysisLinks } from '../../../src/api/analysis-view';
import type { AnalysisView } from '../../../src/api/schemas/analyses';
import type { PairsPage } from '../../../src/api/schemas/pairs';
import { ApiClient } from '../../../src/cli/api-client';
import { main } from '../../../src/cli/main';
import { PairNotFoundError } from '../../../src/cli/pair-detail';
import { locatePair, pairPages, renderPairsPage } from '../../../src/cli/pairs';
import { RENDER_WIDTH, renderAnalysis, shortAddress } from '../../../src/cli/render';
import { scores } from '../../../src/domain/testing/scores';
import type { SimilarityPair } from '../../../src/domain/similarity/types';
import { derivedAddress } from '../../../src/simulator/keys';
import { analysisWorkflowId, enrichmentWorkflowId } from '../../../src/workflows/contract';

const ID = '5d1c3a4e-8f0b-4a7e-9c61-2b9e7d3f1a20';
const wallets = Array.from({ length: 30 }, (_, i) => derivedAddress('cli-pairs', String(i)));

function pair(a: string, b: string, combined: number | null): SimilarityPair {
  return {
    walletA: a,
    walletB: b,
    scores: scores({ combined, similarity: combined }),
    nullReasons: {},
    strength: null,
    sharedTokenCount: 0,
    sharedTokens: [],
    sharedTokensOmitted: 0,
    insights: [],
    evidence: null,
  } as unknown as SimilarityPair;
}

// every pair, strongest first (the API's order), combined spread over 0–1 and a few without one
const all: SimilarityPair[] = [];
for (let i = 0; i < wallets.length; i++) for (let j = i + 1; j < wallets.length; j++) all.push(pair(wallets[i], wallets[j], (i * 31 + j) % 17 === 0 ? null : ((i * 7 + j * 13) % 100) / 100));
all.sort((x, y) => (y.scores.combined ?? -1) - (x.scores.combined ?? -1));
const LISTED = 10;

const view: AnalysisView = {
  analysisId: ID,
  workflowId: analysisWorkflowId(ID),
  status: 'completed',
  wallets,
  params: { window: null, sync: 'auto', failureThreshold: 0.8 },
  createdAt: '2026-11-29T14:00:00.000Z',
  completedAt: '2026-11-29T14:00:21.500Z',
  progress: null,
  error: null,
  summary: null,
  result: { pairs: all.slice(0, LISTED), pairCount: all.length, pairsComplete: false, clusters: [], coverage: [], globalMetrics: { pairCount: all.length } } as unknown as AnalysisView['result'],
  coverage: null,
  failedWallets: [],
  enrichment: { status: 'completed', workflowId: enrichmentWorkflowId(ID), fetchingElsewhere: 0 },
  tokens: {},
  links: analysisLinks('http://127.0.0.1:8233', 'default', ID, analysisWorkflowId(ID)),
};

/** The pairs route as the API serves it: filters, then `limit` pairs from the cursor (an offset here; opaque to clients). */
function page(url: URL): PairsPage | null {
  const wallet = url.searchParams.get('wallet');
  if (wallet && !wallets.includes(wallet)) return null;
  const min = url.searchParams.has('minScore') ? Number(url.searchParams.get('minScore')) : null;
  const limit = Number(url.searchParams.get('limit') ?? 100);
  const from = Number(url.searchParams.get('cursor') ?? 0);
  const matching = all.filter((p) => (!wallet || p.walletA === wallet || p.walletB === wallet) && (min === null || (p.scores.combined !== null && p.scores.combined >= min)));
  return { analysisId: ID, pairCount: all.length, matched: matching.length, pairs: matching.slice(from, from + limit) as unknown as PairsPage['pairs'], nextCursor: from + limit < matching.length ? String(from + limit) : null };
}

describe('reading every pair a page at a time', () => {
  let server: Server;
  let api: string;
  let requests: URL[];
  let out: string[];
  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname === `/v1/analyses/${ID}`) return send(200, view);
      if (url.pathname === '/v1/analyses/still-running') return send(200, { ...view, analysisId: 'still-running', status: 'running', result: null });
      if (url.pathname === `/v1/analyses/${ID}/pairs`) {
        requests.push(url);
        const p = page(url);
        return p ? send(200, p) : send(400, { title: 'Bad Request', status: 400, detail: 'not a wallet of this analysis' });
      }
      send(404, { title: 'Not Found', status: 404, detail: 'no such route' });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    requests = [];
    out = [];
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void out.push(args.join(' ')));
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());
  const text = () => stripVTControlCharacters(out.join('\n'));

  it("show says how many of the analysis's pairs the result lists, and how to read them all", () => {
    const shown = stripVTControlCharacters(renderAnalysis(view, { topPairs: 5 }));
    expect(shown).toContain(`Most similar pairs (top 5 of ${all.length})`);
    expect(shown).toContain(`The result lists the top ${LISTED} of ${all.length} pairs; every pair, a page at a time:\n  wallet-similarity pairs ${ID} [--all]`);
    for (const line of shown.split('\n')) expect(line.length).toBeLessThanOrEqual(RENDER_WIDTH);
    // a complete result reads as before
    const complete = { ...view, result: { ...view.result, pairs: all, pairCount: all.length, pairsComplete: true } } as unknown as AnalysisView;
    const before = stripVTControlCharacters(renderAnalysis(complete, { topPairs: 5 }));
    expect(before).toContain(`Most similar pairs (top 5 of ${all.length})`);
    expect(before).not.toContain('The result lists the top');
  });

  it('pairs <id> prints the first page as the table, numbered, and says more follow', async () => {
    await expect(main(['pairs', ID, '--limit', '25', '--api', api])).resolves.toBe(0);
    expect(requests).toHaveLength(1);
    expect(requests[0].searchParams.get('limit')).toBe('25');
    const t = text();
    expect(t).toContain(`Pairs 1–25 of ${all.length} pairs, strongest first:`);
    expect(t).toContain(shortAddress(all[0].walletA));
    expect(t).toContain(shortAddress(all[24].walletB));
    expect(t).not.toMatch(/^\| 26 /m);
    expect(t).toContain('More pairs follow: add --all to print every page.');
    for (const line of t.split('\n')) expect(line.length).toBeLessThanOrEqual(RENDER_WIDTH);
  });

  it('pairs <id> --all --json prints every matching pair once as NDJSON, in the API order, with the filters sent to the API', async () => {
    const w = wallets[7];
    await expect(main(['pairs', ID, '--all', '--json', '--limit', '6', '--min-score', '0.3', '--wallet', w.slice(0, 12), '--api', api])).resolves.toBe(0);
    const expected = all.filter((p) => (p.walletA === w || p.walletB === w) && p.scores.combined !== null && p.scores.combined >= 0.3);
    expect(expected.length).toBeGreaterThan(6);
    const lines = out.join('').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as SimilarityPair)).toEqual(expected);
    expect(requests).toHaveLength(Math.ceil(expected.length / 6));
    for (const r of requests) expect([r.searchParams.get('wallet'), r.searchParams.get('minScore'), r.searchParams.get('limit')]).toEqual([w, '0.3', '6']);
    expect(requests.map((r) => r.searchParams.get('cursor'))).toEqual(requests.map((_, i) => (i === 0 ? null : String(i * 6))));
  });

  it('pairs <id> --all numbers its pages on from the page before', async () => {
    await expect(main(['pairs', ID, '--all', '--limit', '200', '--api', api])).resolves.toBe(0);
    const t = text();
    expect(t).toContain(`Pairs 1–200 of ${all.length} pairs, strongest first:`);
    expect(t).toContain(`Pairs 201–400 of ${all.length} pairs, strongest first:`);
    expect(t).toContain(`Pairs 401–${all.length} of ${all.length} pairs, strongest first:`);
    expect(t).not.toContain('More pairs follow');
  });

  it.each([
    [['pairs', ID, '--limit', '1001'], /--limit must be at most 1000/],
    [['pairs', ID, '--limit', '0'], /--limit must be a whole number of at least 1/],
    [['pairs', ID, '--min-score', '2'], /--min-score must be a number from 0 to 1/],
    [['pairs', ID, '--min-score', 'x'], /--min-score must be a number from 0 to 1/],
    [['pairs'], /pairs needs one analysis id/],
  ])('refuses %j with a usage error', async (argv, message) => {
    await expect(main([...argv, '--api', api])).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(message) });
    expect(requests).toHaveLength(0);
  });

  it('says when the analysis has not completed, without paging (not a usage error)', async () => {
    const err = (await main(['pairs', 'still-running', '--api', api]).catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('analysis still-running is running: its pairs are served once it completes (wallet-similarity show still-running follows it)');
    expect(err.name).not.toBe('UsageError');
    expect(requests).toHaveLength(0);
  });

  it('refuses a --wallet that is not of the group before paging', async () => {
    await expect(main(['pairs', ID, '--wallet', 'zzzz', '--api', api])).rejects.toThrow(PairNotFoundError);
    expect(requests).toHaveLength(0);
  });

  it('show --pair finds a pair the result does not list by paging A until B turns up', async () => {
    const target = all[300];
    expect((view.result?.pairs ?? []).some((p) => p.walletA === target.walletA && p.walletB === target.walletB)).toBe(false);
    const client = new ApiClient(api);
    const found = await locatePair(client, view, shortAddress(target.walletB), target.walletA.slice(0, 10));
    expect(found.pair).toEqual(target);
    const ofB = all.filter((p) => p.walletA === target.walletB || p.walletB === target.walletB);
    const at = ofB.findIndex((p) => p.walletA === target.walletA && p.walletB === target.walletB);
    expect(found.rank).toBe(`#${at + 1} of ${ofB.length} pairs of ${shortAddress(target.walletB)}`);
    expect(requests.map((r) => [r.searchParams.get('wallet'), r.searchParams.get('limit')])).toEqual([[target.walletB, '1000']]);

    // and through the command
    requests = [];
    await expect(main(['show', ID, '--pair', target.walletA, target.walletB, '--api', api])).resolves.toBe(0);
    expect(text()).toContain(`Pair #`);
    expect(text()).toContain(`of analysis ${ID}`);
    expect(text()).toContain(`  A ${target.walletA}`);
    expect(requests).toHaveLength(1);
  });

  it("show --pair takes a listed pair from the result without paging, and pages A's pairs to the end before saying there is none", async () => {
    const client = new ApiClient(api);
    const listed = await locatePair(client, view, all[3].walletA, all[3].walletB);
    expect(listed.rank).toBe('#4');
    expect(requests).toHaveLength(0);
    // a source whose pages never hold the pair: every page read, then a one-line error
    const empty = { getPairsPage: jest.fn(async (_id: string, q: { cursor?: string } = {}) => ({ analysisId: ID, pairCount: all.length, matched: 2000, pairs: [], nextCursor: q.cursor === '2' ? null : String(Number(q.cursor ?? 0) + 1) })) };
    await expect(locatePair(empty, view, wallets[1], wallets[2])).rejects.toThrow(`analysis ${ID} has no pair of ${wallets[1]} and ${wallets[2]}`);
    expect(empty.getPairsPage).toHaveBeenCalledTimes(3);
  });

  it('pairPages stops after one page unless asked for all', async () => {
    const client = new ApiClient(api);
    const one: PairsPage[] = [];
    for await (const p of pairPages(client, ID, { limit: 100 }, false)) one.push(p);
    expect(one).toHaveLength(1);
    expect(one[0].nextCursor).toBe('100');
    const every: PairsPage[] = [];
    for await (const p of pairPages(client, ID, { limit: 100 }, true)) every.push(p);
    expect(every.flatMap((p) => p.pairs)).toEqual(all);
    expect(renderPairsPage(view, { ...every[4], pairs: [] }, 436, {})).toBe(`No pairs left of ${all.length} pairs.`);
  });
});
