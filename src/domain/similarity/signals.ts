// Detection v2 signals of a whole group (docs/analytics.md, "Detection v2 signals"): bundles and
// funding on sparse candidates (pairs with a co-buy or a counterparty in common), rarity inside the
// row kernel (the per-token weights built here), timing per pair where the kernel's near counts and
// lag peaks allow a score of at least TIMING_MIN_SCORE.
import { bundleLinks, type BundleLink } from '../detection/bundles';
import { fundingLinks, fundingProfile, groupFunding, type FundingEvidence, type FundingProfile, type GroupFunding } from '../detection/funding';
import { rarityOverlap, rarityProfile, tokenRarityWeight, type RarityOverlap, type RarityProfile } from '../detection/rarity';
import { TIMING_DEFAULTS, crowdedLaunches, timingForPair, tradeIndex, type CrowdedLaunches, type TimingResult, type TradeIndex } from '../detection/timing';
import type { CounterpartyStats, SignalResult, SwapLeg, TokenStats } from '../detection/types';
import type { SimilarityInput } from './types';
import type { TokenUniverse, WalletVector } from './vectors';

/** Index of pair (i, j), i < j, in the result's pair order (row by row). */
export function pairIndex(i: number, j: number, n: number): number {
  return (i * (2 * n - i - 1)) / 2 + (j - i - 1);
}

/** Token rarity of the group, needed by the row kernel before any row. */
export interface TokenWeights {
  /** token counts the rarity weights come from: the database's, raised to the group's own counts */
  tokens: TokenStats;
  /** per universe token, its rarity weight */
  tokenRarity: Float64Array;
  /** per wallet, Σ rarity weights of its traded universe tokens */
  rarityTotal: Float64Array;
  ms: number;
}

export function tokenWeights(input: SimilarityInput, universe: TokenUniverse, vectors: readonly WalletVector[]): TokenWeights {
  const t = performance.now();
  const tokens = tokenStatsOf(input, universe, vectors);
  const tokenRarity = new Float64Array(universe.mints.length);
  for (let k = 0; k < universe.mints.length; k++) {
    tokenRarity[k] = tokenRarityWeight(tokens.walletsPerMint.get(universe.mints[k]) ?? 1, tokens.totalWallets);
  }
  const rarityTotal = new Float64Array(vectors.length);
  vectors.forEach((v, w) => {
    let sum = 0;
    for (let k = 0; k < v.tokens.length; k++) sum += tokenRarity[v.tokens[k]];
    rarityTotal[w] = sum;
  });
  return { tokens, tokenRarity, rarityTotal, ms: performance.now() - t };
}

export interface GroupSignals {
  rarityTotal: Float64Array;
  /** per wallet, its swap legs in universe tokens (0: its timing and bundle scores are null) */
  trades: Int32Array;
  /** per wallet, its funding profile, or null when its transfers are unknown */
  funding: Array<FundingProfile | null>;
  /** the group's funding stats and chains (`groupFunding`): what its funding links and clusters read */
  fundingGroup: GroupFunding;
  /** per wallet, its trades indexed for the timing signal, built when a pair first needs it */
  indexes: Array<TradeIndex | undefined>;
  wallets: SimilarityInput['wallets'];
  /** the group's crowded launches (`crowdedLaunches`): timing's coverage does not count their trades */
  launches: CrowdedLaunches;
  /** by pair index: pairs with a co-buy */
  bundle: Map<number, BundleLink>;
  /** by pair index: pairs with funding evidence */
  fundingLinks: Map<number, SignalResult<FundingEvidence>>;
  /** milliseconds per signal */
  ms: { timing: number; bundle: number; funding: number };
}

/**
 * Timing scores under this are reported as 0: indistinguishable from chance. Measured with
 * bench:detection (docs/analytics.md §6): copy-trading pairs score 0.30 and up, every other pair
 * (unrelated, or related through a bundle or funding) 0.031 or less. The row kernel's near counts
 * and lag peaks bound the score, so pairs certainly under it skip the exact computation (almost every pair of a
 * large group: 99 % of the 1,000-wallet benchmark's pairs are bounded under 0.085).
 */
