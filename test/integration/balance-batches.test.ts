// fetchBalanceBatch against the real simulator's RPC, PostgreSQL and Redis (the activity run in
// Temporal's activity test environment): a batch fetches its wallets' SOL in one getMultipleAccounts
// call and token accounts per owner, reports each wallet, keeps going past a wallet that fails for
// good, stores what it fetched, and serves a second batch from the cache without any request.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBalanceActivities, type BalanceBatchResult } from '../../src/activities/balances';
import { loadBalances } from '../../src/store/wallet-balances';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 7301, wallets: 6, txPerWallet: 4, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const NOT_AN_ADDRESS = 'not-a-solana-address';

describe('fetchBalanceBatch', () => {
  const opened = useSimulatedStack({ world });

  const runBatch = (batch: string[]): Promise<BalanceBatchResult> => {
    const { fetchBalanceBatch } = createBalanceActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    return new MockActivityEnvironment().run(fetchBalanceBatch, { wallets: batch });
  };

  it('fetches a batch with one getMultipleAccounts call, reports each wallet, and a malformed one fails alone', async () => {
    await opened.stack.redis.del(...wallets.map((w) => `balance:${w}`));
    opened.sim.reset();
    const result = await runBatch([...wallets, NOT_AN_ADDRESS]);

    expect(result.wallets.map((o) => o.wallet)).toEqual([...wallets, NOT_AN_ADDRESS]);
    for (const w of wallets) expect(result.wallets.find((o) => o.wallet === w)).toEqual({ wallet: w, balances: 'fetched' });
    const failed = result.wallets.find((o) => o.wallet === NOT_AN_ADDRESS);
    expect(failed).toMatchObject({ balances: 'failed', error: expect.stringMatching(/^InvalidAddressError: /) });

    const solCalls = opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getMultipleAccounts');
    expect(solCalls).toHaveLength(1);
    expect([...(solCalls[0].wallets ?? [])].sort()).toEqual(wallets);
    for (const w of wallets) expect(opened.sim.requestLog.filter((r) => r.wallet === w && r.endpoint === 'rpc:getTokenAccountsByOwner')).toHaveLength(2);

    // what was fetched is stored for the similarity step, with each wallet's own SOL balance
    const stored = await loadBalances(opened.stack.pool, wallets);
    expect([...stored.keys()].sort()).toEqual(wallets);
    for (const w of wallets) expect(stored.get(w)?.solLamports).toBe(String(opened.sim.world.lamports(w) ?? 0n));
  });

  it('serves a second batch of the same wallets from the cache without any request', async () => {
    await runBatch(wallets);
    opened.sim.reset();
    const result = await runBatch(wallets);
    expect(result.wallets).toEqual(wallets.map((wallet) => ({ wallet, balances: 'cached' })));
    expect(opened.sim.requestLog.filter((r) => r.provider === 'solana-rpc')).toEqual([]);
  });
});
