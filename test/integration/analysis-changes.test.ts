// GET /v1/analyses/{id}/changes (API keys on): what changed between two completed analyses of a
// group that lost a wallet and gained one: the wallets, the clusters matched by their members, the
// links formed and broken over the wallets both analysed (from analysis_pairs, a pair the same
// whichever way round it was stored), `limit`; the problems (the same id, another key's analysis,
// one not completed, no `since`); the CLI without --since finding the analysis to compare with
// (GET /v1/analyses?wallets=). Rows seeded here exercise the read path on its own.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import { apiKeyId } from '../../src/api/auth';
import { generateWorld } from '../../src/simulator';
import { endAnalysis, insertAnalysis } from '../../src/store/analyses';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { renderChanges } from '../../src/cli/changes';
import { main } from '../../src/cli/main';
import type { AnalysisChanges } from '../../src/api/schemas/changes';
import { seedCompletedAnalysis, type SeededAnalysis } from '../harness/analyses';
import { useTestStack } from '../harness/stack';

const world = generateWorld({ seed: 7157, wallets: 9, txPerWallet: 4, largeWallet: false });
const w = (world.wallets as Array<{ address: string }>).map((x) => x.address).sort();

const ALICE = 'alice-changes-key-5e2c9a';
const BOB = 'bob-changes-key-81d0f3';

