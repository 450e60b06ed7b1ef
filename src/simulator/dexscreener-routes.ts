// DexScreener endpoints over the world (contract §3): /tokens/v1/{chain}/{≤30 mints} (bare array),
// /token-pairs/v1/{chain}/{mint}, and the legacy /latest/dex/tokens/{mints} ({pairs: null} when none).
import { json, type Reply } from './helius-routes';
import type { SimPair } from './dex';
import type { SimWorld } from './model';

function pairsOf(world: SimWorld, mints: string[]): SimPair[] {
  const seen = new Set<string>();
  const out: SimPair[] = [];
  for (const mint of mints) {
    for (const pair of world.pairsFor(mint)) {
      if (seen.has(pair.pairAddress)) continue;
      seen.add(pair.pairAddress);
      out.push(pair);
    }
  }
  return out;
}

const split = (csv: string): string[] => decodeURIComponent(csv).split(',').map((s) => s.trim()).filter(Boolean);

/** Routes a DexScreener path; null when the path is not a DexScreener endpoint. */
export function handleDexScreener(world: SimWorld, path: string): { reply: Reply; endpoint: string; mints: string[] } | null {
  let m = /^\/tokens\/v1\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const mints = split(m[2]);
    if (mints.length > 30) return { reply: json(400, { error: 'Too many token addresses: at most 30' }), endpoint: 'dexscreener:tokens', mints };
    return { reply: json(200, m[1] === 'solana' ? pairsOf(world, mints) : []), endpoint: 'dexscreener:tokens', mints };
  }
  m = /^\/token-pairs\/v1\/([^/]+)\/([^/,]+)$/.exec(path);
  if (m) {
    const mints = [decodeURIComponent(m[2])];
    return { reply: json(200, m[1] === 'solana' ? pairsOf(world, mints) : []), endpoint: 'dexscreener:token-pairs', mints };
  }
  m = /^\/latest\/dex\/tokens\/([^/]+)$/.exec(path);
  if (m) {
    const mints = split(m[1]);
    if (mints.length > 30) return { reply: json(400, { error: 'Too many token addresses: at most 30' }), endpoint: 'dexscreener:latest-tokens', mints };
    const pairs = pairsOf(world, mints);
    return { reply: json(200, { schemaVersion: '1.0.0', pairs: pairs.length ? pairs : null }), endpoint: 'dexscreener:latest-tokens', mints };
  }
  return null;
}
