// LOCAL_STEPS_PATCH: an analysis reads its wallets' statuses as a local activity, and a group of at
// most 50 wallets computes its similarity as one too (inside the workflow task, one marker each);
// a larger group's similarity step stays an activity of the analysis queue (its fairness key, its
// heartbeats, a progress query that does not wait for it). Both end with every pair stored.
// ANALYSIS_PATCHES_2026_12_02: started as the API starts it, an analysis upserts no search attribute
// until its end (started without them, it sets them itself), and it fetches only the balances that
// are not cached (all cached: no balances activity, one workflow task).
import { temporal } from '@temporalio/proto';
import { localActivityMarkers } from '../../bench/lib/e2e-temporal';
import { generateWorld } from '../../src/simulator';
import { getAnalysis } from '../../src/store/analyses';
import { MockActivityEnvironment } from '@temporalio/testing';
import { balanceCacheKey } from '../../src/activities/balances';
import { createSyncActivities } from '../../src/activities/sync';
import { createRedis } from '../../src/store/redis';
import type { WalletStatusRow } from '../../src/store/wallets';
import { buildActivityDeps } from '../../src/wiring';
import { SEARCH_ATTRIBUTES, progressQuery } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { activityRuns, searchAttributeWrites } from '../harness/histories';
import { useSimulatedStack } from '../harness/stack';

const EventType = temporal.api.enums.v1.EventType;
const world = generateWorld({ seed: 412, wallets: 51, txPerWallet: 6, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

type History = Awaited<ReturnType<Awaited<ReturnType<typeof startAnalysis>>['fetchHistory']>>;
const localActivities = (history: History) => localActivityMarkers(history.events ?? []).map((m) => m.activityType);
const queueActivities = (history: History) => (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name as string] : []));

describe('the short steps of an analysis as local activities', () => {
  // balances cached long enough for the last test to find them cached whatever the machine's pace
  const opened = useSimulatedStack({ world }, { BALANCE_CACHE_TTL_SECONDS: '600' });

  it.each([
    [50, 'a local activity', ['getWalletStatuses', 'computeGroupSimilarity'], false],
    [51, 'an activity of the analysis queue', ['getWalletStatuses'], true],
  ] as const)('a group of %i wallets computes its similarity as %s', async (size, _how, local, onQueue) => {
    const group = wallets.slice(0, size);
    const input = analysisInput({ wallets: group }, { tuning: { pollIntervalMs: 200 } });
    const history = await opened.stack.withWorkers(async () => {
      const handle = await startAnalysis(opened.stack, input);
      await handle.result();
      return handle.fetchHistory();
    });
    expect(localActivities(history)).toEqual(local);
    expect(queueActivities(history).includes('computeGroupSimilarity')).toBe(onQueue);
    expect(queueActivities(history).includes('getWalletStatuses')).toBe(false);
    expect((history.events ?? []).some((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)).toBe(true);
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const { rows } = await opened.stack.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM analysis_pairs WHERE analysis_id = $1', [input.analysisId]);
    expect(rows[0].n).toBe((size * (size - 1)) / 2);
    // started as the API starts it: the group's size and status from the start (51 wallets do not fit
    // the Wallets attribute), and one upsert, the end's
    expect(searchAttributeWrites(history)).toEqual({ started: { WalletCount: size, AnalysisStatus: 'running' }, upserts: [{ AnalysisStatus: 'completed' }] });
  }, 120_000);

  it('an analysis started without its search attributes (by code before ANALYSIS_PATCHES_2026_12_02, or by hand) sets them itself', async () => {
    const group = wallets.slice(0, 3);
    const input = analysisInput({ wallets: group }, { tuning: { pollIntervalMs: 200 } });
    const { history, described } = await opened.stack.withWorkers(async () => {
      const handle = await startAnalysis(opened.stack, input, { typedSearchAttributes: [] });
      await handle.result();
      return { history: await handle.fetchHistory(), described: await handle.describe() };
    });
    expect(searchAttributeWrites(history)).toEqual({
      started: {},
      upserts: [{ Wallets: group, WalletCount: 3, AnalysisStatus: 'running' }, { AnalysisStatus: 'completed' }],
    });
    expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.wallets)).toEqual(group);
    expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.walletCount)).toBe(3);
  }, 120_000);

  it('fetches only the balances that are not cached; with all of them cached, no balances activity and one workflow task', async () => {
    const group = wallets.slice(0, 3);
    // the tests above cached every wallet's balances; one of them expires
    await opened.stack.redis.del(balanceCacheKey(group[2]));
    const run = () =>
      opened.stack.withWorkers(async () => {
        const input = analysisInput({ wallets: group }, { tuning: { pollIntervalMs: 200 } });
        const handle = await startAnalysis(opened.stack, input);
        await handle.result();
        return {
          history: await handle.fetchHistory(),
          batches: (await activityRuns<{ wallets: string[] }, unknown>(handle, 'fetchBalanceBatch')).map((run) => run.input.wallets),
          progress: await handle.query(progressQuery),
          stored: await getAnalysis(opened.stack.pool, input.analysisId),
        };
      });

    const partly = await run();
    expect(partly.batches).toEqual([[group[2]]]);
    expect(Object.fromEntries(group.map((w) => [w, partly.progress.wallets[w].balances]))).toEqual({ [group[0]]: 'cached', [group[1]]: 'cached', [group[2]]: 'fetched' });
    expect(partly.stored?.status).toBe('completed');

    const cached = await run();
    expect(queueActivities(cached.history)).toEqual([]);
    expect(localActivities(cached.history)).toEqual(['getWalletStatuses', 'computeGroupSimilarity']);
    expect(group.map((w) => cached.progress.wallets[w].balances)).toEqual(['cached', 'cached', 'cached']);
    expect(cached.stored?.status).toBe('completed');
    expect(cached.stored?.result?.pairCount).toBe(3);
    // one workflow task from start to end (a second only if a local activity outlived the task's timeout on a loaded machine)
    const tasks = (cached.history.events ?? []).filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED).length;
    expect(tasks).toBeLessThan(3);
    console.log(`an analysis of 3 synced wallets with their balances cached: ${cached.history.events?.length} events, ${tasks} workflow task(s)`);
  }, 120_000);

  it('the statuses step tells the cached balances apart, and answers the statuses alone when Redis cannot', async () => {
    const group = wallets.slice(0, 2);
    // the tests above cached both; one expires
    await opened.stack.redis.del(balanceCacheKey(group[1]));
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const statuses = (redis: typeof deps.redis) =>
      new MockActivityEnvironment().run(createSyncActivities({ ...deps, redis }).getWalletStatuses, { wallets: group, cachedBalances: true }).then((rows) => Object.fromEntries((rows as WalletStatusRow[]).map((r) => [r.wallet, [r.status, r.balancesCached ?? false]])));
    expect(await statuses(deps.redis)).toEqual({ [group[0]]: ['READY', true], [group[1]]: ['READY', false] });
    const unreachable = createRedis('redis://127.0.0.1:1');
    try {
      expect(await statuses(unreachable)).toEqual({ [group[0]]: ['READY', false], [group[1]]: ['READY', false] });
    } finally {
      unreachable.disconnect();
    }
  });
});

