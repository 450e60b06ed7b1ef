// The COPY rows of analysis_pairs as the similarity step spools them (src/store/analysis-pairs.ts):
// one implementation, used by the PairSpool on the activity's thread and by the similarity process
// (src/activities/similarity-process.ts), which writes to the spool's file, passed down to it as a
// descriptor; and the stored form of a pair (packPair, unpackPair). No SQL, no database driver.
import fs from 'node:fs';
import { SCORE_NAMES, type SimilarityPair } from '../domain/similarity/types';

// ---- A pair's stored form ----------------------------------------------------------------------
// analysis_pairs.pair holds each pair as a JSON array of its values, without its keys and without
// walletA and walletB (the row's wallet_a and wallet_b): [PACKED_PAIR, [scores...], nullReasons,
// strength, ...]. The keys were most of a pair's JSON (769 bytes a pair on average, 1,000 wallets of
// 30 tokens each, against about 300 packed), and a 1,000-wallet analysis writes 499,500 of them in
// the transaction that completes it: fewer bytes to serialize in the similarity process and to copy
// into PostgreSQL. unpackPair gives the pair back as the engine made it (same keys, same order, the
// same numbers: JSON writes a number the same way wherever it is). A pair that is not exactly of
// this shape (an extra or a missing key) is stored as its object, as rows stored before this were,
// and read as it is.

/** The first element of a packed pair: the layout below (a new layout gets a new number). */
const PACKED_PAIR = 2;

type PackedField = Exclude<keyof SimilarityPair, 'walletA' | 'walletB'>;
/** Every field of a pair but its wallets, in the engine's order. */
const PAIR_FIELDS = [
  'scores',
  'nullReasons',
  'strength',
  'sharedTokenCount',
  'tradedTokenCountA',
  'tradedTokenCountB',
  'unionTokenCount',
  'sharedHeldCount',
  'heldTokenCountA',
  'heldTokenCountB',
  'capitalOverlapPercent',
  'capitalInSharedPercentA',
  'capitalInSharedPercentB',
  'sharedTokens',
  'sharedTokensOmitted',
  'omittedContribution',
  'coTrading',
  'insights',
  'evidence',
] as const satisfies readonly PackedField[];
const CO_TRADING_FIELDS = ['coTradedA', 'coTradedB', 'tradesA', 'tradesB'] as const satisfies readonly (keyof SimilarityPair['coTrading'])[];
// a field added to SimilarityPair or coTrading and not to these lists fails to compile here (the
// scores are packed in the domain's SCORE_NAMES order)
const everyPairField: [Exclude<PackedField, (typeof PAIR_FIELDS)[number]>] extends [never] ? true : never = true;
const everyCoTrading: [Exclude<keyof SimilarityPair['coTrading'], (typeof CO_TRADING_FIELDS)[number]>] extends [never] ? true : never = true;
void [everyPairField, everyCoTrading];

/** Where the packed array holds coTrading's values. */
const CO_TRADING_AT = PAIR_FIELDS.indexOf('coTrading') + 1;

/** How many keys `value` has (own and enumerable, as JSON writes them). */
function keyCount(value: object): number {
  let keys = 0;
  for (const _key in value) keys++;
  return keys;
}

/**
 * The JSON stored for `pair` in analysis_pairs.pair: packed, or the whole pair when it is not of the
 * packed shape (a key more or less at its top level, or an undefined value, which JSON would write as
 * null in an array). Written out field by field: this runs for every pair of a group (499,500 for
 * 1,000 wallets), where lists of fields mapped per pair cost a third more.
 */
export function packPair(pair: SimilarityPair): string {
  const s = pair.scores;
  const c = pair.coTrading;
  const values: unknown[] = [
    PACKED_PAIR,
    [s.capital, s.binary, s.jaccardTraded, s.jaccardHeld, s.behavior, s.timing, s.funding, s.bundle, s.rarity, s.similarity, s.combined],
    pair.nullReasons,
    pair.strength,
    pair.sharedTokenCount,
    pair.tradedTokenCountA,
    pair.tradedTokenCountB,
    pair.unionTokenCount,
    pair.sharedHeldCount,
    pair.heldTokenCountA,
    pair.heldTokenCountB,
    pair.capitalOverlapPercent,
    pair.capitalInSharedPercentA,
    pair.capitalInSharedPercentB,
    pair.sharedTokens,
    pair.sharedTokensOmitted,
    pair.omittedContribution,
    [c.coTradedA, c.coTradedB, c.tradesA, c.tradesB],
    pair.insights,
    pair.evidence,
  ];
  // the unit tests hold this literal to the lists above, which unpackPair reads it by
  const packable =
    values.length === PAIR_FIELDS.length + 1 &&
    keyCount(pair) === PAIR_FIELDS.length + 2 &&
    keyCount(s) === SCORE_NAMES.length &&
    keyCount(c) === CO_TRADING_FIELDS.length &&
    !values.includes(undefined) &&
    !(values[1] as unknown[]).includes(undefined) &&
    !(values[CO_TRADING_AT] as unknown[]).includes(undefined);
  return JSON.stringify(packable ? values : pair);
}

