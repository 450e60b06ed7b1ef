// POST /v1/analyses {token, top} end to end: the API, real workers, PostgreSQL, Redis and Temporal,
// and a simulator serving getProgramAccountsV2 for a token with 2,000+ holders. The group is the
// top eligible holders: pool vaults and an AMM authority (program-derived), a burn account and an
// exchange hot wallet hold more, and are left out and reported. A token with fewer than two
// eligible holders fails with the reason. With RECORD_HISTORIES=similarity-analysis-token-patches-2026-12-03 (or 1)
// the token path's history is written to test/histories/ for test/unit/replay.test.ts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { DEFAULT_TOP_PAIRS } from '../../src/api/schemas/analyses';
import { renderAnalysis } from '../../src/cli/render';
import { generateWorld } from '../../src/simulator';
import { programDerivedAddress } from '../../src/simulator/keys';
import { resolveTemporalCli } from '../../src/temporal/dev-server';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { useSimulatedStack } from '../harness/stack';
import { servedApi } from '../harness/http-api';
import { testEnv } from '../harness/env';
import { saveHistory, searchAttributeWrites } from '../harness/histories';

const run = promisify(execFile);
const record = (name: string): boolean => {
  const wanted = process.env.RECORD_HISTORIES;
  return wanted === '1' || (!!wanted && wanted.split(',').includes(name));
};

const world = generateWorld({ seed: 2929, wallets: 4, txPerWallet: 10, largeWallet: false, holderToken: { holders: 2_000, wallets: 50 } });
const { mint, excludedOwners } = world.groundTruth!.holderToken!;
const holderWallets = world.wallets.filter((w) => w.label?.startsWith('holder of the holder token')).map((w) => w.address);

// A second token with three world holders under a vault (a small token analysis, recorded for
// replay) and a third whose only ordinary holder is one wallet (too few to compare).
const SMALL = programDerivedAddress('token-holders-test', 'small-mint');
const LONELY = programDerivedAddress('token-holders-test', 'lonely-mint');
const vault = programDerivedAddress('token-holders-test', 'vault');
world.tokens.push(
  { mint: SMALL, symbol: 'SMOL', name: 'Small Coin', decimals: 6, priceUsd: 0.01, liquidityUsd: 50_000, holders: [{ owner: vault, amount: '900000' }, ...holderWallets.slice(0, 3).map((owner, i) => ({ owner, amount: String(1000 * (i + 1)) }))] },
  { mint: LONELY, symbol: 'LONE', name: 'Lonely Coin', decimals: 6, priceUsd: 0.01, liquidityUsd: 50_000, holders: [{ owner: vault, amount: '900000' }, { owner: '1nc1nerator11111111111111111111111111111111', amount: '5000' }, { owner: holderWallets[0], amount: '10' }] },
);

