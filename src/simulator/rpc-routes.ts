// Solana JSON-RPC over the world (contract §2): getBalance, getMultipleAccounts (jsonParsed token accounts too), getTokenLargestAccounts,
// getTokenAccountsByOwner (jsonParsed, both token programs), getSignaturesForAddress, getAccountInfo
// (base64), Helius's getProgramAccountsV2 (a mint's token accounts, base64), plus
// getSlot/getHealth. Errors are JSON-RPC envelopes inside HTTP 200, with the agave messages.
import bs58 from 'bs58';
import { SPL_TOKEN_PROGRAM_ID, TOKEN_2022_PROGRAM_ID } from '../domain/enhanced-transaction';
import { fromRaw } from './keys';
import type { SimTokenAccount, SimWorld } from './model';

/** Printed literally in place of this marker: JSON.stringify cannot write u64::MAX exactly. */
export const U64_MAX_MARKER = '__U64_MAX__';
export const U64_MAX_LITERAL = '18446744073709551615';

type RpcResponse = { jsonrpc: '2.0'; id: unknown; result?: unknown; error?: { code: number; message: string } };
class RpcFailure extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const invalid = (message: string) => new RpcFailure(-32602, message);

function pubkey(value: unknown): string {
  if (typeof value !== 'string') throw invalid('Invalid params: expected a base58 string');
  let bytes: Uint8Array;
  try {
    bytes = bs58.decode(value);
  } catch {
    throw invalid('Invalid param: Invalid');
  }
  if (bytes.length !== 32) throw invalid('Invalid param: WrongSize');
  return value;
}

function context(world: SimWorld) {
  return { apiVersion: '2.0.15', slot: world.currentSlot };
}

function tokenAccountJson(a: SimTokenAccount) {
  const is2022 = a.program === 'spl-token-2022';
  const amount = a.raw.toString();
  const uiString = fromRaw(a.raw, a.decimals);
  return {
    pubkey: a.pubkey,
    account: {
      data: {
        program: a.program,
        parsed: {
          info: {
            ...(is2022 ? { extensions: [{ extension: 'immutableOwner' }, { extension: 'transferHookAccount', state: { transferring: false } }] } : {}),
            isNative: false,
            mint: a.mint,
            owner: a.owner,
            state: 'initialized',
            tokenAmount: { amount, decimals: a.decimals, uiAmount: Number(uiString), uiAmountString: uiString },
          },
          type: 'account',
        },
        space: is2022 ? 182 : 165,
      },
      executable: false,
      lamports: is2022 ? 2157600 : 2039280,
      owner: is2022 ? TOKEN_2022_PROGRAM_ID : SPL_TOKEN_PROGRAM_ID,
      rentEpoch: U64_MAX_MARKER,
      space: is2022 ? 182 : 165,
    },
  };
}

/** Printed as a bare integer in place of this marker: token amounts may exceed 2^53. */
const U64_PREFIX = '__U64:';

/**
 * Helius DAS getTokenAccounts (named params): the mint's (or owner's) token accounts with a non-zero
 * balance, ordered by account address, 1..1000 per page, by `page` (1-based) or `cursor` (the last
 * address of the previous page; without `page`, an answer carries the cursor of its last account).
 * docs/providers.md, "getTokenAccounts".
 */
function getTokenAccounts(world: SimWorld, params: Record<string, unknown>): unknown {
  const limit = params.limit === undefined ? 100 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('Invalid params: limit must be between 1 and 1000');
  if (params.page !== undefined && params.cursor !== undefined) throw invalid('Invalid params: page and cursor cannot be used together');
  let accounts: SimTokenAccount[];
  if (params.mint !== undefined) {
    const mint = pubkey(params.mint);
    accounts = world.mintAccounts(mint);
    if (params.owner !== undefined) {
      const owner = pubkey(params.owner);
      accounts = accounts.filter((a) => a.owner === owner);
    }
  } else if (params.owner !== undefined) {
    accounts = world.tokenAccounts(pubkey(params.owner)).filter((a) => a.raw > 0n);
  } else {
    throw invalid('Invalid params: mint or owner is required');
  }
  let slice: SimTokenAccount[];
  let paging: Record<string, unknown>;
  if (params.page === undefined) {
    // without a page, DAS pages by cursor: it answers one, to pass back for the next page
    let from = 0;
    if (params.cursor !== undefined) {
      const key = Buffer.from(bs58.decode(pubkey(params.cursor)));
      from = accounts.findIndex((a) => Buffer.compare(Buffer.from(bs58.decode(a.pubkey)), key) > 0);
    }
    slice = from === -1 ? [] : accounts.slice(from, from + limit);
    paging = slice.length > 0 ? { cursor: slice[slice.length - 1].pubkey } : {};
  } else {
    const page = Number(params.page);
    if (!Number.isInteger(page) || page < 1) throw invalid('Invalid params: page must be 1 or more');
    slice = accounts.slice((page - 1) * limit, page * limit);
    paging = { page };
  }
  return {
    last_indexed_slot: world.currentSlot,
    total: slice.length,
    limit,
    ...paging,
    token_accounts: slice.map((a) => ({ address: a.pubkey, mint: a.mint, owner: a.owner, amount: `${U64_PREFIX}${a.raw}`, delegated_amount: 0, frozen: false })),
  };
}

