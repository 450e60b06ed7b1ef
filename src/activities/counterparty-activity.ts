// Before a similarity step: what the chain says of the counterparties the group's wallets share (a
// busy service, or a wallet of one owner: counterpartyActivityClass), read once per counterparty
// and kept in counterparty_activity, so that the step (loadSimilarityInputs) weighs a common funder
// by what it is rather than only by how many wallets of our database it touched; and who funded the
// wallets' first funders when those are wallets of one owner (funding_origins), so that wallets
// funded through fresh wallets of one owner meet at that owner (fundingChain); and where the fresh
// addresses the wallets swept SOL to forwarded it (sweep_targets), so that wallets sweeping through
// deposit addresses of their own meet at the collector (sweepChain).
import { setMaxListeners } from 'node:events';
import { SingleFlight } from './single-flight';
import pLimit from 'p-limit';
import type { Pool } from 'pg';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import type { CounterpartyActivity, SweepTarget } from '../domain/detection/types';
import { counterpartyActivityClass, freshActivity, FUNDING_DEFAULTS, fundingOriginOf, KNOWN_ADDRESSES, summariseSignatures, sweepCollectors, sweepTargetOf } from '../domain/detection/funding';
import { loadCounterpartyActivity, loadNewestSignatures, loadOldestSignatures, sharedCounterparties, storeCounterpartyActivity } from '../store/counterparty-activity';
import { commonSweepDestinations, loadSweepTargets, storeSweepTargets, sweepDestinations } from '../store/sweep-targets';
import { firstFunders, loadFundingOrigins, storeFundingOrigin } from '../store/funding-origins';
import { storedTransactions } from '../store/transactions';

/** The one RPC method this needs (SolanaRpcClient). */
export interface SignatureSource {
  getSignaturesForAddress(address: string, options?: { limit?: number; signal?: AbortSignal }): Promise<Array<{ signature?: string; blockTime?: number | null }>>;
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
  /** Helius's parse by signatures: with it, the wallets' funding chains are followed too (traceFundingChains) */
  parser?: TransactionParser;
}

/** The one Helius method the funding chains need (HeliusClient.getTransactions). */
export interface TransactionParser {
  getTransactions(signatures: readonly string[], options?: { signal?: AbortSignal }): Promise<Map<string, EnhancedTransaction>>;
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
  /**
   * the funding chains: addresses followed upstream (wallets of one owner among the first funders
   * and the funders above them), origins read from the chain now, and reads that failed
   */
  traced: { followed: number; origins: number; failed: number };
  /**
   * the sweep chains: the wallets' largest SOL destinations and the collectors after them followed
   * downstream (fresh addresses, every level), targets read from the chain now, and reads that failed
   */
  swept: { followed: number; targets: number; failed: number };
  /** the SOL destinations group wallets share followed for a deposit address (`traceDeposits`), targets read now, and reads that failed */
  deposits: { followed: number; targets: number; failed: number };
}

/** How long the reads of one step may take by default (refreshCounterpartyActivity's deadlineMs). */
export const COUNTERPARTY_ACTIVITY_DEADLINE_MS = 10_000;

/** …and in a small group's step, a local activity that holds its workflow task meanwhile. */
export const COUNTERPARTY_ACTIVITY_LOCAL_DEADLINE_MS = 3_000;

/** Seconds a counterparty's summary stays fresh: a service stays one, a funding wallet rarely grows past 500 transactions in a day. */
export const COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS = 86_400;

/**
 * Reads and stores the activity of the counterparties that at least two of `wallets` share and that
 * no fresh summary covers; then follows the wallets' funding chains upstream (`traceFundingChains`)
 * within the same deadline. A provider's failure for one address is counted, not thrown: the step
 * then weighs it as before (by its degree). The database's failures and the signal's abort are
 * thrown.
 */
