// The steps of a watched group's run (watchRunWorkflow): insert the run's analysis (the watch's
// key's, its request as the watch stored it), and once the analysis ended, compare it with the
// watch's run completed before it and keep the counts of what changed.
import { randomUUID } from 'node:crypto';
import { log } from '@temporalio/activity';
import type { Pool } from 'pg';
import { comparableEngine } from '../domain/similarity/changes';
import { describeFailure } from '../errors';
import { getComparedAnalysis } from '../store/analyses';
import { compareAnalyses } from '../store/analysis-changes';
import { sqlState } from '../store/errors';
import { beginWatchRun, endWatchRun, watchRunToEnd, type WatchRunChanges } from '../store/watch-runs';
import { analysisWorkflowId, type AnalysisInput } from '../workflows/contract';

/** A run begun: its analysis's workflow input and the fairness key its key's analyses share the queues by. */
export interface BegunRun {
  input: AnalysisInput;
  fairnessKey: string | null;
}

/** How a run ended: compared with `since` (null: no earlier run completed, the run's analysis did not complete, or an engine not comparable). */
export interface EndedRun {
  analysisId: string;
  since: string | null;
  changes: WatchRunChanges | null;
}

export function createWatchActivities({ pool }: { pool: Pool }) {
  return {
    /** Inserts run `runKey`'s analysis (again for a retried step: the same one); null when the watch has been deleted. */
    async beginWatchRun({ watchId, runKey }: { watchId: string; runKey: string }): Promise<BegunRun | null> {
      const id = randomUUID();
      const begun = await beginWatchRun(pool, watchId, runKey, id, analysisWorkflowId(id));
      if (!begun) return null;
      const request = begun.watch.request as unknown as AnalysisInput['request'];
      return { input: { analysisId: begun.analysisId, requestId: runKey, request }, fairnessKey: begun.watch.fairnessKey };
    },

    /** Compares run `runKey`'s analysis, once completed, with the watch's run completed before it; null when the watch has been deleted meanwhile. */
    async endWatchRun({ watchId, runKey }: { watchId: string; runKey: string }): Promise<EndedRun | null> {
      const run = await watchRunToEnd(pool, watchId, runKey);
      if (!run) return null;
      let since: string | null = null;
      let changes: WatchRunChanges | null = null;
      if (run.status === 'completed' && run.previousCompleted !== null) {
        const [later, earlier] = await Promise.all([getComparedAnalysis(pool, run.analysisId), getComparedAnalysis(pool, run.previousCompleted)]);
        if (later && earlier && comparableEngine(later.engineVersion) && comparableEngine(earlier.engineVersion)) {
          try {
            // the counts only: the links themselves are GET /v1/analyses/{id}/changes's
            const c = await compareAnalyses(pool, { ...later, id: run.analysisId }, { ...earlier, id: run.previousCompleted }, 1);
            since = run.previousCompleted;
            changes = {
              walletsAdded: c.wallets.added.length,
              walletsRemoved: c.wallets.removed.length,
              walletsCompared: c.wallets.compared,
              clustersChanged: c.clusters.changed.length,
              clustersFormed: c.clusters.formed.length,
              clustersDissolved: c.clusters.dissolved.length,
              clustersUnchanged: c.clusters.unchanged.length,
              linksFormed: c.links.formedCount,
              linksBroken: c.links.brokenCount,
            };
          } catch (err) {
            // stopped at its statement timeout: the run ends uncompared (its changes can still be
            // asked for); anything else is retried
            if (sqlState(err) !== '57014') throw err;
            log.warn('comparing a watch run with the one before took too long: left uncompared', { watchId, analysisId: run.analysisId, err: describeFailure(err) });
          }
        }
      }
      await endWatchRun(pool, watchId, runKey, since, changes);
      return { analysisId: run.analysisId, since, changes };
    },
  };
}

export type WatchActivities = ReturnType<typeof createWatchActivities>;
