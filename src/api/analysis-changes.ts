// What GET /v1/analyses/{id}/changes answers: how a completed analysis differs from another of the
// same key's (usually an earlier one of the same group): the wallets analysed, the clusters
// (src/domain/similarity/changes.ts) and the links formed and broken (from analysis_pairs).
import type { Pool } from 'pg';
import { major, valid } from 'semver';
import { clusterChanges, walletChanges } from '../domain/similarity/changes';
import { DEFAULT_CLUSTER_THRESHOLD } from '../domain/similarity/clusters';
import type { ComparedAnalysis } from '../store/analyses';
import { linkChanges, rankCountAtLeast } from '../store/analysis-pairs';
import { sqlState } from '../store/errors';
import { ProblemError } from './problem';
import type { AnalysisChanges } from './schemas/changes';

/** How long PostgreSQL may take to compare two analyses' links (two of 1,000 wallets, every pair a link: about 4 s here). */
export const CHANGES_STATEMENT_TIMEOUT_MS = 15_000;

/** The first engine whose `combined` is the relatedness score: scores of 1.x (a similarity blend) are not on its scale. */
const FIRST_COMPARABLE_MAJOR = 2;

type Compared = ComparedAnalysis & { id: string };

/** The wallets an analysis analysed: its group, less those it left out. */
const analysed = (a: ComparedAnalysis): string[] => {
  const left = new Set(a.failedWallets.map((f) => f.wallet));
  return a.wallets.filter((w) => !left.has(w));
};

/** A 409 unless both analyses' scores are on today's scale (engine 2.0.0 or later). */
export function assertComparable(later: Compared, earlier: Compared): void {
  for (const a of [later, earlier]) {
    const version = a.engineVersion === null ? null : valid(a.engineVersion);
    if (version === null || major(version) < FIRST_COMPARABLE_MAJOR) {
      throw new ProblemError(
        'enginesNotComparable',
        `analysis ${a.id} was computed by engine ${a.engineVersion ?? '(unknown)'}, whose scores are not on the scale of engine ${FIRST_COMPARABLE_MAJOR}.0.0 and later: run its group again and compare with that analysis`,
      );
    }
  }
}

/** The changes from `earlier` to `later` (both completed, comparable), with up to `limit` links formed and broken each. */
export async function loadAnalysisChanges(pool: Pool, later: Compared, earlier: Compared, limit: number): Promise<AnalysisChanges> {
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
  const links = await linkChanges(pool, { analysisId: later.id, linkRanks: ranksNow }, { analysisId: earlier.id, linkRanks: ranksThen }, compared, limit, CHANGES_STATEMENT_TIMEOUT_MS).catch((err: unknown) => {
    // 57014: stopped at its statement timeout
    if (sqlState(err) !== '57014') throw err;
    throw new ProblemError(
      'databaseTimeout',
      `comparing the links of analyses ${later.id} and ${earlier.id} took PostgreSQL longer than ${CHANGES_STATEMENT_TIMEOUT_MS / 1000} s (${ranksNow} and ${ranksThen} links): retry later`,
    );
  });
  return {
    analysis: now,
    since: then,
    wallets: walletChanges(walletsThen, walletsNow),
    clusters: clusterChanges(earlier.clusters, later.clusters),
    links,
  };
}
