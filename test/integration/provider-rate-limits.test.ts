// Providers at 30 % 5xx plus 429s below our own request budget: a 429 is "later", not "broken".
// Every analysis of a group completes with every wallet, and stores exactly the history a clean run
// stores. Before rate limits were bounded by time, each 429 used up one of 8 attempts and wallets
// failed.
import { generateWorld } from '../../src/simulator';
import { type AnalysisInput } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { getAnalysis } from '../../src/store/analyses';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 47, wallets: 6, txPerWallet: 30, largeWallet: false });
const groundTruth = world.groundTruth!;
const allWallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

const forcedInput = (wallets: string[]): AnalysisInput => analysisInput({ wallets, sync: 'force', failureThreshold: 1 }, { tuning: { pollIntervalMs: 200 } });

// Our budget is well above the providers' limits, so they answer many requests with 429.
describe('analyses under provider 5xx and rate limits', () => {
  const opened = useSimulatedStack({ world }, { HELIUS_RPS: '40', RPC_RPS: '40' });

  const start = (i: AnalysisInput) => startAnalysis(opened.stack, i);

  /** Per wallet: stored transactions and legs. */
  const stored = async () => {
    const { rows } = await opened.stack.pool.query<{ address: string; txs: number; legs: number }>(
      `SELECT w.address,
              (SELECT count(*)::int FROM wallet_transactions t WHERE t.wallet = w.address) AS txs,
              (SELECT count(*)::int FROM swap_legs l WHERE l.wallet = w.address) AS legs
         FROM wallets w WHERE w.address = ANY($1::text[]) ORDER BY w.address`,
      [allWallets],
    );
    return rows;
  };
  const forget = async () => {
    await opened.stack.pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [allWallets]);
    await opened.stack.redis.del(...allWallets.map((w) => `balance:${w}`));
  };
  const groups = [allWallets, allWallets.slice(0, 4), allWallets.slice(2, 6), [allWallets[0], allWallets[5], allWallets[3]]];

  // The scenario as operators meet it; the next test is the one the old attempt cap fails for certain.
  it('every analysis of a group completes with every wallet, storing what a clean run stores', async () => {
    // the clean run
    await opened.stack.withWorkers(async () => {
      await (await start(forcedInput(allWallets))).result();
    });
    const clean = await stored();
    expect(clean).toHaveLength(allWallets.length);
    expect(clean.every((w) => w.txs > 0)).toBe(true);

    await forget();
    opened.sim.reset();
    opened.sim.configure({ rateLimits: { heliusRps: 6, rpcRps: 6, retryAfter: true }, faults: { errorRate: 0.3, seed: 7 } });
    const inputs = groups.map((g) => forcedInput(g));
    const summaries = await opened.stack.withWorkers(async () => {
      const handles = await Promise.all(inputs.map(start));
      return Promise.all(handles.map((h) => h.result()));
    });

    const log = opened.sim.requestLog;
    expect(log.filter((e) => e.injected === 'rate-limited').length).toBeGreaterThan(0);
    expect(log.filter((e) => e.injected === '5xx').length).toBeGreaterThan(0);
    summaries.forEach((summary, i) => {
      const n = groups[i].length;
      expect(summary.failedWallets).toEqual([]);
      expect(summary.walletCount).toBe(n);
      expect(summary.pairCount).toBe((n * (n - 1)) / 2);
    });
    for (const input of inputs) expect((await getAnalysis(opened.stack.pool, input.analysisId))?.status).toBe('completed');
    expect(await stored()).toEqual(clean);
    const full = await getAnalysis(opened.stack.pool, inputs[0].analysisId);
    const clusters = (full?.result?.clusters as Array<{ members: string[] }>).map((c) => [...c.members].sort());
    expect(clusters.sort()).toEqual(groundTruth.clusters.map((c) => [...c].sort()).sort());
  });

  it('a provider that rate-limits every call for more than 8 attempts is waited out: its Retry-After paces the retries, and no attempt budget runs out', async () => {
    await forget();
    opened.sim.reset({ knobs: true });
    opened.sim.configure({ rateLimits: { rpcRps: 0, retryAfter: true } });
    const wallets = allWallets.slice(0, 3);
    const balanceCalls = (wallet: string) => opened.sim.requestLog.filter((e) => e.endpoint === 'rpc:getMultipleAccounts' && (e.wallet === wallet || e.wallets?.includes(wallet)));
    const { summary, limitedCalls } = await opened.stack.withWorkers(async () => {
      const handle = await start(forcedInput(wallets));
      // Before the fix each 429 used up one of 8 attempts: the 10th attempt never came.
      const deadline = Date.now() + 150_000;
      while (Date.now() < deadline && !wallets.every((w) => balanceCalls(w).length >= 10)) await new Promise((r) => setTimeout(r, 500));
      const limitedCalls = Math.min(...wallets.map((w) => balanceCalls(w).filter((e) => e.status === 429).length));
      opened.sim.configure({ rateLimits: { rpcRps: null } });
      return { summary: await handle.result(), limitedCalls };
    });
    expect(limitedCalls).toBeGreaterThanOrEqual(10);
    expect(summary.failedWallets).toEqual([]);
    expect(summary.pairCount).toBe(3);
  });

  it('an invalid provider key fails the analysis on the first answers, with the reason once per provider rather than once per wallet', async () => {
    await forget();
    opened.sim.reset({ knobs: true });
    opened.sim.configure({ invalidKey: true });
    const input = forcedInput(allWallets);
    const failure = await opened.stack.withWorkers(async () => {
      const handle = await start(input);
      return handle.result().then(
        () => new Error('expected the analysis to fail'),
        (err: Error & { cause?: Error }) => err.cause ?? err,
      );
    });
    expect(failure.message).toMatch(/^only 0 of 6 wallets succeeded/);
    const rejected = failure.message.match(/API key rejected/g) ?? [];
    // one cause, stated once: not once per wallet, nor once per provider that refused the key
    expect(rejected.length).toBe(1);
    expect(failure.message).toContain('InvalidApiKeyError');
    // non-retryable: each call was made once, none retried
    const attempts = new Map<string, number>();
    // per wallet call (requests without a wallet, such as a token enrichment of an earlier test's
    // analysis still finishing in the background, are not this analysis's calls)
    for (const e of opened.sim.requestLog) if (e.wallet) attempts.set(`${e.endpoint} ${e.wallet}`, (attempts.get(`${e.endpoint} ${e.wallet}`) ?? 0) + 1);
    expect(Math.max(...attempts.values())).toBe(1);
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('failed');
  });
});
