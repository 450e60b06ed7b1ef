import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WSOL_MINT } from '../../../src/domain/enhanced-transaction';
import { DexScreenerClient, MalformedResponseError, SolanaRpcClient, canonicalMarket, type DexPair } from '../../../src/providers';
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { TOKEN_A, TOKEN_B, addr, baseTokens, swaps, worldWith } from './worlds';

const HOLDER = addr('wallet', 'holder');
const TRADER = addr('wallet', 'trader');
const SPAMMED = addr('wallet', 'spammed');
const TOKEN_HUGE = addr('mint', 'huge');
const TOKEN_UNKNOWN = addr('mint', 'unknown');
const TOKEN_QUOTE_ONLY = addr('mint', 'quote-only');

let sim: SimulatorHandle;
let rpc: SolanaRpcClient;
let dex: DexScreenerClient;

beforeAll(async () => {
  sim = await startSimulator({
    world: worldWith(
      [
        {
          address: HOLDER,
          solBalance: 12.5,
          holdings: [
            { mint: TOKEN_A, amount: '1000.5', accounts: 3 },
            { mint: TOKEN_B, amount: '0' },
            { mint: TOKEN_HUGE, amount: '123456789012.345678901' },
          ],
        },
        { address: TRADER, trades: [...swaps(3), { ts: 1_727_000_100, side: 'sell', mint: TOKEN_A, amount: '5', quote: 'SOL', quoteAmount: '0.004' }] },
        { address: SPAMMED, extraTokenAccounts: 10_000 },
      ],
      {
        tokens: [
          ...baseTokens(),
          { mint: TOKEN_HUGE, symbol: 'HUGE', name: 'Huge', decimals: 9, priceUsd: 0.0001 },
          { mint: TOKEN_UNKNOWN, symbol: 'UNK', name: 'No pairs', decimals: 6 },
          { mint: TOKEN_QUOTE_ONLY, symbol: 'QO', name: 'Quote only', decimals: 6, priceUsd: 2, pools: [{ dexId: 'raydium', quote: 'SOL', side: 'quote', liquidityUsd: 9000 }] },
        ],
      },
    ),
  });
  rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'k' });
  dex = new DexScreenerClient({ baseUrl: sim.url });
});
afterAll(async () => {
  await Promise.all([rpc.close(), dex.close()]);
  await sim.close();
});
beforeEach(() => sim.reset());

const until = async (done: () => boolean) => {
  while (!done()) await new Promise((r) => setTimeout(r, 20));
};

/**
 * Aborts once `count` requests of `calls` are on their way; each call must reject with the abort's
 * reason. Returns the requests (by endpoint) as the simulator saw them end.
 */
async function abortInFlight(abort: AbortController, calls: Array<Promise<unknown>>, count: number, reason: Error) {
  await until(() => sim.requestLog.length === count);
  abort.abort(reason);
  for (const call of calls) await expect(call).rejects.toBe(reason);
  await until(() => sim.requestLog.every((e) => e.abandoned !== undefined));
  return sim.requestLog.map(({ endpoint, abandoned }) => ({ endpoint, abandoned })).sort((a, b) => a.endpoint.localeCompare(b.endpoint));
}

