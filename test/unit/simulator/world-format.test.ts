// The world format as docs/simulator.md and worlds/world.schema.json describe it: every documented
// statement about the minimal format holds on the running simulator, and every invalid world is
// refused with one line naming the field and what is wrong.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DexScreenerClient } from '../../../src/providers';
import { loadWorldFile, parseWorld, startSimulator, WorldFileError, type SimulatorHandle } from '../../../src/simulator';
import type { WorldInput } from '../../../src/simulator/world';
import { START_TS, TOKEN_A, addr, baseTokens, worldWith } from '../providers/worlds';

const TOKEN_ZERO = addr('mint', 'zero-price');
const TOKEN_ABSENT = addr('mint', 'absent-price');
const TOKEN_NO_POOLS = addr('mint', 'no-pools');
const TOKEN_SPAM = addr('mint', 'spam');
const BUYER = addr('wallet', 'format-buyer');
const SENDER = addr('wallet', 'format-sender');
const RECEIVER = addr('wallet', 'format-receiver');

/** The minimal format with a spam token of no market (priceUsd 0) bought, held and transferred. */
function zeroPriceWorld(): WorldInput {
  return worldWith(
    [
      {
        address: BUYER,
        trades: [
          { ts: START_TS, side: 'buy', mint: TOKEN_ZERO, amount: '1000', quote: 'SOL', quoteAmount: '0.01', source: 'JUPITER' },
          { ts: START_TS + 60, side: 'buy', mint: TOKEN_A, amount: '10', quote: 'SOL', quoteAmount: '0.05', source: 'RAYDIUM' },
        ],
        transfers: [{ ts: START_TS + 120, direction: 'out', mint: TOKEN_ZERO, amount: '400', counterparty: RECEIVER }],
      },
      { address: SENDER, transfers: [{ ts: START_TS, direction: 'out', mint: 'SOL', amount: '0.25', counterparty: RECEIVER }] },
      { address: RECEIVER },
    ],
    {
      tokens: [
        ...baseTokens(),
        { mint: TOKEN_ZERO, symbol: 'ZERO', name: 'No market', decimals: 6, priceUsd: 0, liquidityUsd: 0, program: 'spl-token' },
        { mint: TOKEN_ABSENT, symbol: 'ABS', name: 'No price', decimals: 6 },
        { mint: TOKEN_NO_POOLS, symbol: 'NOP', name: 'No pools', decimals: 6, priceUsd: 3, pools: [] },
        { mint: TOKEN_SPAM, symbol: 'SPAM', name: 'Spam', decimals: 0, priceUsd: 1, spam: true },
      ],
    },
  );
}

