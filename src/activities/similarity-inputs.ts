// What the similarity step reads from the store (legs in the window, balances, transfers and the
// database-wide counts), used on the activity's thread for a small group and in the computing
// process for a large one (similarity-process.ts), so that the activity's thread never holds a large
// group's input.
import type { Pool } from 'pg';
import { formatUnits, isExcludedFromUniverse, type SimilarityWalletInput } from '../domain';
import { decisiveDegreeLimit } from '../domain/detection';
import { counterpartyActivityClass, freshActivity, FUNDING_DEFAULTS, fundingProfile, KNOWN_ADDRESSES, sweepCollectors } from '../domain/detection/funding';
import { commonSweepDestinations, loadSweepTargets, sweepDestinations } from '../store/sweep-targets';
import { loadFundingOrigins } from '../store/funding-origins';
import type { SimilarityDatabaseStats } from '../domain/similarity/types';
import type { CounterpartyActivity, FundingOrigin, SweepTarget, WalletTransfer } from '../domain/detection/types';
import { loadBalances } from '../store/wallet-balances';
import { loadLegsMany } from '../store/swap-legs';
import { mintStats } from '../store/mint-populations';
import { loadTokenLaunches } from '../store/token-launches';
import { loadTransfersMany } from '../store/wallet-transfers';
import { walletsPerCounterparty } from '../store/counterparty-wallets';
import { loadCounterpartyActivity } from '../store/counterparty-activity';
import { historyCoverage } from '../store/wallets';
import { countWalletsWithHistory } from '../store/wallet-population';
import { backfillTransfers } from './transfers-backfill';
import { backfillLegs } from './legs-backfill';

/** The step's own input that says what to load (SimilarityStepInput's fields). */
export interface SimilarityLoadInput {
  wallets: string[];
  /** wallets computed with what was stored because the user stopped waiting for their sync */
  partialWallets: string[];
  windowDays: number | null;
  /** the analysis's start time (workflow time), the window's end */
  nowSec: number;
  /** USD per SOL, for the legs backfill's stablecoin legs (backfillLegs): read by the step when a wallet needs the backfill; absent, they are stored unvalued */
  solPriceUsd?: number;
}

/**
 * What computeSimilarity reads from the store, one query per kind for the whole group: legs in the
 * window; transfers over the whole stored history (a first funder usually precedes the window's
 * trades); database-wide counts of the group's counterparties and mints.
 */
