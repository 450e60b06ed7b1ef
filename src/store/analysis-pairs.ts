// analysis_pairs: every pair of a completed analysis, one row each, keyed by its rank (combined
// descending, no score last, ties by pair index; migrations/1795460000000_analysis-pairs.sql), read
// for one wallet through analysis_wallet_ranks (analysis-wallet-ranks.ts). The only module with SQL
// that writes to analysis_pairs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SimilarityPair } from '../domain/similarity/types';
import { completeAnalysis, type AnalysisStatus, type CompletedAnalysis } from './analyses';
import { replaceWalletRanks } from './analysis-wallet-ranks';
import { inTransaction, inTransactionWithin } from './db';
import { copyText, PairRowWriter, unpackPair, type PairRowsFlushed } from './pair-rows';

export { copyText };

// ---------------------------------------------------------------------------------------------
// Write path (the similarity step, src/activities/analysis.ts). A group of 1,000 wallets has 499,500
// pairs, too many to hold at once: the engine hands each pair over in rank order once every pair is
// scored (computeSimilarity's second pass), and a PairSpool writes it to a temporary file as a whole
// COPY row; storeAnalysisPairs copies the file's rows into the table as they are written, on the
// transaction that then completes the analysis. The engine building pairs and PostgreSQL taking them
// run at once (on a large group, in two processes), and the rows reach the primary key (analysis_id,
// rank) in its order: each goes to the index's last page (measured with psql, 499,500 rows: 1.6 to
// 1.9 s in rank order against 2.4 to 2.7 s in pair index order).
// ---------------------------------------------------------------------------------------------

/** Bytes read from the spool at a time on the way to COPY. */
const COPY_CHUNK_BYTES = 1 << 20;

/**
 * The pairs of one run in a temporary file, one COPY row each in rank order (PairRowWriter), written
 * by this thread (add) or by the similarity process (to `descriptor`, its progress reported with
 * adoptFlushed), and read back while it grows (rows()). The file is unlinked as soon as it is opened
 * and used through its descriptor only, so a worker killed mid-run (or an attempt abandoned after a
 * timeout) leaves nothing behind: 1,000 wallets spool about 170 MB. Call remove when done (it closes
 * the descriptor, which frees the space).
 */
export class PairSpool {
  readonly file: string;
  private fd: number | null;
  private writer: PairRowWriter | null = null;
  /** bytes of whole rows in the file, and how many rows they are */
  private flushed: PairRowsFlushed = { bytes: 0, rows: 0 };
  /** no row comes after these: set by close() or sealAdopted() */
  private sealed = false;
  private closed = false;
  /** the reader waiting for more rows (rows()) */
  private waiting: (() => void) | null = null;
  /** whether a reader was made (rows(): one per spool) */
  private read = false;

  constructor(
    /** the analysis whose rows it holds (their analysis_id) */
    readonly analysisId: string,
    dir = os.tmpdir(),
    /** hears how many rows the file holds after each write to it (this thread's or the process's) */
    private readonly onRows: (rows: number) => void = () => undefined,
  ) {
    const safe = analysisId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
    this.file = path.join(dir, `analysis-pairs-${safe}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.copy`);
    this.fd = fs.openSync(this.file, 'wx+', 0o600);
    fs.rmSync(this.file, { force: true });
  }

  /** The open file, for the similarity process to write its rows to (adoptFlushed), or for reading it back. */
  get descriptor(): number {
    if (this.fd === null) throw new Error('PairSpool: removed');
    return this.fd;
  }

  /** How many whole rows the file holds. */
  get count(): number {
    return this.flushed.rows;
  }

  /** Appends the pair of `rank` (pair index `index`); pairs come in rank order (0, 1, 2, …), as the engine's sink gives them. */
  add(pair: SimilarityPair, index: number, rank: number): void {
    if (this.fd === null || this.closed) throw new Error('PairSpool: add after close');
    this.writer ??= new PairRowWriter(this.fd, this.analysisId, (flushed) => this.advance(flushed));
    this.writer.add(pair, index, rank);
  }

  /**
   * The similarity process wrote whole rows up to `flushed` to `descriptor` with its own PairRowWriter
   * (src/activities/similarity-process.ts): only on a spool nothing was added to.
   */
  adoptFlushed(flushed: PairRowsFlushed): void {
    if (this.fd === null || this.closed) throw new Error('PairSpool: adoptFlushed after close');
    if (this.writer !== null) throw new Error('PairSpool: adoptFlushed on a spool that this thread writes');
    this.advance(flushed);
  }

