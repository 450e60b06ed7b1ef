// Every real payload in test/fixtures/real that one of our clients reads goes through that client,
// served over HTTP exactly as stored; the simulator's answers must pass the same schemas.
import { readFileSync, readdirSync } from 'node:fs';
import bs58 from 'bs58';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { HeliusClient, MalformedResponseError, SolanaRpcClient } from '../../../src/providers';
import { DexPairSchema, EnhancedTransactionSchema } from '../../../src/providers/schemas';
import { SPL_TOKEN_PROGRAM_ID } from '../../../src/domain/enhanced-transaction';
import { extractLegs } from '../../../src/domain/swaps/extract';
import { loadWorldFile, startSimulator, type SimulatorHandle } from '../../../src/simulator';

const DIR = join(__dirname, '../../fixtures/real');
const fixture = (name: string): string => readFileSync(join(DIR, name), 'utf8');

/** Which client reads each fixture; files no client reads say why. */
const USED_BY: Record<string, string> = {
  'helius-enhanced-swap-failed-raydium.json': 'HeliusClient',
  'helius-enhanced-transfer-failed-insufficient-funds-for-rent.json': 'HeliusClient',
  'helius-webhook-enhanced-nft-sale-magic-eden.json': 'HeliusClient',
  'rpc-getBalance-solana-docs.json': 'SolanaRpcClient',
  'rpc-getTokenAccountsByOwner-spl-token-helius-docs.json': 'SolanaRpcClient',
  'rpc-getTokenAccountsByOwner-jsonParsed-solana-docs.json': 'SolanaRpcClient',
  'rpc-getSignaturesForAddress-helius-docs.json': 'SolanaRpcClient',
  'rpc-getSignaturesForAddress-solana-docs.json': 'SolanaRpcClient',
  'helius-webhook-raw-nft-sale-magic-eden.json': 'not applicable: raw getTransaction format, no client reads it',
  'das-assetList-result-with-nativeBalance.json': 'not applicable: DAS API, not used',
  'das-getAssetsByOwner-item-compressed-nft-helius-docs.json': 'not applicable: DAS API, not used',
  'das-getAsset-programmable-nft-helius-docs.json': 'not applicable: DAS API, not used',
  'das-getTokenAccounts-helius-rust-sdk-mock.json': 'HeliusDasClient (test/unit/providers/helius-das.test.ts)',
  'rpc-getTokenLargestAccounts-solana-docs.json': 'HeliusDasClient.getLargestTokenAccounts (test/unit/providers/helius-das.test.ts)',
  'helius-enhanced-swap-usdc-for-sol-jupiter-orca.json': 'HeliusClient (and the extraction: src/domain/swaps/extract.test.ts, src/domain/detection/transfers.test.ts)',
  'helius-enhanced-transfer-sol.json': 'HeliusClient (and src/domain/detection/transfers.test.ts)',
  'helius-enhanced-transfer-usdc.json': 'HeliusClient (and src/domain/detection/transfers.test.ts)',
  'helius-enhanced-transfer-nfts-with-rent.json': 'HeliusClient (and src/domain/detection/transfers.test.ts)',
  'helius-enhanced-burn-tokens.json': 'HeliusClient (and src/domain/swaps/extract.test.ts)',
};

let server: Server;
let baseUrl: string;
let respond: (method: string, path: string, body: string) => { status: number; text: string };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const out = respond(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname, body);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(out.text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('real fixtures', () => {
  it('are each either read by a client below or listed as not applicable', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(USED_BY).sort());
  });
});

