// What GET /v1/analyses/{id}/changes answers: how a completed analysis differs from another of the
// same key's (usually an earlier one of the same group): the wallets analysed, the clusters
// (src/domain/similarity/changes.ts) and the links formed and broken (from analysis_pairs).
import type { Pool } from 'pg';
import { clusterChanges, walletChanges } from '../domain/similarity/changes';
import { DEFAULT_CLUSTER_THRESHOLD } from '../domain/similarity/clusters';
import type { ComparedAnalysis } from '../store/analyses';
import { getPairsSource, linkChanges, rankCountAtLeast } from '../store/analysis-pairs';
import type { AnalysisChanges } from './schemas/changes';

/** The wallets an analysis analysed: its group, less those it left out. */
const analysed = (a: ComparedAnalysis): string[] => {
  const left = new Set(a.failedWallets.map((f) => f.wallet));
  return a.wallets.filter((w) => !left.has(w));
};

/** Its links: the ranks of its pairs at or above its cluster threshold. */
async function linkRanks(pool: Pool, id: string, threshold: number): Promise<number> {
  const source = await getPairsSource(pool, id);
  return source === null ? 0 : rankCountAtLeast(pool, id, threshold, source.pairCount);
}

/** The changes from `earlier` to `later` (both completed), with up to `limit` links formed and broken each. */
export async function loadAnalysisChanges(pool: Pool, later: ComparedAnalysis & { id: string }, earlier: ComparedAnalysis & { id: string }, limit: number): Promise<AnalysisChanges> {
  const side = (a: ComparedAnalysis & { id: string }) => ({
    analysisId: a.id,
    completedAt: a.completedAt,
    engineVersion: a.engineVersion,
    clusterThreshold: a.clusterThreshold ?? DEFAULT_CLUSTER_THRESHOLD,
  });
  const [now, then] = [side(later), side(earlier)];
  const [walletsNow, walletsThen] = [analysed(later), analysed(earlier)];
  const inThen = new Set(walletsThen);
  const compared = walletsNow.filter((w) => inThen.has(w));
  const [ranksNow, ranksThen] = await Promise.all([linkRanks(pool, later.id, now.clusterThreshold), linkRanks(pool, earlier.id, then.clusterThreshold)]);
  const links = await linkChanges(pool, { analysisId: later.id, linkRanks: ranksNow }, { analysisId: earlier.id, linkRanks: ranksThen }, compared, limit);
  return {
    analysis: now,
    since: then,
    wallets: walletChanges(walletsThen, walletsNow),
    clusters: clusterChanges(earlier.clusters, later.clusters),
    links,
  };
}
