// What activities need, built once per worker process and passed in (tests pass their own).
import type { Pool } from 'pg';
import type Redis from 'ioredis';
import type { BalanceSource, HeliusHistorySource, MarketDataSource, TokenHolderSource } from '../providers';
import type { SignatureSource } from './counterparty-activity';

export interface ActivitySettings {
  /** Redis TTL of `balance:{wallet}` */
  balanceCacheTtlSeconds: number;
  /** a wallet whose last successful sync is older than this is STALE */
  staleAfterSeconds: number;
  /** threads of the similarity step (SIMILARITY_THREADS, SIMILARITY_MIN_PAIRS_FOR_THREADS) */
  similarityThreads: { threads: number | 'auto'; minPairsForThreads: number };
  /** heap limit (MB, old generation) of the process computing one similarity step (SIMILARITY_HEAP_MB) */
  similarityHeapMb: number;
  /** mints one plan of an enrichment run claims at most (default MAX_MINTS_FETCHED_PER_ENRICHMENT_RUN, src/activities/enrichment.ts) */
  mintsPerEnrichmentPlan?: number;
  /** pages of DAS getTokenAccounts a token request reads at most, on an RPC without getProgramAccountsV2 (default MAX_HOLDER_PAGES, src/activities/holders.ts) */
  maxHolderPages?: number;
  /** pages of getProgramAccountsV2 a token request reads at most (default MAX_PROGRAM_ACCOUNT_PAGES, src/activities/holders.ts) */
  maxProgramAccountPages?: number;
  /** how long a holder step waits for a scan slot before it gives its activity slot back and is retried (default HOLDER_SCAN_SLOT_WAIT_MS, src/activities/holders.ts) */
  holderScanSlotWaitMs?: number;
  /** how long a token's holder result is kept for later analyses of the token and `top` (HOLDER_CACHE_SECONDS; default DEFAULT_HOLDER_CACHE_SECONDS, src/activities/holders.ts; 0 keeps none) */
  holderCacheSeconds?: number;
  /** accounts a page of getProgramAccountsV2 asks for (default and most 10,000; tests ask fewer, to page a small token) */
  programAccountsPageSize?: number;
  /**
   * wallet syncs this worker runs at once, whichever activity runs them (BALANCES_CONCURRENCY, the
   * balances queue's slots: a batch of wallets in one activity holds no more pages than as many
   * single steps would); absent: DEFAULT_WALLET_SYNC_CONCURRENCY
   */
  walletSyncConcurrency?: number;
  /**
   * counterparties shared by a group's wallets whose activity the similarity step reads from the
   * chain at most (COUNTERPARTY_LOOKUPS; absent: DEFAULT_COUNTERPARTY_LOOKUPS; 0: none)
   */
  counterpartyLookups?: number;
  /**
   * tokens the group crowds around at their launch whose launch the similarity step reads first
   * (LAUNCH_LOOKUPS; absent: DEFAULT_LAUNCH_LOOKUPS, src/activities/token-launch.ts; 0: none)
   */
  launchLookups?: number;
  /** watch webhooks may go to loopback, private and link-local addresses (WATCH_WEBHOOK_PRIVATE_ADDRESSES; absent: false) */
  webhookPrivateAddresses?: boolean;
}

/** Counterparty activity reads per similarity step when the settings do not say (COUNTERPARTY_LOOKUPS's default). */
export const DEFAULT_COUNTERPARTY_LOOKUPS = 200;

/** Wallet syncs a worker runs at once when its settings do not say (BALANCES_CONCURRENCY's default). */
export const DEFAULT_WALLET_SYNC_CONCURRENCY = 25;

export interface ActivityDeps {
  pool: Pool;
  /**
   * The connections wallet syncs run their statements on (SYNC_CONNECTIONS, src/worker.ts): a few
   * backends kept apart from the pool's other queries, so that each history page's statement runs on
   * a backend warm from the ones before it. Absent: `pool`.
   */
  syncPool?: Pool;
  /** keys are prefixed by the client's keyPrefix (REDIS_KEY_PREFIX) */
  redis: Redis;
  helius: HeliusHistorySource;
  rpc: BalanceSource;
  market: MarketDataSource;
  /** Solana RPC's getSignaturesForAddress: counterparties' activity (absent: not read) */
  signatures?: SignatureSource;
  /** Helius getProgramAccountsV2 and DAS: the token accounts of a mint (token requests) */
  holders: TokenHolderSource;
  settings: ActivitySettings;
  /** removes the Temporal Schedule of a watched group that has gone (src/temporal/schedules.ts, deleteWatchSchedule; src/activities/watches.ts); absent: left */
  removeWatchSchedule?: (watchId: string) => Promise<unknown>;
  /** told of each wallet whose stored analytics a read or the background computed again, and how it went (the worker's metrics, src/temporal/analytics-metrics.ts); absent: nobody */
  recomputed?: RecomputeObserver;
}

/**
 * A wallet's stored analytics computed again (recomputeAnalytics, src/activities/sync.ts): by
 * GET /v1/wallets/{address}'s read (walletAnalyticsWorkflow) or by the background
 * (recomputeOlderAnalyticsWorkflow); `refreshed`, left to a live sync (`syncing`), found current or
 * stored meanwhile (`unchanged`), or passed over by the background (`failed`).
 */
export type RecomputeTrigger = 'read' | 'background';
export type RecomputeOutcome = 'refreshed' | 'syncing' | 'unchanged' | 'failed';
export type RecomputeObserver = (trigger: RecomputeTrigger, outcome: RecomputeOutcome) => void;

export const DEFAULT_SETTINGS: ActivitySettings = {
  balanceCacheTtlSeconds: 30,
  staleAfterSeconds: 6 * 3600,
  similarityThreads: { threads: 'auto', minPairsForThreads: 50_000 },
  similarityHeapMb: 2048,
};
