// The world file: tokens, wallets, their trades and transfers. The minimal format of issue #3 is
// accepted as is; everything marked "extension" is optional. worlds/world.schema.json is generated
// from this schema (npm run simulator -- --print-schema) and a test keeps the two identical.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { $ZodIssue } from 'zod/v4/core';
import { isPublicKey } from '../providers/address';
import { ActionableError } from '../errors';

const publicKey = (what = 'a base58 public key', size = 'a base58 32-byte public key') =>
  z
    .string()
    .regex(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/, `must be ${what}`)
    .refine(isPublicKey, { message: `must be ${size}` });
const PublicKey = publicKey();
/** "SOL", "USDC" or a mint; the message names all three whichever of them the value resembles */
const quoteOrMint = (names: ['SOL'] | ['SOL', 'USDC']) => {
  const what = `${names.map((n) => `"${n}"`).join(', ')} or a token mint (base58 public key)`;
  return z.union([z.enum(names), publicKey(what, what)], { error: `must be ${what}` });
};
const Decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a non-negative decimal string in UI units, e.g. "1000.5"');
const UnixSeconds = z.number().int().min(1_584_368_940).describe('unix seconds (not before Solana genesis)');

export const SWAP_SOURCES = ['JUPITER', 'RAYDIUM', 'ORCA', 'PUMP_AMM', 'PUMP_FUN'] as const;
/** the NFT marketplaces an `nft-sale` transfer goes through (its transaction's `source`) */
export const NFT_MARKETS = ['MAGIC_EDEN', 'TENSOR'] as const;

export const PoolSchema = z
  .object({
    dexId: z.string().describe('raydium, orca, meteora, pumpswap, ...'),
    quote: quoteOrMint(['SOL', 'USDC']).default('SOL').describe('the other token of the pool'),
    side: z.enum(['base', 'quote']).default('base').describe('"quote": the token is the quote side of this pool'),
    liquidityUsd: z.number().nonnegative().optional().describe('absent = no liquidity object (bonding curves)'),
    volumeH24: z.number().nonnegative().optional(),
    labels: z.array(z.string()).optional(),
    pairCreatedAt: z.number().int().optional().describe('epoch milliseconds'),
  })
  .describe('extension: one DexScreener pool of the token');

export const TokenHolderSchema = z
  .object({
    owner: PublicKey.describe('the wallet or program that owns the token account(s)'),
    amount: Decimal.describe('UI units, split over `accounts`'),
    accounts: z.number().int().min(1).default(1).describe('token accounts the amount is split over'),
    label: z.string().optional().describe('free text, e.g. "pool vault (PDA)"'),
  })
  .describe('extension: a holder of the token, served by DAS getTokenAccounts (and getTokenAccountsByOwner when the owner is a world wallet)');

export const TokenSchema = z.object({
  mint: PublicKey,
  symbol: z.string(),
  name: z.string(),
  decimals: z.number().int().min(0).max(18),
  priceUsd: z.number().nonnegative().optional().describe('USD per token; 0 or absent: no market, DexScreener knows no pair for this token'),
  liquidityUsd: z.number().nonnegative().optional(),
  program: z.enum(['spl-token', 'spl-token-2022']).default('spl-token'),
  pools: z.array(PoolSchema).optional().describe('extension: explicit pools; default: several derived pools; [] = no pairs'),
  spam: z.boolean().optional().describe('extension: airdropped spam token (never priced)'),
  standard: z
    .enum(['Fungible', 'NonFungible', 'ProgrammableNonFungible'])
    .optional()
    .describe('extension: the token standard its transfers name in tokenTransfers (trades always Fungible); default Fungible (NonFungible: an NFT, 0 decimals, one of it)'),
  holders: z.array(TokenHolderSchema).optional().describe('extension: explicit holders besides what world wallets hold through their trades and transfers'),
});

export const TradeSchema = z.object({
  ts: UnixSeconds,
  side: z.enum(['buy', 'sell']).describe('buy: receive `mint`, pay `quote`; sell: the reverse'),
  mint: PublicKey,
  amount: Decimal,
  quote: quoteOrMint(['SOL', 'USDC']).describe('SOL, USDC, or (extension) another mint: a token->token route through WSOL'),
  quoteAmount: Decimal,
  source: z.enum(SWAP_SOURCES).default('JUPITER'),
  failed: z.boolean().optional().describe('extension: the transaction failed on chain (fee paid, nothing moved)'),
  feePayer: PublicKey.optional().describe("extension: another account that signed the trade and paid its fee (a gasless relayer, an operator's fee payer); default: the wallet"),
});

