// DexScreener pairs for the world's tokens: several pools per token (the canonical deepest one
// with the token as base, shallower ones, a USDC pool) and a deep pool where the token is the quote
// side, so a client that skips the base-side filter picks the wrong pool. Tokens without a market
// (`priceUsd` absent or 0, `spam`, or `pools: []`) have no pairs.
import { USDC_MINT, WSOL_MINT } from '../domain/enhanced-transaction';
import { derivedAddress, hashBytes, plainDecimal } from './keys';
import type { ChainFacts, TokenInfo } from './chain';
import type { Pool } from './world';

export interface SimPair {
  chainId: 'solana';
  dexId: string;
  url: string;
  pairAddress: string;
  labels?: string[];
  baseToken: { address: string; name: string; symbol: string };
  quoteToken: { address: string; name: string; symbol: string };
  priceNative: string;
  priceUsd: string;
  txns: Record<'m5' | 'h1' | 'h6' | 'h24', { buys: number; sells: number }>;
  volume: Record<'m5' | 'h1' | 'h6' | 'h24', number>;
  priceChange: Record<'m5' | 'h1' | 'h6' | 'h24', number>;
  liquidity?: { usd: number; base: number; quote: number };
  fdv: number;
  marketCap: number;
  pairCreatedAt: number;
  info: { imageUrl: string; websites: { label: string; url: string }[]; socials: { type: string; url: string }[] };
}

function defaultPools(t: TokenInfo): Pool[] {
  const liq = t.liquidityUsd ?? 100_000;
  if (t.mint === WSOL_MINT) {
    return [
      { dexId: 'raydium', quote: 'USDC', side: 'base', liquidityUsd: liq, labels: ['CLMM'] },
      { dexId: 'orca', quote: 'USDC', side: 'base', liquidityUsd: liq * 0.6 },
      { dexId: 'raydium', quote: USDC_MINT, side: 'quote', liquidityUsd: liq * 0.02 },
    ];
  }
  if (t.mint === USDC_MINT) return [{ dexId: 'orca', quote: 'SOL', side: 'quote', liquidityUsd: liq }];
  return [
    { dexId: 'raydium', quote: 'SOL', side: 'base', liquidityUsd: liq },
    { dexId: 'pumpswap', quote: 'SOL', side: 'base', liquidityUsd: Math.round(liq * 0.35) },
    { dexId: 'meteora', quote: 'USDC', side: 'base', liquidityUsd: Math.round(liq * 0.1), labels: ['DLMM'] },
    { dexId: 'raydium', quote: 'SOL', side: 'quote', liquidityUsd: liq * 3 },
  ];
}

const tokenRef = (t: { mint: string; name: string; symbol: string }) => ({ address: t.mint, name: t.name, symbol: t.symbol });

export function buildPairs(world: ChainFacts): SimPair[] {
  const pairs: SimPair[] = [];
  for (const token of world.tokens.values()) {
    if (token.spam || !token.priceUsd) continue;
    const pools = token.pools ?? defaultPools(token);
    pools.forEach((pool, i) => {
      const h = hashBytes('pair', token.mint, String(i));
      let other: { mint: string; name: string; symbol: string; priceUsd: number };
      if (pool.side === 'quote' && pool.quote === 'SOL' && token.mint !== WSOL_MINT) {
        // a token that trades against this one (it is the quote side here)
        other = { mint: derivedAddress('quoted-by', token.mint, String(i)), name: `${token.name} Index`, symbol: `i${token.symbol}`, priceUsd: token.priceUsd! * 0.01 };
      } else {
        const mint = pool.quote === 'SOL' ? WSOL_MINT : pool.quote === 'USDC' ? USDC_MINT : pool.quote;
        const t = world.tokens.get(mint);
        // a quote token the world gives no price (absent or 0) is priced at 1 USD, never divided by 0
        other = { mint, name: t?.name ?? 'Unknown', symbol: t?.symbol ?? '???', priceUsd: t?.priceUsd || 1 };
      }
      const baseIsToken = pool.side === 'base';
      const base = baseIsToken ? { ...tokenRef(token), priceUsd: token.priceUsd! } : other;
      const quote = baseIsToken ? other : { ...tokenRef(token), priceUsd: token.priceUsd! };
      const baseT = baseIsToken ? tokenRef(token) : { address: other.mint, name: other.name, symbol: other.symbol };
      const quoteT = baseIsToken ? { address: other.mint, name: other.name, symbol: other.symbol } : tokenRef(token);
      const liquidityUsd = pool.liquidityUsd;
      const volume24 = pool.volumeH24 ?? Math.round((liquidityUsd ?? 10_000) * (0.5 + h[0] / 255));
      const pairAddress = derivedAddress('pair', pool.dexId, baseT.address, quoteT.address, String(i));
      const supply = 1_000_000_000;
      pairs.push({
        chainId: 'solana',
        dexId: pool.dexId,
        url: `https://dexscreener.com/solana/${pairAddress.toLowerCase()}`,
        pairAddress,
        ...(pool.labels ? { labels: pool.labels } : {}),
        baseToken: baseT,
        quoteToken: quoteT,
        priceNative: plainDecimal(base.priceUsd / quote.priceUsd),
        priceUsd: plainDecimal(base.priceUsd),
        txns: {
          m5: { buys: h[1] % 20, sells: h[2] % 20 },
          h1: { buys: h[3] % 200, sells: h[4] % 200 },
          h6: { buys: h[5] * 3, sells: h[6] * 3 },
          h24: { buys: h[7] * 10, sells: h[8] * 10 },
        },
        volume: { m5: Math.round(volume24 / 288), h1: Math.round(volume24 / 24), h6: Math.round(volume24 / 4), h24: volume24 },
        priceChange: { m5: (h[9] - 128) / 100, h1: (h[10] - 128) / 20, h6: (h[11] - 128) / 10, h24: (h[12] - 128) / 5 },
        ...(liquidityUsd !== undefined
          ? { liquidity: { usd: liquidityUsd, base: Math.round(liquidityUsd / 2 / base.priceUsd), quote: Math.round((liquidityUsd / 2 / quote.priceUsd) * 1e4) / 1e4 } }
          : {}),
        fdv: Math.round(base.priceUsd * supply),
        marketCap: Math.round(base.priceUsd * supply * 0.9),
        pairCreatedAt: pool.pairCreatedAt ?? 1_700_000_000_000 + h.readUInt32BE(16) * 10,
        info: {
          imageUrl: `https://dd.dexscreener.com/ds-data/tokens/solana/${baseT.address}.png`,
          websites: [{ label: 'Website', url: `https://${baseT.symbol.toLowerCase()}.example` }],
          socials: [{ type: 'twitter', url: `https://x.com/${baseT.symbol}` }],
        },
      });
    });
  }
  return pairs;
}
