// One HTTP server for all three providers (Helius REST, JSON-RPC on "/", DexScreener), with
// realism knobs (latency, rate limits, quota, faults, invalid key), a request log and /__sim admin
// endpoints. Startable in-process (port 0 for tests) or from the CLI.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isPublicKey } from '../providers/address';
import { handleDexScreener } from './dexscreener-routes';
import { getHistory, historyQuery, json, parseTransactions, rpcError, type Reply } from './helius-routes';
import { seededRandom } from './keys';
import { SimWorld } from './model';
import { handleRpc } from './rpc-routes';
import { loadWorldFile, parseWorld, type World } from './world';

export type SimProvider = 'helius' | 'solana-rpc' | 'dexscreener';
export type FaultKind = '5xx' | 'timeout' | 'truncated';

export interface SimulatorKnobs {
  /** ms added before answering: one number, or per endpoint ("helius:history"), per provider, "default" */
  latencyMs: number | Record<string, number>;
  rateLimits: {
    /** requests per second over any 1-second window; null = unlimited */
    heliusRps: number | null;
    rpcRps: number | null;
    /** requests per minute over any 60-second window */
    dexscreenerRpm: number | null;
    /** answer every Helius/RPC request with 429 "max usage reached" */
    quotaExhausted: boolean;
    /** send `Retry-After` (whole seconds until the window has room) with rate-limit 429s */
    retryAfter: boolean;
  };
  faults: {
    seed: number;
    /** fractions of provider requests, drawn from a seeded RNG */
    errorRate: number;
    timeoutRate: number;
    truncateRate: number;
    /** providers the faults apply to (default all) */
    providers: SimProvider[];
    /** how long a "timeout" request is held before a late 504 */
    timeoutHoldMs: number;
    /** transactions served without their `slot` field (a malformed transaction in a valid page) */
    malformedSignatures: string[];
  };
  /** reject every API key with 401 */
  invalidKey: boolean;
  /** transactions scanned per filtered (type/source) history request before a 404 continuation */
  scanWindow: number;
}

export interface SimulatorOptions {
  /** a parsed world, a world object in the file format, or a path to a world file */
  world: World | unknown;
  port?: number;
  host?: string;
  latencyMs?: SimulatorKnobs['latencyMs'];
  rateLimits?: Partial<SimulatorKnobs['rateLimits']>;
  faults?: Partial<SimulatorKnobs['faults']>;
  invalidKey?: boolean;
  scanWindow?: number;
  /** request log entries kept (oldest dropped), default 500,000 */
  maxLogEntries?: number;
}

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
  status: number;
  /** why the simulator answered with an error on purpose */
  injected?: FaultKind | 'rate-limited' | 'quota' | 'invalid-key';
}

export interface SimulatorHandle {
  url: string;
  port: number;
  world: SimWorld;
  readonly requestLog: readonly RequestLogEntry[];
  metrics(): SimulatorMetrics;
  knobs(): SimulatorKnobs;
  configure(patch: DeepPartial<SimulatorKnobs>): SimulatorKnobs;
  /** clears the log, rate windows and RNG; `knobs: true` also restores the start-up knobs */
  reset(options?: { knobs?: boolean }): void;
  close(): Promise<void>;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

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

const INVALID_KEY_BODY = { jsonrpc: '2.0', error: { code: -32401, message: 'invalid api key provided' }, id: null };

function defaultKnobs(o: SimulatorOptions): SimulatorKnobs {
  return {
    latencyMs: o.latencyMs ?? 0,
    rateLimits: { heliusRps: null, rpcRps: null, dexscreenerRpm: null, quotaExhausted: false, retryAfter: false, ...o.rateLimits },
    faults: { seed: 1, errorRate: 0, timeoutRate: 0, truncateRate: 0, providers: ['helius', 'solana-rpc', 'dexscreener'], timeoutHoldMs: 30_000, malformedSignatures: [], ...o.faults },
    invalidKey: o.invalidKey ?? false,
    scanWindow: o.scanWindow ?? 100,
  };
}

/** Applies a config patch: absent (undefined) keeps a value, null sets it (e.g. a rate limit back to none). */
function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || !base || typeof base !== 'object' || Array.isArray(base)) return patch as T;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) out[k] = v !== undefined ? merge(out[k], v) : out[k];
  return out as T;
}