export const TransferSchema = z.object({
  ts: UnixSeconds,
  direction: z.enum(['in', 'out']),
  mint: quoteOrMint(['SOL']).describe('a mint, or (extension) "SOL" for a native transfer'),
  amount: Decimal,
  counterparty: PublicKey.optional().describe('default: a derived address'),
  kind: z
    .enum(['transfer', 'airdrop', 'nft-sale'])
    .default('transfer')
    .describe(
      'extension: "airdrop" renders a TOKEN_MINT to the wallet; "nft-sale" an NFT_SALE through a marketplace: `direction` "in" for the buyer (who pays `price`, the market\'s fee and the fee), "out" for the seller, `counterparty` the other party; between two world wallets both list it (same `ts`, `mint`, `price`, `market`), one transaction',
    ),
  price: Decimal.optional().describe('extension, nft-sale only (required there): the SOL the buyer paid for the NFT (events.nft.amount)'),
  market: z.enum(NFT_MARKETS).optional().describe('extension, nft-sale only: the marketplace, default MAGIC_EDEN'),
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

export const DecoySchema = z
  .object({
    kind: z.string().describe('popular-crowd | behavior-twins | hype-wave | exchange-funded | sniper-crowd | ...'),
    members: z.array(PublicKey),
    mint: PublicKey.optional().describe('the token they pile into (hype-wave, sniper-crowd)'),
    funder: PublicKey.optional().describe('the address that funded them all (exchange-funded)'),
  })
  .describe('extension: wallets that look alike in one way but are NOT related (a pair of them in one cluster is related for another reason)');

export const FundingSourceSchema = z
  .object({
    address: PublicKey,
    kind: z.string().describe('bundle-funder | exchange-hot-wallet'),
    funded: z.array(PublicKey).describe('world wallets whose first SOL came from this address'),
  })
  .describe('extension: an address outside the world that sends SOL to world wallets');

export const ServiceSchema = z
  .object({
    address: PublicKey,
    label: z.string().optional(),
    transactionsPerHour: z.number().positive().describe('its steady rate of transactions, up to the world\'s present'),
  })
  .describe('extension: a busy address outside the world (an exchange\'s hot wallet): getSignaturesForAddress lists a steady stream of its transactions');

export const OutsideTransferSchema = z
  .object({
    from: PublicKey,
    to: PublicKey,
    sol: Decimal.describe('SOL sent'),
    ts: UnixSeconds,
  })
  .describe(
    'extension: SOL sent between two addresses that are not world wallets (an operator funding the fresh wallets that then fund world wallets): getSignaturesForAddress lists it for both, POST /v0/transactions parses it',
  );

export const GroundTruthSchema = z.object({
  clusters: z.array(z.array(PublicKey)).describe('wallets that belong together'),
  clusterKinds: z.array(z.string()).optional().describe('one per cluster: copy-traders | scaled-capital | launch-bundle'),
  independent: z.array(PublicKey).optional(),
  distractors: z.array(PublicKey).optional().describe('independent wallets that hold the same popular tokens'),
  largeWallets: z.array(PublicKey).optional().describe('wallets with >= 10,000 token accounts'),
  decoys: z.array(DecoySchema).optional(),
  fundingSources: z.array(FundingSourceSchema).optional(),
  holderToken: z
    .object({
      mint: PublicKey,
      excludedOwners: z.array(PublicKey).describe('holders that are not ordinary wallets: burn, pool vaults (PDAs), AMM authorities, exchanges'),
    })
    .optional()
    .describe('extension: the token whose holders the generator made (generate option holderToken)'),
});

export const WorldSchema = z.object({
  $schema: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  salt: z.string().optional().describe('extension: changes every signature; default: the world name or "world"'),
  solPriceUsd: z.number().positive(),
  tokens: z.array(TokenSchema),
  wallets: z.array(WalletSchema),
  services: z.array(ServiceSchema).optional(),
  outsideTransfers: z.array(OutsideTransferSchema).optional(),
  groundTruth: GroundTruthSchema.optional(),
});

export type WorldInput = z.input<typeof WorldSchema>;
export type World = z.output<typeof WorldSchema>;
export type Token = z.output<typeof TokenSchema>;
export type TokenHolder = z.output<typeof TokenHolderSchema>;
export type Pool = z.output<typeof PoolSchema>;
export type Trade = z.output<typeof TradeSchema>;
export type Transfer = z.output<typeof TransferSchema>;
export type Wallet = z.output<typeof WalletSchema>;
export type GroundTruth = z.output<typeof GroundTruthSchema>;
export type Service = z.output<typeof ServiceSchema>;
export type OutsideTransfer = z.output<typeof OutsideTransferSchema>;

/**
 * A world that cannot be used. The message is one line: where (the file, if any), the field
 * (`tokens.7.priceUsd`) and what is wrong with it.
 */
export class WorldFileError extends ActionableError {
  override readonly name = 'WorldFileError';
  constructor(
    /** the offending field, e.g. `tokens.7.priceUsd`; `(root)` for the whole document, '' when unreadable */
    readonly field: string,
    /** what is wrong with it */
    readonly problem: string,
    readonly file?: string,
  ) {
    super(`${file === undefined ? 'invalid world' : `invalid world file ${file}`}${field ? `: ${field}` : ''}: ${problem}`);
  }
}

const preview = (v: unknown): string => {
  const s = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

/** One issue as "what is wrong", in words a world author understands. */
function describeIssue(issue: $ZodIssue & { input?: unknown }): string {
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${preview(issue.input)})` : '';
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${article(issue.expected === 'int' ? 'integer' : issue.expected)}${got}`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const op = issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive ? '<=' : '<';
      if (issue.origin === 'number' || issue.origin === 'int' || issue.origin === 'bigint') return `must be ${op} ${String(bound)}${got}`;
      return `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} ${issue.origin === 'string' ? 'characters' : 'items'}`;
    }
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`}${got}`;
    default:
      return `${issue.message}${got}`;
  }
}