describe('HeliusClient on real Enhanced Transaction payloads', () => {
  const wallet = '22WLnDCeMvcoboRgVt8a4ztkd4yA1ptSv9JpnE2gx95R';

  it('parses the failed Raydium swap: transactionError kept as raw JSON, events without swap', async () => {
    respond = () => ({ status: 200, text: `[${fixture('helius-enhanced-swap-failed-raydium.json')}]` });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const page = await client.fetchHistoryPage(wallet);
    await client.close();
    const [tx] = page.transactions;
    expect(tx.type).toBe('SWAP');
    expect(tx.source).toBe('RAYDIUM');
    expect(tx.transactionError).toEqual({ InstructionError: [2, { Custom: 30 }] });
    expect(tx.events.swap).toBeUndefined();
    expect(tx.accountData).toHaveLength(20);
    expect(tx.accountData[0].nativeBalanceChange).toBe(-tx.fee);
    expect(tx.instructions![2].programId).toBe('675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8');
    expect(page.nextCursor).toBe(tx.signature);
  });

  it("parses a page of five successful mainnet transactions (helius-labs/xray's test data): a swap, transfers of SOL, USDC and NFTs, a burn", async () => {
    const names = ['helius-enhanced-swap-usdc-for-sol-jupiter-orca.json', 'helius-enhanced-transfer-sol.json', 'helius-enhanced-transfer-usdc.json', 'helius-enhanced-transfer-nfts-with-rent.json', 'helius-enhanced-burn-tokens.json'];
    respond = () => ({ status: 200, text: `[${names.map(fixture).join(',')}]` });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const page = await client.fetchHistoryPage('MatrfYnDmsBrdnETpW2S6uksrChkGwyN4RRCXtTPZsv');
    await client.close();
    expect(page.transactions.map((t) => [t.type, t.source])).toEqual([
      ['SWAP', 'JUPITER'],
      ['TRANSFER', 'SYSTEM_PROGRAM'],
      ['TRANSFER', 'SOLANA_PROGRAM_LIBRARY'],
      ['TRANSFER', 'SOLANA_PROGRAM_LIBRARY'],
      ['BURN', 'SOLANA_PROGRAM_LIBRARY'],
    ]);
    const swap = page.transactions[0].events.swap!;
    expect(swap.nativeOutput).toEqual({ account: 'MatrfYnDmsBrdnETpW2S6uksrChkGwyN4RRCXtTPZsv', amount: '61027185382' });
    expect(swap.innerSwaps[0].programInfo.programName).toBe('ORCA_WHIRLPOOLS');
    expect(page.nextCursor).toBe(page.transactions[4].signature);
  });

  it('parses the failed SOL transfer with a snake_case InsufficientFundsForRent error', async () => {
    respond = () => ({ status: 200, text: `[${fixture('helius-enhanced-transfer-failed-insufficient-funds-for-rent.json')}]` });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const [tx] = (await client.fetchHistoryPage(wallet)).transactions;
    await client.close();
    expect(tx.transactionError).toEqual({ InsufficientFundsForRent: { account_index: 0 } });
    expect(tx.nativeTransfers![0].amount).toBe(50080250);
    expect(tx.accountData.map((a) => a.nativeBalanceChange)).toEqual([-5000, 0, 0]);
  });

  it('parses the NFT sale webhook array through POST /v0/transactions although it has no instructions or transactionError', async () => {
    const text = fixture('helius-webhook-enhanced-nft-sale-magic-eden.json');
    const signature = (JSON.parse(text) as { signature: string }[])[0].signature;
    respond = (method, path) => (method === 'POST' && path === '/v0/transactions' ? { status: 200, text } : { status: 404, text: '{}' });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const result = await client.getTransactions([signature]);
    await client.close();
    const tx = result.get(signature)!;
    expect(tx.type).toBe('NFT_SALE');
    expect(tx.instructions).toBeUndefined();
    expect((tx.events as { nft?: { amount?: number } }).nft?.amount).toBe(72000000000);
    expect(tx.tokenTransfers![0].tokenAmount).toBe(1);
  });

  it('keeps a transaction with a missing field out of the page, naming the field and the signature, and keeps the rest', async () => {
    const good = JSON.parse(fixture('helius-enhanced-swap-failed-raydium.json')) as Record<string, unknown>;
    const other = JSON.parse(fixture('helius-enhanced-transfer-failed-insufficient-funds-for-rent.json')) as Record<string, unknown>;
    const raw = { ...other };
    delete raw.slot;
    // the malformed one is the last of the page: the cursor still moves past it
    respond = () => ({ status: 200, text: JSON.stringify([good, raw]) });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const page = await client.fetchHistoryPage(wallet);
    await client.close();
    expect(page.transactions.map((t) => t.signature)).toEqual([good.signature]);
    expect(page.rejected).toEqual([
      { signature: raw.signature, index: 1, timestamp: raw.timestamp, field: 'slot', reason: `missing or invalid field "slot" in transaction ${raw.signature as string} (Invalid input: expected number, received undefined)` },
    ]);
    expect(page.nextCursor).toBe(raw.signature);
  });

  it('keeps a transaction with lamports that are no integer out of the page (the domain reads them with BigInt), and keeps the rest', async () => {
    const good = JSON.parse(fixture('helius-enhanced-swap-failed-raydium.json')) as { accountData: { nativeBalanceChange: number }[] } & Record<string, unknown>;
    const swap = JSON.parse(readFileSync(join(__dirname, '../../fixtures/domain/jupiter-raydium-sol-to-tweet.json'), 'utf8')) as { signature: string; events: { swap: { nativeInput: { amount: string } } } };
    const fractional = structuredClone(good);
    fractional.signature = '5'.repeat(87);
    fractional.accountData[0].nativeBalanceChange = 1.5;
    const decimalString = structuredClone(swap);
    decimalString.events.swap.nativeInput.amount = '100000000.5';
    respond = () => ({ status: 200, text: JSON.stringify([good, fractional, swap, decimalString].map((t, i) => (i === 3 ? { ...t, signature: '6'.repeat(87) } : t))) });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const page = await client.fetchHistoryPage(wallet);
    await client.close();
    expect(page.transactions.map((t) => t.signature)).toEqual([good.signature, swap.signature]);
    expect(page.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'accountData[0].nativeBalanceChange'],
      [3, 'events.swap.nativeInput.amount'],
    ]);
  });

  it('still fails the whole answer when it is not an array', async () => {
    respond = () => ({ status: 200, text: '{"error":"oops"}' });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const err = (await client.fetchHistoryPage(wallet).catch((e: unknown) => e)) as MalformedResponseError;
    await client.close();
    expect(err).toBeInstanceOf(MalformedResponseError);
    expect(err.field).toBe('(root)');
  });
});