  /** The process wrote its last row (`rows` in all): no row comes after. */
  sealAdopted(rows: number): void {
    if (this.writer !== null) throw new Error('PairSpool: sealAdopted on a spool that this thread writes');
    if (rows !== this.flushed.rows) throw new Error(`PairSpool: the similarity process reported ${this.flushed.rows} rows written, then ${rows} in all`);
    this.seal();
  }

  /** Writes what is buffered: the rows added so far become readable (rows()). */
  flush(): void {
    if (this.fd !== null && this.writer !== null) this.writer.flush();
  }

  /** Writes what is buffered; no pair may be added after it, and the reader reaches the end. */
  close(): void {
    this.flush();
    this.seal();
  }

  /** Closes the file, which frees its space; safe to call twice, and after a failure. */
  remove(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.writer = null;
    this.closed = true;
    this.wake();
  }

  /**
   * The file's rows as they are written, to the end once the spool is sealed: its reader waits for
   * more while the pairs are computed. Destroy it (with the computation's failure) to end it early.
   */
  rows(): Readable {
    // one reader: it alone waits for the rows to come (a second would take its place and strand it)
    if (this.read) throw new Error('PairSpool: its rows are read once');
    this.read = true;
    let position = 0;
    let reading = false;
    const pump = (): void => {
      if (reading || stream.destroyed) return;
      if (this.waiting === pump) this.waiting = null;
      const available = this.flushed.bytes - position;
      if (available > 0 && this.fd !== null) {
        reading = true;
        // a buffer of its own for each read: COPY may still hold the last one (no copy of it made)
        const chunk = Buffer.allocUnsafeSlow(Math.min(available, COPY_CHUNK_BYTES));
        fs.read(this.fd, chunk, 0, chunk.length, position, (error, bytes) => {
          reading = false;
          if (error) return void stream.destroy(error);
          // the file holds less than was reported written: never wait on it again
          if (bytes === 0) return void stream.destroy(new Error(`PairSpool: the file ends at ${position} bytes, before the ${this.flushed.bytes} written`));
          position += bytes;
          if (stream.push(bytes === chunk.length ? chunk : chunk.subarray(0, bytes))) pump();
        });
      } else if (this.fd === null) stream.destroy(new Error('PairSpool: removed while its rows were read'));
      else if (this.sealed) stream.push(null);
      else this.waiting = pump;
    };
    const stream = new Readable({
      highWaterMark: COPY_CHUNK_BYTES,
      read: pump,
      destroy: (error, callback) => {
        if (this.waiting === pump) this.waiting = null;
        callback(error);
      },
    });
    // destroyed with the computation's failure, maybe before the store reads it: the store's pipeline
    // sees that failure (a stream that already failed fails it at once); none is left unhandled
    stream.on('error', () => undefined);
    return stream;
  }

  private advance(flushed: PairRowsFlushed): void {
    if (flushed.bytes < this.flushed.bytes || flushed.rows < this.flushed.rows) throw new Error('PairSpool: the rows written went back');
    this.flushed = flushed;
    this.onRows(flushed.rows);
    this.wake();
  }

