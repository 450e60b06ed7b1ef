// Helius Enhanced Transactions: wallet history page by page (newest first, `before-signature`
// cursor, 404 continuation for filtered scans), incremental sync up to a stored watermark, and
// parse-by-signature in chunks of 100. Contract: provider-contracts.md §1.
import { SPL_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID, type EnhancedTransaction } from '../domain/enhanced-transaction';
import { isPublicKey, isSignature } from './address';
import { InvalidAddressError, InvalidRequestError, MalformedResponseError } from './errors';
import type { HttpTimeouts } from './http';
import { ProviderHttp } from './http';
import { callJsonRpc } from './json-rpc';
import { parseEnhancedTransaction } from './enhanced-validation';
import type { RateBudget } from './rate-limit';
import type { z } from 'zod';
import bs58 from 'bs58';
import { GetAccountOwnerResultSchema, GetParsedMultipleAccountsResultSchema, GetProgramAccountsV2ResultSchema, GetTokenAccountsResultSchema, GetTokenLargestAccountsResultSchema, ParsedTokenAccountDataSchema, issuePath, signatureOf, type DasTokenAccount } from './schemas';

/**
 * Which transactions of an address's token accounts its history lists (Helius's `token-accounts`
 * filter): `none`, Helius's default, only those that name the address itself, so a token sent to
 * the wallet's existing token account (an incoming transfer, an airdrop, a bot trading from it) is
 * missing; `balanceChanged` (Helius's recommendation, our default) also those that change the
 * balance of a token account it owns; `all` also those that touch one without changing it.
 */
export type TokenAccountsFilter = 'none' | 'balanceChanged' | 'all';
export const TOKEN_ACCOUNTS_FILTERS: readonly TokenAccountsFilter[] = ['none', 'balanceChanged', 'all'];

export interface HeliusClientOptions {
  /** e.g. https://api-mainnet.helius-rpc.com (HELIUS_BASE_URL) or the simulator's URL */
  baseUrl: string;
  apiKey: string;
  budget?: RateBudget;
  timeouts?: HttpTimeouts;
  /** the histories' `token-accounts` filter (HELIUS_TOKEN_ACCOUNTS); default `balanceChanged` */
  tokenAccounts?: TokenAccountsFilter;
}

export interface HistoryPageOptions {
  /** exclusive cursor: only transactions older than this signature (newer with `sortOrder: 'asc'`) */
  before?: string;
  /** 'desc' (the default): newest first; 'asc': oldest first, the cursor then sent as `after-signature` */
  sortOrder?: 'asc' | 'desc';
  /** 1..100, default 100 */
  limit?: number;
  /** server-side filters; pages may then be short or answer with a 404 continuation */
  type?: string;
  source?: string;
  /** aborts the request (waiting or in flight): it rejects with the signal's reason */
  signal?: AbortSignal;
}

/** A transaction of a provider answer that failed validation: kept out, with the reason. */
export interface RejectedTransaction {
  /** its signature, when the raw object had a string one */
  signature: string | null;
  /** 0-based position in the provider's answer */
  index: number;
  /** its raw `timestamp` when that was a number (to place it in a window), else null */
  timestamp: number | null;
  /** dotted path of the first invalid field, e.g. "accountData[3].nativeBalanceChange" */
  field: string;
  /** one line: which field is missing or invalid and why */
  reason: string;
}

export interface HistoryPage {
  /** newest first, exactly as the provider sent them, without the rejected ones */
  transactions: EnhancedTransaction[];
  /** transactions of this page that failed validation: one bad transaction never sinks a page */
  rejected: RejectedTransaction[];
  /** pass as `before` for the next page; null = end of history */
  nextCursor: string | null;
  /** true when the provider answered with a 404 "continue with ... set to <SIG>" instead of data */
  continuation: boolean;
  /**
   * The answer as it was received, to store each transaction's raw payload without serializing
   * the parsed objects again (absent for a continuation)
   */
  received?: ReceivedPage;
}

