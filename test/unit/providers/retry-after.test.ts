// A 429 is "later", not "broken": the provider's Retry-After (seconds or an HTTP date) is read from
// the answer, travels on the error, and becomes Temporal's next retry delay. Errors that retrying
// cannot fix become non-retryable failures.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import {
  DexScreenerClient,
  HeliusClient,
  InvalidApiKeyError,
  MAX_RETRY_AFTER_MS,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  SolanaRpcClient,
  parseRetryAfter,
} from '../../../src/providers';
import { ProviderHttp } from '../../../src/providers/http';
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { RETRY_AFTER_JITTER_MS, toActivityFailure } from '../../../src/temporal/activity-failures';
import { TOKEN_A, addr, failure, swaps, worldWith } from './worlds';

const WALLET = addr('wallet', 'retry-after');
const details = { provider: 'helius' as const, operation: 'test' };

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-29T12:00:00Z');
  it.each([
    ['7', 7_000],
    [' 2 ', 2_000],
    ['Sun, 29 Nov 2026 12:00:30 GMT', 30_000],
    ['Sunday, 29-Nov-26 12:01:00 GMT', 60_000],
    [['3', '9'], 3_000],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseRetryAfter(value as string | string[], now)).toBe(ms);
  });

  it.each([[undefined], [null], [''], ['0'], ['-5'], ['1.5'], ['soon'], ['Sun, 29 Nov 2026 11:59:00 GMT'], ['12:00']])('gives no hint for %j', (value) => {
    expect(parseRetryAfter(value as string | undefined, now)).toBeUndefined();
  });

  it(`caps a far-away answer at ${MAX_RETRY_AFTER_MS} ms`, () => {
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('Tue, 01 Dec 2026 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('Retry-After on provider errors', () => {
  let server: Server;
  let url: string;
  let answer: { status: number; headers: Record<string, string>; body: string };
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a Helius REST 429 with Retry-After in seconds is rate limiting that says how long to wait', async () => {
    answer = { status: 429, headers: { 'retry-after': '4' }, body: '{"jsonrpc":"2.0","error":{"code":-32429,"message":"rate limited"}}' };
    const helius = new HeliusClient({ baseUrl: url, apiKey: 'k-123456' });
    const err = await failure(helius.fetchHistoryPage(WALLET));
    await helius.close();
    expect(err).toBeInstanceOf(ProviderRateLimitedError);
    expect((err as ProviderRateLimitedError).retryAfterMs).toBe(4_000);
  });

  it('a JSON-RPC 429 with Retry-After as an HTTP date carries the time until then', async () => {
    // a whole second about 20 s from now (an HTTP date has no milliseconds)
    const until = Math.floor((Date.now() + 20_000) / 1000) * 1000;
    answer = { status: 429, headers: { 'retry-after': new Date(until).toUTCString() }, body: '{"jsonrpc":"2.0","error":{"code":-32429,"message":"rate limited"},"id":1}' };
    const rpc = new SolanaRpcClient({ url, apiKey: 'k-123456' });
    const before = Date.now();
    const err = await failure(rpc.getBalance(WALLET));
    const after = Date.now();
    await rpc.close();
    expect(err).toBeInstanceOf(ProviderRateLimitedError);
    // the time from when the answer was read until that second
    expect((err as ProviderRateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(until - after);
    expect((err as ProviderRateLimitedError).retryAfterMs).toBeLessThanOrEqual(until - before);
  });

  it('a 503 with Retry-After is a retryable outage with that wait; a 429 without one has no hint', async () => {
    answer = { status: 503, headers: { 'retry-after': '2' }, body: '{"error":"maintenance"}' };
    const dex = new DexScreenerClient({ baseUrl: url });
    const outage = await failure(dex.getTokens([TOKEN_A]));
    answer = { status: 429, headers: {}, body: 'error code: 1015' };
    const limited = await failure(dex.getTokens([TOKEN_A]));
    await dex.close();
    expect(outage).toBeInstanceOf(ProviderUnavailableError);
    expect((outage as ProviderUnavailableError).retryAfterMs).toBe(2_000);
    expect(limited).toBeInstanceOf(ProviderRateLimitedError);
    expect((limited as ProviderRateLimitedError).retryAfterMs).toBeUndefined();
  });

  it('ignores Retry-After on a 200', async () => {
    answer = { status: 200, headers: { 'retry-after': '5' }, body: '[]' };
    const http = new ProviderHttp({ provider: 'dexscreener', baseUrl: url });
    const res = await http.send({ method: 'GET', path: '/x', operation: 'GET /x' });
    await http.close();
    expect(res).toEqual({ status: 200, text: '[]' });
  });
});

describe("the simulator's rate limit answers with Retry-After when asked to", () => {
  let sim: SimulatorHandle;
  beforeAll(async () => {
    sim = await startSimulator({ world: worldWith([{ address: WALLET, trades: swaps(3) }]) });
  });
  afterAll(() => sim.close());

  it('sends whole seconds until the window has room, and the clients read them', async () => {
    sim.configure({ rateLimits: { heliusRps: 1, rpcRps: 1, retryAfter: true } });
    const helius = new HeliusClient({ baseUrl: sim.url, apiKey: 'k-123456' });
    const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'k-123456' });
    await helius.fetchHistoryPage(WALLET);
    await rpc.getBalance(WALLET);
    const errors = [await failure(helius.fetchHistoryPage(WALLET)), await failure(rpc.getBalance(WALLET))];
    await Promise.all([helius.close(), rpc.close()]);
    for (const err of errors) {
      expect(err).toBeInstanceOf(ProviderRateLimitedError);
      expect((err as ProviderRateLimitedError).retryAfterMs).toBe(1_000);
    }
  });
});

