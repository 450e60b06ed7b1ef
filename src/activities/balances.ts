// Current balances of wallets through Redis `balance:{wallet}` (TTL 30 s). Concurrent requests
// for the same wallet, from any worker process, cause one RPC fetch: the first takes a Redis lock
// and fetches; the others wait for the cache to fill (single-flight). `fetchBalanceBatch` does this
// for up to 100 wallets in one activity (one getMultipleAccounts call for their SOL); `fetchBalances`
// (one wallet) stays for analyses started before the batches.
import { setMaxListeners } from 'node:events';
import { withLivenessHeartbeat } from './heartbeat';
import { randomUUID } from 'node:crypto';
import { Context, CancelledFailure, log } from '@temporalio/activity';
import { saveBalances, type StoredBalances } from '../store/wallet-balances';
import { InvalidAddressError, InvalidRequestError, ProviderError } from '../providers/errors';
import { isPublicKey } from '../providers/address';
import { describeFailure } from '../errors';
import type { ActivityDeps } from './deps';
import type { TokenHoldings } from '../providers/solana-rpc';
import { withQuickRetries } from './quick-retries';

export interface BalanceSummary {
  wallet: string;
  solLamports: string;
  tokenCount: number;
  tokenAccountCount: number;
  isLargeWallet: boolean;
  fetchedAt: string;
  fromCache: boolean;
}

/** One wallet of a batch: served from the cache, fetched, or failed with the reason (never the balances themselves: they are in PostgreSQL). */
export type WalletBalanceOutcome = { wallet: string; balances: 'cached' | 'fetched' } | { wallet: string; balances: 'failed'; error: string };

export interface BalanceBatchResult {
  wallets: WalletBalanceOutcome[];
}

/** Wallets per fetchBalanceBatch: getMultipleAccounts takes 100 addresses. */
export const BALANCE_BATCH_MAX_WALLETS = 100;
/** Token-account requests of one batch in flight at once (the RPC budget sets the real pace). */
const TOKEN_FETCHES_IN_FLIGHT = 10;
/**
 * A retryable failure (rate limit, 5xx, timeout) of some wallet makes the batch fail and retry
 * (Temporal waits the provider's Retry-After), keeping the outcomes so far in its heartbeat; when
 * less than this much of the batch's schedule-to-close budget is left, it is reported as that
 * wallet's failure instead, so the other wallets' outcomes still reach the workflow.
 */
const LAST_ATTEMPT_MARGIN_MS = 60_000;

const LOCK_TTL_MS = 30_000;
/**
 * How long a fetch waits for wallets another fetch holds: a live holder renews its locks
 * (holdingLocks), so a batch of 100 wallets may hold them past one TTL; a dead one's lapse within
 * LOCK_TTL_MS and are taken then. Under the balance activities' 2-minute start-to-close.
 */
const LOCK_WAIT_MS = 90_000;
const WAIT_STEP_MS = 100;

/** Another fetch of the same wallet held the lock longer than it may (retryable). */
export class BalanceLockTimeoutError extends Error {
  override name = 'BalanceLockTimeoutError';
}

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
/** The lock again for LOCK_TTL_MS, only while it is still the holder's (its token). */
const RENEW_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;

type CachedBalances = StoredBalances & { isLargeWallet: boolean };

/** What the cache keeps of a wallet's fetched balances (its lamports absent: 0, a new account). */
function balancesOf(wallet: string, solLamports: bigint | undefined, holdings: TokenHoldings): CachedBalances {
  return {
    wallet,
    solLamports: (solLamports ?? 0n).toString(),
    tokens: holdings.balances.map((b) => ({ mint: b.mint, program: b.program, rawAmount: b.rawAmount, decimals: b.decimals })),
    tokenAccountCount: holdings.tokenAccountCount,
    isLargeWallet: holdings.isLargeWallet,
    fetchedAt: new Date().toISOString(),
  };
}

function summarize(b: CachedBalances, fromCache: boolean): BalanceSummary {
  return {
    wallet: b.wallet,
    solLamports: b.solLamports,
    tokenCount: b.tokens.length,
    tokenAccountCount: b.tokenAccountCount,
    isLargeWallet: b.isLargeWallet,
    fetchedAt: b.fetchedAt,
    fromCache,
  };
}

/** Whether retrying could change the outcome (Temporal's retry policy makes the same call for the activity). */
function retryable(err: unknown): boolean {
  if (err instanceof ProviderError) return err.retryable;
  return !(err instanceof CancelledFailure);
}