export async function loadSimilarityInputs(
  pool: Pool,
  input: SimilarityLoadInput,
  onStep: (step: string) => void = () => undefined,
): Promise<{ wallets: SimilarityWalletInput[]; database: SimilarityDatabaseStats }> {
  const sinceTimestamp = input.windowDays === null ? null : input.nowSec - input.windowDays * 86_400;
  onStep('backfilling transfers');
  await backfillTransfers(pool, input.wallets, (p) => onStep(`backfilling transfers of ${p.wallet}: ${p.transactions} transactions`));
  onStep('backfilling legs');
  await backfillLegs(pool, input.wallets, { solPriceUsd: input.solPriceUsd });
  onStep('loading balances and coverage');
  const balances = await loadBalances(pool, input.wallets);
  const coverage = await historyCoverage(pool, input.wallets, sinceTimestamp);
  onStep('loading legs');
  const legs = await loadLegsMany(pool, input.wallets, sinceTimestamp);
  onStep('loading transfers');
  const transfers = await loadTransfersMany(pool, input.wallets);
  onStep('loading database-wide counts');
  // a counterparty's wallets counted only as far as they can change a link (an exchange's hot wallet
  // would otherwise cost an index entry per wallet it ever paid)
  const perCounterparty = await walletsPerCounterparty(pool, input.wallets, decisiveDegreeLimit());
  // what the chain said of them, however old (read before the step for those the group shares); not
  // of the group's own wallets, which the step never reads (their stored histories say, below)
  const own = new Set(input.wallets);
  const activity = await loadCounterpartyActivity(pool, [...perCounterparty].filter(([c, n]) => n >= 2 && !own.has(c)).map(([c]) => c));
  // the funding chains read before the step: each wallet's first funder, and upstream from it while
  // the chain showed a wallet of one owner (fundingChain follows the same rule), with their activity
  const { origins, tops } = await fundingChains(pool, transfers, own, activity, (wallet) => coverage.get(wallet)?.complete === true);
  // the sweep chains read before the step: where the fresh addresses the wallets sent SOL to forwarded it
  const { sweeps, groupCollectors } = await sweepChains(pool, input.wallets, own, activity);
  // the shared SOL destinations read for an exchange's deposit address
  const deposits = await depositTargets(pool, input.wallets, own, activity);
  // a group wallet that collects weighs by what the chain says of it there, as the chains' top
  for (const [a, s] of await loadCounterpartyActivity(pool, groupCollectors.filter((c) => !tops.has(c)))) tops.set(a, s);
  // a group wallet whose whole history is stored says what it is by that history, as a counterparty
  // of the others (their first funder, their direct link): an operator's funding wallet analysed with
  // the wallets it funded weighed by its degree alone, as a busy stranger would, and hid the group
  // (one that also tops a chain as well: its whole history says more than a page of its signatures)
  const partial = new Set(input.partialWallets);
  for (const [address, a] of ownActivity(input.wallets, coverage, partial)) activity.set(address, a);
  const mints = await mintStats(pool, input.wallets);
  // the population rarity is counted in holds every wallet that any count includes
  let totalWallets = Math.max(await countWalletsWithHistory(pool), input.wallets.length);
  for (const m of mints.values()) totalWallets = Math.max(totalWallets, m.wallets);
  for (const n of perCounterparty.values()) totalWallets = Math.max(totalWallets, n);
  const firstBuyTime = new Map<string, number>();
  for (const [mint, m] of mints) if (m.firstBuyAt !== null) firstBuyTime.set(mint, m.firstBuyAt);
  // the launches read (a holder analysis reads its token's): where a bundle in the creation block shows
  const launches = await loadTokenLaunches(pool, [...mints.keys()]);
  const database: SimilarityDatabaseStats = {
    counterparties: { walletsPerCounterparty: perCounterparty, totalWallets, activity, origins, tops, sweeps, deposits },
    tokens: { walletsPerMint: new Map([...mints].map(([mint, m]) => [mint, m.wallets])), totalWallets, firstBuyTime, launches },
  };
  const wallets = input.wallets.map((address): SimilarityWalletInput => {
    const held = balances.get(address);
    const stored = coverage.get(address);
    return {
      address,
      legs: legs.get(address) ?? [],
      holdings: Object.fromEntries((held?.tokens ?? []).map((t) => [t.mint, { uiAmount: formatUnits(BigInt(t.rawAmount), t.decimals) }])),
      coverage: {
        truncated: partial.has(address) || !stored?.covers,
        transactionsFetched: stored?.transactions ?? 0,
        transactionsRejected: stored?.rejected ?? 0,
        windowStartSec: sinceTimestamp,
        windowEndSec: input.nowSec,
        // its oldest transactions are stored (a sync left behind by proceed adds only newer ones)
        wholeHistory: stored?.complete === true,
      },
      transfers: transfersOf(transfers.get(address) ?? [], stored, partial.has(address)),
    };
  });
  return { wallets, database };
}

/**
 * What the group wallets' stored histories say of them, as a page of their signatures would
 * (counterpartyActivityClass): only of a whole history stored (not one cut at a window or by
 * proceed, which says nothing of the wallet's other transactions).
 */
