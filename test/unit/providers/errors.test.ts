import {
  DexScreenerClient,
  HeliusClient,
  InvalidAddressError,
  InvalidApiKeyError,
  InvalidRequestError,
  NON_RETRYABLE_PROVIDER_ERRORS,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  SolanaRpcClient,
  isRetryable,
  InMemoryRateBudget,
  learningMargin,
  perSecond,
} from '../../../src/providers';
import { ProviderHttp } from '../../../src/providers/http';
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { TOKEN_A, addr, failure, swaps, worldWith } from './worlds';

const WALLET = addr('wallet', 'errors');
const OTHER = addr('wallet', 'errors-other');
const SECRET = 'sk-live-0123456789abcdef';

let sim: SimulatorHandle;
let helius: HeliusClient;
let rpc: SolanaRpcClient;
let dex: DexScreenerClient;

beforeAll(async () => {
  sim = await startSimulator({ world: worldWith([{ address: WALLET, trades: swaps(20) }, { address: OTHER, trades: swaps(3) }]), faults: { timeoutHoldMs: 5_000 } });
  const timeouts = { headersTimeoutMs: 300, bodyTimeoutMs: 300 };
  helius = new HeliusClient({ baseUrl: sim.url, apiKey: SECRET, timeouts });
  rpc = new SolanaRpcClient({ url: sim.url, apiKey: SECRET, timeouts });
  dex = new DexScreenerClient({ baseUrl: sim.url, timeouts });
});
afterAll(async () => {
  await Promise.all([helius.close(), rpc.close(), dex.close()]);
  await sim.close();
});
beforeEach(() => sim.reset({ knobs: true }));

