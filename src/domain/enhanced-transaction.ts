// The Helius Enhanced Transaction as our code reads it (shared/reference/provider-contracts.md §1.4).
// Plain types, no runtime: the provider layer validates payloads into this shape, the domain
// layer computes on it, and the simulator renders it. All objects on the wire are open; only the
// fields we read are named here.

/** Known values we branch on; the wire sends an open set, so the field type stays `string`. */
export type KnownTransactionType =
  | 'SWAP'
  | 'SWAP_EXACT_OUT'
  | 'SWAP_WITH_PRICE_IMPACT'
  | 'BUY'
  | 'SELL'
  | 'TRANSFER'
  | 'TOKEN_MINT'
  | 'CREATE'
  | 'CREATE_POOL'
  | 'ADD_LIQUIDITY'
  | 'WITHDRAW_LIQUIDITY'
  | 'BURN'
  | 'CLOSE_ACCOUNT'
  | 'UNKNOWN';

export type KnownTransactionSource =
  | 'JUPITER'
  | 'RAYDIUM'
  | 'ORCA'
  | 'PUMP_FUN'
  | 'PUMP_AMM'
  | 'SYSTEM_PROGRAM'
  | 'SOLANA_PROGRAM_LIBRARY'
  | 'UNKNOWN';

export interface Instruction {
  accounts: string[];
  data: string;
  programId: string;
  innerInstructions?: Instruction[];
}

export interface NativeTransfer {
  fromUserAccount: string | null;
  toUserAccount: string | null;
  /** lamports */
  amount: number;
}

export interface TokenTransfer {
  /** owner wallet of the source token account ("" for mints) */
  fromUserAccount: string | null;
  /** owner wallet of the destination token account */
  toUserAccount: string | null;
  fromTokenAccount: string | null;
  toTokenAccount: string | null;
  /** UI amount (already divided by 10^decimals), a float: never use it for exact maths */
  tokenAmount: number;
  mint: string;
  tokenStandard?: string;
}

export interface RawTokenAmount {
  /** signed integer as a decimal string, e.g. "-708365894528" */
  tokenAmount: string;
  decimals: number;
}

export interface TokenBalanceChange {
  /** owner wallet of the token account */
  userAccount: string;
  tokenAccount: string;
  mint: string;
  rawTokenAmount: RawTokenAmount;
}

export interface AccountData {
  account: string;
  /** signed lamports; the fee payer's includes the fee */
  nativeBalanceChange: number;
  tokenBalanceChanges: TokenBalanceChange[] | null;
}

export interface NativeAmount {
  account: string;
  /** lamports as a STRING */
  amount: string;
}

export interface InnerSwap {
  tokenInputs: TokenTransfer[];
  tokenOutputs: TokenTransfer[];
  tokenFees: TokenTransfer[];
  nativeFees: NativeTransfer[];
  nativeInput?: NativeTransfer | null;
  nativeOutput?: NativeTransfer | null;
  programInfo: { source: string; account: string; programName: string; instructionName: string };
}

export interface SwapEvent {
  nativeInput: NativeAmount | null;
  nativeOutput: NativeAmount | null;
  tokenInputs: TokenBalanceChange[];
  tokenOutputs: TokenBalanceChange[];
  tokenFees: TokenBalanceChange[];
  nativeFees: NativeAmount[];
  innerSwaps: InnerSwap[];
}

export interface EnhancedTransactionEvents {
  swap?: SwapEvent;
  [other: string]: unknown;
}

export interface EnhancedTransaction {
  description: string;
  type: KnownTransactionType | (string & {});
  source: KnownTransactionSource | (string & {});
  /** lamports */
  fee: number;
  feePayer: string;
  signature: string;
  slot: number;
  /** unix seconds */
  timestamp: number;
  nativeTransfers: NativeTransfer[] | null;
  tokenTransfers: TokenTransfer[] | null;
  accountData: AccountData[];
  /** raw Solana TransactionError JSON, null on success; absent in webhook payloads */
  transactionError?: Record<string, unknown> | string | null;
  instructions?: Instruction[];
  events: EnhancedTransactionEvents;
}

/** A failed transaction (Helius still lists its transfers, but it moved nothing): `transactionError` set and not empty. */
export function isFailedTransaction(tx: Pick<EnhancedTransaction, 'transactionError'>): boolean {
  const error = tx.transactionError;
  return error !== undefined && error !== null && error !== '';
}

/** Well-known mints and program ids used across the product. */
export const WSOL_MINT = 'So11111111111111111111111111111111111111112';
export const USDC_MINT = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
export const USDT_MINT = 'Es9vMFrzaCERmJfrF4H8FYD2c1PLpFHCd6wVH8GvvLCk';
export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111';
export const SPL_TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM_ID = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
export const LAMPORTS_PER_SOL = 1_000_000_000n;