/** A provider answer's JSON array as received, and where each accepted transaction is in it. */
export interface ReceivedPage {
  /** the answer's text: a JSON array */
  json: string;
  /** each accepted transaction's 0-based position in that array */
  positions: ReadonlyMap<EnhancedTransaction, number>;
}

export interface HistoryProgress {
  /** transactions of this page not seen before and newer than the watermark */
  transactions: EnhancedTransaction[];
  /** transactions of this page that failed validation */
  rejected: RejectedTransaction[];
  /** the cursor to resume from (heartbeat it); null once history is complete */
  nextCursor: string | null;
  pageNumber: number;
  continuation: boolean;
}

export interface FetchHistoryOptions {
  /** stop when this signature (the newest one already stored) appears; it is not returned */
  until?: string;
  /** resume from a heartbeated cursor */
  startCursor?: string;
  limit?: number;
  type?: string;
  source?: string;
  /** safety cap on requests, default unlimited */
  maxPages?: number;
  /** safety cap on consecutive 404 continuations, default 1000 */
  maxConsecutiveContinuations?: number;
  /** called after every page; await it to heartbeat / persist */
  onPage?: (progress: HistoryProgress) => void | Promise<void>;
  /** keep every transaction in the result (default true); set false with onPage for huge wallets */
  collect?: boolean;
}

export interface HistoryResult {
  transactions: EnhancedTransaction[];
  requests: number;
  continuations: number;
  /** stopped because the watermark signature appeared */
  reachedWatermark: boolean;
  /** stopped at maxPages before the end: resume from this cursor */
  resumeCursor: string | null;
}

/** What activities depend on; tests may pass a fake. */
export interface HeliusHistorySource {
  fetchHistoryPage(address: string, options?: HistoryPageOptions): Promise<HistoryPage>;
  fetchHistory(address: string, options?: FetchHistoryOptions): Promise<HistoryResult>;
  getTransactions(signatures: readonly string[], options?: { signal?: AbortSignal }): Promise<Map<string, EnhancedTransaction>>;
}

const HISTORY_OP = 'GET /v0/addresses/{address}/transactions';
const PARSE_OP = 'POST /v0/transactions';
const CONTINUATION = /parameter set to ([1-9A-HJ-NP-Za-km-z]{32,90})/;
export const MAX_PAGE_LIMIT = 100;
export const MAX_SIGNATURES_PER_PARSE = 100;

export class HeliusClient implements HeliusHistorySource {
  private readonly http: ProviderHttp;

  private readonly tokenAccounts: TokenAccountsFilter;

  constructor(options: HeliusClientOptions) {
    this.http = new ProviderHttp({
      provider: 'helius',
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      budget: options.budget,
      timeouts: options.timeouts,
    });
    this.tokenAccounts = options.tokenAccounts ?? 'balanceChanged';
  }

