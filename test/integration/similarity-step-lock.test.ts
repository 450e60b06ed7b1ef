// One attempt at a time computes an analysis: computeGroupSimilarity takes a PostgreSQL session
// advisory lock for its analysis (on a client of its own) before it loads and computes. Two attempts
// of one analysis started together: one computes and stores, the other is refused at once with a
// retryable SimilarityStepBusy failure; once the first is done, the lock is free again. Run in
// Temporal's activity test environment on the real PostgreSQL (the computation on its own thread).
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createAnalysisActivities, SIMILARITY_STEP_BUSY, type AnalysisSummary, type SimilarityStepInput } from '../../src/activities/analysis';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { withTryAdvisoryLock } from '../../src/store/db';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 9157, wallets: 12, txPerWallet: 4, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address).sort();
const pairCount = (wallets.length * (wallets.length - 1)) / 2;

describe('computeGroupSimilarity: one attempt per analysis at a time', () => {
  const opened = useSimulatedStack({ world });

  const attempt = (analysisId: string, env = new MockActivityEnvironment()): Promise<AnalysisSummary> => {
    const { computeGroupSimilarity } = createAnalysisActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    const input: SimilarityStepInput = { analysisId, wallets, partialWallets: [], failedWallets: [], windowDays: null, nowSec: Math.floor(Date.now() / 1000) };
    return env.run(computeGroupSimilarity, input);
  };

  it('a second attempt started alongside the first is refused, retryable; after the first, the next one computes', async () => {
    const id = `similarity-lock-${randomUUID()}`;
    await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets, params: {} });

    const outcomes = await Promise.allSettled([attempt(id), attempt(id)]);
    const done = outcomes.filter((o): o is PromiseFulfilledResult<AnalysisSummary> => o.status === 'fulfilled');
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(done).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(done[0].value).toMatchObject({ analysisId: id, status: 'completed', walletCount: wallets.length, pairCount });
    const failure = refused[0].reason as ApplicationFailure;
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(SIMILARITY_STEP_BUSY);
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toContain(id);

    // the lock went with the first attempt: a retry computes (and replaces the stored pairs)
    await expect(attempt(id)).resolves.toMatchObject({ analysisId: id, pairCount });
    expect((await getAnalysis(opened.stack.pool, id))?.status).toBe('completed');
    const { rows } = await opened.stack.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM analysis_pairs WHERE analysis_id = $1', [id]);
    expect(rows[0].n).toBe(pairCount);
  });

  it('as a local activity it sends no heartbeat (a local activity has none; the SDK would warn of each), as a task-queue one it reports its steps', async () => {
    const heartbeats = async (isLocal: boolean): Promise<unknown[]> => {
      const id = `similarity-local-${isLocal}-${randomUUID()}`;
      await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets, params: {} });
      const env = new MockActivityEnvironment({ isLocal });
      const sent: unknown[] = [];
      env.on('heartbeat', (details: unknown) => sent.push(details));
      await expect(attempt(id, env)).resolves.toMatchObject({ analysisId: id, status: 'completed', pairCount });
      return sent;
    };
    expect(await heartbeats(true)).toEqual([]);
    expect((await heartbeats(false)).length).toBeGreaterThan(0);
  });

  it('withTryAdvisoryLock: held by one session, another is refused without running; released after, also when fn fails', async () => {
    const name = `test-lock-${randomUUID()}`;
    const { pool } = opened.stack;
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = withTryAdvisoryLock(pool, name, async () => {
      let ran = false;
      const second = await withTryAdvisoryLock(pool, name, async () => (ran = true));
      await held;
      return { second, ran };
    });
    release();
    await expect(first).resolves.toEqual({ locked: true, value: { second: { locked: false }, ran: false } });

    await expect(withTryAdvisoryLock(pool, name, async () => Promise.reject(new Error('fn failed')))).rejects.toThrow('fn failed');
    await expect(withTryAdvisoryLock(pool, name, async () => 'free')).resolves.toEqual({ locked: true, value: 'free' });
  });

  it('an attempt cancelled as it starts computing ends cancelled, stores nothing, and leaves the lock free', async () => {
    const id = `similarity-cancel-${randomUUID()}`;
    await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets, params: {} });
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (details: { step?: string }) => {
      if (details?.step === 'computing pairs') env.cancel();
    });
    await expect(attempt(id, env)).rejects.toBeInstanceOf(CancelledFailure);
    expect((await getAnalysis(opened.stack.pool, id))?.status).not.toBe('completed');
    await expect(attempt(id)).resolves.toMatchObject({ analysisId: id, pairCount });
  });
});