describe('error classification against the simulator', () => {
  it('reports a bad API key as InvalidApiKeyError after exactly one request, non-retryable, without the key in the message', async () => {
    sim.configure({ invalidKey: true });

    const err = await failure(helius.fetchHistory(WALLET));

    expect(err).toBeInstanceOf(InvalidApiKeyError);
    expect(err.name).toBe('InvalidApiKeyError');
    expect(isRetryable(err)).toBe(false);
    expect(err.message).not.toContain(SECRET);
    expect(JSON.stringify(err)).not.toContain(SECRET);
    expect(sim.requestLog).toHaveLength(1);
  });

  it('reports a bad API key on JSON-RPC the same way', async () => {
    sim.configure({ invalidKey: true });
    const err = await failure(rpc.getBalance(WALLET));
    expect(err).toBeInstanceOf(InvalidApiKeyError);
    expect(err.message).not.toContain(SECRET);
  });

  it('classifies 429 "rate limited" as retryable ProviderRateLimitedError', async () => {
    sim.configure({ rateLimits: { heliusRps: 0, rpcRps: 0 } });
    const fromRest = await failure(helius.fetchHistoryPage(WALLET));
    const fromRpc = await failure(rpc.getBalance(WALLET));
    for (const err of [fromRest, fromRpc]) {
      expect(err).toBeInstanceOf(ProviderRateLimitedError);
      expect(isRetryable(err)).toBe(true);
    }
  });

  it('classifies DexScreener 429 with a non-JSON CDN body as ProviderRateLimitedError', async () => {
    sim.configure({ rateLimits: { dexscreenerRpm: 0 } });
    expect(await failure(dex.getTokens([TOKEN_A]))).toBeInstanceOf(ProviderRateLimitedError);
  });

  it('classifies 429 "max usage reached" as non-retryable QuotaExhaustedError', async () => {
    sim.configure({ rateLimits: { quotaExhausted: true } });
    const fromRest = await failure(helius.fetchHistoryPage(WALLET));
    const fromRpc = await failure(rpc.getSolBalances([WALLET]));
    for (const err of [fromRest, fromRpc]) {
      expect(err).toBeInstanceOf(QuotaExhaustedError);
      expect(isRetryable(err)).toBe(false);
    }
  });

  it("tells the request's budget of each rate-limited answer (an adaptive one widens its margin), and not of quota exhaustion", async () => {
    const spec = learningMargin(perSecond(1000, 20), { minMs: 10, maxMs: 500, halfLifeRequests: 1000 });
    const heliusBudget = new InMemoryRateBudget(spec);
    const rpcBudget = new InMemoryRateBudget(spec);
    const budgeted = [new HeliusClient({ baseUrl: sim.url, apiKey: SECRET, budget: heliusBudget }), new SolanaRpcClient({ url: sim.url, apiKey: SECRET, budget: rpcBudget })] as const;
    try {
      sim.configure({ rateLimits: { quotaExhausted: true } });
      expect(await failure(budgeted[0].fetchHistoryPage(WALLET))).toBeInstanceOf(QuotaExhaustedError);
      expect(await failure(budgeted[1].getSolBalances([WALLET]))).toBeInstanceOf(QuotaExhaustedError);
      // one reservation each, nothing learnt: the margin decayed a little from 20
      expect(await heliusBudget.marginMs()).toBeLessThan(20);
      expect(await rpcBudget.marginMs()).toBeLessThan(20);

      sim.reset({ knobs: true });
      sim.configure({ rateLimits: { heliusRps: 0, rpcRps: 0 } });
      expect(await failure(budgeted[0].fetchHistoryPage(WALLET))).toBeInstanceOf(ProviderRateLimitedError);
      expect(await failure(budgeted[1].getBalance(WALLET))).toBeInstanceOf(ProviderRateLimitedError);
      expect(await heliusBudget.marginMs()).toBeGreaterThan(30);
      expect(await rpcBudget.marginMs()).toBeGreaterThan(30);
    } finally {
      await Promise.all(budgeted.map((c) => c.close()));
    }
  });

  it('classifies every injected 5xx as retryable ProviderUnavailableError', async () => {
    sim.configure({ faults: { errorRate: 1, seed: 42 } });
    const errors = [];
    for (let i = 0; i < 8; i++) errors.push(await failure(i % 2 ? helius.fetchHistoryPage(WALLET) : rpc.getBalance(WALLET)));
    expect(new Set(sim.requestLog.map((e) => e.status)).size).toBeGreaterThan(1);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ProviderUnavailableError);
      expect(isRetryable(err)).toBe(true);
    }
  });

  it('classifies a response that never comes as a retryable timeout', async () => {
    sim.configure({ faults: { timeoutRate: 1 } });
    const err = await failure(helius.fetchHistoryPage(WALLET));
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as ProviderUnavailableError).reason).toBe('timeout');
  });

  it('classifies a truncated JSON body as a retryable ProviderUnavailableError', async () => {
    sim.configure({ faults: { truncateRate: 1 } });
    for (const call of [helius.fetchHistoryPage(WALLET), rpc.getBalance(WALLET), dex.getTokens([TOKEN_A])]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(ProviderUnavailableError);
      expect((err as ProviderUnavailableError).reason).toBe('truncated-body');
    }
  });

  it('classifies a refused connection as a retryable network error', async () => {
    const closed = await startSimulator({ world: worldWith([]) });
    const url = closed.url;
    await closed.close();
    const client = new HeliusClient({ baseUrl: url, apiKey: SECRET });
    const err = await failure(client.fetchHistoryPage(WALLET));
    await client.close();
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as ProviderUnavailableError).reason).toBe('network');
    expect(err.message).not.toContain(SECRET);
  });

  it('classifies a 400 from the provider (a cursor of another wallet) as non-retryable InvalidRequestError', async () => {
    const foreignCursor = sim.world.signature(sim.world.indexOf(OTHER)!, 1);
    const err = await failure(helius.fetchHistoryPage(WALLET, { before: foreignCursor }));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as InvalidRequestError).status).toBe(400);
    expect(isRetryable(err)).toBe(false);
  });

  it('classifies JSON-RPC -32602 inside HTTP 200 as InvalidRequestError', async () => {
    const err = await failure(rpc.getSignaturesForAddress(WALLET, { limit: 5000 }));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.message).toContain('Invalid limit; max 1000');
  });

  it('rejects a malformed wallet address before any request with InvalidAddressError', async () => {
    for (const call of [helius.fetchHistoryPage('not-a-wallet'), rpc.getTokenBalances('0OIl'), dex.getPairs(['abc'])]) {
      const err = await failure(call);
      expect(err).toBeInstanceOf(InvalidAddressError);
      expect(isRetryable(err)).toBe(false);
    }
    expect(sim.requestLog).toHaveLength(0);
  });

  it("answers a batch's mint that is no address (a malformed payload's) as unknown, and prices the others: one string does not fail its batch", async () => {
    expect(await dex.getTokens(['abc'])).toEqual(new Map([['abc', { mint: 'abc', status: 'unknown' }]]));
    expect(sim.requestLog).toHaveLength(0);
    const markets = await dex.getTokens(['0OIl', TOKEN_A]);
    expect(markets.get('0OIl')).toEqual({ mint: '0OIl', status: 'unknown' });
    expect(markets.get(TOKEN_A)?.status).toBe('priced');
    expect(sim.requestLog.map((r) => r.mints)).toEqual([[TOKEN_A]]);
  });

  it('succeeds again once faults are switched off at runtime through POST /__sim/config', async () => {
    await fetch(`${sim.url}/__sim/config`, { method: 'POST', body: JSON.stringify({ faults: { errorRate: 1 } }) });
    expect(await failure(rpc.getBalance(WALLET))).toBeInstanceOf(ProviderUnavailableError);
    await fetch(`${sim.url}/__sim/config`, { method: 'POST', body: JSON.stringify({ faults: { errorRate: 0 } }) });
    await expect(rpc.getBalance(WALLET)).resolves.toBeGreaterThan(0n);
  });
});

