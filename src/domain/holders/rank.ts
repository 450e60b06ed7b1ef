// From a mint's token accounts to the wallets an analysis should compare: sum the amounts per
// owner, rank them, leave out owners that are not one person's wallet, keep the top N.
// docs/analytics.md, "Analysing a token's holders", states the rules; this is the one place they live.
import known from './known-addresses.json';
import { addressBytes, isOnCurve } from './on-curve';

/** One token account of the mint, as the provider lists it. */
export interface HolderAccount {
  /** the token account */
  address: string;
  /** the wallet or program that owns it */
  owner: string;
  /** raw units */
  amount: bigint;
}

/**
 * The accounts of a scan stopped at its page cap with the mint's largest accounts read besides
 * (DAS lists accounts by address, not amount: the largest holders may lie past the pages): one the
 * pages listed takes the amount and owner read later; the others are added. Returns the accounts and how
 * many were added.
 */
export function withLargestAccounts<A extends HolderAccount>(accounts: readonly A[], largest: readonly A[]): { accounts: A[]; added: number } {
  const out = [...accounts];
  const at = new Map(out.map((a, i) => [a.address, i]));
  let added = 0;
  for (const a of largest) {
    const i = at.get(a.address);
    // the account as read now: its amount, and its owner (an account's owner can be changed)
    if (i !== undefined) out[i] = { ...out[i], owner: a.owner, amount: a.amount };
    else {
      at.set(a.address, out.length);
      out.push(a);
      added++;
    }
  }
  return { accounts: out, added };
}

/**
 * Why an owner was left out:
 * - burn: a burn address (the incinerator, the System Program id): no key can spend it;
 * - amm: a known pool or AMM authority;
 * - exchange: a known exchange hot wallet (holds for many customers);
 * - off-curve: the owner is not an ed25519 point, so no private key exists: a program-derived
 *   address (pool vaults, bonding curves, escrows, vesting and staking programs);
 * - service: an unlisted owner whose activity on chain is a busy service's (a full page of 1,000
 *   signatures within a day, `counterpartyActivityClass`): an exchange's, a market maker's or a
 *   bot's hot wallet, which holds for many and whose history (millions of transactions) no sync
 *   should fetch (`leaveOutServices`, checked for the largest candidates only).
 */
export type ExclusionReason = 'burn' | 'amm' | 'exchange' | 'off-curve' | 'service';
export const EXCLUSION_REASONS: readonly ExclusionReason[] = ['burn', 'amm', 'exchange', 'off-curve', 'service'];

export interface KnownAddress {
  address: string;
  kind: 'burn' | 'amm' | 'exchange';
  label: string;
}

/** The shipped list (src/domain/holders/known-addresses.json). */
export const KNOWN_ADDRESSES: ReadonlyMap<string, KnownAddress> = new Map(
  (known.addresses as KnownAddress[]).map((a) => [a.address, a]),
);

export interface RankedHolder {
  owner: string;
  /** raw units summed over the owner's token accounts, decimal integer string */
  amount: string;
  /** token accounts of the mint the owner has (non-zero ones) */
  accounts: number;
}

export interface ExcludedHolder extends RankedHolder {
  reason: ExclusionReason;
  /** the known address's label, when the reason came from the list */
  label?: string;
}

export interface HolderSelection {
  /** the top eligible owners, largest first (ties: by address) */
  holders: RankedHolder[];
  /** owners left out, counted by reason, over the owners tested (`ownersTested`: every owner, up to MAX_OWNERS_TESTED) */
  excludedCounts: Record<ExclusionReason, number>;
  /** the largest excluded owners, largest first, at most `excludedListed` */
  excluded: ExcludedHolder[];
  /** distinct owners with a non-zero balance */
  ownersSeen: number;
  /** eligible owners (before the cut at `top`), among the owners tested */
  eligible: number;
  /** the largest owners the exclusion rules were tested on (`excludedCounts` and `eligible` count them): all, up to MAX_OWNERS_TESTED */
  ownersTested: number;
  /** distinct token accounts with a balance read (an empty one is no holding, whichever scan listed it) */
  accountsSeen: number;
  /** listings of an account already read, left out (a paged scan over a live set of accounts can list one on two pages) */
  repeatedListings: number;
}

