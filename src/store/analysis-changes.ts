// How a completed analysis differs from another (GET /v1/analyses/{id}/changes, and the counts each
// watched group's run keeps): the wallets analysed, the clusters (src/domain/similarity/changes.ts)
// and the links formed and broken (analysis_pairs, linkChanges).
import type { Pool } from 'pg';
import { clusterChanges, walletChanges } from '../domain/similarity/changes';
import { DEFAULT_CLUSTER_THRESHOLD } from '../domain/similarity/clusters';
import type { AnalysisChanges } from '../api/schemas/changes';
import type { ComparedAnalysis } from './analyses';
import { linkChanges, rankCountAtLeast } from './analysis-pairs';

export type Compared = ComparedAnalysis & { id: string };

/** How long PostgreSQL may take to compare two analyses' links (two of 1,000 wallets, every pair a link: about 4 s here). */
export const CHANGES_STATEMENT_TIMEOUT_MS = 15_000;

/** The wallets an analysis analysed: its group, less those it left out. */
const analysed = (a: ComparedAnalysis): string[] => {
  const left = new Set(a.failedWallets.map((f) => f.wallet));
  return a.wallets.filter((w) => !left.has(w));
};

/**
 * The changes from `earlier` to `later` (both completed, of comparable engines), with up to `limit`
 * links formed and broken each (all counted). PostgreSQL stops the links' statement after
 * CHANGES_STATEMENT_TIMEOUT_MS (SQLSTATE 57014).
 */
export async function compareAnalyses(pool: Pool, later: Compared, earlier: Compared, limit: number): Promise<AnalysisChanges> {
  const side = (a: Compared) => ({
    analysisId: a.id,
    completedAt: a.completedAt,
    engineVersion: a.engineVersion,
    clusterThreshold: a.clusterThreshold ?? DEFAULT_CLUSTER_THRESHOLD,
  });
  const [now, then] = [side(later), side(earlier)];
  const [walletsNow, walletsThen] = [analysed(later), analysed(earlier)];
  const inThen = new Set(walletsThen);
  const compared = walletsNow.filter((w) => inThen.has(w));
  // each side's links: the ranks of its pairs at or above its cluster threshold
  const [ranksNow, ranksThen] = await Promise.all([
    rankCountAtLeast(pool, later.id, now.clusterThreshold, later.pairCount),
    rankCountAtLeast(pool, earlier.id, then.clusterThreshold, earlier.pairCount),
  ]);
  const links = await linkChanges(pool, { analysisId: later.id, linkRanks: ranksNow }, { analysisId: earlier.id, linkRanks: ranksThen }, compared, limit, CHANGES_STATEMENT_TIMEOUT_MS);
  return {
    analysis: now,
    since: then,
    wallets: walletChanges(walletsThen, walletsNow),
    clusters: clusterChanges(earlier.clusters, later.clusters),
    links,
  };
}
