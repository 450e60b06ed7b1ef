// HeliusDasClient.getTokenAccounts over HTTP: the vendor's recorded example payload
// (test/fixtures/real/das-getTokenAccounts-helius-rust-sdk-mock.json), cursor paging, u64 amounts and errors;
// scanProgramAccounts (getProgramAccountsV2, the wire shape of Helius's docs): its request, key paging and errors.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { withQuickRetries } from '../../../src/activities/quick-retries';
import bs58 from 'bs58';
import { HeliusDasClient, InvalidAddressError, InvalidApiKeyError, MalformedResponseError, ProviderRateLimitedError, UnsupportedMethodError } from '../../../src/providers';

const FIXTURE = readFileSync(join(__dirname, '../../fixtures/real/das-getTokenAccounts-helius-rust-sdk-mock.json'), 'utf8');
const MINT = '2v5byxxWVeAcrN39fznVrhuWZuoPkjpzGuqJHemyqP1x';

let server: Server;
let url: string;
interface DasParams {
  mint: string;
  limit: number;
  cursor?: string;
}
const requests: { path: string; body: { method: string; params: DasParams } }[] = [];
let respond: (body: { params: DasParams }) => { status: number; text: string };
/** while set, requests get no answer; the ones their client gives up are counted */
let hold = false;
let abandoned = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(text);
      requests.push({ path: req.url ?? '', body });
      if (hold) {
        res.on('close', () => void (res.writableFinished || (abandoned += 1)));
        return;
      }
      const out = respond(body);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(out.text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  requests.length = 0;
  hold = false;
  abandoned = 0;
});

const account = (n: number, amount: string) =>
  `{"address":"${'1'.repeat(31)}${n}","mint":"${MINT}","owner":"GdNh12yVy5Lsew9WXVCV5ErgK5SpmsBJkcti5jVtPB7o","amount":${amount},"delegated_amount":0,"frozen":false}`;
const page = (accounts: string[], extra = '') => ({ status: 200, text: `{"jsonrpc":"2.0","id":"1","result":{"total":${accounts.length},"limit":2${extra},"token_accounts":[${accounts.join(',')}]}}` });

