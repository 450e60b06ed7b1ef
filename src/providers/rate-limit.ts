// Request budgets shared by every worker process: a GCRA "next free slot" reservation kept in Redis.
// Each caller atomically reserves the next slot (slots are 1/rate apart, Redis TIME is the clock),
// then sleeps until its slot. Unlike a fixed-window counter, this never lets 2N requests through
// around a window edge, so "no 1-second window above N" holds for all processes together.
import type { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface RateBudget {
  /**
   * Resolves when the caller may send one request. `signal` ends the wait for the slot (the promise
   * rejects with the signal's reason); the slot stays spent, as a reservation is the budget taken.
   */
  acquire(signal?: AbortSignal): Promise<void>;
  /**
   * The provider answered a request sent under this budget "rate limited" (429, or Helius's 401
   * "try again later"): an adaptive budget widens its margin. Never throws; resolves when noted.
   */
  reportRateLimited?(): Promise<void>;
  /** the margin the next reservation will space its slot by (a learnt one where it learns) */
  marginMs?(): Promise<number>;
}

/** What a budget tells whoever watches it: the worker's metrics (src/temporal/budget-metrics.ts). */
export interface BudgetObserver {
  /** the margin a reservation just spaced its slot by */
  margin(ms: number): void;
  /** a request sent under the budget was answered "rate limited" */
  rateLimited(): void;
  /** a request woke too late for its slot and gave it up (its process was busy): it reserves another */
  slotMissed(): void;
}

/** Sleeps `ms`, or rejects with `signal`'s reason as soon as it aborts. */
async function sleepUnlessAborted(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch (err) {
    signal?.throwIfAborted();
    throw err;
  }
}

export interface RateSpec {
  /** requests allowed per `perMs` */
  requests: number;
  perMs: number;
  /** requests that may go out back to back after an idle period (default 1: strictly even spacing) */
  burst?: number;
  /**
   * Arrival jitter the budget absorbs (default 0): slots are (perMs + marginMs) / requests apart, so
   * requests delayed by up to marginMs on their way still land at most `requests` per window. With
   * `adaptive`, the margin the budget starts from.
   */
  marginMs?: number;
  /** the margin learns from the provider's answers instead of staying at marginMs (AdaptiveMargin) */
  adaptive?: AdaptiveMargin;
}

/**
 * A margin that follows the jitter the provider actually sees. The margin is what the budget gives
 * up of the provider's rate (100 ms of a 1-second window is a tenth of it) against an unknown
 * jitter on the way; it is learnt as TCP learns a window: while no request is answered "rate
 * limited", the part above `minMs` halves every `halfLifeRequests` requests; a rate-limited answer
 * doubles it (up to `maxMs`), once a window at most (the requests already sent under the old
 * margin answer 429 together, one jump is their lesson). Shared like the slots (one Redis key).
 */
export interface AdaptiveMargin {
  minMs: number;
  maxMs: number;
  halfLifeRequests: number;
  /**
   * Added to the margin by each request that woke too late for its slot (default 0): a process whose
   * event loop is too busy to wake within half the margin (lateSlotLimitMs) gives slots up, each a
   * slot of the provider's rate unused; a wider margin costs less. The decay brings it back down
   * where wakes come in time.
   */
  missRaiseMs?: number;
}

/**
 * Margin the product's provider budgets start from (and keep, where one is fixed): network and
 * event-loop jitter on the way out. A cold start needs it most: its first requests open connections
 * (TLS handshakes of tens of milliseconds) while the ones a window later reuse them, so the earlier
 * arrive late, closer to the later ones, the way that crowds a window.
 */
export const DEFAULT_BUDGET_MARGIN_MS = 100;

/**
 * How the product's budgets learn their margin: down to 10 ms (the late-slot check then holds a
 * request to 5 ms past its slot), up to 500, halving its excess every 10 windows' worth of requests:
 * from 100 ms to 11 in a minute of requests at the budget; a quarter of a millisecond more for each
 * slot given up by a request that woke too late (where a busy worker wakes late often, the margin
 * settles where the slots it gives up cost about what the margin's width does).
 */
export const adaptiveMargin = (requests: number): AdaptiveMargin => ({ minMs: 10, maxMs: 500, halfLifeRequests: 10 * requests, missRaiseMs: MISS_RAISE_MS });

/** What a slot given up adds to an adaptive margin (AdaptiveMargin.missRaiseMs). */
export const MISS_RAISE_MS = 0.25;

export const perSecond = (requests: number, marginMs = DEFAULT_BUDGET_MARGIN_MS): RateSpec => ({ requests, perMs: 1000, marginMs });
export const perMinute = (requests: number, marginMs = DEFAULT_BUDGET_MARGIN_MS): RateSpec => ({ requests, perMs: 60_000, marginMs });
/** `spec` with a margin that learns (AdaptiveMargin), starting from its marginMs. */
export const learningMargin = (spec: RateSpec, adaptive: AdaptiveMargin = adaptiveMargin(spec.requests)): RateSpec => ({ ...spec, adaptive });

export const unlimitedBudget: RateBudget = { acquire: () => Promise.resolve() };

export class RateBudgetExceededError extends Error {
  override readonly name = 'RateBudgetExceededError';
}

function checkSpec(spec: RateSpec): void {
  if (!(spec.requests > 0) || !(spec.perMs > 0)) throw new RangeError(`invalid rate ${spec.requests}/${spec.perMs}ms`);
  const a = spec.adaptive;
  if (a && !(a.minMs >= 0 && a.maxMs >= a.minMs && a.halfLifeRequests > 0 && (a.missRaiseMs ?? 0) >= 0)) throw new RangeError(`invalid adaptive margin ${JSON.stringify(a)}`);
}

const intervalOf = (spec: RateSpec, marginMs: number): number => (spec.perMs + marginMs) / spec.requests;

/** The margin of an adaptive budget after one more request without a rate-limited answer. */
export function decayedMargin(marginMs: number, a: AdaptiveMargin): number {
  return marginMs <= a.minMs ? a.minMs : a.minMs + (marginMs - a.minMs) * Math.pow(2, -1 / a.halfLifeRequests);
}

/** The margin of an adaptive budget after a request gave its slot up (it woke too late). */
export function missRaisedMargin(marginMs: number, a: AdaptiveMargin): number {
  return Math.min(a.maxMs, marginMs + (a.missRaiseMs ?? 0));
}

/** The margin of an adaptive budget after a rate-limited answer. */
export function raisedMargin(marginMs: number, a: AdaptiveMargin): number {
  return Math.min(a.maxMs, Math.max(2 * marginMs, a.minMs, 1));
}

/** The same reservation in one process: unit tests and single-process tools. */
export class InMemoryRateBudget implements RateBudget {
  private tat = 0;
  private margin: number;
  private raisedAt = -Infinity;
  private readonly burst: number;
  constructor(
    private readonly spec: RateSpec,
    private readonly now: () => number = Date.now,
    private readonly observer?: BudgetObserver,
  ) {
    checkSpec(spec);
    this.margin = spec.marginMs ?? 0;
    this.burst = Math.max(1, spec.burst ?? 1);
  }
  marginMs(): Promise<number> {
    return Promise.resolve(this.margin);
  }
  async acquire(signal?: AbortSignal): Promise<void> {
    for (let reservation = 1; ; reservation++) {
      signal?.throwIfAborted();
      const now = this.now();
      const margin = this.margin;
      const interval = intervalOf(this.spec, margin);
      const tat = Math.max(this.tat, now);
      const start = Math.max(now, tat - (this.burst - 1) * interval);
      this.tat = tat + interval;
      if (this.spec.adaptive) this.margin = decayedMargin(margin, this.spec.adaptive);
      this.observer?.margin(margin);
      const due = performance.now() + (start - now);
      if (start > now) await sleepUnlessAborted(start - now, signal);
      if (!missedSlot(due, lateSlotLimitMs(margin)) || reservation >= MAX_RESERVATIONS) return;
      this.observer?.slotMissed();
      if (this.spec.adaptive) this.margin = missRaisedMargin(this.margin, this.spec.adaptive);
    }
  }
  reportRateLimited(): Promise<void> {
    this.observer?.rateLimited();
    const a = this.spec.adaptive;
    const now = this.now();
    if (a && now - this.raisedAt >= this.spec.perMs) {
      this.margin = raisedMargin(this.margin, a);
      this.raisedAt = now;
    }
    return Promise.resolve();
  }
}

/** How long a learnt margin is kept without requests: after a day unused the budget starts over. */
const MARGIN_MEMORY_MS = 24 * 3600 * 1000;

// KEYS[1] the next free slot (its "theoretical arrival time"), KEYS[2] the learnt margin and when it
// was last raised (a hash; an adaptive budget's only). ARGV: perMs, requests, burst, the margin to
// use when none is learnt, the longest wait the caller takes, then (adaptive) minMs, the decay
// factor per request, what to add to the margin first (the caller gave a slot up; else 0) and
// maxMs. Returns the wait, the margin this slot was spaced by, and when the script ran (Redis TIME,
// ms with its microseconds). A wait beyond the longest is returned without taking the slot: a
// caller that gives up must not push every later caller's slot back (under a backlog, each refusal
// would lengthen it, and no request would go out until the load stopped).
const RESERVE_SCRIPT = `
local perMs = tonumber(ARGV[1])
local requests = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local margin = tonumber(ARGV[4])
local maxWait = tonumber(ARGV[5])
local adaptive = ARGV[6] ~= nil
if adaptive then
  local learnt = redis.call('HGET', KEYS[2], 'margin')
  if learnt then margin = tonumber(learnt) end
  -- the caller gave its last slot up (it woke too late): the margin widens first
  if tonumber(ARGV[8]) > 0 then margin = math.min(tonumber(ARGV[9]), margin + tonumber(ARGV[8])) end
end
local interval = (perMs + margin) / requests
local t = redis.call('TIME')
local ranAt = tostring(tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000)
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local start = tat - (burst - 1) * interval
if start < now then start = now end
if start - now > maxWait then return {tostring(start - now), tostring(margin), ranAt} end
local newTat = tat + interval
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now + interval))
if adaptive then
  local minMs = tonumber(ARGV[6])
  local decayed = minMs
  if margin > minMs then decayed = minMs + (margin - minMs) * tonumber(ARGV[7]) end
  redis.call('HSET', KEYS[2], 'margin', tostring(decayed))
  redis.call('PEXPIRE', KEYS[2], ${MARGIN_MEMORY_MS})
end
return {tostring(start - now), tostring(margin), ranAt}
`;

// KEYS[2] as above. ARGV: perMs, the margin when none is learnt, minMs, maxMs. Raises the margin
// (raisedMargin) unless it was raised less than a window ago. Returns the margin now.
const RAISE_SCRIPT = `
local perMs = tonumber(ARGV[1])
local margin = tonumber(redis.call('HGET', KEYS[2], 'margin') or ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local raisedAt = tonumber(redis.call('HGET', KEYS[2], 'raisedAt') or '-1e18')
if now - raisedAt >= perMs then
  local minMs = tonumber(ARGV[3])
  local raised = math.max(2 * margin, minMs, 1)
  margin = math.min(tonumber(ARGV[4]), raised)
  redis.call('HSET', KEYS[2], 'margin', tostring(margin), 'raisedAt', tostring(now))
  redis.call('PEXPIRE', KEYS[2], ${MARGIN_MEMORY_MS})
end
return tostring(margin)
`;

/** The scripts as commands of a Redis client (one definition per client). */
const RESERVE_COMMAND = 'wsReserveBudgetSlot';
const RAISE_COMMAND = 'wsRaiseBudgetMargin';
const commandsDefined = new WeakSet<Redis>();

/**
 * Runs a budget script through ioredis's defineCommand: EVALSHA, the script's body sent only the
 * first time on a connection (and again if Redis answers NOSCRIPT). A plain EVAL sent the whole
 * script with every provider request: measured alone, 3,000 reservations in a row cost the client
 * 77 µs of user CPU each by hash against 85 by body (the in-stack profile's 0.5 ms a request around
 * that write was the socket's wake-up of Redis on a saturated machine, which both pay).
 */
function runScript<T>(redis: Redis, command: typeof RESERVE_COMMAND | typeof RAISE_COMMAND, keys: [string, string], args: Array<string | number>): Promise<T> {
  if (!commandsDefined.has(redis)) {
    redis.defineCommand(RESERVE_COMMAND, { numberOfKeys: 2, lua: RESERVE_SCRIPT });
    redis.defineCommand(RAISE_COMMAND, { numberOfKeys: 2, lua: RAISE_SCRIPT });
    commandsDefined.add(redis);
  }
  const run = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<T>>)[command];
  return run.call(redis, ...keys, ...args);
}

