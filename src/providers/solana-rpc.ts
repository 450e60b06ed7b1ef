// Solana JSON-RPC (through Helius RPC or any node): SOL balances and token balances per mint with
// exact raw amounts, for both token programs. Contract: provider-contracts.md §2.
import bs58 from 'bs58';
import { SPL_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID } from '../domain/enhanced-transaction';
import { isPublicKey } from './address';
import { InvalidAddressError, MalformedResponseError } from './errors';
import type { HttpTimeouts } from './http';
import { ProviderHttp } from './http';
import { callJsonRpc } from './json-rpc';
import type { RateBudget } from './rate-limit';
import type { z } from 'zod';
import {
  GetBalanceResultSchema,
  GetMultipleAccountsResultSchema,
  GetSignaturesForAddressResultSchema,
  GetTokenAccountsByOwnerResultSchema,
} from './schemas';

export interface SolanaRpcClientOptions {
  /** e.g. https://mainnet.helius-rpc.com (SOLANA_RPC_URL) or the simulator's URL */
  url: string;
  /** appended as ?api-key= (Helius); omit for nodes without keys */
  apiKey?: string;
  budget?: RateBudget;
  timeouts?: HttpTimeouts;
  commitment?: 'confirmed' | 'finalized';
}

export type TokenProgram = 'spl-token' | 'spl-token-2022';

export interface TokenBalance {
  mint: string;
  program: TokenProgram;
  /** exact raw amount (sum over the owner's token accounts of this mint), decimal integer string */
  rawAmount: string;
  decimals: number;
  /** token accounts holding this mint with a non-zero balance */
  accounts: number;
}

export interface TokenHoldings {
  owner: string;
  /** non-zero balances only, sorted by mint */
  balances: TokenBalance[];
  /** all token accounts returned for both programs, zero balances included */
  tokenAccountCount: number;
  /**
   * accounts the RPC could not parse (sent in base64) that hold a non-zero amount of a mint no parsed
   * account gives the decimals of: left out of `balances` (an unparsed account holding nothing is
   * simply empty: a closed mint's)
   */
  unreadTokenAccounts: number;
  /** true at LARGE_WALLET_TOKEN_ACCOUNTS or more token accounts (spam-heavy or service wallets) */
  isLargeWallet: boolean;
}

export interface SignatureInfo {
  signature: string;
  slot: number;
  err: unknown;
  blockTime: number | null;
}

/** `signal`: aborts the call wherever it is (its turn, its budget slot, on the wire); it rejects with the signal's reason. */
export interface RpcCallOptions {
  signal?: AbortSignal;
}

/** What activities depend on; tests may pass a fake. */
export interface BalanceSource {
  getSolBalances(addresses: readonly string[], options?: RpcCallOptions): Promise<Map<string, bigint>>;
  getTokenBalances(owner: string, options?: RpcCallOptions): Promise<TokenHoldings>;
}

export const LARGE_WALLET_TOKEN_ACCOUNTS = 10_000;
export const MAX_ACCOUNTS_PER_CALL = 100;
const PROGRAMS: readonly [TokenProgram, string][] = [
  ['spl-token', SPL_TOKEN_PROGRAM_ID],
  ['spl-token-2022', TOKEN_2022_PROGRAM_ID],
];

export class SolanaRpcClient implements BalanceSource {
  private readonly http: ProviderHttp;
  private readonly commitment: 'confirmed' | 'finalized';
  private nextId = 1;

  constructor(options: SolanaRpcClientOptions) {
    this.http = new ProviderHttp({
      provider: 'solana-rpc',
      baseUrl: options.url,
      apiKey: options.apiKey,
      budget: options.budget,
      timeouts: options.timeouts,
    });
    this.commitment = options.commitment ?? 'confirmed';
  }

  /** Lamports of one account (0 when it does not exist). */
  async getBalance(address: string): Promise<bigint> {
    this.checkAddress(address, 'getBalance');
    const result = await this.call('getBalance', [address, { commitment: this.commitment }], GetBalanceResultSchema, `balance of ${address}`);
    return result.value;
  }

  /** Lamports per address via getMultipleAccounts in batches of 100; missing accounts are 0. */
  async getSolBalances(addresses: readonly string[], options: RpcCallOptions = {}): Promise<Map<string, bigint>> {
    for (const a of addresses) this.checkAddress(a, 'getMultipleAccounts');
    const unique = [...new Set(addresses)];
    const out = new Map<string, bigint>();
    for (let i = 0; i < unique.length; i += MAX_ACCOUNTS_PER_CALL) {
      const chunk = unique.slice(i, i + MAX_ACCOUNTS_PER_CALL);
      const result = await this.call(
        'getMultipleAccounts',
        [chunk, { encoding: 'base64', commitment: this.commitment, dataSlice: { offset: 0, length: 0 } }],
        GetMultipleAccountsResultSchema,
        `accounts ${chunk[0]}..(${chunk.length})`,
        options.signal,
      );
      if (result.value.length !== chunk.length) {
        throw new MalformedResponseError(
          `getMultipleAccounts answered ${result.value.length} entries for ${chunk.length} addresses`,
          this.http.details('rpc getMultipleAccounts', 200),
          'result.value',
          `accounts starting at ${chunk[0]}`,
        );
      }
      chunk.forEach((address, j) => out.set(address, result.value[j]?.lamports ?? 0n));
    }
    return out;
  }

