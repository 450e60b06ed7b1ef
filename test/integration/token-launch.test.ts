// A token's launch on the real parts: the simulator's history of a mint (Helius Enhanced
// Transactions, oldest first) and PostgreSQL's token_launches. The oldest successful transaction is
// the launch; it is read once per token; a failing or slow provider, or an older transaction that
// fails validation, is a reason, never a failure of the analysis nor a stored guess; a cancelled
// analysis stops the read.
import { readTokenLaunch } from '../../src/activities/token-launch';
import { HeliusClient } from '../../src/providers';
import { slotOf } from '../../src/simulator/chain';
import { walletAddress } from '../../src/simulator/keys';
import type { WorldInput } from '../../src/simulator/world';
import { useSimulatedStack } from '../harness/stack';

const T0 = 1_731_000_000;
const MINT = walletAddress('token-launch-test', 'mint');
const QUIET = walletAddress('token-launch-test', 'quiet-mint');
const buyers = [0, 1, 2].map((i) => walletAddress('token-launch-test', `buyer-${i}`));
const buy = (ts: number, failed = false) => ({ ts, side: 'buy' as const, mint: MINT, amount: '1000', quote: 'SOL' as const, quoteAmount: '1', source: 'PUMP_FUN' as const, ...(failed ? { failed } : {}) });
const world: WorldInput = {
  name: 'token-launch',
  solPriceUsd: 150,
  tokens: [
    { mint: MINT, symbol: 'LNCH', name: 'Launched', decimals: 6, priceUsd: 0.001 },
    { mint: QUIET, symbol: 'QUIET', name: 'Never traded', decimals: 6, priceUsd: 0.001 },
  ],
  wallets: [
    // a failed transaction names the mint first; the launch is the first that succeeded
    { address: buyers[0], trades: [buy(T0 - 5, true), buy(T0)] },
    { address: buyers[1], trades: [buy(T0)] },
    { address: buyers[2], trades: [buy(T0 + 3)] },
  ],
};

describe('a token\'s launch', () => {
  const opened = useSimulatedStack({ world });
  let helius: HeliusClient;
  const reads = () => opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === MINT).length;
  const stored = async () => (await opened.stack.pool.query('SELECT mint, slot::int, block_time::int FROM token_launches WHERE mint = $1', [MINT])).rows;
  beforeAll(() => {
    helius = new HeliusClient({ baseUrl: opened.sim.url, apiKey: 'k-launch-secret' });
  });
  afterAll(() => helius.close());

  it('a failing provider and a slow one are reasons, nothing is stored, and a cancelled read throws', async () => {
    const { pool } = opened.stack;
    opened.sim.configure({ faults: { errorRate: 1, providers: ['helius'] } });
    try {
      const failing = await readTokenLaunch(pool, helius, MINT);
      expect(failing).toMatchObject({ launch: null, reason: expect.stringMatching(/^the mint's oldest transactions could not be read: /) });
      expect(JSON.stringify(failing)).not.toContain('k-launch-secret');
    } finally {
      opened.sim.configure({ faults: { errorRate: 0 } });
    }
    opened.sim.configure({ latencyMs: { 'helius:history': 600_000 } });
    try {
      expect(await readTokenLaunch(pool, helius, MINT, undefined, 300)).toEqual({ launch: null, reason: "the mint's oldest transactions were not read within 0.3 s" });
      const cancel = new AbortController();
      const cancelled = readTokenLaunch(pool, helius, MINT, cancel.signal);
      setTimeout(() => cancel.abort(new Error('activity cancelled')), 100);
      await expect(cancelled).rejects.toThrow('activity cancelled');
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
    // the oldest transaction (the failed one) comes without its slot: it fails validation, and the
    // launch is not guessed from the transactions after it
    opened.sim.configure({ faults: { malformedSignatures: [opened.sim.world.signature(0, 0)] } });
    try {
      expect(await readTokenLaunch(pool, helius, MINT)).toEqual({ launch: null, reason: expect.stringMatching(/^an older transaction of the mint failed validation \(slot: /) });
    } finally {
      opened.sim.configure({ faults: { malformedSignatures: [] } });
    }
    expect(await stored()).toEqual([]);
  });

  it('reads the oldest successful transaction once, and a mint without transactions says so', async () => {
    const { pool } = opened.stack;
    const before = reads();
    const first = await readTokenLaunch(pool, helius, MINT);
    expect(first).toMatchObject({ read: true, launch: { slot: slotOf(T0), timestamp: T0, signature: expect.any(String) } });
    expect(await stored()).toEqual([{ mint: MINT, slot: slotOf(T0), block_time: T0 }]);
    expect(await readTokenLaunch(pool, helius, MINT)).toEqual({ read: false, launch: first.launch });
    expect(reads()).toBe(before + 1);
    expect(await readTokenLaunch(pool, helius, QUIET)).toEqual({ launch: null, reason: 'the mint has no transactions' });
  });
});