describe('GET /v1/analyses/{id}/changes', () => {
  let app: FastifyInstance;
  const opened = useTestStack(
    { env: { API_KEYS: `${ALICE},${BOB}` } },
    {
      afterOpen: async () => {
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: opened.stack.pool, redis: opened.stack.redis });
      },
      beforeClose: async () => {
        await app?.close();
      },
    },
  );
  const get = (url: string, as = ALICE) => app.inject({ method: 'GET', url, headers: { 'x-api-key': as } });

  const seeded = (o: Omit<SeededAnalysis, 'ownerKeyId'> & { owner?: string }) => seedCompletedAnalysis(opened.stack.pool, { ...o, ownerKeyId: apiKeyId(o.owner ?? ALICE) });
  const k = (i: number, j: number) => `${w[i]}~${w[j]}`;

  // then: w0…w7 analysed; now: w1…w8, w0 no longer in the group, and w4 left out (its sync failed)
  let earlier: string;
  let later: string;
  beforeAll(async () => {
    earlier = await seeded({
      group: w.slice(0, 8),
      clusters: [[w[1], w[2], w[3]], [w[4], w[5]], [w[0], w[6]]],
      scores: { [k(1, 2)]: 0.8, [k(2, 3)]: 0.5, [k(0, 6)]: 0.9, [k(4, 5)]: 0.35, [k(3, 7)]: 0.1, [k(5, 6)]: 0.2, [k(6, 7)]: null },
    });
    later = await seeded({
      group: w.slice(1, 9),
      failed: [w[4]],
      clusters: [[w[1], w[2], w[3], w[7]], [w[5], w[6]]],
      scores: { [k(1, 2)]: 0.85, [k(2, 3)]: 0.25, [k(3, 7)]: 0.6, [k(5, 6)]: 0.45, [k(7, 8)]: 0.7, [k(6, 7)]: 0.3 },
      reversed: [k(5, 6), k(1, 2)],
    });
  });

  it('the wallets added and removed, the clusters matched by their members, and the links formed and broken over the wallets both analysed', async () => {
    const res = await get(`/v1/analyses/${later}/changes?since=${earlier}`);
    expect(res.statusCode).toBe(200);
    const body = res.json() as AnalysisChanges;
    expect(body.analysis).toEqual({ analysisId: later, completedAt: expect.any(String), engineVersion: '2.19.0', clusterThreshold: 0.3 });
    expect(body.since).toMatchObject({ analysisId: earlier, clusterThreshold: 0.3 });
    // w4 was analysed then but left out now: removed, as w0 is
    expect(body.wallets).toEqual({ added: [w[8]], removed: [w[0], w[4]].sort(), compared: 6 });
    expect(body.clusters).toEqual({
      changed: [
        // w4 left (not analysed now) and w6 joined: the most moved first
        { before: { members: [w[4], w[5]], confidence: 0.5 }, after: { members: [w[5], w[6]], confidence: 0.5 }, joined: [w[6]], left: [w[4]] },
        { before: { members: [w[1], w[2], w[3]], confidence: 0.6 }, after: { members: [w[1], w[2], w[3], w[7]].sort(), confidence: 0.6 }, joined: [w[7]], left: [] },
      ],
      unchanged: [],
      formed: [],
      dissolved: [{ members: [w[0], w[6]].sort(), confidence: expect.closeTo(0.4, 10) }],
    });
    const pair = (i: number, j: number) => [w[i], w[j]].sort();
    // formed: w3~w7 (0.1 → 0.6), w5~w6 (0.2 → 0.45, stored the other way round now), w6~w7 (none → 0.3: its threshold);
    // not w7~w8 (w8 was not analysed then); w1~w2 stays a link whichever way round it is stored
    expect(body.links.formed.map((l) => [[l.walletA, l.walletB], l.before, l.combined])).toEqual([
      [pair(3, 7), 0.1, 0.6],
      [pair(5, 6), 0.2, 0.45],
      [pair(6, 7), null, 0.3],
    ]);
    // broken: w2~w3 (0.5 → 0.25); not w0~w6 (w0 removed) nor w4~w5 (w4 not analysed now)
    expect(body.links.broken.map((l) => [[l.walletA, l.walletB], l.before, l.combined])).toEqual([[pair(2, 3), 0.5, 0.25]]);
    expect(body.links).toMatchObject({ formedCount: 3, brokenCount: 1 });

    // and the other way round: what was formed is broken
    const back = (await get(`/v1/analyses/${earlier}/changes?since=${later}`)).json() as AnalysisChanges;
    expect(back.wallets).toEqual({ added: [w[0], w[4]].sort(), removed: [w[8]], compared: 6 });
    expect(back.links.broken.map((l) => [[l.walletA, l.walletB], l.before, l.combined])).toEqual(body.links.formed.map((l) => [[l.walletA, l.walletB], l.combined, l.before]));
    expect(back.links.formed.map((l) => [l.walletA, l.walletB])).toEqual([pair(2, 3)]);

    // the CLI's lines name each change
    const text = renderChanges(body);
    expect(text).toContain('Wallets: 6 wallets compared; 1 added');
    expect(text).toContain('Clusters: 2 changed, 0 unchanged, 0 formed, 1 dissolved.');
    expect(text).toContain(`formed  ${pair(3, 7).join(' ~ ')}  0.10 → 0.60`);
    expect(text).toContain(`broken  ${pair(2, 3).join(' ~ ')}  0.50 → 0.25`);
  });

  it("the CLI over HTTP: without --since, compares with the key's analysis before it sharing most of its wallets (the newest of those), and says which", async () => {
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    // a later analysis of the same group (its clusters left empty: GET /v1/analyses/{id} answers the whole shape of one)
    const again = await seeded({ group: w.slice(1, 9), clusters: [], scores: {} });
    const printed: string[] = [];
    const said: string[] = [];
    const out = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
    const err = jest.spyOn(console, 'error').mockImplementation((line: unknown) => void said.push(String(line)));
    try {
      expect(await main(['changes', again, '--api', url, '--api-key', ALICE])).toBe(0);
      // another key's analysis is not found
      await expect(main(['changes', again, '--api', url, '--api-key', BOB])).rejects.toThrow(/404/);
      const bobs = await seeded({ owner: BOB, group: w.slice(2, 5), clusters: [], scores: {} });
      await expect(main(['changes', bobs, '--api', url, '--api-key', BOB])).rejects.toThrow(`no completed analysis of this key before ${bobs} shares half of its wallets: give the one to compare with, --since <analysis-id>`);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
    // `later` shares all 8 of its wallets, `earlier` 7
    const listed = (await get(`/v1/analyses?wallets=${w.slice(1, 9).join(',')}`)).json().analyses as Array<{ analysisId: string; createdAt: string; shared: number }>;
    expect(listed.map((a) => [a.analysisId, a.shared])).toEqual([[again, 8], [later, 8], [earlier, 7]]);
    expect(said).toEqual([`Compared with ${later} (${listed[1].createdAt}), which shares 8 of its 8 wallets (--since picks another)`]);
    expect(printed.join('\n')).toBe(renderChanges((await get(`/v1/analyses/${again}/changes?since=${later}`)).json() as AnalysisChanges));
  });

  it('limit lists the strongest links of each kind and counts them all', async () => {
    const body = (await get(`/v1/analyses/${later}/changes?since=${earlier}&limit=1`)).json() as AnalysisChanges;
    expect(body.links.formed).toHaveLength(1);
    expect(body.links.formed[0].combined).toBe(0.6);
    expect(body.links).toMatchObject({ formedCount: 3, brokenCount: 1 });
    expect(renderChanges(body)).toContain('… and 2 more formed (--limit lists more)');
  });

  it('problems: the same analysis, another key\'s, one not completed, one of engine 1.x, an unknown one, no since, a bad limit', async () => {
    const problem = async (url: string, as = ALICE) => {
      const res = await get(url, as);
      return { status: res.statusCode, type: String(res.json().type).split(':').pop(), detail: String(res.json().detail) };
    };
    expect(await problem(`/v1/analyses/${later}/changes?since=${later}`)).toMatchObject({ status: 400, type: 'validation', detail: expect.stringMatching(/since is this analysis/) });
    expect(await problem(`/v1/analyses/${later}/changes`)).toMatchObject({ status: 400, type: 'validation' });
    expect(await problem(`/v1/analyses/${later}/changes?since=${earlier}&limit=0`)).toMatchObject({ status: 400, type: 'validation' });
    // Bob sees neither of Alice's; Alice does not see Bob's, whichever side it is on
    expect(await problem(`/v1/analyses/${later}/changes?since=${earlier}`, BOB)).toMatchObject({ status: 404, detail: expect.stringContaining(later) });
    const bobs = await seeded({ group: w.slice(0, 3), clusters: [], scores: {}, owner: BOB });
    expect(await problem(`/v1/analyses/${later}/changes?since=${bobs}`)).toMatchObject({ status: 404, detail: expect.stringContaining(bobs) });
    expect(await problem(`/v1/analyses/${bobs}/changes?since=${later}`)).toMatchObject({ status: 404, detail: expect.stringContaining(bobs) });
    expect(await problem(`/v1/analyses/${later}/changes?since=${randomUUID()}`)).toMatchObject({ status: 404 });
    // one that failed
    const failed = randomUUID();
    await insertAnalysis(opened.stack.pool, { id: failed, workflowId: analysisWorkflowId(failed), requestId: null, ownerKeyId: apiKeyId(ALICE), wallets: w.slice(0, 3), params: {} });
    await endAnalysis(opened.stack.pool, failed, 'failed', 'every wallet failed', []);
    expect(await problem(`/v1/analyses/${later}/changes?since=${failed}`)).toMatchObject({ status: 409, type: 'analysis-not-completed', detail: `analysis ${failed} is failed: only a completed analysis can be compared` });
    // one of engine 1.x, whose combined score was another one
    const old = await seeded({ group: w.slice(0, 3), clusters: [], scores: {}, engine: '1.4.0' });
    for (const url of [`/v1/analyses/${later}/changes?since=${old}`, `/v1/analyses/${old}/changes?since=${later}`]) {
      expect(await problem(url)).toMatchObject({ status: 409, type: 'engines-not-comparable', detail: expect.stringContaining(`analysis ${old} was computed by engine 1.4.0`) });
    }
  });
});