  async fetchHistoryPage(address: string, options: HistoryPageOptions = {}): Promise<HistoryPage> {
    const details = this.http.details(HISTORY_OP);
    if (!isPublicKey(address)) throw new InvalidAddressError(address, details);
    const limit = options.limit ?? MAX_PAGE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
      throw new InvalidRequestError(`limit must be an integer 1..${MAX_PAGE_LIMIT}, got ${limit}`, details);
    }
    if (options.before !== undefined && !isSignature(options.before)) {
      throw new InvalidRequestError(`cursor ${JSON.stringify(options.before)} is not a transaction signature`, details);
    }
    // (none is Helius's default: not sent)
    const tokenAccounts = this.tokenAccounts === 'none' ? undefined : this.tokenAccounts;
    const res = await this.http.send({
      method: 'GET',
      path: `/v0/addresses/${address}/transactions`,
      query:
        options.sortOrder === 'asc'
          ? { limit, 'sort-order': 'asc', 'after-signature': options.before, type: options.type, source: options.source, 'token-accounts': tokenAccounts }
          : { limit, 'before-signature': options.before, type: options.type, source: options.source, 'token-accounts': tokenAccounts },
      operation: HISTORY_OP,
      signal: options.signal,
    });
    if (res.status === 404) {
      const match = CONTINUATION.exec(res.text);
      if (match) return { transactions: [], rejected: [], nextCursor: match[1], continuation: true };
    }
    if (res.status < 200 || res.status >= 300) throw this.http.httpError(res, HISTORY_OP);
    const body = this.http.parseJson(res, HISTORY_OP);
    const { transactions, rejected, lastSignature, positions } = this.parseTransactions(body, HISTORY_OP, `history page of ${address}`);
    return { transactions, rejected, nextCursor: lastSignature, continuation: false, received: { json: res.text, positions } };
  }

  async *iterateHistory(address: string, options: Omit<FetchHistoryOptions, 'onPage' | 'collect'> = {}): AsyncGenerator<HistoryProgress & { reachedWatermark: boolean }> {
    const seen = new Set<string>();
    let cursor = options.startCursor;
    let pageNumber = 0;
    let consecutiveContinuations = 0;
    const maxContinuations = options.maxConsecutiveContinuations ?? 1000;
    for (;;) {
      if (options.maxPages !== undefined && pageNumber >= options.maxPages) return;
      const page = await this.fetchHistoryPage(address, { before: cursor, limit: options.limit, type: options.type, source: options.source });
      pageNumber += 1;
      const fresh: EnhancedTransaction[] = [];
      let reachedWatermark = false;
      for (const tx of page.transactions) {
        if (options.until !== undefined && tx.signature === options.until) {
          reachedWatermark = true;
          break;
        }
        if (seen.has(tx.signature)) continue;
        seen.add(tx.signature);
        fresh.push(tx);
      }
      consecutiveContinuations = page.continuation ? consecutiveContinuations + 1 : 0;
      const done = reachedWatermark || page.nextCursor === null;
      yield { transactions: fresh, rejected: page.rejected, nextCursor: done ? null : page.nextCursor, pageNumber, continuation: page.continuation, reachedWatermark };
      if (done) return;
      if (page.nextCursor === cursor) {
        throw new MalformedResponseError(`pagination did not advance past cursor ${cursor}`, this.http.details(HISTORY_OP), 'before-signature', `history of ${address}`);
      }
      if (consecutiveContinuations >= maxContinuations) {
        throw new MalformedResponseError(`${consecutiveContinuations} consecutive 404 continuations without a match; giving up at ${page.nextCursor}`, this.http.details(HISTORY_OP), 'before-signature', `history of ${address}`);
      }
      cursor = page.nextCursor ?? undefined;
    }
  }

  async fetchHistory(address: string, options: FetchHistoryOptions = {}): Promise<HistoryResult> {
    const collect = options.collect ?? true;
    const result: HistoryResult = { transactions: [], requests: 0, continuations: 0, reachedWatermark: false, resumeCursor: null };
    let lastCursor: string | null = options.startCursor ?? null;
    let finished = false;
    for await (const page of this.iterateHistory(address, options)) {
      result.requests += 1;
      if (page.continuation) result.continuations += 1;
      if (collect) for (const tx of page.transactions) result.transactions.push(tx);
      if (page.reachedWatermark) result.reachedWatermark = true;
      lastCursor = page.nextCursor;
      finished = page.nextCursor === null;
      if (options.onPage) await options.onPage({ transactions: page.transactions, rejected: page.rejected, nextCursor: page.nextCursor, pageNumber: page.pageNumber, continuation: page.continuation });
    }
    result.resumeCursor = finished ? null : lastCursor;
    return result;
  }

  /**
   * Parses transactions by signature (chunks of 100); unknown signatures, and transactions that
   * fail validation, are absent from the map.
   */
  async getTransactions(signatures: readonly string[], options: { signal?: AbortSignal } = {}): Promise<Map<string, EnhancedTransaction>> {
    const details = this.http.details(PARSE_OP);
    for (const sig of signatures) {
      if (!isSignature(sig)) throw new InvalidRequestError(`${JSON.stringify(sig)} is not a transaction signature`, details);
    }
    const unique = [...new Set(signatures)];
    const out = new Map<string, EnhancedTransaction>();
    for (let i = 0; i < unique.length; i += MAX_SIGNATURES_PER_PARSE) {
      const chunk = unique.slice(i, i + MAX_SIGNATURES_PER_PARSE);
      const res = await this.http.send({ method: 'POST', path: '/v0/transactions', json: { transactions: chunk }, operation: PARSE_OP, signal: options.signal });
      if (res.status < 200 || res.status >= 300) throw this.http.httpError(res, PARSE_OP);
      const body = this.http.parseJson(res, PARSE_OP);
      for (const tx of this.parseTransactions(body, PARSE_OP, 'parsed transactions').transactions) out.set(tx.signature, tx);
    }
    return out;
  }

  /**
   * Validates each transaction on its own: the valid ones are returned, each invalid one is kept
   * out with its reason. Only an answer that is not an array fails as a whole. `lastSignature` is
   * the signature of the last element that has one (rejected or not), so pagination continues
   * past a rejected transaction at the end of a page.
   */
  private parseTransactions(
    body: unknown,
    operation: string,
    what: string,
  ): { transactions: EnhancedTransaction[]; rejected: RejectedTransaction[]; lastSignature: string | null; positions: Map<EnhancedTransaction, number> } {
    const details = this.http.details(operation, 200);
    if (!Array.isArray(body)) {
      throw new MalformedResponseError(`expected a JSON array for ${what}, got ${body === null ? 'null' : typeof body}`, details, '(root)', what);
    }
    const transactions: EnhancedTransaction[] = [];
    const rejected: RejectedTransaction[] = [];
    const positions = new Map<EnhancedTransaction, number>();
    let lastSignature: string | null = null;
    body.forEach((raw: unknown, index) => {
      const fields = raw !== null && typeof raw === 'object' ? (raw as { signature?: unknown; timestamp?: unknown }) : {};
      const result = parseEnhancedTransaction(raw);
      if (result.success) {
        transactions.push(result.data);
        positions.set(result.data, index);
        lastSignature = result.data.signature;
        return;
      }
      const signature = typeof fields.signature === 'string' && isSignature(fields.signature) ? fields.signature : null;
      if (signature !== null) lastSignature = signature;
      const field = issuePath(result.error);
      const reason = `missing or invalid field "${field}" in ${signatureOf(raw)} (${result.error.issues[0]?.message ?? 'invalid'})`;
      const timestamp = typeof fields.timestamp === 'number' && Number.isFinite(fields.timestamp) ? fields.timestamp : null;
      rejected.push({ signature, index, timestamp, field, reason });
    });
    return { transactions, rejected, lastSignature, positions };
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

// ---------- Helius DAS getTokenAccounts: every token account of a mint ----------
// JSON-RPC POST on the Helius RPC URL (SOLANA_RPC_URL), named params {mint, limit <= 1000, cursor?};
// DAS answers 1,000 accounts at most per call, ordered by account address (not by amount), so the
// largest holders are only known after the last page. We page by cursor (keyset: each page starts
// after the previous page's last address), not by page number: accounts opened or closed during a
// scan then cannot shift an offset, so no account that lasts the scan is skipped or listed twice.
// Contract and provenance: docs/providers.md.

export interface HeliusDasClientOptions {
  /** the Helius RPC URL, e.g. https://mainnet.helius-rpc.com (SOLANA_RPC_URL) or the simulator's URL */
  url: string;
  apiKey?: string;
  /** DAS shares Helius' "DAS & Enhanced" rate limit, and getProgramAccountsV2 has limits of its own below the RPC's: pass the Helius budget (every call of this client takes it) */
  budget?: RateBudget;
  timeouts?: HttpTimeouts;
}

export interface TokenAccountsOptions {
  /** accounts per page, 1..1000 (default 1000) */
  limit?: number;
  /** stop after this many pages even when more remain (the result then says complete: false) */
  maxPages: number;
  /** called after every page (heartbeat) */
  onPage?: (page: number, accounts: number) => void | Promise<void>;
  /** aborts the scan wherever it is (a page's turn, its budget slot, on the wire); it rejects with the signal's reason */
  signal?: AbortSignal;
  /** how a page's read is made (default: once): the caller's retries of a page, so that a failing page does not cost the pages before it */
  readPage?: (read: () => Promise<TokenAccountsPage>) => Promise<TokenAccountsPage>;
}

export interface TokenAccountsPage {
  accounts: DasTokenAccount[];
  /** where the next page starts; null after an empty page (the end) */
  cursor: string | null;
}

export interface TokenAccountsResult {
  accounts: DasTokenAccount[];
  pages: number;
  /** false when maxPages stopped the scan before the last page */
  complete: boolean;
}

/** A token account as a scan by getProgramAccountsV2 lists it: only what the ranking reads. */
export interface ListedTokenAccount {
  address: string;
  owner: string;
  /** raw units (zero for an empty account: this method lists those too) */
  amount: bigint;
}

export interface ProgramAccountsScanOptions {
  /** accounts per page, 1..10,000 (default 10,000) */
  limit?: number;
  /** stop after this many pages even when more remain (the result then says complete: false) */
  maxPages: number;
  /** every account listed, as its page arrives: the scan keeps none (a million accounts would be 200 MB held) */
  onAccount: (account: ListedTokenAccount) => void;
  /** called after every page (heartbeat) */
  onPage?: (page: number, accounts: number) => void | Promise<void>;
  signal?: AbortSignal;
  /** how a request is made (default: once): the caller's retries of a page, so that a failing page does not cost the pages before it */
  readPage?: <T>(read: () => Promise<T>) => Promise<T>;
}

export interface ProgramAccountsScanResult {
  pages: number;
  /** false when maxPages stopped the scan before the last page */
  complete: boolean;
  /** the mint's token program; null when the address is no mint of either token program (nothing listed) */
  program: string | null;
}

/** What the holder activity depends on; tests may pass a fake. */
export interface TokenHolderSource {
  getTokenAccounts(mint: string, options: TokenAccountsOptions): Promise<TokenAccountsResult>;
  getLargestTokenAccounts(mint: string, signal?: AbortSignal): Promise<DasTokenAccount[]>;
  /** Helius getProgramAccountsV2 (absent: the DAS pages are the scan); an RPC without the method refuses it with UnsupportedMethodError */
  scanProgramAccounts?(mint: string, options: ProgramAccountsScanOptions): Promise<ProgramAccountsScanResult>;
}

export const MAX_TOKEN_ACCOUNTS_PER_PAGE = 1000;
const TOKEN_ACCOUNTS_OP = 'rpc getTokenAccounts';
const LARGEST_ACCOUNTS_OP = 'rpc getTokenLargestAccounts';
const OWNERS_OP = 'rpc getMultipleAccounts';
const PROGRAM_ACCOUNTS_OP = 'rpc getProgramAccountsV2';
const MINT_OWNER_OP = 'rpc getAccountInfo';

export const MAX_PROGRAM_ACCOUNTS_PER_PAGE = 10_000;
/** an SPL Token account's size; Token-2022's are this or larger (its extensions follow) */
const TOKEN_ACCOUNT_SIZE = 165;
/** the part of a token account read: its owner (bytes 32..64) and amount (u64 little-endian, 64..72) */
const OWNER_AND_AMOUNT = { offset: 32, length: 40 };

export class HeliusDasClient implements TokenHolderSource {
  private readonly http: ProviderHttp;
  private nextId = 1;

  constructor(options: HeliusDasClientOptions) {
    this.http = new ProviderHttp({ provider: 'helius', baseUrl: options.url, apiKey: options.apiKey, budget: options.budget, timeouts: options.timeouts });
  }

  /**
   * One page of the mint's token accounts with a non-zero balance: the first without a cursor, then
   * each after the cursor the previous page answered (null once a page is empty: the end).
   */
  async getTokenAccountsPage(mint: string, options: { cursor?: string; limit?: number; signal?: AbortSignal } = {}): Promise<TokenAccountsPage> {
    const { cursor, limit = MAX_TOKEN_ACCOUNTS_PER_PAGE, signal } = options;
    const details = this.http.details(TOKEN_ACCOUNTS_OP);
    if (!isPublicKey(mint)) throw new InvalidAddressError(mint, details);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_TOKEN_ACCOUNTS_PER_PAGE) {
      throw new InvalidRequestError(`limit must be an integer 1..${MAX_TOKEN_ACCOUNTS_PER_PAGE}, got ${limit}`, details);
    }
    if (cursor !== undefined && cursor.length === 0) throw new InvalidRequestError('cursor must not be empty', details);
    const params = cursor === undefined ? { mint, limit } : { mint, limit, cursor };
    const subject = `token accounts of mint ${mint} (${cursor === undefined ? 'first page' : `after ${cursor}`})`;
    const result = await this.call('getTokenAccounts', params, GetTokenAccountsResultSchema, TOKEN_ACCOUNTS_OP, subject, signal);
    const accounts = result.token_accounts;
    if (accounts.length === 0) return { accounts, cursor: null };
    // the cursor DAS answers; without one, the page's last address, which is what DAS's cursor is
    // documented to be (das/pagination.mdx: "the cursor will be the last asset ID of the response")
    const next = result.cursor || accounts[accounts.length - 1].address;
    // a cursor that does not move would ask for the same page until maxPages
    if (next === cursor) {
      throw new MalformedResponseError(`pagination did not advance past cursor ${cursor}`, this.http.details(TOKEN_ACCOUNTS_OP, 200), 'result.cursor', subject);
    }
    return { accounts, cursor: next };
  }

  /**
   * The mint's largest token accounts by amount (Solana RPC `getTokenLargestAccounts`: at most 20),
   * with their owners (`getMultipleAccounts`, `jsonParsed`); an account closed meanwhile, or one that
   * does not read as a token account of the mint, is left out. Two requests of the Helius budget.
   */
  async getLargestTokenAccounts(mint: string, signal?: AbortSignal): Promise<DasTokenAccount[]> {
    if (!isPublicKey(mint)) throw new InvalidAddressError(mint, this.http.details(LARGEST_ACCOUNTS_OP));
    const largest = await this.call('getTokenLargestAccounts', [mint, { commitment: 'confirmed' }], GetTokenLargestAccountsResultSchema, LARGEST_ACCOUNTS_OP, `largest token accounts of mint ${mint}`, signal);
    const addresses = largest.value.map((a) => a.address);
    if (addresses.length === 0) return [];
    const infos = await this.call('getMultipleAccounts', [addresses, { encoding: 'jsonParsed', commitment: 'confirmed' }], GetParsedMultipleAccountsResultSchema, OWNERS_OP, `owners of the largest token accounts of mint ${mint}`, signal);
    const out: DasTokenAccount[] = [];
    addresses.forEach((address, i) => {
      const parsed = ParsedTokenAccountDataSchema.safeParse(infos.value[i]?.data);
      if (!parsed.success || parsed.data.parsed.info.mint !== mint) return;
      const { owner, tokenAmount } = parsed.data.parsed.info;
      out.push({ address, mint, owner, amount: BigInt(tokenAmount.amount) });
    });
    return out;
  }

  private call<S extends z.ZodType>(method: string, params: unknown, schema: S, operation: string, subject: string, signal?: AbortSignal): Promise<z.output<S>> {
    return callJsonRpc(this.http, { id: String(this.nextId++), method, params, schema, operation, subject, protect: protectAmounts, signal });
  }

  /**
   * Pages by cursor through the mint's accounts until an empty page (as the DAS pagination docs do:
   * a short page is not documented to be the last), or until maxPages.
   */
  async getTokenAccounts(mint: string, options: TokenAccountsOptions): Promise<TokenAccountsResult> {
    const limit = options.limit ?? MAX_TOKEN_ACCOUNTS_PER_PAGE;
    const accounts: DasTokenAccount[] = [];
    const readPage = options.readPage ?? ((read) => read());
    let cursor: string | undefined;
    // a cursor seen before would list the same pages again, until maxPages
    const seen = new Set<string>();
    for (let page = 1; page <= options.maxPages; page++) {
      const at = cursor;
      const batch = await readPage(() => this.getTokenAccountsPage(mint, { cursor: at, limit, signal: options.signal }));
      // only what the ranking reads, the mint shared: a parsed account keeps every field DAS sent
      // (delegation, frozen, extensions), about 430 bytes an account held to the scan's end
      for (const a of batch.accounts) accounts.push({ address: a.address, mint, owner: a.owner, amount: a.amount });
      if (options.onPage) await options.onPage(page, batch.accounts.length);
      if (batch.cursor === null) return { accounts, pages: page, complete: true };
      if (seen.has(batch.cursor)) {
        throw new MalformedResponseError(`pagination came back to cursor ${batch.cursor} (page ${page})`, this.http.details(TOKEN_ACCOUNTS_OP, 200), 'result.cursor', `token accounts of mint ${mint}`);
      }
      seen.add(batch.cursor);
      cursor = batch.cursor;
    }
    return { accounts, pages: options.maxPages, complete: false };
  }

  /** The program owning an address's account (a mint's token program), or null when there is no account. */
  async getAccountProgram(address: string, signal?: AbortSignal): Promise<string | null> {
    if (!isPublicKey(address)) throw new InvalidAddressError(address, this.http.details(MINT_OWNER_OP));
    const info = await this.call('getAccountInfo', [address, { encoding: 'base64', dataSlice: { offset: 0, length: 0 }, commitment: 'confirmed' }], GetAccountOwnerResultSchema, MINT_OWNER_OP, `account of ${address}`, signal);
    return info.value?.owner ?? null;
  }

  /**
   * One page of a mint's token accounts by Helius's getProgramAccountsV2 (a memcmp of the mint at
   * offset 0, SPL Token's accounts also by their size, and of each account only its owner and amount):
   * the accounts, zero balances included, and the next page's key (null after the last page; a page
   * may be short, even empty, before it, as the method's docs say).
   */
  async getProgramAccountsPage(mint: string, program: string, options: { paginationKey?: string; limit?: number; signal?: AbortSignal } = {}): Promise<{ accounts: ListedTokenAccount[]; paginationKey: string | null }> {
    const { paginationKey, limit = MAX_PROGRAM_ACCOUNTS_PER_PAGE, signal } = options;
    const details = this.http.details(PROGRAM_ACCOUNTS_OP);
    if (!isPublicKey(mint)) throw new InvalidAddressError(mint, details);
    if (program !== SPL_TOKEN_PROGRAM_ID && program !== TOKEN_2022_PROGRAM_ID) throw new InvalidRequestError(`program must be SPL Token or Token-2022, got ${program}`, details);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PROGRAM_ACCOUNTS_PER_PAGE) {
      throw new InvalidRequestError(`limit must be an integer 1..${MAX_PROGRAM_ACCOUNTS_PER_PAGE}, got ${limit}`, details);
    }
    // Token-2022's accounts with extensions are longer than 165 bytes: the mint at offset 0 alone
    // tells its accounts (a mint account starts with a 4-byte option tag, a multisig with two counts)
    const filters: unknown[] = [{ memcmp: { offset: 0, bytes: mint } }, ...(program === SPL_TOKEN_PROGRAM_ID ? [{ dataSize: TOKEN_ACCOUNT_SIZE }] : [])];
    const config = { encoding: 'base64', commitment: 'confirmed', dataSlice: OWNER_AND_AMOUNT, filters, limit, ...(paginationKey === undefined ? {} : { paginationKey }) };
    const subject = `token accounts of mint ${mint} (${paginationKey === undefined ? 'first page' : `after ${paginationKey}`})`;
    const result = await this.call('getProgramAccountsV2', [program, config], GetProgramAccountsV2ResultSchema, PROGRAM_ACCOUNTS_OP, subject, signal);
    const accounts = result.accounts.map((entry, i): ListedTokenAccount => {
      const data = Buffer.from(entry.account.data[0], 'base64');
      if (data.length !== OWNER_AND_AMOUNT.length) {
        throw new MalformedResponseError(`account ${entry.pubkey} came with ${data.length} bytes of data, not the ${OWNER_AND_AMOUNT.length} asked`, this.http.details(PROGRAM_ACCOUNTS_OP, 200), `result.accounts.${i}.account.data`, subject);
      }
      return { address: entry.pubkey, owner: flatString(bs58.encode(data.subarray(0, 32))), amount: data.readBigUInt64LE(32) };
    });
    const next = result.paginationKey || null;
    if (next !== null && next === paginationKey) {
      throw new MalformedResponseError(`pagination did not advance past key ${paginationKey}`, this.http.details(PROGRAM_ACCOUNTS_OP, 200), 'result.paginationKey', subject);
    }
    return { accounts, paginationKey: next };
  }

  /**
   * Every token account of a mint by getProgramAccountsV2, 10,000 a page (DAS's getTokenAccounts
   * answers 1,000), each handed to `onAccount` as its page arrives, until the page whose key is null
   * or until maxPages. The mint's program is read first (getAccountInfo): an address that is no mint
   * lists nothing.
   */
  async scanProgramAccounts(mint: string, options: ProgramAccountsScanOptions): Promise<ProgramAccountsScanResult> {
    const readPage = options.readPage ?? (<T>(read: () => Promise<T>) => read());
    const program = await readPage(() => this.getAccountProgram(mint, options.signal));
    if (program === null || (program !== SPL_TOKEN_PROGRAM_ID && program !== TOKEN_2022_PROGRAM_ID)) return { pages: 0, complete: true, program: null };
    let key: string | undefined;
    // a key seen before would list the same pages again, until maxPages
    const seen = new Set<string>();
    for (let page = 1; page <= options.maxPages; page++) {
      const at = key;
      const batch = await readPage(() => this.getProgramAccountsPage(mint, program, { paginationKey: at, limit: options.limit, signal: options.signal }));
      for (const a of batch.accounts) options.onAccount(a);
      if (options.onPage) await options.onPage(page, batch.accounts.length);
      if (batch.paginationKey === null) return { pages: page, complete: true, program };
      if (seen.has(batch.paginationKey)) {
        throw new MalformedResponseError(`pagination came back to key ${batch.paginationKey} (page ${page})`, this.http.details(PROGRAM_ACCOUNTS_OP, 200), 'result.paginationKey', `token accounts of mint ${mint}`);
      }
      seen.add(batch.paginationKey);
      key = batch.paginationKey;
    }
    return { pages: options.maxPages, complete: false, program };
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/**
 * The string copied whole: bs58 builds its answer a character at a time, a chain of 44 pieces that
 * the heap keeps as such (about 1 KB an address against 73 bytes flat, measured); a scan holds an
 * owner's address for each of up to 500,000 owners.
 */
function flatString(s: string): string {
  return Buffer.from(s, 'latin1').toString('latin1');
}

/** Quotes token amounts too large for a double (u64 raw units) so they reach BigInt exactly. */
function protectAmounts(text: string): string {
  return text.replace(/("(?:amount|delegated_amount)"\s*:\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"');
}
