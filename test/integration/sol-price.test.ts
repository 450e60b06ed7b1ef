// The SOL/USD price cache (src/activities/sol-price.ts) over real Redis and the simulator's
// DexScreener: a cold cache missed by many activities at once costs one DexScreener request, not
// one each (20 syncs of a group used to queue on DexScreener's 5-a-second budget, 4 s for the last).
import { randomUUID } from 'node:crypto';
import { solPriceUsd } from '../../src/activities/sol-price';
import { DexScreenerClient } from '../../src/providers';
import { generateWorld, startSimulator, type SimulatorHandle } from '../../src/simulator';
import { createRedis } from '../../src/store/redis';

describe('the SOL price cache', () => {
  let sim: SimulatorHandle;
  let dex: DexScreenerClient;
  const redis = createRedis('redis://127.0.0.1:6379', `ws-test-sol-${randomUUID()}:`);

  beforeAll(async () => {
    sim = await startSimulator({ world: generateWorld({ seed: 7411, wallets: 1, txPerWallet: 5, largeWallet: false }) });
    dex = new DexScreenerClient({ baseUrl: sim.url });
    await redis.connect();
  });
  afterAll(async () => {
    await redis.del('sol_price_usd', 'sol_price_usd:last');
    redis.disconnect();
    await dex.close();
    await sim.close();
  });

  const dexRequests = () => sim.requestLog.filter((e) => e.endpoint.startsWith('dexscreener')).length;

  it('answers 20 concurrent misses of a cold cache with one DexScreener request, then from Redis', async () => {
    await redis.del('sol_price_usd', 'sol_price_usd:last');
    sim.reset();
    const prices = await Promise.all(Array.from({ length: 20 }, () => solPriceUsd(redis, dex)));
    expect(new Set(prices).size).toBe(1);
    expect(prices[0]).toBeGreaterThan(0);
    expect(dexRequests()).toBe(1);
    expect(Number(await redis.get('sol_price_usd'))).toBe(prices[0]);

    // cached: no request at all
    expect(await solPriceUsd(redis, dex)).toBe(prices[0]);
    expect(dexRequests()).toBe(1);

    // expired: the next miss fetches again (the in-flight fetch was forgotten when it settled)
    await redis.del('sol_price_usd');
    await Promise.all([solPriceUsd(redis, dex), solPriceUsd(redis, dex)]);
    expect(dexRequests()).toBe(2);
  });

  describe('callers that leave (their activity cancelled)', () => {
    afterEach(() => sim.reset({ knobs: true }));
    const held = async (n: number) => {
      while (sim.requestLog.filter((e) => e.endpoint.startsWith('dexscreener')).length < n) await new Promise((r) => setTimeout(r, 20));
    };
    const settledAbandoned = async () => {
      for (let i = 0; i < 100 && sim.requestLog.some((e) => e.abandoned === undefined); i++) await new Promise((r) => setTimeout(r, 20));
      return sim.requestLog.map((e) => e.abandoned);
    };

    it('each leaves at once with its reason; the shared request is dropped when the last one leaves, and the next miss asks again', async () => {
      await redis.del('sol_price_usd', 'sol_price_usd:last');
      sim.reset();
      sim.configure({ paused: ['dexscreener'] });
      const [first, second] = [new AbortController(), new AbortController()];
      const a = solPriceUsd(redis, dex, first.signal);
      const b = solPriceUsd(redis, dex, second.signal);
      await held(1);
      const firstReason = new Error('first activity cancelled');
      first.abort(firstReason);
      await expect(a).rejects.toBe(firstReason);
      // the other caller still waits: the request is still held, not given up
      await new Promise((r) => setTimeout(r, 100));
      expect(sim.requestLog.map((e) => e.abandoned)).toEqual([undefined]);
      const secondReason = new Error('second activity cancelled');
      second.abort(secondReason);
      await expect(b).rejects.toBe(secondReason);
      expect(await settledAbandoned()).toEqual([true]);
      expect(await redis.get('sol_price_usd')).toBeNull();

      sim.configure({ paused: [] });
      expect(await solPriceUsd(redis, dex, new AbortController().signal)).toBe(150);
      expect(dexRequests()).toBe(2);
    });

    it('a caller without a signal keeps the shared request: it gets the price after the other left', async () => {
      await redis.del('sol_price_usd', 'sol_price_usd:last');
      sim.reset();
      sim.configure({ paused: ['dexscreener'] });
      const leaving = new AbortController();
      const a = solPriceUsd(redis, dex, leaving.signal);
      const staying = solPriceUsd(redis, dex);
      await held(1);
      leaving.abort(new Error('cancelled'));
      await expect(a).rejects.toThrow('cancelled');
      sim.configure({ paused: [] });
      expect(await staying).toBe(150);
      expect(sim.requestLog.map((e) => e.abandoned)).toEqual([undefined]);
      expect(Number(await redis.get('sol_price_usd'))).toBe(150);
    });

    it('a signal aborted before the call sends nothing', async () => {
      await redis.del('sol_price_usd', 'sol_price_usd:last');
      sim.reset();
      const gone = new AbortController();
      gone.abort(new Error('already cancelled'));
      await expect(solPriceUsd(redis, dex, gone.signal)).rejects.toThrow('already cancelled');
      expect(dexRequests()).toBe(0);
    });
  });
});
