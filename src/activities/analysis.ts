// The similarity step and the analysis record. Loads stored legs (in the analysis window), plain
// transfers (whole stored history) and the fresh balances, with database-wide rarity counts, runs
// the domain's computeSimilarity streamed, on a thread of its own (similarity-runner.ts), stores every
// pair in analysis_pairs and the result (its strongest pairs) in the analyses row, and returns a small
// summary (claim-check: the result never travels through workflow history). One attempt at a time
// computes an analysis (a session advisory lock per analysis).
import type { Pool } from 'pg';
import { withLivenessHeartbeat } from './heartbeat';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  ENGINE_VERSION,
  formatUnits,
  isExcludedFromUniverse,
  type SimilarityWalletInput,
  type MetricName,
} from '../domain';
import type { SimilarityDatabaseStats } from '../domain/similarity/types';
import { DEFAULT_TOP_PAIRS } from '../api/schemas/analyses';
import { PairSpool, storeAnalysisPairs } from '../store/analysis-pairs';
import { endAnalysis, insertAnalysis, setEnrichmentStatus, type EnrichmentStatus } from '../store/analyses';
import { loadBalances } from '../store/wallet-balances';
import { loadLegsMany, mintStats } from '../store/swap-legs';
import { loadTransfersMany, walletsPerCounterparty } from '../store/wallet-transfers';
import { countWalletsWithHistory, groupSyncProgress, historyCoverage, walletSyncRows } from '../store/wallets';
import { withTryAdvisoryLock } from '../store/db';
import { computeSimilarityStep } from './similarity-runner';
import { backfillTransfers } from './transfers-backfill';
import { walletSyncWorkflowId } from '../workflows/contract';
import type { ActivityDeps } from './deps';

/** The ApplicationFailure type of an attempt that found another one computing the same analysis (retryable). */
export const SIMILARITY_STEP_BUSY = 'SimilarityStepBusy';

export interface FailedWallet {
  wallet: string;
  reason: string;
}

export interface SyncProgressRow {
  wallet: string;
  pages: number;
  transactions: number;
  /** for a joined sync: whether its workflow still runs; null for this analysis's own children */
  running: boolean | null;
  error: string | null;
}

export interface SimilarityStepInput {
  analysisId: string;
  wallets: string[];
  /** wallets computed with what was stored because the user stopped waiting for their sync */
  partialWallets: string[];
  failedWallets: FailedWallet[];
  weights?: Partial<Record<MetricName, number>>;
  windowDays: number | null;
  clusterThreshold?: number;
  /** the analysis's start time (workflow time), the window's end */
  nowSec: number;
  /** how many of the strongest pairs the stored result lists (default DEFAULT_TOP_PAIRS); analysis_pairs holds them all */
  topPairs?: number;
}

export interface AnalysisSummary {
  analysisId: string;
  status: 'completed';
  walletCount: number;
  pairCount: number;
  clusterCount: number;
  tokenUniverseSize: number;
  topPair: { walletA: string; walletB: string; combined: number } | null;
  failedWallets: FailedWallet[];
  partialWallets: string[];
  engineVersion: string;
}

/**
 * What computeSimilarity reads from the store, one query per kind for the whole group: legs in the
 * window; transfers over the whole stored history (a first funder usually precedes the window's
 * trades); database-wide counts of the group's counterparties and mints.
 */