export interface RedisRateBudgetOptions {
  redis: Redis;
  /** full Redis key, e.g. "ws:budget:helius" */
  key: string;
  spec: RateSpec;
  /** give up (RateBudgetExceededError) rather than wait longer than this for a slot; default 120 s */
  maxWaitMs?: number;
  observer?: BudgetObserver;
}

export class RedisRateBudget implements RateBudget {
  private readonly burst: number;
  private readonly keys: [string, string];
  /**
   * Redis's clock (TIME, the slots' clock) as this process's `performance.now()` reads it: Redis
   * milliseconds minus local ones, from the reservation answered quickest (NTP's way: the script ran
   * within half its round trip of the middle). `bestRttMs` ages so that a drifting clock is followed.
   */
  private readonly clock = { offsetMs: 0, bestRttMs: Infinity };
  constructor(private readonly options: RedisRateBudgetOptions) {
    checkSpec(options.spec);
    this.burst = Math.max(1, options.spec.burst ?? 1);
    this.keys = [options.key, `${options.key}:margin`];
  }
  /** the reservation's arguments: the margin is learnt (four more; `missed`: the last slot was given up) or fixed */
  private reserveArgs(missed: boolean, maxWait: number): Array<string | number> {
    const { spec } = this.options;
    const base = [spec.perMs, spec.requests, this.burst, spec.marginMs ?? 0, maxWait];
    const a = spec.adaptive;
    return a ? [...base, a.minMs, Math.pow(2, -1 / a.halfLifeRequests), missed ? (a.missRaiseMs ?? 0) : 0, a.maxMs] : base;
  }
  async acquire(signal?: AbortSignal): Promise<void> {
    const maxWait = this.options.maxWaitMs ?? 120_000;
    for (let reservation = 1; ; reservation++) {
      signal?.throwIfAborted();
      const askedAt = performance.now();
      // (a command written at once: one queued while the client connects says nothing of the clock)
      const connected = this.options.redis.status === 'ready';
      const [wait, margin, ranAt] = await runScript<[string, string, string]>(this.options.redis, RESERVE_COMMAND, this.keys, this.reserveArgs(reservation > 1, maxWait));
      const answeredAt = performance.now();
      const redisRanAt = Number(ranAt);
      if (connected) this.learnClock(askedAt, answeredAt, redisRanAt);
      const waitMs = Number(wait);
      this.options.observer?.margin(Number(margin));
      if (waitMs > maxWait) {
        throw new RateBudgetExceededError(`rate budget ${this.options.key}: next free slot in ${Math.round(waitMs)} ms (> ${maxWait} ms)`);
      }
      // It sleeps its wait from the answer (never before its slot), but its lateness is counted
      // from the slot on Redis's clock: an answer a busy event loop read late (parsing pages while
      // it lay in the socket) is time on the way out the margin must absorb, while a command that
      // waited its turn on the connection before the script ran is not late for a slot given then.
      // (before it knows the clock: from the answer, as if read at once)
      const due = this.clock.bestRttMs < Infinity ? Math.floor(redisRanAt) + waitMs - this.clock.offsetMs : answeredAt + waitMs;
      if (waitMs > 0) await sleepUnlessAborted(waitMs, signal);
      if (!missedSlot(due, lateSlotLimitMs(Number(margin))) || reservation >= MAX_RESERVATIONS) return;
      this.options.observer?.slotMissed();
    }
  }
  /** One reservation's round trip: a sample of Redis's clock against this process's (see `clock`). */
  private learnClock(askedAt: number, answeredAt: number, redisRanAt: number): void {
    const rtt = answeredAt - askedAt;
    if (!Number.isFinite(redisRanAt)) return;
    if (rtt <= this.clock.bestRttMs) {
      this.clock.bestRttMs = rtt;
      this.clock.offsetMs = redisRanAt - (askedAt + rtt / 2);
    } else {
      this.clock.bestRttMs += CLOCK_SAMPLE_AGING_MS;
    }
  }
  async reportRateLimited(): Promise<void> {
    const { spec } = this.options;
    this.options.observer?.rateLimited();
    if (!spec.adaptive) return;
    try {
      await runScript<string>(this.options.redis, RAISE_COMMAND, this.keys, [spec.perMs, spec.marginMs ?? 0, spec.adaptive.minMs, spec.adaptive.maxMs]);
    } catch {
      // Redis away: the margin stays as it was (the next reservation fails loudly if Redis is still away)
    }
  }
  async marginMs(): Promise<number> {
    const learnt = this.options.spec.adaptive ? await this.options.redis.hget(this.keys[1], 'margin') : null;
    return learnt === null ? (this.options.spec.marginMs ?? 0) : Number(learnt);
  }
}

