// A wallet another analysis is syncing costs this analysis little history: its sync step finds it
// busy once, waits for the group's progress poll to see the other sync's end (not on timers of its
// own, which asked again every 10 s: about 5 events per busy wallet per 10 s, some 50,000 when a
// second analysis of a token's 1,000 holders waits on the first), and takes one step after it.
// Real dev server, PostgreSQL, Redis and the simulator.
import { generateWorld } from '../../src/simulator';
import { finishSync, takeSyncLease } from '../../src/store/wallets';
import { TASK_QUEUES, walletSyncWorkflowId } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { activityRuns } from '../harness/histories';
import { until } from '../harness/processes';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 6061, wallets: 4, txPerWallet: 20, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('sync steps of wallets another analysis is syncing', () => {
  const opened = useSimulatedStack({ world });

  it("a wallet's own sync (POST /v1/wallets/sync) waits while an analysis's sync step holds the wallet, then runs: never beside it", async () => {
    const { pool, client } = opened.stack;
    const wallet = wallets[3];
    expect(await takeSyncLease(pool, wallet, 'analysis:holding-it')).not.toBeNull();
    opened.sim.reset();
    const history = await opened.stack.withWorkers(async () => {
      const handle = await client.workflow.start('walletSyncWorkflow', { taskQueue: TASK_QUEUES.analysis, workflowId: walletSyncWorkflowId(wallet), args: [{ wallet, sinceTimestamp: null }] });
      // it asked, found the wallet held, and waits: no page fetched, the lease still the analysis's
      await until('the sync found the wallet held', async () => ((await handle.fetchHistory()).events ?? []).some((e) => e.timerStartedEventAttributes) || undefined);
      expect(opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === wallet)).toEqual([]);
      expect((await pool.query('SELECT sync_workflow_id FROM wallets WHERE address = $1', [wallet])).rows[0].sync_workflow_id).toBe('analysis:holding-it');
      await finishSync(pool, wallet, { ok: false, error: 'the holder gave up' });
      const result = (await handle.result()) as { pages: number };
      return { result, handle };
    });
    expect(history.result.pages).toBeGreaterThan(0);
    expect((await pool.query('SELECT sync_state, sync_workflow_id FROM wallets WHERE address = $1', [wallet])).rows[0]).toEqual({ sync_state: 'synced', sync_workflow_id: walletSyncWorkflowId(wallet) });
  });

  it('find them busy once, wait for the poll to see them free, then take one step each; no recheck timer runs out', async () => {
    const { pool } = opened.stack;
    const held = wallets.slice(0, 3);
    // another analysis's sync steps hold them (their leases live)
    for (const w of held) expect(await takeSyncLease(pool, w, 'analysis:holding-them')).not.toBeNull();
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    const history = await opened.stack.withWorkers(async () => {
      const handle = await startAnalysis(opened.stack, input);
      // every held wallet's step found it busy
      await until('the held wallets joined', async () => {
        const p = (await handle.query<{ wallets: Record<string, { sync: string }> }>('progress')).wallets;
        return held.every((w) => p[w]?.sync === 'joined') ? true : undefined;
      });
      // the holder goes on for a while (the steps before asked again 1, 2, 4 and 8 s later), then ends
      await new Promise((r) => setTimeout(r, 12_000));
      for (const w of held) await finishSync(pool, w, { ok: true });
      await handle.result();
      return { handle, events: (await handle.fetchHistory()).events ?? [] };
    });
    const single = await activityRuns<{ wallet: string }, unknown>(history.handle, 'syncWalletAtOnce');
    for (const w of held) {
      // the busy answer, then the step after the release (a skip: the holder synced it)
      expect({ wallet: w, steps: single.filter((r) => r.input.wallet === w).length }).toEqual({ wallet: w, steps: 2 });
    }
    // the waits ended on the poll's word: no 30-second recheck timer fired
    const thirtySeconds = new Set(
      history.events.filter((e) => Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) === 30).map((e) => e.timerStartedEventAttributes?.timerId),
    );
    expect(thirtySeconds.size).toBe(held.length);
    const fired = history.events.filter((e) => e.timerFiredEventAttributes && thirtySeconds.has(e.timerFiredEventAttributes.timerId));
    expect(fired).toEqual([]);
  });
});