// No licensed real payload of these classes exists in public repositories (see
// test/fixtures/real/PROVENANCE.md, "Sources checked"): these are built from the documented wire
// shape (test/fixtures/domain/README.md) and go through the same client.
describe('HeliusClient on wire-shape payloads of the misread classes (test/fixtures/domain)', () => {
  const DOMAIN = join(__dirname, '../../fixtures/domain');
  const W = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
  const files = readdirSync(DOMAIN).filter((f) => f.endsWith('.json')).sort();
  const expected: Record<string, { skipped: string | null; kinds: string[] }> = {
    'airdrop-to-three-wallets.json': { skipped: null, kinds: ['airdrop'] },
    'jupiter-multi-hop-sol-usdc-token.json': { skipped: null, kinds: ['swap'] },
    'jupiter-raydium-sol-to-tweet.json': { skipped: null, kinds: ['swap'] },
    'jupiter-token-to-token-via-wsol.json': { skipped: null, kinds: ['swap', 'swap'] },
    'merkle-distributor-claim-pays-receipt-rent.json': { skipped: null, kinds: ['transfer_in'] },
    'meteora-dbc-migration-damm-v2-position-nft.json': { skipped: 'liquidity', kinds: [] },
    'orca-token-to-usdc.json': { skipped: null, kinds: ['swap'] },
    'plain-token-transfer.json': { skipped: null, kinds: ['transfer_out'] },
    'pump-amm-sell-without-swap-event.json': { skipped: null, kinds: ['swap'] },
    'raydium-v4-buy-swap-event-names-pool-authority.json': { skipped: null, kinds: ['swap'] },
    'raydium-v4-dust-sell.json': { skipped: null, kinds: ['swap'] },
    'raydium-v4-sell-swap-event-names-pool-authority.json': { skipped: null, kinds: ['swap'] },
    'raydium-wallet-only-through-token-accounts.json': { skipped: null, kinds: ['swap'] },
  };

  it('lists every fixture', () => {
    expect(files).toEqual(Object.keys(expected).sort());
  });

  it('reads one page of all of them, "events": [] included, and extracts what each shape means', async () => {
    const texts = files.map((f) => readFileSync(join(DOMAIN, f), 'utf8'));
    expect(texts.filter((t) => /"events": \[\]/.test(t)).length).toBeGreaterThanOrEqual(2);
    respond = () => ({ status: 200, text: `[${texts.join(',')}]` });
    const client = new HeliusClient({ baseUrl, apiKey: 'k' });
    const page = await client.fetchHistoryPage(W);
    await client.close();
    expect(page.rejected).toEqual([]);
    expect(page.transactions).toHaveLength(files.length);
    for (const [i, tx] of page.transactions.entries()) {
      expect(tx.events).toEqual(expect.any(Object));
      expect(Array.isArray(tx.events)).toBe(false);
      const result = extractLegs(tx, W, { solPriceUsd: 150 });
      expect([files[i], result.skipped, result.legs.map((l) => l.kind)]).toEqual([files[i], expected[files[i]].skipped, expected[files[i]].kinds]);
    }
  });
});

