// Shared by the group-size tests: one analysis of a whole group through the HTTP API on the real
// stack, followed to its end, with what Temporal recorded about it (search attributes, user
// metadata, current details, history size and the polling loop's payloads).
import type { AddressInfo } from 'node:net';
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { buildApp } from '../../src/api/app';
import fs from 'node:fs';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { AnalysisStartBody, AnalysisView } from '../../src/api/schemas/analyses';
import { ApiClient } from '../../src/cli/api-client';
import { SEARCH_ATTRIBUTES, progressQuery } from '../../src/workflows/contract';
import { activityRuns } from '../harness/histories';
import type { TestStack } from '../harness/stack';

export interface GroupRun {
  view: AnalysisView & { result: { pairs: Array<{ walletA: string; walletB: string }> } };
  /** bytes of GET /v1/analyses/{id} */
  viewBytes: number;
  seconds: number;
  searchAttributes: { wallets: string[] | undefined; walletCount: number | undefined; status: string | undefined };
  staticSummary: string | undefined;
  staticDetails: string | undefined;
  currentDetails: string | undefined;
  historyEvents: number;
  historyBytes: number;
  /** JSON size of each readGroupSyncProgress input and output, and how many readSyncProgress (old) ran */
  polls: Array<{ inputBytes: number; outputBytes: number }>;
  oldPolls: number;
  workflowId: string;
  /** JSON bytes of the progress query's answer at the end (a query answer is a payload: at most 2 MB) */
  progressBytes: number;
  /** JSON bytes of the largest activity input and result in the analysis's history (payloads: at most 2 MB each) */
  largestActivityPayloadBytes: number;
  /** the worker process's resident memory, sampled every 500 ms while the analysis ran (MB), when `workerPid` was given */
  workerRssMb?: { start: number; peak: number; end: number };
}

export interface GroupRunOptions {
  /** run the analysis on already running worker processes (e.g. to sample one's memory) instead of in-process Workers */
  externalWorkers?: boolean;
  workerPid?: number;
}

/** Resident memory of a process in MB (Linux /proc). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** How an analysis synced its wallets in steps of its own (patched('sync-steps')), from its history. */
export interface SyncStepEvents {
  /** syncWalletsAtOnce activities (ANALYSIS_PATCHES_2026_12_03), and the wallets they were given in all */
  batches: number;
  walletsInBatches: number;
  /** the distinct wallets given to a batch */
  distinctWalletsInBatches: number;
  /** the distinct wallets synced in a syncWalletAtOnce step of their own */
  ownStepWallets: string[];
  /**
   * the wallets a batch handed to a step of their own: its outcome said `retry` (a failure a retry
   * may mend: a provider's timeout or 429, a busy database) or `busy` (another's sync under way),
   * or the batch failed as a whole; with the reasons it gave
   */
  handedOn: string[];
  reasons: string[];
}

/**
 * Events of a workflow and of every child it started (Temporal actions are billed per event), with
 * every run of a child that continued as new, and how the analysis synced its wallets in steps.
 */
export async function treeEvents(client: Client, workflowId: string): Promise<{ parent: number; children: number; childWorkflows: number; steps: SyncStepEvents }> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const started = events.flatMap((e) => e.childWorkflowExecutionStartedEventAttributes?.workflowExecution ?? []);
  const json = <T>(data: Uint8Array | null | undefined): T => JSON.parse(Buffer.from(data ?? []).toString('utf8')) as T;
  // the batches by their scheduled event's id, with their wallets
  const batches = new Map<string, string[]>();
  const ownStepWallets = new Set<string>();
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    const name = scheduled?.activityType?.name;
    if (name === 'syncWalletAtOnce') ownStepWallets.add(json<{ wallet: string }>(scheduled?.input?.payloads?.[0]?.data).wallet);
    if (name === 'syncWalletsAtOnce') batches.set(String(e.eventId), json<{ wallets: Array<{ wallet: string }> }>(scheduled?.input?.payloads?.[0]?.data).wallets.map((w) => w.wallet));
  }
  const handedOn = new Set<string>();
  const reasons: string[] = [];
  for (const e of events) {
    const completed = e.activityTaskCompletedEventAttributes;
    const ended = completed ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
    const batch = ended ? batches.get(String(ended.scheduledEventId)) : undefined;
    if (batch === undefined) continue;
    if (!completed) {
      for (const wallet of batch) handedOn.add(wallet);
      reasons.push(`the batch of ${batch.length} failed`);
      continue;
    }
    const { outcomes } = json<{ outcomes: Array<{ wallet: string; finished?: unknown; resume?: unknown; failed?: string; retry?: string; busy?: unknown }> }>(completed.result?.payloads?.[0]?.data);
    for (const o of outcomes) {
      if (o.finished || o.resume || o.failed !== undefined) continue;
      handedOn.add(o.wallet);
      reasons.push(o.retry ?? 'busy');
    }
  }
  const inBatches = [...batches.values()].flat();
  let children = 0;
  const queue = started.map((x) => ({ workflowId: x.workflowId!, runId: x.runId! }));
  const lane = async () => {
    for (let run = queue.shift(); run !== undefined; run = queue.shift()) {
      const events = (await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()).events ?? [];
      children += events.length;
      const next = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
      if (next) queue.push({ workflowId: run.workflowId, runId: next });
    }
  };
  await Promise.all(Array.from({ length: 10 }, lane));
  return {
    parent: events.length,
    children,
    childWorkflows: started.length,
    steps: {
      batches: batches.size,
      walletsInBatches: inBatches.length,
      distinctWalletsInBatches: new Set(inBatches).size,
      ownStepWallets: [...ownStepWallets].sort(),
      handedOn: [...handedOn].sort(),
      reasons,
    },
  };
}

