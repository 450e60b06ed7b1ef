// End to end over real HTTP: the API listening on a port, the real workers, a simulator world.
// A client POSTs an analysis, follows the Server-Sent Events until the server ends the stream, and
// reads the result, clusters and enriched token metadata with GET; the CLI's renderer prints it.
import type { SseEvent } from '../../src/cli/api-client';
import { RENDER_WIDTH, renderAnalysis, shortAddress } from '../../src/cli/render';
import { fetchWallet, renderWallet } from '../../src/cli/wallet';
import { ENGINE_VERSION } from '../../src/domain';
import { generateWorld } from '../../src/simulator';
import { useSimulatedStack } from '../harness/stack';
import { until } from '../harness/processes';
import { main } from '../../src/cli/main';
import { servedApi } from '../harness/http-api';

const world = generateWorld({ seed: 71, wallets: 6, txPerWallet: 40, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);
const truth = world.groundTruth as { clusters: string[][] };

describe('the API over HTTP with the real stack', () => {
  const served = servedApi(() => opened.stack);

  const opened = useSimulatedStack(
    { world },
    {},
    {
      ...served.hooks,
    },
  );

  it("the CLI's wallet command syncs a wallet without stored history, follows its sync, and prints the PnL, behavior and coverage the API stores", async () => {
    const wallet = wallets[0];
    const said: string[] = [];
    const view = await opened.stack.withWorkers(() => fetchWallet(served.api, wallet, { sync: 'auto', log: (l) => said.push(l) }));
    expect(said[0]).toBe(`syncing ${shortAddress(wallet)} (no stored history)`);
    expect(view).toMatchObject({ wallet, status: { status: 'READY' }, engineVersion: ENGINE_VERSION });
    expect(view).toEqual(await served.api.getWallet(wallet));
    const totals = (view.pnl as { totals: { realizedPnlSol: number; tokens: number } }).totals;
    expect(totals.tokens).toBeGreaterThan(0);
    const printed = renderWallet(view);
    expect(printed).toContain(`Wallet ${wallet}\nHistory READY, last synced `);
    expect(printed).toMatch(new RegExp(`Realized PnL \\(SOL\\)\\s*│\\s*${totals.realizedPnlSol.toLocaleString('en-US', { minimumFractionDigits: 4, maximumFractionDigits: 4 })}`));
    for (const line of printed.split('\n')) expect(line.length).toBeLessThanOrEqual(RENDER_WIDTH);
    // stored and READY: with --sync skip nothing is synced, and the same figures are read
    const again: string[] = [];
    expect(await fetchWallet(served.api, wallet, { sync: 'skip', log: (l) => again.push(l) })).toMatchObject({ computedAt: view.computedAt });
    expect(again).toEqual([]);
  });

  it('starts an analysis, streams progress, completion and enrichment, then serves the result with token metadata', async () => {
    const started = Date.now();
    const { view, events } = await opened.stack.withWorkers(async () => {
      const analysis = await served.api.startAnalysis({ wallets: [...wallets].reverse(), sync: 'force' });
      expect(analysis.status).toBe('running');
      expect(analysis.links.temporalUi).toBe(`${opened.stack.config.TEMPORAL_UI_URL}/namespaces/${opened.stack.namespace}/workflows/${encodeURIComponent(analysis.workflowId)}`);
      const seen: SseEvent[] = [];
      for await (const e of served.api.events(analysis.analysisId)) seen.push(e);
      return { view: await served.api.getAnalysis(analysis.analysisId), events: seen };
    });
    console.log(`e2e: ${events.length} events, analysis and enrichment done in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    // the stream: progress while running, then completed, enrichment, end — in that order
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('progress');
    expect(names.slice(-3)).toEqual(['completed', 'enrichment', 'end']);
    expect(names.filter((n) => n !== 'progress')).toEqual(['completed', 'enrichment', 'end']);
    const percents = events.filter((e) => e.event === 'progress').map((e) => (e.data as { percent: number }).percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(events.find((e) => e.event === 'completed')?.data).toMatchObject({ status: 'completed', summary: { pairCount: 15, walletCount: 6 } });
    expect(events.find((e) => e.event === 'enrichment')?.data).toMatchObject({ status: 'completed' });

    // the result
    expect(view.status).toBe('completed');
    expect(view.wallets).toEqual([...wallets].sort());
    const result = view.result as unknown as {
      pairs: Array<{ walletA: string; walletB: string; scores: Record<string, number | null>; sharedTokens: unknown[]; insights: unknown[] }>;
      clusters: Array<{ members: string[] }>;
      globalMetrics: { pairCount: number };
      tokenUniverse: string[];
    };
    expect(result.pairs).toHaveLength(15);
    for (const p of result.pairs) {
      expect(Object.keys(p.scores).sort()).toEqual(['behavior', 'binary', 'bundle', 'capital', 'combined', 'funding', 'jaccardHeld', 'jaccardTraded', 'rarity', 'similarity', 'timing']);
      expect(Array.isArray(p.sharedTokens) && Array.isArray(p.insights)).toBe(true);
    }
    expect(result.globalMetrics.pairCount).toBe(15);
    // the world's planted clusters are found
    const found = result.clusters.map((c) => [...c.members].sort().join(','));
    for (const cluster of truth.clusters) expect(found).toContain([...cluster].sort().join(','));
    expect(view.coverage).toHaveLength(6);
    expect(view.failedWallets).toEqual([]);
    expect(view.progress).toBeNull();

    // enrichment finished: every universe token has its metadata and price from the registry
    expect(view.enrichment.status).toBe('completed');
    expect(Object.keys(view.tokens ?? {}).sort()).toEqual([...result.tokenUniverse].sort());
    const known = new Map((world.tokens as Array<{ mint: string; symbol: string; priceUsd: number }>).map((t) => [t.mint, t]));
    for (const [mint, t] of Object.entries(view.tokens ?? {})) {
      expect(t.status).toBe('resolved');
      expect(t.symbol).toBe(known.get(mint)?.symbol);
      expect(t.priceUsd).toBeCloseTo(known.get(mint)?.priceUsd ?? NaN, 6);
    }

    // the history lists it, and the CLI renders it
    const history = await fetch(`${served.api.baseUrl}/v1/analyses?wallet=${wallets[0]}&limit=5`).then((r) => r.json() as Promise<{ analyses: Array<{ analysisId: string }> }>);
    expect(history.analyses[0].analysisId).toBe(view.analysisId);
    const text = renderAnalysis(view);
    expect(text).toContain('Most similar pairs (top 10 of 15');
    expect(text).toContain(`Temporal Web UI: ${view.links.temporalUi}`);
    expect(text).toContain(`Clusters (${result.clusters.length})`);
  });

  it("the CLI's watch command over HTTP: add a group, show its first run, list it, change its interval, run it again, refuse a secret it has none of, stop it", async () => {
    const cli = async (...argv: string[]): Promise<string> => {
      const printed: string[] = [];
      const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
      try {
        expect(await main([...argv, '--api', served.api.baseUrl])).toBe(0);
      } finally {
        spy.mockRestore();
      }
      return printed.join('\n');
    };
    // before the cancelled analysis below, whose wallets' syncs it leaves to be taken over: the group is READY here
    const group = wallets.slice(0, 3);
    await opened.stack.withWorkers(async () => {
      const added = await cli('watch', 'add', ...group, '--every', '120', '--sync', 'auto');
      const id = /^Watch ([0-9a-f-]{36}): 3 wallets \(/.exec(added)?.[1] as string;
      expect(id).toBeDefined();
      expect(added).toContain(`every 2 h`);
      expect(added).toContain(`Follow it: wallet-similarity watch show ${id}`);
      const watch = await until('the first run ended', async () => {
        const w = await served.api.getWatch(id);
        return w.runs[0]?.endedAt ? w : undefined;
      }, 120_000);
      const shown = await cli('watch', 'show', id);
      expect(shown).toContain(`  completed  ${watch.runs[0].analysisId}  (the first completed run: nothing to compare with)`);
      expect(await cli('watch', 'list')).toContain(`${id}  every 2 h`);
      // changed in place (PATCH): every 3 h from now on, the runs kept
      expect(await cli('watch', 'set', id, '--every', '180')).toContain(`every 3 h`);
      expect((await served.api.getWatch(id)).everyMinutes).toBe(180);
      await until('the schedule sees its run closed', async () => ((await served.api.getWatch(id)).schedule?.running === false ? true : undefined));
      expect(await cli('watch', 'run', id)).toBe(`A run of watch ${id} is requested: wallet-similarity watch show ${id}`);
      const compared = await until('the second run compared', async () => {
        const w = await served.api.getWatch(id);
        return w.runs.length === 2 && w.runs[0].endedAt ? w.runs[0] : undefined;
      }, 120_000);
      expect(compared).toMatchObject({ comparison: 'compared', since: watch.runs[0].analysisId });
      expect(await cli('watch', 'show', id)).toContain(`The whole comparison: wallet-similarity changes ${compared.analysisId} --since ${watch.runs[0].analysisId}`);
      // a watch without a webhook has no secret to replace: the API's 409, said in one line
      await expect(main(['watch', 'secret', id, '--api', served.api.baseUrl])).rejects.toThrow(/has no webhook, so no secret/);
      expect(await cli('watch', 'stop', id)).toContain(`Watch ${id} stopped`);
      await expect(served.api.getWatch(id)).rejects.toMatchObject({ status: 404 });
    });
  });

  it('streams a cancelled analysis to its end without an enrichment event', async () => {
    // the history pages held until the cancellation is in: no sync can end before it
    opened.sim.configure({ latencyMs: { 'helius:history': 300 }, paused: ['helius:history'] });
    try {
      const events = await opened.stack.withWorkers(async () => {
        const analysis = await served.api.startAnalysis({ wallets, sync: 'force' });
        const seen: SseEvent[] = [];
        for await (const e of served.api.events(analysis.analysisId)) {
          seen.push(e);
          if (e.event === 'progress' && (e.data as { phase: string }).phase === 'syncing' && !seen.some((s) => s.event === 'cancel-sent')) {
            const res = await fetch(`${served.api.baseUrl}/v1/analyses/${analysis.analysisId}`, { method: 'DELETE' });
            expect(res.status).toBe(202);
            opened.sim.configure({ paused: [] });
            seen.push({ event: 'cancel-sent', data: null });
          }
        }
        return seen;
      });
      const tail = events.filter((e) => e.event !== 'progress' && e.event !== 'cancel-sent');
      expect(tail.map((e) => e.event)).toEqual(['completed', 'end']);
      expect(tail[0].data).toMatchObject({ status: 'cancelled', error: 'cancelled by the user' });
      // the workers stopped as soon as the analysis closed, most often before its steps heard of the
      // cancellation (it does not wait for them): each step, cancelled by its worker's shutdown, found
      // its analysis closed and gave its wallets up, rather than holding them until the lease ran out
      const held = await opened.stack.pool.query<{ address: string }>(
        `SELECT address FROM wallets WHERE address = ANY($1) AND sync_state = 'syncing' AND sync_lease_until > now()`,
        [wallets],
      );
      expect(held.rows).toEqual([]);
    } finally {
      opened.sim.reset({ knobs: true });
    }
  });
});
