// The SOL/USD price used to value USDC/USDT-quoted legs: cached in Redis for 5 minutes; when
// DexScreener cannot answer, the last known price (kept without expiry) is used. A cache miss is
// fetched once per process however many activities miss at the same time: without that, the syncs
// of a 20-wallet group all asked DexScreener at once and queued on its budget (5 requests a second
// at 300 a minute), 4 seconds for the last one (measured, bench:e2e).
import type Redis from 'ioredis';
import type { MarketDataSource } from '../providers';

/** The cached price's key (5 minutes); tests that hold DexScreener's answers keep it longer. */
export const SOL_PRICE_CACHE_KEY = 'sol_price_usd';
const LAST_KEY = 'sol_price_usd:last';

/** The fetch in flight per Redis connection (one per process in the worker). */
const inFlight = new WeakMap<Redis, Promise<number>>();

export async function solPriceUsd(redis: Redis, market: MarketDataSource): Promise<number> {
  const cached = await redis.get(SOL_PRICE_CACHE_KEY);
  if (cached) return Number(cached);
  let fetching = inFlight.get(redis);
  if (!fetching) {
    fetching = fetchAndCache(redis, market).finally(() => inFlight.delete(redis));
    inFlight.set(redis, fetching);
  }
  return fetching;
}

async function fetchAndCache(redis: Redis, market: MarketDataSource): Promise<number> {
  try {
    const price = await market.getSolPriceUsd();
    await redis.multi().set(SOL_PRICE_CACHE_KEY, String(price), 'EX', 300).set(LAST_KEY, String(price)).exec();
    return price;
  } catch (err) {
    const last = await redis.get(LAST_KEY);
    if (last) return Number(last);
    throw err;
  }
}
