// The steps of a watched group's run (watchRunWorkflow): insert the run's analysis (the watch's
// key's, its request as the watch stored it), and once the analysis ended, compare it with the
// watch's run completed before it and keep the counts of what changed; then tell the watch's
// webhook, when it has one and the run is news to it.
import { randomUUID } from 'node:crypto';
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { watchRunEventOf } from '../api/schemas/watches';
import { comparableEngine } from '../domain/similarity/changes';
import type { ActivityDeps } from './deps';
import { describeFailure } from '../errors';
import { getComparedAnalysis } from '../store/analyses';
import { compareAnalyses } from '../store/analysis-changes';
import { sqlState } from '../store/errors';
import { beginWatchRun, beginWatchRunNotification, endWatchRun, giveUpWatchRunNotification, recordWatchRunNotification, WEBHOOK_REMOVED, sweepWatchDeliveries, watchRunToEnd, watchRunToNotify, type WatchRunChanges, type WatchRunComparison } from '../store/watch-runs';
import { watchWebhook, type WatchNotifyOn } from '../store/watches';
import { WEBHOOK_HEADERS, WebhookDeliveryError, postWebhook, signWebhook, webhookTarget } from '../providers/webhooks';
import { WEBHOOK_ATTEMPTS, WEBHOOK_DELIVERY_BUDGET_MS, analysisWorkflowId, type AnalysisInput, type WatchDeliveryInput } from '../workflows/contract';

/** A run begun: its analysis's workflow input and the fairness key its key's analyses share the queues by. */
export interface BegunRun {
  input: AnalysisInput;
  fairnessKey: string | null;
}

/** How a run ended: compared with `since`, or `comparison` says why not; `notify`: its webhook is to be told. */
export interface EndedRun {
  analysisId: string;
  since: string | null;
  changes: WatchRunChanges | null;
  comparison: WatchRunComparison;
  notify?: boolean;
}

/** Whether a run's webhook is told of it: every run, or one compared with the run before that found wallets, clusters or links added or gone. */
export function notifyDue(on: WatchNotifyOn | null, ended: Pick<EndedRun, 'comparison' | 'changes'>): boolean {
  if (on === null) return false;
  if (on === 'every-run') return true;
  const c = ended.changes;
  return ended.comparison === 'compared' && c !== null && c.walletsAdded + c.walletsRemoved + c.clustersChanged + c.clustersFormed + c.clustersDissolved + c.linksFormed + c.linksBroken > 0;
}

/** A run's delivery not begun this long after the run ended is started by the sweep (the run starts it within seconds of its end). */
const DELIVERY_SWEEP_START_AFTER_MS = 2 * 60_000;
/**
 * A run the sweep started or joined the delivery of, not begun since, is taken again this long after
 * (its first attempt waits in a backlog: joining it each sweep would fill the batch)
 */
const DELIVERY_SWEEP_REJOIN_MS = 60 * 60_000;
/** A delivery is given up by the sweep this long past its budget, counted from its first attempt: its last attempt and the record of its failure are over by then. */
const DELIVERY_SWEEP_MARGIN_MS = 60 * 60_000;

