import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { generateWorld } from '../../src/simulator';
import { ApplicationFailure } from '@temporalio/common';
import { SEARCH_ATTRIBUTES, progressQuery, proceedWithAvailableDataSignal, type AnalysisInput, type AnalysisProgress } from '../../src/workflows/contract';
import { createActivities } from '../../src/activities';
import { buildActivityDeps } from '../../src/wiring';
import { analysisInput, executeAnalysis, startAnalysis } from '../harness/analyses';
import { resolveTemporalCli } from '../../src/temporal/dev-server';
import { getAnalysis } from '../../src/store/analyses';
import { useSimulatedStack } from '../harness/stack';
import { testEnv } from '../harness/env';
import { until } from '../harness/processes';

const run = promisify(execFile);
const world = generateWorld({ seed: 31, wallets: 5, txPerWallet: 400, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

function input(extra: Partial<AnalysisInput> = {}): AnalysisInput {
  return analysisInput({ wallets, sync: 'force' }, { tuning: { pollIntervalMs: 200, maxPagesPerChunk: 1 }, ...extra });
}

describe('following and steering an analysis', () => {
  let cli: string;

  const opened = useSimulatedStack(
    { world },
    {},
    {
      afterOpen: async () => {
        cli = await resolveTemporalCli();
      },
    },
  );
  beforeEach(async () => {
    // Each test starts from nothing: no running syncs (abandoned by an earlier test), no cached
    // balances, no stored history.
    for await (const wf of opened.stack.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      await opened.stack.client.workflow.getHandle(wf.workflowId).terminate('test cleanup').catch(() => undefined);
    }
    await opened.stack.redis.del(...wallets.map((w) => `balance:${w}`));
    // only this file's wallets: other test files share the database
    await opened.stack.pool.query('DELETE FROM wallets WHERE address = ANY($1::text[])', [wallets]);
    await opened.stack.pool.query('DELETE FROM wallet_balances WHERE wallet = ANY($1::text[])', [wallets]);
    opened.sim.reset({ knobs: true });
  });

  const start = (i: AnalysisInput) => startAnalysis(opened.stack, i);
  const temporal = async (...args: string[]) => {
    const { stdout } = await run(cli, [...args, '--address', testEnv().temporalAddress, '--namespace', opened.stack.namespace, '-o', 'json']);
    return stdout;
  };

  it('answers the progress query and takes the proceedWithAvailableData signal through the temporal CLI, then computes with what is stored', async () => {
    opened.sim.configure({ latencyMs: { 'helius:history': 400 } }); // syncs that would take a while
    const i = input();
    const summary = await opened.stack.withWorkers(async () => {
      const handle = await start(i);
      const fromCli = await until('pages in the progress query (CLI)', async () => {
        const out = JSON.parse(await temporal('workflow', 'query', '--workflow-id', handle.workflowId, '--name', 'progress'));
        const progress = out.queryResult[0] as AnalysisProgress;
        return Object.values(progress.wallets).some((w) => w.pages > 0) ? progress : undefined;
      });
      expect(fromCli.phase).toBe('syncing');
      expect(fromCli.analysisId).toBe(i.analysisId);
      expect(Object.keys(fromCli.wallets).sort()).toEqual(wallets);
      expect(fromCli.percent).toBeGreaterThanOrEqual(5);
      expect(fromCli.percent).toBeLessThan(100);

      // the next pages held until the signal is in: no further page is answered before it
      opened.sim.configure({ paused: ['helius:history'] });
      await temporal('workflow', 'signal', '--workflow-id', handle.workflowId, '--name', 'proceedWithAvailableData');
      opened.sim.configure({ paused: [] });
      const result = await handle.result();
      const after = await handle.query(progressQuery);
      expect(after.proceedRequested).toBe(true);
      return result;
    });
    expect(summary.partialWallets.length).toBeGreaterThan(0);
    expect(summary.pairCount).toBe(10);
    const stored = await getAnalysis(opened.stack.pool, i.analysisId);
    expect(stored?.status).toBe('completed');
    expect((stored?.result?.partialWallets as string[]).sort()).toEqual([...summary.partialWallets].sort());
    const truncated = (stored?.result?.coverage as Array<{ address: string; truncated: boolean }>).filter((c) => c.truncated).map((c) => c.address);
    for (const w of summary.partialWallets) expect(truncated).toContain(w);
  });

  it('a wallet cut short by proceed whose balances then failed is listed as failed only, not also as partial', async () => {
    // no page is answered before the signal: every wallet's sync is cut short
    opened.sim.configure({ latencyMs: { 'helius:history': 400 }, paused: ['helius:history'] });
    const i = input();
    const broken = wallets[2];
    const real = createActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    const summary = await opened.stack.withWorkers(
      async () => {
        const handle = await start(i);
        await until('the sync to start', async () => ((await handle.query(progressQuery)).phase === 'syncing' ? true : undefined));
        await handle.signal(proceedWithAvailableDataSignal);
        // the history stays paused until the analysis ends: a page answered while a cut-short sync
        // was still being cancelled would be stored, and its wallet's transfers known
        try {
          return await handle.result();
        } finally {
          opened.sim.configure({ paused: [] });
        }
      },
      {
        activities: {
          // one wallet's balances fail for good (as a provider refusing that wallet would make them)
          fetchBalanceBatch: async (input: { wallets: string[] }) => {
            const out = await real.fetchBalanceBatch({ wallets: input.wallets.filter((w) => w !== broken) });
            return { wallets: [...out.wallets, ...(input.wallets.includes(broken) ? [{ wallet: broken, balances: 'failed' as const, error: 'refused by the test' }] : [])] };
          },
          fetchBalances: async (input: { wallet: string }) => {
            if (input.wallet === broken) throw ApplicationFailure.nonRetryable('refused by the test', 'BalancesRefused');
            return real.fetchBalances(input);
          },
        },
      },
    );
    expect(summary.failedWallets.map((f) => f.wallet)).toEqual([broken]);
    expect(summary.partialWallets.length).toBeGreaterThan(0);
    expect(summary.partialWallets).not.toContain(broken);
    expect(summary.pairCount).toBe(6);
    const stored = await getAnalysis(opened.stack.pool, i.analysisId);
    expect(stored?.result?.partialWallets as string[]).not.toContain(broken);
    // no wallet had a page stored: their transfers are unknown, so no pair has a funding score (not 0)
    const pairs = stored?.result?.pairs as Array<{ scores: { funding: number | null } }>;
    expect(pairs).toHaveLength(6);
    expect(pairs.map((p) => p.scores.funding)).toEqual([null, null, null, null, null, null]);
  });

  it('proceeds on its own with the data available when its history nears the limit while syncs wait (ANALYSIS_PATCHES_2026_12_06B), rather than being terminated', async () => {
    // no page is answered: the syncs would wait for ever, the poll loop writing history meanwhile
    opened.sim.configure({ paused: ['helius:history'] });
    const i = input({ tuning: { pollIntervalMs: 50, maxPagesPerChunk: 1, historyProceedEvents: 120 } });
    const { summary, proceeded, events } = await opened.stack.withWorkers(async () => {
      const handle = await start(i);
      try {
        const result = await handle.result();
        // no one asked it to proceed: it did so on its own
        return { summary: result, proceeded: (await handle.query(progressQuery)).proceedRequested, events: (await handle.describe()).historyLength };
      } finally {
        opened.sim.configure({ paused: [] });
      }
    });
    expect(proceeded).toBe(true);
    expect([...summary.partialWallets].sort()).toEqual(wallets);
    expect(summary.pairCount).toBe(10);
    // the wait ended at the bound (its last poll's events past it), far below Temporal's limit
    expect(events).toBeLessThan(1_000);
    expect((await getAnalysis(opened.stack.pool, i.analysisId))?.status).toBe('completed');
  });

  it('cancellation stops the analysis and leaves a visible cancelled status in PostgreSQL and the search attributes', async () => {
    // the history pages held until the cancellation is in: no sync can end before it
    opened.sim.configure({ latencyMs: { 'helius:history': 400 }, paused: ['helius:history'] });
    const i = input();
    await opened.stack.withWorkers(async () => {
      const handle = await start(i);
      await until('the sync to start', async () => ((await handle.query(progressQuery)).phase === 'syncing' ? true : undefined));
      await handle.cancel();
      opened.sim.configure({ paused: [] });
      // (not `rejects.toThrow`: jest 30 hangs formatting Temporal's failure objects)
      const outcome = await handle.result().then(() => 'completed', (err: unknown) => err);
      expect(outcome).toBeInstanceOf(WorkflowFailedError);
      const description = await handle.describe();
      expect(description.status.name).toBe('CANCELLED');
      expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.analysisStatus)).toBe('cancelled');
      expect((await handle.query(progressQuery)).phase).toBe('cancelled');
    });
    const stored = await getAnalysis(opened.stack.pool, i.analysisId);
    expect(stored?.status).toBe('cancelled');
    expect(stored?.error).toBe('cancelled by the user');
  });

  it('completes with 30 % of provider requests failing with 5xx or 429', async () => {
    opened.sim.configure({ faults: { errorRate: 0.3, seed: 7 } });
    const i = input({ tuning: { pollIntervalMs: 200, maxPagesPerChunk: 5 } });
    const summary = await opened.stack.withWorkers(() => executeAnalysis(opened.stack, i));
    expect(summary.failedWallets).toEqual([]);
    expect(summary.pairCount).toBe(10);
    const injected = opened.sim.requestLog.filter((r) => r.injected).length;
    const total = opened.sim.requestLog.length;
    // every wallet's history and balances were really fetched, through real faults
    expect(total).toBeGreaterThan(wallets.length * 6);
    expect(injected / total).toBeGreaterThan(0.2);
    console.log(`faults: ${injected} of ${total} provider requests failed on purpose; the analysis completed`);
  });

  it('with an invalid API key the analysis fails fast, says so, and retries nothing', async () => {
    opened.sim.configure({ invalidKey: true } as never);
    const i = input();
    const started = Date.now();
    const error = await opened.stack.withWorkers(() =>
      executeAnalysis(opened.stack, i).then(() => null, (err: unknown) => err),
    );
    console.log(`invalid API key: the analysis failed after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const stored = await getAnalysis(opened.stack.pool, i.analysisId);
    expect(stored?.status).toBe('failed');
    expect(stored?.error).toMatch(/InvalidApiKeyError/);
    expect(stored?.error).not.toContain('test-api-key');
    // each wallet's history was asked for once: a bad key is not retried
    for (const w of wallets) expect(opened.sim.requestLog.filter((r) => r.wallet === w && r.endpoint === 'helius:history').length).toBe(1);
  });
});
