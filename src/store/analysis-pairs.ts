// analysis_pairs: every pair of a completed analysis, one row each, keyed by its rank (combined
// descending, no score last, ties by pair index; migrations/1795460000000_analysis-pairs.sql), read
// for one wallet through analysis_wallet_ranks (analysis-wallet-ranks.ts). The only module with SQL
// that writes to analysis_pairs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SimilarityPair } from '../domain/similarity/types';
import { completeAnalysis, type AnalysisStatus, type CompletedAnalysis } from './analyses';
import { replaceWalletRanks } from './analysis-wallet-ranks';
import { inTransaction } from './db';
import { copyText, PairRowWriter, unpackPair } from './pair-rows';

export { copyText };

// ---------------------------------------------------------------------------------------------
// Write path (the similarity step, src/activities/analysis.ts). A group of 1,000 wallets has 499,500
// pairs, too many to hold at once: the engine hands each pair to a PairSpool as it computes it, which
// writes it to a temporary file as a COPY row (without its rank, known only once every pair is
// scored); storeAnalysisPairs then streams that file into the table with each row's rank, in the
// transaction that completes the analysis.
// ---------------------------------------------------------------------------------------------

/** Bytes read from the spool at a time on the way to COPY. */
const COPY_CHUNK_BYTES = 1 << 20;
/** Rows between two progress reports while the pairs are copied. */
const COPY_PROGRESS_ROWS = 20_000;

/**
 * The pairs of one run in a temporary file, one COPY row each in pair index order: pair_index,
 * wallet_a, wallet_b, combined, pair (the columns after analysis_id and rank). The file is unlinked
 * as soon as it is opened and used through its descriptor only, so a worker killed mid-run (or an
 * attempt abandoned after a timeout) leaves nothing behind: 1,000 wallets spool about 500 MB. Call
 * remove when done (it closes the descriptor, which frees the space).
 */
export class PairSpool {
  readonly file: string;
  private fd: number | null;
  private writer: PairRowWriter | null = null;
  /** rows the similarity process wrote to the descriptor (adoptRows), in place of add */
  private adopted: number | null = null;
  private closed = false;

  constructor(label: string, dir = os.tmpdir()) {
    const safe = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
    this.file = path.join(dir, `analysis-pairs-${safe}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.copy`);
    this.fd = fs.openSync(this.file, 'wx+', 0o600);
    fs.rmSync(this.file, { force: true });
  }

  /** The open file, for reading it back (storeAnalysisPairs) or for the similarity process to write its rows to (adoptRows). */
  get descriptor(): number {
    if (this.fd === null) throw new Error('PairSpool: removed');
    return this.fd;
  }

  /** How many pairs it holds. */
  get count(): number {
    return this.adopted ?? this.writer?.count ?? 0;
  }

  /** Appends pair `index`; pairs come in index order (0, 1, 2, …), as the engine's sink gives them. */
  add(pair: SimilarityPair, index: number): void {
    if (this.fd === null || this.closed) throw new Error('PairSpool: add after close');
    if (this.adopted !== null) throw new Error('PairSpool: add after adoptRows');
    this.writer ??= new PairRowWriter(this.fd);
    this.writer.add(pair, index);
  }

  /**
   * Counts the `rows` pairs the similarity process wrote to `descriptor` with its own PairRowWriter,
   * flushed (src/activities/similarity-process.ts), in place of add: only on a spool nothing was added to.
   */
  adoptRows(rows: number): void {
    if (this.fd === null || this.closed) throw new Error('PairSpool: adoptRows after close');
    if (this.writer !== null || this.adopted !== null) throw new Error('PairSpool: adoptRows on a spool that already holds rows');
    this.adopted = rows;
  }

  /** Writes what is buffered; no pair may be added after it. */
  close(): void {
    if (this.fd !== null) this.writer?.flush();
    this.closed = true;
  }

  /** Closes the file, which frees its space; safe to call twice, and after a failure. */
  remove(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.writer = null;
    this.closed = true;
  }
}

/**
 * Puts `analysis_id` and the pair's rank in front of each spooled row on its way to COPY: the spool's
 * row k is pair index k, whose rank is ranks[k]. On the way it gathers the ranks of each wallet's
 * pairs from the row's wallet_a and wallet_b (its second and third fields), for analysis_wallet_ranks.
 */
class RankRows extends Transform {
  private row = 0;
  private atRowStart = true;
  private readonly prefix: string;
  /** the current row's first bytes until its third tab has been seen (a row may span two chunks) */
  private head: Buffer | null = Buffer.alloc(0);
  /** each wallet's pairs' ranks, in the order the rows came */
  readonly walletRanks = new Map<string, number[]>();

  constructor(
    analysisId: string,
    private readonly ranks: Int32Array,
    private readonly onRows: (rows: number) => void,
  ) {
    super({ highWaterMark: COPY_CHUNK_BYTES });
    this.prefix = `${copyText(analysisId)}\t`;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const parts: Buffer[] = [];
    let from = 0;
    while (from < chunk.length) {
      if (this.atRowStart) {
        if (this.row >= this.ranks.length) return callback(new Error(`analysis pairs: the spool holds more rows than the ${this.ranks.length} ranked pairs`));
        parts.push(Buffer.from(`${this.prefix}${this.ranks[this.row]}\t`));
        this.atRowStart = false;
        this.head = Buffer.alloc(0);
      }
      const end = chunk.indexOf(0x0a, from);
      if (this.head !== null) {
        const failure = this.readWallets(chunk.subarray(from, end === -1 ? chunk.length : end + 1));
        if (failure) return callback(failure);
      }
      if (end === -1) {
        parts.push(chunk.subarray(from));
        break;
      }
      parts.push(chunk.subarray(from, end + 1));
      from = end + 1;
      this.atRowStart = true;
      if (++this.row % COPY_PROGRESS_ROWS === 0) this.onRows(this.row);
    }
    callback(null, Buffer.concat(parts));
  }

