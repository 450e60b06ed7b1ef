// bench:e2e's "where the time went" line: the split of an analysis workflow's history into its
// checks, syncs, balances, similarity step and end, read off a recorded history.
import { analysisSplit, localActivityMarkers } from '../../../bench/lib/e2e-temporal';
import { loadHistories } from '../../harness/histories';

describe('analysisSplit', () => {
  it('finds the syncs, the balance batch, the similarity step and the end of a recorded analysis, in order', () => {
    const recorded = loadHistories().find((h) => h.name === 'similarity-analysis-balance-batches');
    expect(recorded).toBeDefined();
    const split = analysisSplit(recorded!.history.events ?? []);
    expect(split.syncsStartedAt).not.toBeNull();
    expect(split.syncsDoneAt).not.toBeNull();
    expect(split.balancesAt).not.toBeNull();
    expect(split.similarityAt).not.toBeNull();
    expect(split.completedAt).not.toBeNull();
    const [simFrom, simTo] = split.similarityAt!;
    expect(split.syncsStartedAt!).toBeGreaterThanOrEqual(0);
    expect(split.syncsDoneAt!).toBeGreaterThanOrEqual(split.syncsStartedAt!);
    expect(split.balancesAt![1]).toBeGreaterThanOrEqual(split.balancesAt![0]);
    expect(simFrom).toBeGreaterThanOrEqual(split.syncsDoneAt!);
    expect(simTo).toBeGreaterThan(simFrom);
    expect(split.completedAt!).toBeGreaterThanOrEqual(simTo);
  });

  it('finds the syncs of an analysis that runs them as steps (patched(\'sync-steps\')), continued in children', () => {
    const recorded = loadHistories().find((h) => h.name === 'similarity-analysis-sync-steps');
    expect(recorded).toBeDefined();
    const split = analysisSplit(recorded!.history.events ?? []);
    expect(split.syncsStartedAt).not.toBeNull();
    expect(split.syncsDoneAt!).toBeGreaterThan(split.syncsStartedAt!);
    expect(split.similarityAt![0]).toBeGreaterThanOrEqual(split.syncsDoneAt!);
    // a worker took the steps after they were scheduled and before the last one ended
    const [firstTaken, lastTaken] = split.syncStepsTakenAt!;
    expect(firstTaken).toBeGreaterThanOrEqual(split.syncsStartedAt!);
    expect(lastTaken).toBeGreaterThanOrEqual(firstTaken);
    expect(lastTaken).toBeLessThanOrEqual(split.syncsDoneAt!);
  });

  it('finds a similarity step run as a local activity (LOCAL_STEPS_PATCH) from its marker', () => {
    const recorded = loadHistories().find((h) => h.name === 'similarity-analysis-wait-local-steps');
    expect(recorded).toBeDefined();
    const markers = localActivityMarkers(recorded!.history.events ?? []);
    expect(markers.map((m) => [m.activityType, m.failed])).toEqual([
      ['getWalletStatuses', false],
      ['computeGroupSimilarity', false],
    ]);
    // (two clocks: the schedule is the workflow's time, the end the worker's; in this recording the
    // statuses' end reads 15 ms before its schedule)
    for (const m of markers) expect([typeof m.scheduledAtMs, typeof m.completedAtMs]).toEqual(['number', 'number']);
    const split = analysisSplit(recorded!.history.events ?? []);
    const [simFrom, simTo] = split.similarityAt!;
    expect(simFrom).toBeGreaterThanOrEqual(split.balancesAt![1]);
    expect(simTo).toBeGreaterThanOrEqual(simFrom);
    expect(split.completedAt!).toBeGreaterThanOrEqual(simTo);
  });

  it('says null for what a history does not have', () => {
    expect(analysisSplit([])).toEqual({ syncsStartedAt: null, syncStepsTakenAt: null, syncsDoneAt: null, balancesAt: null, similarityAt: null, completedAt: null });
  });
});
