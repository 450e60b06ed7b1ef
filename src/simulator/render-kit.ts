// What the renderers of world events share: the programs they name, the wallets' token accounts,
// instruction data.
import bs58 from 'bs58';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { SPL_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID } from '../domain/enhanced-transaction';
import { derivedAddress, hashBytes } from './keys';
import type { ChainFacts } from './chain';

export const PROGRAMS = {
  JUPITER: 'JUP6LkbZbjS1jKKwapdHNy74zcZ3tLUZoi5QNyVTaV4',
  RAYDIUM: '675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8',
  ORCA: 'whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc',
  PUMP_AMM: 'pAMMBay6oceH9fJKBRHGP5D4bD4sWpmSwMn52FMfXEA',
  PUMP_FUN: '6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P',
  COMPUTE_BUDGET: 'ComputeBudget111111111111111111111111111111',
  SYSTEM: '11111111111111111111111111111111',
  ATA: 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
  SYSVAR_RENT: 'SysvarRent111111111111111111111111111111111',
} as const;

/** What every rendered transaction of an event has: its signature, slot, time and fee. */
export type Base = Pick<EnhancedTransaction, 'signature' | 'slot' | 'timestamp' | 'fee'>;

export const tokenProgramId = (world: ChainFacts, mint: string): string =>
  world.token(mint).program === 'spl-token-2022' ? TOKEN_2022_PROGRAM_ID : SPL_TOKEN_PROGRAM_ID;
/** a wallet's (associated) token account of a mint */
export const ata = (owner: string, mint: string): string => derivedAddress('ata', owner, mint);
export const ixData = (...parts: string[]): string => bs58.encode(hashBytes('ix', ...parts).subarray(0, 12));
