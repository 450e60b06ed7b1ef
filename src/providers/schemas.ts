// Tolerant boundary schemas: unknown keys pass through, open enums stay strings, and a missing
// field we rely on becomes a MalformedResponseError naming the field and the signature/mint.
// The simulator's tests validate its responses against these same schemas.
import { z } from 'zod';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { MalformedResponseError, type ProviderErrorDetails } from './errors';

// ---------- Helius Enhanced Transactions (contract §1.4) ----------

const nullableString = z.string().nullable();
/**
 * Lamports: a JSON integer (the domain reads them with BigInt, which throws on a fraction; a double
 * past 2^53 is still an integer, and is read as sent).
 */
const Lamports = z.number().multipleOf(1);

export const NativeTransferSchema = z.looseObject({
  fromUserAccount: nullableString,
  toUserAccount: nullableString,
  amount: Lamports,
});

export const TokenTransferSchema = z.looseObject({
  fromUserAccount: nullableString,
  toUserAccount: nullableString,
  fromTokenAccount: nullableString,
  toTokenAccount: nullableString,
  tokenAmount: z.number(),
  mint: z.string(),
  tokenStandard: z.string().optional(),
});

export const RawTokenAmountSchema = z.looseObject({
  tokenAmount: z.string().regex(/^-?\d+$/, 'a signed integer string'),
  decimals: z.number().int(),
});

export const TokenBalanceChangeSchema = z.looseObject({
  userAccount: z.string(),
  tokenAccount: z.string(),
  mint: z.string(),
  rawTokenAmount: RawTokenAmountSchema,
});

export const AccountDataSchema = z.looseObject({
  account: z.string(),
  nativeBalanceChange: Lamports,
  tokenBalanceChanges: z.array(TokenBalanceChangeSchema).nullable(),
});

type InstructionOut = { accounts: string[]; data: string; programId: string; innerInstructions?: InstructionOut[] };
export const InstructionSchema: z.ZodType<InstructionOut> = z.looseObject({
  accounts: z.array(z.string()),
  data: z.string(),
  programId: z.string(),
  get innerInstructions() {
    return z.array(InstructionSchema).optional();
  },
});

const NativeAmountSchema = z.looseObject({ account: z.string(), amount: z.string().regex(/^\d+$/, 'lamports as an unsigned integer string') });

export const InnerSwapSchema = z.looseObject({
  tokenInputs: z.array(TokenTransferSchema),
  tokenOutputs: z.array(TokenTransferSchema),
  tokenFees: z.array(TokenTransferSchema),
  nativeFees: z.array(NativeTransferSchema),
  nativeInput: NativeTransferSchema.nullable().optional(),
  nativeOutput: NativeTransferSchema.nullable().optional(),
  programInfo: z.looseObject({
    source: z.string(),
    account: z.string(),
    programName: z.string(),
    instructionName: z.string(),
  }),
});

export const SwapEventSchema = z.looseObject({
  nativeInput: NativeAmountSchema.nullable(),
  nativeOutput: NativeAmountSchema.nullable(),
  tokenInputs: z.array(TokenBalanceChangeSchema),
  tokenOutputs: z.array(TokenBalanceChangeSchema),
  tokenFees: z.array(TokenBalanceChangeSchema),
  nativeFees: z.array(NativeAmountSchema),
  innerSwaps: z.array(InnerSwapSchema),
});

/**
 * `events` as EnhancedTransactionSchema reads it: real payloads carry `"events": []` when nothing was
 * parsed, read (with null) as `{}`; anything else as it is. Also applied in place before the
 * generated validator (enhanced-validation.ts), which cannot express it.
 */
export function eventsAsObject(events: unknown): unknown {
  return Array.isArray(events) || events === null ? {} : events;
}

export const EnhancedTransactionSchema = z.looseObject({
  description: z.string().default(''),
  type: z.string(),
  source: z.string(),
  fee: Lamports,
  feePayer: z.string(),
  signature: z.string(),
  slot: z.number().int(),
  timestamp: z.number().int(),
  nativeTransfers: z.array(NativeTransferSchema).nullable(),
  tokenTransfers: z.array(TokenTransferSchema).nullable(),
  accountData: z.array(AccountDataSchema),
  transactionError: z.union([z.record(z.string(), z.unknown()), z.string(), z.null()]).optional(),
  instructions: z.array(InstructionSchema).optional(),
  events: z.preprocess(eventsAsObject, z.looseObject({ swap: SwapEventSchema.optional() }).default({})),
});