/**
 * A stored pair (analysis_pairs.pair as the driver parsed it) as the API serves it: a packed one
 * unpacked with its row's wallets, any other (stored whole, before packing or not of its shape) as it is.
 */
export function unpackPair(stored: unknown, walletA: string, walletB: string): Record<string, unknown> {
  if (!Array.isArray(stored)) return stored as Record<string, unknown>;
  if (stored[0] !== PACKED_PAIR || stored.length !== PAIR_FIELDS.length + 1) throw new Error(`analysis pairs: a stored pair of an unknown layout (${JSON.stringify(stored[0])}, ${stored.length} values)`);
  const pair: Record<string, unknown> = { walletA, walletB };
  PAIR_FIELDS.forEach((field, i) => {
    const value: unknown = stored[i + 1];
    if (field === 'scores') pair.scores = Object.fromEntries(SCORE_NAMES.map((k, j) => [k, (value as unknown[])[j]]));
    else if (field === 'coTrading') pair.coTrading = Object.fromEntries(CO_TRADING_FIELDS.map((k, j) => [k, (value as unknown[])[j]]));
    else pair[field] = value;
  });
  return pair;
}

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
 * copyText of JSON.stringify's output, which holds no raw tab, newline or carriage return (JSON
 * escapes them inside strings): only its backslashes are doubled, found without a regular expression
 * (the test of every pair's JSON against one was a tenth of the spooling's time).
 */
export function copyJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/** Where a writer stands after a flush: bytes written to its file, and the rows they hold. */
export interface PairRowsFlushed {
  bytes: number;
  rows: number;
}

/**
 * Each wallet's pairs' ranks, ascending (analysis_wallet_ranks), from the rank of every pair index
 * (`ranks[k]`, pairs in the engine's order: (0, 1), (0, 2), …, (1, 2), …) of the group `wallets`.
 */
export function walletRanksOf(wallets: readonly string[], ranks: Int32Array): Map<string, Int32Array> {
  const n = wallets.length;
  if (ranks.length !== (n * (n - 1)) / 2) throw new Error(`wallet ranks: ${ranks.length} ranked pairs for a group of ${n}`);
  const lists = wallets.map(() => new Int32Array(Math.max(0, n - 1)));
  const filled = new Int32Array(n);
  for (let i = 0, k = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      lists[i][filled[i]++] = ranks[k];
      lists[j][filled[j]++] = ranks[k];
    }
  }
  return new Map(wallets.map((wallet, i) => [wallet, lists[i].sort()]));
}

/**
 * Appends pairs to an open file as whole COPY rows of analysis_pairs, in rank order: analysis_id,
 * rank, pair_index, wallet_a, wallet_b, combined, pair. It neither opens nor closes the file. After
 * each write to the file it tells `onFlush` how far the file holds whole rows, so that a reader may
 * copy them into the table while later ones are computed.
 */
export class PairRowWriter {
  private readonly buffer = Buffer.allocUnsafe(SPOOL_BUFFER_BYTES);
  private readonly prefix: string;
  private used = 0;
  private rows = 0;
  private bytes = 0;

  constructor(
    private readonly fd: number,
    analysisId: string,
    private readonly onFlush: (flushed: PairRowsFlushed) => void = () => undefined,
  ) {
    this.prefix = `${copyText(analysisId)}\t`;
  }

  /** How many pairs it wrote (some may still be buffered until flush). */
  get count(): number {
    return this.rows;
  }

  /** Appends pair `index` at `rank`; pairs come in rank order (0, 1, 2, …), as the engine's sink gives them. */
  add(pair: SimilarityPair, index: number, rank: number): void {
    if (rank !== this.rows) throw new Error(`PairSpool: the pair of rank ${rank} came where rank ${this.rows} was due`);
    const combined = pair.scores.combined;
    // String(x) is the shortest text that reads back as the same double: the column ranks as the engine did
    const row = `${this.prefix}${rank}\t${index}\t${copyText(pair.walletA)}\t${copyText(pair.walletB)}\t${combined === null ? '\\N' : String(combined)}\t${copyJson(packPair(pair))}\n`;
    // a UTF-16 unit takes at most 3 bytes in UTF-8
    if (this.used + row.length * 3 > this.buffer.length) this.flush();
    if (row.length * 3 > this.buffer.length) {
      this.rows++;
      this.write(Buffer.from(row));
    } else {
      this.used += this.buffer.write(row, this.used);
      this.rows++;
    }
  }

  /** Writes what is buffered to the file (nothing buffered: nothing written, nothing reported). */
  flush(): void {
    if (this.used === 0) return;
    const used = this.used;
    this.used = 0;
    this.write(this.buffer.subarray(0, used));
  }

  /** Writes `bytes` whole (whole rows) and reports how far the file now holds rows. */
  private write(bytes: Buffer): void {
    let written = 0;
    while (written < bytes.length) written += fs.writeSync(this.fd, bytes, written, bytes.length - written);
    this.bytes += written;
    this.onFlush({ bytes: this.bytes, rows: this.rows });
  }
}
