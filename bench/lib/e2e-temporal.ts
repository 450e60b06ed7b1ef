// What the bench reads from Temporal: an analysis's end, and the events of the analysis workflow
// and of every child it started (following continue-as-new), which is what Temporal Cloud bills.
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { EventCount } from './e2e-figures';

interface Run {
  workflowId: string;
  runId?: string;
}

/** Where an analysis's wall time went, in seconds from its workflow's start (from its history's event times). */
export interface AnalysisSplit {
  /** the first sync (child start or sync step) the workflow asked for (its checks before that: statuses, holders) */
  syncsStartedAt: number | null;
  /** the first and last sync step a worker took (its activity task started), when syncs ran as steps */
  syncStepsTakenAt: [number, number] | null;
  /** the last sync's end (a child's, or a sync step's) */
  syncsDoneAt: number | null;
  /** the first balance batch scheduled and the last one completed */
  balancesAt: [number, number] | null;
  /** computeGroupSimilarity scheduled and completed (its last attempt; a local activity's first schedule and its completion) */
  similarityAt: [number, number] | null;
  /** the workflow's completion */
  completedAt: number | null;
}

type HistoryEvent = NonNullable<Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>['events']>[number];

/**
 * A local activity as its marker records it (LOCAL_STEPS_PATCH's steps): its type, first schedule
 * and end, epoch ms. Two clocks: the schedule is the workflow's time (its task's), the end the
 * worker's, so a step of a few ms can read as ending before it was scheduled.
 */
export interface LocalActivityMarker {
  activityType: string;
  scheduledAtMs: number | null;
  completedAtMs: number | null;
  /** it gave up: the marker holds its failure, not a result */
  failed: boolean;
}

/** The local activities of a history, in order, from their markers' data. */
export function localActivityMarkers(events: HistoryEvent[]): LocalActivityMarker[] {
  const epochMs = (t: { seconds?: number | string; nanos?: number } | null | undefined) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : null);
  const out: LocalActivityMarker[] = [];
  for (const e of events) {
    const marker = e.markerRecordedEventAttributes;
    const data = marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0]?.data : undefined;
    if (!data) continue;
    let d: { activity_type?: string; original_schedule_time?: { seconds?: number; nanos?: number }; complete_time?: { seconds?: number; nanos?: number } };
    try {
      d = JSON.parse(Buffer.from(data).toString()) as typeof d;
    } catch {
      continue;
    }
    out.push({ activityType: d.activity_type ?? '', scheduledAtMs: epochMs(d.original_schedule_time), completedAtMs: epochMs(d.complete_time), failed: !!marker?.failure });
  }
  return out;
}

/** The split of one analysis workflow's history (see AnalysisSplit). */
export function analysisSplit(events: HistoryEvent[]): AnalysisSplit {
  const ms = (e: HistoryEvent) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6);
  const t0 = events.length > 0 ? ms(events[0]) : 0;
  const at = (e: HistoryEvent | undefined) => (e ? Math.round(ms(e) - t0) / 1000 : null);
  const scheduledName = new Map<string, string>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) scheduledName.set(String(e.eventId), name);
  }
  // a local activity (LOCAL_STEPS_PATCH) is a marker, timed by the workflow's and the worker's clocks (one host here)
  const ofLocalActivity = (name: string): [number, number] | null => {
    const m = localActivityMarkers(events).find((l) => l.activityType === name && !l.failed && l.scheduledAtMs !== null && l.completedAtMs !== null);
    return m ? [Math.round((m.scheduledAtMs as number) - t0) / 1000, Math.round((m.completedAtMs as number) - t0) / 1000] : null;
  };
  const ofActivity = (name: string) => {
    const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name);
    const completed = events.filter((e) => scheduledName.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '')) === name);
    return scheduled.length > 0 && completed.length > 0 ? ([at(scheduled[0]) as number, at(completed[completed.length - 1]) as number] as [number, number]) : ofLocalActivity(name);
  };
  // a sync is a child (before patched('sync-steps'), or a long history's continuation) or a step of the analysis (one wallet's, or a batch's: ANALYSIS_PATCHES_2026_12_03)
  const SYNC_STEPS = new Set(['syncWalletAtOnce', 'syncWalletsAtOnce']);
  const isSyncStep = (e: HistoryEvent) => SYNC_STEPS.has(scheduledName.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? e.activityTaskFailedEventAttributes?.scheduledEventId ?? '')) ?? '');
  const stepsTaken = events.filter((e) => SYNC_STEPS.has(scheduledName.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId ?? '')) ?? ''));
  const syncDone = events.filter((e) => e.childWorkflowExecutionCompletedEventAttributes?.workflowType?.name === 'walletSyncWorkflow' || e.childWorkflowExecutionFailedEventAttributes || isSyncStep(e));
  return {
    syncsStartedAt: at(
      events.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowType?.name === 'walletSyncWorkflow' || SYNC_STEPS.has(e.activityTaskScheduledEventAttributes?.activityType?.name ?? '')),
    ),
    // (a started event is written with its activity's end: history order is not time order)
    syncStepsTakenAt: stepsTaken.length > 0 ? [Math.min(...stepsTaken.map((e) => at(e) as number)), Math.max(...stepsTaken.map((e) => at(e) as number))] : null,
    syncsDoneAt: at(syncDone[syncDone.length - 1]),
    balancesAt: ofActivity('fetchBalanceBatch'),
    similarityAt: ofActivity('computeGroupSimilarity'),
    completedAt: at(events.find((e) => e.workflowExecutionCompletedEventAttributes)),
  };
}

