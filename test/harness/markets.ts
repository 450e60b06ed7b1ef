// DexScreener answers as the client makes them (src/providers/dexscreener.ts), for tests that store them.
import type { PricedToken } from '../../src/providers/dexscreener';

/** A priced token: its fields vary with `i` (price, liquidity, pair, DEX, logo but for 0), its symbol SYM<i> unless given. */
export function pricedMarket(mint: string, i: number, symbol = `SYM${i}`): PricedToken {
  return {
    mint,
    status: 'priced',
    priceSource: 'base',
    priceUsd: 0.000012 * (i + 1),
    priceNative: String(i),
    liquidityUsd: 1000 * (i + 1),
    volumeH24: 5,
    pairAddress: `Pair${i}`,
    dexId: i % 2 ? 'raydium' : 'orca',
    quoteMint: 'So11111111111111111111111111111111111111112',
    symbol,
    name: `Token ${i}`,
    imageUrl: i === 0 ? null : `https://img.example/${i}.png`,
    websites: [],
    socials: [],
    marketCap: null,
    fdv: null,
    pairCreatedAt: null,
  };
}
