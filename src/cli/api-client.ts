// A small client of the wallet-similarity HTTP API for the CLI and the demo: JSON calls that turn
// problem+json answers into errors with the server's detail, and a Server-Sent Events reader.
import type { AnalysisList, AnalysisStartBody, AnalysisView, StartedAnalysis } from '../api/schemas/analyses';
import type { AnalysisChanges } from '../api/schemas/changes';
import type { PairsPage, PairsPageQuery } from '../api/schemas/pairs';
import type { TokenView } from '../api/schemas/tokens';
import type { WalletAnalyticsView, WalletStatusView } from '../api/schemas/wallets';
import type { SecretRotated, WatchChangeBody, WatchStartBody, WatchSummary, WatchView } from '../api/schemas/watches';
import { ActionableError, describeFailure } from '../errors';

/** The API answered with an error (problem details) or could not be reached. */
export class ApiError extends ActionableError {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly problemType: string | null = null,
    /** the answer's `Retry-After` in seconds, as ms (a 429's, a 503's); null without one */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

export interface SseEvent {
  event: string;
  data: unknown;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly apiKey?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}), ...extra };
  }

  private async request<T>(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    let url: URL;
    try {
      url = new URL(path, this.baseUrl);
    } catch {
      throw new ApiError(`the API address '${this.baseUrl}' is not a URL: give it with its scheme, e.g. --api http://127.0.0.1:3000`, null);
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: this.headers({ ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extraHeaders }),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const reason = describeFailure(err);
      throw new ApiError(`cannot reach the API at ${this.baseUrl} (${reason}): start it with 'npm run dev' or pass --api <url>`, null);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      // an HTML page (a proxy's 502, another server on that port): not this API's answer
      const type = res.headers.get('content-type')?.split(';')[0] ?? 'no content type';
      throw new ApiError(`${this.baseUrl} answered ${method} ${path} with ${res.status} ${type}, not JSON: is --api the wallet-similarity API?`, res.status);
    }
    if (!res.ok) {
      const problem = parsed as { detail?: string; title?: string; type?: string } | null;
      const retryAfter = Number(res.headers.get('retry-after') ?? '');
      throw new ApiError(`${res.status} ${problem?.title ?? res.statusText}: ${problem?.detail ?? text}`, res.status, problem?.type ?? null, retryAfter > 0 ? retryAfter * 1000 : null);
    }
    return parsed as T;
  }

  startAnalysis(body: AnalysisStartBody, idempotencyKey?: string): Promise<StartedAnalysis> {
    return this.request('POST', '/v1/analyses', body, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});
  }

  getAnalysis(id: string): Promise<AnalysisView> {
    return this.request('GET', `/v1/analyses/${encodeURIComponent(id)}`);
  }

  /** One page of the analysis's pairs, strongest first (GET /v1/analyses/{id}/pairs). */
  getPairsPage(id: string, query: Partial<PairsPageQuery> = {}): Promise<PairsPage> {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return this.request('GET', `/v1/analyses/${encodeURIComponent(id)}/pairs${qs ? `?${qs}` : ''}`);
  }

  /** The key's completed analyses before analysis `id` whose group shares at least half of its wallets (however many), those sharing most first, then the newest (GET /v1/analyses?sharing=). */
  async completedAnalysesSharing(id: string): Promise<NonNullable<AnalysisList['analyses']>> {
    const q = new URLSearchParams({ sharing: id, status: 'completed', before: id, limit: '5' });
    return (await this.request<AnalysisList>('GET', `/v1/analyses?${q}`)).analyses ?? [];
  }

  /** What changed in analysis `id` since analysis `since` (GET /v1/analyses/{id}/changes). */
  getChanges(id: string, since: string, limit?: number): Promise<AnalysisChanges> {
    const q = new URLSearchParams({ since, ...(limit === undefined ? {} : { limit: String(limit) }) });
    return this.request('GET', `/v1/analyses/${encodeURIComponent(id)}/changes?${q}`);
  }

  /** Watches a group (POST /v1/watches): analysed at once, then every `everyMinutes`. */
  createWatch(body: WatchStartBody): Promise<WatchView> {
    return this.request('POST', '/v1/watches', body);
  }

  /** The key's watched groups, newest first (GET /v1/watches). */
  async listWatches(): Promise<WatchSummary[]> {
    return (await this.request<{ watches: WatchSummary[] }>('GET', '/v1/watches?limit=100')).watches;
  }

  /** A watched group with its schedule and newest `runs` runs (GET /v1/watches/{id}). */
  getWatch(id: string, runs?: number): Promise<WatchView> {
    return this.request('GET', `/v1/watches/${encodeURIComponent(id)}${runs === undefined ? '' : `?runs=${runs}`}`);
  }

  /** Runs a watched group now (POST /v1/watches/{id}/runs). */
  runWatch(id: string): Promise<unknown> {
    return this.request('POST', `/v1/watches/${encodeURIComponent(id)}/runs`);
  }

  /** Changes a watch's interval or webhook (PATCH /v1/watches/{id}). */
  changeWatch(id: string, body: WatchChangeBody): Promise<WatchView> {
    return this.request('PATCH', `/v1/watches/${encodeURIComponent(id)}`, body);
  }

  /** Replaces a watch's webhook signing secret (POST /v1/watches/{id}/secret); the one replaced signs beside it for `keepPreviousHours` (absent: the API's default). */
  rotateWatchSecret(id: string, keepPreviousHours?: number): Promise<SecretRotated> {
    return this.request('POST', `/v1/watches/${encodeURIComponent(id)}/secret${keepPreviousHours === undefined ? '' : `?keepPreviousHours=${keepPreviousHours}`}`);
  }

  /** Stops watching a group (DELETE /v1/watches/{id}). */
  deleteWatch(id: string): Promise<unknown> {
    return this.request('DELETE', `/v1/watches/${encodeURIComponent(id)}`);
  }

  /** A wallet's stored PnL, behavior and coverage (GET /v1/wallets/{address}). */
  getWallet(address: string): Promise<WalletAnalyticsView> {
    return this.request('GET', `/v1/wallets/${encodeURIComponent(address)}`);
  }

  /** Wallets' sync statuses (POST /v1/wallets/status). */
  async walletStatuses(wallets: string[]): Promise<WalletStatusView[]> {
    return (await this.request<{ wallets: WalletStatusView[] }>('POST', '/v1/wallets/status', { wallets })).wallets;
  }

  /** Starts (or joins) wallets' syncs (POST /v1/wallets/sync). */
  syncWallets(wallets: string[]): Promise<unknown> {
    return this.request('POST', '/v1/wallets/sync', { wallets });
  }

  /** A token's registry record (GET /v1/tokens/{mint}). */
  getToken(mint: string): Promise<TokenView> {
    return this.request('GET', `/v1/tokens/${encodeURIComponent(mint)}`);
  }

  /** Yields the analysis's events until the server ends the stream (or `signal` aborts). */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<SseEvent> {
    const res = await fetch(new URL(`/v1/analyses/${encodeURIComponent(id)}/events`, this.baseUrl), { headers: this.headers({ accept: 'text/event-stream' }), signal });
    if (!res.ok || !res.body) throw new ApiError(`${res.status}: the event stream was refused`, res.status);
    yield* parseEventStream(res.body, signal);
  }
}

/** Parses a text/event-stream body into events (comments and retry lines are skipped). */
export async function* parseEventStream(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  try {
    while (!signal?.aborted) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let boundary = buffer.indexOf('\n\n');
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf('\n\n');
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) as unknown };
      }
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}