  private seal(): void {
    this.sealed = true;
    this.closed = true;
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}

/** What completes an analysis once every pair is spooled (storeAnalysisPairs). */
export interface PairsCompletion {
  /** the pairs the analysis has: the rows copied must be as many */
  pairCount: number;
  /** each wallet's pairs' ranks, ascending (analysis_wallet_ranks: walletRanksOf) */
  walletRanks: ReadonlyMap<string, ArrayLike<number>>;
  completed: CompletedAnalysis;
}

/**
 * The analysis has no row to store its pairs in: its start was answered 503 (the row removed) and
 * Temporal took the start later all the same. No later attempt will find one (the API inserts a row
 * before its start, the workflows of older code in their first step).
 */
export class AnalysisRowMissingError extends Error {
  override name = 'AnalysisRowMissingError';
}

/**
 * The analysis says neither `running` nor `completed`: its workflow recorded it cancelled or failed (a cancel, or
 * the step's schedule-to-close timeout, while this attempt still ran), or the API repaired it so.
 * Nothing is stored; no later attempt would store anything either.
 */
export class AnalysisEndedError extends Error {
  override name = 'AnalysisEndedError';
}

/**
 * Completes an analysis with its pairs, in one transaction: its earlier rows in analysis_pairs (a
 * retried attempt's) deleted, `rows` (a PairSpool's rows(), whole COPY rows in rank order) copied in
 * as they come, then, once they have all come, `finish()` (awaited on the same transaction) gives
 * what completes the analysis: each wallet's ranks are stored and the analyses row completed
 * (completeAnalysis). Either all of it is stored or nothing: destroy `rows` with an error to give up
 * (the transaction is rolled back). Returns the rows copied.
 */
export async function storeAnalysisPairs(pool: Pool, analysisId: string, rows: Readable, finish: () => Promise<PairsCompletion>): Promise<number> {
  try {
    return await inTransaction(pool, async (client) => {
      // analysis_pairs has no foreign key (its per-row check was a third of the COPY): the analysis's
      // row is locked as a key check would lock it, so it cannot be deleted before this transaction
      // ends, and its deletion after that removes these rows (trigger analyses_delete_pairs, migrations/)
      const analysis = await client.query<{ status: string }>('SELECT status FROM analyses WHERE id = $1 FOR KEY SHARE', [analysisId]);
      if (analysis.rowCount === 0) throw new AnalysisRowMissingError(`analysis pairs: no analysis ${analysisId} to store them for`);
      // completed: an earlier attempt of the step committed and its completion was lost (its worker
      // died): this one stores the same again, as below; cancelled or failed: the workflow ended it
      if (analysis.rows[0].status !== 'running' && analysis.rows[0].status !== 'completed') throw new AnalysisEndedError(`analysis pairs: analysis ${analysisId} is ${analysis.rows[0].status}, not running: its result is not stored`);
      // a retried activity finds the rows of its earlier attempt only if that one committed: replace them
      await client.query('DELETE FROM analysis_pairs WHERE analysis_id = $1', [analysisId]);
      const copy = client.query(copyFrom('COPY analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair) FROM STDIN'));
      await pipeline(rows, copy);
      const done = await finish();
      if (copy.rowCount !== done.pairCount) throw new Error(`analysis pairs: COPY stored ${copy.rowCount} rows of ${done.pairCount}`);
      await replaceWalletRanks(client, analysisId, done.walletRanks);
      // its workflow may have ended it while the rows were copied (the row is not locked against that)
      if (!(await completeAnalysis(client, analysisId, done.completed))) throw new AnalysisEndedError(`analysis pairs: analysis ${analysisId} ended while its result was stored: not stored`);
      return copy.rowCount;
    });
  } finally {
    // a failure before the COPY began leaves the reader unread: end it
    if (!rows.destroyed && !rows.readableEnded) rows.destroy();
  }
}

// ---- Reading: the pages of GET /v1/analyses/{id}/pairs ----------------------------------------
//
// Every read is driven by an index, so a page costs the same at rank 0 and at rank 499,000 of a
// 1,000-wallet analysis: the primary key (analysis_id, rank) for the ranking and for `minScore`
// (rank order is `combined` order, so a minimum score is a prefix of ranks, found by binary
// search), and (analysis_id, wallet_a|wallet_b, rank) for one wallet's pairs.

/** What a pairs page needs of its analysis, without reading its (large) result. */
export interface PairsSource {
  ownerKeyId: string | null;
  status: AnalysisStatus;
  /** the group, sorted */
  wallets: string[];
  /** rows stored for it: ranks 0 to pairCount - 1 */
  pairCount: number;
  /** wallets of the group left out of the computation, with why (they have no pairs) */
  failedWallets: Array<{ wallet: string; reason: string }>;
}

/** A stored pair and its place in the ranking. */
export interface RankedPair {
  rank: number;
  /** the pair as the engine wrote it (engine 1.x pairs lack the fields of detection v2) */
  pair: Record<string, unknown>;
}

/** The analysis a pairs page reads, with its pair count; null: no such analysis. */
export async function getPairsSource(pool: Pool, analysisId: string): Promise<PairsSource | null> {
  // max(rank) is one step down the primary key from its end (ranks are 0..n-1 without gaps)
  const { rows } = await pool.query<{ owner_key_id: string | null; status: AnalysisStatus; wallets: string[]; pair_count: number; failed_wallets: Array<{ wallet: string; reason: string }> | null }>(
    `SELECT a.owner_key_id, a.status, a.wallets, a.failed_wallets,
            (SELECT COALESCE(max(p.rank) + 1, 0) FROM analysis_pairs p WHERE p.analysis_id = a.id) AS pair_count
       FROM analyses a WHERE a.id = $1`,
    [analysisId],
  );
  const r = rows[0];
  return r ? { ownerKeyId: r.owner_key_id, status: r.status, wallets: r.wallets, pairCount: r.pair_count, failedWallets: r.failed_wallets ?? [] } : null;
}

/**
 * How many pairs have `combined` at least `minScore`: the ranks 0 to n - 1 that hold them. Combined
 * never rises along the ranking (pairs without one come last), so this is a binary search over the
 * primary key, run in one statement: about log2(pairCount) index probes (19 at 499,500 pairs).
 */
export async function rankCountAtLeast(pool: Pool, analysisId: string, minScore: number, pairCount: number): Promise<number> {
  // invariant: ranks below lo have combined >= minScore, ranks from hi on have not; OFFSET 0 keeps
  // the probe one subquery (inlined, each CASE would probe the index again)
  const { rows } = await pool.query<{ n: number }>(
    `WITH RECURSIVE search (lo, hi) AS (
       SELECT 0, $3::integer
       UNION ALL
       SELECT CASE WHEN probe.hit THEN probe.mid + 1 ELSE s.lo END,
              CASE WHEN probe.hit THEN s.hi ELSE probe.mid END
         FROM search s
         CROSS JOIN LATERAL (
           SELECT m.mid, COALESCE((SELECT p.combined >= $2::double precision FROM analysis_pairs p WHERE p.analysis_id = $1 AND p.rank = m.mid), false) AS hit
             FROM (SELECT (s.lo + s.hi) / 2 AS mid) m
           OFFSET 0
         ) probe
        WHERE s.lo < s.hi
     )
     SELECT lo AS n FROM search WHERE lo = hi`,
    [analysisId, minScore, pairCount],
  );
  return rows[0]?.n ?? 0;
}

/** How many pairs of `wallet` rank below `endRank` (its row of ranks: at most group size - 1 of them). */
export async function countWalletPairs(pool: Pool, analysisId: string, wallet: string, endRank: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM analysis_wallet_ranks w, unnest(w.ranks) AS r(rank) WHERE w.analysis_id = $1 AND w.wallet = $2 AND r.rank < $3)::integer AS n`,
    [analysisId, wallet, endRank],
  );
  return rows[0].n;
}

/**
 * Up to `limit` pairs with afterRank < rank < endRank, in rank order; with `wallet`, only its pairs
 * (the next ranks of its row in analysis_wallet_ranks, each read through the primary key).
 */
export async function rankedPairs(
  pool: Pool,
  q: { analysisId: string; afterRank: number; endRank: number; limit: number; wallet?: string },
): Promise<RankedPair[]> {
  const { rows } =
    q.wallet === undefined
      ? // ranks have no gaps: the page is ranks afterRank + 1 to afterRank + limit, bounded so on both
        // sides that no plan reads more (a planner without statistics on fresh rows chose a bitmap
        // scan of the whole open range, 1.4 s at 499,500 rows)
        await pool.query<StoredPairRow>(`SELECT rank, pair, wallet_a, wallet_b FROM analysis_pairs WHERE analysis_id = $1 AND rank > $2 AND rank <= $2 + $4 AND rank < $3 ORDER BY rank LIMIT $4`, [
          q.analysisId,
          q.afterRank,
          q.endRank,
          q.limit,
        ])
      : await pool.query<StoredPairRow>(
          `SELECT p.rank, p.pair, p.wallet_a, p.wallet_b
             FROM (SELECT r.rank FROM analysis_wallet_ranks w, unnest(w.ranks) AS r(rank)
                    WHERE w.analysis_id = $1 AND w.wallet = $5 AND r.rank > $2 AND r.rank < $3 ORDER BY r.rank LIMIT $4) AS mine
             JOIN analysis_pairs p ON p.analysis_id = $1 AND p.rank = mine.rank
            ORDER BY p.rank`,
          [
          q.analysisId,
          q.afterRank,
          q.endRank,
          q.limit,
          q.wallet,
        ]);
  return rows.map((r) => ({ rank: r.rank, pair: unpackPair(r.pair, r.wallet_a, r.wallet_b) }));
}

/** A row as rankedPairs reads it: the pair as stored (packed, or whole), with the wallets it is packed without. */
interface StoredPairRow {
  rank: number;
  pair: unknown;
  wallet_a: string;
  wallet_b: string;
}

/** A pair that became a link between two analyses, or stopped being one: its score in each. */
export interface LinkChange {
  walletA: string;
  walletB: string;
  /** in the later analysis (null: none, or the pair not stored) */
  combined: number | null;
  /** in the earlier analysis */
  before: number | null;
}

/** One analysis's side of a comparison of links: its links are its ranks below `linkRanks` (rankCountAtLeast of its threshold). */
export interface LinkSide {
  analysisId: string;
  linkRanks: number;
}

/**
 * The links (pairs at or above their analysis's cluster threshold) between wallets of `compared`
 * that the later analysis has and the earlier has not (`formed`), and the other way round
 * (`broken`), each the strongest `limit` first (formed by their later score, broken by their
 * earlier one), with how many there are. Each side's links are a range of its primary key; a pair
 * is the same whichever way round it was stored; its score on the other side is read for the
 * listed ones only (its rank there: the one both wallets' rows of analysis_wallet_ranks hold).
 * Measured on two analyses of 1,000 wallets (499,500 pairs each): 0.1 s with about 5,000 links
 * each, 0.4 s with 50,000, 1.8 s with 250,000. PostgreSQL stops it after `timeoutMs` (57014).
 */
export async function linkChanges(
  pool: Pool,
  later: LinkSide,
  earlier: LinkSide,
  compared: string[],
  limit: number,
  timeoutMs: number,
): Promise<{ formed: LinkChange[]; broken: LinkChange[]; formedCount: number; brokenCount: number }> {
  const { rows } = await inTransactionWithin(pool, timeoutMs, (client) =>
    client.query<{ change: 'formed' | 'broken'; wa: string; wb: string; score: number | null; other: number | null; total: number }>(
      `WITH compared AS (SELECT unnest($5::text[]) AS wallet),
       later_links AS (
         SELECT LEAST(p.wallet_a COLLATE "C", p.wallet_b COLLATE "C") AS wa, GREATEST(p.wallet_a COLLATE "C", p.wallet_b COLLATE "C") AS wb, p.combined
           FROM analysis_pairs p WHERE p.analysis_id = $1 AND p.rank < $2
            AND p.wallet_a IN (SELECT wallet FROM compared) AND p.wallet_b IN (SELECT wallet FROM compared)),
       earlier_links AS (
         SELECT LEAST(p.wallet_a COLLATE "C", p.wallet_b COLLATE "C") AS wa, GREATEST(p.wallet_a COLLATE "C", p.wallet_b COLLATE "C") AS wb, p.combined
           FROM analysis_pairs p WHERE p.analysis_id = $3 AND p.rank < $4
            AND p.wallet_a IN (SELECT wallet FROM compared) AND p.wallet_b IN (SELECT wallet FROM compared)),
       changes AS (
         SELECT 'formed' AS change, l.* FROM later_links l WHERE NOT EXISTS (SELECT 1 FROM earlier_links e WHERE e.wa = l.wa AND e.wb = l.wb)
         UNION ALL
         SELECT 'broken', e.* FROM earlier_links e WHERE NOT EXISTS (SELECT 1 FROM later_links l WHERE l.wa = e.wa AND l.wb = e.wb)),
       ranked AS (
         SELECT c.*, row_number() OVER (PARTITION BY c.change ORDER BY c.combined DESC, c.wa, c.wb) AS n, count(*) OVER (PARTITION BY c.change)::integer AS total,
                (c.wa COLLATE "default") AS da, (c.wb COLLATE "default") AS db, CASE WHEN c.change = 'formed' THEN $3 ELSE $1 END AS other_id
           FROM changes c)
       SELECT r.change, r.wa, r.wb, r.combined AS score, r.total,
              -- the pair's rank on the other side: the one rank both wallets' rows of ranks hold there
              (SELECT p.combined
                 FROM analysis_wallet_ranks x
                 JOIN analysis_wallet_ranks y ON y.analysis_id = x.analysis_id AND y.wallet = r.db
                CROSS JOIN LATERAL (SELECT unnest(x.ranks) INTERSECT SELECT unnest(y.ranks)) AS k(rank)
                 JOIN analysis_pairs p ON p.analysis_id = x.analysis_id AND p.rank = k.rank
                WHERE x.analysis_id = r.other_id AND x.wallet = r.da
                LIMIT 1) AS other
         FROM ranked r WHERE r.n <= $6 ORDER BY r.change, r.n`,
      [later.analysisId, later.linkRanks, earlier.analysisId, earlier.linkRanks, compared, limit],
    ),
  );
  const out = { formed: [] as LinkChange[], broken: [] as LinkChange[], formedCount: 0, brokenCount: 0 };
  for (const r of rows) {
    const [combined, before] = r.change === 'formed' ? [r.score, r.other] : [r.other, r.score];
    out[r.change].push({ walletA: r.wa, walletB: r.wb, combined, before });
    out[`${r.change}Count`] = r.total;
  }
  return out;
}