function toWorld(input: unknown): World {
  if (typeof input === 'string') return loadWorldFile(input);
  return parseWorld(input);
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

export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const world = new SimWorld(toWorld(options.world));
  const initial = defaultKnobs(options);
  let knobs: SimulatorKnobs = structuredClone(initial);
  let random = seededRandom(knobs.faults.seed);
  let log: RequestLogEntry[] = [];
  let seq = 0;
  const maxLog = options.maxLogEntries ?? 500_000;
  const windows: Record<SimProvider, number[]> = { helius: [], 'solana-rpc': [], dexscreener: [] };
  const held = new Set<{ res: ServerResponse; timer: NodeJS.Timeout }>();

  const latencyFor = (provider: SimProvider, endpoint: string): number => {
    const l = knobs.latencyMs;
    if (typeof l === 'number') return l;
    return l[endpoint] ?? l[provider] ?? l.default ?? 0;
  };

  /** null: within the limit (the request is counted); else the seconds until the window has room */
  const overBudget = (provider: SimProvider, now: number): number | null => {
    const r = knobs.rateLimits;
    const [limit, windowMs] = provider === 'helius' ? [r.heliusRps, 1000] : provider === 'solana-rpc' ? [r.rpcRps, 1000] : [r.dexscreenerRpm, 60_000];
    const w = windows[provider];
    while (w.length && now - w[0] >= windowMs) w.shift();
    if (limit !== null && limit !== undefined && w.length >= limit) {
      const freeAt = w.length > 0 && limit > 0 ? w[w.length - limit] + windowMs : now + windowMs;
      return Math.max(1, Math.ceil((freeAt - now) / 1000));
    }
    w.push(now);
    return null;
  };

  const send = (res: ServerResponse, reply: Reply & { retryAfterSeconds?: number }, truncate = false) => {
    const body = truncate ? reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) : reply.body;
    res.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...(reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {}),
    });
    res.end(body);
  };

  const admin = (req: IncomingMessage, url: URL, body: string): Reply => {
    const path = url.pathname;
    if (path === '/__sim/health') return json(200, { ok: true, wallets: world.wallets.length, tokens: world.tokens.size });
    if (path === '/__sim/requests' && req.method === 'GET') {
      const since = Number(url.searchParams.get('since') ?? 0);
      const provider = url.searchParams.get('provider');
      const wallet = url.searchParams.get('wallet');
      const requests = log.filter((e) => e.seq > since && (!provider || e.provider === provider) && (!wallet || e.wallet === wallet || !!e.wallets?.includes(wallet)));
      return json(200, { requests, lastSeq: seq });
    }
    if (path === '/__sim/requests' && req.method === 'DELETE') {
      handle.reset();
      return json(200, { ok: true });
    }
    if (path === '/__sim/metrics') return json(200, handle.metrics());
    if (path === '/__sim/config' && req.method === 'GET') return json(200, knobs);
    if (path === '/__sim/config' && req.method === 'POST') {
      try {
        const patch = JSON.parse(body || '{}') as unknown;
        if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('the body must be a JSON object of knobs');
        return json(200, handle.configure(patch as DeepPartial<SimulatorKnobs>));
      } catch (err) {
        return json(400, { error: `invalid config: ${(err as Error).message}` });
      }
    }
    if (path === '/__sim/reset' && req.method === 'POST') {
      handle.reset({ knobs: url.searchParams.get('knobs') === 'true' });
      return json(200, { ok: true });
    }
    if (path === '/__sim/ground-truth') return json(200, world.world.groundTruth ?? null);
    if (path === '/__sim/wallets') return json(200, world.wallets.map((w, i) => ({ address: w.address, label: w.label ?? null, transactions: world.historyLength(i) })));
    return json(404, { error: `unknown simulator endpoint ${path}` });
  };

  const route = (method: string, url: URL, body: string): { provider: SimProvider; endpoint: string; wallet?: string; wallets?: string[]; answer: () => Reply } | null => {
    const path = url.pathname;
    const m = /^\/v0\/addresses\/([^/]+)\/transactions\/?$/.exec(path);
    if (m && method === 'GET') {
      const address = decodeURIComponent(m[1]);
      return { provider: 'helius', endpoint: 'helius:history', wallet: address, answer: () => getHistory(world, address, historyQuery(url.searchParams), knobs.scanWindow, new Set(knobs.faults.malformedSignatures)) };
    }
    if (/^\/v0\/transactions\/?$/.test(path) && method === 'POST') {
      return {
        provider: 'helius',
        endpoint: 'helius:parse',
        answer: () => {
          try {
            return parseTransactions(world, JSON.parse(body), new Set(knobs.faults.malformedSignatures));
          } catch {
            return rpcError(400, -32602, 'Invalid params: body is not JSON', '1');
          }
        },
      };
    }
    if (path === '/' && method === 'POST') {
      let methods: string[] = [];
      let first: string | undefined;
      let addresses: string[] | undefined;
      try {
        const parsed = JSON.parse(body) as unknown;
        const list = Array.isArray(parsed) ? parsed : [parsed];
        methods = list.map((r) => String((r as { method?: unknown } | null)?.method ?? '(invalid)'));
        const p = (list[0] as { params?: unknown[] } | null)?.params?.[0];
        first = typeof p === 'string' ? p : undefined;
        if (Array.isArray(p)) {
          addresses = p.filter((a): a is string => typeof a === 'string' && isPublicKey(a));
          if (p.length === 1 && addresses.length === 1) first = addresses[0];
        }
        if (Array.isArray(parsed)) methods = ['batch'];
      } catch {
        methods = ['(parse error)'];
      }
      return {
        provider: 'solana-rpc',
        endpoint: `rpc:${methods[0] ?? '(empty)'}`,
        wallet: first && isPublicKey(first) ? first : undefined,
        wallets: addresses,
        answer: () => ({ status: 200, body: handleRpc(world, body).text }),
      };
    }
    if (method === 'GET') {
      const dex = handleDexScreener(world, path);
      if (dex) return { provider: 'dexscreener', endpoint: dex.endpoint, answer: () => dex.reply };
    }
    return null;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (url.pathname.startsWith('/__sim/')) return send(res, admin(req, url, body));
      const r = route(req.method ?? 'GET', url, body);
      if (!r) return send(res, json(404, { error: 'Not found' }));
      const now = Date.now();
      const entry: RequestLogEntry = { seq: ++seq, at: now, provider: r.provider, endpoint: r.endpoint, ...(r.wallet ? { wallet: r.wallet } : {}), ...(r.wallets ? { wallets: r.wallets } : {}), status: 0 };
      log.push(entry);
      if (log.length > maxLog) log = log.slice(log.length - Math.floor(maxLog * 0.9));
      const finish = (reply: Reply & { retryAfterSeconds?: number }, injected?: RequestLogEntry['injected'], truncate = false) => {
        entry.status = reply.status;
        if (injected) entry.injected = injected;
        const delay = latencyFor(r.provider, r.endpoint);
        if (delay > 0) setTimeout(() => send(res, reply, truncate), delay);
        else send(res, reply, truncate);
      };
      if (r.provider !== 'dexscreener') {
        const key = url.searchParams.get('api-key');
        if (!key || knobs.invalidKey) return finish(json(401, INVALID_KEY_BODY), 'invalid-key');
        if (knobs.rateLimits.quotaExhausted) return finish(rpcError(429, -32429, 'max usage reached'), 'quota');
      }
      const wait = overBudget(r.provider, now);
      if (wait !== null) {
        const reply: Reply = r.provider === 'dexscreener' ? { status: 429, body: 'error code: 1015', contentType: 'text/plain; charset=UTF-8' } : rpcError(429, -32429, 'rate limited');
        return finish(knobs.rateLimits.retryAfter ? { ...reply, retryAfterSeconds: wait } : reply, 'rate-limited');
      }
      const f = knobs.faults;
      if (f.providers.includes(r.provider) && f.errorRate + f.timeoutRate + f.truncateRate > 0) {
        const roll = random();
        if (roll < f.errorRate) {
          const kind = Math.floor(random() * 4);
          const replies: Reply[] = [
            json(500, { error: 'Internal Server Error' }),
            { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', contentType: 'text/html' },
            rpcError(503, -32603, 'Service unavailable'),
            { status: 504, body: 'upstream request timeout', contentType: 'text/plain' },
          ];
          return finish(replies[kind], '5xx');
        }
        if (roll < f.errorRate + f.timeoutRate) {
          entry.injected = 'timeout';
          const h = { res, timer: setTimeout(() => { held.delete(h); entry.status = 504; send(res, { status: 504, body: 'upstream request timeout', contentType: 'text/plain' }); }, f.timeoutHoldMs) };
          held.add(h);
          res.on('close', () => { clearTimeout(h.timer); held.delete(h); });
          return;
        }
        if (roll < f.errorRate + f.timeoutRate + f.truncateRate) return finish(r.answer(), 'truncated', true);
      }
      finish(r.answer());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  const counter = (): Counter => ({ count: 0, statuses: {}, firstAt: 0, lastAt: 0 });
  const bump = (c: Counter, e: RequestLogEntry) => {
    c.count += 1;
    c.statuses[e.status] = (c.statuses[e.status] ?? 0) + 1;
    if (!c.firstAt) c.firstAt = e.at;
    c.lastAt = e.at;
  };

  const handle: SimulatorHandle = {
    url: `http://${host}:${port}`,
    port,
    world,
    get requestLog() {
      return log;
    },
    metrics() {
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
    },
    knobs: () => structuredClone(knobs),
    configure(patch) {
      knobs = merge(knobs, patch);
      if (patch.faults?.seed !== undefined) random = seededRandom(knobs.faults.seed);
      return structuredClone(knobs);
    },
    reset(opts) {
      log = [];
      for (const w of Object.values(windows)) w.length = 0;
      if (opts?.knobs) knobs = structuredClone(initial);
      random = seededRandom(knobs.faults.seed);
    },
    async close() {
      for (const h of held) clearTimeout(h.timer);
      held.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handle;
}