  /** Token balances per mint over SPL Token and Token-2022 accounts, zero balances dropped. */
  async getTokenBalances(owner: string, options: RpcCallOptions = {}): Promise<TokenHoldings> {
    this.checkAddress(owner, 'getTokenAccountsByOwner');
    const perMint = new Map<string, TokenBalance & { raw: bigint }>();
    let tokenAccountCount = 0;
    // both programs asked at once (each call still takes its place in the RPC budget), added up in order
    const results = await Promise.all(
      PROGRAMS.map(([program, programId]) =>
        this.call('getTokenAccountsByOwner', [owner, { programId }, { encoding: 'jsonParsed', commitment: this.commitment }], GetTokenAccountsByOwnerResultSchema, `token accounts of ${owner} (${program})`, options.signal),
      ),
    );
    const add = (mint: string, program: TokenProgram, raw: bigint, decimals: number): void => {
      const current = perMint.get(mint);
      if (current) {
        current.raw += raw;
        current.accounts += 1;
      } else {
        perMint.set(mint, { mint, program, rawAmount: '', decimals, accounts: 1, raw });
      }
    };
    /** the accounts sent unparsed with a non-zero amount, read from their bytes */
    const unparsed: Array<{ mint: string; program: TokenProgram; raw: bigint }> = [];
    const decimalsOf = new Map<string, number>();
    for (const [k, [program]] of PROGRAMS.entries()) {
      const result = results[k];
      tokenAccountCount += result.value.length;
      for (const entry of result.value) {
        const data = entry.account.data;
        if (typeof data === 'string' || Array.isArray(data)) {
          const account = tokenAccountFromBytes(data);
          if (account !== null && account.raw > 0n) unparsed.push({ ...account, program });
          continue;
        }
        const info = data.parsed.info;
        decimalsOf.set(info.mint, info.tokenAmount.decimals);
        const raw = BigInt(info.tokenAmount.amount);
        if (raw !== 0n) add(info.mint, program, raw, info.tokenAmount.decimals);
      }
    }
    let unreadTokenAccounts = 0;
    for (const u of unparsed) {
      const decimals = decimalsOf.get(u.mint);
      if (decimals === undefined) unreadTokenAccounts++;
      else add(u.mint, u.program, u.raw, decimals);
    }
    const balances = [...perMint.values()]
      .sort((a, b) => (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0))
      .map(({ raw, ...rest }) => ({ ...rest, rawAmount: raw.toString() }));
    return { owner, balances, tokenAccountCount, unreadTokenAccounts, isLargeWallet: tokenAccountCount >= LARGE_WALLET_TOKEN_ACCOUNTS };
  }

  /** Signatures newest first (1..1000 per call), exclusive `before`/`until`. */
  async getSignaturesForAddress(address: string, options: { before?: string; until?: string; limit?: number; signal?: AbortSignal } = {}): Promise<SignatureInfo[]> {
    this.checkAddress(address, 'getSignaturesForAddress');
    const result = await this.call(
      'getSignaturesForAddress',
      [address, { limit: options.limit ?? 1000, before: options.before, until: options.until, commitment: 'finalized' }],
      GetSignaturesForAddressResultSchema,
      `signatures of ${address}`,
      options.signal,
    );
    return result.map((s) => ({ signature: s.signature, slot: s.slot, err: s.err ?? null, blockTime: s.blockTime ?? null }));
  }

  private checkAddress(address: string, method: string): void {
    if (!isPublicKey(address)) throw new InvalidAddressError(address, this.http.details(`rpc ${method}`));
  }

  private call<S extends z.ZodType>(method: string, params: unknown[], schema: S, subject: string, signal?: AbortSignal): Promise<z.output<S>> {
    return callJsonRpc(this.http, { id: this.nextId++, method, params, schema, operation: `rpc ${method}`, subject, protect: protectLargeIntegers, signal });
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/**
 * The mint and amount of an SPL Token / Token-2022 account from its bytes (base64; the legacy bare
 * string is base58): mint at 0..32, owner at 32..64, amount (u64 little-endian) at 64..72. Null for
 * another encoding or fewer than 72 bytes.
 */
function tokenAccountFromBytes(data: string | [string, string]): { mint: string; raw: bigint } | null {
  let bytes: Buffer;
  try {
    if (typeof data === 'string') bytes = Buffer.from(bs58.decode(data));
    else if (data[1] === 'base64') bytes = Buffer.from(data[0], 'base64');
    else return null;
  } catch {
    return null;
  }
  if (bytes.length < 72) return null;
  return { mint: bs58.encode(bytes.subarray(0, 32)), raw: bytes.readBigUInt64LE(64) };
}

/** Quotes integers too large for a double (lamports, rentEpoch = u64::MAX) so they reach BigInt exactly. */
export function protectLargeIntegers(text: string): string {
  return text.replace(/("(?:lamports|value|rentEpoch)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
}