function ownActivity(
  wallets: readonly string[],
  coverage: ReadonlyMap<string, { transactions: number; complete: boolean; oldestTimestamp: number | null; newestTimestamp: number | null }>,
  partial: ReadonlySet<string>,
): Map<string, CounterpartyActivity> {
  const out = new Map<string, CounterpartyActivity>();
  for (const wallet of wallets) {
    const stored = coverage.get(wallet);
    if (stored === undefined || !stored.complete || partial.has(wallet)) continue;
    out.set(wallet, { transactions: stored.transactions, complete: true, oldestTime: stored.oldestTimestamp, newestTime: stored.newestTimestamp });
  }
  return out;
}

/**
 * A wallet's stored transfers for the engine. None stored means none made when its history is
 * stored; but a sync cut short (proceed) or not covering the window before any transaction was
 * stored knows nothing: unknown then (funding null, not 0, for its pairs).
 */
function transfersOf(stored: WalletTransfer[], coverage: { covers: boolean; transactions: number } | undefined, partial: boolean): WalletTransfer[] | undefined {
  if (stored.length > 0) return stored;
  const nothingRead = (coverage?.transactions ?? 0) === 0 && (partial || !coverage?.covers);
  return nothingRead ? undefined : stored;
}

/**
 * The stored origins along the group wallets' funding chains (from each wallet's first funder, up to
 * `upstreamHops` above it), adding each address's stored activity to `activity` on the way; only
 * the chains' addresses are loaded, level by level; a group wallet a chain reaches ends it, its
 * activity loaded apart (`tops`: it weighs by it as the chains' top only).
 */
async function fundingChains(
  pool: Pool,
  transfers: ReadonlyMap<string, WalletTransfer[]>,
  own: ReadonlySet<string>,
  activity: Map<string, CounterpartyActivity>,
  wholeHistory: (wallet: string) => boolean,
): Promise<{ origins: Map<string, FundingOrigin>; tops: Map<string, CounterpartyActivity> }> {
  const origins = new Map<string, FundingOrigin>();
  let level = new Set<string>();
  for (const [wallet, list] of transfers) {
    const first = fundingProfile(wallet, list, { wholeHistory: wholeHistory(wallet) }).firstFunding;
    if (first !== null && !own.has(first.counterparty) && !KNOWN_ADDRESSES.has(first.counterparty)) level.add(first.counterparty);
  }
  const seen = new Set(level);
  const tops = new Set<string>();
  for (let depth = 0; level.size > 0; depth++) {
    const addresses = [...level];
    await loadActivityInto(pool, activity, addresses);
    if (depth >= FUNDING_DEFAULTS.upstreamHops) break;
    const followed = addresses.filter((a) => counterpartyActivityClass(activity.get(a)) === 'dedicated');
    const next = new Set<string>();
    for (const [a, origin] of await loadFundingOrigins(pool, followed)) {
      if (origin === null) continue;
      origins.set(a, origin);
      if (own.has(origin.funder)) tops.add(origin.funder);
      else if (!seen.has(origin.funder) && !KNOWN_ADDRESSES.has(origin.funder)) {
        seen.add(origin.funder);
        next.add(origin.funder);
      }
    }
    level = next;
  }
  // a group wallet that a chain reaches tops it: its activity weighs it there (the chain is not followed above it)
  return { origins, tops: await loadCounterpartyActivity(pool, [...tops]) };
}

/**
 * The stored targets (however old, as the activity) of the group wallets' largest SOL destinations
 * that are fresh addresses (the activity follows the same ones; `sweepChain` applies the rule),
 * adding those addresses' and their collectors' stored activity to `activity` (a collector weighs by
 * it); a collector that is a fresh address in turn (not the group's) has its stored target loaded
 * too, up to `downstreamHops` fresh addresses in a row; a group wallet that collects is returned
 * apart (`tops`: it weighs by it as a collector only).
 */