export interface SelectOptions {
  top: number;
  /** how many excluded owners to name (default 20) */
  excludedListed?: number;
  known?: ReadonlyMap<string, KnownAddress>;
  /** whether an address has a private key (default: isOnCurve) */
  isWallet?: (owner: string) => boolean;
  /** owners tested by the exclusion rules at most, largest first (default MAX_OWNERS_TESTED) */
  maxOwnersTested?: number;
}

export const EXCLUDED_LISTED_DEFAULT = 20;

const byAmountThenOwner = (a: { raw: bigint; owner: string }, b: { raw: bigint; owner: string }): number =>
  a.raw === b.raw ? (a.owner < b.owner ? -1 : a.owner > b.owner ? 1 : 0) : a.raw > b.raw ? -1 : 1;

/** Why an owner is not an ordinary wallet, or null when it is one. */
export function exclusionOf(owner: string, known: ReadonlyMap<string, KnownAddress> = KNOWN_ADDRESSES, isWallet: (owner: string) => boolean = isOnCurve): { reason: ExclusionReason; label?: string } | null {
  const entry = known.get(owner);
  if (entry) return { reason: entry.kind, label: entry.label };
  if (!isWallet(owner)) return { reason: 'off-curve' };
  return null;
}

/**
 * Aggregates accounts per owner, ranks owners by amount, drops the ineligible ones, keeps the top N.
 * Each token account counts once, as its last listing has it: the scan pages by cursor, which lists
 * an account once, but an account a provider lists twice anyway would, counted twice, move its
 * owner up the ranking.
 */
export function selectTopHolders(accounts: Iterable<HolderAccount>, options: SelectOptions): HolderSelection {
  const steps = selectionSteps(accounts, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Owners whose eligibility is tested between two turns of the event loop (about 90 µs each: the curve test). */
export const OWNERS_PER_TURN = 500;

/**
 * selectTopHolders, letting the event loop turn every OWNERS_PER_TURN owners: the curve test of
 * every owner of a token with 100,000 holders is about 9 s of CPU, through which an activity's
 * heartbeats (and the other activities of its worker) must go on.
 */
export async function selectTopHoldersYielding(accounts: Iterable<HolderAccount>, options: SelectOptions, turn: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))): Promise<HolderSelection> {
  const steps = selectionSteps(accounts, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
  }
}

/** selectTopHolders' work, pausing (a yield) every OWNERS_PER_TURN owners tested. */
function* selectionSteps(accounts: Iterable<HolderAccount>, options: SelectOptions): Generator<void, HolderSelection, void> {
  const byAddress = new Map<string, HolderAccount>();
  let listings = 0;
  for (const a of accounts) {
    listings += 1;
    // re-inserted: the last listing's owner and amount
    byAddress.delete(a.address);
    byAddress.set(a.address, a);
  }
  const tally = new OwnerTally();
  for (const a of byAddress.values()) tally.add(a);
  const selection = yield* rankingSteps(rankedOwners(tally, options.maxOwnersTested ?? MAX_OWNERS_TESTED), options);
  return { ...selection, repeatedListings: listings - byAddress.size };
}

/** The largest accounts an OwnerTally keeps of those it was given (to tell a mint's largest accounts read later from ones listed). */
export const TALLY_LARGEST_KEPT = 64;

/**
 * A scan's token accounts summed per owner as they arrive, without keeping the accounts: a scan by
 * getProgramAccountsV2 lists up to 500,000 of them, 10,000 a page. With `trackListings`, it also
 * notes each listing's address (its first 6 bytes, 8 bytes a listing), so that the mint's largest
 * accounts read after a scan stopped at its cap are told exactly from the ones it listed
 * (`withLargest`), accounts listed twice are counted (`repeatedListings`), and listings out of
 * address order too (`unorderedListings`: the scan pages by key, so 0 is expected; a cursor that
 * listed an account again would count its owner twice, and these say so). It keeps the largest
 * TALLY_LARGEST_KEPT accounts whole, to give one of them read again the amount read then.
 */
export class OwnerTally {
  readonly owners = new Map<string, { owner: string; raw: bigint; accounts: number }>();
  /** accounts with a balance given (DAS lists only these) */
  accountsSeen = 0;
  /** accounts given at zero: a sold-out holder keeps its account (getProgramAccountsV2 lists them) */
  emptyAccounts = 0;
  /** listings not past the one before in address order (trackListings) */
  unorderedListings = 0;
  /** the largest non-zero accounts given, largest first */
  private readonly largest: HolderAccount[] = [];
  /** every listing's address as the number its first 6 bytes make (trackListings), `listedCount` of them */
  private listed: Float64Array | null;
  private listedCount = 0;
  private listedSorted = true;
  private previous: Uint8Array | null = null;