/** Events of the workflow and of each workflow it started as a child, all runs of each; the split of the workflow's own history. */
export async function countEvents(client: Client, workflowId: string, concurrency = 8): Promise<EventCount & { byType: Record<string, number>; split: AnalysisSplit | null; syncChildren: Record<'started' | 'activityScheduled' | 'activityStarted', [number, number] | null> }> {
  const queue: Run[] = [{ workflowId }];
  const seen = new Set<string>();
  const byType: Record<string, number> = {};
  let total = 0;
  let parent = 0;
  let workflows = 0;
  let split: AnalysisSplit | null = null;
  /** per sync child (first run): when it started, its first activity was scheduled, and started (epoch ms) */
  const childMarks: Array<{ started: number; scheduled: number | null; activityStarted: number | null }> = [];
  let parentStart = 0;
  const visit = async (r: Run): Promise<void> => {
    const history = await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
    const events = history.events ?? [];
    workflows += 1;
    const ms = (e: (typeof events)[number] | undefined) => (e ? Number(e.eventTime?.seconds ?? 0) * 1000 + Math.round((e.eventTime?.nanos ?? 0) / 1e6) : null);
    if (r.workflowId === workflowId && r.runId === undefined) parentStart = ms(events[0]) ?? 0;
    if (r.workflowId !== workflowId && events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'walletSyncWorkflow' && !events[0].workflowExecutionStartedEventAttributes.continuedExecutionRunId) {
      childMarks.push({
        started: ms(events[0]) as number,
        scheduled: ms(events.find((e) => e.activityTaskScheduledEventAttributes)),
        activityStarted: ms(events.find((e) => e.activityTaskStartedEventAttributes)),
      });
    }
    total += events.length;
    if (r.workflowId === workflowId) {
      parent += events.length;
      split = analysisSplit(events);
    }
    for (const e of events) {
      const type = Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? 'unknown';
      byType[type] = (byType[type] ?? 0) + 1;
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) queue.push({ workflowId: child.workflowId, runId: child.runId ?? undefined });
      const next = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) queue.push({ workflowId: r.workflowId, runId: next });
    }
  };
  const lane = async (): Promise<void> => {
    for (;;) {
      const r = queue.shift();
      if (!r) return;
      const key = `${r.workflowId}/${r.runId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      await visit(r);
    }
  };
  // the first history names the children; then lanes drain the queue
  await lane();
  while (queue.length > 0) await Promise.all(Array.from({ length: concurrency }, lane));
  const range = (values: Array<number | null>): [number, number] | null => {
    const v = values.filter((x): x is number => x !== null).map((x) => Math.round(x - parentStart) / 1000);
    return v.length ? [Math.min(...v), Math.max(...v)] : null;
  };
  const syncChildren = {
    started: range(childMarks.map((c) => c.started)),
    activityScheduled: range(childMarks.map((c) => c.scheduled)),
    activityStarted: range(childMarks.map((c) => c.activityStarted)),
  };
  return { total, parent, workflows, byType, split, syncChildren };
}

/**
 * Seconds to replay the latest run of `workflowId` on the pre-built workflow bundle, in this process:
 * what a worker does for a query of a closed analysis (the Web UI's, or `temporal workflow query`),
 * or to resume an open one it no longer has in its cache, holding its one workflow thread meanwhile.
 * With `saveTo`, the history is also written there (Temporal's JSON, as `temporal workflow show
 * --output json` writes it), to replay or profile again offline.
 */
export async function replaySeconds(client: Client, workflowId: string, bundlePath: string, saveTo?: string): Promise<{ seconds: number; events: number }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  if (saveTo) fs.writeFileSync(saveTo, historyToJSON(history));
  const began = performance.now();
  await Worker.runReplayHistory({ workflowBundle: { codePath: bundlePath } }, history, workflowId);
  return { seconds: (performance.now() - began) / 1000, events: history.events?.length ?? 0 };
}
