// The one place that reads process.env. Everything else receives a validated Config.
import { isIpAddress, parseRange } from './ip-address';
import { z } from 'zod';
import { ConfigError } from './errors';

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const positiveNumber = z.coerce.number().positive();

/** An optional variable read by `parse` (unset: ''), whose error message is the variable's problem. */
const parsedWith = <T>(parse: (text: string) => T) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      try {
        return parse(v ?? '');
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const urlWithScheme = (schemes: string[]) =>
  z.string().refine((value) => {
    try {
      return schemes.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`);

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/, 'must be host:port, e.g. 127.0.0.1:7233');

const optionalSecret = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== '' ? v.trim() : undefined));

export interface ApiKey {
  key: string;
  /** an admin key reads, lists and cancels the analyses of every key */
  admin: boolean;
}

/** The roles an API_KEYS entry can carry before a ':' (none: an ordinary key). */
const API_KEY_ROLES = ['admin'] as const;

/**
 * Parses API_KEYS: comma-separated entries, each `key` or `admin:key`. Messages name entries by
 * position, never by value: the keys are secrets.
 */
export function parseApiKeys(text: string): ApiKey[] {
  const entries = text.split(',').map((e) => e.trim());
  const keys: ApiKey[] = [];
  const seen = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (entry === '') return;
    const n = i + 1;
    const colon = entry.indexOf(':');
    const role = colon === -1 ? null : entry.slice(0, colon);
    if (role !== null && !(API_KEY_ROLES as readonly string[]).includes(role)) {
      throw new Error(`entry ${n} has an unknown role before ':' (the only role is admin, as in admin:<key>; a key itself cannot contain ':' or ',')`);
    }
    const key = colon === -1 ? entry : entry.slice(colon + 1).trim();
    if (key === '') throw new Error(`entry ${n} is '${role}:' without a key after it`);
    if (!/^[\x21-\x7e]+$/.test(key)) throw new Error(`entry ${n} has a key with spaces or characters outside printable ASCII: keys travel in an HTTP header`);
    if (key.includes(':')) throw new Error(`entry ${n} has a key containing ':' after its role: a key cannot contain ':' or ','`);
    const first = seen.get(key);
    if (first !== undefined) throw new Error(`entries ${first} and ${n} are the same key: list each key once`);
    seen.set(key, n);
    keys.push({ key, admin: role === 'admin' });
  });
  return keys;
}

/** `REDIS_COMMAND_TIMEOUT_MS`'s default (also `createRedis`'s). */
export const REDIS_COMMAND_TIMEOUT_DEFAULT_MS = 5_000;

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * `API_TRUST_PROXY`: the proxies' addresses and CIDR ranges, separated by commas; undefined when
 * empty. `true` (every address) and a hop count are refused: with either, a client that reaches the
 * API directly could name itself any address in `X-Forwarded-For` (fastify no longer honours hop
 * counts for that reason).
 */
export function parseTrustProxy(raw: string): string[] | undefined {
  const text = raw.trim();
  if (text === '') return undefined;
  if (/^(true|false|\*|\d+)$/i.test(text)) {
    throw new Error(`"${text}" is not accepted: give the proxies' addresses or CIDR ranges (e.g. 10.0.0.5,loopback); trusting every address, or a number of hops, would let a client that reaches the API directly name itself any address`);
  }
  return text.split(',').map((entry, i) => {
    const item = entry.trim();
    if (PROXY_RANGE_NAMES.has(item) || (!item.includes('%') && isIpAddress(item))) return item;
    const range = parseRange(item);
    if (range !== null) {
      // a range wider than an IPv4 /8 (a public IPv6 /32) is the internet's, not a proxy fleet's: /0 is `true`
      if (range.bits < range.widest) throw new Error(`entry ${i + 1} ("${item}") is wider than a /${range.widest}: name the proxies' own addresses or range`);
      return item;
    }
    throw new Error(`entry ${i + 1} ("${item}") is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`);
  });
}

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  DATABASE_URL: urlWithScheme(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/wallet_similarity'),
  REDIS_URL: urlWithScheme(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default(''),
  /** how long one Redis command may wait for its answer before it fails as Redis being away (a frozen or partitioned server answers nothing) */
  REDIS_COMMAND_TIMEOUT_MS: positiveInt.default(REDIS_COMMAND_TIMEOUT_DEFAULT_MS),

  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: urlWithScheme(['http:', 'https:']).default('http://127.0.0.1:8233'),
  TEMPORAL_METRICS_BIND: hostPort.optional(),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** `key1,key2,admin:key3`: the keys that may call the API; an `admin:` key sees every key's analyses */
  API_KEYS: parsedWith(parseApiKeys),
  /**
   * The reverse proxies in front of the API, whose `X-Forwarded-For` it believes for a client's
   * address: their addresses and CIDR ranges (`loopback`, `linklocal` and `uniquelocal` name those
   * ranges); none by default
   */
  API_TRUST_PROXY: parsedWith(parseTrustProxy),
  MAX_WALLETS_PER_ANALYSIS: positiveInt.max(1000).default(1000),
  /** watched groups (POST /v1/watches) one API key may keep (without keys: all clients together) */
  MAX_WATCHES_PER_KEY: positiveInt.max(1000).default(20),
  /** the shortest interval between a watched group's runs a request may ask for, in minutes */
  WATCH_MIN_EVERY_MINUTES: positiveInt.max(43_200).default(60),
  /** `true`: a watch's webhook may name a loopback, private or link-local address (a receiver on the operator's own network); by default only public addresses, so that no user has the service probe its network */
  WATCH_WEBHOOK_PRIVATE_ADDRESSES: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
  /** requests per API key (or, without keys, client address: clientNetwork) per window, on each POST/DELETE route */
  API_RATE_LIMIT_MAX: positiveInt.default(60),
  API_RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(60),
  /** wrong API keys a client address may send within API_KEY_FAILURE_WINDOW_SECONDS before its requests get 429 until the window ends (per API process) */
  API_KEY_FAILURES_MAX: positiveInt.default(20),
  API_KEY_FAILURE_WINDOW_SECONDS: positiveInt.default(300),
  /** event streams (GET /v1/analyses/{id}/events) one API key (a client address without keys) may hold open at once in an API process */
  API_MAX_STREAMS_PER_KEY: positiveInt.default(20),
  /**
   * POST /v1/analyses answers from the stored row, without waiting for Temporal to accept the
   * workflow, while at least this many of the process's starts are already waiting (0: never wait
   * while Temporal accepts starts); src/api/analysis-starts.ts
   */
  API_START_HAND_OFF_AT: z.coerce.number().int().min(0).default(1),
  /** starts that may wait in the background at once; past it a request waits for its own */
  API_START_MAX_PENDING: positiveInt.default(2000),
  /**
   * background starts sent to Temporal at once (the rest wait in the process's queue). Few: a flood of
   * concurrent starts makes Temporal and its database compete with the POSTs themselves (measured on
   * the 2-core bench machine at 200 POSTs/s: 64 at once gave a stored row p50 25 ms, 4 gave 5 ms, and
   * the burst drained sooner); a process starts about this many / Temporal's start latency per second
   */
  API_START_CONCURRENCY: positiveInt.default(4),
  /**
   * PostgreSQL connections of an API process (at least 2: the start sweep holds one for its lock
   * while it reads on another). Few: at 200 POSTs a second with the analyses running beside them on
   * the 2-core bench machine, 3 connections answered the POSTs with p50/p99 10-19/161-177 ms and 10
   * with 156-237/2,433-3,011 ms (the row's insert p50 4-7 against 42-71 ms): the requests queue in
   * the process for a warm backend instead of many backends competing for PostgreSQL's CPU. New
   * analyses' rows go together, up to this many less one statements at a time (src/api/analysis-rows.ts),
   * so few connections still store a burst's rows where each commit waits on a busy WAL
   * (docs/benchmarks.md, sixteenth session). Raise it with PostgreSQL's cores, or for slow reads.
   */
  API_DB_CONNECTIONS: z.coerce.number().int().min(2).default(3),
  /** an analysis whose workflow Temporal has not accepted after this long is failed, with the reason */
  API_START_GIVE_UP_SECONDS: positiveInt.default(900),

  HELIUS_API_KEY: optionalSecret,
  HELIUS_BASE_URL: urlWithScheme(['http:', 'https:']).default('https://api-mainnet.helius-rpc.com'),
  SOLANA_RPC_URL: urlWithScheme(['http:', 'https:']).default('https://mainnet.helius-rpc.com'),
  DEXSCREENER_BASE_URL: urlWithScheme(['http:', 'https:']).default('https://api.dexscreener.com'),
  HELIUS_RPS: positiveNumber.default(10),
  /**
   * The wallet histories' `token-accounts` filter (TokenAccountsFilter in src/providers/helius.ts):
   * balanceChanged lists the transactions that change a token account the wallet owns (a token sent
   * to it) besides those that name it; none is Helius's own default, which leaves them out.
   */
  HELIUS_TOKEN_ACCOUNTS: z.enum(['none', 'balanceChanged', 'all']).default('balanceChanged'),
  RPC_RPS: positiveNumber.default(50),
  DEXSCREENER_RPM: positiveNumber.default(300),
  HTTP_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  HTTP_READ_TIMEOUT_MS: positiveInt.default(30_000),

  /**
   * Activity slots of the balances queue per worker process: sync steps and balance batches. Each
   * running sync step holds up to two history pages (one stored while the next is fetched), so the
   * slots bound the worker's memory: with 25 the 1,000-wallet benchmark's worker peaked at 266 to 272 MB
   * where 50 reached 291 to 302, in the same wall time, at a Helius budget of 50 requests a second
   * (docs/benchmarks.md, twelfth session; 40 against 25 in the thirty-first: 295 MB against 229, no
   * sooner). Raise it with the budget (HELIUS_RPS), the worker's cores and its memory.
   */
  BALANCES_CONCURRENCY: positiveInt.default(25),
  /**
   * PostgreSQL connections of a worker process for its wallet syncs' statements (history pages, a
   * synced wallet's PnL and behavior), apart from its other queries. Few: a page's statement cost
   * PostgreSQL about 40 % less CPU on 2 backends that run every sync's statements than spread over
   * the 20 backends of a pool as busy (11.4 to 11.8 against 18.7 to 18.8 ms a page on 2 cores,
   * docs/benchmarks.md, fifteenth session). Raise it with PostgreSQL's cores.
   */
  SYNC_CONNECTIONS: positiveInt.default(2),
  ANALYSIS_CONCURRENCY: positiveInt.default(10),
  ENRICHMENT_CONCURRENCY: positiveInt.default(20),
  WALLET_STALE_AFTER_SECONDS: positiveInt.default(6 * 3600),
  /** threads computing a group's pairs in the similarity step: 'auto' or a whole number ≥ 1 (1: no helper thread) */
  SIMILARITY_THREADS: z
    .string()
    .regex(/^(auto|[1-9][0-9]*)$/, "must be 'auto' or a whole number ≥ 1")
    .transform((v): number | 'auto' => (v === 'auto' ? 'auto' : Number(v)))
    .default('auto'),
  /** group size in pairs from which SIMILARITY_THREADS=auto adds a helper thread */
  SIMILARITY_MIN_PAIRS_FOR_THREADS: positiveInt.default(50_000),
  /**
   * Heap (old generation, MB) of the process that computes one similarity step of 100 wallets or
   * more (--max-old-space-size): a group that needs more fails its analysis with a message naming this
   */
  SIMILARITY_HEAP_MB: positiveInt.default(2048),
  /**
   * Counterparties shared by a group's wallets whose own activity the similarity step reads from the
   * chain (getSignaturesForAddress, cached a day), those most of the group shares first: a busy
   * service weighs 0 as a common funder, a wallet of one owner 1. 0 reads none.
   */
  COUNTERPARTY_LOOKUPS: z.coerce.number().int().min(0).default(200),
  /**
   * Tokens whose launch (the mint's oldest transaction, read once per token) the similarity step
   * reads first when the group crowds around it: more than 6 of its wallets bought within 10 min of
   * the first buy, two in one slot. Its creation block then shows a bundle the crowd hid. 0 reads none.
   */
  LAUNCH_LOOKUPS: z.coerce.number().int().min(0).default(5),
  BALANCE_CACHE_TTL_SECONDS: positiveInt.default(30),
  /**
   * How long a token request's holders (its group and how it was chosen) are kept in Redis for the
   * same API key's later requests of the token and `top`: a scan is up to 50 getProgramAccountsV2 pages (100 DAS pages).
   * The result says when the accounts were read; `sync: 'force'` scans afresh. 0 keeps none.
   */
  HOLDER_CACHE_SECONDS: z.coerce.number().int().min(0).default(120),
  /**
   * Workflows each Worker keeps cached (maxCachedWorkflows): past it the least recently used is
   * evicted and replayed from its history at its next task. The SDK's default grows with the heap
   * (about 2,300 at a 4 GB heap); a bound keeps the worker's memory bounded under load.
   */
  WORKFLOW_CACHE_SIZE: z.coerce.number().int().min(1).default(1000),
  /** reuseV8Context: all cached workflows of a Worker share one V8 context (far less memory per workflow); 'false' gives each its own */
  WORKFLOW_REUSE_V8_CONTEXT: z.enum(['true', 'false']).transform((v) => v === 'true').default(true),
});

export type Config = z.infer<typeof schema>;


export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const variable = issue.path.join('.');
    const value = env[variable];
    const shown = value === undefined ? '' : ` (got '${isSecretName(variable) ? '<redacted>' : value}')`;
    return `${variable} ${issue.message}${shown}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
}

function isSecretName(variable: string): boolean {
  return /KEY|SECRET|PASSWORD|TOKEN/.test(variable);
}

/** The connection string without its password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Every environment variable the configuration reads. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(schema.shape);
