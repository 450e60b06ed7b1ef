// Following an analysis when its event stream breaks because the API restarts: the polls ride out
// an API that is unreachable, answers 5xx or rate-limits (Retry-After honoured), for about two
// minutes; another 4xx, or an API that never answered, ends the follow at once.
import type { AnalysisView } from '../../../src/api/schemas/analyses';
import { ApiClient, ApiError, type SseEvent } from '../../../src/cli/api-client';
import { POLL_OUTAGE_MS, followAnalysis } from '../../../src/cli/follow';

const done = { analysisId: 'a1', status: 'completed', enrichment: { status: 'completed', fetchingElsewhere: 0 } } as unknown as AnalysisView;
const unreachable = () => new ApiError("cannot reach the API at http://127.0.0.1:3000 (ECONNREFUSED): start it with 'npm run dev' or pass --api <url>", null);

/** An API whose event stream breaks after its first event (none: at once) and whose GETs answer `answers` in turn (an Error is thrown). */
function brokenStreamApi(answers: Array<AnalysisView | Error>, firstEvent: SseEvent | null = { event: 'progress', data: { phase: 'syncing', percent: 40, wallets: {} } }) {
  const getAnalysis = jest.fn(async () => {
    const next = answers.length > 1 ? answers.shift() : answers[0];
    if (next instanceof Error) throw next;
    return next as AnalysisView;
  });
  async function* events(): AsyncGenerator<SseEvent> {
    if (firstEvent) yield firstEvent;
    throw unreachable();
  }
  return { api: { events, getAnalysis } as unknown as ApiClient, getAnalysis };
}

const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

describe('followAnalysis when the API restarts', () => {
  it('retries an unreachable API, a 503 and a 429 (waiting its Retry-After), then returns the view', async () => {
    const { api, getAnalysis } = brokenStreamApi([unreachable(), new ApiError('503 Service Unavailable: Temporal is not answering', 503), new ApiError('429 Too Many Requests: rate limit', 429, null, 7_000), done]);
    const waits: number[] = [];
    const view = await followAnalysis(api, 'a1', { stream: quiet, sleep: async (ms) => void waits.push(ms) });
    expect(view).toBe(done);
    expect(getAnalysis).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([1_000, 2_000, 7_000]);
  });

  it('ends at once when the API never answered (a wrong --api, an API not started): nothing to ride out', async () => {
    const { api, getAnalysis } = brokenStreamApi([unreachable()], null);
    const waits: number[] = [];
    await expect(followAnalysis(api, 'a1', { stream: quiet, sleep: async (ms) => void waits.push(ms) })).rejects.toThrow(/^cannot reach the API at http:\/\/127\.0\.0\.1:3000 \(ECONNREFUSED\)/);
    expect(getAnalysis).toHaveBeenCalledTimes(1);
    expect(waits).toEqual([]);
  });

  it('rides out a stream that broke before its first event when the API had answered the start, and a proxy\'s 408', async () => {
    const { api, getAnalysis } = brokenStreamApi([unreachable(), new ApiError('408 Request Timeout: proxy', 408), done], null);
    const waits: number[] = [];
    const view = await followAnalysis(api, 'a1', { stream: quiet, sleep: async (ms) => void waits.push(ms), apiAnswered: true });
    expect(view).toBe(done);
    expect(getAnalysis).toHaveBeenCalledTimes(3);
    expect(waits).toEqual([1_000, 2_000]);
  });

  it('ends at once on another 4xx (a 404: no such analysis), without waiting', async () => {
    const notFound = new ApiError('404 Not Found: no analysis a1', 404);
    const { api, getAnalysis } = brokenStreamApi([notFound]);
    const waits: number[] = [];
    await expect(followAnalysis(api, 'a1', { stream: quiet, sleep: async (ms) => void waits.push(ms) })).rejects.toBe(notFound);
    expect(getAnalysis).toHaveBeenCalledTimes(1);
    expect(waits).toEqual([]);
  });

  it('gives up after about two minutes of consecutive failures with one line that says how to follow again', async () => {
    const { api, getAnalysis } = brokenStreamApi([unreachable()]);
    const waits: number[] = [];
    const err = await followAnalysis(api, 'a1', { stream: quiet, sleep: async (ms) => void waits.push(ms) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBeNull();
    expect((err as Error).message).toMatch(/^cannot reach the API at .* \(still so after 120 s of retries; the analysis may still run: wallet-similarity show a1 follows it again\)$/);
    expect(waits.reduce((a, b) => a + b, 0)).toBe(POLL_OUTAGE_MS);
    expect(getAnalysis).toHaveBeenCalledTimes(waits.length + 1);
    expect(waits.length).toBeLessThan(20);
  });

  it('counts only consecutive failures: an answer in between starts the budget again', async () => {
    const running = { ...done, status: 'running', progress: null } as unknown as AnalysisView;
    const failures = (n: number) => Array.from({ length: n }, () => new ApiError('502 Bad Gateway: proxy', 502));
    const { api } = brokenStreamApi([...failures(12), running, ...failures(12), done]);
    // 12 failures wait 95 s: two such runs in a row would be past the two minutes
    await expect(followAnalysis(api, 'a1', { stream: quiet, sleep: async () => undefined })).resolves.toBe(done);
  });
});

describe('ApiClient', () => {
  afterEach(() => jest.restoreAllMocks());

  it("keeps an error answer's Retry-After (seconds) on the ApiError", async () => {
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ title: 'Too Many Requests', detail: 'rate limit exceeded' }), { status: 429, headers: { 'content-type': 'application/problem+json', 'retry-after': '7' } }));
    const err = await new ApiClient('http://127.0.0.1:3000').getAnalysis('a1').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, retryAfterMs: 7_000, message: '429 Too Many Requests: rate limit exceeded' });
  });
});
