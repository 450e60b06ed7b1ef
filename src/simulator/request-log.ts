// The request log: every provider request the simulator answered, and the metrics derived from it.
import type { FaultKind, SimProvider } from './knobs';

export interface RequestLogEntry {
  seq: number;
  /** arrival time, epoch ms */
  at: number;
  provider: SimProvider;
  endpoint: string;
  /** the wallet the request is about (history, token accounts, a one-address getMultipleAccounts) */
  wallet?: string;
  /** every address of a multi-address call (getMultipleAccounts) */
  wallets?: string[];
  /** the token addresses of a DexScreener request */
  mints?: string[];
  status: number;
  /** why the simulator answered with an error on purpose ('unsupported-method': a JSON-RPC method refused by knob unsupportedMethods) */
  injected?: FaultKind | 'rate-limited' | 'quota' | 'invalid-key' | 'unsupported-method';
  /** the client went away (aborted, or gave up waiting) before the answer was sent */
  abandoned?: true;
}

interface Counter {
  count: number;
  statuses: Record<string, number>;
  firstAt: number;
  lastAt: number;
}
export interface SimulatorMetrics {
  total: number;
  byProvider: Record<string, Counter & { peakPerSecond: number }>;
  byEndpoint: Record<string, Counter>;
  byWallet: Record<string, Counter & { endpoints: Record<string, number> }>;
}

/** Peak number of entries inside any window of `windowMs` (entries sorted by time). */
export function peakPerWindow(times: readonly number[], windowMs: number): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end] - times[start] >= windowMs) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

const counter = (): Counter => ({ count: 0, statuses: {}, firstAt: 0, lastAt: 0 });
const bump = (c: Counter, e: RequestLogEntry) => {
  c.count += 1;
  c.statuses[e.status] = (c.statuses[e.status] ?? 0) + 1;
  if (!c.firstAt) c.firstAt = e.at;
  c.lastAt = e.at;
};

export function metricsOf(log: readonly RequestLogEntry[]): SimulatorMetrics {
  const m: SimulatorMetrics = { total: log.length, byProvider: {}, byEndpoint: {}, byWallet: {} };
  const times: Record<string, number[]> = {};
  for (const e of log) {
    const p = (m.byProvider[e.provider] ??= { ...counter(), peakPerSecond: 0 });
    bump(p, e);
    (times[e.provider] ??= []).push(e.at);
    bump((m.byEndpoint[e.endpoint] ??= counter()), e);
    if (e.wallet) {
      const w = (m.byWallet[e.wallet] ??= { ...counter(), endpoints: {} });
      bump(w, e);
      w.endpoints[e.endpoint] = (w.endpoints[e.endpoint] ?? 0) + 1;
    }
  }
  for (const [p, t] of Object.entries(times)) m.byProvider[p].peakPerSecond = peakPerWindow(t, 1000);
  return m;
}

/** Keeps at most `maxEntries` (drops the oldest tenth when full); sequence numbers never restart. */
export class RequestLog {
  private list: RequestLogEntry[] = [];
  private seq = 0;

  constructor(private readonly maxEntries: number) {}

  get entries(): readonly RequestLogEntry[] {
    return this.list;
  }

  get lastSeq(): number {
    return this.seq;
  }

  add(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const e: RequestLogEntry = { seq: ++this.seq, ...entry };
    this.list.push(e);
    if (this.list.length > this.maxEntries) this.list = this.list.slice(this.list.length - Math.floor(this.maxEntries * 0.9));
    return e;
  }

  query(since: number, provider: string | null, wallet: string | null): RequestLogEntry[] {
    return this.list.filter((e) => e.seq > since && (!provider || e.provider === provider) && (!wallet || e.wallet === wallet || !!e.wallets?.includes(wallet)));
  }

  clear(): void {
    this.list = [];
  }
}