export const TIMING_MIN_SCORE = 0.1;

/**
 * An upper bound of `timingForPair(...).score` from the row kernel's figures: the near counts nA, nB
 * (trades of A with a trade of B, same token and direction, within ± the timing window, and the
 * reverse) and the peak flags pA, pB (kernel.ts, `CNT_PEAK_A`). With A leading, its matches m ≤ nA,
 * so the coverage excess ≤ m / A's trades, min(1, m / 3) ≤ min(1, nA / 3) and the follower-share
 * factor ≤ 0.8 + 0.2 · nA / B's trades; the lag factors are at most 1. The improbability excess is
 * at most 1, and 0 unless pA is set (some lag window holds enough matches, improbably enough).
 * The larger direction.
 */
export function timingBound(nearA: number, nearB: number, peakA: number, peakB: number, tradesA: number, tradesB: number): number {
  const a = direction(nearA, peakA, tradesA, tradesB);
  const b = direction(nearB, peakB, tradesB, tradesA);
  return a > b ? a : b;
}

function direction(near: number, peak: number, leaderTrades: number, followerTrades: number): number {
  if (leaderTrades === 0 || followerTrades === 0) return 0;
  const excess = peak === 1 ? 1 : Math.min(1, near / leaderTrades);
  return Math.min(1, near / TIMING_DEFAULTS.minMatches) * excess * (0.8 + 0.2 * Math.min(1, near / followerTrades));
}

/** The timing of pair (i, j), computed with the wallets in address order (so input order does not matter). */
export function pairTiming(signals: GroupSignals, i: number, j: number): TimingResult | null {
  const t = performance.now();
  const a = (signals.indexes[i] ??= tradeIndex(signals.wallets[i].address, signals.wallets[i].legs));
  const b = (signals.indexes[j] ??= tradeIndex(signals.wallets[j].address, signals.wallets[j].legs));
  const r = a.wallet < b.wallet ? timingForPair(a, b, {}, signals.launches) : timingForPair(b, a, {}, signals.launches);
  signals.ms.timing += performance.now() - t;
  return r;
}

/** The sparse signals of the group: only pairs with some trade or counterparty in common. */
export function groupSignals(input: SimilarityInput, universe: TokenUniverse, vectors: readonly WalletVector[], weights: TokenWeights): GroupSignals {
  const n = vectors.length;
  const position = new Map(vectors.map((v, i) => [v.address, i]));
  const key = (a: string, b: string): number => {
    const x = position.get(a)!;
    const y = position.get(b)!;
    return x < y ? pairIndex(x, y, n) : pairIndex(y, x, n);
  };
  const ms = { timing: 0, bundle: 0, funding: 0 };

  let t = performance.now();
  // a wallet's own swap legs in universe tokens, as tradeIndex counts them; and its buys of tokens
  // at least two wallets bought (a token one wallet alone bought has no co-buy)
  const trades = new Int32Array(n);
  const buyers = new Int32Array(universe.mints.length);
  const lastBuyer = new Int32Array(universe.mints.length).fill(-1);
  input.wallets.forEach((w, k) => {
    const tokens = universe.legTokens[k];
    let count = 0;
    for (let x = 0; x < w.legs.length; x++) {
      const leg = w.legs[x];
      if (tokens[x] < 0 || leg.wallet !== w.address) continue;
      count++;
      if (leg.direction === 'buy' && lastBuyer[tokens[x]] !== k) {
        lastBuyer[tokens[x]] = k;
        buyers[tokens[x]]++;
      }
    }
    trades[k] = count;
  });
  const buys: Array<{ wallet: string; legs: SwapLeg[] }> = input.wallets.map((w, k) => {
    const tokens = universe.legTokens[k];
    const own: SwapLeg[] = [];
    for (let x = 0; x < w.legs.length; x++) {
      const leg = w.legs[x];
      if (tokens[x] >= 0 && leg.direction === 'buy' && buyers[tokens[x]] >= 2 && leg.wallet === w.address) own.push(leg);
    }
    return { wallet: w.address, legs: own };
  });
  const launches = crowdedLaunches(input.wallets, weights.tokens.firstBuyTime ?? new Map());
  ms.timing = performance.now() - t;

  t = performance.now();
  const bundle = new Map<number, BundleLink>();
  for (const link of bundleLinks(buys, weights.tokens)) bundle.set(key(link.a, link.b), link);
  ms.bundle = performance.now() - t;

  t = performance.now();
  const funding = input.wallets.map((w) => (w.transfers === undefined ? null : fundingProfile(w.address, w.transfers, { wholeHistory: w.coverage?.wholeHistory !== false })));
  const counterparties: CounterpartyStats = input.database?.counterparties ?? { walletsPerCounterparty: new Map(), totalWallets: n };
  const links = new Map<number, SignalResult<FundingEvidence>>();
  const known = funding.filter((p): p is FundingProfile => p !== null);
  const fundingGroup = groupFunding(known, counterparties);
  if (known.length >= 2) for (const link of fundingLinks(known, counterparties, {}, fundingGroup)) links.set(key(link.a, link.b), link);
  ms.funding = performance.now() - t;

  return { rarityTotal: weights.rarityTotal, trades, funding, fundingGroup, indexes: new Array<TradeIndex | undefined>(n), wallets: input.wallets, launches, bundle, fundingLinks: links, ms };
}

