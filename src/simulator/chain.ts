// Chain facts shared by the world index (model.ts), the transaction renderer (render.ts) and the
// DexScreener pairs (dex.ts): slots, fees, token metadata, and the read-only view of the world they
// need. A leaf module, so none of them imports another's implementation.
import type { Token, Trade, Transfer, Wallet, World } from './world';

export interface TokenInfo {
  mint: string;
  symbol: string;
  name: string;
  decimals: number;
  program: 'spl-token' | 'spl-token-2022';
  priceUsd?: number;
  liquidityUsd?: number;
  pools?: Token['pools'];
  spam?: boolean;
  standard?: Token['standard'];
}

export type SimEvent =
  | { kind: 'trade'; trade: Trade; ts: number; order: number }
  | { kind: 'transfer'; transfer: Transfer; ts: number; order: number };

/** What rendering a transaction reads from the world (SimWorld implements it). */
export interface ChainFacts {
  readonly world: World;
  readonly wallets: Wallet[];
  readonly tokens: ReadonlyMap<string, TokenInfo>;
  token(mint: string): TokenInfo;
  event(walletIndex: number, eventIndex: number): SimEvent;
  signature(walletIndex: number, eventIndex: number): string;
}

export const SOLANA_GENESIS_TS = 1_584_368_940;
export const slotOf = (ts: number): number => Math.max(1, Math.floor((ts - SOLANA_GENESIS_TS) * 2.04));
export const feeOf = (walletIndex: number, eventIndex: number): number => 5000 + ((eventIndex * 7919 + walletIndex * 104729) % 40) * 1000;
