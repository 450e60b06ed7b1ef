// Optional API-key auth: on when API_KEYS is set. Keys arrive in `x-api-key` or
// `Authorization: Bearer`; they are compared as SHA-256 digests with timingSafeEqual (equal lengths,
// constant time, every configured key checked) and never logged: requests carry only a key id.
// Analyses belong to the key that started them (its id is stored, never the key); `admin:` keys see all.
import { createHash, scryptSync, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientNetwork, isIpAddress } from '../ip-address';
import type { ApiKey } from '../config';
import { ProblemError } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    /** the non-secret id of the API key used (see apiKeyId), or null when auth is off */
    apiKeyId: string | null;
    /** the key is an `admin:` key: it sees every key's analyses */
    apiKeyAdmin: boolean;
  }
}

/** Paths reachable without a key: probes, metrics, the API documentation and the Lab's static page (it asks /v1 with a key). */
const OPEN_PATHS = [/^\/healthz$/, /^\/readyz$/, /^\/metrics$/, /^\/openapi\.json$/, /^\/docs(\/.*)?$/, /^\/$/, /^\/lab(\/.*)?$/];

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The id stored with an analysis and used for rate limits: scrypt of the key with a fixed salt, so it
 * is the same in every API process and after restarts, and a stored id does not let a short key be
 * guessed cheaply. Computed once per configured key at start-up.
 */
export function apiKeyId(key: string): string {
  return scryptSync(key, 'wallet-similarity:api-key-id:v1', 8, { N: 2 ** 14, r: 8, p: 1 }).toString('hex');
}

/**
 * Who is asking, for sharing: the API key's id (never the key), or the client's address when the API
 * runs without keys, as clientNetwork counts it (an IPv6 one by its /64). It keys the rate limits, and it is Temporal's fairness key for the work a
 * request starts: every task queue an analysis touches dispatches backlogged tasks fairly between
 * these keys (children and activities inherit the workflow's priority), so one user's 1,000-wallet
 * analysis does not starve another's 5-wallet one.
 */
export function clientKeyOf(request: FastifyRequest): string {
  // Temporal accepts at most 64 characters
  return request.apiKeyId ? `key:${request.apiKeyId}` : `ip:${clientNetwork(clientAddress(request))}`.slice(0, 64);
}

/**
 * The client's address: `request.ip`, which behind the proxies `API_TRUST_PROXY` names is the one
 * they forwarded. A forwarded value that is no address (an address with its port, a name, whatever
 * a client made a proxy pass on) is read as the address before its port when it has one, else as the
 * connection's: the proxy's. Never the text as it came, which a client could vary at will.
 */
export function clientAddress(request: FastifyRequest): string {
  const ip = request.ip;
  if (typeof ip === 'string') {
    if (isIpAddress(ip)) return ip;
    const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip) ?? /^\[([^\]]+)\]:\d+$/.exec(ip);
    if (withPort && isIpAddress(withPort[1])) return withPort[1];
  }
  return request.socket?.remoteAddress ?? 'unknown';
}

export function presentedKey(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header !== '') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1];
  }
  return null;
}

export interface KeyMatch {
  id: string;
  admin: boolean;
}

/** Returns a matcher that says which configured key (by id) a presented key is, in constant time. */
export function keyMatcher(keys: readonly ApiKey[]): (presented: string) => KeyMatch | null {
  const known = keys.map((k) => ({ hash: digest(k.key), match: { id: apiKeyId(k.key), admin: k.admin } }));
  return (presented) => {
    const h = digest(presented);
    let match: KeyMatch | null = null;
    for (const k of known) if (timingSafeEqual(h, k.hash)) match = k.match;
    return match;
  };
}

/** Whose analyses a request may see: a key id, or null for all (auth off, or an admin key). */
export function visibleOwner(request: FastifyRequest): string | null {
  return request.apiKeyAdmin ? null : request.apiKeyId;
}