// Compile-time proof that what we validate is what the domain reads.
const _enhancedIsDomainType = (t: z.output<typeof EnhancedTransactionSchema>): EnhancedTransaction => t;
void _enhancedIsDomainType;

// ---------- Solana JSON-RPC (contract §2) ----------

/** u64 values: a JSON number up to 2^53, or a string when the reader protected a larger integer. */
const U64 = z.union([z.number(), z.string().regex(/^\d+$/)]).transform((v) => BigInt(v));

export const RpcContextSchema = z.looseObject({ slot: z.number(), apiVersion: z.string().optional() });

export const RpcErrorSchema = z.looseObject({ code: z.number(), message: z.string(), data: z.unknown().optional() });

export const RpcEnvelopeSchema = z.looseObject({
  jsonrpc: z.string().optional(),
  id: z.union([z.string(), z.number(), z.null()]).optional(),
  result: z.unknown().optional(),
  error: RpcErrorSchema.optional(),
});

export const GetBalanceResultSchema = z.looseObject({ context: RpcContextSchema, value: U64 });

export const AccountInfoSchema = z.looseObject({
  lamports: U64,
  owner: z.string(),
  executable: z.boolean().optional(),
  space: z.number().optional(),
  data: z.unknown().optional(),
});

export const GetMultipleAccountsResultSchema = z.looseObject({
  context: RpcContextSchema,
  value: z.array(AccountInfoSchema.nullable()),
});

export const TokenAmountSchema = z.looseObject({
  amount: z.string().regex(/^\d+$/, 'an unsigned integer string'),
  decimals: z.number().int(),
  uiAmount: z.number().nullable().optional(),
  uiAmountString: z.string().optional(),
});

export const ParsedTokenAccountDataSchema = z.looseObject({
  program: z.string(),
  space: z.number().optional(),
  parsed: z.looseObject({
    type: z.string().optional(),
    info: z.looseObject({
      mint: z.string(),
      owner: z.string(),
      state: z.string().optional(),
      isNative: z.boolean().optional(),
      tokenAmount: TokenAmountSchema,
    }),
  }),
});

/**
 * A token account as `getTokenAccountsByOwner` with `jsonParsed` lists it: parsed, or, when the
 * validator cannot parse it (an account of a Token-2022 mint since closed: no decimals to read), in
 * base64 as `[data, encoding]` (the RPC's documented fallback; a bare string is the legacy form).
 */
export const ParsedTokenAccountSchema = z.looseObject({
  pubkey: z.string(),
  account: z.looseObject({
    lamports: U64,
    owner: z.string(),
    data: z.union([ParsedTokenAccountDataSchema, z.tuple([z.string(), z.string()]), z.string()]),
  }),
});

export const GetTokenAccountsByOwnerResultSchema = z.looseObject({
  context: RpcContextSchema,
  value: z.array(ParsedTokenAccountSchema),
});

export const SignatureInfoSchema = z.looseObject({
  signature: z.string(),
  slot: z.number(),
  err: z.unknown().nullable(),
  memo: z.string().nullable().optional(),
  blockTime: z.number().nullable().optional(),
  confirmationStatus: z.string().nullable().optional(),
});
export const GetSignaturesForAddressResultSchema = z.array(SignatureInfoSchema);

// ---------- DexScreener (contract §3.1) ----------

const DexTokenSchema = z.looseObject({ address: z.string(), name: z.string().default(''), symbol: z.string().default('') });
const Windowed = z.looseObject({ m5: z.number().optional(), h1: z.number().optional(), h6: z.number().optional(), h24: z.number().optional() });

