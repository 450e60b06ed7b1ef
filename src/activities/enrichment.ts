// Token enrichment: the registry is read first; only mints whose data is stale (or never fetched,
// or unknown with an expired back-off) go to DexScreener, 30 per request, within the budget.
// Results land in the PostgreSQL registry and a Redis price cache (`token_price:{mint}`, 5 min).
import { Context } from '@temporalio/activity';
import { describeFailure } from '../errors';
import { MAX_MINTS_PER_CALL } from '../providers';
import { analysisMints } from '../store/analyses';
import { claimTokenFetches, markFailed, mintsNeedingFetch, saveMarkets, PRICE_FRESH_SECONDS } from '../store/tokens';
import { mostHeldMints } from '../store/wallet-balances';
import type { Queryable } from '../store/db';
import type { ActivityDeps } from './deps';
import { withLivenessHeartbeat } from './heartbeat';

/**
 * Mints one plan of a tokenEnrichmentWorkflow run claims and sends to DexScreener (100 batches of
 * 30); the run plans again for the rest (ENRICHMENT_PLANS_AGAIN_PATCH). An analysis's token universe
 * can be larger; a user's request is smaller (MAX_MINTS_PER_ENRICH_REQUEST).
 */
export const MAX_MINTS_FETCHED_PER_ENRICHMENT_RUN = 3_000;

/**
 * The mints of `mints` that need a DexScreener call now (stale, never fetched, or unknown with an
 * expired back-off) and that no run is fetching at the moment, at most one run's worth: what the
 * similarity step counts to decide whether an analysis needs a tokenEnrichmentWorkflow at all. A
 * mint another run is fetching lands in the same registry without one: measured, after a 600-wallet
 * analysis the analyses of its wallets in the next 15 s each started a run that fetched part of the
 * same mints again.
 */
export async function mintsToEnrich(pool: Queryable, mints: readonly string[]): Promise<string[]> {
  return (await mintsNeedingFetch(pool, [...mints])).slice(0, MAX_MINTS_FETCHED_PER_ENRICHMENT_RUN);
}

export interface TokenEnrichmentPlan {
  /** this run's batches of at most 30 mints: the mints it claimed (claimTokenFetches) */
  batches: string[][];
  requested: number;
  /** requested mints that needed no call */
  fresh: number;
  /** mints that need a call which another run was fetching when this one planned: left to it. Absent from plans of older workers. */
  fetchingElsewhere?: number;
  /** mints that need a call past this plan's limit (MAX_MINTS_FETCHED_PER_ENRICHMENT_RUN): the run plans again for them. Absent from plans of older workers. */
  left?: number;
}

export function createEnrichmentActivities(deps: ActivityDeps) {
  const { pool, redis, market } = deps;
  return {
    /**
     * The batches of at most 30 mints that need a DexScreener call now and that this run claimed
     * (its workflow id the claimant: a retried plan takes its claims again); those another run is
     * fetching at the moment are left to it.
     */
    async planTokenEnrichment(input: { analysisId?: string; mints?: string[] }): Promise<TokenEnrichmentPlan> {
      const requested = [...new Set([...(input.mints ?? []), ...(input.analysisId ? await analysisMints(pool, input.analysisId) : [])])];
      const info = Context.current().info;
      const claimant = info.workflowExecution?.workflowId ?? `activity:${info.activityId}`;
      const { claimed, claimedElsewhere, needed } = await claimTokenFetches(pool, requested, claimant, deps.settings.mintsPerEnrichmentPlan ?? MAX_MINTS_FETCHED_PER_ENRICHMENT_RUN);
      const batches: string[][] = [];
      for (let i = 0; i < claimed.length; i += MAX_MINTS_PER_CALL) batches.push(claimed.slice(i, i + MAX_MINTS_PER_CALL));
      return { batches, requested: requested.length, fresh: requested.length - needed, fetchingElsewhere: claimedElsewhere, left: Math.max(0, needed - claimedElsewhere - claimed.length) };
    },

    /**
     * One DexScreener request for at most 30 mints, heartbeating while it waits for the budget or
     * the answer (a lost worker is noticed within the heartbeat timeout; the workflow's cancellation
     * reaches a heartbeating activity only). The activity's cancellation (its workflow cancelled, or
     * the worker shutting down) drops the request wherever it is, its budget slot included: a
     * shutdown does not wait out a slow or held answer. A batch that fails for good is recorded
     * failed by its workflow (markTokensFailed), once.
     */
    async enrichTokenBatch(input: { mints: string[] }): Promise<{ resolved: number; unknown: number }> {
      const signal = Context.current().cancellationSignal;
      return withLivenessHeartbeat(
        () => undefined,
        async () => {
          const markets = [...(await market.getTokens(input.mints, { signal })).values()];
          await saveMarkets(pool, markets);
          const priced = markets.filter((m) => m.status === 'priced');
          if (priced.length > 0) {
            // the price cache is a copy of what the registry now holds: Redis down loses the copy,
            // not the batch (whose retry would ask DexScreener again for what is stored)
            const tx = redis.multi();
            for (const m of priced) tx.set(`token_price:${m.mint}`, String(m.priceUsd), 'EX', PRICE_FRESH_SECONDS);
            await tx.exec().catch((err: unknown) => Context.current().log.warn('token price cache not written', { mints: priced.length, error: describeFailure(err) }));
          }
          return { resolved: priced.length, unknown: markets.length - priced.length };
        },
      );
    },

    async markTokensFailed(input: { mints: string[]; error: string }): Promise<void> {
      await markFailed(pool, input.mints, input.error);
    },

    async selectMostHeldTokens(input: { limit: number }): Promise<string[]> {
      return mostHeldMints(pool, input.limit);
    },
  };
}

export type EnrichmentActivities = ReturnType<typeof createEnrichmentActivities>;