export async function refreshCounterpartyActivity(pool: Pool, source: SignatureSource, wallets: readonly string[], options: CounterpartyActivityOptions): Promise<CounterpartyActivityRefresh> {
  const deadline = AbortSignal.timeout(options.deadlineMs ?? COUNTERPARTY_ACTIVITY_DEADLINE_MS);
  const reader = activityReader(pool, source, options, deadline);
  const known = [...KNOWN_ADDRESSES.keys()];
  const candidates = await sharedCounterparties(pool, wallets, known, options.maxLookups, FUNDING_DEFAULTS.fundingMinLamports);
  // the wallets' first funders, the chains' first level, and their largest SOL destinations, the
  // sweep chains' first level, read with the shared counterparties at once
  const firsts = options.parser === undefined ? [] : await firstFunders(pool, wallets, known, FUNDING_DEFAULTS.fundingMinLamports, options.maxLookups);
  const destinations = options.parser === undefined ? [] : await sweepDestinations(pool, wallets, known, FUNDING_DEFAULTS.fundingMinLamports, options.maxLookups, FUNDING_DEFAULTS.freshMaxTransactions);
  // and the SOL destinations two wallets or more share: an exchange deposit address among them (depositExchange)
  const common = options.parser === undefined ? [] : await commonSweepDestinations(pool, wallets, known, FUNDING_DEFAULTS.fundingMinLamports, depositLookups(options.maxLookups), FUNDING_DEFAULTS.dedicatedMaxTransactions);
  const levelZero = [...new Set([...candidates, ...firsts, ...destinations, ...common])];
  const shared = await reader.read(levelZero);
  const refresh: CounterpartyActivityRefresh = {
    considered: candidates.length,
    ...shared,
    traced: { followed: 0, origins: 0, failed: 0 },
    swept: { followed: 0, targets: 0, failed: 0 },
    deposits: { followed: 0, targets: 0, failed: 0 },
  };
  if (options.parser !== undefined) {
    const parser = options.parser;
    [refresh.traced, [refresh.swept, refresh.deposits]] = await Promise.all([
      traceFundingChains(pool, parser, reader, wallets, firsts, options, deadline),
      // the deposit addresses after the sweep chains: a fresh one both follow is parsed and stored once
      traceSweeps(pool, parser, reader, wallets, destinations, options, deadline).then(async (swept) => [swept, await traceDeposits(pool, parser, reader, common, options, deadline)] as const),
    ]);
  }
  return refresh;
}

/**
 * What the chain says of `addresses` (one page of signatures each, read for those without a summary
 * younger than `maxAgeSeconds`, stored for the next reader), within the deadline: those read, or
 * stored before; an address whose read failed or did not end in time is absent.
 */
export async function readActivities(pool: Pool, source: SignatureSource, addresses: readonly string[], options: Omit<CounterpartyActivityOptions, 'maxLookups' | 'parser'>): Promise<Map<string, CounterpartyActivity>> {
  if (addresses.length === 0) return new Map();
  const reader = activityReader(pool, source, { ...options, maxLookups: addresses.length }, AbortSignal.timeout(options.deadlineMs ?? COUNTERPARTY_ACTIVITY_DEADLINE_MS));
  await reader.read(addresses);
  return loadCounterpartyActivity(pool, addresses, options.maxAgeSeconds);
}

/** Reads the activity of addresses (those without a fresh summary), under the step's deadline. */
function activityReader(pool: Pool, source: SignatureSource, options: CounterpartyActivityOptions, deadline: AbortSignal) {
  const run = pLimit(options.concurrency ?? 8);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  // every request under way listens to it (its connection slot's wait, the request itself)
  setMaxListeners(4 * (options.concurrency ?? 8) + 8, signal);
  return {
    signal,
    /** with `force`, read again whatever is stored */
    async read(addresses: readonly string[], { force = false } = {}): Promise<{ fresh: number; read: number; failed: number }> {
      const stored = force ? new Map<string, CounterpartyActivity>() : await loadCounterpartyActivity(pool, addresses, options.maxAgeSeconds);
      const missing = addresses.filter((c) => !stored.has(c));
      let done = 0;
      let failed = 0;
      await Promise.all(
        missing.map((address) =>
          run(async () => {
            options.signal?.throwIfAborted();
            let page: SignaturePage | null = null;
            try {
              if (!deadline.aborted) page = await source.getSignaturesForAddress(address, { limit: ACTIVITY_PAGE, signal });
            } catch (err) {
              if (options.signal?.aborted) throw options.signal.reason ?? err;
            } finally {
              options.onProgress?.(++done, missing.length);
            }
            if (page === null) failed++;
            else await storeActivityPage(pool, address, page);
          }),
        ),
      );
      return { fresh: stored.size, read: missing.length - failed, failed };
    },
  };
}