const fieldOf = (path: ReadonlyArray<PropertyKey>): string => (path.length === 0 ? '(root)' : path.map(String).join('.'));

/**
 * Validates a world; unknown mints in trades, transfers and holdings, duplicate wallets and pools of
 * a token without a market are errors. Throws a WorldFileError naming the first offending field.
 */
export function parseWorld(value: unknown, file?: string): World {
  const result = WorldSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const [first] = result.error.issues;
    // one line: the first problem, and how many fields have problems besides it
    const others = new Set(result.error.issues.map((i) => fieldOf(i.path)));
    others.delete(fieldOf(first.path));
    const more = others.size > 0 ? ` (and ${others.size} more field${others.size > 1 ? 's' : ''} with problems)` : '';
    throw new WorldFileError(fieldOf(first.path), `${describeIssue(first)}${more}`, file);
  }
  const world = result.data;
  const fail = (field: string, problem: string): never => {
    throw new WorldFileError(field, problem, file);
  };
  const mints = new Set(world.tokens.map((t) => t.mint));
  world.tokens.forEach((t, i) => {
    if (!t.priceUsd && t.pools && t.pools.length > 0) fail(`tokens.${i}.pools`, `${t.symbol} has no market (priceUsd is ${t.priceUsd === undefined ? 'absent' : '0'}), so it can have no pools: drop "pools" or give it a priceUsd > 0`);
  });
  const seen = new Set<string>();
  world.wallets.forEach((w, i) => {
    if (seen.has(w.address)) fail(`wallets.${i}.address`, `duplicate wallet ${w.address}`);
    seen.add(w.address);
    w.trades.forEach((t, j) => {
      if (!mints.has(t.mint)) fail(`wallets.${i}.trades.${j}.mint`, `${t.mint} is not in tokens`);
      if (t.quote !== 'SOL' && t.quote !== 'USDC' && !mints.has(t.quote)) fail(`wallets.${i}.trades.${j}.quote`, `${t.quote} is not in tokens`);
    });
    w.transfers.forEach((t, j) => {
      if (t.mint !== 'SOL' && !mints.has(t.mint)) fail(`wallets.${i}.transfers.${j}.mint`, `${t.mint} is not in tokens`);
      const field = `wallets.${i}.transfers.${j}`;
      if (t.kind !== 'nft-sale') {
        if (t.price !== undefined || t.market !== undefined) fail(`${field}.${t.price !== undefined ? 'price' : 'market'}`, 'only an "nft-sale" transfer has a price and a market');
        return;
      }
      if (t.mint === 'SOL') fail(`${field}.mint`, 'an nft-sale sells an NFT: a mint, not "SOL"');
      if (t.amount !== '1') fail(`${field}.amount`, `an nft-sale sells one NFT: amount must be "1" (got ${JSON.stringify(t.amount)})`);
      if (t.price === undefined) fail(`${field}.price`, 'an nft-sale needs the SOL the buyer paid, e.g. "42.5"');
      if (t.failed) fail(`${field}.failed`, 'a failed nft-sale is not simulated: drop "failed"');
    });
    w.holdings?.forEach((h, j) => {
      if (!mints.has(h.mint)) fail(`wallets.${i}.holdings.${j}.mint`, `${h.mint} is not in tokens`);
    });
  });
  return world;
}

/** JSON.parse's message with the line and column of the position it names. */
function jsonErrorAt(text: string, err: Error): string {
  const message = err.message.split('\n')[0];
  const m = / at position (\d+)/.exec(message);
  if (!m || /line \d+/.test(message)) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = Number(m[1]) - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

export function loadWorldFile(path: string): World {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new WorldFileError('', e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message, path);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new WorldFileError('', `not valid JSON: ${jsonErrorAt(text, err as Error)}`, path);
  }
  return parseWorld(json, path);
}

/** The JSON Schema published at worlds/world.schema.json. */
export function worldJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(WorldSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://wallet-similarity.local/worlds/world.schema.json',
    title: 'Simulator world',
  };
}
