// Mints that are money, not picks: the similarity universe leaves them out (docs/analytics.md).
import { USDC_MINT, USDT_MINT, WSOL_MINT } from './enhanced-transaction';

/** Quote assets a swap is priced in. Native SOL and wrapped SOL are the same asset here. */
export const QUOTE_MINTS: ReadonlySet<string> = new Set([WSOL_MINT, USDC_MINT, USDT_MINT]);

/** Liquid-staking tokens: SOL in another wrapper, so holding them says nothing about picks. */
export const LIQUID_STAKING_MINTS: Readonly<Record<string, string>> = {
  mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So: 'mSOL (Marinade)',
  '7dHbWXmci3dT8UFYWYZweBLXgycu7Y3iL6trKn1Y7ARj': 'stSOL (Lido)',
  J1toso1uCk3RLmjorhTtrVwY9HJ7X8V9yYac6Y7kGCPn: 'JitoSOL (Jito)',
  bSo13r4TkiE4KumL71LsHTPpL2euBYLFx6h9HP3piy1: 'bSOL (BlazeStake)',
  jupSoLaHXQiZZTSfEWMTRRgpnyFm8f6sZdosWBjx93v: 'JupSOL (Jupiter)',
  '5oVNBeEEQvYi1cX3ir8Dx5n1P7pdxydbGF2X4TxVusJm': 'INF (Sanctum Infinity, formerly scnSOL)',
  he1iusmfkpAdwvxLNGV8Y1iSbj4rUy6yMhEA3fotn9A: 'hSOL (Helius)',
  LSTxxxnJzKDFSLr4dUkPcmCf5VyryEqzPLz5j4bpxFp: 'LST (marginfi / Sanctum)',
  BonK1YhkXEGLZzwtcvRTip3gAL9nCeQD7ppZBLXhtTs: 'bonkSOL',
  Dso1bDeDjCQxTrWHqUUi63oBvV7Mdm6WaobLbQ7gnPQ: 'dSOL (Drift)',
  vSoLxydx6akxyMD9XEcPvGYNGq6Nn66oqVb3UkGkei7: 'vSOL (The Vault)',
  '7Q2afV64in6N6SeZsAAB81TJzwDoD6zpqmHkzi9Dcavn': 'JSOL (JPool)',
  Comp4ssDzXcLeu2MnLuGNNFC4cmLPMng8qWHPvzAMU1h: 'compassSOL',
  picobAEvs6w7QEknPce34wAE4gknZA9v5tTonnmHYdX: 'picoSOL',
  LAinEtNLgpmCP9Rvsf5Hn8W6EhNiKLZQti1xfWMLy6X: 'laineSOL',
  bbso1MfE7KVL7DhqwZ6dVfKrD3oNV1PEykLNM4kk5dD: 'bbSOL (Bybit)',
  Bybit2vBJGhPF52GBdNaQfUJ6ZpThSgHBobjWZpLPb4B: 'bbSOL (Bybit, older mint)',
  BNso1VUJnh4zcfpZa6986Ea66P6TCp59hvtNJ8b1X85: 'BNSOL (Binance)',
  HUBsveNpjo5pWqNkH57QzxjQASdTVXcSK7bVKTSZtcSX: 'hubSOL (SolanaHub)',
  jucy5XJ76pHVvtPZb5TKRcGQExkwit2P5s4vY8UzmpC: 'jucySOL',
  suPer8CPwxoJPQ7zksGMwFvjBQhjAHwUMmPV4FVatBw: 'superSOL',
};

/** Every mint left out of the similarity universe, with why. */
export const UNIVERSE_EXCLUDED_MINTS: Readonly<Record<string, string>> = {
  [WSOL_MINT]: 'SOL / wrapped SOL (quote asset)',
  [USDC_MINT]: 'USDC (quote asset)',
  [USDT_MINT]: 'USDT (quote asset)',
  ...LIQUID_STAKING_MINTS,
};

export function isExcludedFromUniverse(mint: string): boolean {
  return Object.prototype.hasOwnProperty.call(UNIVERSE_EXCLUDED_MINTS, mint);
}