type SignaturePage = Array<{ signature?: string; blockTime?: number | null }>;

/** The signatures an activity page asks for (getSignaturesForAddress's largest page). */
const ACTIVITY_PAGE = FUNDING_DEFAULTS.activityPageLimit;

/**
 * Stores what an activity page says of an address: its summary, its newest signatures (as many as a
 * fresh address's whole history: `freshMaxTransactions`), and its oldest when it is the whole history.
 */
async function storeActivityPage(pool: Pool, address: string, page: SignaturePage): Promise<void> {
  const newest = page
    .slice(0, FUNDING_DEFAULTS.freshMaxTransactions)
    .map((s) => s.signature)
    .filter((x): x is string => typeof x === 'string');
  await storeCounterpartyActivity(pool, address, summariseSignatures(page, ACTIVITY_PAGE), ACTIVITY_PAGE, oldestSignatures(page), newest);
}

/**
 * Parses `signatures` (those some synced wallet's history holds from the store, the rest by Helius,
 * 100 to a request, two requests at once) within the deadline; a failed request leaves its
 * signatures out, the others' are kept.
 */
async function parseSignatures(pool: Pool, parser: TransactionParser, signatures: readonly string[], options: CounterpartyActivityOptions, deadline: AbortSignal, signal: AbortSignal): Promise<Map<string, EnhancedTransaction>> {
  const parsed = await storedTransactions(pool, signatures);
  const missing = signatures.filter((sig) => !parsed.has(sig));
  // a request's worth at a time, two at once: what came back before the deadline is kept
  const run = pLimit(2);
  await Promise.all(
    Array.from({ length: Math.ceil(missing.length / PARSE_BATCH) }, (_, i) =>
      run(async () => {
        try {
          if (deadline.aborted) return;
          for (const [sig, tx] of await parser.getTransactions(missing.slice(i * PARSE_BATCH, (i + 1) * PARSE_BATCH), { signal })) parsed.set(sig, tx);
        } catch (err) {
          if (options.signal?.aborted) throw options.signal.reason ?? err;
        }
      }),
    ),
  );
  return parsed;
}

/** Signatures parsed in one request (Helius's `POST /v0/transactions` takes 100). */
const PARSE_BATCH = 100;

/**
 * Follows the wallets' sweeps downstream, one level at a time: of their largest SOL destinations
 * (`sweepDestinations`, their activity already read), those whose whole history is short
 * (`freshActivity`: a deposit address of one wallet's) and whose target no fresh row holds have their
 * whole history parsed (the page's newest signatures; `sweepTargetOf`: who received the most of their
 * outbound SOL, and who funded them first), stored in sweep_targets; the collectors of those a group
 * wallet funded first (`sweepCollectors`), a group wallet among them, have their activity read (the
 * step weighs a collector by it), and those that are fresh in turn (not the group's) are the next
 * level, followed where the address before them funded them first, up to `downstreamHops` fresh
 * addresses in a row (engine 2.7.0: a deposit address forwarding to another fresh address of the
 * operator's).
 */
