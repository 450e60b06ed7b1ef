// fetchBalanceBatch against the real simulator's RPC, PostgreSQL and Redis (the activity run in
// Temporal's activity test environment): a batch fetches its wallets' SOL in one getMultipleAccounts
// call and token accounts per owner, reports each wallet, keeps going past a wallet that fails for
// good, stores what it fetched, and serves a second batch from the cache without any request; a
// batch cancelled with its analysis drops its calls on their way and gives its wallets' locks back.
import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createBalanceActivities, type BalanceBatchResult } from '../../src/activities/balances';
import { loadBalances } from '../../src/store/wallet-balances';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';
import { cancelInFlight } from '../harness/in-flight';

const world = generateWorld({ seed: 7301, wallets: 6, txPerWallet: 4, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const NOT_AN_ADDRESS = 'not-a-solana-address';

describe('fetchBalanceBatch', () => {
  const opened = useSimulatedStack({ world });

  afterEach(() => opened.sim.reset({ knobs: true }));

  const runBatch = (batch: string[], env = new MockActivityEnvironment()): Promise<BalanceBatchResult> => {
    const { fetchBalanceBatch } = createBalanceActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    return env.run(fetchBalanceBatch, { wallets: batch });
  };

  it("renews its wallets' locks while its fetch outlasts a third of their TTL: another fetch does not take them and fetch the wallets again", async () => {
    const batch = wallets.slice(0, 2);
    await opened.stack.redis.del(...batch.map((w) => `balance:${w}`));
    opened.sim.reset();
    opened.sim.configure({ paused: ['rpc:getMultipleAccounts'] }); // the batch's SOL call held
    const running = runBatch(batch);
    // the locks were taken with a TTL of 30 s; 12 s on, renewed at 10 s, they have about 28 s left (18 s unrenewed)
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const left = await Promise.all(batch.map((w) => opened.stack.redis.pttl(`balance-lock:${w}`)));
    opened.sim.configure({ paused: [] });
    expect((await running).wallets.map((o) => o.balances)).toEqual(['fetched', 'fetched']);
    for (const ms of left) expect(ms).toBeGreaterThan(22_000);
    // and given back once the batch is done
    expect(await Promise.all(batch.map((w) => opened.stack.redis.exists(`balance-lock:${w}`)))).toEqual([0, 0]);
  }, 30_000);

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

  it('with the quota spent, fails its wallets on the one getMultipleAccounts call, without asking again per wallet', async () => {
    await opened.stack.redis.del(...wallets.map((w) => `balance:${w}`));
    opened.sim.reset();
    opened.sim.configure({ rateLimits: { quotaExhausted: true } });
    const result = await runBatch(wallets);
    for (const w of wallets) expect(result.wallets.find((o) => o.wallet === w)).toMatchObject({ balances: 'failed', error: expect.stringMatching(/^QuotaExhaustedError: /) });
    expect(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getMultipleAccounts')).toHaveLength(1);
  });

  it('serves a second batch of the same wallets from the cache without any request', async () => {
    await runBatch(wallets);
    opened.sim.reset();
    const result = await runBatch(wallets);
    expect(result.wallets).toEqual(wallets.map((wallet) => ({ wallet, balances: 'cached' })));
    expect(opened.sim.requestLog.filter((r) => r.provider === 'solana-rpc')).toEqual([]);
  });

  it('ends as cancelled when cancelled with its analysis, without waiting for the calls on their way: none of its wallets failed, their locks given back', async () => {
    const { redis } = opened.stack;
    await redis.del(...wallets.map((w) => `balance:${w}`));
    opened.sim.reset();
    // longer than the test may take: the batch can only end if it drops the call on its way
    opened.sim.configure({ latencyMs: { 'rpc:getMultipleAccounts': 600_000 } });
    const env = new MockActivityEnvironment();
    const cancelled = await cancelInFlight(opened.sim, (r) => r.endpoint === 'rpc:getMultipleAccounts', env, runBatch(wallets, env));
    expect(cancelled.requestsWhenCancelled).toBe(1);
    expect(cancelled.outcome).toBeInstanceOf(CancelledFailure);
    expect(cancelled.abandoned).toEqual([true]);
    // no token accounts asked after the cancellation, nothing cached, every lock released
    expect(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getTokenAccountsByOwner')).toEqual([]);
    expect(await redis.exists(...wallets.map((w) => `balance:${w}`))).toBe(0);
    expect(await redis.exists(...wallets.map((w) => `balance-lock:${w}`))).toBe(0);

    // the next batch fetches them as if nothing had happened
    opened.sim.reset({ knobs: true });
    const next = await runBatch(wallets);
    expect(next.wallets).toEqual(wallets.map((wallet) => ({ wallet, balances: 'fetched' })));
  });
});
