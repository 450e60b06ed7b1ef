// The SOL/USD price used to value USDC/USDT-quoted legs: cached in Redis for 5 minutes; when
// DexScreener cannot answer, the last known price (kept without expiry) is used. A cache miss is
// fetched once per process however many activities miss at the same time: without that, the syncs
// of a 20-wallet group all asked DexScreener at once and queued on its budget (5 requests a second
// at 300 a minute), 4 seconds for the last one (measured, bench:e2e).
import type Redis from 'ioredis';
import type { MarketDataSource } from '../providers';
import { SingleFlight } from './single-flight';

/** The cached price's key (5 minutes); tests that hold DexScreener's answers keep it longer. */
export const SOL_PRICE_CACHE_KEY = 'sol_price_usd';
const LAST_KEY = 'sol_price_usd:last';

/** The fetch in flight per Redis connection (one per process in the worker), shared by who waits for it. */
const fetches = new SingleFlight<Redis, number>();

/**
 * USD per SOL. `signal` (the calling activity's cancellation): the caller stops waiting as soon as
 * it aborts, rejecting with its reason; the shared request is dropped when every caller waiting for
 * it has left (a worker shutting down cancels them all), so no one waits out a slow or held answer.
 */
export async function solPriceUsd(redis: Redis, market: MarketDataSource, signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted();
  const cached = await redis.get(SOL_PRICE_CACHE_KEY);
  if (cached) return Number(cached);
  return (await fetches.run(redis, (shared) => fetchAndCache(redis, market, shared), signal)).value;
}

async function fetchAndCache(redis: Redis, market: MarketDataSource, signal: AbortSignal): Promise<number> {
  try {
    const price = await market.getSolPriceUsd({ signal });
    await redis.multi().set(SOL_PRICE_CACHE_KEY, String(price), 'EX', 300).set(LAST_KEY, String(price)).exec();
    return price;
  } catch (err) {
    if (signal.aborted) throw err;
    const last = await redis.get(LAST_KEY);
    if (last) return Number(last);
    throw err;
  }
}