describe('SolanaRpcClient', () => {
  it('returns lamports for 250 addresses in three getMultipleAccounts calls, unknown accounts as 0', async () => {
    const strangers = Array.from({ length: 248 }, (_, i) => addr('stranger', String(i)));
    const balances = await rpc.getSolBalances([HOLDER, TRADER, ...strangers]);
    expect(balances.get(HOLDER)).toBe(12_500_000_000n);
    expect(balances.get(strangers[0])).toBe(0n);
    expect(balances.size).toBe(250);
    expect(sim.requestLog.map((e) => e.endpoint)).toEqual(['rpc:getMultipleAccounts', 'rpc:getMultipleAccounts', 'rpc:getMultipleAccounts']);
    // the simulator's log names every address of each call, and no single wallet for a batch
    expect(sim.requestLog.map((e) => e.wallets?.length)).toEqual([100, 100, 50]);
    expect(sim.requestLog[0].wallets?.slice(0, 2)).toEqual([HOLDER, TRADER]);
    expect(sim.requestLog.map((e) => e.wallet)).toEqual([undefined, undefined, undefined]);
    const body = (await (await fetch(`${sim.url}/__sim/requests?wallet=${TRADER}`)).json()) as { requests: unknown[] };
    expect(body.requests).toHaveLength(1);
  });

  it('attributes a one-address getMultipleAccounts call to that wallet in the simulator log', async () => {
    await rpc.getSolBalances([HOLDER]);
    expect(sim.requestLog.map(({ endpoint, wallet }) => ({ endpoint, wallet }))).toEqual([{ endpoint: 'rpc:getMultipleAccounts', wallet: HOLDER }]);
  });

  it('reads one balance with getBalance', async () => {
    await expect(rpc.getBalance(HOLDER)).resolves.toBe(12_500_000_000n);
  });

  it('sums a mint over several token accounts, keeps raw amounts beyond 2^53 exact, drops zero balances, and covers Token-2022', async () => {
    const holdings = await rpc.getTokenBalances(HOLDER);
    expect(holdings.balances).toEqual(
      [
        { mint: TOKEN_A, program: 'spl-token', rawAmount: '1000500000', decimals: 6, accounts: 3 },
        { mint: TOKEN_HUGE, program: 'spl-token', rawAmount: '123456789012345678901', decimals: 9, accounts: 1 },
      ].sort((a, b) => (a.mint < b.mint ? -1 : 1)),
    );
    expect(holdings.tokenAccountCount).toBe(5);
    expect(holdings.isLargeWallet).toBe(false);
    expect(sim.requestLog.map((e) => e.endpoint)).toEqual(['rpc:getTokenAccountsByOwner', 'rpc:getTokenAccountsByOwner']);
  });

  it('derives balances from trades when the world lists no holdings', async () => {
    const holdings = await rpc.getTokenBalances(TRADER);
    expect(holdings.balances).toEqual([{ mint: TOKEN_A, program: 'spl-token', rawAmount: '25000000', decimals: 6, accounts: 1 }]);
  });

  it('flags a wallet with 10,000 token accounts as large', async () => {
    const holdings = await rpc.getTokenBalances(SPAMMED);
    expect(holdings.tokenAccountCount).toBe(10_000);
    expect(holdings.isLargeWallet).toBe(true);
  });

  describe('with an abort signal', () => {
    afterEach(() => sim.reset({ knobs: true }));

    it('drops the calls on their way when aborted: rejects with the reason, and the provider sees them abandoned', async () => {
      // far longer than the test may take: the calls can only end through the abort
      sim.configure({ latencyMs: { 'rpc:getMultipleAccounts': 600_000, 'rpc:getTokenAccountsByOwner': 600_000 } });
      const abort = new AbortController();
      const calls = [rpc.getSolBalances([HOLDER, TRADER], { signal: abort.signal }), rpc.getTokenBalances(HOLDER, { signal: abort.signal })];
      // one getMultipleAccounts call, and both token programs' getTokenAccountsByOwner
      expect(await abortInFlight(abort, calls, 3, new Error('the balance batch was cancelled'))).toEqual([
        { endpoint: 'rpc:getMultipleAccounts', abandoned: true },
        { endpoint: 'rpc:getTokenAccountsByOwner', abandoned: true },
        { endpoint: 'rpc:getTokenAccountsByOwner', abandoned: true },
      ]);
    });

    it('sends nothing once aborted, and answered calls are not marked abandoned', async () => {
      const abort = new AbortController();
      abort.abort(new Error('cancelled before it went out'));
      await expect(rpc.getSolBalances([HOLDER], { signal: abort.signal })).rejects.toThrow('cancelled before it went out');
      await expect(rpc.getTokenBalances(HOLDER, { signal: abort.signal })).rejects.toThrow('cancelled before it went out');
      expect(sim.requestLog).toHaveLength(0);

      const live = new AbortController().signal;
      expect((await rpc.getSolBalances([HOLDER], { signal: live })).get(HOLDER)).toBe(12_500_000_000n);
      expect((await rpc.getTokenBalances(HOLDER, { signal: live })).tokenAccountCount).toBe(5);
      expect(sim.requestLog).toHaveLength(3);
      expect(sim.requestLog.map((e) => e.abandoned)).toEqual([undefined, undefined, undefined]);
    });
  });
});

