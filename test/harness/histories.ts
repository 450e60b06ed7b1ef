// Recorded workflow histories for replay tests: test/histories/<name>.json holds
// { workflowId, workflowType, history } with the history in Temporal's JSON form.
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { temporal } from '@temporalio/proto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

export interface RecordedHistory {
  name: string;
  workflowId: string;
  workflowType: string;
  history: temporal.api.history.v1.IHistory;
}

/** `historyJson`: the output of `temporal workflow show --output json` (Temporal's JSON form). */
export function saveHistory(name: string, workflowId: string, workflowType: string, historyJson: string): void {
  const body = { workflowId, workflowType, history: JSON.parse(historyJson) };
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  fs.writeFileSync(path.join(HISTORIES_DIR, `${name}.json`), JSON.stringify(body, null, 1) + '\n');
}

export function loadHistories(): RecordedHistory[] {
  if (!fs.existsSync(HISTORIES_DIR)) return [];
  return fs
    .readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const body = JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8'));
      return { name: file.replace(/\.json$/, ''), workflowId: body.workflowId, workflowType: body.workflowType, history: historyFromJSON(body.history) };
    });
}

/** The ids of the `patched()` markers a history recorded, in order (the SDK's `core_patch` markers). */
export function patchMarkers(history: temporal.api.history.v1.IHistory): string[] {
  return (history.events ?? []).flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const payload = marker?.markerName === 'core_patch' ? marker.details?.['patch-data']?.payloads?.[0] : undefined;
    return payload ? [defaultPayloadConverter.fromPayload<{ id: string }>(payload).id] : [];
  });
}

export interface ActivityRun<I, R> {
  workflowId: string;
  input: I;
  /** undefined while running or when it failed for good */
  result?: R;
  /** the priority key it was scheduled with (null: none of its own) */
  priority?: number | null;
  /** the attempt that ended it, its previous failure, and the worker that ran it */
  attempt?: number | null;
  lastFailure?: string | null;
  identity?: string | null;
}

/** Every run of one activity type in a workflow's history, decoded. */
export async function activityRuns<I, R>(handle: WorkflowHandle, activityType: string): Promise<Array<ActivityRun<I, R>>> {
  const history = await handle.fetchHistory();
  const runs = new Map<string, ActivityRun<I, R>>();
  const decode = (payloads: temporal.api.common.v1.IPayloads | null | undefined) => defaultPayloadConverter.fromPayload((payloads?.payloads ?? [])[0]);
  for (const e of history.events ?? []) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled && scheduled.activityType?.name === activityType) {
      runs.set(String(e.eventId), { workflowId: handle.workflowId, input: decode(scheduled.input) as I, priority: scheduled.priority?.priorityKey ?? null });
    }
    const started = e.activityTaskStartedEventAttributes;
    const run = started ? runs.get(String(started.scheduledEventId)) : undefined;
    if (started && run) Object.assign(run, { attempt: started.attempt, lastFailure: started.lastFailure?.message ?? null, identity: started.identity });
    const completed = e.activityTaskCompletedEventAttributes;
    const done = completed ? runs.get(String(completed.scheduledEventId)) : undefined;
    if (completed && done) done.result = decode(completed.result) as R;
  }
  return [...runs.values()];
}

/**
 * The search attributes a history's upserts set, one object per upsert event in order (the SDK's own
 * TemporalChangeVersion upserts, for patches, left out), and those its start carried.
 */
export function searchAttributeWrites(history: temporal.api.history.v1.IHistory): { started: Record<string, unknown>; upserts: Array<Record<string, unknown>> } {
  const decode = (fields: Record<string, temporal.api.common.v1.IPayload> | null | undefined, skip: string[] = []) =>
    Object.fromEntries(Object.entries(fields ?? {}).filter(([k]) => !skip.includes(k)).map(([k, p]) => [k, defaultPayloadConverter.fromPayload(p)]));
  const events = history.events ?? [];
  const started = decode(events[0]?.workflowExecutionStartedEventAttributes?.searchAttributes?.indexedFields);
  const upserts = events
    .flatMap((e) => (e.upsertWorkflowSearchAttributesEventAttributes ? [decode(e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields, ['TemporalChangeVersion'])] : []))
    .filter((u) => Object.keys(u).length > 0);
  return { started, upserts };
}

/** The runs of a workflow id (continued as new, or started again), oldest first, as Temporal's visibility lists them. */
export async function runsOldestFirst(client: Client, workflowId: string): Promise<string[]> {
  const runs: Array<{ runId: string; started: Date }> = [];
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: wf.runId, started: wf.startTime });
  return runs.sort((x, y) => x.started.getTime() - y.started.getTime()).map((r) => r.runId);
}
