// Counterparty activity on the real stack: an analysis reads the activity of the counterparties its
// wallets share from the simulator's getSignaturesForAddress (a funder of its own, an unlisted
// exchange hot wallet that the chain shows is busy), stores it in PostgreSQL and weighs them by it;
// a later step reuses what is fresh, and a failing or slow RPC costs at most the reads' deadline,
// never the analysis. Dust from address poisoners is not worth a read, and a spam token's sender,
// however many wallets it reached, is read after those that sent SOL.
import { refreshCounterpartyActivity } from '../../src/activities/counterparty-activity';
import type { SimilarityPair } from '../../src/domain/similarity/types';
import { SolanaRpcClient } from '../../src/providers';
import { getAnalysis } from '../../src/store/analyses';
import { walletAddress } from '../../src/simulator/keys';
import type { WorldInput } from '../../src/simulator/world';
import { analysisInput, executeAnalysis } from '../harness/analyses';
import { useSimulatedStack } from '../harness/stack';

const T0 = 1_730_000_000;
/** no parser given: the funding and sweep chains are not followed */
const UNTRACED = { followed: 0, origins: 0, failed: 0 };
/** nothing followed downstream: no sweep chain, no shared destination read for a deposit address (no parser given) */
const UNSWEPT = { followed: 0, targets: 0, failed: 0 };
const FUNDER = walletAddress('counterparty-activity-test', 'funder');
const HOT = walletAddress('counterparty-activity-test', 'hot-wallet');
const operator = [0, 1, 2].map((i) => walletAddress('counterparty-activity-test', `operator-${i}`));
const strangers = [0, 1, 2].map((i) => walletAddress('counterparty-activity-test', `stranger-${i}`));
const wallets = [...operator, ...strangers].sort();
const POISONERS = [0, 1].map((i) => walletAddress('counterparty-activity-test', `poisoner-${i}`));
const SPAMMER = walletAddress('counterparty-activity-test', 'spammer');
const SPAM = walletAddress('counterparty-activity-test', 'spam-mint');
/** the addresses of this world: the shared table's rows this file ages and compares (other files' steps store theirs meanwhile) */
const OURS = [FUNDER, HOT, SPAMMER, ...POISONERS, ...wallets];
/** what every wallet also received: 0.001 SOL from each address poisoner (over the extraction's dust line of 0.0001, under funding's 0.002), and a spam token */
const noise = (i: number) => [
  ...POISONERS.map((counterparty, k) => ({ ts: T0 + 86_400 + i * 600 + k, direction: 'in' as const, mint: 'SOL', amount: '0.001', counterparty })),
  { ts: T0 + 2 * 86_400 + i, direction: 'in' as const, mint: SPAM, amount: '1000', counterparty: SPAMMER },
];
const world: WorldInput = {
  name: 'counterparty-activity',
  solPriceUsd: 150,
  tokens: [{ mint: SPAM, symbol: 'SPAM', name: 'Claim your reward', decimals: 6, spam: true }],
  wallets: [
    // an operator funding its wallets from a wallet of its own, one a minute
    ...operator.map((address, i) => ({ address, transfers: [{ ts: T0 + i * 60, direction: 'in' as const, mint: 'SOL', amount: String(2 + i / 10), counterparty: FUNDER }, ...noise(i)] })),
    // strangers withdrawing from one exchange minutes apart: by its degree alone, a funder like the operator's
    ...strangers.map((address, i) => ({ address, transfers: [{ ts: T0 + 7200 + i * 90, direction: 'in' as const, mint: 'SOL', amount: String(5 + i), counterparty: HOT }, ...noise(3 + i)] })),
  ],
  services: [
    { address: HOT, label: 'unlisted exchange hot wallet', transactionsPerHour: 5000 },
    // a spam campaign's sender: busy on chain, so it weighs 0 once read
    { address: SPAMMER, label: 'spam token sender', transactionsPerHour: 5000 },
  ],
};