/** A wallet's failure as the workflow words it: the provider error's type first (failures are grouped by it). */
function reasonOf(err: unknown): string {
  return err instanceof ProviderError ? describeFailure({ type: err.name, message: err.message }) : describeFailure(err);
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const lane = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** A wallet's cached balances in Redis (TTL balanceCacheTtlSeconds): written after they are stored in PostgreSQL. */
export const balanceCacheKey = (wallet: string): string => `balance:${wallet}`;

/**
 * The wallets whose balances are cached now (one round trip; EXISTS, not the values). A cached
 * wallet's balances are in PostgreSQL too (`store` writes them there first), fetched within the
 * cache's TTL: what fetchBalanceBatch would answer 'cached' for, without the activity.
 */
export async function walletsWithCachedBalances(redis: ActivityDeps['redis'], wallets: string[]): Promise<Set<string>> {
  if (wallets.length === 0) return new Set();
  const answers = await wallets.reduce((p, w) => p.exists(balanceCacheKey(w)), redis.pipeline()).exec();
  return new Set(wallets.filter((_, i) => answers?.[i]?.[0] === null && answers[i][1] === 1));
}

export function createBalanceActivities(deps: ActivityDeps) {
  const { pool, redis, rpc } = deps;
  const cacheKey = balanceCacheKey;
  const lockKey = (wallet: string) => `balance-lock:${wallet}`;
  /**
   * Gives back the locks this fetch took (those still holding its token). A release Redis does not
   * answer must not hide the step's own outcome: the locks expire by their TTL.
   */
  const releaseLocks = (wallets: string[], token: string): Promise<unknown> =>
    wallets
      .reduce((p, w) => p.eval(RELEASE_SCRIPT, 1, lockKey(w), token), redis.pipeline())
      .exec()
      .catch(() => undefined);

  async function readCache(wallet: string): Promise<CachedBalances | null> {
    const text = await redis.get(cacheKey(wallet));
    return text ? JSON.parse(text) : null;
  }

  async function readCaches(wallets: string[]): Promise<Map<string, CachedBalances>> {
    if (wallets.length === 0) return new Map();
    const texts = await redis.mget(...wallets.map(cacheKey));
    return new Map(wallets.flatMap((w, i) => (texts[i] ? [[w, JSON.parse(texts[i] as string) as CachedBalances] as const] : [])));
  }

  async function store(balances: CachedBalances): Promise<void> {
    await saveBalances(pool, balances);
    await redis.set(cacheKey(balances.wallet), JSON.stringify(balances), 'EX', deps.settings.balanceCacheTtlSeconds);
  }

  return {
    async fetchBalances(input: { wallet: string }): Promise<BalanceSummary> {
      return withLivenessHeartbeat(() => ({ wallet: input.wallet }), () => fetchWalletBalances(input.wallet));
    },

    /**
     * Balances of up to 100 wallets: cached ones first, the rest under their single-flight locks,
     * SOL of all of them in one getMultipleAccounts call and token accounts per owner. A wallet that
     * fails for good (invalid address, rejected key) is reported failed; the batch goes on.
     */
    async fetchBalanceBatch(input: { wallets: string[] }): Promise<BalanceBatchResult> {
      if (input.wallets.length > BALANCE_BATCH_MAX_WALLETS) throw new Error(`fetchBalanceBatch takes at most ${BALANCE_BATCH_MAX_WALLETS} wallets (got ${input.wallets.length})`);
      const ctx = Context.current();
      // a retried batch resumes with the outcomes its previous attempt heartbeated
      const previous = (ctx.info.heartbeatDetails as { done?: WalletBalanceOutcome[] } | undefined)?.done ?? [];
      const done = new Map<string, WalletBalanceOutcome>(previous.filter((o) => input.wallets.includes(o.wallet)).map((o) => [o.wallet, o]));
      return withLivenessHeartbeat(
        () => ({ done: [...done.values()] }),
        async () => {
          await fetchBatch(input.wallets.filter((w) => !done.has(w)), done);
          return { wallets: input.wallets.map((w) => done.get(w)!) };
        },
      );
    },
  };

  async function fetchBatch(wallets: string[], done: Map<string, WalletBalanceOutcome>): Promise<void> {
    const ctx = Context.current();
    // A wallet that may yet succeed is kept out of `done` until the last attempt: `done` is what the
    // heartbeats carry, and a liveness heartbeat taken while it held such a failure made the next
    // attempt resume with the wallet failed for good (seen in the chaos suite's Redis outage).
    const retryFailures = new Map<string, WalletBalanceOutcome>();
    let retryCause: unknown;
    const fail = (wallet: string, err: unknown) => {
      // a cancelled batch (its analysis cancelled, its heartbeat timed out) has its calls dropped on
      // their way: it ends as cancelled, failing none of its wallets
      if (ctx.cancellationSignal.aborted) throw err;
      const outcome: WalletBalanceOutcome = { wallet, balances: 'failed', error: reasonOf(err) };
      if (retryable(err)) {
        retryFailures.set(wallet, outcome);
        retryCause ??= err;
      } else done.set(wallet, outcome);
    };
    const deadline = Date.now() + LOCK_WAIT_MS;
    let waiting = wallets;
    // Each turn, like fetchWalletBalances for one wallet: the cache, then the locks, then the cache
    // again under the locks; wallets whose lock someone else holds wait for the next turn.
    while (waiting.length > 0) {
      if (ctx.cancellationSignal.aborted) throw new CancelledFailure('balance fetch cancelled');
      const cached = await readCaches(waiting);
      for (const w of cached.keys()) done.set(w, { wallet: w, balances: 'cached' });
      const missing = waiting.filter((w) => !cached.has(w));
      const token = randomUUID();
      const locked: string[] = [];
      const others: string[] = [];
      if (missing.length > 0) {
        const answers = await missing.reduce((p, w) => p.set(lockKey(w), token, 'PX', LOCK_TTL_MS, 'NX'), redis.pipeline()).exec();
        missing.forEach((w, i) => (answers?.[i]?.[1] === 'OK' ? locked : others).push(w));
        // a pipeline answers each command apart: a lock Redis did not answer for (a command timeout,
        // a lost connection) is no one else's, so the step fails as Redis being away (and retries),
        // giving back the locks it took, instead of waiting for a holder that does not exist
        const unanswered = answers?.find(([err]) => err !== null)?.[0];
        if (unanswered) {
          await releaseLocks(locked, token);
          throw unanswered;
        }
      }
      if (locked.length > 0) {
        try {
          const filled = await readCaches(locked);
          for (const w of filled.keys()) done.set(w, { wallet: w, balances: 'cached' });
          await holdingLocks(locked, token, () => fetchLocked(locked.filter((w) => !filled.has(w)), done, fail));
        } finally {
          await releaseLocks(locked, token);
        }
      }
      waiting = others;
      if (waiting.length > 0) {
        if (Date.now() > deadline) {
          // the other fetches have most likely filled the cache meanwhile (this batch's own fetch may
          // have run past the deadline): only a wallet still missing there has waited in vain
          const late = await readCaches(waiting);
          for (const w of late.keys()) done.set(w, { wallet: w, balances: 'cached' });
          for (const w of waiting.filter((x) => !late.has(x))) fail(w, new BalanceLockTimeoutError(`balances of ${w}: another fetch held the lock for over ${LOCK_WAIT_MS / 1000}s`));
          break;
        }
        await ctx.sleep(WAIT_STEP_MS);
      }
    }
    if (retryCause !== undefined) {
      if (!lastAttempt()) {
        // the wallets that may yet succeed are retried with the batch; the others are kept in its heartbeat
        ctx.heartbeat({ done: [...done.values()] });
        throw retryCause;
      }
      for (const [w, outcome] of retryFailures) done.set(w, outcome);
    }
  }

  /**
   * `fn` while the locks of `wallets` (taken with `token`) are renewed every third of their TTL: a
   * batch of 100 wallets' fetches outlasts one TTL under the RPC budget, and another fetch took its
   * wallets' lapsed locks and fetched them again. A renewal that fails (Redis) is let go: the lock
   * then lapses as before.
   */
  async function holdingLocks<T>(wallets: readonly string[], token: string, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      void wallets
        .reduce((p, w) => p.eval(RENEW_SCRIPT, 1, lockKey(w), token, String(LOCK_TTL_MS)), redis.pipeline())
        .exec()
        .catch(() => undefined);
    }, LOCK_TTL_MS / 3);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  /** Whether a failed attempt would leave too little of the schedule-to-close budget for another. */
  function lastAttempt(): boolean {
    const info = Context.current().info;
    const budget = info.scheduleToCloseTimeoutMs;
    if (!budget) return false;
    return Date.now() + LAST_ATTEMPT_MARGIN_MS > info.scheduledTimestampMs + budget;
  }

  /** Fetches wallets whose locks this batch holds: SOL in one call per 100, token accounts per owner. */
  async function fetchLocked(wallets: string[], done: Map<string, WalletBalanceOutcome>, fail: (wallet: string, err: unknown) => void): Promise<void> {
    if (wallets.length === 0) return;
    // a malformed address is refused by the client before any request: its own failure, not the batch's
    const malformed = wallets.filter((w) => !isPublicKey(w));
    for (const w of malformed) fail(w, new InvalidAddressError(w, { provider: 'solana-rpc', operation: 'rpc getMultipleAccounts' }));
    wallets = wallets.filter((w) => isPublicKey(w));
    if (wallets.length === 0) return;
    const signal = Context.current().cancellationSignal;
    // every request in flight listens to the batch's signal: TOKEN_FETCHES_IN_FLIGHT wallets, two
    // token programs each, and the retries' waits; past Node's default of 10 it printed a "possible
    // memory leak" warning per batch on the worker's output (seen in the 1,000-wallet benchmark)
    setMaxListeners(4 * TOKEN_FETCHES_IN_FLIGHT + 10, signal);
    let sol: Map<string, bigint>;
    try {
      sol = await withQuickRetries(() => rpc.getSolBalances(wallets, { signal }), signal);
    } catch (err) {
      // a quota spent, a key refused or an answer that does not read: asking per wallet would only
      // repeat it a hundred times
      if (!(err instanceof InvalidRequestError) || wallets.length === 1) {
        for (const w of wallets) fail(w, err);
        return;
      }
      // one bad address makes the whole call invalid: ask per wallet to find which
      sol = new Map();
      for (const w of wallets) {
        try {
          sol.set(w, (await rpc.getSolBalances([w], { signal })).get(w) ?? 0n);
        } catch (one) {
          fail(w, one);
        }
      }
    }
    await eachLimited(
      wallets.filter((w) => sol.has(w)),
      TOKEN_FETCHES_IN_FLIGHT,
      async (wallet) => {
        try {
          const balances = balancesOf(wallet, sol.get(wallet), await withQuickRetries(() => rpc.getTokenBalances(wallet, { signal }), signal));
          await store(balances);
          done.set(wallet, { wallet, balances: 'fetched' });
        } catch (err) {
              fail(wallet, err);
        }
      },
    );
    log.info('balances fetched', { wallets: wallets.length, failed: wallets.filter((w) => done.get(w)?.balances === 'failed').length });
  }

  async function fetchWalletBalances(wallet: string): Promise<BalanceSummary> {
      const ctx = Context.current();
      // Each turn: the cache first, then the lock, then the cache again under the lock. A waiter
      // therefore either finds the holder's result or, once the holder has released without one
      // (it failed, or died and the lock expired), fetches itself.
      const token = randomUUID();
      const deadline = Date.now() + LOCK_WAIT_MS;
      for (;;) {
        const cached = await readCache(wallet);
        if (cached) return summarize(cached, true);
        if ((await redis.set(lockKey(wallet), token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') break;
        if (Date.now() > deadline) throw new BalanceLockTimeoutError(`balances of ${wallet}: another fetch held the lock for over ${LOCK_WAIT_MS / 1000}s`);
        await ctx.sleep(WAIT_STEP_MS);
        ctx.heartbeat({ waitingFor: 'balance-lock' });
      }
      try {
        // Between this turn's cache miss and taking the lock, the previous holder may have filled
        // the cache and released: read it once more now that no one else can be fetching.
        const filled = await readCache(wallet);
        if (filled) return summarize(filled, true);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('balance fetch cancelled');
        const signal = ctx.cancellationSignal;
        const [sol, holdings] = await holdingLocks([wallet], token, () => Promise.all([rpc.getSolBalances([wallet], { signal }), rpc.getTokenBalances(wallet, { signal })]));
        const balances = balancesOf(wallet, sol.get(wallet), holdings);
        await store(balances);
        log.info('balances fetched', { wallet, tokens: balances.tokens.length, tokenAccounts: balances.tokenAccountCount, ...(holdings.unreadTokenAccounts > 0 ? { unreadTokenAccounts: holdings.unreadTokenAccounts } : {}) });
        return summarize(balances, false);
      } finally {
        await releaseLocks([wallet], token);
      }
  }
}

export type BalanceActivities = ReturnType<typeof createBalanceActivities>;