/** An account's data as `dataSlice` asks it ({offset, length}; the whole data without one). */
function sliced(data: Buffer, slice: unknown): Buffer {
  if (slice === undefined) return data;
  const { offset, length } = (slice ?? {}) as { offset?: unknown; length?: unknown };
  if (!Number.isInteger(offset) || !Number.isInteger(length) || (offset as number) < 0 || (length as number) < 0) throw invalid('Invalid params: dataSlice needs offset and length');
  return data.subarray(offset as number, (offset as number) + (length as number));
}

/** A token account's bytes as the token program lays them out: mint, owner, amount (u64 LE), state; Token-2022's with its account type and extensions after byte 165. */
function tokenAccountData(a: SimTokenAccount): Buffer {
  const is2022 = a.program === 'spl-token-2022';
  const data = Buffer.alloc(is2022 ? 182 : 165);
  Buffer.from(bs58.decode(a.mint)).copy(data, 0);
  Buffer.from(bs58.decode(a.owner)).copy(data, 32);
  data.writeBigUInt64LE(a.raw, 64);
  data[108] = 1; // AccountState::Initialized
  if (is2022) data[165] = 2; // AccountType::Account, then the extensions' TLVs
  return data;
}

/**
 * Helius getProgramAccountsV2 over the world's token accounts: the program's accounts (every mint's,
 * zero balances included) ordered by address, `limit` 1..10,000 (default 1,000) of them a page after
 * `paginationKey` (the last address of the page before), and of those the ones whose bytes (mint,
 * owner, amount u64 LE, state; SPL Token's 165 bytes, Token-2022's 182) match every filter (memcmp
 * with base58 bytes, dataSize). The filters apply after the page is cut, so a page of one mint's
 * accounts comes back short, or empty, before the end, and only a null key ends the walk (as the
 * method's docs warn). Only `encoding: "base64"` is served. docs/simulator.md.
 */