describe('SolanaRpcClient on real JSON-RPC payloads', () => {
  const owner = 'A1TMhSGzQxMr1TboBKtgixKz1sS6REASMxPo1qsyTSJd';
  const byMethod = (files: Record<string, string | ((params: unknown[]) => string)>) => (_m: string, _p: string, body: string) => {
    const req = JSON.parse(body) as { method: string; params: unknown[] };
    const f = files[req.method];
    return { status: 200, text: fixture(typeof f === 'function' ? f(req.params) : f) };
  };

  it('reads getBalance with a numeric id and no apiVersion', async () => {
    respond = byMethod({ getBalance: 'rpc-getBalance-solana-docs.json' });
    const client = new SolanaRpcClient({ url: baseUrl, apiKey: 'k' });
    await expect(client.getBalance(owner)).resolves.toBe(0n);
    await client.close();
  });

  it('aggregates both token-program answers with exact raw amounts, although rentEpoch is u64::MAX and parsed.type may be missing', async () => {
    respond = byMethod({
      getTokenAccountsByOwner: (params) =>
        (params[1] as { programId: string }).programId === SPL_TOKEN_PROGRAM_ID
          ? 'rpc-getTokenAccountsByOwner-spl-token-helius-docs.json'
          : 'rpc-getTokenAccountsByOwner-jsonParsed-solana-docs.json',
    });
    const client = new SolanaRpcClient({ url: baseUrl, apiKey: 'k' });
    const holdings = await client.getTokenBalances(owner);
    await client.close();
    expect(holdings.tokenAccountCount).toBe(2);
    expect(holdings.balances.find((b) => b.mint.startsWith('2cHr7QS3'))).toMatchObject({ rawAmount: '420000000000000', decimals: 6, program: 'spl-token', accounts: 1 });
    expect(holdings.balances.find((b) => b.rawAmount === '1')).toMatchObject({ decimals: 1, program: 'spl-token-2022' });
  });

  it('reads a token account the RPC could not parse and sent in base64 (a closed Token-2022 mint\'s): empty, it is only counted; holding a mint a parsed account gives the decimals of, it adds to it; else it is counted unread', async () => {
    const real = JSON.parse(fixture('rpc-getTokenAccountsByOwner-jsonParsed-solana-docs.json')) as { result: { value: Array<{ pubkey: string; account: Record<string, unknown> & { data: { parsed: { info: { mint: string } } } } }> } };
    const parsed = real.result.value[0];
    const mintOf = parsed.account.data.parsed.info.mint;
    /** a 165-byte token account of `mint` holding `raw`, as the RPC's base64 fallback sends it */
    const unparsed = (mint: string, raw: bigint) => {
      const bytes = Buffer.alloc(165);
      Buffer.from(bs58.decode(mint)).copy(bytes, 0);
      Buffer.from(bs58.decode(owner)).copy(bytes, 32);
      bytes.writeBigUInt64LE(raw, 64);
      return { pubkey: '11111111111111111111111111111111', account: { ...parsed.account, data: [bytes.toString('base64'), 'base64'] } };
    };
    const CLOSED = 'C1osedMint111111111111111111111111111111111';
    const value = [parsed, unparsed(CLOSED, 0n), unparsed(mintOf, 9n), unparsed(CLOSED, 5n)];
    respond = (_m, _p, body) => {
      const req = JSON.parse(body) as { id: number; params: Array<{ programId?: string }> };
      const list = req.params[1].programId === SPL_TOKEN_PROGRAM_ID ? [] : value;
      return { status: 200, text: JSON.stringify({ ...real, id: req.id, result: { ...real.result, value: list } }) };
    };
    const client = new SolanaRpcClient({ url: baseUrl, apiKey: 'k' });
    const holdings = await client.getTokenBalances(owner);
    await client.close();
    expect(holdings.tokenAccountCount).toBe(4);
    expect(holdings.unreadTokenAccounts).toBe(1);
    expect(holdings.balances).toEqual([{ mint: mintOf, program: 'spl-token-2022', rawAmount: String(1n + 9n), decimals: 1, accounts: 2 }]);
  });

  it.each(['rpc-getSignaturesForAddress-helius-docs.json', 'rpc-getSignaturesForAddress-solana-docs.json'])('reads getSignaturesForAddress from %s', async (file) => {
    respond = byMethod({ getSignaturesForAddress: file });
    const client = new SolanaRpcClient({ url: baseUrl, apiKey: 'k' });
    const sigs = await client.getSignaturesForAddress(owner);
    await client.close();
    expect(sigs).toHaveLength(1);
    expect(sigs[0]).toMatchObject({ slot: 114, err: null, blockTime: null });
  });
});