export const DexPairSchema = z.looseObject({
  chainId: z.string(),
  dexId: z.string(),
  url: z.string().optional(),
  pairAddress: z.string(),
  labels: z.array(z.string()).nullable().optional(),
  baseToken: DexTokenSchema,
  quoteToken: DexTokenSchema,
  priceNative: z.string(),
  priceUsd: z.string().nullable().optional(),
  volume: Windowed.optional(),
  priceChange: Windowed.nullable().optional(),
  liquidity: z.looseObject({ usd: z.number().optional(), base: z.number().optional(), quote: z.number().optional() }).nullable().optional(),
  fdv: z.number().nullable().optional(),
  marketCap: z.number().nullable().optional(),
  pairCreatedAt: z.number().nullable().optional(),
  info: z
    .looseObject({
      imageUrl: z.string().optional(),
      websites: z.array(z.looseObject({ label: z.string().optional(), url: z.string() })).optional(),
      socials: z.array(z.looseObject({ type: z.string(), url: z.string() })).optional(),
    })
    .optional(),
});
export type DexPair = z.output<typeof DexPairSchema>;

export const DexLegacyTokensResponseSchema = z.looseObject({
  schemaVersion: z.string().optional(),
  pairs: z.array(z.unknown()).nullable(),
});

// ---------- validation helper ----------

/** Dotted path of the first zod issue, e.g. "accountData[3].nativeBalanceChange". */
export function issuePath(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return '(root)';
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return path || '(root)';
}

/**
 * Validates `value`; on failure throws MalformedResponseError naming the field and the subject,
 * e.g. `missing or invalid field "slot" in transaction 3Vvun...`.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  details: ProviderErrorDetails,
  subject: string,
  fieldPrefix = '',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const field = `${fieldPrefix}${issuePath(result.error)}`;
  const reason = result.error.issues[0]?.message ?? 'invalid';
  throw new MalformedResponseError(`missing or invalid field "${field}" in ${subject} (${reason})`, details, field, subject);
}

/** The signature of a raw transaction object, for error messages before validation. */
export function signatureOf(raw: unknown): string {
  const sig = raw && typeof raw === 'object' ? (raw as { signature?: unknown }).signature : undefined;
  return typeof sig === 'string' ? `transaction ${sig}` : 'transaction (no signature)';
}

// ---------- Helius DAS getTokenAccounts (docs/providers.md, "getTokenAccounts") ----------

/** One token account of a mint as DAS lists it; `delegate` and `token_extensions` appear only when set. */
export const DasTokenAccountSchema = z.looseObject({
  address: z.string(),
  mint: z.string(),
  owner: z.string(),
  amount: U64,
  delegated_amount: U64.optional(),
  frozen: z.boolean().optional(),
});

/** `result` of getTokenAccounts: one page; `total` counts this page's accounts, `cursor` comes with cursor paging. */
export const GetTokenAccountsResultSchema = z.looseObject({
  total: z.number().int().optional(),
  limit: z.number().int().optional(),
  page: z.number().int().optional(),
  cursor: z.string().nullable().optional(),
  token_accounts: z.array(DasTokenAccountSchema),
});
export type DasTokenAccount = z.output<typeof DasTokenAccountSchema>;

/**
 * `result` of Helius's getProgramAccountsV2 without `withContext`: a page of accounts, each's data as
 * asked (`[base64, "base64"]`), and the key of the next page (null, or absent, after the last).
 */
export const GetProgramAccountsV2ResultSchema = z.looseObject({
  accounts: z.array(z.looseObject({ pubkey: z.string(), account: z.looseObject({ data: z.tuple([z.string(), z.literal('base64')]) }) })),
  // the client reads an empty key, as a missing one, as null (the end); totalResults, not read, passes through as sent
  paginationKey: z.string().nullish(),
});

/** `result` of getAccountInfo: the account's owning program (its data is not read), or null when there is no account. */
export const GetAccountOwnerResultSchema = z.looseObject({
  context: RpcContextSchema,
  value: z.looseObject({ owner: z.string() }).nullable(),
});

/** `result` of getTokenLargestAccounts: the mint's largest token accounts (at most 20), amounts as strings. */
export const GetTokenLargestAccountsResultSchema = z.looseObject({
  context: RpcContextSchema,
  value: z.array(z.looseObject({ address: z.string(), amount: z.string().regex(/^\d+$/, 'an unsigned integer string'), decimals: z.number().int() })),
});

/** `result` of getMultipleAccounts with `jsonParsed`, read for token accounts (another account, or an unparsed one, is left aside by its reader). */
export const GetParsedMultipleAccountsResultSchema = z.looseObject({
  context: RpcContextSchema,
  value: z.array(z.looseObject({ owner: z.string(), data: z.unknown() }).nullable()),
});
