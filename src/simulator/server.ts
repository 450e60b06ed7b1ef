// One HTTP server for all three providers (Helius REST, JSON-RPC on "/", DexScreener), with
// realism knobs (latency, rate limits, quota, faults, invalid key), a request log and /__sim admin
// endpoints. Startable in-process (port 0 for tests) or from the CLI. This file only composes the
// pieces: knobs.ts, routes.ts, rate-limits.ts, faults.ts, request-log.ts, admin.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleAdmin } from './admin';
import { drawFault, TIMEOUT_REPLY } from './faults';
import { json, rpcError, type Reply } from './helius-routes';
import { seededRandom } from './keys';
import { defaultKnobs, isPausable, latencyFor, merge, pausedFor, type DeepPartial, type SimProvider, type SimulatorKnobs } from './knobs';
import { SimWorld } from './model';
import { RateWindows } from './rate-limits';
import { metricsOf, RequestLog, type RequestLogEntry, type SimulatorMetrics } from './request-log';
import { routeProviderRequest, type ProviderRoute } from './routes';
import { loadWorldFile, parseWorld, type World } from './world';

export type { FaultKind, SimProvider, SimulatorKnobs } from './knobs';
export { peakPerWindow } from './request-log';
export type { RequestLogEntry, SimulatorMetrics } from './request-log';

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
  paused?: string[];
  unsupportedMethods?: string[];
  /** request log entries kept (oldest dropped), default 500,000 */
  maxLogEntries?: number;
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

const INVALID_KEY_BODY = { jsonrpc: '2.0', error: { code: -32401, message: 'invalid api key provided' }, id: null };
const DEX_RATE_LIMITED: Reply = { status: 429, body: 'error code: 1015', contentType: 'text/plain; charset=UTF-8' };

type SentReply = Reply & { retryAfterSeconds?: number };

function toWorld(input: unknown): World {
  if (typeof input === 'string') return loadWorldFile(input);
  return parseWorld(input);
}

function send(res: ServerResponse, reply: SentReply, truncate = false): void {
  const body = truncate ? reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) : reply.body;
  res.writeHead(reply.status, {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(reply.retryAfterSeconds !== undefined ? { 'retry-after': String(reply.retryAfterSeconds) } : {}),
  });
  res.end(body);
}