describe('counterparty activity', () => {
  const opened = useSimulatedStack({ world });
  let rpc: SolanaRpcClient;
  const reads = () => opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getSignaturesForAddress').map((r) => r.wallet);
  beforeAll(() => {
    rpc = new SolanaRpcClient({ url: opened.sim.url, apiKey: 'k' });
  });
  afterAll(() => rpc.close());

  it('an analysis reads the shared counterparties once, stores what they are, links the operator and not the exchange\'s strangers', async () => {
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    // not the poisoners: their dust is no one's funding, whatever the chain says of them
    expect(reads().sort()).toEqual([FUNDER, HOT, SPAMMER].sort());
    // the operator's funder is followed upstream (a wallet of one owner): its oldest transactions are
    // its fundings of the group's wallets, which their synced histories hold, so Helius is not asked
    expect(opened.sim.requestLog.filter((r) => r.endpoint === 'helius:parse')).toEqual([]);
    expect((await opened.stack.pool.query('SELECT address, funder FROM funding_origins WHERE address = ANY($1::text[])', [[FUNDER, HOT]])).rows).toEqual([{ address: FUNDER, funder: null }]);
    const { rows } = await opened.stack.pool.query<{ address: string; transactions: number; page_limit: number }>('SELECT address, transactions, page_limit FROM counterparty_activity WHERE address = ANY($1::text[]) ORDER BY address', [[FUNDER, HOT]]);
    expect(rows).toEqual(
      [
        { address: FUNDER, transactions: 3, page_limit: 1000 },
        { address: HOT, transactions: 1000, page_limit: 1000 },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)),
    );

    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const pairs = (stored!.result as { pairs: SimilarityPair[] }).pairs;
    const pairOf = (x: string, y: string) => pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x))!;
    const funder = pairOf(operator[0], operator[1]).evidence!.funding.find((f) => f.kind === 'common-first-funder');
    expect(funder).toMatchObject({ counterparty: FUNDER, counterpartyWeight: 1, counterpartyActivity: { transactions: 3, complete: true, dedicated: true } });
    for (const [x, y] of [[strangers[0], strangers[1]], [strangers[1], strangers[2]], [strangers[0], strangers[2]]]) {
      expect(pairOf(x, y).scores.funding).toBe(0);
    }
    const clusters = (stored!.result as { clusters: Array<{ members: string[] }> }).clusters;
    expect(clusters.some((c) => strangers.filter((s) => c.members.includes(s)).length >= 2)).toBe(false);
  }, 120_000);

  it('reuses a fresh summary, and reads one again once it is older than the step allows', async () => {
    const before = reads().length;
    const fresh = await refreshCounterpartyActivity(opened.stack.pool, rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400 });
    expect(fresh).toEqual({ considered: 3, fresh: 3, read: 0, failed: 0, traced: UNTRACED, swept: UNSWEPT, deposits: UNSWEPT });
    expect(reads().length).toBe(before);
    await opened.stack.pool.query("UPDATE counterparty_activity SET fetched_at = now() - interval '2 days' WHERE address = $1", [FUNDER]);
    expect(await refreshCounterpartyActivity(opened.stack.pool, rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400 })).toEqual({ considered: 3, fresh: 2, read: 1, failed: 0, traced: UNTRACED, swept: UNSWEPT, deposits: UNSWEPT });
    expect(reads().slice(before)).toEqual([FUNDER]);
    // at most maxLookups, those most of the group shares SOL with first (both share three: by address),
    // before the spam token's sender that all six received from
    await opened.stack.pool.query("UPDATE counterparty_activity SET fetched_at = now() - interval '2 days' WHERE address = ANY($1)", [OURS]);
    expect(await refreshCounterpartyActivity(opened.stack.pool, rpc, wallets, { maxLookups: 1, maxAgeSeconds: 86_400 })).toEqual({ considered: 1, fresh: 0, read: 1, failed: 0, traced: UNTRACED, swept: UNSWEPT, deposits: UNSWEPT });
    expect(reads().slice(-1)).toEqual([[FUNDER, HOT].sort()[0]]);
  });

  it('counts a failing RPC and a slow one past the deadline as not read, keeps what was stored, and throws only when cancelled', async () => {
    const { pool } = opened.stack;
    await pool.query("UPDATE counterparty_activity SET fetched_at = now() - interval '2 days' WHERE address = ANY($1)", [OURS]);
    const kept = (await pool.query('SELECT address, transactions FROM counterparty_activity WHERE address = ANY($1) ORDER BY address', [OURS])).rows;
    opened.sim.configure({ faults: { errorRate: 1, providers: ['solana-rpc'] } });
    try {
      // the client's own retries end in a failure for each: counted, not thrown
      const failing = await refreshCounterpartyActivity(pool, rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400, deadlineMs: 60_000 });
      expect(failing).toEqual({ considered: 3, fresh: 0, read: 0, failed: 3, traced: UNTRACED, swept: UNSWEPT, deposits: UNSWEPT });
    } finally {
      opened.sim.configure({ faults: { errorRate: 0 } });
    }
    opened.sim.configure({ latencyMs: { 'rpc:getSignaturesForAddress': 600_000 } });
    try {
      const slow = await refreshCounterpartyActivity(pool, rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400, deadlineMs: 300 });
      expect(slow).toEqual({ considered: 3, fresh: 0, read: 0, failed: 3, traced: UNTRACED, swept: UNSWEPT, deposits: UNSWEPT });
      const cancel = new AbortController();
      const cancelled = refreshCounterpartyActivity(pool, rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400, signal: cancel.signal });
      setTimeout(() => cancel.abort(new Error('activity cancelled')), 100);
      await expect(cancelled).rejects.toThrow('activity cancelled');
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
    expect((await pool.query('SELECT address, transactions FROM counterparty_activity WHERE address = ANY($1) ORDER BY address', [OURS])).rows).toEqual(kept);
  });
});
