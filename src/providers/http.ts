// The one HTTP layer of all provider clients: an undici Agent with keep-alive and connect/headers/
// body timeouts, the rate budget taken before every request, and one error classification.
// Nothing here retries: Temporal retries the activity (docs/providers.md, "One retry layer"), after
// the provider's Retry-After when an error answer carries one.
import pLimit from 'p-limit';
import { Agent } from 'undici';
import type { ProviderErrorDetails, ProviderName } from './errors';
import {
  InvalidApiKeyError,
  InvalidRequestError,
  ProviderRateLimitedError,
  ProviderUnavailableError,
  QuotaExhaustedError,
  UnsupportedMethodError,
  type ProviderError,
} from './errors';
import type { RateBudget } from './rate-limit';
import { unlimitedBudget } from './rate-limit';
import { redactKnownSecrets } from '../redact';
import { parseRetryAfter } from './retry-after';

export interface HttpTimeouts {
  /** TCP/TLS connect, default 5 s */
  connectTimeoutMs?: number;
  /** from request sent to response headers, default 30 s */
  headersTimeoutMs?: number;
  /** max idle time between body chunks, default 30 s */
  bodyTimeoutMs?: number;
  /** idle keep-alive sockets are closed after this, default 30 s */
  keepAliveTimeoutMs?: number;
  /** sockets per origin, default 32; also the requests that may hold a budget slot at once (see send) */
  connections?: number;
}

export interface ProviderHttpOptions {
  provider: ProviderName;
  baseUrl: string;
  /** sent as the `api-key` query parameter when set */
  apiKey?: string;
  /**
   * the provider takes no key at all (DexScreener): a 401/403 is its edge refusing the request (a
   * CDN's challenge, usually brief), retried, not a key to check. A provider that takes one, asked
   * without it (HELIUS_API_KEY unset), is told to check the key
   */
  keyless?: boolean;
  budget?: RateBudget;
  timeouts?: HttpTimeouts;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** path below the base URL, e.g. "/v0/transactions" */
  path: string;
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** how errors name this call, e.g. "GET /v0/addresses/{address}/transactions" */
  operation: string;
  /**
   * Aborts the request wherever it is (waiting its turn, its budget slot, or on the wire): the
   * promise rejects with the signal's reason (a cancelled activity's CancelledFailure), not with a
   * provider error. A slot already taken stays spent.
   */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  text: string;
  /** the `Retry-After` header, in ms (see parseRetryAfter) */
  retryAfterMs?: number;
}

export class ProviderHttp {
  readonly provider: ProviderName;
  private readonly base: URL;
  private readonly apiKey?: string;
  private readonly keyless: boolean;
  private readonly budget: RateBudget;
  private readonly agent: Agent;
  private readonly gate: ReturnType<typeof pLimit>;

  constructor(options: ProviderHttpOptions) {
    this.provider = options.provider;
    this.base = new URL(options.baseUrl);
    this.apiKey = options.apiKey || this.base.searchParams.get('api-key') || undefined;
    this.keyless = options.keyless === true;
    this.budget = options.budget ?? unlimitedBudget;
    const t = options.timeouts ?? {};
    const connections = t.connections ?? 32;
    this.gate = pLimit(connections);
    this.agent = new Agent({
      connections,
      keepAliveTimeout: t.keepAliveTimeoutMs ?? 30_000,
      connect: { timeout: t.connectTimeoutMs ?? 5_000 },
      headersTimeout: t.headersTimeoutMs ?? 30_000,
      bodyTimeout: t.bodyTimeoutMs ?? 30_000,
    });
  }

  details(operation: string, status?: number, rpcCode?: number, retryAfterMs?: number): ProviderErrorDetails {
    return { provider: this.provider, operation, status, rpcCode, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }

  /**
   * Sends one request after taking one token from the rate budget. Throws only transport errors.
   * At most `connections` requests take a slot and go out at once; the others wait their turn
   * before the budget, not after it: a request that took its slot and then queued for a busy socket
   * would leave late, together with the ones behind it, and the provider would count more than the
   * budget in a second (measured: 11 of 3,000 history requests answered 429, at 59 a second against
   * 50, when 16 sockets served about 100 requests in flight).
   */
  send(req: HttpRequest): Promise<HttpResponse> {
    const signal = req.signal;
    signal?.throwIfAborted();
    const queued = this.gate(() => this.sendNow(req));
    if (!signal) return queued;
    // an abort ends the wait for a slot too: the request, once its turn comes, finds the signal
    // aborted and leaves at once (its failure is the caller's no more)
    queued.catch(() => undefined);
    return new Promise<HttpResponse>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      queued.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async sendNow(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(this.base.toString());
    const basePath = url.pathname.replace(/\/+$/, '');
    url.pathname = `${basePath}${req.path}` || '/';
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    if (this.apiKey) url.searchParams.set('api-key', this.apiKey);
    await this.budget.acquire(req.signal);
    req.signal?.throwIfAborted();
    try {
      const res = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers:
          req.json === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal: req.signal,
      });
      const text = await res.body.text();
      const retryAfterMs = res.statusCode >= 400 ? parseRetryAfter(res.headers['retry-after']) : undefined;
      return retryAfterMs === undefined ? { status: res.statusCode, text } : { status: res.statusCode, text, retryAfterMs };
    } catch (err) {
      // aborted on purpose: the caller's reason, not a provider fault to classify and retry
      if (req.signal?.aborted) throw req.signal.reason;
      throw this.transportError(err, req.operation);
    }
  }

