// The clients of a scenario and the history of what they saw: each planned analysis is asked for
// through the API at its moment (with an Idempotency-Key, retrying while the API cannot take it, as
// a patient user would), then followed until the API reports it ended or the deadline passes.
import type { PlannedAnalysis } from './world';
import { sleep } from './services';

export type AnalysisStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface ClientRecord {
  index: number;
  wallets: string[];
  /** when the client first asked for the analysis (epoch ms) */
  requestedAt: number;
  postAttempts: number;
  analysisId?: string;
  /** when the client first saw it ended (epoch ms) */
  endedAt?: number;
  status?: AnalysisStatus;
  error?: string | null;
  result?: Record<string, unknown> | null;
  failedWallets?: unknown[] | null;
  /** why the client could not even start it */
  startError?: string;
}

export interface ApiResponse {
  at: number;
  method: string;
  path: string;
  /** HTTP status, or 0 when the API did not answer */
  status: number;
  contentType?: string;
}

export interface History {
  startedAt: number;
  records: ClientRecord[];
  responses: ApiResponse[];
}

export class ApiClient {
  readonly responses: ApiResponse[] = [];

  constructor(readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; contentType?: string }> {
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? undefined;
      this.responses.push({ at: Date.now(), method, path, status: res.status, contentType });
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json, contentType };
    } catch (err) {
      this.responses.push({ at: Date.now(), method, path, status: 0 });
      return { status: 0, json: { error: (err as Error).message } };
    }
  }
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

export interface RunningClients {
  startedAt: number;
  /** filled in as the clients go */
  records: ClientRecord[];
  finished: Promise<History>;
}

/** Starts the plan's clients against the API; they stop when every analysis ended or at `deadline` (epoch ms). */
export function startClients(api: ApiClient, plan: PlannedAnalysis[], opts: { scenario: string; deadline: number; pollMs?: number }): RunningClients {
  const startedAt = Date.now();
  const records: ClientRecord[] = plan.map((p) => ({ index: p.index, wallets: p.wallets, requestedAt: startedAt + p.startAtMs, postAttempts: 0 }));
  const pollMs = opts.pollMs ?? 1_000;

  const start = async (p: PlannedAnalysis, record: ClientRecord) => {
    await sleep(Math.max(0, startedAt + p.startAtMs - Date.now()));
    record.requestedAt = Date.now();
    while (Date.now() < opts.deadline) {
      record.postAttempts++;
      const res = await api.request('POST', '/v1/analyses', { wallets: p.wallets }, { 'idempotency-key': `chaos-${opts.scenario}-${p.index}` });
      if (res.status === 202) {
        record.analysisId = (res.json as { analysisId: string }).analysisId;
        return;
      }
      if (res.status !== 0 && res.status < 500 && res.status !== 429) {
        record.startError = `POST /v1/analyses answered ${res.status}: ${JSON.stringify(res.json).slice(0, 300)}`;
        return;
      }
      await sleep(1_000);
    }
    record.startError = 'the API did not accept the analysis before the deadline';
  };

  const follow = async () => {
    const open = () => records.filter((r) => !r.startError && !r.endedAt);
    while (Date.now() < opts.deadline && open().length > 0) {
      const running = open().filter((r) => r.analysisId);
      if (running.length > 0) {
        const list = await api.request('GET', '/v1/analyses?limit=100');
        if (list.status === 200) {
          const statuses = new Map((list.json as { analyses: Array<{ analysisId: string; status: string }> }).analyses.map((a) => [a.analysisId, a.status]));
          await Promise.all(
            running
              .filter((r) => TERMINAL.has(statuses.get(r.analysisId!) ?? ''))
              .map(async (r) => {
                const seenAt = Date.now();
                const full = await api.request('GET', `/v1/analyses/${r.analysisId}`);
                if (full.status !== 200) return; // read it at the next poll
                const a = full.json as { status: AnalysisStatus; error: string | null; result: Record<string, unknown> | null; failedWallets: unknown[] | null };
                Object.assign(r, { endedAt: seenAt, status: a.status, error: a.error, result: a.result, failedWallets: a.failedWallets });
              }),
          );
        }
      }
      await sleep(pollMs);
    }
    // what the API says about the ones that did not end in time
    await Promise.all(
      open()
        .filter((r) => r.analysisId)
        .map(async (r) => {
          const full = await api.request('GET', `/v1/analyses/${r.analysisId}`);
          if (full.status === 200) r.status = (full.json as { status: AnalysisStatus }).status;
        }),
    );
  };

  const finished = Promise.all([...plan.map((p, i) => start(p, records[i])), follow()]).then(() => ({ startedAt, records, responses: api.responses }));
  return { startedAt, records, finished };
}
