// The COPY rows of analysis_pairs as the similarity step spools them (src/store/analysis-pairs.ts):
// one implementation, used by the PairSpool on the activity's thread and by the similarity process
// (src/activities/similarity-process.ts), which writes to the spool's file, passed down to it as a
// descriptor. No SQL, no database driver.
import fs from 'node:fs';
import type { SimilarityPair } from '../domain/similarity/types';

/**
 * Bytes a writer gathers, in one reused buffer outside the heap, before one write to its file: a
 * growing string would be flattened on each write into a new object of this size in the heap's
 * large-object space, which only a full collection frees.
 */
const SPOOL_BUFFER_BYTES = 1 << 20;

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
 * Appends pairs to an open file as COPY rows, in pair index order: pair_index, wallet_a, wallet_b,
 * combined, pair (the columns after analysis_id and rank). It neither opens nor closes the file.
 */
export class PairRowWriter {
  private readonly buffer = Buffer.allocUnsafe(SPOOL_BUFFER_BYTES);
  private used = 0;
  private rows = 0;

  constructor(private readonly fd: number) {}

  /** How many pairs it wrote (some may still be buffered until flush). */
  get count(): number {
    return this.rows;
  }

  /** Appends pair `index`; pairs come in index order (0, 1, 2, …), as the engine's sink gives them. */
  add(pair: SimilarityPair, index: number): void {
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

  /** Writes what is buffered to the file. */
  flush(): void {
    let written = 0;
    while (written < this.used) written += fs.writeSync(this.fd, this.buffer, written, this.used - written);
    this.used = 0;
  }
}