describe('a world in the documented minimal format', () => {
  let sim: SimulatorHandle;
  let dex: DexScreenerClient;
  beforeAll(async () => {
    sim = await startSimulator({ world: zeroPriceWorld(), port: 0 });
    dex = new DexScreenerClient({ baseUrl: sim.url });
  });
  afterAll(async () => {
    await dex.close();
    await sim.close();
  });

  const getJson = async (path: string): Promise<unknown> => {
    const res = await fetch(`${sim.url}${path}`);
    expect(res.status).toBe(200);
    return res.json();
  };

  it('accepts a token with "priceUsd": 0', () => {
    expect(parseWorld(zeroPriceWorld()).tokens.find((t) => t.mint === TOKEN_ZERO)?.priceUsd).toBe(0);
  });

  it('serves no DexScreener pair for a token without a market: priceUsd 0 or absent, spam, or pools []', async () => {
    for (const mint of [TOKEN_ZERO, TOKEN_ABSENT, TOKEN_NO_POOLS, TOKEN_SPAM]) {
      expect(await getJson(`/tokens/v1/solana/${mint}`)).toEqual([]);
      expect(await getJson(`/token-pairs/v1/solana/${mint}`)).toEqual([]);
      expect(await getJson(`/latest/dex/tokens/${mint}`)).toEqual({ schemaVersion: '1.0.0', pairs: null });
    }
    // the product's client reads that as "no market", next to a priced token in the same request
    const markets = await dex.getTokens([TOKEN_ZERO, TOKEN_A]);
    expect(markets.get(TOKEN_ZERO)?.status).not.toBe('priced');
    expect(markets.get(TOKEN_A)).toMatchObject({ status: 'priced', priceUsd: 0.5 });
  });

  it('gives a priced token four pools: the deepest with it as base, two shallower, and a deeper one where it is the quote side', async () => {
    type Pair = { baseToken: { address: string }; quoteToken: { address: string }; liquidity?: { usd: number }; priceUsd: string };
    const pairs = (await getJson(`/token-pairs/v1/solana/${TOKEN_A}`)) as Pair[];
    expect(pairs).toHaveLength(4);
    const asBase = pairs.filter((p) => p.baseToken.address === TOKEN_A);
    const asQuote = pairs.filter((p) => p.quoteToken.address === TOKEN_A);
    expect(asBase).toHaveLength(3);
    expect(asQuote).toHaveLength(1);
    const liquidity = (p: Pair) => p.liquidity?.usd ?? 0;
    expect(liquidity(asBase[0])).toBe(250_000);
    expect(Math.max(...asBase.slice(1).map(liquidity))).toBeLessThan(liquidity(asBase[0]));
    expect(liquidity(asQuote[0])).toBeGreaterThan(liquidity(asBase[0]));
    expect(asBase[0].priceUsd).toBe('0.5');
  });

  it('prices SOL from the world\'s solPriceUsd through the Wrapped SOL pairs', async () => {
    await expect(dex.getSolPriceUsd()).resolves.toBe(150);
  });

  it('renders trades and transfers of a token without a market like any other', async () => {
    const txs = (await getJson(`/v0/addresses/${BUYER}/transactions?api-key=k`)) as Array<{ type: string; tokenTransfers: Array<{ mint: string; tokenAmount: number }> }>;
    expect(txs.map((t) => t.type)).toEqual(['TRANSFER', 'SWAP', 'SWAP']);
    expect(txs[2].tokenTransfers.find((t) => t.mint === TOKEN_ZERO)?.tokenAmount).toBe(1000);
    // holdings default to what trades and transfers leave: 1000 bought, 400 sent
    const accounts = (await (
      await fetch(`${sim.url}/?api-key=k`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getTokenAccountsByOwner', params: [BUYER, { mint: TOKEN_ZERO }, { encoding: 'jsonParsed' }] }),
      })
    ).json()) as { result: { value: Array<{ account: { data: { parsed: { info: { tokenAmount: { uiAmountString: string } } } } } }> } };
    expect(accounts.result.value.map((a) => a.account.data.parsed.info.tokenAmount.uiAmountString)).toEqual(['600']);
  });

  it('shows a transfer only in the history of the wallet that lists it, and defaults solBalance to 1 SOL plus the net native change', async () => {
    expect(await getJson(`/v0/addresses/${RECEIVER}/transactions?api-key=k`)).toEqual([]);
    const sent = (await getJson(`/v0/addresses/${SENDER}/transactions?api-key=k`)) as Array<{ fee: number }>;
    expect(sent).toHaveLength(1);
    const balance = (await (
      await fetch(`${sim.url}/?api-key=k`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getBalance', params: [SENDER] }) })
    ).json()) as { result: { value: number } };
    expect(balance.result.value).toBe(1_000_000_000 - 250_000_000 - sent[0].fee);
  });
});

