// The simulator's realism knobs: their shape, start-up defaults and how a config patch applies.
export const SIM_PROVIDERS = ['helius', 'solana-rpc', 'dexscreener'] as const;
export type SimProvider = (typeof SIM_PROVIDERS)[number];
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
  /**
   * endpoints ("helius:history") or providers ("dexscreener") whose answers are held, after their
   * latency, until a later patch takes them out of this list: a test checks what a client shows
   * while an answer is on its way, then lets it through
   */
  paused: string[];
  /**
   * JSON-RPC methods answered `-32601 Method not found`, as an RPC without them answers (e.g.
   * ["getProgramAccountsV2"]: Helius's own method, which Solana's RPC does not serve)
   */
  unsupportedMethods: string[];
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

export interface KnobOptions {
  latencyMs?: SimulatorKnobs['latencyMs'];
  rateLimits?: Partial<SimulatorKnobs['rateLimits']>;
  faults?: Partial<SimulatorKnobs['faults']>;
  invalidKey?: boolean;
  scanWindow?: number;
  paused?: string[];
  unsupportedMethods?: string[];
}

export function defaultKnobs(o: KnobOptions): SimulatorKnobs {
  return {
    latencyMs: o.latencyMs ?? 0,
    rateLimits: { heliusRps: null, rpcRps: null, dexscreenerRpm: null, quotaExhausted: false, retryAfter: false, ...o.rateLimits },
    faults: { seed: 1, errorRate: 0, timeoutRate: 0, truncateRate: 0, providers: [...SIM_PROVIDERS], timeoutHoldMs: 30_000, malformedSignatures: [], ...o.faults },
    invalidKey: o.invalidKey ?? false,
    scanWindow: o.scanWindow ?? 100,
    paused: o.paused ?? [],
    unsupportedMethods: o.unsupportedMethods ?? [],
  };
}

/** Applies a config patch: absent (undefined) keeps a value, null sets it (e.g. a rate limit back to none). */
export function merge<T>(base: T, patch: unknown): T {
  if (patch === undefined) return base;
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch) || !base || typeof base !== 'object' || Array.isArray(base)) return patch as T;
  const out = { ...base } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) out[k] = v !== undefined ? merge(out[k], v) : out[k];
  return out as T;
}

export function latencyFor(knobs: SimulatorKnobs, provider: SimProvider, endpoint: string): number {
  const l = knobs.latencyMs;
  if (typeof l === 'number') return l;
  return l[endpoint] ?? l[provider] ?? l.default ?? 0;
}

export function pausedFor(knobs: SimulatorKnobs, provider: SimProvider, endpoint: string): boolean {
  return knobs.paused.includes(endpoint) || knobs.paused.includes(provider);
}

/** A name the paused knob takes: a provider, or one of its endpoints as the request log names it ("helius:history"). */
export function isPausable(name: unknown): boolean {
  return typeof name === 'string' && ((SIM_PROVIDERS as readonly string[]).includes(name) || /^(helius|rpc|dexscreener):[a-zA-Z-]+$/.test(name));
}
