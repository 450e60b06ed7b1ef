// A token request's group: page through the mint's token accounts (Helius getProgramAccountsV2, or
// DAS getTokenAccounts on an RPC without it),
// rank owners and leave out the ones that are not ordinary wallets (src/domain/holders/rank.ts), keep
// the top N, and record them on the analyses row, with the token's launch (read once per token:
// src/activities/token-launch.ts). docs/analytics.md, "Analysing a token's holders".
import { Context, log } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import pLimit from 'p-limit';
import { counterpartyActivityClass } from '../domain/detection/funding';
import { OwnerTally, leaveOutServices, rankedOwners, selectFromTallyYielding, type RankedOwners, selectTopHoldersYielding, withLargestAccounts, type ExcludedHolder, type ExclusionReason, type HolderSelection } from '../domain/holders/rank';
import { isOnCurve } from '../domain/holders/on-curve';
import { COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS, readActivities } from './counterparty-activity';
import { holderRequestOf, recordTokenHolders } from '../store/analyses';
import { describeFailure } from '../errors';
import { withinDeadline } from '../deadline';
import type { ActivityDeps, ActivitySettings } from './deps';
import { withLivenessHeartbeat } from './heartbeat';
import { readTokenLaunch, type TokenLaunchRead } from './token-launch';
import { withQuickRetries } from './quick-retries';
import { SingleFlight } from './single-flight';
import { InvalidRequestError, UnsupportedMethodError } from '../providers/errors';
import { MAX_PROGRAM_ACCOUNTS_PER_PAGE } from '../providers/helius';
import type { TokenAccountsResult } from '../providers/helius';
import type { DasTokenAccount } from '../providers/schemas';

/** A scan stopped at its page cap: the mint's largest accounts read besides, how many the pages had not listed, or why they could not be read. */
export interface LargestAccountsRead {
  read: number;
  added: number;
  unread?: string;
}

/**
 * The token's accounts as read, past the page cap with its largest accounts: DAS's pages (the accounts
 * kept, ranked by selectTopHolders), or getProgramAccountsV2's (summed per owner as they came).
 */
type HolderScan = { pages: number; complete: boolean; largest?: LargestAccountsRead } & ({ accounts: TokenAccountsResult['accounts'] } | { owners: RankedOwners; emptyAccounts: number; unorderedListings: number });

/**
 * Pages of 1,000 accounts read at most (100,000 accounts; 100 DAS requests, 10 s at 10 requests per
 * second). DAS lists accounts by address, not by amount, so for a token with more accounts the
 * ranking covers the accounts read only: the result says `complete: false`.
 */
export const MAX_HOLDER_PAGES = 100;

/**
 * Pages of getProgramAccountsV2 read at most, 10,000 accounts each (500,000 accounts in 50 requests,
 * where DAS's 100 pages read 100,000): the scan of a Helius RPC. The accounts are summed per owner as
 * they come, so a page's accounts are not held; the owners are (about 180 bytes each).
 */
export const MAX_PROGRAM_ACCOUNT_PAGES = 50;

/**
 * Scans of different tokens a worker process runs at once; the others wait their turn (heartbeating).
 * A scan at its cap holds about 90 MB of owners (docs/benchmarks.md, fifty-first session), and the
 * worker's heap is 384 MB: two at once stay within it beside the rest of its work.
 */
export const HOLDER_SCANS_AT_ONCE = 2;

/**
 * How long a holder step waits for one of those scan slots before it gives up its attempt (a
 * retryable `HolderScansBusy` failure, retried HOLDER_SCANS_BUSY_RETRY_DELAY_MS later, on whichever
 * worker takes it): a step queued behind other tokens' scans would otherwise spend its start-to-close
 * timeout waiting, and hold one of the provider queue's activity slots (its wallet syncs') meanwhile.
 * The workflow's schedule-to-close timeout for the step (HOLDER_STEP_RETRY_TIMEOUT) bounds the retries.
 */
export const HOLDER_SCAN_SLOT_WAIT_MS = 60_000;
export const HOLDER_SCANS_BUSY_RETRY_DELAY_MS = 20_000;
export const HOLDER_SCANS_BUSY = 'HolderScansBusy';