async function traceSweeps(
  pool: Pool,
  parser: TransactionParser,
  reader: ReturnType<typeof activityReader>,
  wallets: readonly string[],
  destinations: readonly string[],
  options: CounterpartyActivityOptions,
  deadline: AbortSignal,
): Promise<{ followed: number; targets: number; failed: number }> {
  const out = { followed: 0, targets: 0, failed: 0 };
  const group = new Set(wallets);
  const seen = new Set([...wallets, ...KNOWN_ADDRESSES.keys(), ...destinations]);
  let level = [...destinations];
  // a destination first funded by a group wallet, further down by the address before it (sweepCollectors)
  let fundedBy = (_address: string, funder: string): boolean => group.has(funder);
  for (let depth = 0; level.length > 0 && !deadline.aborted; depth++) {
    const reached = sweepCollectors(await sweepTargetsOf(pool, parser, reader, level, options, deadline, out), fundedBy);
    const collectors = [...reached.keys()].filter((c) => !KNOWN_ADDRESSES.has(c)).slice(0, options.maxLookups);
    if (collectors.length === 0 || deadline.aborted) break;
    out.failed += (await reader.read(collectors)).failed;
    if (depth + 1 >= FUNDING_DEFAULTS.downstreamHops) break;
    level = collectors.filter((c) => !seen.has(c));
    for (const c of level) seen.add(c);
    fundedBy = (address, funder) => reached.get(address)?.includes(funder) ?? false;
  }
  return out;
}

/** The shared SOL destinations read for a deposit address: a quarter of the lookups (each parses up to 20 transactions). */
function depositLookups(maxLookups: number): number {
  return Math.ceil(maxLookups / 4);
}

/**
 * Reads where the SOL destinations that group wallets share (`commonSweepDestinations`, at most
 * `depositLookups`, their activity already read) pass their SOL on, when their whole history is a
 * wallet of one owner's (`counterpartyActivityClass` dedicated): their newest transactions parsed
 * (those the sweep chains stored just before are not parsed again), their target (with
 * `passThrough`) stored in sweep_targets, and the activity read of where those that pass their SOL
 * on send it (a busy service makes the destination an exchange's deposit address:
 * `depositExchange`, engine 2.7.0).
 */
async function traceDeposits(
  pool: Pool,
  parser: TransactionParser,
  reader: ReturnType<typeof activityReader>,
  common: readonly string[],
  options: CounterpartyActivityOptions,
  deadline: AbortSignal,
): Promise<{ followed: number; targets: number; failed: number }> {
  const out = { followed: 0, targets: 0, failed: 0 };
  if (common.length === 0 || deadline.aborted) return out;
  const targets = await sweepTargetsOf(pool, parser, reader, common, options, deadline, out, (activity) => counterpartyActivityClass(activity) === 'dedicated');
  const collectors = [...new Set([...targets.values()].flatMap((t) => (t === null || !t.passThrough || KNOWN_ADDRESSES.has(t.collector) ? [] : [t.collector])))];
  if (collectors.length > 0 && !deadline.aborted) out.failed += (await reader.read(collectors)).failed;
  return out;
}

/**
 * The sweep targets of the addresses among `addresses` (their activity read) that `follow` takes
 * (default: the fresh ones): those stored within `maxAgeSeconds`, the others from their newest
 * transactions (a fresh address's whole history), parsed and stored; `out` counts them. A row stored
 * before `passThrough` was kept is read again.
 */
async function sweepTargetsOf(
  pool: Pool,
  parser: TransactionParser,
  reader: ReturnType<typeof activityReader>,
  addresses: readonly string[],
  options: CounterpartyActivityOptions,
  deadline: AbortSignal,
  out: { followed: number; targets: number; failed: number },
  follow: (activity: CounterpartyActivity | undefined) => boolean = freshActivity,
): Promise<Map<string, SweepTarget | null>> {
  const summaries = await loadCounterpartyActivity(pool, addresses);
  let fresh = addresses.filter((a) => follow(summaries.get(a)));
  const targets = await loadSweepTargets(pool, fresh, options.maxAgeSeconds);
  for (const [a, t] of targets) if (t !== null && t.passThrough === undefined) targets.delete(a);
  let unread = fresh.filter((a) => !targets.has(a));
  // an address's newest signatures are kept with its summary (a fresh address's whole history); a
  // summary stored before they were kept is read again (and followed only if `follow` still takes it)
  let history = await loadNewestSignatures(pool, unread);
  const kept = unread.filter((a) => !history.has(a));
  if (kept.length > 0 && !deadline.aborted) {
    await reader.read(kept, { force: true });
    const again = await loadCounterpartyActivity(pool, kept);
    for (const [a, activity] of again) summaries.set(a, activity);
    const grown = new Set(kept.filter((a) => again.has(a) && !follow(again.get(a))));
    fresh = fresh.filter((a) => !grown.has(a));
    unread = unread.filter((a) => !grown.has(a));
    history = await loadNewestSignatures(pool, unread);
  }
  out.followed += fresh.length;
  const parsed = await parseSignatures(pool, parser, [...history.values()].flat(), options, deadline, reader.signal);
  const read: Array<[string, SweepTarget | null]> = [];
  for (const address of unread) {
    const sigs = history.get(address);
    // an address whose history was not read, or did not all come back, is not stored: a later step asks again
    if (sigs === undefined || sigs.some((sig) => !parsed.has(sig))) out.failed++;
    else read.push([address, sweepTargetOf(address, sigs.map((sig) => parsed.get(sig)!), { wholeHistory: freshActivity(summaries.get(address)) })]);
  }
  await storeSweepTargets(pool, read);
  for (const [address, target] of read) targets.set(address, target);
  out.targets += read.length;
  return targets;
}

