// The world file: tokens, wallets, their trades and transfers. The minimal format of issue #3 is
// accepted as is; everything marked "extension" is optional. worlds/world.schema.json is generated
// from this schema (npm run simulator -- --print-schema) and a test keeps the two identical.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isPublicKey } from '../providers/address';

const PublicKey = z
  .string()
  .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, 'must be a base58 public key')
  .refine(isPublicKey, { message: 'must be a base58 32-byte public key' });
const Decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string in UI units, e.g. "1000.5"');
const UnixSeconds = z.number().int().min(1_584_368_940).describe('unix seconds (not before Solana genesis)');

export const SWAP_SOURCES = ['JUPITER', 'RAYDIUM', 'ORCA', 'PUMP_AMM', 'PUMP_FUN'] as const;

export const PoolSchema = z
  .object({
    dexId: z.string().describe('raydium, orca, meteora, pumpswap, ...'),
    quote: z.union([z.enum(['SOL', 'USDC']), PublicKey]).default('SOL').describe('the other token of the pool'),
    side: z.enum(['base', 'quote']).default('base').describe('"quote": the token is the quote side of this pool'),
    liquidityUsd: z.number().nonnegative().optional().describe('absent = no liquidity object (bonding curves)'),
    volumeH24: z.number().nonnegative().optional(),
    labels: z.array(z.string()).optional(),
    pairCreatedAt: z.number().int().optional().describe('epoch milliseconds'),
  })
  .describe('extension: one DexScreener pool of the token');

export const TokenSchema = z.object({
  mint: PublicKey,
  symbol: z.string(),
  name: z.string(),
  decimals: z.number().int().min(0).max(18),
  priceUsd: z.number().positive().optional().describe('absent: DexScreener knows no pair for this token'),
  liquidityUsd: z.number().nonnegative().optional(),
  program: z.enum(['spl-token', 'spl-token-2022']).default('spl-token'),
  pools: z.array(PoolSchema).optional().describe('extension: explicit pools; default: several derived pools; [] = no pairs'),
  spam: z.boolean().optional().describe('extension: airdropped spam token (never priced)'),
});

export const TradeSchema = z.object({
  ts: UnixSeconds,
  side: z.enum(['buy', 'sell']).describe('buy: receive `mint`, pay `quote`; sell: the reverse'),
  mint: PublicKey,
  amount: Decimal,
  quote: z.union([z.enum(['SOL', 'USDC']), PublicKey]).describe('SOL, USDC, or (extension) another mint: a token->token route through WSOL'),
  quoteAmount: Decimal,
  source: z.enum(SWAP_SOURCES).default('JUPITER'),
  failed: z.boolean().optional().describe('extension: the transaction failed on chain (fee paid, nothing moved)'),
});

export const TransferSchema = z.object({
  ts: UnixSeconds,
  direction: z.enum(['in', 'out']),
  mint: z.union([z.literal('SOL'), PublicKey]).describe('a mint, or (extension) "SOL" for a native transfer'),
  amount: Decimal,
  counterparty: PublicKey.optional().describe('default: a derived address'),
  kind: z.enum(['transfer', 'airdrop']).default('transfer').describe('extension: "airdrop" renders a TOKEN_MINT to the wallet'),
  failed: z.boolean().optional().describe('extension'),
});

export const HoldingSchema = z.object({
  mint: PublicKey,
  amount: Decimal,
  accounts: z.number().int().min(1).default(1).describe('token accounts the amount is split over'),
});

export const WalletSchema = z.object({
  address: PublicKey,
  label: z.string().optional().describe('extension: free text, e.g. the generator role'),
  solBalance: z.number().nonnegative().optional().describe('SOL; default: 1 SOL plus the net native change of its history'),
  trades: z.array(TradeSchema).default([]),
  transfers: z.array(TransferSchema).default([]),
  holdings: z.array(HoldingSchema).optional().describe('explicit token balances; default: what trades and transfers leave'),
  extraTokenAccounts: z.number().int().min(0).optional().describe('extension: this many extra spam token accounts (dust or empty)'),
});

export const GroundTruthSchema = z.object({
  clusters: z.array(z.array(PublicKey)).describe('wallets that belong together'),
  clusterKinds: z.array(z.string()).optional().describe('one per cluster: copy-traders | scaled-capital'),
  independent: z.array(PublicKey).optional(),
  distractors: z.array(PublicKey).optional().describe('independent wallets that hold the same popular tokens'),
  largeWallets: z.array(PublicKey).optional().describe('wallets with >= 10,000 token accounts'),
});

export const WorldSchema = z.object({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  salt: z.string().optional().describe('extension: changes every signature; default: the world name or "world"'),
  solPriceUsd: z.number().positive(),
  tokens: z.array(TokenSchema),
  wallets: z.array(WalletSchema),
  groundTruth: GroundTruthSchema.optional(),
});

export type WorldInput = z.input<typeof WorldSchema>;
export type World = z.output<typeof WorldSchema>;
export type Token = z.output<typeof TokenSchema>;
export type Pool = z.output<typeof PoolSchema>;
export type Trade = z.output<typeof TradeSchema>;
export type Transfer = z.output<typeof TransferSchema>;
export type Wallet = z.output<typeof WalletSchema>;
export type GroundTruth = z.output<typeof GroundTruthSchema>;

export class WorldFileError extends Error {
  override readonly name = 'WorldFileError';
}

/** Validates a world; unknown mints in trades/transfers and duplicate wallets are errors. */
export function parseWorld(value: unknown): World {
  const result = WorldSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new WorldFileError(`invalid world at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const world = result.data;
  const mints = new Set(world.tokens.map((t) => t.mint));
  const seen = new Set<string>();
  world.wallets.forEach((w, i) => {
    if (seen.has(w.address)) throw new WorldFileError(`invalid world at wallets.${i}.address: duplicate wallet ${w.address}`);
    seen.add(w.address);
    w.trades.forEach((t, j) => {
      if (!mints.has(t.mint)) throw new WorldFileError(`invalid world at wallets.${i}.trades.${j}.mint: ${t.mint} is not in tokens`);
      if (t.quote !== 'SOL' && t.quote !== 'USDC' && !mints.has(t.quote)) throw new WorldFileError(`invalid world at wallets.${i}.trades.${j}.quote: ${t.quote} is not in tokens`);
    });
    w.transfers.forEach((t, j) => {
      if (t.mint !== 'SOL' && !mints.has(t.mint)) throw new WorldFileError(`invalid world at wallets.${i}.transfers.${j}.mint: ${t.mint} is not in tokens`);
    });
  });
  return world;
}

export function loadWorldFile(path: string): World {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new WorldFileError(`cannot read world file ${path}: ${(err as Error).message}`);
  }
  return parseWorld(json);
}

/** The JSON Schema published at worlds/world.schema.json. */
export function worldJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(WorldSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://wallet-similarity.local/worlds/world.schema.json',
    title: 'Simulator world',
  };
}