/**
 * The first pages of getProgramAccountsV2 looked at for how full they come back: a provider that cuts
 * its pages from the whole token program and filters the mint's accounts after (as its docs allow:
 * "fewer accounts than your limit because of filtering") would walk hundreds of millions of accounts
 * for a few of the mint's. Pages that list less than SPARSE_PAGE_SHARE of what they asked for, over
 * these pages with more to come, make the scan DAS's (a scan of the mint's accounts only).
 */
export const SPARSE_CHECK_PAGES = 3;
export const SPARSE_PAGE_SHARE = 0.1;

/** Thrown by a scan's page callback to end a getProgramAccountsV2 scan whose pages come back sparse. */
class SparsePages extends Error {}

/**
 * The largest candidates whose activity on chain is read (one getSignaturesForAddress page each,
 * kept a day) to leave out busy services the list of known addresses does not name: exchanges and
 * market makers hold the most, and their histories are millions of transactions.
 */
export const HOLDER_SERVICE_CHECKS = 100;

/** How long those reads may take in all: an owner not read by then is kept. */
export const HOLDER_SERVICE_CHECK_DEADLINE_MS = 15_000;

/**
 * How long a token's result (its group and how it was chosen) is kept in Redis for the same API
 * key's later analyses of the token and `top` (HOLDER_CACHE_SECONDS; 0 keeps none): an analyst runs
 * a token's analysis again within minutes (other weights, window or threshold), and each scan is up
 * to 50 getProgramAccountsV2 pages (100 DAS pages). The result says when its accounts were read
 * (`scannedAt`); a request with `sync: 'force'` scans afresh. Another key's analyses do not take it:
 * its `scannedAt` would tell them that someone analysed the token.
 */
export const DEFAULT_HOLDER_CACHE_SECONDS = 120;

/** A token's scan under the worker's page settings: analyses of one key share a scan under way, and a kept result. */
export function holderScanKey(token: string, settings: ActivitySettings): string {
  return [token, settings.maxHolderPages ?? MAX_HOLDER_PAGES, settings.maxProgramAccountPages ?? '', settings.programAccountsPageSize ?? ''].join(':');
}

/** The Redis key of a token's kept result: the result's shape (v1), the API key's id, the scan's key (the token and the page caps) and `top`. */
export const holderResultKey = (ownerKeyId: string | null, scanKey: string, top: number): string => `holders:result:v1:${ownerKeyId ?? 'open'}:${scanKey}:${top}`;

export interface TokenHoldersResult {
  /** the group: the top eligible owners, sorted by address (the analysis's wallet order) */
  wallets: string[];
  token: string;
  top: number;
  pages: number;
  complete: boolean;
  /** an incomplete scan: the mint's largest accounts read besides (docs/analytics.md, "Analysing a token's holders") */
  largestAccounts?: LargestAccountsRead;
  accountsSeen: number;
  ownersSeen: number;
  /** present when fewer than ownersSeen: the largest owners the exclusion rules were tested on, which `eligible` and `excludedCounts` count (MAX_OWNERS_TESTED) */
  ownersTested?: number;
  eligible: number;
  selected: number;
  excludedCounts: Record<ExclusionReason, number>;
  excluded: ExcludedHolder[];
  /**
   * the token's launch (its oldest successful transaction), where a bundle in the creation block
   * shows; null with `launchUnread` saying why when it could not be read (the analysis goes on)
   */
  launch: { signature: string; slot: number; timestamp: number } | null;
  launchUnread?: string;
  /** when the token's accounts were read (ISO 8601): earlier than the analysis when its result was kept from an analysis of the same token and `top` within HOLDER_CACHE_SECONDS */
  scannedAt: string;
}

/** How long the kept results' Redis may take to answer a read or a write: past it the read is a miss (the step scans), the write is skipped. */
export const HOLDER_CACHE_ANSWER_MS = 2_000;

/**
 * Keeps a result unless the one kept already was scanned later (an analysis that scanned before a
 * `sync: 'force'` one, and finished after it, does not replace the newer result): KEYS[1] the key,
 * ARGV the result's JSON, its scannedAt (ISO 8601, so later is larger as text) and its seconds left.
 */
