// Small worlds built in code for provider tests: addresses are derived, so every test reads the
// same chain.
import { derivedAddress } from '../../../src/simulator/keys';
import type { WorldInput } from '../../../src/simulator/world';

export const addr = (...label: string[]): string => derivedAddress('test', ...label);

export const TOKEN_A = addr('mint', 'A');
export const TOKEN_B = addr('mint', 'B');
export const START_TS = 1_727_000_000;

type WalletIn = WorldInput['wallets'][number];
type TradeIn = NonNullable<WalletIn['trades']>[number];
type TransferIn = NonNullable<WalletIn['transfers']>[number];

export function baseTokens(): WorldInput['tokens'] {
  return [
    { mint: TOKEN_A, symbol: 'AAA', name: 'Token A', decimals: 6, priceUsd: 0.5, liquidityUsd: 250_000, program: 'spl-token' },
    { mint: TOKEN_B, symbol: 'BBB', name: 'Token B', decimals: 9, priceUsd: 0.002, liquidityUsd: 80_000, program: 'spl-token-2022' },
  ];
}

/** `count` buys of token A, one per second, oldest first. */
export function swaps(count: number, fromTs = START_TS): TradeIn[] {
  return Array.from({ length: count }, (_, i) => ({ ts: fromTs + i, side: 'buy' as const, mint: TOKEN_A, amount: '10', quote: 'SOL' as const, quoteAmount: '0.01', source: 'JUPITER' as const }));
}

export function solTransfers(count: number, fromTs: number): TransferIn[] {
  return Array.from({ length: count }, (_, i) => ({ ts: fromTs + i, direction: 'in' as const, mint: 'SOL', amount: '0.5' }));
}

export function worldWith(wallets: WalletIn[], extra: Partial<WorldInput> = {}): WorldInput {
  return { solPriceUsd: 150, tokens: baseTokens(), wallets, ...extra };
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}