/** The oldest signatures of a whole history (a page shorter than its limit), oldest first; null for a full page. */
function oldestSignatures(page: SignaturePage): string[] | null {
  if (page.length >= ACTIVITY_PAGE) return null;
  return page
    .slice(-FUNDING_DEFAULTS.originSignatures)
    .map((s) => s.signature)
    .filter((x): x is string => typeof x === 'string')
    .reverse();
}

/**
 * Follows the wallets' funding chains upstream, one level at a time: the wallets' first funders (at
 * most `maxLookups`, those that funded the most of the group first), their activity already read;
 * for each that is a wallet of one owner (its whole history short: `counterpartyActivityClass`) and
 * whose origin is not stored, its oldest transactions (from the store when a synced history holds
 * them, else parsed by Helius, 100 to a request) give its first funder (`fundingOriginOf`), stored;
 * those funders are the next level, their activity read (the step weighs the one the chains meet at
 * by it), up to `upstreamHops` above the first funders. A wallet of the group that a chain reaches
 * is not followed, but its activity is read: it funded another wallet through fresh wallets
 * (engine 2.4.0, `indirect-transfer`), and weighs as the top of chains by what the chain says of it.
 */
async function traceFundingChains(
  pool: Pool,
  parser: TransactionParser,
  reader: ReturnType<typeof activityReader>,
  wallets: readonly string[],
  firsts: readonly string[],
  options: CounterpartyActivityOptions,
  deadline: AbortSignal,
): Promise<{ followed: number; origins: number; failed: number }> {
  const skip = new Set([...wallets, ...KNOWN_ADDRESSES.keys()]);
  const group = new Set(wallets);
  /** group wallets a chain reached (read once, with the next level) */
  const reached = new Set<string>();
  let tops: string[] = [];
  let level = [...firsts];
  const out = { followed: 0, origins: 0, failed: 0 };
  for (let depth = 0; (level.length > 0 || tops.length > 0) && !deadline.aborted; depth++) {
    for (const a of level) skip.add(a);
    // the first level was read with the shared counterparties; the group wallets the last level's
    // origins reached are read with this one (a wallet of the group that funded another's chain
    // tops it: what the chain says of it weighs it there, as for any upstream funder; its own chain
    // is its own, not followed from here)
    if (depth > 0) out.failed += (await reader.read([...level, ...tops])).failed;
    tops = [];
    if (depth >= FUNDING_DEFAULTS.upstreamHops || level.length === 0) break;
    const summaries = await loadCounterpartyActivity(pool, level);
    const dedicated = level.filter((a) => counterpartyActivityClass(summaries.get(a)) === 'dedicated');
    const origins = await loadFundingOrigins(pool, dedicated);
    const oldest = await loadOldestSignatures(pool, dedicated.filter((a) => !origins.has(a)));
    out.followed += dedicated.length;
    // what some synced wallet's history already holds is not asked for again (a funder's oldest
    // transaction is often its funding of a group wallet, or a sibling's)
    const parsed = await parseSignatures(pool, parser, [...oldest].flatMap(([, sigs]) => sigs), options, deadline, reader.signal);
    for (const [address, sigs] of oldest) {
      // an address whose oldest transactions did not all come back (a failed request, or one the
      // provider left out or that failed validation) is not stored: its origin is kept for good,
      // and a later step asks again
      if (sigs.some((sig) => !parsed.has(sig))) {
        out.failed++;
        continue;
      }
      const txs = sigs.map((sig) => parsed.get(sig)).filter((tx): tx is EnhancedTransaction => tx !== undefined);
      const origin = fundingOriginOf(address, txs);
      await storeFundingOrigin(pool, address, origin);
      origins.set(address, origin);
      out.origins++;
    }
    const next = new Set<string>();
    for (const a of dedicated) {
      const funder = origins.get(a)?.funder;
      if (funder === undefined) continue;
      if (!skip.has(funder)) next.add(funder);
      else if (group.has(funder) && !reached.has(funder) && reached.size < options.maxLookups) {
        // at most maxLookups group wallets in all
        reached.add(funder);
        tops.push(funder);
      }
    }
    level = [...next].slice(0, options.maxLookups);
  }
  return out;
}

