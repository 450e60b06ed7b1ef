// Storing the rows of POST /v1/analyses. Each request's row goes to PostgreSQL at once when the
// process has a statement to spare; under a burst, the rows that arrive while `maxInFlight` of
// these statements are out wait for the next one and go in it together: one INSERT, one commit, for
// as many rows as came meanwhile (at most `maxBatch`). An idle API stores a row as before, in its
// own statement; a busy one no longer queues hundreds of single-row commits behind PostgreSQL's WAL
// flushes (on the production-shaped server it shares them with Temporal's persistence).
//
// The batching is DataLoader's (a batch collects the loads made until it is dispatched); when it is
// dispatched is ours: once a statement slot is free.
import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import { insertAnalyses, type NewAnalysisRow } from '../store/analyses';
import { isDataError } from '../store/errors';

/**
 * What a batch hands DataLoader for a row that failed: DataLoader rejects the load only with an
 * Error of this realm (anything else resolves it). An error of another realm (Node's own socket
 * errors, seen from a vm context such as jest's) is wrapped, with its code and as its cause, so
 * that it still reads as what it is (isConnectionError: 503).
 */
const asError = (err: unknown): Error => {
  if (err instanceof Error) return err;
  const e = err as { message?: unknown; code?: unknown } | null;
  const wrapped = new Error(typeof e?.message === 'string' ? e.message : String(err), { cause: err });
  return typeof e?.code === 'string' ? Object.assign(wrapped, { code: e.code }) : wrapped;
};

export class AnalysisRows {
  private readonly loader: DataLoader<NewAnalysisRow, boolean>;
  /** statements out (or promised a slot) */
  private inFlight = 0;
  /** batches waiting for a statement slot, in the order they were formed */
  private readonly waiting: Array<() => void> = [];

  constructor(
    pool: Pool,
    private readonly maxInFlight: number,
    maxBatch = 100,
  ) {
    if (!(Number.isInteger(maxInFlight) && maxInFlight >= 1)) throw new RangeError(`maxInFlight must be a whole number ≥ 1, got ${maxInFlight}`);
    this.loader = new DataLoader<NewAnalysisRow, boolean>(
      async (rows) => {
        try {
          const stored = await insertAnalyses(pool, rows);
          return rows.map((row) => stored.has(row.id));
        } catch (err) {
          // a failure of one row's data (SQLSTATE classes 22 and 23) must not fail the others: each row
          // is tried again on its own, one after another in this batch's slot; any other failure (a
          // database that is away: 503, read-only, out of disk) fails every request of the batch
          if (rows.length === 1 || !isDataError(err)) return rows.map(() => asError(err));
          const answers: Array<boolean | Error> = [];
          for (const row of rows) answers.push(await insertAnalyses(pool, [row]).then((stored) => stored.has(row.id), asError));
          return answers;
        } finally {
          this.release();
        }
      },
      { cache: false, maxBatchSize: maxBatch, batchScheduleFn: (dispatch) => void this.slot().then(dispatch) },
    );
  }

  /**
   * Stores a new analysis's row: true, or false when it was not stored because its owner already used
   * its Idempotency-Key (another row has it) or its id is taken. Rejects with the statement's error.
   */
  insert(row: NewAnalysisRow): Promise<boolean> {
    return this.loader.load(row);
  }

  /** Resolves when a statement may go out (a slot is taken for it). */
  private slot(): Promise<void> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** A statement ended: its slot goes to the batch waiting longest, if any. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}