const KEEP_IF_NEWER = `
local kept = redis.call('GET', KEYS[1])
if kept then
  local ok, value = pcall(cjson.decode, kept)
  if ok and type(value) == 'table' and type(value.scannedAt) == 'string' and value.scannedAt > ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

/** A kept result read back: its shape checked, since Redis holds what an older or newer worker wrote too. */
function isKeptResult(value: unknown, token: string, top: number): value is TokenHoldersResult {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<TokenHoldersResult>;
  return r.token === token && r.top === top && Array.isArray(r.wallets) && typeof r.scannedAt === 'string' && typeof r.excludedCounts === 'object' && r.excludedCounts !== null && Array.isArray(r.excluded);
}

export function createHolderActivities(deps: ActivityDeps) {
  const { pool, holders, helius, settings } = deps;
  // analyses of one token at the same moment (users asking about the token of the hour, with their
  // own `top`) share one scan in this process: 50 requests each would share the Helius budget
  const scans = new SingleFlight<string, HolderScan & { scannedAt: number }>();
  const cacheSeconds = settings.holderCacheSeconds ?? DEFAULT_HOLDER_CACHE_SECONDS;
  /**
   * Where the analysis's result is kept (null: nowhere, HOLDER_CACHE_SECONDS 0), and a result kept
   * from its API key's earlier analysis of the token and `top`, unless it asks for a fresh scan; a
   * cache that cannot be read is a miss.
   */
  async function keptResult(analysisId: string, token: string, top: number, scanKey: string): Promise<{ cacheKey: string | null; kept: TokenHoldersResult | null }> {
    if (cacheSeconds <= 0) return { cacheKey: null, kept: null };
    const request = await holderRequestOf(pool, analysisId);
    // no row (an activity run outside an analysis): whose it is cannot be told, so nothing is shared
    if (request === null) return { cacheKey: null, kept: null };
    const cacheKey = holderResultKey(request.ownerKeyId, scanKey, top);
    if (request.fresh) return { cacheKey, kept: null };
    try {
      const text = await withinDeadline(HOLDER_CACHE_ANSWER_MS, 'Redis', () => deps.redis.get(cacheKey));
      const kept: unknown = text === null ? null : JSON.parse(text);
      // (a result kept under a longer HOLDER_CACHE_SECONDS than today's is as old as today's allows)
      const fresh = isKeptResult(kept, token, top) && Date.now() - Date.parse(kept.scannedAt) <= cacheSeconds * 1000;
      return { cacheKey, kept: fresh ? (kept as TokenHoldersResult) : null };
    } catch (err) {
      log.warn('token holders: the kept results could not be read; scanning', { analysisId, token, err: describeFailure(err) });
      return { cacheKey, kept: null };
    }
  }
  async function keepResult(result: TokenHoldersResult, cacheKey: string | null): Promise<void> {
    if (cacheKey === null) return;
    // kept for what is left of its time: a result taken from a shared scan is as old as the scan
    const left = Math.ceil(cacheSeconds - (Date.now() - Date.parse(result.scannedAt)) / 1000);
    if (left <= 0) return;
    await withinDeadline(HOLDER_CACHE_ANSWER_MS, 'Redis', () => deps.redis.eval(KEEP_IF_NEWER, 1, cacheKey, JSON.stringify(result), result.scannedAt, left)).catch((err: unknown) =>
      log.warn('token holders: the result could not be kept for later analyses', { token: result.token, err: describeFailure(err) }),
    );
  }
  const scanSlots = pLimit(HOLDER_SCANS_AT_ONCE);
  /**
   * Each scan's owners tested on the curve so far, shared by the analyses that share the scan: the
   * test is about 90 µs an owner (9 s for 100,000), which each of them would spend again.
   */
  const curveTests = new WeakMap<HolderScan, Map<string, boolean>>();
  const isWalletOf = (scan: HolderScan): ((owner: string) => boolean) => {
    let tested = curveTests.get(scan);
    if (tested === undefined) curveTests.set(scan, (tested = new Map()));
    const known = tested;
    return (owner) => {
      let wallet = known.get(owner);
      if (wallet === undefined) known.set(owner, (wallet = isOnCurve(owner)));
      return wallet;
    };
  };
  /**
   * A scan stopped at its page cap: the mint's largest accounts read besides (two requests) and
   * merged into it (`merge` says how many it had not listed). Neither DAS nor getProgramAccountsV2
   * lists accounts by amount, so the largest holders may lie past the pages. If they cannot be read
   * (after the quick retries) the ranking covers the pages, and says why.
   */
  async function besidesLargest(mint: string, signal: AbortSignal, merge: (largest: DasTokenAccount[]) => number): Promise<LargestAccountsRead> {
    try {
      const largest = await withQuickRetries(() => holders.getLargestTokenAccounts(mint, signal), signal);
      return { read: largest.length, added: merge(largest) };
    } catch (err) {
      if (signal.aborted) throw err;
      return { read: 0, added: 0, unread: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }
  /**
   * The scan by Helius's getProgramAccountsV2: 10,000 accounts a request, summed per owner as they
   * come; past its page cap, with the mint's largest accounts besides. Null when the holder source
   * has no such scan, or the RPC does not serve the method (`-32601`, on whichever request: a
   * balancer may send one page to a node without it): the DAS pages are then the scan, and what
   * this one summed is dropped.
   */
  async function scanByProgramAccounts(mint: string, progress: { pages: number }, signal: AbortSignal): Promise<HolderScan | null> {
    if (holders.scanProgramAccounts === undefined) return null;
    const tally = new OwnerTally({ trackListings: true });
    const limit = settings.programAccountsPageSize ?? MAX_PROGRAM_ACCOUNTS_PER_PAGE;
    let listed = 0;
    let scanned;
    try {
      scanned = await holders.scanProgramAccounts(mint, {
        maxPages: settings.maxProgramAccountPages ?? MAX_PROGRAM_ACCOUNT_PAGES,
        limit,
        onAccount: (a) => tally.add(a),
        onPage: (page, accounts) => {
          progress.pages = page;
          listed += accounts;
          // called before the scan asks for the next page: only a walk with more to come is judged
          if (page === SPARSE_CHECK_PAGES && listed < SPARSE_PAGE_SHARE * limit * page) throw new SparsePages(`${listed} accounts in ${page} pages of ${limit}`);
        },
        signal,
        readPage: (read) => withQuickRetries(read, signal),
      });
    } catch (err) {
      // an RPC without the method (on any page: a balancer may send one to a node without it), one
      // that refuses the request as sent (on its first page), or pages cut from the whole program
      const why =
        err instanceof UnsupportedMethodError
          ? 'the RPC does not serve getProgramAccountsV2'
          : err instanceof InvalidRequestError && progress.pages === 0
            ? `the RPC refused getProgramAccountsV2 (${err.message})`
            : err instanceof SparsePages
              ? `getProgramAccountsV2's pages came back sparse (${err.message}): cut from the whole program, not the mint's accounts`
              : null;
      if (why === null) throw err;
      log.info(`token holders: ${why}; scanning by DAS pages`, { token: mint, pagesRead: progress.pages });
      progress.pages = 0;
      return null;
    }
    if (tally.unorderedListings > 0) log.warn('token holders: getProgramAccountsV2 listed accounts out of address order (an owner may be counted twice)', { token: mint, unorderedListings: tally.unorderedListings });
    const largest = scanned.complete ? undefined : await besidesLargest(mint, signal, (read) => tally.withLargest(read));
    // the largest owners, ranked, and the counts: the tally itself is not kept past the scan's slot
    return { pages: scanned.pages, complete: scanned.complete, ...(largest === undefined ? {} : { largest }), owners: rankedOwners(tally), emptyAccounts: tally.emptyAccounts, unorderedListings: tally.unorderedListings };
  }
  /**
   * The selection without the busy services among its largest candidates (twice `top`, at most
   * HOLDER_SERVICE_CHECKS), as
   * their activity on chain says (read now, or within the day by any analysis); without an RPC to
   * ask, or for a candidate not read in time, the selection is kept as it is.
   */
  async function withoutServices(candidates: HolderSelection, top: number, signal: AbortSignal): Promise<HolderSelection> {
    if (deps.signatures === undefined) return leaveOutServices(candidates, top, () => false);
    // the largest, twice the group at most: a top 10 does not read a hundred owners' pages
    const checked = candidates.holders.slice(0, Math.min(HOLDER_SERVICE_CHECKS, 2 * top)).map((h) => h.owner);
    const activity = await readActivities(pool, deps.signatures, checked, { maxAgeSeconds: COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS, deadlineMs: HOLDER_SERVICE_CHECK_DEADLINE_MS, signal });
    return leaveOutServices(candidates, top, (owner) => counterpartyActivityClass(activity.get(owner)) === 'service');
  }
  /** the scan under way for a key: pages read so far (every analysis sharing it heartbeats them) */
  const scanProgress = new Map<string, { pages: number; flight: AbortSignal }>();
  /**
   * One scan of a token's accounts, in its turn among the scans of this process: by
   * getProgramAccountsV2, or DAS's pages on an RPC without it; past its page cap, with the mint's
   * largest accounts besides. A page that fails (a 429, a 5xx) is read again in place, a few times,
   * before the attempt fails: Temporal's retry of the attempt starts the scan again from its first page.
   */
  async function scanToken(token: string, maxPages: number, key: string, signal: AbortSignal): Promise<HolderScan> {
    signal.throwIfAborted();
    // its own record: a scan dropped by its last caller may still unwind while the next one runs
    const progress = { pages: 0, flight: signal };
    scanProgress.set(key, progress);
    try {
      const byProgram = await scanByProgramAccounts(token, progress, signal);
      if (byProgram !== null) return byProgram;
      const pages = await holders.getTokenAccounts(token, { maxPages, onPage: (page) => void (progress.pages = page), signal, readPage: (read) => withQuickRetries(read, signal) });
      if (pages.complete) return pages;
      let accounts = pages.accounts;
      const largest = await besidesLargest(token, signal, (read) => {
        const merged = withLargestAccounts(pages.accounts, read);
        accounts = merged.accounts;
        return merged.added;
      });
      return { ...pages, accounts, largest };
    } finally {
      if (scanProgress.get(key) === progress) scanProgress.delete(key);
    }
  }
  /**
   * `join` (a scan, or a place in its queue) given a signal that also aborts when no scan of `key` has
   * started within the slot wait: then this attempt leaves the queue (a scan no one else waits for
   * is dropped before it starts) and fails retryably, its activity slot given back meanwhile.
   */
  async function waitingForSlot<T>(key: string, cancelled: AbortSignal, join: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const waitMs = settings.holderScanSlotWaitMs ?? HOLDER_SCAN_SLOT_WAIT_MS;
    const busy = new AbortController();
    let flight: AbortSignal | undefined;
    // started: this waiter's own flight scans (not an older one of the key, dropped and still unwinding)
    const timer = setTimeout(() => {
      if (flight === undefined || scanProgress.get(key)?.flight !== flight) busy.abort(new Error('no scan slot'));
    }, waitMs);
    try {
      const joined = join(AbortSignal.any([cancelled, busy.signal]));
      // join's run (SingleFlight) starts or joins the key's flight before its first await
      flight = scans.runSignal(key);
      return await joined;
    } catch (err) {
      if (!busy.signal.aborted || cancelled.aborted) throw err;
      throw ApplicationFailure.create({
        type: HOLDER_SCANS_BUSY,
        message: `this worker's ${HOLDER_SCANS_AT_ONCE} holder scans were taken by other tokens for ${Math.round(waitMs / 1000)} s: the step is retried in ${HOLDER_SCANS_BUSY_RETRY_DELAY_MS / 1000} s`,
        nextRetryDelay: HOLDER_SCANS_BUSY_RETRY_DELAY_MS,
        // expected under load: logged by the worker at debug, not as a failure
        category: ApplicationFailureCategory.BENIGN,
      });
    } finally {
      clearTimeout(timer);
    }
  }
  return {
    /** The token's top eligible holders, recorded on the analysis's row. */
    async resolveTokenHolders(input: { analysisId: string; token: string; top: number }): Promise<TokenHoldersResult> {
      const maxPages = settings.maxHolderPages ?? MAX_HOLDER_PAGES;
      const key = holderScanKey(input.token, settings);
      let pagesRead = 0;
      return withLivenessHeartbeat(
        () => ({ pages: scanProgress.get(key)?.pages ?? pagesRead }),
        async () => {
          const { cacheKey, kept } = await keptResult(input.analysisId, input.token, input.top, key);
          if (kept !== null) {
            const { wallets, ...summary } = kept;
            await recordTokenHolders(pool, input.analysisId, wallets, summary);
            log.info('token holders: kept from an earlier scan', { analysisId: input.analysisId, token: input.token, scannedAt: kept.scannedAt, selected: wallets.length });
            return kept;
          }
          // a cancelled analysis drops the page on its way (the shared scan stops once no analysis waits for it)
          const signal = Context.current().cancellationSignal;
          const { value: scan, shared } = await waitingForSlot(key, signal, (waiting) =>
            scans.run(
              key,
              (scanSignal) => scanSlots(() => scanToken(input.token, maxPages, key, scanSignal)).then((read) => ({ ...read, scannedAt: Date.now() })),
              waiting,
            ),
          );
          pagesRead = scan.pages;
          if (shared) log.info('token holders: joined a scan under way', { analysisId: input.analysisId, token: input.token, pages: scan.pages });
          // the curve test of every owner is CPU (seconds for 100,000 owners): the event loop turns
          // between slices of it, so that heartbeats and the worker's other activities go on
          // candidates past the top, to take the places of the services among the largest
          const candidates =
            'owners' in scan
              ? await selectFromTallyYielding(scan.owners, { top: input.top + HOLDER_SERVICE_CHECKS, isWallet: isWalletOf(scan) })
              : await selectTopHoldersYielding(
                  scan.accounts.map((a) => ({ address: a.address, owner: a.owner, amount: a.amount })),
                  { top: input.top + HOLDER_SERVICE_CHECKS, isWallet: isWalletOf(scan) },
                );
          const selection = await withoutServices(candidates, input.top, signal);
          // no group, no analysis (the workflow fails it, saying why): nothing to read the launch for,
          // and an address that is not a mint (a wallet's) would have its oldest transaction kept as a launch
          const launch: TokenLaunchRead =
            selection.holders.length < 2 ? { launch: null, reason: 'not read: the token has fewer than 2 eligible holders' } : await readTokenLaunch(pool, helius, input.token, signal);
          const result: TokenHoldersResult = {
            wallets: selection.holders.map((h) => h.owner).sort(),
            token: input.token,
            top: input.top,
            pages: scan.pages,
            complete: scan.complete,
            ...(scan.largest === undefined ? {} : { largestAccounts: scan.largest }),
            accountsSeen: selection.accountsSeen,
            ownersSeen: selection.ownersSeen,
            ...(selection.ownersTested < selection.ownersSeen ? { ownersTested: selection.ownersTested } : {}),
            eligible: selection.eligible,
            selected: selection.holders.length,
            excludedCounts: selection.excludedCounts,
            excluded: selection.excluded,
            launch: launch.launch,
            ...(launch.launch === null ? { launchUnread: launch.reason } : {}),
            scannedAt: new Date(scan.scannedAt).toISOString(),
          };
          const { wallets, ...summary } = result;
          await recordTokenHolders(pool, input.analysisId, wallets, summary);
          await keepResult(result, cacheKey);
          log.info('token holders resolved', { analysisId: input.analysisId, token: input.token, pages: scan.pages, complete: scan.complete, largestAccounts: scan.largest, owners: selection.ownersSeen, selected: wallets.length, repeatedListings: selection.repeatedListings, ...('owners' in scan ? { emptyAccounts: scan.emptyAccounts, unorderedListings: scan.unorderedListings } : {}), launchSlot: launch.launch?.slot ?? null, launchUnread: launch.launch === null ? launch.reason : undefined });
          return result;
        },
      );
    },
  };
}

export type HolderActivities = ReturnType<typeof createHolderActivities>;