/** The reads ahead under way in this process (readFirstFunderActivity, readSweepDestinationActivity), by address. */
const aheadReads = new SingleFlight<string, boolean>();

/** How long a sync waits at most for its wallet's first funder's activity (readFirstFunderActivity). */
export const FIRST_FUNDER_READ_DEADLINE_MS = 2_000;

interface ReadAheadOptions {
  maxAgeSeconds: number;
  deadlineMs?: number;
  signal?: AbortSignal;
}

/**
 * After a wallet's sync: its first funder (now known) and what the chain says of it, read and stored
 * unless a fresh summary exists, so that the similarity step finds the first level of the funding
 * chains stored instead of reading every first funder of its group after the last sync (measured:
 * 0.5 s of a 20-wallet step, 5 s of a 1,000-wallet one; docs/benchmarks.md, thirty-sixth session).
 * The read overlaps the other wallets' syncs, which wait on Helius, not on the RPC. Never throws but
 * for the signal's abort: a failure or the deadline leaves the read to the step. Returns whether a
 * read was made.
 */
export async function readFirstFunderActivity(pool: Pool, source: SignatureSource, wallet: string, options: ReadAheadOptions): Promise<boolean> {
  return readAhead(pool, source, options, async () => (await firstFunders(pool, [wallet], [...KNOWN_ADDRESSES.keys()], FUNDING_DEFAULTS.fundingMinLamports, 1))[0]);
}

/**
 * After a wallet's sync, the same for its largest SOL destination (`sweepDestinations`), the first
 * level of its sweep chain (engine 2.6.0).
 */
export async function readSweepDestinationActivity(pool: Pool, source: SignatureSource, wallet: string, options: ReadAheadOptions): Promise<boolean> {
  return readAhead(pool, source, options, async () => (await sweepDestinations(pool, [wallet], [...KNOWN_ADDRESSES.keys()], FUNDING_DEFAULTS.fundingMinLamports, 1, FUNDING_DEFAULTS.freshMaxTransactions))[0]);
}

async function readAhead(pool: Pool, source: SignatureSource, options: ReadAheadOptions, addressOf: () => Promise<string | undefined>): Promise<boolean> {
  try {
    const address = await addressOf();
    if (address === undefined) return false;
    // wallets one funder funded finish their syncs together: one read for them all in this process,
    // which a sync joining it waits for (or for its own cancellation), and made by the one that began it
    const { value, shared } = await aheadReads.run(
      address,
      async (flight) => {
        if ((await loadCounterpartyActivity(pool, [address], options.maxAgeSeconds)).has(address)) return false;
        const signal = AbortSignal.any([flight, AbortSignal.timeout(options.deadlineMs ?? FIRST_FUNDER_READ_DEADLINE_MS)]);
        await storeActivityPage(pool, address, await source.getSignaturesForAddress(address, { limit: ACTIVITY_PAGE, signal }));
        return true;
      },
      options.signal,
    );
    return value && !shared;
  } catch (err) {
    if (options.signal?.aborted) throw options.signal.reason ?? err;
    return false;
  }
}
