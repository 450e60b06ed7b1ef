// The steps of a watched group's run (watchRunWorkflow): insert the run's analysis (the watch's
// key's, its request as the watch stored it), and once the analysis ended, compare it with the
// watch's run completed before it and keep the counts of what changed.
import { randomUUID } from 'node:crypto';
import { log } from '@temporalio/activity';
import { comparableEngine } from '../domain/similarity/changes';
import type { ActivityDeps } from './deps';
import { describeFailure } from '../errors';
import { getComparedAnalysis } from '../store/analyses';
import { compareAnalyses } from '../store/analysis-changes';
import { sqlState } from '../store/errors';
import { beginWatchRun, endWatchRun, watchRunToEnd, type WatchRunChanges, type WatchRunComparison } from '../store/watch-runs';
import { analysisWorkflowId, type AnalysisInput } from '../workflows/contract';

/** A run begun: its analysis's workflow input and the fairness key its key's analyses share the queues by. */
export interface BegunRun {
  input: AnalysisInput;
  fairnessKey: string | null;
}

/** How a run ended: compared with `since`, or `comparison` says why not. */
export interface EndedRun {
  analysisId: string;
  since: string | null;
  changes: WatchRunChanges | null;
  comparison: WatchRunComparison;
}

export function createWatchActivities({ pool, removeWatchSchedule }: Pick<ActivityDeps, 'pool' | 'removeWatchSchedule'>) {
  return {
    /**
     * Inserts run `runKey`'s analysis (again for a retried step: the same one). Null when the watch has
     * gone: its schedule is then removed, as one a request left behind (it made the schedule and
     * died, or removed the watch's row when Temporal answered its deadline too late) would start a run
     * for nobody at every interval.
     */
    async beginWatchRun({ watchId, runKey }: { watchId: string; runKey: string }): Promise<BegunRun | null> {
      const id = randomUUID();
      const begun = await beginWatchRun(pool, watchId, runKey, id, analysisWorkflowId(id));
      if (begun) {
        const request = begun.watch.request as unknown as AnalysisInput['request'];
        return { input: { analysisId: begun.analysisId, requestId: runKey, request }, fairnessKey: begun.watch.fairnessKey };
      }
      if (removeWatchSchedule) {
        await removeWatchSchedule(watchId).then(
          () => log.info('the watch has gone: its schedule is removed', { watchId }),
          (err: unknown) => log.warn('the watch has gone, and its schedule could not be removed: the next run tries again', { watchId, err: describeFailure(err) }),
        );
      }
      return null;
    },

    /** Compares run `runKey`'s analysis, once completed, with the watch's run completed before it; null when the watch has been deleted meanwhile. */
    async endWatchRun({ watchId, runKey }: { watchId: string; runKey: string }): Promise<EndedRun | null> {
      const run = await watchRunToEnd(pool, watchId, runKey);
      if (!run) return null;
      const ended = await compareWithPrevious(run);
      await endWatchRun(pool, watchId, runKey, ended);
      return { analysisId: run.analysisId, ...ended };
    },
  };

  async function compareWithPrevious(run: { analysisId: string; status: string; previousCompleted: string | null }): Promise<Omit<EndedRun, 'analysisId'>> {
    const uncompared = (comparison: WatchRunComparison) => ({ since: null, changes: null, comparison });
    if (run.status !== 'completed') return uncompared('not-completed');
    if (run.previousCompleted === null) return uncompared('first');
    const [later, earlier] = await Promise.all([getComparedAnalysis(pool, run.analysisId), getComparedAnalysis(pool, run.previousCompleted)]);
    if (!later || !earlier || !comparableEngine(later.engineVersion) || !comparableEngine(earlier.engineVersion)) return uncompared('engines-not-comparable');
    try {
      // the counts only: the links themselves are GET /v1/analyses/{id}/changes's
      const c = await compareAnalyses(pool, { ...later, id: run.analysisId }, { ...earlier, id: run.previousCompleted }, 1);
      return {
        since: run.previousCompleted,
        comparison: 'compared',
        changes: {
          walletsAdded: c.wallets.added.length,
          walletsRemoved: c.wallets.removed.length,
          walletsCompared: c.wallets.compared,
          clustersChanged: c.clusters.changed.length,
          clustersFormed: c.clusters.formed.length,
          clustersDissolved: c.clusters.dissolved.length,
          clustersUnchanged: c.clusters.unchanged.length,
          linksFormed: c.links.formedCount,
          linksBroken: c.links.brokenCount,
        },
      };
    } catch (err) {
      // stopped at its statement timeout: the run ends uncompared (its changes can still be asked
      // for); anything else is retried
      if (sqlState(err) !== '57014') throw err;
      log.warn('comparing a watch run with the one before took too long: left uncompared', { analysisId: run.analysisId, err: describeFailure(err) });
      return uncompared('timeout');
    }
  }
}

export type WatchActivities = ReturnType<typeof createWatchActivities>;