describe('classification rules that the simulator does not produce', () => {
  const http = new ProviderHttp({ provider: 'helius', baseUrl: 'http://127.0.0.1:9', apiKey: SECRET });
  afterAll(() => http.close());

  it('treats Helius burst answers "401 Bad request, please try again later." as rate limiting', () => {
    const err = http.httpError({ status: 401, text: '{"jsonrpc":"2.0","error":{"code":-32401,"message":"Bad request, please try again later."}}' }, 'op');
    expect(err).toBeInstanceOf(ProviderRateLimitedError);
  });

  it("treats a 401/403 of a provider that takes no key (DexScreener's edge) as retryable unavailability, not a key to check", () => {
    const keyless = new ProviderHttp({ provider: 'dexscreener', keyless: true, baseUrl: 'http://127.0.0.1:9' });
    // a provider that takes a key, asked without one (HELIUS_API_KEY unset): the key to check
    const unkeyed = new ProviderHttp({ provider: 'helius', baseUrl: 'http://127.0.0.1:9' });
    try {
      for (const status of [401, 403]) {
        const err = keyless.httpError({ status, text: '<html>Just a moment...</html>' }, 'op');
        expect(err).toBeInstanceOf(ProviderUnavailableError);
        expect(err.retryable).toBe(true);
        expect(err.message).not.toContain('check the configured key');
      }
      // with a key, the key is what was refused; without the key it takes, the same
      expect(http.httpError({ status: 403, text: 'Forbidden' }, 'op')).toBeInstanceOf(InvalidApiKeyError);
      expect(unkeyed.httpError({ status: 401, text: 'Unauthorized' }, 'op')).toBeInstanceOf(InvalidApiKeyError);
    } finally {
      void keyless.close();
      void unkeyed.close();
    }
  });

  it("treats a proxy's 408 (request timeout) and 425 (too early) as retryable unavailability, not a bad request", () => {
    for (const status of [408, 425]) {
      const err = http.httpError({ status, text: 'Request Timeout' }, 'op');
      expect(err).toBeInstanceOf(ProviderUnavailableError);
      expect(err.retryable).toBe(true);
    }
    expect(http.httpError({ status: 404, text: 'not found' }, 'op').retryable).toBe(false);
  });

  it('reads the message from {"error": "string"} bodies (Helius REST 500)', () => {
    const err = http.httpError({ status: 500, text: '{"error":"Internal Server Error"}' }, 'op');
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect(err.message).toContain('Internal Server Error');
  });

  it('redacts an API key that a provider echoes back in an error body', () => {
    const err = http.httpError({ status: 400, text: `{"error":"bad url https://x/v0?api-key=${SECRET}"}` }, 'op');
    expect(err.message).not.toContain(SECRET);
  });

  it('lists exactly the non-retryable class names for Temporal, and honours them after serialization', () => {
    expect(NON_RETRYABLE_PROVIDER_ERRORS.sort()).toEqual(['InvalidAddressError', 'InvalidApiKeyError', 'InvalidRequestError', 'MalformedResponseError', 'QuotaExhaustedError', 'UnsupportedMethodError']);
    expect(isRetryable({ type: 'UnsupportedMethodError', message: 'JSON-RPC -32601: Method not found' })).toBe(false);
    expect(isRetryable({ type: 'QuotaExhaustedError', message: 'from a Temporal ApplicationFailure' })).toBe(false);
    expect(isRetryable({ type: 'ProviderRateLimitedError' })).toBe(true);
  });
});