/**
 * How late a request may leave after its slot: half the margin (the other half is for the rest of its
 * way). A process whose event loop was busy (parsing and storing a burst of pages) wakes its sleeping
 * requests late, all in the same turn: their slots were 1/rate apart, yet they would leave together,
 * with the ones whose slots come next right behind, more than `requests` in a window at the
 * provider (measured: 12 of 300 history requests answered 429 at 61 a second against a budget of 50).
 * A request that missed its slot by more gives it up and reserves another (the missed one stays
 * spent: the budget errs on the side of fewer requests). No margin: no such check (the spacing is
 * then exact only on an idle process).
 */
function lateSlotLimitMs(marginMs: number): number | null {
  return marginMs > 0 ? marginMs / 2 : null;
}

/**
 * What the quickest round trip's claim on Redis's clock loses per slower one: after a hundred
 * reservations a sample 5 ms slower (within 2.5 ms) takes over, so that clocks drifting apart, or a
 * Redis that moved, are followed.
 */
const CLOCK_SAMPLE_AGING_MS = 0.05;

/** Reservations one request may make before it goes anyway (a process stalled again and again). */
const MAX_RESERVATIONS = 5;

function missedSlot(due: number, lateLimit: number | null): boolean {
  return lateLimit !== null && performance.now() - due > lateLimit;
}