/** Keys shorter than this are logged at start-up as guessable (the key itself never is). */
export const SHORT_KEY_CHARS = 16;

/**
 * Wrong keys counted per client address in this process: past `max` within `windowSeconds` of the
 * first, the address's requests under /v1 get 429 until the window ends, whatever key they carry (a
 * guess that would be right is not tried). A request without a key is no guess and is not counted.
 * Held in memory (no I/O on a request): with several API processes an address has `max` per process.
 */
export class FailedKeyAttempts {
  private readonly failures = new Map<string, { count: number; until: number }>();
  constructor(
    readonly max: number,
    readonly windowSeconds: number,
    /** addresses tracked at most: past it, expired ones are dropped, then the oldest */
    private readonly tracked = 100_000,
  ) {}

  /** seconds until `address` may try again, or 0 */
  blockedFor(address: string, now = Date.now()): number {
    const f = this.failures.get(address);
    if (f === undefined || f.count < this.max) return 0;
    if (f.until <= now) {
      this.failures.delete(address);
      return 0;
    }
    return Math.ceil((f.until - now) / 1000);
  }

  failed(address: string, now = Date.now()): void {
    let f = this.failures.get(address);
    if (f === undefined || f.until <= now) {
      if (this.failures.size >= this.tracked) this.prune(now);
      f = { count: 0, until: now + this.windowSeconds * 1000 };
      this.failures.set(address, f);
    }
    f.count += 1;
  }

  /** Drops the ended windows, and while still past 90 % full the oldest (a Map iterates in insertion order): a tenth of room at least, so not every new address scans the table. */
  private prune(now: number): void {
    for (const [address, f] of this.failures) if (f.until <= now) this.failures.delete(address);
    const room = Math.floor(this.tracked * 0.9);
    for (const address of this.failures.keys()) {
      if (this.failures.size <= room) break;
      this.failures.delete(address);
    }
  }
}

export function installAuth(app: FastifyInstance, keys: readonly ApiKey[], attempts?: FailedKeyAttempts): void {
  app.decorateRequest('apiKeyId', null);
  app.decorateRequest('apiKeyAdmin', false);
  if (keys.length === 0) return;
  const match = keyMatcher(keys);
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0];
    if (OPEN_PATHS.some((p) => p.test(path))) return;
    // (a client gone before its address was read has none)
    const address = clientNetwork(clientAddress(request));
    const wait = attempts?.blockedFor(address) ?? 0;
    if (wait > 0) {
      throw new ProblemError('rateLimited', `too many requests with a wrong API key from this address (${attempts!.max} in ${attempts!.windowSeconds} s): retry in ${wait} s with a key from API_KEYS`, undefined, undefined, wait);
    }
    const key = presentedKey(request);
    if (key === null) throw new ProblemError('unauthorized', 'this API needs a key: send it in the x-api-key header or as Authorization: Bearer <key>');
    const found = match(key);
    if (found === null) {
      attempts?.failed(address);
      throw new ProblemError('unauthorized', 'the API key is not one of the configured API_KEYS');
    }
    request.apiKeyId = found.id;
    request.apiKeyAdmin = found.admin;
  });
}

/** The one 404 for an unknown analysis and for another key's: the answer must not reveal that it exists. */
export function analysisNotFound(id: string): ProblemError {
  return new ProblemError('notFound', `no analysis with id '${id}': GET /v1/analyses lists your newest analyses (?wallet=<address>: those of a wallet)`);
}

/**
 * Throws the 404 unless the analysis (or another record a key owns, with its own 404: a watch)
 * exists and this request's key may see it (its own, or an admin key).
 */
export function assertVisible<T extends { ownerKeyId: string | null }>(request: FastifyRequest, id: string, record: T | null, notFound: (id: string) => ProblemError = analysisNotFound): asserts record is T {
  const owner = visibleOwner(request);
  if (!record || (owner !== null && record.ownerKeyId !== owner)) throw notFound(id);
}