export async function loadSimilarityInputs(
  pool: Pool,
  input: Pick<SimilarityStepInput, 'wallets' | 'partialWallets' | 'windowDays' | 'nowSec'>,
  onStep: (step: string) => void = () => undefined,
): Promise<{ wallets: SimilarityWalletInput[]; database: SimilarityDatabaseStats }> {
  const sinceTimestamp = input.windowDays === null ? null : input.nowSec - input.windowDays * 86_400;
  onStep('backfilling transfers');
  await backfillTransfers(pool, input.wallets, (p) => onStep(`backfilling transfers of ${p.wallet}: ${p.transactions} transactions`));
  onStep('loading balances and coverage');
  const balances = await loadBalances(pool, input.wallets);
  const coverage = await historyCoverage(pool, input.wallets, sinceTimestamp);
  onStep('loading legs');
  const legs = await loadLegsMany(pool, input.wallets, sinceTimestamp);
  onStep('loading transfers');
  const transfers = await loadTransfersMany(pool, input.wallets);
  onStep('loading database-wide counts');
  const perCounterparty = await walletsPerCounterparty(pool, input.wallets);
  const mints = await mintStats(pool, input.wallets);
  // the population rarity is counted in holds every wallet that any count includes
  let totalWallets = Math.max(await countWalletsWithHistory(pool), input.wallets.length);
  for (const m of mints.values()) totalWallets = Math.max(totalWallets, m.wallets);
  for (const n of perCounterparty.values()) totalWallets = Math.max(totalWallets, n);
  const firstBuyTime = new Map<string, number>();
  for (const [mint, m] of mints) if (m.firstBuyAt !== null) firstBuyTime.set(mint, m.firstBuyAt);
  const database: SimilarityDatabaseStats = {
    counterparties: { walletsPerCounterparty: perCounterparty, totalWallets },
    tokens: { walletsPerMint: new Map([...mints].map(([mint, m]) => [mint, m.wallets])), totalWallets, firstBuyTime },
  };
  const partial = new Set(input.partialWallets);
  const wallets = input.wallets.map((address): SimilarityWalletInput => {
    const held = balances.get(address);
    const stored = coverage.get(address);
    return {
      address,
      legs: legs.get(address) ?? [],
      holdings: Object.fromEntries((held?.tokens ?? []).map((t) => [t.mint, { uiAmount: formatUnits(BigInt(t.rawAmount), t.decimals) }])),
      coverage: {
        truncated: partial.has(address) || !stored?.covers,
        transactionsFetched: stored?.transactions ?? 0,
        transactionsRejected: stored?.rejected ?? 0,
        windowStartSec: sinceTimestamp,
        windowEndSec: input.nowSec,
      },
      transfers: transfers.get(address) ?? [],
    };
  });
  return { wallets, database };
}