  private transportError(err: unknown, operation: string): ProviderError {
    const e = err as { code?: string; message?: string; name?: string };
    const code = e?.code ?? e?.name ?? 'unknown';
    const message = redactKnownSecrets(e?.message ?? String(err), [this.apiKey]);
    const timeout = /TIMEOUT/i.test(code) || /timeout/i.test(message);
    return new ProviderUnavailableError(
      `${timeout ? 'timed out' : 'network error'} (${code}): ${message}`,
      this.details(operation),
      timeout ? 'timeout' : 'network',
    );
  }

  /**
   * The error of a "rate limited" answer, noted by the budget first: an adaptive one widens its
   * margin (its own requests were too close together at the provider). The note is sent, not
   * awaited, and whatever becomes of it the request's error is this one.
   */
  private rateLimited(described: string, details: ProviderErrorDetails): ProviderRateLimitedError {
    this.budget.reportRateLimited?.().catch(() => undefined);
    return new ProviderRateLimitedError(described, details);
  }

  /** Parses a 2xx body; a body that is not JSON means the response was cut short. */
  parseJson(res: HttpResponse, operation: string): unknown {
    try {
      return JSON.parse(res.text);
    } catch {
      throw new ProviderUnavailableError(
        `response body is not valid JSON (${res.text.length} bytes, probably truncated)`,
        this.details(operation, res.status),
        'truncated-body',
      );
    }
  }

  /** Classifies a non-2xx answer (Helius REST, RPC over HTTP, DexScreener). */
  httpError(res: HttpResponse, operation: string): ProviderError {
    const { message, code } = errorMessageOf(res.text);
    const details = this.details(operation, res.status, code, res.retryAfterMs);
    const text = redactKnownSecrets(message ?? `HTTP ${res.status}`, [this.apiKey]);
    const described = `HTTP ${res.status}${code !== undefined ? ` (${code})` : ''}: ${text}`;
    if (res.status === 429) {
      return /max usage reached/i.test(text)
        ? new QuotaExhaustedError(`API credits exhausted (${described}); do not retry before the quota resets`, details)
        : this.rateLimited(described, details);
    }
    if (res.status === 401 || res.status === 403) {
      // Helius sometimes answers bursts with 401 "Bad request, please try again later."
      if (/try again later/i.test(text)) return this.rateLimited(described, details);
      // a provider that takes no key (DexScreener) refused at its edge (a CDN's or firewall's
      // challenge, usually brief): retried as unavailability, not reported as a key to check
      if (this.keyless) return new ProviderUnavailableError(`${described} (refused at the edge of a provider that takes no key)`, details, 'refused');
      return new InvalidApiKeyError(`API key rejected (${described}); check the configured key`, details);
    }
    if (res.status >= 500) return new ProviderUnavailableError(described, details, 'http-5xx');
    // a proxy's or gateway's "request timeout" / "too early" says nothing of the request itself
    if (res.status === 408 || res.status === 425) return new ProviderUnavailableError(described, details, 'timeout');
    return new InvalidRequestError(described, details);
  }

  /** Classifies a JSON-RPC error object (inside HTTP 200 from validators, or with 401/429 from Helius). */
  rpcError(code: number, rawMessage: string, operation: string, status?: number, retryAfterMs?: number): ProviderError {
    const details = this.details(operation, status, code, retryAfterMs);
    const message = redactKnownSecrets(rawMessage, [this.apiKey]);
    const described = `JSON-RPC ${code}: ${message}`;
    if (code === -32429 || status === 429) {
      return /max usage reached/i.test(message)
        ? new QuotaExhaustedError(`API credits exhausted (${described}); do not retry before the quota resets`, details)
        : this.rateLimited(described, details);
    }
    if (code === -32401 || status === 401 || status === 403) {
      if (/try again later/i.test(message)) return this.rateLimited(described, details);
      return new InvalidApiKeyError(`API key rejected (${described}); check the configured key`, details);
    }
    if (code === -32601) return new UnsupportedMethodError(described, details);
    if (code === -32600 || code === -32602 || code === -32700) {
      return new InvalidRequestError(described, details);
    }
    return new ProviderUnavailableError(described, details, 'rpc-server-error');
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Message of an error body: `error` string, `error.message`, `message`, else the text itself. */
export function errorMessageOf(text: string): { message?: string; code?: number } {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object') {
      const b = body as { error?: unknown; message?: unknown; code?: unknown };
      if (typeof b.error === 'string') return { message: b.error };
      if (b.error && typeof b.error === 'object') {
        const inner = b.error as { message?: unknown; code?: unknown };
        return {
          message: typeof inner.message === 'string' ? inner.message : undefined,
          code: typeof inner.code === 'number' ? inner.code : undefined,
        };
      }
      return {
        message: typeof b.message === 'string' ? b.message : undefined,
        code: typeof b.code === 'number' ? b.code : undefined,
      };
    }
  } catch {
    // not JSON: a CDN page or plain text
  }
  const trimmed = text.trim().slice(0, 200);
  return { message: trimmed || undefined };
}
