// Shared by the group-size tests: one analysis of a whole group through the HTTP API on the real
// stack, followed to its end, with what Temporal recorded about it (search attributes, user
// metadata, current details, history size and the polling loop's payloads).
import type { AddressInfo } from 'node:net';
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import { buildApp } from '../../src/api/app';
import type { AnalysisView } from '../../src/api/schemas/analyses';
import { ApiClient } from '../../src/cli/api-client';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/contract';
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
  /** pairKeys of every pair the analysis stored in analysis_pairs (the result lists only the strongest) */
  storedPairs: string[];
}

export async function runGroupThroughApi(stack: TestStack, wallets: string[], timeoutMs: number): Promise<GroupRun> {
  const app = await buildApp({ config: stack.config, temporal: stack.client, pool: stack.pool, redis: stack.redis }, { eventPollIntervalMs: 500 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const api = new ApiClient(base);
  try {
    const t0 = Date.now();
    return await stack.withWorkers(async () => {
      const started = await api.startAnalysis({ wallets, sync: 'auto' });
      const deadline = Date.now() + timeoutMs;
      let view = await api.getAnalysis(started.analysisId);
      while (view.status === 'running') {
        if (Date.now() > deadline) throw new Error(`analysis ${started.analysisId} still running after ${timeoutMs / 1000}s: ${JSON.stringify(view.progress)?.slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 1_000));
        const res = await fetch(`${base}/v1/analyses/${started.analysisId}`);
        view = (await res.json()) as AnalysisView;
      }
      const seconds = (Date.now() - t0) / 1000;
      const res = await fetch(`${base}/v1/analyses/${started.analysisId}`);
      const text = await res.text();
      const handle = stack.client.workflow.getHandle(started.workflowId);
      const d = await handle.describe();
      const metadata = (await handle.query('__temporal_workflow_metadata')) as { currentDetails?: string };
      const history = await handle.fetchHistory();
      const polls = (await activityRuns<unknown, unknown>(handle, 'readGroupSyncProgress')).map((r) => ({ inputBytes: JSON.stringify(r.input).length, outputBytes: JSON.stringify(r.result ?? null).length }));
      const oldPolls = (await activityRuns(handle, 'readSyncProgress')).length;
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
        storedPairs: await storedPairKeys(stack, started.analysisId),
      };
    });
  } finally {
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

/** pairKeys of every row of an analysis in analysis_pairs. */
export async function storedPairKeys(stack: TestStack, analysisId: string): Promise<string[]> {
  const { rows } = await stack.pool.query<{ wallet_a: string; wallet_b: string }>('SELECT wallet_a, wallet_b FROM analysis_pairs WHERE analysis_id = $1', [analysisId]);
  return pairKeys(rows.map((r) => ({ walletA: r.wallet_a, walletB: r.wallet_b })));
}
