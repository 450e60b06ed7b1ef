// LOCAL_STEPS_PATCH: an analysis reads its wallets' statuses as a local activity, and a group of at
// most 50 wallets computes its similarity as one too (inside the workflow task, one marker each);
// a larger group's similarity step stays an activity of the analysis queue (its fairness key, its
// heartbeats, a progress query that does not wait for it). Both end with every pair stored.
// START_ATTRIBUTES_PATCH: started as the API starts it, an analysis upserts no search attribute
// until its end; started without them, it sets them itself.
import { temporal } from '@temporalio/proto';
import { localActivityMarkers } from '../../bench/lib/e2e-temporal';
import { generateWorld } from '../../src/simulator';
import { getAnalysis } from '../../src/store/analyses';
import { SEARCH_ATTRIBUTES } from '../../src/workflows/contract';
import { analysisInput, startAnalysis } from '../harness/analyses';
import { searchAttributeWrites } from '../harness/histories';
import { useSimulatedStack } from '../harness/stack';

const EventType = temporal.api.enums.v1.EventType;
const world = generateWorld({ seed: 412, wallets: 51, txPerWallet: 6, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();

type History = Awaited<ReturnType<Awaited<ReturnType<typeof startAnalysis>>['fetchHistory']>>;
const localActivities = (history: History) => localActivityMarkers(history.events ?? []).map((m) => m.activityType);
const queueActivities = (history: History) => (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes.activityType?.name as string] : []));

describe('the short steps of an analysis as local activities', () => {
  const opened = useSimulatedStack({ world });

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

  it('an analysis started without its search attributes (by code before START_ATTRIBUTES_PATCH, or by hand) sets them itself', async () => {
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
});
