// analysis_pairs: every pair of a completed analysis, one row each, keyed by its rank (combined
// descending, no score last, ties by pair index; migrations/1795460000000_analysis-pairs.sql).
// The only module with SQL on analysis_pairs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool, PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { SimilarityPair } from '../domain/similarity/types';
import { completeAnalysis, type CompletedAnalysis } from './analyses';
import { inTransaction } from './db';

// ---------------------------------------------------------------------------------------------
// Write path (the similarity step, src/activities/analysis.ts). A group of 1,000 wallets has 499,500
// pairs, too many to hold at once: the engine hands each pair to a PairSpool as it computes it, which
// writes it to a temporary file as a COPY row (without its rank, known only once every pair is
// scored); storeAnalysisPairs then streams that file into the table with each row's rank, in the
// transaction that completes the analysis.
// ---------------------------------------------------------------------------------------------

/**
 * Bytes a spool gathers, in one reused buffer outside the heap, before one write to its file: a
 * growing string would be flattened on each write into a new object of this size in the heap's
 * large-object space, which only a full collection frees.
 */
const SPOOL_BUFFER_BYTES = 1 << 20;
/** Bytes read from the spool at a time on the way to COPY. */
const COPY_CHUNK_BYTES = 1 << 20;
/** Rows between two progress reports while the pairs are copied. */
const COPY_PROGRESS_ROWS = 20_000;

/** COPY's text format: a backslash, tab, newline or carriage return in a value is escaped. */
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;

/** A value as COPY's text format reads it (null: `\N`). */
export function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]) : value;
}

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
  private readonly buffer = Buffer.allocUnsafe(SPOOL_BUFFER_BYTES);
  private used = 0;
  private rows = 0;
  private closed = false;

  constructor(label: string, dir = os.tmpdir()) {
    const safe = label.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
    this.file = path.join(dir, `analysis-pairs-${safe}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.copy`);
    this.fd = fs.openSync(this.file, 'wx+', 0o600);
    fs.rmSync(this.file, { force: true });
  }

  /** The open file, for reading it back (storeAnalysisPairs). */
  get descriptor(): number {
    if (this.fd === null) throw new Error('PairSpool: removed');
    return this.fd;
  }

  /** How many pairs it holds. */
  get count(): number {
    return this.rows;
  }

  /** Appends pair `index`; pairs come in index order (0, 1, 2, …), as the engine's sink gives them. */
  add(pair: SimilarityPair, index: number): void {
    if (this.fd === null || this.closed) throw new Error('PairSpool: add after close');
    if (index !== this.rows) throw new Error(`PairSpool: pair ${index} came where pair ${this.rows} was due`);
    const combined = pair.scores.combined;
    // String(x) is the shortest text that reads back as the same double: the column ranks as the engine did
    const row = `${index}\t${copyText(pair.walletA)}\t${copyText(pair.walletB)}\t${combined === null ? '\\N' : String(combined)}\t${copyText(JSON.stringify(pair))}\n`;
    this.rows++;
    // a UTF-16 unit takes at most 3 bytes in UTF-8
    if (this.used + row.length * 3 > this.buffer.length) this.flush();
    if (row.length * 3 > this.buffer.length) fs.writeSync(this.fd, row);
    else this.used += this.buffer.write(row, this.used);
  }

  /** Writes what is buffered; no pair may be added after it. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Closes the file, which frees its space; safe to call twice, and after a failure. */
  remove(): void {
    if (this.fd !== null) {
      fs.closeSync(this.fd);
      this.fd = null;
    }
    this.used = 0;
    this.closed = true;
  }

  private flush(): void {
    if (this.used === 0 || this.fd === null) return;
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
  }
}

/**
 * Puts `analysis_id` and the pair's rank in front of each spooled row on its way to COPY: the spool's
 * row k is pair index k, whose rank is ranks[k].
 */
class RankRows extends Transform {
  private row = 0;
  private atRowStart = true;
  private readonly prefix: string;

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
      }
      const end = chunk.indexOf(0x0a, from);
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

  override _flush(callback: TransformCallback): void {
    if (!this.atRowStart) return callback(new Error('analysis pairs: the spool ends inside a row'));
    if (this.row !== this.ranks.length) return callback(new Error(`analysis pairs: the spool holds ${this.row} rows for ${this.ranks.length} ranked pairs`));
    callback();
  }
}

/** Replaces an analysis's rows with the spooled pairs (ranks[k]: rank of pair index k), on `client`'s transaction; returns the rows copied. */
async function replaceAnalysisPairs(client: PoolClient, analysisId: string, spool: PairSpool, ranks: Int32Array, onRows: (rows: number) => void): Promise<number> {
  // a retried activity finds the rows of its earlier attempt only if that one committed: replace them
  await client.query('DELETE FROM analysis_pairs WHERE analysis_id = $1', [analysisId]);
  const copy = client.query(copyFrom('COPY analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair) FROM STDIN'));
  await pipeline(fs.createReadStream('', { fd: spool.descriptor, start: 0, autoClose: false, highWaterMark: COPY_CHUNK_BYTES }), new RankRows(analysisId, ranks, onRows), copy);
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
    const rows = await replaceAnalysisPairs(client, analysisId, spool, ranks, onRows);
    if (rows !== ranks.length) throw new Error(`analysis pairs: COPY stored ${rows} rows of ${ranks.length}`);
    await completeAnalysis(client, analysisId, completed);
    return rows;
  });
}
