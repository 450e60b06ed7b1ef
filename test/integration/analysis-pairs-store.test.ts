// The write path of analysis_pairs on the real PostgreSQL: a real analysis's pairs, spooled as the
// engine computes them, copied in with their ranks in the transaction that completes the analysis;
// a retry replaces them, a failure stores nothing.
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
import { unpackPair } from '../../src/store/pair-rows';
import { getAnalysis, insertAnalysis } from '../../src/store/analyses';
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

/** One streamed run into a fresh spool, as the similarity step makes it. */
function spooledRun(analysisId: string) {
  const spool = new PairSpool(analysisId);
  const seen: SimilarityPair[] = [];
  let ranks: Int32Array | null = null;
  const result = computeSimilarity(
    { wallets, database: worldStats(wallets) },
    {
      topPairs: TOP,
      pairSink: (pair, index) => {
        spool.add(pair, index);
        seen.push(pair);
      },
      onRanks: (r) => (ranks = r),
    },
  );
  return { spool, seen, ranks: ranks as unknown as Int32Array, result };
}

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
      const { spool, seen, ranks, result } = spooledRun(id);
      const progress: number[] = [];
      try {
        // unlinked at once: a killed worker leaves no file behind
        expect(fs.existsSync(spool.file)).toBe(false);
        const stored = await storeAnalysisPairs(pool, id, { spool, ranks }, { summary: { attempt }, result, coverage: [], failedWallets: [], engineVersion: result.engineVersion }, (n) => progress.push(n));
        expect(stored).toBe(pairCount);
        expect(fs.fstatSync(spool.descriptor).size).toBeGreaterThan(pairCount * 100);
      } finally {
        spool.remove();
      }
      expect(() => spool.descriptor).toThrow(/removed/);
      expect(progress.every((n, i) => n > 0 && n <= pairCount && (i === 0 || n > progress[i - 1]))).toBe(true);

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

  it('a copy that fails stores nothing: neither rows nor the completed analysis', async () => {
    const id = `pairs-store-${randomUUID()}`;
    await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
    const { spool, ranks, result } = spooledRun(id);
    try {
      // two pairs at one rank: the primary key refuses the COPY, and the transaction rolls back
      const broken = Int32Array.from(ranks);
      broken[1] = broken[0];
      await expect(storeAnalysisPairs(pool, id, { spool, ranks: broken }, { summary: {}, result, coverage: [], failedWallets: [], engineVersion: result.engineVersion })).rejects.toThrow(
        /duplicate key value violates unique constraint "analysis_pairs_pkey"/,
      );
      // the failed COPY left the spool's descriptor to the spool (it alone closes it, in remove())
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(() => fs.fstatSync(spool.descriptor)).not.toThrow();
      // fewer ranks than spooled pairs: refused before anything is sent
      await expect(storeAnalysisPairs(pool, id, { spool, ranks: ranks.subarray(1) }, { summary: {}, result, coverage: [], failedWallets: [], engineVersion: result.engineVersion })).rejects.toThrow(
        /spooled pairs for/,
      );
    } finally {
      spool.remove();
    }
    expect(await rowsOf(id)).toEqual([]);
    expect((await getAnalysis(pool, id))?.status).toBe('running');
    // the pool's clients are still usable after the failed COPY
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  // analysis_pairs keeps no foreign key (migrations/1795550000000): the writer and a trigger keep its two halves
  it('pairs of an analysis that does not exist are refused, and nothing is stored', async () => {
    const id = `pairs-store-${randomUUID()}`;
    const { spool, ranks, result } = spooledRun(id);
    try {
      await expect(storeAnalysisPairs(pool, id, { spool, ranks }, { summary: {}, result, coverage: [], failedWallets: [], engineVersion: result.engineVersion })).rejects.toThrow(
        `analysis pairs: no analysis ${id} to store them for`,
      );
    } finally {
      spool.remove();
    }
    expect(await rowsOf(id)).toEqual([]);
  });

  it('deleting an analysis deletes its pairs; a deletion during the store waits for it, then deletes them too', async () => {
    const stored = async (id: string) => {
      await insertAnalysis(pool, { id, workflowId: `analysis:${id}`, requestId: null, wallets: wallets.map((x) => x.address), params: {} });
      const { spool, ranks, result } = spooledRun(id);
      try {
        await storeAnalysisPairs(pool, id, { spool, ranks }, { summary: {}, result, coverage: [], failedWallets: [], engineVersion: result.engineVersion });
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
    let deletion: Promise<unknown> | null = null;
    try {
      await blocker.query('BEGIN');
      // hold the store back after its lock: its COPY waits on this table lock, taken first
      await blocker.query('LOCK TABLE analysis_pairs IN SHARE MODE');
      const storing = storeAnalysisPairs(pool, racing, { spool, ranks }, { summary: {}, result, coverage: [], failedWallets: [], engineVersion: result.engineVersion });
      // the store has its row lock once its COPY waits for the table (pg_locks shows it not granted)
      for (let i = 0; i < 200; i++) {
        const waiting = await pool.query(`SELECT 1 FROM pg_locks WHERE relation = 'analysis_pairs'::regclass AND NOT granted`);
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
    }
    expect((await pool.query('SELECT 1 FROM analyses WHERE id = $1', [racing])).rowCount).toBe(0);
    expect(await rowsOf(racing)).toEqual([]);
    expect(await rowsOf(kept)).toHaveLength(pairCount);
  });
});
