// Builds the provider clients and activity dependencies from the validated configuration: the one
// place that turns configuration into real adapters.
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { Config } from './config';
import type { ActivityDeps } from './activities/deps';
import { createProviderBudgets, DexScreenerClient, HeliusClient, HeliusDasClient, SolanaRpcClient, type ProviderBudgetConfig } from './providers';

export function buildActivityDeps(config: Config, pool: Pool, redis: Redis, syncPool?: Pool, budgetObserver?: ProviderBudgetConfig['observer']): ActivityDeps {
  // Budgets hold across every worker process sharing this Redis (keys under REDIS_KEY_PREFIX).
  const budgets = createProviderBudgets({
    redis,
    keyPrefix: '',
    heliusRps: config.HELIUS_RPS,
    rpcRps: config.RPC_RPS,
    dexscreenerRpm: config.DEXSCREENER_RPM,
    ...(budgetObserver ? { observer: budgetObserver } : {}),
  });
  const timeouts = { connectTimeoutMs: config.HTTP_CONNECT_TIMEOUT_MS, headersTimeoutMs: config.HTTP_READ_TIMEOUT_MS, bodyTimeoutMs: config.HTTP_READ_TIMEOUT_MS };
  const apiKey = config.HELIUS_API_KEY ?? '';
  const rpc = new SolanaRpcClient({ url: config.SOLANA_RPC_URL, apiKey: config.HELIUS_API_KEY, budget: budgets.rpc, timeouts });
  return {
    pool,
    ...(syncPool ? { syncPool } : {}),
    redis,
    helius: new HeliusClient({ baseUrl: config.HELIUS_BASE_URL, apiKey, budget: budgets.helius, timeouts, tokenAccounts: config.HELIUS_TOKEN_ACCOUNTS }),
    rpc,
    signatures: rpc,
    market: new DexScreenerClient({ baseUrl: config.DEXSCREENER_BASE_URL, budget: budgets.dexscreener, timeouts }),
    // DAS is served on the Helius RPC URL and counts against Helius' "DAS & Enhanced" limit
    holders: new HeliusDasClient({ url: config.SOLANA_RPC_URL, apiKey: config.HELIUS_API_KEY, budget: budgets.helius, timeouts }),
    settings: {
      balanceCacheTtlSeconds: config.BALANCE_CACHE_TTL_SECONDS,
      staleAfterSeconds: config.WALLET_STALE_AFTER_SECONDS,
      similarityThreads: { threads: config.SIMILARITY_THREADS, minPairsForThreads: config.SIMILARITY_MIN_PAIRS_FOR_THREADS },
      similarityHeapMb: config.SIMILARITY_HEAP_MB,
      walletSyncConcurrency: config.BALANCES_CONCURRENCY,
      counterpartyLookups: config.COUNTERPARTY_LOOKUPS,
      launchLookups: config.LAUNCH_LOOKUPS,
      holderCacheSeconds: config.HOLDER_CACHE_SECONDS,
      webhookPrivateAddresses: config.WATCH_WEBHOOK_PRIVATE_ADDRESSES,
    },
  };
}