async function sweepChains(pool: Pool, wallets: readonly string[], own: ReadonlySet<string>, activity: Map<string, CounterpartyActivity>): Promise<{ sweeps: Map<string, SweepTarget>; groupCollectors: string[] }> {
  const destinations = await sweepDestinations(pool, wallets, [...KNOWN_ADDRESSES.keys()], FUNDING_DEFAULTS.fundingMinLamports, null, FUNDING_DEFAULTS.freshMaxTransactions);
  const load = (addresses: readonly string[]) => loadActivityInto(pool, activity, addresses);
  await load(destinations);
  const sweeps = new Map<string, SweepTarget>();
  const groupCollectors = new Set<string>();
  let level = destinations;
  // followed as the reads follow them (sweepCollectors): first funded by a group wallet, then by the address before
  let fundedBy = (_address: string, funder: string): boolean => own.has(funder);
  for (let depth = 0; level.length > 0; depth++) {
    const targets = await loadSweepTargets(pool, level.filter((x) => freshActivity(activity.get(x))));
    for (const [a, target] of targets) if (target !== null) sweeps.set(a, target);
    const reached = sweepCollectors(targets, fundedBy);
    const collectors = [...reached.keys()].filter((c) => !own.has(c));
    for (const c of reached.keys()) if (own.has(c)) groupCollectors.add(c);
    await load(collectors);
    if (depth + 1 >= FUNDING_DEFAULTS.downstreamHops) break;
    level = collectors.filter((c) => !sweeps.has(c) && !KNOWN_ADDRESSES.has(c));
    fundedBy = (address, funder) => reached.get(address)?.includes(funder) ?? false;
  }
  return { sweeps, groupCollectors: [...groupCollectors] };
}

/**
 * The stored targets (however old) of the SOL destinations two wallets or more share whose whole
 * history is a wallet of one owner's, as the reads follow them for an exchange's deposit address
 * (traceDeposits), with the stored activity of where those passing their SOL on send it, added to
 * `activity` (`depositExchange` reads both): apart from the sweep chains' targets.
 */
async function depositTargets(pool: Pool, wallets: readonly string[], own: ReadonlySet<string>, activity: Map<string, CounterpartyActivity>): Promise<Map<string, SweepTarget>> {
  const common = await commonSweepDestinations(pool, wallets, [...KNOWN_ADDRESSES.keys()], FUNDING_DEFAULTS.fundingMinLamports, null, FUNDING_DEFAULTS.dedicatedMaxTransactions);
  const load = (addresses: readonly string[]) => loadActivityInto(pool, activity, addresses);
  await load(common);
  const deposits = new Map<string, SweepTarget>();
  for (const [a, target] of await loadSweepTargets(pool, common.filter((c) => counterpartyActivityClass(activity.get(c)) === 'dedicated'))) if (target !== null) deposits.set(a, target);
  await load([...new Set([...deposits.values()].flatMap((t) => (t.passThrough === true && !own.has(t.collector) ? [t.collector] : [])))]);
  return deposits;
}

/** Adds to `activity` the stored activity (however old) of those of `addresses` it does not hold yet. */
async function loadActivityInto(pool: Pool, activity: Map<string, CounterpartyActivity>, addresses: readonly string[]): Promise<void> {
  for (const [a, s] of await loadCounterpartyActivity(pool, addresses.filter((x) => !activity.has(x)))) activity.set(a, s);
}

/** The mints swapped by the group, sorted, without those left out of every universe (SOL, stablecoins). */
export function tokenUniverseOf(wallets: readonly SimilarityWalletInput[]): string[] {
  return [...new Set(wallets.flatMap((w) => w.legs.filter((l) => l.kind === 'swap').map((l) => l.mint)))].filter((mint) => !isExcludedFromUniverse(mint)).sort();
}

/** The mints whose launch the step's load found, sorted: the launch-block rule applied to them. */
export function launchedMintsOf(input: { database?: SimilarityDatabaseStats }): string[] {
  return [...(input.database?.tokens?.launches?.keys() ?? [])].sort();
}