/**
 * Each wallet of a group synced in a batch of SYNC_BATCH_WALLETS (its few pages fit one chunk), and
 * in a step of its own only when its batch handed it on (a failure a retry may mend, on a loaded
 * machine; a few of a thousand at most, and no batch failed whole): no wallet twice in batches, none
 * in a step of its own besides. For a group of a multiple of SYNC_BATCH_WALLETS wallets (a last
 * batch of one wallet is a step of its own).
 */
export function expectSyncedInBatches(steps: SyncStepEvents, size: number, perBatch: number): void {
  expect(size % perBatch).toBe(0);
  expect(steps.batches).toBe(size / perBatch);
  expect(steps.walletsInBatches).toBe(size);
  expect(steps.distinctWalletsInBatches).toBe(size);
  expect(steps.ownStepWallets).toEqual(steps.handedOn);
  expect(steps.reasons.filter((r) => r.startsWith('the batch of'))).toEqual([]);
  expect(steps.handedOn.length).toBeLessThanOrEqual(size / 50);
}

/** Every stored pair of an analysis as "a|b" (a < b), from analysis_pairs. */
export async function storedPairKeys(pool: Pool, analysisId: string): Promise<string[]> {
  const { rows } = await pool.query<{ a: string; b: string }>('SELECT wallet_a AS a, wallet_b AS b FROM analysis_pairs WHERE analysis_id = $1', [analysisId]);
  return rows.map((r) => [r.a, r.b].sort().join('|')).sort();
}

export async function runGroupThroughApi(stack: TestStack, group: string[] | AnalysisStartBody, timeoutMs: number, options: GroupRunOptions = {}): Promise<GroupRun> {
  const app = await buildApp({ config: stack.config, temporal: stack.client, pool: stack.pool, redis: stack.redis }, { eventPollIntervalMs: 500 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const api = new ApiClient(base);
  let sampler: NodeJS.Timeout | undefined;
  try {
    const t0 = Date.now();
    const withWorkers = options.externalWorkers ? <T>(fn: () => Promise<T>) => fn() : stack.withWorkers;
    const rss = { start: options.workerPid ? rssMb(options.workerPid) : NaN, peak: 0, end: NaN };
    sampler = options.workerPid
      ? setInterval(() => {
          rss.peak = Math.max(rss.peak, rssMb(options.workerPid!));
        }, 500)
      : undefined;
    return await withWorkers(async () => {
      const started = await api.startAnalysis(Array.isArray(group) ? { wallets: group, sync: 'auto' } : group);
      const deadline = Date.now() + timeoutMs;
      let view = await api.getAnalysis(started.analysisId);
      while (view.status === 'running') {
        if (Date.now() > deadline) throw new Error(`analysis ${started.analysisId} still running after ${timeoutMs / 1000}s: ${JSON.stringify(view.progress)?.slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 1_000));
        const res = await fetch(`${base}/v1/analyses/${started.analysisId}`);
        view = (await res.json()) as AnalysisView;
      }
      const seconds = (Date.now() - t0) / 1000;
      if (sampler) clearInterval(sampler);
      if (options.workerPid) rss.end = rssMb(options.workerPid);
      const res = await fetch(`${base}/v1/analyses/${started.analysisId}`);
      const text = await res.text();
      const handle = stack.client.workflow.getHandle(started.workflowId);
      const d = await handle.describe();
      const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      const history = await handle.fetchHistory();
      const polls = (await activityRuns<unknown, unknown>(handle, 'readGroupSyncProgress')).map((r) => ({ inputBytes: JSON.stringify(r.input).length, outputBytes: JSON.stringify(r.result ?? null).length }));
      const oldPolls = (await activityRuns(handle, 'readSyncProgress')).length;
      const progressBytes = Buffer.byteLength(JSON.stringify(await handle.query(progressQuery)));
      const decode = (p: { payloads?: Array<{ data?: Uint8Array | null }> | null } | null | undefined) => (p?.payloads ?? []).reduce((n, x) => n + (x.data?.length ?? 0), 0);
      const largestActivityPayloadBytes = Math.max(
        0,
        ...(history.events ?? []).map((e) => Math.max(decode(e.activityTaskScheduledEventAttributes?.input), decode(e.activityTaskCompletedEventAttributes?.result))),
      );
      const walletsKey = defineSearchAttributeKey(SEARCH_ATTRIBUTES.wallets.name, SearchAttributeType.KEYWORD_LIST);
      return {
        view: JSON.parse(text),
        viewBytes: text.length,
        seconds,
        searchAttributes: {
          wallets: d.typedSearchAttributes.get(walletsKey),
          walletCount: d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.walletCount),
          status: d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.analysisStatus),
        },
        staticSummary: await d.staticSummary(),
        staticDetails: await d.staticDetails(),
        currentDetails: metadata.currentDetails,
        historyEvents: history.events?.length ?? 0,
        historyBytes: Buffer.byteLength(JSON.stringify(history)),
        polls,
        oldPolls,
        workflowId: started.workflowId,
        progressBytes,
        largestActivityPayloadBytes,
        ...(options.workerPid ? { workerRssMb: rss } : {}),
      };
    });
  } finally {
    if (sampler) clearInterval(sampler);
    await app.close();
  }
}

/** Every unordered pair of `wallets` as "a|b" with a < b. */
export function allPairs(wallets: string[]): string[] {
  const sorted = [...wallets].sort();
  const out: string[] = [];
  for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) out.push(`${sorted[i]}|${sorted[j]}`);
  return out;
}

export function pairKeys(pairs: Array<{ walletA: string; walletB: string }>): string[] {
  return pairs.map((p) => [p.walletA, p.walletB].sort().join('|')).sort();
}