export function createWatchActivities({ pool, removeWatchSchedule, settings }: Pick<ActivityDeps, 'pool' | 'removeWatchSchedule' | 'settings'>) {
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
      const compared = await compareWithPrevious(run);
      const { deliveryPending } = await endWatchRun(pool, watchId, runKey, { ...compared, notify: notifyDue(run.notifyOn, compared) });
      return { analysisId: run.analysisId, ...compared, notify: deliveryPending };
    },

    /**
     * POSTs run `runKey` to its watch's webhook, signed with the watch's secret (and with the one it
     * replaced, while that one still signs), and records how it went. Only the ids travel through
     * Temporal: the URL and the secrets are read here. A receiver that answers 408, 429 or 5xx, or not
     * at all, is tried again (after its Retry-After, when it gives one) up to WEBHOOK_ATTEMPTS times
     * within WEBHOOK_DELIVERY_BUDGET_MS (the step's retry policy); any other answer is final. Nothing
     * is sent for a run no longer pending (delivered or failed by an attempt before) or whose watch
     * has gone.
     */
    async notifyWatchRun({ watchId, runKey }: { watchId: string; runKey: string }): Promise<'delivered' | 'not-pending'> {
      // begun: the sweep no longer starts this delivery, and gives it up only a day after this
      await beginWatchRunNotification(pool, watchId, runKey);
      const [webhook, run] = await Promise.all([watchWebhook(pool, watchId), watchRunToNotify(pool, watchId, runKey)]);
      if (!run || run.notification.state !== 'pending') return 'not-pending';
      // removed after the run's end had read it (the PATCH's give-up came before this run was pending): given up now
      if (!webhook) {
        await giveUpWatchRunNotification(pool, watchId, runKey, WEBHOOK_REMOVED);
        return 'not-pending';
      }
      const ctx = Context.current();
      const attempt = ctx.info.attempt;
      const body = JSON.stringify(watchRunEventOf(watchId, runKey, run));
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        [WEBHOOK_HEADERS.event]: 'watch.run',
        [WEBHOOK_HEADERS.delivery]: runKey,
        [WEBHOOK_HEADERS.timestamp]: String(timestamp),
        // one signature per secret, the newest first (a receiver checks any it knows)
        [WEBHOOK_HEADERS.signature]: webhook.secrets.map((secret) => signWebhook(secret, timestamp, body)).join(' '),
      };
      try {
        await postWebhook(webhook.url, body, headers, { allowPrivate: settings.webhookPrivateAddresses ?? false, signal: ctx.cancellationSignal });
      } catch (err) {
        if (!(err instanceof WebhookDeliveryError)) throw err;
        const final = !err.retryable || attempt >= WEBHOOK_ATTEMPTS;
        // the target by its origin only: the URL's path is often the receiver's token
        log.warn("a watch run's webhook delivery failed", { watchId, target: webhookTarget(webhook.url), attempt, final, reason: err.message });
        // kept for GET; a store that fails here must not turn a final answer (a 404) into a retry that posts again
        await recordWatchRunNotification(pool, watchId, runKey, { state: final ? 'failed' : 'pending', attempt, error: err.message }).catch((recordErr: unknown) =>
          log.warn("a watch run's failed delivery could not be recorded", { watchId, err: describeFailure(recordErr) }),
        );
        throw ApplicationFailure.create({
          type: 'WebhookDeliveryError',
          message: err.message,
          nonRetryable: !err.retryable,
          ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
        });
      }
      await recordWatchRunNotification(pool, watchId, runKey, { state: 'delivered', attempt, error: null });
      log.info("a watch run's webhook delivered", { watchId, target: webhookTarget(webhook.url), attempt });
      return 'delivered';
    },

    /**
     * Records run `runKey`'s delivery as failed for good, if it is still pending (its budget ran out
     * between attempts, its last attempt timed out, or its worker was lost): the last attempt's reason
     * stays, else `reason`.
     */
    async failWatchRunNotification({ watchId, runKey, reason }: { watchId: string; runKey: string; reason: string }): Promise<void> {
      await giveUpWatchRunNotification(pool, watchId, runKey, reason);
    },

    /**
     * The sweep of this namespace's deliveries (sweepWatchDeliveriesWorkflow): gives up those still
     * pending a day and an hour after they began (their workflow stopped without recording an
     * outcome: terminated, or failed on a store away for longer than its steps wait), and returns the
     * runs whose delivery has not begun DELIVERY_SWEEP_START_AFTER_MS after their run ended, for the
     * workflow to start (a delivery running already, its first attempt still queued, is joined, not
     * repeated, and taken again an hour later at the soonest: DELIVERY_SWEEP_REJOIN_MS; by this step
     * retried, at once).
     */
    async sweepWatchDeliveries({ limit }: { limit: number }): Promise<{ givenUp: number; unstarted: WatchDeliveryInput[] }> {
      const { info } = Context.current();
      const swept = await sweepWatchDeliveries(pool, info.namespace, {
        giveUpAfterMs: WEBHOOK_DELIVERY_BUDGET_MS + DELIVERY_SWEEP_MARGIN_MS,
        startAfterMs: DELIVERY_SWEEP_START_AFTER_MS,
        startWithinMs: WEBHOOK_DELIVERY_BUDGET_MS,
        resweepAfterMs: DELIVERY_SWEEP_REJOIN_MS,
        limit,
        reason: 'not delivered within a day: its delivery stopped without an outcome (terminated?)',
        // this step, whichever attempt: a retry takes again the runs an attempt before it marked
        sweepId: `${info.workflowExecution?.runId ?? 'activity'}/${info.activityId}`,
      });
      if (swept.givenUp > 0) log.warn('watch deliveries pending for more than a day were given up', { givenUp: swept.givenUp });
      return swept;
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