describe('simulator answers pass the clients’ schemas', () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ world: join(__dirname, '../../../worlds/demo.json') });
  });
  afterAll(() => sim.close());

  it('renders every transaction of the demo world as a valid Enhanced Transaction', async () => {
    const res = await Promise.all(
      sim.world.wallets.map(async (w) => (await (await fetch(`${sim.url}/v0/addresses/${w.address}/transactions?api-key=k&limit=100`)).json()) as unknown[]),
    );
    const all = res.flat();
    expect(all.length).toBeGreaterThan(300);
    for (const tx of all) expect(EnhancedTransactionSchema.safeParse(tx).error).toBeUndefined();
  });

  it('serves DexScreener pairs that validate for every token of the demo world', async () => {
    const mints = loadWorldFile(join(__dirname, '../../../worlds/demo.json')).tokens.map((t) => t.mint);
    const pairs: unknown[] = [];
    for (let i = 0; i < mints.length; i += 30) {
      pairs.push(...((await (await fetch(`${sim.url}/tokens/v1/solana/${mints.slice(i, i + 30).join(',')}`)).json()) as unknown[]));
    }
    expect(pairs.length).toBeGreaterThan(mints.length);
    for (const p of pairs) expect(DexPairSchema.safeParse(p).error).toBeUndefined();
  });
});
