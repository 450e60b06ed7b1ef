// A token's DexScreener fetch is one run's at a time: a tokenEnrichmentWorkflow run claims the
// mints it fetches in the registry (claimTokenFetches), another run leaves them to it, an analysis
// whose only stale mints are being fetched starts no enrichment run, and a claim of a run that died
// lapses with its lease; its view and event stream wait, counting them, until that run stores them.
// First the store's claims, then runs and analyses on a real Temporal server against the simulator.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/api/app';
import type { AnalysisView } from '../../src/api/schemas/analyses';
import { ApiClient, type SseEvent } from '../../src/cli/api-client';
import { followAnalysis } from '../../src/cli/follow';
import { generateWorld } from '../../src/simulator';
import { WSOL_MINT } from '../../src/domain/enhanced-transaction';
import { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { WORKFLOW_TASK_QUEUE, enrichmentWorkflowId } from '../../src/workflows/contract';
import { claimTokenFetches, getTokens, markFailed, mintsNeedingFetch, saveMarkets } from '../../src/store/tokens';
import { getAnalysis } from '../../src/store/analyses';
import { createEnrichmentActivities } from '../../src/activities/enrichment';
import { buildActivityDeps } from '../../src/wiring';
import { analysisInput, executeAnalysis } from '../harness/analyses';
import { pricedMarket } from '../harness/markets';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 171, wallets: 4, txPerWallet: 20, largeWallet: false });
const allMints = (world.tokens as Array<{ mint: string }>).map((t) => t.mint).sort();
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('claims on token fetches', () => {
  const opened = useSimulatedStack({ world });
  const pool = () => opened.stack.pool;
  const freshMints = (n: number) => Array.from({ length: n }, (_, i) => `ClaimTest${randomUUID().replace(/-/g, '')}${i}`);
  const claimsOf = async (mints: string[]) =>
    (await pool().query<{ mint: string; by: string | null }>(`SELECT mint, fetch_claimed_by AS by FROM tokens WHERE mint = ANY($1) ORDER BY mint`, [mints])).rows.map((r) => r.by);

  describe('in the store', () => {
    it('runs that claim the same mints at once never claim one twice, and each is told how many the others hold', async () => {
      const mints = freshMints(50);
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => claimTokenFetches(pool(), mints, `run-${i}`, 3000)));

      expect(answers.flatMap((a) => a.claimed).sort()).toEqual([...mints].sort()); // every mint claimed, none twice
      for (const a of answers) expect(a).toMatchObject({ claimedElsewhere: 50 - a.claimed.length, needed: 50 });
      // a run's plan retried takes its own claims again; the others still find them held
      const owner = answers.findIndex((a) => a.claimed.length > 0);
      const again = await claimTokenFetches(pool(), mints, `run-${owner}`, 3000);
      expect(again.claimed).toEqual(answers[owner].claimed);
      // every one still needs a call, yet none is left for a later run, nor for an analysis to start a run for
      expect(await claimTokenFetches(pool(), mints, 'run-late', 3000)).toEqual({ claimed: [], claimedElsewhere: 50, needed: 50 });
      expect(await mintsNeedingFetch(pool(), mints)).toEqual([]);
    });

    it("stores a token whose name, symbol or links carry a NUL or a lone surrogate (its creator's text): without it, the batch's other tokens with it, and a written backslash-u0000 as written", async () => {
      const mints = freshMints(2);
      await claimTokenFetches(pool(), mints, 'nul-run', 3000);
      const odd = { ...pricedMarket(mints[0], 0, 'NU\u0000L'), name: 'Rug\u0000 Token \ud83d', websites: [{ label: 'site\u0000', url: 'https://x.example/\\u0000' }] };
      await saveMarkets(pool(), [odd, pricedMarket(mints[1], 1)]);
      const tokens = new Map((await getTokens(pool(), mints)).map((t) => [t.mint, t]));
      expect(tokens.get(mints[0])).toMatchObject({ status: 'resolved', symbol: 'NUL', name: 'Rug Token \ufffd' });
      expect(tokens.get(mints[1])).toMatchObject({ status: 'resolved', symbol: 'SYM1' });
      const { rows } = await pool().query<{ websites: unknown }>(`SELECT metadata->'websites' AS websites FROM tokens WHERE mint = $1`, [mints[0]]);
      expect(rows[0].websites).toEqual([{ label: 'site', url: 'https://x.example/\\u0000' }]);
    });

    it('a token DexScreener no longer lists loses its price (not its name): the last price would value holdings for ever', async () => {
      const [delisted] = freshMints(1);
      await claimTokenFetches(pool(), [delisted], 'priced-run', 3000);
      await saveMarkets(pool(), [pricedMarket(delisted, 0, 'GONE')]);
      expect((await getTokens(pool(), [delisted]))[0]).toMatchObject({ status: 'resolved', symbol: 'GONE' });
      expect((await getTokens(pool(), [delisted]))[0].priceUsd).not.toBeNull();
      await saveMarkets(pool(), [{ mint: delisted, status: 'unknown' }]);
      expect((await getTokens(pool(), [delisted]))[0]).toMatchObject({ status: 'unknown', symbol: 'GONE', priceUsd: null, liquidityUsd: null });
    });

    it("a priced token whose refresh failed waits out its back-off, stale as its price is: a run's next plan does not take it again at once", async () => {
      const [refreshed] = freshMints(1);
      await claimTokenFetches(pool(), [refreshed], 'priced-run', 3000);
      await saveMarkets(pool(), [pricedMarket(refreshed, 0)]);
      await pool().query(`UPDATE tokens SET price_fetched_at = now() - interval '1 hour' WHERE mint = $1`, [refreshed]);
      expect(await mintsNeedingFetch(pool(), [refreshed])).toEqual([refreshed]);
      await markFailed(pool(), [refreshed], 'DexScreener answered 503');
      expect((await getTokens(pool(), [refreshed]))[0].status).toBe('resolved');
      expect(await mintsNeedingFetch(pool(), [refreshed])).toEqual([]);
      expect((await claimTokenFetches(pool(), [refreshed], 'next-plan', 3000)).claimed).toEqual([]);
    });

    it('claims at most the limit, in mint order; the rest stay free for the next run', async () => {
      const mints = freshMints(12);
      expect(await claimTokenFetches(pool(), mints, 'limited-run', 5)).toEqual({ claimed: [...mints].sort().slice(0, 5), claimedElsewhere: 0, needed: 12 });
      expect(await claimTokenFetches(pool(), mints, 'next-run', 5)).toEqual({ claimed: [...mints].sort().slice(5, 10), claimedElsewhere: 5, needed: 12 });
    });

    it('claims never-fetched mints first, then the stalest prices: a universe past the limit is covered plan after plan', async () => {
      // "A…" sorts first by mint, but its price is only stale; the "Z…" mints were never fetched
      const [stale, staler] = [`A${freshMints(1)[0]}`, `B${freshMints(1)[0]}`];
      const pending = freshMints(2).map((m) => `Z${m}`);
      await claimTokenFetches(pool(), [stale, staler], 'first-run', 3000);
      await saveMarkets(pool(), [pricedMarket(stale, 0), pricedMarket(staler, 1)]);
      await pool().query(`UPDATE tokens SET price_fetched_at = now() - make_interval(mins => CASE WHEN mint = $1 THEN 10 ELSE 20 END) WHERE mint = ANY($2)`, [stale, [stale, staler]]);
      const all = [stale, staler, ...pending];
      expect((await claimTokenFetches(pool(), all, 'run-1', 2)).claimed).toEqual([...pending].sort());
      expect((await claimTokenFetches(pool(), all, 'run-2', 1)).claimed).toEqual([staler]);
      expect((await claimTokenFetches(pool(), all, 'run-3', 1)).claimed).toEqual([stale]);
    });

    it('an answer or a failure stored clears the claim; a lapsed lease frees the mint for the next run', async () => {
      const [answered, failed, lapsed] = freshMints(3);
      await claimTokenFetches(pool(), [answered, failed, lapsed], 'first-run', 3000);
      expect(await mintsNeedingFetch(pool(), [answered, failed, lapsed])).toEqual([]);

      await saveMarkets(pool(), [{ mint: answered, status: 'unknown' }]); // DexScreener answered (it knows no pair of it)
      await markFailed(pool(), [failed], 'DexScreener answered 500');
      await pool().query(`UPDATE tokens SET fetch_claimed_until = now() - interval '1 second' WHERE mint = $1`, [lapsed]);
      expect(await claimsOf([answered, failed])).toEqual([null, null]);
      expect(await mintsNeedingFetch(pool(), [answered, failed, lapsed])).toEqual([lapsed]);
      expect(await claimTokenFetches(pool(), [answered, failed, lapsed], 'second-run', 3000)).toEqual({ claimed: [lapsed], claimedElsewhere: 0, needed: 1 });
    });
  });

  describe('on Temporal', () => {
    const mints = allMints.slice(0, 40);
    // the mints enrichment asked DexScreener for (not an analysis's SOL price, asked with Wrapped SOL alone)
    const asked = () =>
      opened.sim.requestLog.filter((r) => r.endpoint === 'dexscreener:tokens' && !(r.mints?.length === 1 && r.mints[0] === WSOL_MINT)).flatMap((r) => r.mints ?? []);
    const enrich = (id: string, of = mints) =>
      opened.stack.client.workflow.start(tokenEnrichmentWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `${id}-${randomUUID()}`, args: [{ mints: of, reason: 'user' }] });

    beforeEach(async () => {
      await pool().query(`DELETE FROM tokens WHERE mint = ANY($1)`, [allMints]);
      opened.sim.reset();
    });

    it('two runs that need the same mints at once ask DexScreener for each once', async () => {
      opened.sim.configure({ latencyMs: { dexscreener: 500 } }); // the first run's requests are in flight while the second plans
      const [first, second] = await opened.stack.withWorkers(async () => {
        const handles = await Promise.all([enrich('claims-first'), enrich('claims-second')]);
        return Promise.all(handles.map((h) => h.result()));
      });

      expect(asked().sort()).toEqual([...mints].sort());
      for (const r of [first, second]) {
        expect(r).toMatchObject({ requested: mints.length, fresh: 0, failedBatches: 0 });
        expect(r.resolved + r.unknown + r.fetchingElsewhere).toBe(mints.length); // its own, and those left to the other
      }
      expect(first.resolved + first.unknown + second.resolved + second.unknown).toBe(mints.length);
      expect((await getTokens(pool(), mints)).filter((t) => t.status === 'pending')).toEqual([]);
    });

    it("a run whose mints outnumber one plan's limit plans again until every one is fetched, each once", async () => {
      const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
      // plans of 10 mints: the 40 take four
      const { planTokenEnrichment } = createEnrichmentActivities({ ...deps, settings: { ...deps.settings, mintsPerEnrichmentPlan: 10 } });
      const result = await opened.stack.withWorkers(async () => (await enrich('plans-again')).result(), { activities: { planTokenEnrichment } });
      expect(result).toMatchObject({ requested: mints.length, fresh: 0, failedBatches: 0, fetchingElsewhere: 0 });
      expect(result.resolved + result.unknown).toBe(mints.length);
      expect(asked().sort()).toEqual([...mints].sort());
      expect((await getTokens(pool(), mints)).filter((t) => t.status === 'pending')).toEqual([]);
    });

    it('an analysis whose stale tokens another run is fetching starts no enrichment run; a claim that lapsed is fetched by the next run', async () => {
      // every token of the world claimed by a run that died
      await mintsNeedingFetch(pool(), allMints);
      await pool().query(`UPDATE tokens SET fetch_claimed_by = 'a-run-that-died', fetch_claimed_until = now() + interval '5 minutes' WHERE mint = ANY($1)`, [allMints]);
      const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
      const { summary, during } = await opened.stack.withWorkers(async () => {
        const s = await executeAnalysis(opened.stack, input);
        // the claims still live: a run leaves them to their run
        const r = await (await enrich('claims-while-held', allMints)).result();
        return { summary: s, during: r };
      });

      expect(summary.tokensToEnrich).toBe(0);
      const row = await getAnalysis(pool(), input.analysisId);
      expect(row?.enrichmentStatus).toBe('completed');
      expect(row?.enrichmentWorkflowId).toBeNull();
      await expect(opened.stack.client.workflow.getHandle(enrichmentWorkflowId(input.analysisId)).describe()).rejects.toThrow(/not found/i);
      expect(during).toMatchObject({ resolved: 0, unknown: 0, fetchingElsewhere: allMints.length });
      expect(asked()).toEqual([]);

      // once the lease has lapsed (moved to the past here rather than waited for), the next run claims and fetches them
      await pool().query(`UPDATE tokens SET fetch_claimed_until = now() - interval '1 second' WHERE fetch_claimed_by = 'a-run-that-died'`);
      const after = await opened.stack.withWorkers(async () => (await enrich('claims-after-lapse', allMints)).result());
      expect(after).toMatchObject({ fetchingElsewhere: 0, failedBatches: 0 });
      expect(after.resolved + after.unknown).toBe(allMints.length);
      expect(asked().sort()).toEqual([...allMints].sort());
      expect(await claimsOf(allMints)).toEqual(allMints.map(() => null));
    });

    it("such an analysis's view counts the tokens another run is fetching, and its event stream sends `tokens` as that run stores them, ending at 0; the CLI follows it to the end", async () => {
      await mintsNeedingFetch(pool(), allMints);
      await pool().query(`UPDATE tokens SET fetch_claimed_by = 'another-analysis-run', fetch_claimed_until = now() + interval '5 minutes' WHERE mint = ANY($1)`, [allMints]);
      const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
      await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));

      const app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: pool(), redis: opened.stack.redis }, { eventPollIntervalMs: 100 });
      try {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const api = new ApiClient(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`);
        const view: AnalysisView = await api.getAnalysis(input.analysisId);
        const universe = ((view.result as { tokenUniverse?: string[] }).tokenUniverse ?? []).filter((m) => allMints.includes(m)).sort();
        expect(universe.length).toBeGreaterThan(3);
        expect(view.enrichment).toEqual({ status: 'completed', workflowId: null, fetchingElsewhere: universe.length });
        expect(Object.values(view.tokens ?? {}).filter((t) => t.status === 'pending').length).toBeGreaterThanOrEqual(universe.length);

        // the CLI follows it too (one line per phase without a terminal)
        const lines: string[] = [];
        const cli = followAnalysis(api, input.analysisId, { stream: { isTTY: false, write: (t: string) => lines.push(t.trim()) > 0 } as unknown as NodeJS.WriteStream });
        const heldLine = `completed; token enrichment completed, ${universe.length} tokens still fetched by another analysis`;
        for (let i = 0; i < 200 && !lines.includes(heldLine); i += 1) await new Promise((r) => setTimeout(r, 50));
        expect(lines).toContain(heldLine);

        // the other run stores its answers in two steps (DexScreener knows none of these: unknown)
        const [first, rest] = [universe.slice(0, 2), universe.slice(2)];
        const seen: SseEvent[] = [];
        for await (const e of api.events(input.analysisId)) {
          seen.push(e);
          const held = (e.data as { fetchingElsewhere?: number }).fetchingElsewhere;
          if (e.event === 'enrichment' && held === universe.length) await saveMarkets(pool(), first.map((mint, i) => pricedMarket(mint, i, `FIRST${i}`)));
          if (e.event === 'tokens' && held === rest.length) await saveMarkets(pool(), rest.map((mint) => ({ mint, status: 'unknown' as const })));
        }
        expect(seen.map((e) => [e.event, (e.data as { fetchingElsewhere?: number }).fetchingElsewhere])).toEqual([
          ['completed', undefined],
          ['enrichment', universe.length],
          ['tokens', rest.length],
          ['tokens', 0],
          ['end', undefined],
        ]);
        // each `tokens` event carries the records of the tokens it released, as the view lists them
        const carried = seen.filter((e) => e.event === 'tokens').map((e) => (e.data as { tokens: NonNullable<AnalysisView['tokens']> }).tokens);
        expect(carried.map((t) => Object.keys(t).sort())).toEqual([first, rest]);
        expect(Object.values(carried[0]).map((t) => [t.status, t.symbol])).toEqual([
          ['resolved', 'FIRST0'],
          ['resolved', 'FIRST1'],
        ]);
        const after = await api.getAnalysis(input.analysisId);
        expect({ ...carried[0], ...carried[1] }).toEqual(Object.fromEntries(universe.map((m) => [m, after.tokens?.[m]])));
        expect(after.enrichment.fetchingElsewhere).toBe(0);
        expect((await cli).enrichment.fetchingElsewhere).toBe(0);
        expect(lines.at(-1)).toBe('completed; token enrichment completed');
        for (const mint of rest) expect(after.tokens?.[mint]?.status).toBe('unknown');

        // a claim of the analysis's own run (one that died before it cleared them) is not waited for
        await pool().query(`UPDATE analyses SET enrichment_workflow_id = 'its-own-run' WHERE id = $1`, [input.analysisId]);
        await pool().query(`UPDATE tokens SET fetch_claimed_by = 'its-own-run', fetch_claimed_until = now() + interval '5 minutes' WHERE mint = ANY($1)`, [universe]);
        expect((await api.getAnalysis(input.analysisId)).enrichment.fetchingElsewhere).toBe(0);
      } finally {
        await app.close();
      }
    });
  });
});