export interface ProviderBudgetConfig {
  /** null: no Redis, budgets hold per process only */
  redis: Redis | null;
  keyPrefix: string;
  heliusRps: number;
  rpcRps: number;
  dexscreenerRpm: number;
  /** watches each budget (the worker's metrics); told each budget's margin once at the start */
  observer?: (budget: keyof ProviderBudgets) => BudgetObserver;
}

export interface ProviderBudgets {
  helius: RateBudget;
  rpc: RateBudget;
  dexscreener: RateBudget;
}

/** The three budgets the config module describes (HELIUS_RPS, RPC_RPS, DEXSCREENER_RPM). */
export function createProviderBudgets(config: ProviderBudgetConfig): ProviderBudgets {
  const make = (name: keyof ProviderBudgets, spec: RateSpec): RateBudget => {
    const observer = config.observer?.(name);
    const budget = config.redis
      ? new RedisRateBudget({ redis: config.redis, key: `${config.keyPrefix}budget:${name}`, spec, observer })
      : new InMemoryRateBudget(spec, Date.now, observer);
    // the margin it starts from (learnt by earlier processes, if any), before its first request
    if (observer) budget.marginMs().then((ms) => observer.margin(ms), () => undefined);
    return budget;
  };
  return {
    helius: make('helius', learningMargin(perSecond(config.heliusRps))),
    rpc: make('rpc', learningMargin(perSecond(config.rpcRps))),
    dexscreener: make('dexscreener', learningMargin(perMinute(config.dexscreenerRpm))),
  };
}