/** On a response's 'close': an answer not (wholly) sent by then was abandoned by its client. */
function noteAbandoned(res: ServerResponse, entry: RequestLogEntry): void {
  if (!res.writableFinished) entry.abandoned = true;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const world = new SimWorld(toWorld(options.world));
  const initial = defaultKnobs(options);
  let knobs: SimulatorKnobs = structuredClone(initial);
  let random = seededRandom(knobs.faults.seed);
  const log = new RequestLog(options.maxLogEntries ?? 500_000);
  const rates = new RateWindows();
  const held = new Set<{ res: ServerResponse; timer: NodeJS.Timeout }>();
  /** answers of paused endpoints (knobs.paused), each sent when its endpoint is no longer paused */
  const pausedAnswers = new Set<{ provider: SimProvider; endpoint: string; send: () => void }>();
  const releasePaused = () => {
    for (const answer of [...pausedAnswers]) {
      if (pausedFor(knobs, answer.provider, answer.endpoint)) continue;
      pausedAnswers.delete(answer);
      answer.send();
    }
  };

  /** Holds a request as a "timeout" fault: a late 504 unless the client gives up first. */
  const hold = (res: ServerResponse, entry: RequestLogEntry) => {
    entry.injected = 'timeout';
    const h = { res, timer: setTimeout(() => { held.delete(h); entry.status = 504; send(res, TIMEOUT_REPLY); }, knobs.faults.timeoutHoldMs) };
    held.add(h);
    res.on('close', () => { clearTimeout(h.timer); held.delete(h); noteAbandoned(res, entry); });
  };

  const serveProvider = (res: ServerResponse, url: URL, r: ProviderRoute) => {
    const now = Date.now();
    const entry = log.add({ at: now, provider: r.provider, endpoint: r.endpoint, ...(r.wallet ? { wallet: r.wallet } : {}), ...(r.wallets ? { wallets: r.wallets } : {}), ...(r.mints ? { mints: r.mints } : {}), status: 0 });
    const finish = (reply: SentReply, injected?: RequestLogEntry['injected'], truncate = false) => {
      entry.status = reply.status;
      if (injected) entry.injected = injected;
      const deliver = () => {
        if (!pausedFor(knobs, r.provider, r.endpoint)) return send(res, reply, truncate);
        const answer = { provider: r.provider, endpoint: r.endpoint, send: () => send(res, reply, truncate) };
        pausedAnswers.add(answer);
        res.on('close', () => { pausedAnswers.delete(answer); noteAbandoned(res, entry); });
      };
      const delay = latencyFor(knobs, r.provider, r.endpoint);
      if (delay > 0) {
        // a client that goes away meanwhile gets nothing, and the log says so
        const timer = setTimeout(deliver, delay);
        res.on('close', () => { clearTimeout(timer); noteAbandoned(res, entry); });
      } else deliver();
    };
    if (r.provider !== 'dexscreener') {
      const key = url.searchParams.get('api-key');
      if (!key || knobs.invalidKey) return finish(json(401, INVALID_KEY_BODY), 'invalid-key');
      if (knobs.rateLimits.quotaExhausted) return finish(rpcError(429, -32429, 'max usage reached'), 'quota');
    }
    const wait = rates.overBudget(knobs.rateLimits, r.provider, now);
    if (wait !== null) {
      const reply = r.provider === 'dexscreener' ? DEX_RATE_LIMITED : rpcError(429, -32429, 'rate limited');
      return finish(knobs.rateLimits.retryAfter ? { ...reply, retryAfterSeconds: wait } : reply, 'rate-limited');
    }
    const fault = drawFault(knobs.faults, r.provider, random);
    if (fault?.kind === '5xx') return finish(fault.reply, '5xx');
    if (fault?.kind === 'timeout') return hold(res, entry);
    if (fault?.kind === 'truncated') return finish(r.answer(), 'truncated', true);
    const reply = r.answer();
    finish(reply, reply.injected);
  };

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://simulator');
      if (url.pathname.startsWith('/__sim/')) return send(res, handleAdmin({ ...handle, log }, req.method, url, body));
      const r = routeProviderRequest(world, knobs, req.method ?? 'GET', url, body);
      if (!r) return send(res, json(404, { error: 'Not found' }));
      serveProvider(res, url, r);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  const handle: SimulatorHandle = {
    url: `http://${host}:${port}`,
    port,
    world,
    get requestLog() {
      return log.entries;
    },
    metrics: () => metricsOf(log.entries),
    knobs: () => structuredClone(knobs),
    configure(patch) {
      if (patch.unsupportedMethods !== undefined && !(Array.isArray(patch.unsupportedMethods) && patch.unsupportedMethods.every((m) => typeof m === 'string'))) {
        throw new Error(`unsupportedMethods must be a list of JSON-RPC method names, e.g. ["getProgramAccountsV2"], got ${JSON.stringify(patch.unsupportedMethods)}`);
      }
      if (patch.paused !== undefined && !(Array.isArray(patch.paused) && patch.paused.every(isPausable))) {
        throw new Error(`paused must be a list of providers (helius, solana-rpc, dexscreener) or their endpoints (helius:…, rpc:…, dexscreener:…), e.g. ["helius:history"], got ${JSON.stringify(patch.paused)}`);
      }
      knobs = merge(knobs, patch);
      if (patch.faults?.seed !== undefined) random = seededRandom(knobs.faults.seed);
      releasePaused();
      return structuredClone(knobs);
    },
    reset(opts) {
      log.clear();
      rates.clear();
      if (opts?.knobs) knobs = structuredClone(initial);
      random = seededRandom(knobs.faults.seed);
      releasePaused();
    },
    async close() {
      for (const h of held) clearTimeout(h.timer);
      held.clear();
      pausedAnswers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return handle;
}
