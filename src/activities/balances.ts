// Current balances of one wallet through Redis `balance:{wallet}` (TTL 30 s). Concurrent requests
// for the same wallet, from any worker process, cause one RPC fetch: the first takes a Redis lock
// and fetches; the others wait for the cache to fill (single-flight).
import { withLivenessHeartbeat } from './heartbeat';
import { randomUUID } from 'node:crypto';
import { Context, CancelledFailure, log } from '@temporalio/activity';
import { saveBalances, type StoredBalances } from '../store/wallet-balances';
import type { ActivityDeps } from './deps';

export interface BalanceSummary {
  wallet: string;
  solLamports: string;
  tokenCount: number;
  tokenAccountCount: number;
  isLargeWallet: boolean;
  fetchedAt: string;
  fromCache: boolean;
}

const LOCK_TTL_MS = 30_000;
const WAIT_STEP_MS = 100;

/** Another fetch of the same wallet held the lock longer than it may (retryable). */
export class BalanceLockTimeoutError extends Error {
  override name = 'BalanceLockTimeoutError';
}

const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

function summarize(b: StoredBalances & { isLargeWallet: boolean }, fromCache: boolean): BalanceSummary {
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

export function createBalanceActivities(deps: ActivityDeps) {
  const { pool, redis, rpc } = deps;
  const cacheKey = (wallet: string) => `balance:${wallet}`;
  const lockKey = (wallet: string) => `balance-lock:${wallet}`;

  async function readCache(wallet: string): Promise<(StoredBalances & { isLargeWallet: boolean }) | null> {
    const text = await redis.get(cacheKey(wallet));
    return text ? JSON.parse(text) : null;
  }

  return {
    async fetchBalances(input: { wallet: string }): Promise<BalanceSummary> {
      return withLivenessHeartbeat(() => ({ wallet: input.wallet }), () => fetchWalletBalances(input.wallet));
    },
  };

  async function fetchWalletBalances(wallet: string): Promise<BalanceSummary> {
      const ctx = Context.current();
      // Each turn: the cache first, then the lock, then the cache again under the lock. A waiter
      // therefore either finds the holder's result or, once the holder has released without one
      // (it failed, or died and the lock expired), fetches itself.
      const token = randomUUID();
      const deadline = Date.now() + LOCK_TTL_MS + 5_000;
      for (;;) {
        const cached = await readCache(wallet);
        if (cached) return summarize(cached, true);
        if ((await redis.set(lockKey(wallet), token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') break;
        if (Date.now() > deadline) throw new BalanceLockTimeoutError(`balances of ${wallet}: another fetch held the lock for over ${LOCK_TTL_MS / 1000}s`);
        await ctx.sleep(WAIT_STEP_MS);
        ctx.heartbeat({ waitingFor: 'balance-lock' });
      }
      try {
        // Between this turn's cache miss and taking the lock, the previous holder may have filled
        // the cache and released: read it once more now that no one else can be fetching.
        const filled = await readCache(wallet);
        if (filled) return summarize(filled, true);
        if (ctx.cancellationSignal.aborted) throw new CancelledFailure('balance fetch cancelled');
        const [sol, holdings] = await Promise.all([rpc.getSolBalances([wallet]), rpc.getTokenBalances(wallet)]);
        const balances = {
          wallet,
          solLamports: (sol.get(wallet) ?? 0n).toString(),
          tokens: holdings.balances.map((b) => ({ mint: b.mint, program: b.program, rawAmount: b.rawAmount, decimals: b.decimals })),
          tokenAccountCount: holdings.tokenAccountCount,
          isLargeWallet: holdings.isLargeWallet,
          fetchedAt: new Date().toISOString(),
        };
        await saveBalances(pool, balances);
        await redis.set(cacheKey(wallet), JSON.stringify(balances), 'EX', deps.settings.balanceCacheTtlSeconds);
        log.info('balances fetched', { wallet, tokens: balances.tokens.length, tokenAccounts: balances.tokenAccountCount });
        return summarize(balances, false);
      } finally {
        await redis.eval(RELEASE_SCRIPT, 1, lockKey(wallet), token);
      }
  }
}

export type BalanceActivities = ReturnType<typeof createBalanceActivities>;