  constructor(options: { trackListings?: boolean } = {}) {
    this.listed = options.trackListings === true ? new Float64Array(1024) : null;
  }

  add(a: HolderAccount): void {
    if (this.listed !== null) this.note(a.address);
    this.count(a);
  }

  /**
   * A scan stopped at its cap, with the mint's largest accounts read besides (the accounts it listed
   * are not kept, their addresses are): one among the largest accounts kept takes the amount and
   * owner read now; one listed otherwise keeps what its listing said (it grew past the kept ones
   * during the scan, or was empty then); one never listed is added. Returns how many were added.
   */
  withLargest(largest: readonly HolderAccount[]): number {
    if (this.listed === null) throw new Error('OwnerTally.withLargest needs a tally made with trackListings');
    let added = 0;
    for (const a of largest) {
      const at = this.largest.findIndex((k) => k.address === a.address);
      if (at >= 0) {
        const listed = this.largest[at];
        this.credit(listed.owner, -listed.amount, -1);
        this.largest.splice(at, 1);
        this.accountsSeen -= 1;
        this.count(a);
      } else if (!this.wasListed(a.address)) {
        this.count(a);
        added++;
      }
    }
    return added;
  }

  /** Listings of an address listed before (trackListings; two addresses sharing their first 6 bytes count too: of 500,000 listings, in about 1 scan of 2,300). */
  repeatedListings(): number {
    const keys = this.sortedListings();
    let repeated = 0;
    for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1]) repeated++;
    return repeated;
  }

  private count(a: HolderAccount): void {
    if (a.amount <= 0n) {
      this.emptyAccounts += 1;
      return;
    }
    this.accountsSeen += 1;
    this.credit(a.owner, a.amount, 1);
    const kept = this.largest;
    if (kept.length === TALLY_LARGEST_KEPT && a.amount <= kept[kept.length - 1].amount) return;
    let i = kept.length;
    while (i > 0 && kept[i - 1].amount < a.amount) i--;
    kept.splice(i, 0, { address: a.address, owner: a.owner, amount: a.amount });
    if (kept.length > TALLY_LARGEST_KEPT) kept.pop();
  }

  private note(address: string): void {
    const bytes = addressBytes(address);
    if (bytes === null) return;
    if (this.previous !== null && Buffer.compare(bytes, this.previous) <= 0) this.unorderedListings += 1;
    this.previous = bytes;
    let listed = this.listed as Float64Array;
    if (this.listedCount === listed.length) {
      const grown = new Float64Array(listed.length * 2);
      grown.set(listed);
      this.listed = listed = grown;
    }
    listed[this.listedCount++] = prefixOf(bytes);
    this.listedSorted = false;
  }

  private sortedListings(): Float64Array {
    const keys = (this.listed ?? new Float64Array(0)).subarray(0, this.listedCount);
    if (!this.listedSorted) {
      keys.sort();
      this.listedSorted = true;
    }
    return keys;
  }

  private wasListed(address: string): boolean {
    const bytes = addressBytes(address);
    if (bytes === null) return false;
    const key = prefixOf(bytes);
    const keys = this.sortedListings();
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo < keys.length && keys[lo] === key;
  }

  private credit(owner: string, raw: bigint, accounts: number): void {
    const entry = this.owners.get(owner);
    if (entry === undefined) {
      this.owners.set(owner, { owner, raw, accounts });
      return;
    }
    entry.raw += raw;
    entry.accounts += accounts;
    if (entry.accounts <= 0 || entry.raw <= 0n) this.owners.delete(owner);
  }
}

/** An address's first 6 bytes as a number (exact: 48 bits), big-endian: the order of the addresses' bytes. */
function prefixOf(bytes: Uint8Array): number {
  return ((((bytes[0] * 256 + bytes[1]) * 256 + bytes[2]) * 256 + bytes[3]) * 256 + bytes[4]) * 256 + bytes[5];
}

