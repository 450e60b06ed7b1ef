// The API's rows of new analyses on real PostgreSQL: a row alone goes in its own statement at once;
// rows that arrive while the statements are out go together in the next one; a duplicate
// Idempotency-Key is reported per row; a failed statement fails each of its rows' requests and
// frees its slot.
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { AnalysisRows } from '../../src/api/analysis-rows';
import { deleteUnstartedAnalysis, getAnalysis, insertAnalysis, markAnalysesStarted, type NewAnalysisRow } from '../../src/store/analyses';
import { createPool } from '../../src/store/db';
import { isConnectionError } from '../../src/store/errors';
import { UNSWEPT_NAMESPACE, testEnv } from '../harness/env';

const WALLETS = ['So11111111111111111111111111111111111111112', 'Other11111111111111111111111111111111111111'];

const newRow = (idempotencyKey: string | null = null, ownerKeyId: string | null = null): NewAnalysisRow => {
  const id = randomUUID();
  return { id, workflowId: `analysis:${id}`, requestId: `req-${id}`, idempotencyKey, ownerKeyId, wallets: WALLETS, params: { windowDays: 30 }, startPending: true, fairnessKey: 'ip:127.0.0.1', namespace: UNSWEPT_NAMESPACE };
};

/** The pool, with the number of statements sent through it and the most in flight at once. */
function counted(pool: Pool) {
  const seen = { statements: 0, inFlight: 0, maxInFlight: 0 };
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const spy = jest.spyOn(pool, 'query').mockImplementation(((...args: unknown[]) => {
    seen.statements++;
    seen.inFlight++;
    seen.maxInFlight = Math.max(seen.maxInFlight, seen.inFlight);
    return query(...args).finally(() => seen.inFlight--);
  }) as never);
  return { seen, restore: () => spy.mockRestore() };
}

describe('AnalysisRows: the rows of POST /v1/analyses', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testEnv().databaseUrl, 4);
  });
  afterAll(async () => {
    await pool.end();
  });

  it('a row alone goes at once in its own statement; a burst goes in a few statements, never more out than allowed, every row stored', async () => {
    const { seen, restore } = counted(pool);
    try {
      const rows = new AnalysisRows(pool, 2);
      const alone = newRow();
      await expect(rows.insert(alone)).resolves.toBe(true);
      expect(seen.statements).toBe(1);
      expect((await getAnalysis(pool, alone.id))?.startPending).toBe(true);

      seen.statements = 0;
      const burst = Array.from({ length: 60 }, () => newRow());
      // the requests of a burst arrive over several turns of the event loop, as over a socket
      const answers = await Promise.all(burst.map((row, i) => new Promise((resolve) => setTimeout(resolve, i % 6)).then(() => rows.insert(row))));
      expect(answers).toEqual(burst.map(() => true));
      expect(seen.maxInFlight).toBeLessThanOrEqual(2);
      expect(seen.statements).toBeLessThan(burst.length / 2);
      const { rows: stored } = await pool.query('SELECT count(*)::int AS n FROM analyses WHERE id = ANY($1)', [burst.map((r) => r.id)]);
      expect(stored[0].n).toBe(burst.length);
    } finally {
      restore();
    }
  });

  it("a row whose owner already used its Idempotency-Key is not stored (the first of a burst's is), another owner's is", async () => {
    const rows = new AnalysisRows(pool, 1);
    const key = `rows-key-${randomUUID()}`;
    const [first, second, otherOwner] = [newRow(key, 'owner-a'), newRow(key, 'owner-a'), newRow(key, 'owner-b')];
    expect(await Promise.all([rows.insert(first), rows.insert(second), rows.insert(otherOwner)])).toEqual([true, false, true]);
    expect(await getAnalysis(pool, second.id)).toBeNull();
    expect(await rows.insert(newRow(key, 'owner-a'))).toBe(false);
  });

  it.each([
    ['a database that is away', new Error('Connection terminated unexpectedly')],
    ['a read-only database', Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' })],
  ])('%s fails every row of the statement with its error, in that one statement, and frees its slot for the next', async (_what, away) => {
    const rows = new AnalysisRows(pool, 1);
    const spy = jest.spyOn(pool, 'query').mockImplementation((() => Promise.reject(away)) as never);
    try {
      const answers = await Promise.allSettled([rows.insert(newRow()), rows.insert(newRow())]);
      expect(answers).toEqual([
        { status: 'rejected', reason: away },
        { status: 'rejected', reason: away },
      ]);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
    await expect(rows.insert(newRow())).resolves.toBe(true);
    expect(() => new AnalysisRows(pool, 0)).toThrow(/maxInFlight must be a whole number ≥ 1/);
  });

  it("a failure that is no Error of this realm (Node's own socket errors under jest's vm) still rejects, with its code and as the cause: still a database that is away", async () => {
    const rows = new AnalysisRows(pool, 1);
    const foreign = { message: 'connect ECONNREFUSED 127.0.0.1:5432', code: 'ECONNREFUSED' };
    const spy = jest.spyOn(pool, 'query').mockImplementation((() => Promise.reject(foreign)) as never);
    let reason: unknown;
    try {
      reason = await rows.insert(newRow()).then(() => null, (err: unknown) => err);
    } finally {
      spy.mockRestore();
    }
    expect(reason).toBeInstanceOf(Error);
    expect(reason).toMatchObject({ message: foreign.message, code: 'ECONNREFUSED', cause: foreign });
    expect(isConnectionError(reason)).toBe(true);
  });

  it("a row PostgreSQL refuses fails only its own request: the statement's other rows are stored on their own", async () => {
    const rows = new AnalysisRows(pool, 1);
    // jsonb takes no \u0000 in a string: this row's statement fails in PostgreSQL
    const bad = { ...newRow(), params: { windowDays: 30, note: 'nul \u0000 here' } };
    const good = [newRow(), newRow()];
    const { seen, restore } = counted(pool);
    let answers: PromiseSettledResult<boolean>[];
    try {
      answers = await Promise.allSettled([rows.insert(good[0]), rows.insert(bad), rows.insert(good[1])]);
    } finally {
      restore();
    }
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[1] as PromiseRejectedResult).reason).toMatchObject({ code: '22P05' });
    // the batch's statement, then its rows one by one in its slot: never two out at once
    expect(seen.statements).toBe(4);
    expect(seen.maxInFlight).toBe(1);
    for (const row of good) expect((await getAnalysis(pool, row.id))?.startPending).toBe(true);
    expect(await getAnalysis(pool, bad.id)).toBeNull();
  });

  it('a request whose start failed removes its row only while no start is recorded: not once a replay with its Idempotency-Key started it and answered with its id', async () => {
    const failed = newRow('k-failed');
    const replayed = newRow('k-replayed');
    for (const row of [failed, replayed]) await insertAnalysis(pool, row);
    await markAnalysesStarted(pool, [replayed.id], UNSWEPT_NAMESPACE); // the replay's start, recorded at once
    for (const row of [failed, replayed]) await deleteUnstartedAnalysis(pool, row.id);
    expect(await getAnalysis(pool, failed.id)).toBeNull();
    expect(await getAnalysis(pool, replayed.id)).toMatchObject({ status: 'running', startPending: false });
    await pool.query(`UPDATE analyses SET status = 'cancelled' WHERE id = $1`, [replayed.id]);
  });
});