describe('DexScreenerClient', () => {
  it('picks the pool with the token on the base side even when a deeper pool quotes it', async () => {
    const pairs = await dex.getPairs([TOKEN_A]);
    const deepest = [...pairs].sort((a, b) => (b.liquidity?.usd ?? 0) - (a.liquidity?.usd ?? 0))[0];
    expect(deepest.quoteToken.address).toBe(TOKEN_A);

    const market = (await dex.getTokens([TOKEN_A])).get(TOKEN_A)!;
    expect(market).toMatchObject({ status: 'priced', priceSource: 'base', priceUsd: 0.5, liquidityUsd: 250_000, dexId: 'raydium', quoteMint: WSOL_MINT, symbol: 'AAA' });
  });

  it("leaves out a pair that does not read and prices the others' mints; an answer of which no pair reads fails", async () => {
    // the simulator's answer, with `corrupt` applied to it on the way (a DexScreener whose answer has one odd pair)
    let corrupt: (pairs: Array<Record<string, unknown>>) => unknown[] = (pairs) => pairs;
    const proxy = createServer((req, res) => {
      void fetch(`${sim.url}${req.url}`).then(async (upstream) => {
        const pairs = (await upstream.json()) as Array<Record<string, unknown>>;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(corrupt(pairs)));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const odd = new DexScreenerClient({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    try {
      const whole = await dex.getTokens([TOKEN_A, TOKEN_B]);
      // a pair of TOKEN_B's whose pairAddress is a number and whose baseToken has no address
      corrupt = (pairs) => [...pairs, { ...pairs.find((p) => (p.baseToken as { address: string }).address === TOKEN_B), pairAddress: 7, baseToken: { name: null } }];
      const markets = await odd.getTokens([TOKEN_A, TOKEN_B]);
      expect(markets.get(TOKEN_A)).toEqual(whole.get(TOKEN_A));
      expect(markets.get(TOKEN_B)).toEqual(whole.get(TOKEN_B));
      expect(odd.pairsLeftOut).toBe(1);
      corrupt = (pairs) => pairs.map((p) => ({ ...p, priceNative: 1 }));
      await expect(odd.getTokens([TOKEN_A])).rejects.toBeInstanceOf(MalformedResponseError);
    } finally {
      await odd.close();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('reports a token without pairs as unknown, not as an error', async () => {
    expect((await dex.getTokens([TOKEN_UNKNOWN])).get(TOKEN_UNKNOWN)).toEqual({ mint: TOKEN_UNKNOWN, status: 'unknown' });
  });

  it('prices a token that only appears as quote from priceUsd / priceNative', async () => {
    const market = (await dex.getTokens([TOKEN_QUOTE_ONLY])).get(TOKEN_QUOTE_ONLY)!;
    expect(market.status).toBe('priced');
    if (market.status !== 'priced') return;
    expect(market.priceSource).toBe('quote');
    expect(market.priceUsd).toBeCloseTo(2, 6);
  });

  it('asks for at most 30 mints per request', async () => {
    const mints = [TOKEN_A, ...Array.from({ length: 30 }, (_, i) => addr('absent-mint', String(i)))];
    const result = await dex.getTokens(mints);
    expect(result.size).toBe(31);
    expect(sim.requestLog.map((e) => e.endpoint)).toEqual(['dexscreener:tokens', 'dexscreener:tokens']);
  });

  it('reads the SOL price from the Wrapped SOL pair', async () => {
    await expect(dex.getSolPriceUsd()).resolves.toBe(150);
  });

  describe('with an abort signal', () => {
    afterEach(() => sim.reset({ knobs: true }));

    it('drops a held request when aborted: rejects with the reason, and the provider sees it abandoned', async () => {
      sim.configure({ paused: ['dexscreener'] });
      const abort = new AbortController();
      const calls = [dex.getTokens([TOKEN_A], { signal: abort.signal }), dex.getSolPriceUsd({ signal: abort.signal })];
      expect(await abortInFlight(abort, calls, 2, new Error('the enrichment batch was cancelled'))).toEqual([
        { endpoint: 'dexscreener:tokens', abandoned: true },
        { endpoint: 'dexscreener:tokens', abandoned: true },
      ]);
    });

    it('sends nothing once aborted; a live signal changes nothing', async () => {
      const abort = new AbortController();
      abort.abort(new Error('cancelled before it went out'));
      await expect(dex.getTokens([TOKEN_A], { signal: abort.signal })).rejects.toThrow('cancelled before it went out');
      expect(sim.requestLog).toHaveLength(0);

      const market = (await dex.getTokens([TOKEN_A], { signal: new AbortController().signal })).get(TOKEN_A)!;
      expect(market).toMatchObject({ status: 'priced', priceUsd: 0.5 });
      expect(sim.requestLog.map((e) => e.abandoned)).toEqual([undefined]);
    });
  });
});

describe('canonicalMarket', () => {
  const pair = (over: Partial<DexPair>): DexPair => ({
    chainId: 'solana',
    dexId: 'raydium',
    pairAddress: 'P',
    baseToken: { address: 'M', name: 'M', symbol: 'M' },
    quoteToken: { address: WSOL_MINT, name: 'SOL', symbol: 'SOL' },
    priceNative: '0.001',
    priceUsd: '0.15',
    ...over,
  });

  it('ignores other chains and pairs without a numeric priceUsd, then breaks liquidity ties on 24h volume and then age', () => {
    const pairs = [
      pair({ pairAddress: 'other-chain', chainId: 'bsc', liquidity: { usd: 9e9 } }),
      pair({ pairAddress: 'no-price', priceUsd: null, liquidity: { usd: 9e8 } }),
      pair({ pairAddress: 'young', liquidity: { usd: 100 }, volume: { h24: 5 }, pairCreatedAt: 2000 }),
      pair({ pairAddress: 'old', liquidity: { usd: 100 }, volume: { h24: 5 }, pairCreatedAt: 1000 }),
      pair({ pairAddress: 'less-volume', liquidity: { usd: 100 }, volume: { h24: 4 }, pairCreatedAt: 1 }),
    ];
    expect(canonicalMarket('M', pairs)).toMatchObject({ status: 'priced', pairAddress: 'old' });
  });

  it('treats a missing liquidity object as zero liquidity', () => {
    expect(canonicalMarket('M', [pair({ pairAddress: 'curve' }), pair({ pairAddress: 'pool', liquidity: { usd: 1 } })])).toMatchObject({ pairAddress: 'pool' });
  });
});