function getProgramAccountsV2(world: SimWorld, params: unknown[]): unknown {
  const programId = pubkey(params[0]);
  const config = (params[1] ?? {}) as { encoding?: unknown; filters?: unknown; dataSlice?: unknown; limit?: unknown; paginationKey?: unknown; withContext?: unknown };
  if (config.encoding !== 'base64') throw invalid('Invalid params: the simulator serves only encoding "base64"');
  const limit = config.limit === undefined ? 1000 : Number(config.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw invalid('Invalid params: limit must be between 1 and 10000');
  const filters = config.filters === undefined ? [] : config.filters;
  if (!Array.isArray(filters) || filters.length > 4) throw invalid('Invalid params: too many filters provided; max 4');
  const tests = filters.map((f: unknown): ((data: Buffer) => boolean) => {
    const { memcmp, dataSize } = (f ?? {}) as { memcmp?: { offset?: unknown; bytes?: unknown }; dataSize?: unknown };
    if (dataSize !== undefined) return (data) => data.length === Number(dataSize);
    if (memcmp !== undefined && Number.isInteger(memcmp.offset) && typeof memcmp.bytes === 'string') {
      let bytes: Buffer;
      try {
        bytes = Buffer.from(bs58.decode(memcmp.bytes));
      } catch {
        throw invalid('Invalid params: memcmp bytes are not base58');
      }
      const offset = memcmp.offset as number;
      return (data) => data.length >= offset + bytes.length && data.subarray(offset, offset + bytes.length).equals(bytes);
    }
    throw invalid('Invalid params: a filter is a memcmp {offset, bytes} or a dataSize');
  });
  const program = programId === SPL_TOKEN_PROGRAM_ID ? 'spl-token' : programId === TOKEN_2022_PROGRAM_ID ? 'spl-token-2022' : null;
  const all = program === null ? [] : world.programAccounts(program);
  const from = program === null || config.paginationKey === undefined || config.paginationKey === null ? 0 : world.programAccountsAfter(program, pubkey(config.paginationKey));
  const cut = all.slice(from, from + limit);
  const page: { data: Buffer; account: SimTokenAccount }[] = [];
  for (const account of cut) {
    const data = tokenAccountData(account);
    if (tests.every((t) => t(data))) page.push({ data, account });
  }
  const paginationKey = from + cut.length < all.length ? cut[cut.length - 1].pubkey : null;
  const value = {
    accounts: page.map((p) => ({
      pubkey: p.account.pubkey,
      account: {
        data: [sliced(p.data, config.dataSlice).toString('base64'), 'base64'],
        executable: false,
        lamports: p.account.program === 'spl-token-2022' ? 2157600 : 2039280,
        owner: programId,
        rentEpoch: U64_MAX_MARKER,
        space: p.data.length,
      },
    })),
    paginationKey,
  };
  return config.withContext === true ? { context: context(world), value } : value;
}

function call(world: SimWorld, method: string, params: unknown[]): unknown {
  switch (method) {
    case 'getHealth':
      return 'ok';
    case 'getSlot':
      return world.currentSlot;
    case 'getBalance': {
      const address = pubkey(params[0]);
      return { context: context(world), value: Number(world.lamports(address) ?? 0n) };
    }
    case 'getMultipleAccounts': {
      const keys = params[0];
      if (!Array.isArray(keys)) throw invalid('Invalid params: expected an array of pubkeys');
      if (keys.length > 100) throw invalid('Too many inputs provided; max 100');
      const parsed = ((params[1] ?? {}) as { encoding?: unknown }).encoding === 'jsonParsed';
      return {
        context: context(world),
        value: keys.map((k) => {
          // a token account, asked jsonParsed: as getTokenAccountsByOwner lists it
          const tokenAccount = parsed ? world.tokenAccountAt(pubkey(k)) : undefined;
          if (tokenAccount !== undefined) return tokenAccountJson(tokenAccount).account;
          const lamports = world.lamports(pubkey(k));
          return lamports === null || lamports === 0n
            ? null
            : { data: ['', 'base64'], executable: false, lamports: Number(lamports), owner: '11111111111111111111111111111111', rentEpoch: U64_MAX_MARKER, space: 0 };
        }),
      };
    }
    case 'getProgramAccountsV2':
      return getProgramAccountsV2(world, params);
    case 'getAccountInfo': {
      const address = pubkey(params[0]);
      const config = (params[1] ?? {}) as { encoding?: unknown; dataSlice?: unknown };
      if (config.encoding !== 'base64') throw invalid('Invalid params: the simulator serves getAccountInfo only with encoding "base64"');
      const token = world.tokens.get(address);
      if (token !== undefined) {
        // a mint: 82 bytes, its supply and decimals (the rest zero: no authorities)
        const data = Buffer.alloc(82);
        data[44] = token.decimals;
        data[45] = 1; // is_initialized
        const is2022 = token.program === 'spl-token-2022';
        return {
          context: context(world),
          value: { data: [sliced(data, config.dataSlice).toString('base64'), 'base64'], executable: false, lamports: 1461600, owner: is2022 ? TOKEN_2022_PROGRAM_ID : SPL_TOKEN_PROGRAM_ID, rentEpoch: U64_MAX_MARKER, space: 82 },
        };
      }
      const lamports = world.lamports(address);
      return {
        context: context(world),
        value: lamports === null || lamports === 0n ? null : { data: ['', 'base64'], executable: false, lamports: Number(lamports), owner: '11111111111111111111111111111111', rentEpoch: U64_MAX_MARKER, space: 0 },
      };
    }
    case 'getTokenLargestAccounts': {
      const mint = pubkey(params[0]);
      if (!world.tokens.has(mint)) throw invalid('Invalid param: not a Token mint');
      return {
        context: context(world),
        value: world.largestAccounts(mint).map((a) => {
          const uiString = fromRaw(a.raw, a.decimals);
          return { address: a.pubkey, amount: a.raw.toString(), decimals: a.decimals, uiAmount: Number(uiString), uiAmountString: uiString };
        }),
      };
    }
    case 'getTokenAccountsByOwner': {
      const owner = pubkey(params[0]);
      const filter = (params[1] ?? {}) as { programId?: unknown; mint?: unknown };
      const config = (params[2] ?? {}) as { encoding?: unknown };
      if (config.encoding !== 'jsonParsed') throw invalid('Invalid params: the simulator serves only encoding "jsonParsed"');
      let accounts = world.tokenAccounts(owner);
      if (filter.programId !== undefined) {
        const programId = pubkey(filter.programId);
        if (programId !== SPL_TOKEN_PROGRAM_ID && programId !== TOKEN_2022_PROGRAM_ID) throw invalid('Invalid param: unrecognized Token program id');
        const program = programId === SPL_TOKEN_PROGRAM_ID ? 'spl-token' : 'spl-token-2022';
        accounts = accounts.filter((a) => a.program === program);
      } else if (filter.mint !== undefined) {
        const mint = pubkey(filter.mint);
        if (!world.tokens.has(mint) && !accounts.some((a) => a.mint === mint)) throw invalid('Invalid param: could not find mint');
        accounts = accounts.filter((a) => a.mint === mint);
      } else {
        throw invalid('Invalid params: expected a filter {"mint": ...} or {"programId": ...}');
      }
      return { context: context(world), value: accounts.map(tokenAccountJson) };
    }
    case 'getSignaturesForAddress': {
      const address = pubkey(params[0]);
      const config = (params[1] ?? {}) as { limit?: unknown; before?: unknown; until?: unknown };
      const limit = config.limit === undefined ? 1000 : Number(config.limit);
      if (!Number.isInteger(limit) || limit < 1) throw invalid('Invalid params: limit');
      if (limit > 1000) throw invalid('Invalid limit; max 1000');
      const w = world.indexOf(address);
      if (w === undefined) {
        // an address outside the world's wallets: a service's stream, or its transfers with them
        const before = typeof config.before === 'string' ? config.before : undefined;
        return world.addressSignatures(address, limit, before).map((s) => ({
          signature: s.signature,
          slot: s.slot,
          err: s.failed ? { InstructionError: [0, { Custom: 1 }] } : null,
          memo: null,
          blockTime: s.ts,
          confirmationStatus: 'finalized',
        }));
      }
      const at = (sig: unknown): number | null => (typeof sig === 'string' ? world.positionIn(w, sig) : null);
      const until = at(config.until);
      const out = [];
      for (let i = (at(config.before) ?? world.historyLength(w)) - 1; i >= 0 && out.length < limit && (until === null || i > until); i--) {
        const meta = world.meta(w, i);
        out.push({
          signature: world.signature(w, i),
          slot: meta.slot,
          err: meta.failed ? { InstructionError: [2, { Custom: 6001 }] } : null,
          memo: null,
          blockTime: meta.ts,
          confirmationStatus: 'finalized',
        });
      }
      return out;
    }
    default:
      throw new RpcFailure(-32601, 'Method not found');
  }
}

function answer(world: SimWorld, request: unknown, unsupported: ReadonlySet<string>): RpcResponse {
  const r = request as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
  if (!r || typeof r !== 'object' || r.jsonrpc !== '2.0' || typeof r.method !== 'string') {
    return { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request' }, id: r?.id ?? null };
  }
  try {
    // an RPC without the method (knob unsupportedMethods): the envelope Solana's RPC answers
    if (unsupported.has(r.method)) throw new RpcFailure(-32601, 'Method not found');
    if (r.method === 'getTokenAccounts') {
      if (!r.params || typeof r.params !== 'object' || Array.isArray(r.params)) throw invalid('Invalid params: expected an object');
      return { jsonrpc: '2.0', result: getTokenAccounts(world, r.params as Record<string, unknown>), id: r.id ?? null };
    }
    const params = r.params === undefined ? [] : r.params;
    if (!Array.isArray(params)) throw invalid('Invalid params: expected an array');
    return { jsonrpc: '2.0', result: call(world, r.method, params), id: r.id ?? null };
  } catch (err) {
    if (err instanceof RpcFailure) return { jsonrpc: '2.0', error: { code: err.code, message: err.message }, id: r.id ?? null };
    throw err;
  }
}

/**
 * The JSON text answering a JSON-RPC body (single or batch); `methods` receives the method names.
 * Methods in `unsupported` are answered `-32601 Method not found`, each request of a batch on its own.
 */
export function handleRpc(world: SimWorld, bodyText: string, unsupported: ReadonlySet<string> = new Set()): { text: string; methods: string[]; firstParam?: string; refused: number } {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return { text: JSON.stringify({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null }), methods: ['(parse error)'], refused: 0 };
  }
  const list = Array.isArray(body) ? body : [body];
  const methods = list.map((r) => String((r as { method?: unknown } | null)?.method ?? '(invalid)'));
  const first = (list[0] as { params?: unknown[] } | null)?.params?.[0];
  const responses = list.map((r) => answer(world, r, unsupported));
  const text = JSON.stringify(Array.isArray(body) ? responses : responses[0])
    .split(`"${U64_MAX_MARKER}"`)
    .join(U64_MAX_LITERAL)
    .replace(/"__U64:(\d+)"/g, '$1');
  const refused = responses.filter((response, i) => response.error?.code === -32601 && unsupported.has(methods[i])).length;
  return { text, methods, firstParam: typeof first === 'string' ? first : undefined, refused };
}