/**
 * The database's token counts when given, each raised to the group's own count (the group is part
 * of the database, so stale counts never make a token rarer than the group shows); else the
 * group's counts. First buys: the database's, else the group's. Launches: the database's.
 */
function tokenStatsOf(input: SimilarityInput, universe: TokenUniverse, vectors: readonly WalletVector[]): TokenStats {
  const inGroup = new Int32Array(universe.mints.length);
  for (const v of vectors) for (let k = 0; k < v.tokens.length; k++) inGroup[v.tokens[k]]++;
  const db = input.database?.tokens;
  const walletsPerMint = new Map<string, number>();
  universe.mints.forEach((mint, k) => walletsPerMint.set(mint, Math.max(db?.walletsPerMint.get(mint) ?? 0, inGroup[k])));
  let firstBuyTime = db?.firstBuyTime;
  if (firstBuyTime === undefined) {
    const first = new Float64Array(universe.mints.length).fill(Infinity);
    input.wallets.forEach((w, k) => {
      const tokens = universe.legTokens[k];
      for (let x = 0; x < w.legs.length; x++) {
        const leg = w.legs[x];
        if (tokens[x] >= 0 && leg.direction === 'buy' && leg.timestamp < first[tokens[x]]) first[tokens[x]] = leg.timestamp;
      }
    });
    const byMint = new Map<string, number>();
    universe.mints.forEach((mint, k) => {
      if (first[k] !== Infinity) byMint.set(mint, first[k]);
    });
    firstBuyTime = byMint;
  }
  return { walletsPerMint, totalWallets: Math.max(db?.totalWallets ?? 0, vectors.length), firstBuyTime, ...(db?.launches ? { launches: db.launches } : {}) };
}

/** Rarity profiles built on demand (only pairs that show evidence need the tokens that carried them). */
export function rarityOverlapOf(input: SimilarityInput, tokens: TokenStats): (i: number, j: number) => RarityOverlap | null {
  const profiles = new Map<number, RarityProfile>();
  const profile = (i: number): RarityProfile => {
    let p = profiles.get(i);
    if (!p) profiles.set(i, (p = rarityProfile(input.wallets[i].address, input.wallets[i].legs, tokens)));
    return p;
  };
  return (i, j) => rarityOverlap(profile(i), profile(j), tokens);
}
