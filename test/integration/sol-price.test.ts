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
});