  /** Adds this row's bytes to its head until wallet_a and wallet_b are whole, then counts its rank for both. */
  private readWallets(bytes: Buffer): Error | null {
    const head = (this.head as Buffer).length === 0 ? bytes : Buffer.concat([this.head as Buffer, bytes]);
    const first = head.indexOf(0x09);
    const second = first === -1 ? -1 : head.indexOf(0x09, first + 1);
    const third = second === -1 ? -1 : head.indexOf(0x09, second + 1);
    if (third === -1) {
      if (head.indexOf(0x0a) !== -1) return new Error(`analysis pairs: spooled row ${this.row} has no wallet_a and wallet_b`);
      this.head = Buffer.from(head);
      return null;
    }
    const rank = this.ranks[this.row];
    // wallet addresses are base58: nothing in them is escaped in COPY's text format
    for (const wallet of [head.toString('utf8', first + 1, second), head.toString('utf8', second + 1, third)]) {
      const list = this.walletRanks.get(wallet);
      if (list) list.push(rank);
      else this.walletRanks.set(wallet, [rank]);
    }
    this.head = null;
    return null;
  }

  override _flush(callback: TransformCallback): void {
    if (!this.atRowStart) return callback(new Error('analysis pairs: the spool ends inside a row'));
    if (this.row !== this.ranks.length) return callback(new Error(`analysis pairs: the spool holds ${this.row} rows for ${this.ranks.length} ranked pairs`));
    callback();
  }
}

/**
 * Replaces an analysis's rows with the spooled pairs (ranks[k]: rank of pair index k), and the ranks
 * of each wallet's pairs, on `client`'s transaction; returns the rows copied.
 */
async function replaceAnalysisPairs(client: PoolClient, analysisId: string, spool: PairSpool, ranks: Int32Array, onRows: (rows: number) => void): Promise<number> {
  // a retried activity finds the rows of its earlier attempt only if that one committed: replace them
  await client.query('DELETE FROM analysis_pairs WHERE analysis_id = $1', [analysisId]);
  const copy = client.query(copyFrom('COPY analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair) FROM STDIN'));
  // The descriptor is the spool's (it closes it in remove()): a failed pipeline destroys the read
  // stream, which would close it too, so a later remove() closed it twice (EBADF, seen in CI) or
  // closed whatever file had been given the same number meanwhile. The stream's close does nothing.
  const spoolFile = { read: fs.read, close: (_fd: number, done: (err: NodeJS.ErrnoException | null) => void) => done(null) };
  const rankRows = new RankRows(analysisId, ranks, onRows);
  await pipeline(
    fs.createReadStream('', { fd: spool.descriptor, fs: spoolFile, start: 0, autoClose: false, highWaterMark: COPY_CHUNK_BYTES }),
    rankRows,
    copy,
  );
  await replaceWalletRanks(client, analysisId, rankRows.walletRanks);
  return copy.rowCount;
}

/**
 * Completes an analysis with its pairs, in one transaction: its earlier rows in analysis_pairs (a
 * retried attempt's) deleted, the spooled pairs copied in with their ranks, the analyses row
 * completed (completeAnalysis). Either all of it is stored or nothing. `onRows` hears how many rows
 * have been copied now and then (heartbeats). Returns the rows copied.
 */
export async function storeAnalysisPairs(
  pool: Pool,
  analysisId: string,
  pairs: { spool: PairSpool; ranks: Int32Array },
  completed: CompletedAnalysis,
  onRows: (rows: number) => void = () => undefined,
): Promise<number> {
  const { spool, ranks } = pairs;
  spool.close();
  if (spool.count !== ranks.length) throw new Error(`analysis pairs: ${spool.count} spooled pairs for ${ranks.length} ranks`);
  return inTransaction(pool, async (client) => {
    // analysis_pairs has no foreign key (its per-row check was a third of the COPY): the analysis's
    // row is locked as a key check would lock it, so it cannot be deleted before this transaction
    // ends, and its deletion after that removes these rows (trigger analyses_delete_pairs, migrations/)
    const analysis = await client.query('SELECT 1 FROM analyses WHERE id = $1 FOR KEY SHARE', [analysisId]);
    if (analysis.rowCount === 0) throw new Error(`analysis pairs: no analysis ${analysisId} to store them for`);
    const rows = await replaceAnalysisPairs(client, analysisId, spool, ranks, onRows);
    if (rows !== ranks.length) throw new Error(`analysis pairs: COPY stored ${rows} rows of ${ranks.length}`);
    await completeAnalysis(client, analysisId, completed);
    return rows;
  });
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
  const { rows } = await pool.query<{ owner_key_id: string | null; status: AnalysisStatus; wallets: string[]; pair_count: number }>(
    `SELECT a.owner_key_id, a.status, a.wallets,
            (SELECT COALESCE(max(p.rank) + 1, 0) FROM analysis_pairs p WHERE p.analysis_id = a.id) AS pair_count
       FROM analyses a WHERE a.id = $1`,
    [analysisId],
  );
  const r = rows[0];
  return r ? { ownerKeyId: r.owner_key_id, status: r.status, wallets: r.wallets, pairCount: r.pair_count } : null;
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