describe('HeliusDasClient.getTokenAccounts', () => {
  it('reads the recorded example payload: one account with its owner and raw amount (only what the ranking reads: not its delegation nor frozen flag)', async () => {
    respond = (body) => (body.params.cursor === undefined ? { status: 200, text: FIXTURE } : page([]));
    const client = new HeliusDasClient({ url, apiKey: 'secret' });
    const result = await client.getTokenAccounts(MINT, { maxPages: 5 });
    await client.close();
    expect(result).toEqual({
      accounts: [{ address: 'FDxksmT4hRCpS2Wr5NF2i3uuYGeTz6pSyychb44gDzL', mint: MINT, owner: 'GdNh12yVy5Lsew9WXVCV5ErgK5SpmsBJkcti5jVtPB7o', amount: 1n }],
      pages: 2,
      complete: true,
    });
    expect(requests[0].path).toBe('/?api-key=secret');
    expect(requests[0].body).toEqual({ jsonrpc: '2.0', id: '1', method: 'getTokenAccounts', params: { mint: MINT, limit: 1000 } });
    // the recorded answer (to a request by page) carries no cursor: the next page starts after its
    // last address, which is what DAS's cursor is documented to be
    expect(requests[1].body.params).toEqual({ mint: MINT, limit: 1000, cursor: 'FDxksmT4hRCpS2Wr5NF2i3uuYGeTz6pSyychb44gDzL' });
  });

  it('pages by the cursor each answer gives until an empty page, keeping amounts above 2^53 exact', async () => {
    const pages: Record<string, { accounts: string[]; next: string }> = {
      first: { accounts: [account(1, '18446744073709551615'), account(2, '5')], next: 'opaque-1' },
      'opaque-1': { accounts: [account(3, '7')], next: 'opaque-2' },
    };
    respond = (body) => {
      const p = pages[body.params.cursor ?? 'first'];
      return p ? page(p.accounts, `,"cursor":"${p.next}","last_indexed_slot":365750752`) : page([], ',"cursor":null');
    };
    const client = new HeliusDasClient({ url });
    const result = await client.getTokenAccounts(MINT, { maxPages: 10, limit: 2 });
    await client.close();
    expect(result.accounts.map((a) => a.amount)).toEqual([18446744073709551615n, 5n, 7n]);
    expect(result).toMatchObject({ pages: 3, complete: true });
    expect(requests.map((r) => r.body.params.cursor)).toEqual([undefined, 'opaque-1', 'opaque-2']);
    expect(requests.every((r) => !('page' in r.body.params))).toBe(true);
  });

  it('stops at maxPages and says the scan is incomplete', async () => {
    // an endless keyset: every page starts after the last one
    respond = (body) => {
      const n = Number(body.params.cursor?.slice(-1) ?? 0);
      return page([account(n + 1, '1')], `,"cursor":"${'1'.repeat(31)}${n + 1}"`);
    };
    const client = new HeliusDasClient({ url });
    const result = await client.getTokenAccounts(MINT, { maxPages: 3, limit: 2 });
    await client.close();
    expect(result).toMatchObject({ pages: 3, complete: false });
    expect(result.accounts.map((a) => a.address.slice(-1))).toEqual(['1', '2', '3']);
  });

  it("reads the mint's largest accounts (the recorded getTokenLargestAccounts answer) with their owners, leaving out one not of the mint", async () => {
    const LARGEST = JSON.parse(readFileSync(join(__dirname, '../../fixtures/real/rpc-getTokenLargestAccounts-solana-docs.json'), 'utf8')) as { result: { value: Array<{ address: string; amount: string }> } };
    const PARSED = JSON.parse(readFileSync(join(__dirname, '../../fixtures/real/rpc-getTokenAccountsByOwner-jsonParsed-solana-docs.json'), 'utf8')) as { result: { value: Array<{ account: { data: { parsed: { info: Record<string, unknown> } } } }> } };
    const [first, second] = LARGEST.result.value.map((a) => a.address);
    /** the recorded parsed token account, of `mint`, owned by `owner`, holding `amount` */
    const parsedAccount = (mint: string, owner: string, amount: string) => {
      const recorded = PARSED.result.value[0].account;
      return { ...recorded, data: { ...recorded.data, parsed: { ...recorded.data.parsed, info: { ...recorded.data.parsed.info, mint, owner, tokenAmount: { amount, decimals: 2, uiAmount: null, uiAmountString: '0' } } } } };
    };
    let largestFails = false;
    respond = (body) => {
      const { method } = body as unknown as { method: string };
      if (method === 'getTokenLargestAccounts') return largestFails ? { status: 503, text: 'unavailable' } : { status: 200, text: readFileSync(join(__dirname, '../../fixtures/real/rpc-getTokenLargestAccounts-solana-docs.json'), 'utf8') };
      // the first is this mint's; the second (closed and reopened for another mint) is not
      return { status: 200, text: JSON.stringify({ jsonrpc: '2.0', id: '1', result: { context: { slot: 1114 }, value: [parsedAccount(MINT, 'BigHo1der1111111111111111111111111111111111', '771'), parsedAccount('So11111111111111111111111111111111111111112', 'Other111111111111111111111111111111111111111', '229')] } }) };
    };
    const client = new HeliusDasClient({ url });
    expect(await client.getLargestTokenAccounts(MINT)).toEqual([{ address: first, mint: MINT, owner: 'BigHo1der1111111111111111111111111111111111', amount: 771n }]);
    expect(requests.map((r) => r.body as unknown as { method: string; params: unknown })).toEqual([
      expect.objectContaining({ method: 'getTokenLargestAccounts', params: [MINT, { commitment: 'confirmed' }] }),
      expect.objectContaining({ method: 'getMultipleAccounts', params: [[first, second], { encoding: 'jsonParsed', commitment: 'confirmed' }] }),
    ]);
    // a 503: a retryable unavailability, as any provider error
    largestFails = true;
    await expect(client.getLargestTokenAccounts(MINT)).rejects.toThrow(/getTokenLargestAccounts: HTTP 503/);
    await client.close();
  });

  it('refuses a cursor that does not advance instead of asking for the same page again', async () => {
    respond = () => page([account(1, '1')], ',"cursor":"stuck"');
    const client = new HeliusDasClient({ url });
    const err = (await client.getTokenAccounts(MINT, { maxPages: 50 }).catch((e: unknown) => e)) as MalformedResponseError;
    await client.close();
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.field).toBe('result.cursor');
    expect(err.message).toContain('did not advance past cursor stuck');
    expect(requests).toHaveLength(2);
  });

  it('refuses cursors that come back to one seen before (A, B, A) instead of reading the same pages until maxPages', async () => {
    const next: Record<string, string> = { first: 'cursor-a', 'cursor-a': 'cursor-b', 'cursor-b': 'cursor-a' };
    respond = (body) => page([account(requests.length, '1')], `,"cursor":"${next[body.params.cursor ?? 'first']}"`);
    const client = new HeliusDasClient({ url });
    const err = (await client.getTokenAccounts(MINT, { maxPages: 50 }).catch((e: unknown) => e)) as MalformedResponseError;
    await client.close();
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err).toMatchObject({ field: 'result.cursor', message: expect.stringContaining('pagination came back to cursor cursor-a (page 3)') });
    expect(requests.map((r) => r.body.params.cursor)).toEqual([undefined, 'cursor-a', 'cursor-b']);
  });

  it("reads a failing page again through the caller's readPage, keeping the pages before it", async () => {
    let refusals = 1;
    respond = (body) => {
      if (body.params.cursor === 'opaque-1' && refusals-- > 0) return { status: 429, text: '{"jsonrpc":"2.0","error":{"code":-32029,"message":"Rate limit exceeded. Please try again later."},"id":"1"}' };
      return body.params.cursor === undefined ? page([account(1, '1')], ',"cursor":"opaque-1"') : body.params.cursor === 'opaque-1' ? page([account(2, '2')], ',"cursor":"opaque-2"') : page([]);
    };
    const client = new HeliusDasClient({ url });
    const result = await client.getTokenAccounts(MINT, { maxPages: 10, readPage: (read) => withQuickRetries(read, new AbortController().signal) });
    await client.close();
    expect(result).toMatchObject({ pages: 3, complete: true });
    expect(result.accounts.map((a) => a.amount)).toEqual([1n, 2n]);
    expect(requests.map((r) => r.body.params.cursor)).toEqual([undefined, 'opaque-1', 'opaque-1', 'opaque-2']);
  });

  it('rejects a mint that is not a public key before any request', async () => {
    const client = new HeliusDasClient({ url });
    await expect(client.getTokenAccounts('not-a-mint', { maxPages: 1 })).rejects.toBeInstanceOf(InvalidAddressError);
    await client.close();
    expect(requests).toHaveLength(0);
  });

  it('classifies DAS errors: 429 is rate limited, 401 is a bad key, a missing owner is malformed', async () => {
    const client = new HeliusDasClient({ url });
    respond = () => ({ status: 429, text: '{"jsonrpc":"2.0","error":{"code":-32029,"message":"Rate limit exceeded. Please try again later."},"id":"1"}' });
    await expect(client.getTokenAccounts(MINT, { maxPages: 1 })).rejects.toBeInstanceOf(ProviderRateLimitedError);
    respond = () => ({ status: 401, text: '{"jsonrpc":"2.0","error":{"code":-32001,"message":"Authentication failed. Missing or invalid API key."},"id":"1"}' });
    await expect(client.getTokenAccounts(MINT, { maxPages: 1 })).rejects.toBeInstanceOf(InvalidApiKeyError);
    respond = () => ({ status: 200, text: `{"jsonrpc":"2.0","id":"1","result":{"token_accounts":[{"address":"a","mint":"${MINT}","amount":1}]}}` });
    const err = (await client.getTokenAccounts(MINT, { maxPages: 1 }).catch((e: unknown) => e)) as MalformedResponseError;
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.field).toBe('result.token_accounts[0].owner');
    await client.close();
  });
});

