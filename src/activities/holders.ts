// A token request's group: page through the mint's token accounts (Helius DAS getTokenAccounts),
// rank owners and leave out the ones that are not ordinary wallets (src/domain/holders/rank.ts), keep
// the top N, and record them on the analyses row, with the token's launch (read once per token:
// src/activities/token-launch.ts). docs/analytics.md, "Analysing a token's holders".
import { Context, log } from '@temporalio/activity';
import { counterpartyActivityClass } from '../domain/detection/funding';
import { leaveOutServices, selectTopHoldersYielding, withLargestAccounts, type ExcludedHolder, type ExclusionReason, type HolderSelection } from '../domain/holders/rank';
import { COUNTERPARTY_ACTIVITY_MAX_AGE_SECONDS, readActivities } from './counterparty-activity';
import { recordTokenHolders } from '../store/analyses';
import type { ActivityDeps } from './deps';
import { withLivenessHeartbeat } from './heartbeat';
import { readTokenLaunch, type TokenLaunchRead } from './token-launch';
import { withQuickRetries } from './quick-retries';
import { SingleFlight } from './single-flight';
import type { TokenAccountsResult } from '../providers/helius';

/** A scan stopped at its page cap: the mint's largest accounts read besides, how many the pages had not listed, or why they could not be read. */
export interface LargestAccountsRead {
  read: number;
  added: number;
  unread?: string;
}

/** The token's accounts as read: its pages, and past the page cap its largest accounts. */
type HolderScan = TokenAccountsResult & { largest?: LargestAccountsRead };

/**
 * Pages of 1,000 accounts read at most (100,000 accounts; 100 DAS requests, 10 s at 10 requests per
 * second). DAS lists accounts by address, not by amount, so for a token with more accounts the
 * ranking covers the accounts read only: the result says `complete: false`.
 */
export const MAX_HOLDER_PAGES = 100;

/**
 * The largest candidates whose activity on chain is read (one getSignaturesForAddress page each,
 * kept a day) to leave out busy services the list of known addresses does not name: exchanges and
 * market makers hold the most, and their histories are millions of transactions.
 */
export const HOLDER_SERVICE_CHECKS = 100;

/** How long those reads may take in all: an owner not read by then is kept. */
export const HOLDER_SERVICE_CHECK_DEADLINE_MS = 15_000;

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
}

export function createHolderActivities(deps: ActivityDeps) {
  const { pool, holders, helius, settings } = deps;
  // analyses of one token at the same moment (users asking about the token of the hour, with their
  // own `top`) share one scan in this process: 100 DAS requests each would share the Helius budget
  const scans = new SingleFlight<string, HolderScan>();
  /**
   * A scan stopped at its page cap, with the mint's largest accounts read besides (two requests):
   * DAS lists accounts by address, not amount, so its largest holders may lie past the pages. If
   * they cannot be read (after the quick retries) the ranking covers the pages, and says why.
   */
  async function besidesLargest(mint: string, pages: TokenAccountsResult, signal: AbortSignal): Promise<HolderScan> {
    try {
      const largest = await withQuickRetries(() => holders.getLargestTokenAccounts(mint, signal), signal);
      const { accounts, added } = withLargestAccounts(pages.accounts, largest);
      return { ...pages, accounts, largest: { read: largest.length, added } };
    } catch (err) {
      if (signal.aborted) throw err;
      return { ...pages, largest: { read: 0, added: 0, unread: err instanceof Error ? `${err.name}: ${err.message}` : String(err) } };
    }
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
  const scanProgress = new Map<string, { pages: number }>();
  return {
    /** The token's top eligible holders, recorded on the analysis's row. */
    async resolveTokenHolders(input: { analysisId: string; token: string; top: number }): Promise<TokenHoldersResult> {
      const maxPages = settings.maxHolderPages ?? MAX_HOLDER_PAGES;
      const key = `${input.token}:${maxPages}`;
      let pagesRead = 0;
      return withLivenessHeartbeat(
        () => ({ pages: scanProgress.get(key)?.pages ?? pagesRead }),
        async () => {
          // a cancelled analysis drops the page on its way (the shared scan stops once no analysis waits for it)
          const signal = Context.current().cancellationSignal;
          const { value: scan, shared } = await scans.run(
            key,
            async (scanSignal) => {
              // its own record: a scan dropped by its last caller may still unwind while the next one runs
              const progress = { pages: 0 };
              scanProgress.set(key, progress);
              try {
                // a page that fails (a 429, a 5xx) is read again in place, a few times, before the
                // attempt fails: Temporal's retry of the attempt starts the scan again from its first page
                const pages = await holders.getTokenAccounts(input.token, { maxPages, onPage: (page) => void (progress.pages = page), signal: scanSignal, readPage: (read) => withQuickRetries(read, scanSignal) });
                return pages.complete ? pages : await besidesLargest(input.token, pages, scanSignal);
              } finally {
                if (scanProgress.get(key) === progress) scanProgress.delete(key);
              }
            },
            signal,
          );
          pagesRead = scan.pages;
          if (shared) log.info('token holders: joined a scan under way', { analysisId: input.analysisId, token: input.token, pages: scan.pages });
          // the curve test of every owner is CPU (seconds for 100,000 owners): the event loop turns
          // between slices of it, so that heartbeats and the worker's other activities go on
          // candidates past the top, to take the places of the services among the largest
          const candidates = await selectTopHoldersYielding(
            scan.accounts.map((a) => ({ address: a.address, owner: a.owner, amount: a.amount })),
            { top: input.top + HOLDER_SERVICE_CHECKS },
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
            eligible: selection.eligible,
            selected: selection.holders.length,
            excludedCounts: selection.excludedCounts,
            excluded: selection.excluded,
            launch: launch.launch,
            ...(launch.launch === null ? { launchUnread: launch.reason } : {}),
          };
          const { wallets, ...summary } = result;
          await recordTokenHolders(pool, input.analysisId, wallets, summary);
          log.info('token holders resolved', { analysisId: input.analysisId, token: input.token, pages: scan.pages, complete: scan.complete, largestAccounts: scan.largest, owners: selection.ownersSeen, selected: wallets.length, repeatedListings: selection.repeatedListings, launchSlot: launch.launch?.slot ?? null, launchUnread: launch.launch === null ? launch.reason : undefined });
          return result;
        },
      );
    },
  };
}

export type HolderActivities = ReturnType<typeof createHolderActivities>;
