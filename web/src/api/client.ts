// The one HTTP client of the Lab: JSON in and out, the API key (when the API asks for one) in the
// x-api-key header, problem+json errors turned into ApiError with the API's own message.
import { apiKeyStore } from './api-key';
import type { AnalysisChanges, AnalysisList, AnalysisView, PairsPage, PairsQuery, StartAnalysisBody, StartWatchBody, StartedAnalysis, SecretRotated, WalletAnalytics, WalletStatuses, WatchChangeBody, WatchList, WatchView } from './types';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const key = apiKeyStore.get();
  return key ? { 'x-api-key': key } : {};
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  if (res.status === 401) apiKeyStore.unauthorized();
  if (!res.ok) throw new ApiError(res.status, await problemDetail(res, `${method} ${path} answered ${res.status}`));
  // 204 (DELETE of a watch): no body
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** An error answer's problem+json `detail`, else `fallback` (the status line). */
export async function problemDetail(res: Response, fallback: string): Promise<string> {
  try {
    const problem = (await res.json()) as { detail?: string };
    return problem.detail || fallback;
  } catch {
    return fallback; // not JSON
  }
}

export const api = {
  walletStatuses: (wallets: string[]) => request<WalletStatuses>('POST', '/v1/wallets/status', { wallets }),
  syncWallets: (wallets: string[]) => request<unknown>('POST', '/v1/wallets/sync', { wallets }),
  startAnalysis: (body: StartAnalysisBody) => request<StartedAnalysis>('POST', '/v1/analyses', body),
  analysis: (id: string, signal?: AbortSignal) => request<AnalysisView>('GET', `/v1/analyses/${encodeURIComponent(id)}`, undefined, signal),
  proceed: (id: string) => request<unknown>('POST', `/v1/analyses/${encodeURIComponent(id)}/proceed`),
  cancel: (id: string) => request<unknown>('DELETE', `/v1/analyses/${encodeURIComponent(id)}`),
  analysesOf: (wallet: string) => request<AnalysisList>('GET', `/v1/analyses?wallet=${encodeURIComponent(wallet)}&limit=20`),
  /** The key's completed analyses before analysis `id` whose group shares at least half of its wallets (however many), those sharing most first, then the newest. */
  completedAnalysesSharing: (id: string, signal?: AbortSignal) =>
    request<AnalysisList>('GET', `/v1/analyses?sharing=${encodeURIComponent(id)}&status=completed&before=${encodeURIComponent(id)}&limit=50`, undefined, signal),
  wallet: (address: string) => request<WalletAnalytics>('GET', `/v1/wallets/${encodeURIComponent(address)}`),
  /** One page of an analysis's pairs, strongest first (GET /v1/analyses/{id}/pairs). */
  pairs: (id: string, query: PairsQuery = {}, signal?: AbortSignal) => request<PairsPage>('GET', pairsPath(id, query), undefined, signal),
  /** What changed in analysis `id` since analysis `since` (GET /v1/analyses/{id}/changes). */
  changes: (id: string, since: string, signal?: AbortSignal) =>
    request<AnalysisChanges>('GET', `/v1/analyses/${encodeURIComponent(id)}/changes?since=${encodeURIComponent(since)}&limit=${CHANGES_LISTED}`, undefined, signal),
  /** Watches a group: analysed now and again every `everyMinutes` (POST /v1/watches; 200 when this key watches it already). */
  createWatch: (body: StartWatchBody) => request<WatchView>('POST', '/v1/watches', body),
  watches: (signal?: AbortSignal) => request<WatchList>('GET', '/v1/watches?limit=100', undefined, signal),
  watch: (id: string, signal?: AbortSignal) => request<WatchView>('GET', `/v1/watches/${encodeURIComponent(id)}`, undefined, signal),
  runWatch: (id: string) => request<unknown>('POST', `/v1/watches/${encodeURIComponent(id)}/runs`),
  /** Changes a watch's interval or webhook (PATCH /v1/watches/{id}); a new URL's secret is in this answer only. */
  changeWatch: (id: string, body: WatchChangeBody) => request<WatchView>('PATCH', `/v1/watches/${encodeURIComponent(id)}`, body),
  /** A new signing secret for the watch's webhook (POST /v1/watches/{id}/secret): the one replaced signs beside it for the API's default (a day). */
  rotateWatchSecret: (id: string) => request<SecretRotated>('POST', `/v1/watches/${encodeURIComponent(id)}/secret`),
  stopWatch: (id: string) => request<void>('DELETE', `/v1/watches/${encodeURIComponent(id)}`),
};

/** Links formed and broken the Lab lists (the counts say how many there are in all). */
export const CHANGES_LISTED = 10;

export function pairsPath(id: string, query: PairsQuery): string {
  const q = new URLSearchParams();
  if (query.cursor) q.set('cursor', query.cursor);
  if (query.limit !== undefined) q.set('limit', String(query.limit));
  if (query.minScore !== undefined && query.minScore > 0) q.set('minScore', String(query.minScore));
  if (query.wallet) q.set('wallet', query.wallet);
  const qs = q.toString();
  return `/v1/analyses/${encodeURIComponent(id)}/pairs${qs ? `?${qs}` : ''}`;
}