describe('HeliusDasClient.getTokenAccounts with an abort signal', () => {
  it('drops the page on its way when aborted: rejects with the reason, asks no further page, and the server sees the request given up', async () => {
    hold = true;
    const das = new HeliusDasClient({ url });
    const abort = new AbortController();
    const scan = das.getTokenAccounts(MINT, { maxPages: 5, signal: abort.signal });
    while (requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error('the analysis was cancelled');
    abort.abort(reason);

    await expect(scan).rejects.toBe(reason);
    while (abandoned === 0) await new Promise((r) => setTimeout(r, 10));
    expect(requests).toHaveLength(1);
    expect(abandoned).toBe(1);
    await das.close();
  });

  it('sends nothing once aborted', async () => {
    const das = new HeliusDasClient({ url });
    const abort = new AbortController();
    abort.abort(new Error('cancelled before it went out'));
    await expect(das.getTokenAccounts(MINT, { maxPages: 5, signal: abort.signal })).rejects.toThrow('cancelled before it went out');
    expect(requests).toHaveLength(0);
    await das.close();
  });
});

describe('HeliusDasClient.scanProgramAccounts (getProgramAccountsV2)', () => {
  const SPL = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
  const T22 = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
  const OWNER = 'GdNh12yVy5Lsew9WXVCV5ErgK5SpmsBJkcti5jVtPB7o';
  const KEY_A = '8WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
  const KEY_B = 'CxELquR1gPP8wHe33gZ4QxqGB3sZ9RSwsJ2KshVewkFY';
  /** an account's data as asked (dataSlice 32..72): its owner's 32 bytes and its amount, u64 little-endian */
  const sliceOf = (owner: string, amount: bigint) => {
    const data = Buffer.alloc(40);
    Buffer.from(bs58.decode(owner)).copy(data, 0);
    data.writeBigUInt64LE(amount, 32);
    return data.toString('base64');
  };
  const entry = (pubkey: string, data: string) => ({ pubkey, account: { lamports: 2039280, owner: SPL, data: [data, 'base64'], executable: false, rentEpoch: 28, space: 165 } });
  const rpc = (result: unknown) => ({ status: 200, text: JSON.stringify({ jsonrpc: '2.0', id: '1', result }) });
  const accountInfo = (owner: string | null) => rpc({ context: { slot: 1 }, value: owner === null ? null : { data: ['', 'base64'], executable: false, lamports: 1461600, owner, rentEpoch: 0, space: 82 } });
  type Body = { method: string; params: unknown[] };
  const serve = (pages: (config: Record<string, unknown>) => { status: number; text: string }, program: string | null = SPL) => {
    respond = (body) => {
      const b = body as unknown as Body;
      return b.method === 'getAccountInfo' ? accountInfo(program) : pages(b.params[1] as Record<string, unknown>);
    };
  };
  const scanned = () => requests.map((r) => r.body as unknown as Body).filter((b) => b.method === 'getProgramAccountsV2');

  it('asks for the mint by memcmp, SPL Token accounts by size, only owner and amount of each; pages by key until a null key, past short and empty pages', async () => {
    const big = 2n ** 60n + 3n;
    serve((config) =>
      config.paginationKey === undefined
        ? rpc({ accounts: [entry(KEY_A, sliceOf(OWNER, big))], paginationKey: KEY_A, totalResults: 3 })
        : config.paginationKey === KEY_A
          ? rpc({ accounts: [], paginationKey: KEY_B })
          : rpc({ accounts: [entry('9'.repeat(32), sliceOf(KEY_B, 0n)), entry('8'.repeat(32), sliceOf(KEY_A, 12n))], paginationKey: null }),
    );
    const client = new HeliusDasClient({ url, apiKey: 'secret' });
    const listed: { address: string; owner: string; amount: bigint }[] = [];
    const pagesSeen: number[] = [];
    const result = await client.scanProgramAccounts(MINT, { maxPages: 10, onAccount: (a) => listed.push(a), onPage: (p) => void pagesSeen.push(p) });
    expect(result).toEqual({ pages: 3, complete: true, program: SPL });
    expect(listed).toEqual([
      { address: KEY_A, owner: OWNER, amount: big },
      { address: '9'.repeat(32), owner: KEY_B, amount: 0n },
      { address: '8'.repeat(32), owner: KEY_A, amount: 12n },
    ]);
    expect(pagesSeen).toEqual([1, 2, 3]);
    const [first, second] = scanned();
    expect(first.params).toEqual([SPL, { encoding: 'base64', commitment: 'confirmed', dataSlice: { offset: 32, length: 40 }, filters: [{ memcmp: { offset: 0, bytes: MINT } }, { dataSize: 165 }], limit: 10_000 }]);
    expect((second.params[1] as { paginationKey: string }).paginationKey).toBe(KEY_A);
    expect(requests[0].body.method).toBe('getAccountInfo');
  });

  it("scans a Token-2022 mint's program without the size filter (its accounts carry extensions), and stops at maxPages", async () => {
    const client = new HeliusDasClient({ url });
    // keys that repeat are refused, so each page answers its own
    let n = 0;
    serve(() => rpc({ accounts: [entry(KEY_A, sliceOf(OWNER, 1n))], paginationKey: [KEY_A, KEY_B][n++ % 2] }), T22);
    const result = await client.scanProgramAccounts(MINT, { maxPages: 2, limit: 500, onAccount: () => undefined });
    expect(result).toEqual({ pages: 2, complete: false, program: T22 });
    expect(scanned()[0].params).toEqual([T22, { encoding: 'base64', commitment: 'confirmed', dataSlice: { offset: 32, length: 40 }, filters: [{ memcmp: { offset: 0, bytes: MINT } }], limit: 500 }]);
  });

  it('ends at an empty key as at a null one, and lets a count it does not read through whatever it is', async () => {
    serve((config) => (config.paginationKey === undefined ? rpc({ accounts: [entry(KEY_A, sliceOf(OWNER, 4n))], paginationKey: KEY_A, totalResults: null }) : rpc({ accounts: [], paginationKey: '' })));
    const listed: bigint[] = [];
    await expect(new HeliusDasClient({ url }).scanProgramAccounts(MINT, { maxPages: 10, onAccount: (a) => void listed.push(a.amount) })).resolves.toEqual({ pages: 2, complete: true, program: SPL });
    expect(listed).toEqual([4n]);
  });

  it('lists nothing for an address that is no mint of a token program (no account, or another owner)', async () => {
    const client = new HeliusDasClient({ url });
    for (const owner of [null, '11111111111111111111111111111111']) {
      requests.length = 0;
      serve(() => rpc({ accounts: [], paginationKey: null }), owner);
      await expect(client.scanProgramAccounts(MINT, { maxPages: 5, onAccount: () => undefined })).resolves.toEqual({ pages: 0, complete: true, program: null });
      expect(scanned()).toHaveLength(0);
    }
  });

  it('refuses data other than the 40 bytes asked, a key that does not advance, and reports an RPC without the method as UnsupportedMethodError', async () => {
    const client = new HeliusDasClient({ url });
    serve(() => rpc({ accounts: [entry(KEY_A, Buffer.alloc(165).toString('base64'))], paginationKey: null }));
    await expect(client.scanProgramAccounts(MINT, { maxPages: 5, onAccount: () => undefined })).rejects.toThrow(MalformedResponseError);
    serve(() => rpc({ accounts: [], paginationKey: KEY_A }));
    await expect(client.scanProgramAccounts(MINT, { maxPages: 5, onAccount: () => undefined })).rejects.toThrow(/pagination (did not advance|came back)/);
    serve(() => ({ status: 200, text: '{"jsonrpc":"2.0","id":"1","error":{"code":-32601,"message":"Method not found"}}' }));
    await expect(client.scanProgramAccounts(MINT, { maxPages: 5, onAccount: () => undefined })).rejects.toThrow(UnsupportedMethodError);
    await expect(client.scanProgramAccounts('not-a-mint', { maxPages: 5, onAccount: () => undefined })).rejects.toThrow(InvalidAddressError);
  });
});