describe('toActivityFailure: what Temporal sees', () => {
  it('a rate limit with Retry-After retries after that delay (plus jitter), as a benign failure of the same type', () => {
    const err = new ProviderRateLimitedError('HTTP 429: rate limited', { ...details, status: 429, retryAfterMs: 3_000 });
    const failure = toActivityFailure(err, () => 0.5) as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'ProviderRateLimitedError', nonRetryable: false, nextRetryDelay: 3_000 + RETRY_AFTER_JITTER_MS / 2, category: ApplicationFailureCategory.BENIGN });
    expect(failure.message).toBe(err.message);
  });

  it('a rate limit without Retry-After keeps the policy backoff', () => {
    const failure = toActivityFailure(new ProviderRateLimitedError('HTTP 429', details)) as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'ProviderRateLimitedError', nonRetryable: false, category: ApplicationFailureCategory.BENIGN });
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  it('an outage with Retry-After waits that long; without one it is passed through', () => {
    const withHint = toActivityFailure(new ProviderUnavailableError('HTTP 503', { ...details, retryAfterMs: 2_000 }, 'http-5xx'), () => 0) as ApplicationFailure;
    expect(withHint).toMatchObject({ type: 'ProviderUnavailableError', nonRetryable: false, nextRetryDelay: 2_000 });
    const plain = new ProviderUnavailableError('HTTP 500', details, 'http-5xx');
    expect(toActivityFailure(plain)).toBe(plain);
  });

  it('an invalid key is non-retryable under any retry policy, with its message', () => {
    const failure = toActivityFailure(new InvalidApiKeyError('API key rejected (HTTP 401)', { ...details, status: 401 })) as ApplicationFailure;
    expect(failure).toMatchObject({ type: 'InvalidApiKeyError', nonRetryable: true });
    expect(failure.message).toContain('API key rejected');
  });

  it("PostgreSQL's refusal of a statement's data (class 22, NOT NULL, CHECK) fails at once; races (unique, foreign key) and outages keep the policy's retries", () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code, severity: 'ERROR' });
    for (const code of ['22P02', '22003', '22021', '23502', '23514']) {
      const failure = toActivityFailure(pgError(code, 'invalid input syntax for type bigint: "x"')) as ApplicationFailure;
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: 'PostgresDataError', nonRetryable: true });
      expect(failure.message).toBe(`PostgreSQL refused the data (SQLSTATE ${code}): invalid input syntax for type bigint: "x"`);
    }
    for (const code of ['23505', '23503', '57P01', '08006', '40001']) {
      const err = pgError(code, 'retry may settle it');
      expect(toActivityFailure(err)).toBe(err);
    }
  });

  it('leaves other errors alone', () => {
    const err = new Error('database is down');
    expect(toActivityFailure(err)).toBe(err);
  });
});
