// Before a similarity step: what the chain says of the counterparties the group's wallets share (a
// busy service, or a wallet of one owner: counterpartyActivityClass), read once per counterparty
// and kept in counterparty_activity, so that the step (loadSimilarityInputs) weighs a common funder
// by what it is rather than only by how many wallets of our database it touched.
import pLimit from 'p-limit';
import type { Pool } from 'pg';
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, summariseSignatures } from '../domain/detection/funding';
import { loadCounterpartyActivity, sharedCounterparties, storeCounterpartyActivity } from '../store/counterparty-activity';

/** The one RPC method this needs (SolanaRpcClient). */
export interface SignatureSource {
  getSignaturesForAddress(address: string, options?: { limit?: number; signal?: AbortSignal }): Promise<Array<{ blockTime?: number | null }>>;
}

export interface CounterpartyActivityOptions {
  /** counterparties read from the chain at most, those the most wallets share first (0: none) */
  maxLookups: number;
  /** a stored summary younger than this is used as it is */
  maxAgeSeconds: number;
  /** requests at once (the RPC budget paces them whatever this is) */
  concurrency?: number;
  /**
   * milliseconds the reads may take in all: those not done by then are skipped (and those under
   * way abandoned), so a slow or failing RPC delays an analysis by this much at most
   */
  deadlineMs?: number;
  /** the activity's cancellation: thrown when aborted */
  signal?: AbortSignal;
  onProgress?: (done: number, of: number) => void;
}

export interface CounterpartyActivityRefresh {
  /** shared counterparties considered (at most maxLookups) */
  considered: number;
  /** of them, already stored and fresh */
  fresh: number;
  /** read from the chain and stored now */
  read: number;
  /** whose reading failed or did not end by the deadline (the step weighs them by their degree, or by an older summary) */
  failed: number;
}

/** How long the reads of one step may take by default (refreshCounterpartyActivity's deadlineMs). */
export const COUNTERPARTY_ACTIVITY_DEADLINE_MS = 10_000;

/** …and in a small group's step, a local activity that holds its workflow task meanwhile. */
export const COUNTERPARTY_ACTIVITY_LOCAL_DEADLINE_MS = 3_000;

/** Seconds a counterparty's summary stays fresh: a service stays one, a funding wallet rarely grows past 500 transactions in a day. */
export const COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS = 86_400;

/**
 * Reads and stores the activity of the counterparties that at least two of `wallets` share and that
 * no fresh summary covers. A provider's failure for one counterparty is counted, not thrown: the
 * step then weighs it as before (by its degree). The database's failures and the signal's abort
 * are thrown.
 */
export async function refreshCounterpartyActivity(pool: Pool, source: SignatureSource, wallets: readonly string[], options: CounterpartyActivityOptions): Promise<CounterpartyActivityRefresh> {
  const candidates = await sharedCounterparties(pool, wallets, [...KNOWN_ADDRESSES.keys()], options.maxLookups);
  const stored = await loadCounterpartyActivity(pool, candidates, options.maxAgeSeconds);
  const missing = candidates.filter((c) => !stored.has(c));
  const limit = FUNDING_DEFAULTS.activityPageLimit;
  const run = pLimit(options.concurrency ?? 8);
  const deadline = AbortSignal.timeout(options.deadlineMs ?? COUNTERPARTY_ACTIVITY_DEADLINE_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  let done = 0;
  let failed = 0;
  await Promise.all(
    missing.map((address) =>
      run(async () => {
        options.signal?.throwIfAborted();
        let page: Array<{ blockTime?: number | null }> | null = null;
        try {
          if (!deadline.aborted) page = await source.getSignaturesForAddress(address, { limit, signal });
        } catch (err) {
          if (options.signal?.aborted) throw options.signal.reason ?? err;
        } finally {
          options.onProgress?.(++done, missing.length);
        }
        if (page === null) failed++;
        else await storeCounterpartyActivity(pool, address, summariseSignatures(page, limit), limit);
      }),
    ),
  );
  return { considered: candidates.length, fresh: stored.size, read: missing.length - failed, failed };
}
