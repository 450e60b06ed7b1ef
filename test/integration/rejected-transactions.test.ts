// A malformed transaction among good ones (the simulator serves it without `slot`) never sinks a
// page or a sync: the good transactions are stored, the bad one is kept out with its reason and
// counted in coverage (wallet_analytics and the analysis result).
import { generateWorld } from '../../src/simulator';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { getAnalysis } from '../../src/store/analyses';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 91, wallets: 2, txPerWallet: 150, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

describe('malformed transactions in a provider page', () => {
  const opened = useSimulatedStack({ world });

  it('stores the good transactions of the page, and reports the bad ones in coverage with a reason', async () => {
    const sim = opened.sim;
    const target = wallets[0];
    const w = sim.world.indexOf(target)!;
    const n = sim.world.historyLength(w);
    expect(n).toBeGreaterThan(100); // two pages: the second bad one is the last of the first page
    const bad = [n - 1, n - 100, 5].map((i) => sim.world.signature(w, i));
    sim.configure({ faults: { malformedSignatures: bad } });

    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(async () => {
      const handle = await startAnalysis(opened.stack, input);
      await handle.result();
    });
    const pool = opened.stack.pool;

    const { rows: walletRows } = await pool.query('SELECT address, transaction_count, history_complete, sync_state FROM wallets WHERE address = ANY($1::text[]) ORDER BY address', [wallets]);
    expect(walletRows.map((r) => [r.address, r.transaction_count, r.history_complete, r.sync_state])).toEqual([
      [wallets[0], n - 3, true, 'synced'],
      [wallets[1], sim.world.historyLength(sim.world.indexOf(wallets[1])!), true, 'synced'],
    ]);
    const { rows: storedBad } = await pool.query('SELECT count(*)::int AS n FROM transactions WHERE signature = ANY($1::text[])', [bad]);
    expect(storedBad[0].n).toBe(0);
    // the good ones' payloads are their part of the provider's answer, byte for byte (the answer is
    // not serialized again from the parsed objects, whose keys zod orders and defaults), including
    // the neighbours of a rejected transaction in the same answer
    const good = [n - 2, n - 99, n - 101, 6, 4, 0];
    const { rows: payloads } = await pool.query<{ signature: string; payload: string }>(
      'SELECT signature, payload_json::text AS payload FROM transactions WHERE signature = ANY($1::text[])',
      [good.map((i) => sim.world.signature(w, i))],
    );
    expect(new Map(payloads.map((r) => [r.signature, r.payload]))).toEqual(new Map(good.map((i) => [sim.world.signature(w, i), JSON.stringify(sim.world.transaction(w, i))])));

    // the group's rows (other suites of the run share the database)
    const { rows: rejected } = await pool.query('SELECT wallet, signature, field, reason FROM rejected_transactions WHERE wallet = ANY($1::text[]) ORDER BY signature', [wallets]);
    expect(rejected).toHaveLength(3);
    for (const r of rejected) {
      expect(r.wallet).toBe(target);
      expect(bad).toContain(r.signature);
      expect(r.field).toBe('slot');
      expect(r.reason).toContain(`missing or invalid field "slot" in transaction ${r.signature}`);
    }

    const stored = await getAnalysis(pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const coverage = stored!.result!.coverage as Array<{ address: string; transactionsRejected: number | null; transactionsFetched: number | null }>;
    expect(coverage.map((c) => [c.address, c.transactionsRejected, c.transactionsFetched])).toEqual([
      [wallets[0], 3, n - 3],
      [wallets[1], 0, sim.world.historyLength(sim.world.indexOf(wallets[1])!)],
    ]);
    const { rows: analytics } = await pool.query('SELECT coverage FROM wallet_analytics WHERE wallet = $1', [target]);
    expect(analytics[0].coverage.rejectedTransactions).toBe(3);
    expect(analytics[0].coverage.rejected.map((r: { signature: string }) => r.signature).sort()).toEqual([...bad].sort());
  });
});