export function createAnalysisActivities(deps: ActivityDeps) {
  const { pool } = deps;
  async function computeAndStore(input: SimilarityStepInput): Promise<AnalysisSummary> {
    const ctx = Context.current();
    // one attempt computes an analysis at a time: a retried attempt whose predecessor still runs (a
    // heartbeat timeout on a busy worker) is refused with a retryable failure, and tries again after
    // the retry backoff, instead of computing alongside it
    const run = await withTryAdvisoryLock(pool, `analysis-similarity:${input.analysisId}`, () => lockedComputeAndStore(input, ctx));
    if (!run.locked) {
      throw ApplicationFailure.create({
        type: SIMILARITY_STEP_BUSY,
        message: `another attempt is computing the similarity of analysis ${input.analysisId}; this one retries once it is done`,
      });
    }
    return run.value;
  }

  async function lockedComputeAndStore(input: SimilarityStepInput, ctx: Context): Promise<AnalysisSummary> {
    const { wallets: inputs, database } = await loadSimilarityInputs(pool, input, (step) => ctx.heartbeat({ analysisId: input.analysisId, step }));
    const tokenUniverse = [...new Set(inputs.flatMap((w) => w.legs.filter((l) => l.kind === 'swap').map((l) => l.mint)))]
      .filter((mint) => !isExcludedFromUniverse(mint))
      .sort();
    // every pair goes to a file as it is computed (a group of 1,000 wallets has 499,500), then into
    // analysis_pairs; the result itself keeps the strongest topPairs. A group's computation runs on a
    // thread of its own (similarity-runner.ts; small ones here): this one stays free for heartbeats and other activities.
    const spool = new PairSpool(input.analysisId);
    try {
      ctx.heartbeat({ analysisId: input.analysisId, step: 'computing pairs' });
      const { result, ranks } = await computeSimilarityStep({
        input: { wallets: inputs, weights: input.weights, clusterThreshold: input.clusterThreshold, database },
        options: { ...deps.settings.similarityThreads, topPairs: input.topPairs ?? DEFAULT_TOP_PAIRS },
        spool,
        heapMb: deps.settings.similarityHeapMb,
        signal: ctx.cancellationSignal,
        // a helper thread that computed no rows of a large group points at a worker that cannot load
        onRowStats: (rows) => {
          if (rows.helpers > 0) log.info('similarity rows by thread', { ...rows });
        },
      });
      const pairCount = result.globalMetrics.pairCount;
      const top = result.globalMetrics.mostSimilarPairs[0] ?? null;
      const summary: AnalysisSummary = {
        analysisId: input.analysisId,
        status: 'completed',
        walletCount: input.wallets.length,
        pairCount,
        clusterCount: result.clusters.length,
        tokenUniverseSize: result.universe.size,
        topPair: top,
        failedWallets: input.failedWallets,
        partialWallets: input.partialWallets,
        engineVersion: ENGINE_VERSION,
      };
      const stored = await storeAnalysisPairs(
        pool,
        input.analysisId,
        { spool, ranks },
        {
          summary,
          result: { ...result, pairCount, pairsComplete: result.pairs.length === pairCount, tokenUniverse, partialWallets: input.partialWallets },
          coverage: result.coverage,
          failedWallets: input.failedWallets,
          engineVersion: ENGINE_VERSION,
        },
        (rows) => ctx.heartbeat({ analysisId: input.analysisId, step: `storing pairs: ${rows} of ${pairCount}` }),
      );
      log.info('similarity stored', { analysisId: input.analysisId, pairs: stored, listed: result.pairs.length, clusters: summary.clusterCount, universe: summary.tokenUniverseSize });
      return summary;
    } finally {
      spool.remove();
    }
  }

  return {
    async recordAnalysisStart(input: { analysisId: string; workflowId: string; requestId: string | null; wallets: string[]; params: Record<string, unknown> }): Promise<void> {
      await insertAnalysis(pool, { id: input.analysisId, workflowId: input.workflowId, requestId: input.requestId, wallets: input.wallets, params: input.params });
    },

    async recordAnalysisEnd(input: { analysisId: string; status: 'failed' | 'cancelled'; error: string; failedWallets: FailedWallet[] }): Promise<void> {
      await endAnalysis(pool, input.analysisId, input.status, input.error, input.failedWallets);
    },

    /**
     * Sync progress of an analysis's wallets by analysis id (its group is in its row): only rows
     * that changed after `changedSince`, plus every syncs this analysis `joined`, with whether that
     * `wallet-sync:<address>` workflow still runs. A poll's input and output stay small whatever
     * the group size, so the polling loop does not fill the workflow's history.
     */
    async readGroupSyncProgress(input: { analysisId: string; joined: string[]; changedSince: string | null }): Promise<{ readAt: string; rows: SyncProgressRow[] }> {
      const changed = await groupSyncProgress(pool, input.analysisId, input.changedSince);
      const joined = new Set(input.joined);
      const rows = new Map<string, SyncProgressRow>(changed.rows.filter((r) => !joined.has(r.wallet)).map((r) => [r.wallet, { wallet: r.wallet, pages: r.pages, transactions: r.transactions, running: null, error: r.lastSyncError }]));
      const client = Context.current().client;
      const stored = new Map((await walletSyncRows(pool, input.joined)).map((r) => [r.wallet, r]));
      for (const wallet of input.joined) {
        let running: boolean;
        try {
          running = (await client.workflow.getHandle(walletSyncWorkflowId(wallet)).describe()).status.name === 'RUNNING';
        } catch {
          running = false;
        }
        const r = stored.get(wallet);
        rows.set(wallet, { wallet, pages: r?.pages ?? 0, transactions: r?.transactions ?? 0, running, error: r?.lastSyncError ?? null });
      }
      return { readAt: changed.readAt, rows: [...rows.values()] };
    },

    async recordEnrichmentStatus(input: { analysisId: string; status: EnrichmentStatus; workflowId?: string }): Promise<void> {
      await setEnrichmentStatus(pool, input.analysisId, input.status, input.workflowId);
    },

    computeGroupSimilarity(input: SimilarityStepInput): Promise<AnalysisSummary> {
      return withLivenessHeartbeat(() => ({ analysisId: input.analysisId }), () => computeAndStore(input));
    },
  };
}

export type AnalysisActivities = ReturnType<typeof createAnalysisActivities>;
