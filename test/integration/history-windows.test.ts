// Analyses with different history windows over the same wallets: a shorter window synced earlier
// must never pass for a longer one, and a window with nothing in it must not hide history.
import { generateWorld } from '../../src/simulator';
import { progressQuery } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { getAnalysis } from '../../src/store/analyses';
import { useSimulatedStack } from '../harness/stack';

const DAY = 86_400;
const now = Math.floor(Date.now() / 1000);
// trades over the 45 days that ended 5 days ago
const world = generateWorld({ seed: 67, wallets: 3, txPerWallet: 120, largeWallet: false, startTs: now - 50 * DAY });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('history windows', () => {
  const opened = useSimulatedStack({ world });

  const analyse = async (windowDays: number | null) => {
    const input = analysisInput({ wallets, window: windowDays }, { tuning: { pollIntervalMs: 200 } });
    opened.sim.reset();
    const handle = await startAnalysis(opened.stack, input);
    await handle.result();
    const progress = await handle.query(progressQuery);
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    const coverage = (stored!.result!.coverage as Array<{ address: string; truncated: boolean | null }>).map((c) => [c.address, c.truncated]);
    return {
      statuses: wallets.map((w) => progress.wallets[w].status),
      historyRequests: opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history').length,
      truncated: Object.fromEntries(coverage),
    };
  };
  const storedTransactions = async () => {
    const { rows } = await opened.stack.pool.query('SELECT address, transaction_count, history_complete FROM wallets WHERE address = ANY($1::text[]) ORDER BY address', [wallets]);
    return rows.map((r) => ({ wallet: r.address, transactions: r.transaction_count, complete: r.history_complete }));
  };
  const fullHistory = () => wallets.map((w) => ({ wallet: w, transactions: opened.sim.world.historyLength(opened.sim.world.indexOf(w)!), complete: true }));

  it('syncs what a longer window needs, and nothing more for a window already covered', async () => {
    await opened.stack.withWorkers(async () => {
      // 1 day: nothing of the history is that recent, so nothing is stored ...
      const none = await analyse(1);
      expect(none.statuses).toEqual(['MISSING', 'MISSING', 'MISSING']);
      expect((await storedTransactions()).map((r) => r.transactions)).toEqual([0, 0, 0]);

      // ... and 15 days finds the wallets needing more than that empty sync left, and stores them
      const recent = await analyse(15);
      expect(recent.statuses).toEqual(['STALE', 'STALE', 'STALE']);
      const afterRecent = await storedTransactions();
      for (const [i, r] of afterRecent.entries()) {
        expect(r.transactions).toBeGreaterThan(0);
        expect(r.transactions).toBeLessThan(fullHistory()[i].transactions);
        expect(r.complete).toBe(false);
      }
      expect(Object.values(recent.truncated)).toEqual([false, false, false]);

      // full history: the 15-day sync does not pass for it; the older history is fetched
      const full = await analyse(null);
      expect(full.statuses).toEqual(['STALE', 'STALE', 'STALE']);
      expect(await storedTransactions()).toEqual(fullHistory());
      expect(Object.values(full.truncated)).toEqual([false, false, false]);

      // 15 days again: covered by the complete history, no history request at all
      const again = await analyse(15);
      expect(again.statuses).toEqual(['READY', 'READY', 'READY']);
      expect(again.historyRequests).toBe(0);
    });
  });
});
