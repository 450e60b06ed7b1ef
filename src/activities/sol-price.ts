// The SOL/USD price used to value USDC/USDT-quoted legs: cached in Redis for 5 minutes; when
// DexScreener cannot answer, the last known price (kept without expiry) is used.
import type Redis from 'ioredis';
import type { MarketDataSource } from '../providers';

const CACHE_KEY = 'sol_price_usd';
const LAST_KEY = 'sol_price_usd:last';

export async function solPriceUsd(redis: Redis, market: MarketDataSource): Promise<number> {
  const cached = await redis.get(CACHE_KEY);
  if (cached) return Number(cached);
  try {
    const price = await market.getSolPriceUsd();
    await redis.multi().set(CACHE_KEY, String(price), 'EX', 300).set(LAST_KEY, String(price)).exec();
    return price;
  } catch (err) {
    const last = await redis.get(LAST_KEY);
    if (last) return Number(last);
    throw err;
  }
}