describe('an analysis of a token’s holders through the HTTP API', () => {
  const served = servedApi(() => opened.stack);

  const opened = useSimulatedStack(
    { world },
    { MAX_WALLETS_PER_ANALYSIS: '60' },
    {
      ...served.hooks,
      openTimeoutMs: 120_000,
    },
  );

  async function finished(id: string) {
    for (;;) {
      const view = await served.api.getAnalysis(id);
      if (view.status !== 'running') return view;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('analyses the top 50 of 2,000 holders, leaving out vaults, the AMM authority, the burn account, the exchange and a market maker no list names (busy on chain)', async () => {
    const view = await opened.stack.withWorkers(async () => {
      const started = await served.api.startAnalysis({ token: mint, top: 50, sync: 'force' });
      expect(started.status).toBe('running');
      return finished(started.analysisId);
    });
    expect(view.error).toBeNull();
    expect(view.status).toBe('completed');
    // the group: exactly the 50 world wallets that hold the token, none of the excluded owners
    expect(view.wallets).toEqual([...holderWallets].sort());
    for (const owner of excludedOwners) expect(view.wallets).not.toContain(owner);
    expect(view.holders).toMatchObject({
      token: mint,
      top: 50,
      resolved: true,
      selected: 50,
      complete: true,
      pages: 1,
      excludedCounts: { burn: 1, amm: 1, exchange: 1, 'off-curve': 3, service: 1 },
    });
    expect(view.holders!.ownersSeen).toBeGreaterThanOrEqual(2_000);
    // when its accounts were read: this analysis's own scan (sync 'force')
    expect(Date.parse(view.holders!.scannedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(view.createdAt));
    expect(view.holders!.excluded!.map((e) => e.owner).sort()).toEqual([...excludedOwners].sort());
    expect(view.holders!.excluded!.find((e) => e.owner === '1nc1nerator11111111111111111111111111111111')).toMatchObject({ reason: 'burn' });
    expect(view.holders!.excluded!.filter((e) => e.reason === 'service')).toHaveLength(1);
    const result = view.result as unknown as { pairs: unknown[]; pairCount: number; pairsComplete: boolean; clusters: Array<{ members: string[] }> };
    // 1,225 pairs: the result lists the strongest DEFAULT_TOP_PAIRS, analysis_pairs holds them all
    expect(result).toMatchObject({ pairCount: (50 * 49) / 2, pairsComplete: false });
    expect(result.pairs).toHaveLength(DEFAULT_TOP_PAIRS);
    const stored = await opened.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_pairs WHERE analysis_id = $1', [view.analysisId]);
    expect(stored.rows[0].n).toBe((50 * 49) / 2);
    // the copy-trader group planted among the holders is found
    const truth = world.groundTruth!;
    const group = truth.clusters[truth.clusterKinds!.indexOf('copy-traders', truth.clusterKinds!.length - 2)];
    const clusters = result.clusters.map((c) => [...c.members].sort().join(','));
    expect(clusters).toContain([...group].sort().join(','));
    // and so is the launch bundle, which only its creation block links, hidden in a crowd of 20
    // snipers (the co-buy rule's crowd discount misses it): the launch was read, and the snipers
    // are not linked to each other
    const bundle = truth.clusters[truth.clusterKinds!.lastIndexOf('launch-bundle')];
    const snipers = truth.decoys!.find((d) => d.kind === 'sniper-crowd')!.members;
    const launchTrade = world.wallets.find((w) => w.address === bundle[0])!.trades!.find((t) => t.mint === mint)!;
    expect(view.holders!.launch).toMatchObject({ timestamp: launchTrade.ts });
    const launched = await opened.stack.pool.query<{ slot: string; block_time: string }>('SELECT slot, block_time FROM token_launches WHERE mint = $1', [mint]);
    expect(launched.rows).toEqual([{ slot: String(view.holders!.launch!.slot), block_time: String(launchTrade.ts) }]);
    expect(clusters).toContain([...bundle].sort().join(','));
    for (const c of result.clusters) expect(c.members.filter((m) => snipers.includes(m)).length).toBeLessThan(2);
    const page = await served.api.getPairsPage(view.analysisId, { wallet: bundle[0], limit: 100 });
    const together = page.pairs.filter((p) => bundle.includes(p.walletA) && bundle.includes(p.walletB));
    expect(together).toHaveLength(bundle.length - 1);
    for (const p of together) {
      const evidence = (p as unknown as { evidence: { bundles: Array<{ mint: string; launchBlock?: boolean; slotA: number }> } }).evidence.bundles;
      expect(evidence[0]).toMatchObject({ mint, launchBlock: true, slotA: view.holders!.launch!.slot });
    }
    // the launch is kept: a later analysis of wallets given by hand that bought the token uses it too
    const later = await opened.stack.withWorkers(async () => finished((await served.api.startAnalysis({ wallets: [...bundle, ...snipers.slice(0, 2)] })).analysisId));
    expect(later.status).toBe('completed');
    const laterResult = later.result as unknown as { clusters: Array<{ members: string[] }>; pairs: Array<{ walletA: string; walletB: string; evidence: { bundles: Array<{ launchBlock?: boolean }> } }> };
    expect(laterResult.clusters.map((c) => [...c.members].sort().join(','))).toContain([...bundle].sort().join(','));
    const laterPair = laterResult.pairs.find((p) => bundle.includes(p.walletA) && bundle.includes(p.walletB))!;
    expect(laterPair.evidence.bundles[0]).toMatchObject({ launchBlock: true });
    const printed = renderAnalysis(view);
    expect(printed).toContain(`Token ${mint}: the top 50 of`);
    expect(printed).toContain('left out: 1 burn, 1 amm, 1 exchange, 3 off-curve, 1 service');
  });

  it('analyses of one token at the same moment, each with its own top, share one scan of its accounts', async () => {
    const scanRequests = () => opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2' || r.endpoint === 'rpc:getAccountInfo').length;
    const before = scanRequests();
    // a slow scan, so that both analyses ask while the first one's scan is under way
    opened.sim.configure({ latencyMs: { 'rpc:getAccountInfo': 700, 'rpc:getProgramAccountsV2': 700 } });
    try {
      const [ten, twenty] = await opened.stack.withWorkers(async () => {
        const started = await Promise.all([served.api.startAnalysis({ token: mint, top: 10 }), served.api.startAnalysis({ token: mint, top: 20 })]);
        return Promise.all(started.map((a) => finished(a.analysisId)));
      });
      // the largest eligible holders are the same for both: the first 10 of the 20
      expect(ten.holders).toMatchObject({ token: mint, resolved: true, selected: 10, complete: true });
      expect(twenty.holders).toMatchObject({ token: mint, resolved: true, selected: 20, complete: true, accountsSeen: (ten.holders as { accountsSeen: number }).accountsSeen });
      expect(ten.wallets.every((w) => twenty.wallets.includes(w))).toBe(true);
      // one scan: the mint's program, then its one page of accounts (10,000 a page), not two scans' worth
      expect(scanRequests() - before).toBe(2);
      expect((ten.holders as { pages: number }).pages).toBe(1);
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
  });

  it('analyses a small token and records its history; a token with one eligible holder fails saying why', async () => {
    const { small, lonely, notMint } = await opened.stack.withWorkers(async () => {
      const a = await served.api.startAnalysis({ token: SMALL, top: 3 }, 'small-token');
      const b = await served.api.startAnalysis({ token: LONELY });
      // a wallet's address given as the token: it has no token accounts
      const c = await served.api.startAnalysis({ token: holderWallets[1], top: 5 });
      return { small: await finished(a.analysisId), lonely: await finished(b.analysisId), notMint: await finished(c.analysisId) };
    });
    expect(notMint).toMatchObject({ status: 'failed', holders: { accountsSeen: 0, selected: 0, launch: null, launchUnread: 'not read: the token has fewer than 2 eligible holders' } });
    expect(notMint.error).toBe(`AnalysisFailed: token ${holderWallets[1]} has no token accounts with a balance: check that it is a token's mint address (a wallet's, a token account's or a transaction's has none), or the token is all burnt`);
    // nothing was read for it as a launch (its oldest transaction would have been kept as one)
    expect((await opened.stack.pool.query('SELECT 1 FROM token_launches WHERE mint = ANY($1)', [[holderWallets[1], LONELY]])).rows).toEqual([]);
    expect(small.status).toBe('completed');
    expect(small.wallets).toEqual(holderWallets.slice(0, 3).sort());
    expect(small.holders).toMatchObject({ selected: 3, excludedCounts: { 'off-curve': 1 } });
    // the same Idempotency-Key and body answer with the same analysis although its row now lists the holders
    const again = await served.api.startAnalysis({ token: SMALL, top: 3 }, 'small-token');
    expect(again).toMatchObject({ analysisId: small.analysisId, idempotentReplay: true, status: 'completed' });
    await expect(served.api.startAnalysis({ token: SMALL, top: 2 }, 'small-token')).rejects.toMatchObject({ status: 422 });

    expect(lonely.status).toBe('failed');
    expect(lonely.holders).toMatchObject({ token: LONELY, top: 60, resolved: true, selected: 1, eligible: 1 });
    expect(lonely.error).toMatch(new RegExp(`token ${LONELY} has 1 eligible holder \\(of 3 owners; left out: 1 burn, 1 off-curve\\): an analysis needs at least 2 wallets`));

    // started by the API listed as running (its holders not known yet): the workflow upserts the group it resolved, then its end
    const writes = async (id: string) => searchAttributeWrites(await opened.stack.client.workflow.getHandle(analysisWorkflowId(id)).fetchHistory());
    expect(await writes(small.analysisId)).toEqual({ started: { AnalysisStatus: 'running' }, upserts: [{ Wallets: small.wallets, WalletCount: 3 }, { AnalysisStatus: 'completed' }] });
    expect(await writes(lonely.analysisId)).toEqual({ started: { AnalysisStatus: 'running' }, upserts: [{ AnalysisStatus: 'failed' }] });

    const cli = await resolveTemporalCli();
    // 'similarity-analysis-token' and '-too-few' are kept as recorded before ANALYSIS_PATCHES_2026_12_02 (the search attributes
    // upserted at the start), '-patches-2026-12-02' before ANALYSIS_PATCHES_2026_12_03, '-patches-2026-12-03' before
    // ANALYSIS_PATCHES_2026_12_06 (a busy wallet's waits on timers of its own), '-patches-2026-12-06' before
    // ANALYSIS_PATCHES_2026_12_06B (no bound on the wait's history); a recording is named for the newest
    // patch of the code that made it (test/unit/replay.test.ts checks its markers), so recording today's never overwrites those
    for (const [name, id] of [
      ['similarity-analysis-token-patches-2026-12-06b', small.analysisId],
      ['similarity-analysis-token-too-few-patches-2026-12-06b', lonely.analysisId],
    ] as const) {
      const handle = opened.stack.client.workflow.getHandle(analysisWorkflowId(id));
      await Worker.runReplayHistory({ workflowBundle: { codePath: testEnv().workflowBundlePath } }, await handle.fetchHistory(), analysisWorkflowId(id));
      if (record(name)) {
        const { type, runId } = await handle.describe();
        const { stdout } = await run(cli, ['workflow', 'show', '--workflow-id', analysisWorkflowId(id), '--run-id', runId, '--address', testEnv().temporalAddress, '--namespace', opened.stack.namespace, '--output', 'json'], { maxBuffer: 64 * 1024 * 1024 });
        saveHistory(name, analysisWorkflowId(id), type, stdout);
      }
    }
  });
});