describe('an invalid world', () => {
  const REMOVE = Symbol('remove');
  /** The zero-price world with the value at a dotted path replaced (or removed). */
  const bad = (field: string, value: unknown): unknown => {
    const w = structuredClone(zeroPriceWorld()) as unknown as Record<string, unknown>;
    const keys = field.split('.');
    const parent = keys.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, w);
    if (value === REMOVE) delete parent[keys[keys.length - 1]];
    else parent[keys[keys.length - 1]] = value;
    return w;
  };
  const messageOf = (value: unknown): string => {
    try {
      parseWorld(value);
    } catch (err) {
      expect(err).toBeInstanceOf(WorldFileError);
      return (err as Error).message;
    }
    throw new Error('the world was accepted');
  };

  it.each([
    ['a negative price', 'tokens.0.priceUsd', -1, 'tokens.0.priceUsd: must be >= 0 (got -1)'],
    ['a missing field', 'tokens.1.symbol', REMOVE, 'tokens.1.symbol: is required'],
    ['a number as a string', 'tokens.0.decimals', '6', 'tokens.0.decimals: must be a number (got "6")'],
    ['a fraction where an integer belongs', 'tokens.0.decimals', 1.5, 'tokens.0.decimals: must be an integer (got 1.5)'],
    ['too many decimals', 'tokens.0.decimals', 19, 'tokens.0.decimals: must be <= 18 (got 19)'],
    ['an unknown enum value', 'wallets.0.trades.0.side', 'swap', 'wallets.0.trades.0.side: must be one of "buy", "sell" (got "swap")'],
    ['a quote that is no mint', 'wallets.0.trades.0.quote', 'BONK', 'wallets.0.trades.0.quote: must be "SOL", "USDC" or a token mint (base58 public key) (got "BONK")'],
    ['an amount as a number', 'wallets.0.trades.0.amount', 1000, 'wallets.0.trades.0.amount: must be a string (got 1000)'],
    ['an amount that is no decimal', 'wallets.0.trades.0.amount', '1e3', 'wallets.0.trades.0.amount: must be a non-negative decimal string in UI units, e.g. "1000.5" (got "1e3")'],
    ['a timestamp in milliseconds before genesis', 'wallets.0.trades.0.ts', 17, 'wallets.0.trades.0.ts: must be >= 1584368940 (got 17)'],
    ['a bad address', 'wallets.1.address', 'not-an-address', 'wallets.1.address: must be a base58 public key (got "not-an-address")'],
    ['an object where a list belongs', 'tokens', {}, 'tokens: must be an array (got an object)'],
    ['a mint missing from tokens', 'wallets.0.transfers.0.mint', addr('mint', 'missing'), `wallets.0.transfers.0.mint: ${addr('mint', 'missing')} is not in tokens`],
    ['a holding of a mint missing from tokens', 'wallets.2.holdings', [{ mint: addr('mint', 'missing'), amount: '1' }], `wallets.2.holdings.0.mint: ${addr('mint', 'missing')} is not in tokens`],
    ['a duplicate wallet', 'wallets.2.address', SENDER, `wallets.2.address: duplicate wallet ${SENDER}`],
    [
      'pools on a token without a market',
      'tokens.2.pools',
      [{ dexId: 'raydium' }],
      'tokens.2.pools: ZERO has no market (priceUsd is 0), so it can have no pools: drop "pools" or give it a priceUsd > 0',
    ],
  ] as Array<[string, string, unknown, string]>)('is refused with one line for %s', (_name, field, value, expected) => {
    const message = messageOf(bad(field, value));
    expect(message).toBe(`invalid world: ${expected}`);
    expect(message).not.toContain('\n');
  });

  it('names the first problem and counts the other fields with problems', () => {
    expect(messageOf({})).toBe('invalid world: solPriceUsd: is required (and 2 more fields with problems)');
    expect(messageOf([])).toBe('invalid world: (root): must be an object (got an array)');
  });

  describe('from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'world-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('names the file, the field and the problem', () => {
      const file = join(dir, 'zero-and-negative.json');
      writeFileSync(file, JSON.stringify(bad('tokens.3.priceUsd', -0.5), null, 2));
      expect(() => loadWorldFile(file)).toThrow(`invalid world file ${file}: tokens.3.priceUsd: must be >= 0 (got -0.5)`);
      writeFileSync(file, JSON.stringify(zeroPriceWorld(), null, 2));
      expect(loadWorldFile(file).tokens).toHaveLength(6);
    });

    it('says where JSON that does not parse breaks, and when the file is missing or a directory', () => {
      const file = join(dir, 'broken.json');
      writeFileSync(file, '{\n  "solPriceUsd": 150,\n  "tokens": [],\n}\n');
      expect(() => loadWorldFile(file)).toThrow(new RegExp(`^invalid world file ${file}: not valid JSON: .* \\(line 4, column 1\\)$`));
      expect(() => loadWorldFile(join(dir, 'nope.json'))).toThrow(`invalid world file ${join(dir, 'nope.json')}: no such file`);
      mkdirSync(join(dir, 'd.json'));
      expect(() => loadWorldFile(join(dir, 'd.json'))).toThrow(`invalid world file ${join(dir, 'd.json')}: is a directory`);
    });
  });
});
