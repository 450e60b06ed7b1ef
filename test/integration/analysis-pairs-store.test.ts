// The write path of analysis_pairs on the real PostgreSQL: a real analysis's pairs, spooled as whole
// COPY rows in rank order as the engine hands them over, copied in as they are written (the reader
// tails the spool) on the transaction that completes the analysis; a retry replaces them, a failure
// stores nothing.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { Pool } from 'pg';
import { walletEngineInput, worldStats } from '../../bench/lib/detection-pipeline';
import { computeSimilarity } from '../../src/domain/similarity/compute';
import type { SimilarityPair, SimilarityWalletInput } from '../../src/domain/similarity/types';
import { generateWorld } from '../../src/simulator/generator';
import { SimWorld } from '../../src/simulator/model';
import { parseWorld } from '../../src/simulator/world';
import { PairSpool, copyText, rankedPairs, storeAnalysisPairs } from '../../src/store/analysis-pairs';
import { unpackPair, walletRanksOf } from '../../src/store/pair-rows';
import { endAnalysis, getAnalysis, insertAnalysis } from '../../src/store/analyses';
import { createPool } from '../../src/store/db';
import { testEnv } from '../harness/env';

const w = parseWorld(generateWorld({ seed: 1414, wallets: 24, txPerWallet: 30, scenario: 'hard', largeWallet: false }));
const sim = new SimWorld(w);
const world: SimilarityWalletInput[] = w.wallets.map((_, i) => walletEngineInput(sim, i).input);
// addresses with every character COPY's text format escapes, and a quote JSON escapes with a backslash
const odd: SimilarityWalletInput[] = [
  { ...world[0], address: 'tab\there back\\slash "quoted" new\nline cr\rend é' },
  { address: '\\N', legs: [], holdings: {} },
];
const wallets = [...world, ...odd];
const pairCount = (wallets.length * (wallets.length - 1)) / 2;
const TOP = 50;

/** One streamed run into a fresh spool, as the similarity step makes it (rank order), closed. */
function spooledRun(analysisId: string) {
  const spool = new PairSpool(analysisId);
  const seen: SimilarityPair[] = [];
  const sunk: Array<{ pair: SimilarityPair; index: number; rank: number }> = [];
  let ranks: Int32Array | null = null;
  const result = computeSimilarity(
    { wallets, database: worldStats(wallets) },
    {
      topPairs: TOP,
      pairSink: (pair, index, rank) => {
        spool.add(pair, index, rank);
        seen[index] = pair;
        sunk.push({ pair, index, rank });
      },
      onRanks: (r) => (ranks = r),
    },
  );
  spool.close();
  return { spool, seen, sunk, ranks: ranks as unknown as Int32Array, result };
}

const completion = (ranks: Int32Array, summary: unknown, result: unknown, count = pairCount) => async () => ({
  pairCount: count,
  walletRanks: walletRanksOf(
    wallets.map((x) => x.address),
    ranks,
  ),
  completed: { summary, result, coverage: [], failedWallets: [], engineVersion: 'test' },
});

interface Row {
  rank: number;
  pair_index: number;
  wallet_a: string;
  wallet_b: string;
  combined: number | null;
  /** as stored: packed (pair-rows.ts) */
  pair: unknown;
}