/**
 * The owners tested by the exclusion rules at most, largest first (the curve test is about 90 µs an
 * owner: 9 s for these): a token of more owners has its counts of eligible and excluded owners over
 * its largest ones (`ownersTested`).
 */
export const MAX_OWNERS_TESTED = 100_000;

/**
 * A tally's owners ranked, its largest `keep` only, with its counts: what a selection reads of a scan,
 * without the tally (a scan at its cap holds about 90 MB of owners; the largest 100,000 take 18).
 */
export interface RankedOwners {
  /** largest first (equal amounts by address), `keep` at most */
  ranked: Array<{ owner: string; raw: bigint; accounts: number }>;
  ownersSeen: number;
  accountsSeen: number;
  repeatedListings: number;
}

export function rankedOwners(tally: OwnerTally, keep: number = MAX_OWNERS_TESTED): RankedOwners {
  return { ranked: [...tally.owners.values()].sort(byAmountThenOwner).slice(0, keep), ownersSeen: tally.owners.size, accountsSeen: tally.accountsSeen, repeatedListings: tally.repeatedListings() };
}

/** selectTopHoldersYielding over a tally's ranked owners (a scan by getProgramAccountsV2). */
export async function selectFromTallyYielding(owners: RankedOwners, options: SelectOptions, turn: () => Promise<void> = () => new Promise((resolve) => setImmediate(resolve))): Promise<HolderSelection> {
  const steps = rankingSteps(owners, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
  }
}

/** Tests ranked owners, the largest (MAX_OWNERS_TESTED at most), and keeps the top N eligible. */
function* rankingSteps(owners: RankedOwners, options: SelectOptions): Generator<void, HolderSelection, void> {
  const known = options.known ?? KNOWN_ADDRESSES;
  const isWallet = options.isWallet ?? isOnCurve;
  const listed = options.excludedListed ?? EXCLUDED_LISTED_DEFAULT;
  const maxTested = options.maxOwnersTested ?? MAX_OWNERS_TESTED;
  const { ranked } = owners;
  const holders: RankedHolder[] = [];
  const excluded: ExcludedHolder[] = [];
  const excludedCounts: Record<ExclusionReason, number> = { burn: 0, amm: 0, exchange: 0, 'off-curve': 0, service: 0 };
  let eligible = 0;
  const tested = Math.min(ranked.length, maxTested);
  for (let k = 0; k < tested; k++) {
    if (k > 0 && k % OWNERS_PER_TURN === 0) yield;
    const h = ranked[k];
    const view = { owner: h.owner, amount: h.raw.toString(), accounts: h.accounts };
    const why = exclusionOf(h.owner, known, isWallet);
    if (why) {
      excludedCounts[why.reason] += 1;
      if (excluded.length < listed) excluded.push({ ...view, reason: why.reason, ...(why.label ? { label: why.label } : {}) });
      continue;
    }
    eligible += 1;
    if (holders.length < options.top) holders.push(view);
  }
  return { holders, excludedCounts, excluded, ownersSeen: owners.ownersSeen, ownersTested: tested, eligible, accountsSeen: owners.accountsSeen, repeatedListings: owners.repeatedListings };
}

/**
 * A selection made with more candidates than `top` (largest first) without the owners `isService`
 * says are busy services: they are counted and listed as excluded (`service`, the list kept largest
 * first and at most `excludedListed` long) and the next candidates take their places, `top` at most.
 */
export function leaveOutServices(selection: HolderSelection, top: number, isService: (owner: string) => boolean, excludedListed = EXCLUDED_LISTED_DEFAULT): HolderSelection {
  const services = selection.holders.filter((h) => isService(h.owner));
  if (services.length === 0) return { ...selection, holders: selection.holders.slice(0, top) };
  const left = new Set(services.map((h) => h.owner));
  const excluded = [...selection.excluded, ...services.map((h): ExcludedHolder => ({ ...h, reason: 'service' }))]
    .sort((a, b) => byAmountThenOwner({ raw: BigInt(a.amount), owner: a.owner }, { raw: BigInt(b.amount), owner: b.owner }))
    .slice(0, excludedListed);
  return {
    ...selection,
    holders: selection.holders.filter((h) => !left.has(h.owner)).slice(0, top),
    excluded,
    excludedCounts: { ...selection.excludedCounts, service: selection.excludedCounts.service + services.length },
    eligible: selection.eligible - services.length,
  };
}
