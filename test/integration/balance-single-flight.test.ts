// The balance helper's single-flight across worker processes: many analyses of the same wallets,
// started together, served by two separate worker processes, make one RPC fetch per wallet. The
// RPC answers slowly (1 s), so the analyses of a round all find the cache empty when they check
// their wallets (ANALYSIS_PATCHES_2026_12_02: an analysis that finds them cached runs no balances
// activity) and their batches meet at the locks: many wait while the first holder fills the cache.
import { generateWorld } from '../../src/simulator';
import { TASK_QUEUES, progressQuery, type AnalysisInput } from '../../src/workflows/contract';
import { analysisInput, executeAnalysis, startAnalysis } from '../harness/analyses';
import type { BalanceBatchResult } from '../../src/activities/balances';
import { activityRuns } from '../harness/histories';
import { activityPollers, startWorkerProcess, waitFor } from '../harness/processes';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 59, wallets: 4, txPerWallet: 20, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const ANALYSES_PER_ROUND = 6;
const ROUNDS = 3;

const input = (): AnalysisInput => analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });

describe('balance fetches across two worker processes', () => {
  const workers: Array<ReturnType<typeof startWorkerProcess>> = [];

  const opened = useSimulatedStack(
    { world, latencyMs: { 'solana-rpc': 1_000 } },
    {},
    {
      afterOpen: async () => {
        workers.push(startWorkerProcess(opened.stack.processEnv), startWorkerProcess(opened.stack.processEnv));
        await waitFor('both worker processes to poll the balances queue', async () => (await activityPollers(opened.stack, TASK_QUEUES.balances)).length >= 2).catch((err) => {
          throw new Error(`${err.message}; the workers printed:\n${workers.map((w) => `[pid ${w.pid}, exit ${w.exitCode}] ${w.output()}`).join('\n')}`);
        });
      },
      beforeClose: async () => {
        for (const w of workers) w.kill('SIGKILL');
      },
    },
  );

  const run = (i: AnalysisInput) => executeAnalysis(opened.stack, i);

  it(`${ANALYSES_PER_ROUND} analyses of the same wallets at once make one balance fetch per wallet, at least ${ROUNDS} times over`, async () => {
    await run(input()); // syncs the wallets, so the rounds below only fetch balances
    const identities = new Set<string>();
    // more rounds (at most 10 in all) while one process ran every batch so far: a loaded machine may
    // give the other none in a few rounds; each round's checks hold as in the first ROUNDS
    for (let round = 1; round <= ROUNDS || (identities.size < 2 && round <= 10); round += 1) {
      await opened.stack.redis.del(...wallets.map((w) => `balance:${w}`));
      opened.sim.reset();
      const handles = await Promise.all(
        Array.from({ length: ANALYSES_PER_ROUND }, async () => {
          return startAnalysis(opened.stack, input());
        }),
      );
      await Promise.all(handles.map((h) => h.result()));
      const batches = (await Promise.all(handles.map((h) => activityRuns<{ wallets: string[] }, BalanceBatchResult>(h, 'fetchBalanceBatch')))).flat();
      // a batch per analysis (4 wallets) that found them not cached, each reporting every wallet (on
      // a loaded machine an analysis may check its wallets after the first batch filled the cache,
      // and then runs none)
      expect(batches.length).toBeGreaterThanOrEqual(2);
      for (const f of batches) expect(f.result?.wallets.map((o) => o.wallet).sort()).toEqual(wallets);
      for (const f of batches) identities.add(f.identity ?? '');
      const states = (await Promise.all(handles.map((h) => h.query(progressQuery)))).flatMap((p) => Object.entries(p.wallets).map(([wallet, w]) => ({ wallet, balances: w.balances })));
      for (const wallet of wallets) {
        const tokenAccountCalls = opened.sim.requestLog.filter((r) => r.wallet === wallet && r.endpoint === 'rpc:getTokenAccountsByOwner').length;
        const solBalanceCalls = opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getMultipleAccounts' && (r.wallet === wallet || !!r.wallets?.includes(wallet))).length;
        const fetched = states.filter((o) => o.wallet === wallet && o.balances === 'fetched').length;
        const served = states.filter((o) => o.wallet === wallet && (o.balances === 'fetched' || o.balances === 'cached')).length;
        // SOL balance once, SPL Token + Token-2022 once; every other analysis got the cached result
        expect({ round, wallet, solBalanceCalls, tokenAccountCalls, fetched, served }).toEqual({ round, wallet, solBalanceCalls: 1, tokenAccountCalls: 2, fetched: 1, served: ANALYSES_PER_ROUND });
      }
    }
    // the fetches were spread over both processes: the lock and the cache are shared through Redis
    expect(identities.size).toBe(2);
  });
});