describe('analysis_pairs write path', () => {
  let pool: Pool;
  beforeAll(() => {
    pool = createPool(testEnv().databaseUrl);
  });
  afterAll(async () => {
    await pool.end();
  });

  const rowsOf = async (id: string): Promise<Row[]> =>
    (await pool.query<Row>('SELECT rank, pair_index, wallet_a, wallet_b, combined, pair FROM analysis_pairs WHERE analysis_id = $1 ORDER BY rank', [id])).rows;

  it('copyText escapes what COPY text format reads specially', () => {
    expect(copyText('a\tb\\c\nd\re')).toBe('a\\tb\\\\c\\nd\\re');
    expect(copyText(null)).toBe('\\N');
    expect(copyText('\\N')).toBe('\\\\N');
    expect(copyText('plain')).toBe('plain');
  });

  it('stores every pair of a real analysis with its rank, completes the row in the same transaction; a retry leaves exactly pairCount rows', async () => {
    const id = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    for (let attempt = 1; attempt <= 2; attempt++) {
      const { spool, seen, sunk, ranks, result } = spooledRun(id);
      try {
        // unlinked at once: a killed worker leaves no file behind
        expect(fs.existsSync(spool.file)).toBe(false);
        const stored = await storeAnalysisPairs(pool, id, spool.rows(), completion(ranks, { attempt }, result));
        expect(stored).toBe(pairCount);
        expect(fs.fstatSync(spool.descriptor).size).toBeGreaterThan(pairCount * 100);
      } finally {
        spool.remove();
      }
      expect(() => spool.descriptor).toThrow(/removed/);
      // the sink had the pairs in rank order, each at the rank onRanks gives its index
      expect(sunk.map((x) => x.rank)).toEqual(Array.from({ length: pairCount }, (_, r) => r));
      expect(sunk.every((x) => ranks[x.index] === x.rank)).toBe(true);
      // each wallet's ranks, ascending, as analysis_wallet_ranks stores them
      const walletRanks = (await pool.query<{ wallet: string; ranks: number[] }>('SELECT wallet, ranks FROM analysis_wallet_ranks WHERE analysis_id = $1', [id])).rows;
      expect(walletRanks).toHaveLength(wallets.length);
      for (const { wallet, ranks: mine } of walletRanks) {
        expect(mine).toEqual(sunk.filter((x) => x.pair.walletA === wallet || x.pair.walletB === wallet).map((x) => x.rank));
      }

      const rows = await rowsOf(id);
      expect(rows).toHaveLength(pairCount);
      expect(rows.map((r) => r.rank)).toEqual(Array.from({ length: pairCount }, (_, r) => r));
      expect(new Set(rows.map((r) => r.pair_index)).size).toBe(pairCount);
      // non-increasing combined, nulls last, ties by pair index
      for (let r = 1; r < rows.length; r++) {
        const [x, y] = [rows[r - 1], rows[r]];
        const ordered = y.combined === null ? x.combined !== null || x.pair_index < y.pair_index : x.combined !== null && (x.combined > y.combined || (x.combined === y.combined && x.pair_index < y.pair_index));
        expect({ rank: r, ordered }).toEqual({ rank: r, ordered: true });
      }
      expect(rows.some((r) => r.combined === null)).toBe(true);
      // each row is the engine's pair, exactly, at the engine's rank; the odd addresses came through intact
      for (const row of rows) {
        const pair = seen[row.pair_index];
        expect(row.rank).toBe(ranks[row.pair_index]);
        expect([row.wallet_a, row.wallet_b, row.combined]).toEqual([pair.walletA, pair.walletB, pair.scores.combined]);
      }
      // stored packed (values without keys or wallets: pair-rows.ts), read back as the engine's pair
      expect(rows.every((r) => Array.isArray(r.pair))).toBe(true);
      expect(rows.map((r) => unpackPair(r.pair, r.wallet_a, r.wallet_b))).toStrictEqual(rows.map((r) => JSON.parse(JSON.stringify(seen[r.pair_index]))));
      // and so through the read path of the API's pages, whole and one wallet's
      const page = await rankedPairs(pool, { analysisId: id, afterRank: -1, endRank: pairCount, limit: pairCount });
      expect(page.map((p) => JSON.stringify(p.pair))).toEqual(rows.map((r) => JSON.stringify(seen[r.pair_index])));
      const one = world[1].address;
      const mine = await rankedPairs(pool, { analysisId: id, afterRank: -1, endRank: pairCount, limit: pairCount, wallet: one });
      expect(mine.map((p) => JSON.stringify(p.pair))).toEqual(rows.filter((r) => r.wallet_a === one || r.wallet_b === one).map((r) => JSON.stringify(seen[r.pair_index])));
      expect(mine).toHaveLength(wallets.length - 1);
      expect(rows.filter((r) => r.wallet_a === odd[0].address || r.wallet_b === odd[0].address)).toHaveLength(wallets.length - 1);
      expect(rows.filter((r) => r.wallet_b === '\\N')).toHaveLength(wallets.length - 1);
      // the result's pairs are the first TOP rows
      expect(result.pairs.map((p) => [p.walletA, p.walletB])).toEqual(rows.slice(0, TOP).map((r) => [r.wallet_a, r.wallet_b]));

      const analysis = await getAnalysis(pool, id);
      expect(analysis?.status).toBe('completed');
      expect(analysis?.summary).toEqual({ attempt });
      expect((analysis?.result as { pairs: unknown[]; pairCount: number; pairsComplete: boolean }).pairs).toHaveLength(TOP);
      expect(analysis?.result).toMatchObject({ pairCount, pairsComplete: false });
    }
  });

  it('rows written after the store began are copied as they come; it ends when the spool is sealed', async () => {
    const id = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    const { spool: computed, sunk, ranks, result } = spooledRun(id);
    computed.remove();
    // the same rows, written in three parts while the store reads them
    const written: number[] = [];
    const spool = new PairSpool(id, undefined, (rows) => written.push(rows));
    try {
      const rows = spool.rows();
      let settled = false;
      const storing = storeAnalysisPairs(pool, id, rows, completion(ranks, { streamed: true }, result)).finally(() => (settled = true));
      const third = Math.floor(sunk.length / 3);
      for (const [from, to] of [
        [0, third],
        [third, 2 * third],
      ]) {
        for (const x of sunk.slice(from, to)) spool.add(x.pair, x.index, x.rank);
        spool.flush();
        // the store reads what was written, and waits for more
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect({ settled, ended: rows.readableEnded }).toEqual({ settled: false, ended: false });
      }
      for (const x of sunk.slice(2 * third)) spool.add(x.pair, x.index, x.rank);
      spool.close();
      expect(await storing).toBe(pairCount);
    } finally {
      spool.remove();
    }
    expect(written[written.length - 1]).toBe(pairCount);
    expect(written.length).toBeGreaterThanOrEqual(3);
    expect((await rowsOf(id)).map((r) => r.pair_index)).toEqual(sunk.map((x) => x.index));
    expect((await getAnalysis(pool, id))?.summary).toEqual({ streamed: true });
  });

  it('a store that fails stores nothing: neither rows nor the completed analysis', async () => {
    const id = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    const runs: PairSpool[] = [];
    const run = () => {
      const r = spooledRun(id);
      runs.push(r.spool);
      return r;
    };
    try {
      // the computation failed: its reader is destroyed with the failure, and the transaction rolls back
      const failed = run();
      const rows = failed.spool.rows();
      rows.destroy(new Error('the similarity process ran out of memory'));
      await expect(storeAnalysisPairs(pool, id, rows, completion(failed.ranks, {}, failed.result))).rejects.toThrow(/ran out of memory/);
      // a spool's rows are read once
      expect(() => failed.spool.rows()).toThrow('PairSpool: its rows are read once');
      // fewer rows than the analysis has pairs
      const short = run();
      await expect(storeAnalysisPairs(pool, id, short.spool.rows(), completion(short.ranks, {}, short.result, pairCount + 1))).rejects.toThrow(`COPY stored ${pairCount} rows of ${pairCount + 1}`);
      // what completes it failed after every row was copied
      const unfinished = run();
      await expect(
        storeAnalysisPairs(pool, id, unfinished.spool.rows(), async () => {
          throw new Error('no result');
        }),
      ).rejects.toThrow('no result');
      // the failed stores left each spool's descriptor to the spool (it alone closes it, in remove())
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const spool of runs) expect(() => fs.fstatSync(spool.descriptor)).not.toThrow();
    } finally {
      for (const spool of runs) spool.remove();
    }
    expect(await rowsOf(id)).toEqual([]);
    expect((await getAnalysis(pool, id))?.status).toBe('running');
    // the pool's clients are still usable after the failed COPY, and none is left checked out
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  // analysis_pairs keeps no foreign key (migrations/1795550000000): the writer and a trigger keep its two halves
  it('pairs of an analysis that does not exist are refused, and nothing is stored', async () => {
    const id = `pairs-store-${randomUUID()}`;
    const { spool, ranks, result } = spooledRun(id);
    try {
      await expect(storeAnalysisPairs(pool, id, spool.rows(), completion(ranks, {}, result))).rejects.toThrow(
        `analysis pairs: no analysis ${id} to store them for`,
      );
    } finally {
      spool.remove();
    }
    expect(await rowsOf(id)).toEqual([]);
  });

  it('an analysis its workflow ended (cancelled, failed) before or while its pairs were copied keeps its status, and nothing is stored', async () => {
    const before = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id: before, workflowId: `analysis:${before}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    await endAnalysis(pool, before, 'cancelled', 'cancelled by the user', []);
    const early = spooledRun(before);
    try {
      await expect(storeAnalysisPairs(pool, before, early.spool.rows(), completion(early.ranks, {}, early.result))).rejects.toThrow(`analysis ${before} is cancelled, not running`);
    } finally {
      early.spool.remove();
    }
    expect(await rowsOf(before)).toEqual([]);
    expect(await getAnalysis(pool, before)).toMatchObject({ status: 'cancelled', error: 'cancelled by the user', result: null });

    // the workflow records the cancellation (another session) once every row is copied, before the row is completed
    const during = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id: during, workflowId: `analysis:${during}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    const late = spooledRun(during);
    try {
      await expect(
        storeAnalysisPairs(pool, during, late.spool.rows(), async () => {
          await endAnalysis(pool, during, 'failed', 'the similarity step timed out', []);
          return completion(late.ranks, { pairCount }, late.result)();
        }),
      ).rejects.toThrow(`analysis ${during} ended while its result was stored`);
    } finally {
      late.spool.remove();
    }
    expect(await rowsOf(during)).toEqual([]);
    expect(await getAnalysis(pool, during)).toMatchObject({ status: 'failed', error: 'the similarity step timed out', result: null });
  });

  it('deleting an analysis deletes its pairs; a deletion during the store waits for it, then deletes them too', async () => {
    const stored = async (id: string) => {
      await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
      const { spool, ranks, result } = spooledRun(id);
      try {
        await storeAnalysisPairs(pool, id, spool.rows(), completion(ranks, {}, result));
      } finally {
        spool.remove();
      }
    };
    const kept = `pairs-store-${randomUUID()}`;
    const deleted = `pairs-store-${randomUUID()}`;
    await stored(kept);
    await stored(deleted);
    await pool.query('DELETE FROM analyses WHERE id = $1', [deleted]);
    expect(await rowsOf(deleted)).toEqual([]);
    expect(await rowsOf(kept)).toHaveLength(pairCount);

    // the store's transaction holds the row's key-share lock from before its COPY: a DELETE begun
    // meanwhile waits for it to commit, and then its trigger sees (and deletes) the committed pairs
    const racing = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id: racing, workflowId: `analysis:${racing}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    const { spool, ranks, result } = spooledRun(racing);
    const blocker = await pool.connect();
    // the store's own connections, told apart by name: other test files' analyses store pairs in
    // this database too, and their COPYs wait on the table lock as well
    const storeName = `pairs-store-race-${randomUUID().slice(0, 8)}`;
    const storePool = createPool(testEnv().databaseUrl, 2, { applicationName: storeName });
    let deletion: Promise<unknown> | null = null;
    try {
      await blocker.query('BEGIN');
      // hold the store back after its lock: its COPY waits on this table lock, taken first
      await blocker.query('LOCK TABLE analysis_pairs IN SHARE MODE');
      const storing = storeAnalysisPairs(storePool, racing, spool.rows(), completion(ranks, {}, result));
      // the store has its row lock once its COPY waits for the table (pg_locks shows it not granted)
      for (let i = 0; i < 200; i++) {
        const waiting = await pool.query(
          `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.relation = 'analysis_pairs'::regclass AND NOT l.granted AND a.application_name = $1`,
          [storeName],
        );
        if (waiting.rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      deletion = pool.query('DELETE FROM analyses WHERE id = $1', [racing]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // the deletion is still waiting for the store's row lock
      expect((await pool.query('SELECT 1 FROM analyses WHERE id = $1', [racing])).rowCount).toBe(1);
      await blocker.query('COMMIT');
      await storing;
      await deletion;
    } finally {
      spool.remove();
      blocker.release();
      await storePool.end();
    }
    expect((await pool.query('SELECT 1 FROM analyses WHERE id = $1', [racing])).rowCount).toBe(0);
    expect(await rowsOf(racing)).toEqual([]);
    expect(await rowsOf(kept)).toHaveLength(pairCount);
  });
});
