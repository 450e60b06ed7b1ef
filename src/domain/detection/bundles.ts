// Same-block buying: two wallets buying the same token in the same slot or within seconds, most
// telling at a token's launch and on rare tokens (docs/analytics.md, "Detection v2 signals", bundles).
import { isExcludedFromUniverse } from '../tokens';
import { poissonTail } from '../stats';
import { clamp01, tokenRarityWeight } from './rarity';
import type { SignalResult, SwapLeg, TokenLaunch, TokenStats, WalletPair } from './types';

export const BUNDLE_DEFAULTS = {
  /** two buys at most this many seconds apart are a co-buy */
  windowSeconds: 5,
  /** a buy within this long of the token's first buy is among its first buyers */
  earlyWindowSeconds: 600,
  /** a co-buy where either buy is not early keeps this share of its strength */
  lateFactor: 0.5,
  /** buys of the token by the group within ± this many seconds make its crowd */
  crowdWindowSeconds: 300,
  /** crowds up to this size are not discounted (a launch bundle is a handful of wallets) */
  crowdFreeSize: 6,
  /**
   * co-buys weaker than this are not evidence (a popular token's crowd near its launch gives many
   * by chance); measured with bench:detection: related pairs' co-buys are 0.13 and up, unrelated
   * ones 0 but for one hype pair. It keeps large groups fast (the 1,000-wallet benchmark's random
   * wallets co-buy popular tokens at launch: most such pairs scored under 0.01)
   */
  minStrength: 0.05,
  /**
   * a co-buy of two wallets that both bought in the token's launch block (the slot of its creation,
   * `TokenStats.launches`) is at least this strong, whatever the crowd and the token's rarity: a
   * sniper that waits to see a token created lands a block or more later, so wallets in the creation
   * block mostly came with the creator (a Jito bundle); the rare sniper that reads the leader's
   * shreds and lands there too is called bundled, as the peers' bundle flags call it
   */
  launchBlockStrength: 0.8,
  /**
   * where the launch is known, the seconds after its block are the snipers' rush: buyers racing to
   * be first land seconds apart, several in one slot, by design and not together. A co-buy with a
   * buy in the rush (after the launch block, within `rushSeconds` of the launch) keeps `rushFactor`
   * of its strength (measured: 9 snipers over 10 s of a token rare in a database of 300 or 3,000
   * wallets were linked in twos and threes; none now)
   */
  rushSeconds: 30,
  rushFactor: 0.25,
  /**
   * a pair's chance correction: two buys of one token, one by each wallet, at most this many seconds
   * apart are one of the pair's opportunities for a co-buy by chance (a launch's crowd buys within
   * half an hour of it). Under chance the gap of two such buys spreads over this span, with its
   * density highest at 0 (two uniform buys: 2 / span), so each is a co-buy with probability
   * (2 × `windowSeconds` + 1) / `nearSeconds` (timestamps are whole seconds)
   */
  nearSeconds: 1800,
  /**
   * a pair's co-buys as likely as this by chance, given its opportunities, are no evidence; one
   * co-buy on its only opportunity keeps its strength; between the two, the co-buys' score is
   * scaled by where the chance falls on a log scale (measured with bench:detection: strangers of a
   * launch's crowd, sharing 6 to 9 launches bought within half an hour of each other, co-bought one
   * of them by chance in 5 pairs of 120 and were clustered 3 times; none now)
   */
  chanceNil: 0.1,
  maxEvidence: 5,
} as const;

export type BundleOptions = Partial<Record<keyof typeof BUNDLE_DEFAULTS, number>>;

export interface BundleEvidence {
  mint: string;
  signatureA: string;
  signatureB: string;
  slotA: number;
  slotB: number;
  timestampA: number;
  timestampB: number;
  secondsApart: number;
  sameSlot: boolean;
  /** both buys within `earlyWindowSeconds` of the token's first buy */
  early: boolean;
  /** rarity weight of the token (`tokenRarityWeight`) */
  tokenWeight: number;
  /** buys of the token by the group within ± `crowdWindowSeconds` */
  crowd: number;
  /** of those, within ± `windowSeconds` of the first buy of the two: a bundle lands together */
  tight: number;
  /** both buys landed in the token's launch block (its creation slot), present only when so */
  launchBlock?: true;
  strength: number;
}

export interface BundleLink extends WalletPair, SignalResult<BundleEvidence> {
  /** tokens the two co-bought */
  coBoughtTokens: number;
  /** its co-buys against its chances */
  odds: BundleOdds;
}

/** A pair's co-buys against its chances (`bundleLinks`). */
export interface BundleOdds {
  /**
   * pairs of buys of one token, one by each wallet, at most `windowSeconds` apart, outside the
   * tokens co-bought in their launch block (those are never chance): the co-buys the chance weighs
   */
  coBuys: number;
  /**
   * pairs of buys of one token, one by each wallet, at most `nearSeconds` apart, the same tokens
   * apart: the pair's opportunities for a co-buy by chance (the co-buys included)
   */
  nearBuyPairs: number;
  /** the probability of at least `coBuys` co-buys by chance on those opportunities (a Poisson tail); 1 when `coBuys` is 0 */
  chance: number;
  /** the share of those co-buys' strength the score keeps (1 for one co-buy on one opportunity, 0 at `chanceNil`) */
  kept: number;
  /**
   * in words: "2 of the 9 pairs of their buys of one token within 30 min of each other came within
   * seconds (0.2 % likely by chance)"; empty when `coBuys` is 0
   */
  summary: string;
}

export interface WalletLegs {
  wallet: string;
  legs: readonly SwapLeg[];
}

/**
 * Co-buys of every pair of a group, only for pairs with at least one (sparse). Per token, the
 * group's buys are time-sorted and swept with a window of `windowSeconds`, so the cost is
 * O(buys × buys within the window), never all pairs. A co-buy's strength is
 * proximity × launch × rarity × crowd:
 * - proximity: 1 in the same slot, else 0.9 − 0.4 × (seconds apart / window) (0.9 … 0.5);
 * - launch: 1 when both buys are within `earlyWindowSeconds` of the token's first buy
 *   (`tokens.firstBuyTime`, else the group's first buy of it), else `lateFactor` (0.5);
 * - rarity: 0.4 + 0.6 × `tokenRarityWeight` of the token;
 * - crowd: 1 / (1 + max(0, crowd − 6) / 6), crowd = the group's buys of the token within ±5 min:
 *   a hype wave where dozens pile in makes near-simultaneous buys likely by chance;
 * - tightness: tight / crowd, tight = the group's buys of the token within ± `windowSeconds` of the
 *   earlier buy: a bundle's buys land together, a wave's spread over minutes (two of eight wave
 *   buyers 3 s apart keep a quarter). Tuned with bench:detection (hype-wave pairs were clustered).
 * Where the token's launch is known (`tokens.launches`), two buys both in its launch block make a
 * co-buy of at least `launchBlockStrength` (0.8), with `launchBlock: true`: the crowd of snipers
 * around a launch (a token's top holders are mostly its early buyers) hides a bundle from the
 * rule above, but snipers land a block or more after the creation. And the seconds after the launch
 * block are the snipers' rush (`rushSeconds`, 30): a co-buy with a buy there keeps `rushFactor`
 * (0.25) of its strength, since racing snipers land seconds apart by design.
 * Co-buys under `minStrength` (0.05) are dropped. Per pair and token the strongest co-buy counts;
 * the score is the noisy-OR over tokens, corrected for the pair's chances: two wallets of a crowd
 * that bought many of the same tokens within half an hour of each other land seconds apart on one
 * of them by chance. The pair's opportunities are its buy pairs of one token within `nearSeconds`
 * (`nearBuyPairs`); its co-buys outside launch blocks are weighed against the chance of as many on
 * those (`chance`, a Poisson tail): one co-buy on its only opportunity keeps its strength, co-buys
 * as likely as `chanceNil` (10 %) count for nothing, log-linear between (`chanceFactor`). Co-buys
 * in a launch block are never chance and keep theirs.
 */
export function bundleLinks(wallets: readonly WalletLegs[], tokens: TokenStats, opts: BundleOptions = {}): BundleLink[] {
  const o = { ...BUNDLE_DEFAULTS, ...opts };
  const perMint = new Map<string, SwapLeg[]>();
  for (const w of wallets) {
    for (const leg of w.legs) {
      if (leg.kind !== 'swap' || leg.direction !== 'buy' || leg.wallet !== w.wallet || isExcludedFromUniverse(leg.mint)) continue;
      const list = perMint.get(leg.mint);
      if (list) list.push(leg);
      else perMint.set(leg.mint, [leg]);
    }
  }
  const best = new Map<string, Map<string, BundleEvidence>>(); // pair key → mint → strongest co-buy
  for (const [mint, buys] of perMint) {
    buys.sort((x, y) => x.timestamp - y.timestamp || x.slot - y.slot || (x.wallet < y.wallet ? -1 : x.wallet > y.wallet ? 1 : 0));
    const launch = tokens.launches?.get(mint);
    // "early" counts from the first buy, not from the launch: a mint created hours before its pool
    // opens has no buys near its creation
    const first = tokens.firstBuyTime?.get(mint) ?? buys[0].timestamp;
    const weight = tokenRarityWeight(tokens.walletsPerMint.get(mint) ?? 1, tokens.totalWallets);
    let lo = 0;
    let hi = 0;
    let tlo = 0;
    let thi = 0;
    for (let i = 0; i < buys.length; i++) {
      const x = buys[i];
      while (buys[lo].timestamp < x.timestamp - o.crowdWindowSeconds) lo++;
      while (hi < buys.length && buys[hi].timestamp <= x.timestamp + o.crowdWindowSeconds) hi++;
      while (buys[tlo].timestamp < x.timestamp - o.windowSeconds) tlo++;
      while (thi < buys.length && buys[thi].timestamp <= x.timestamp + o.windowSeconds) thi++;
      const crowd = { all: hi - lo, tight: thi - tlo };
      const inLaunchBlock = launch !== undefined && x.slot === launch.slot;
      // every co-buy with x is at most rarity × crowd × tightness strong (proximity, launch ≤ 1)
      if (!inLaunchBlock && (0.4 + 0.6 * weight) * crowdFactor(crowd.all, o) * tightFactor(crowd) < o.minStrength) continue;
      for (let j = i + 1; j < buys.length && buys[j].timestamp - x.timestamp <= o.windowSeconds; j++) {
        const y = buys[j];
        if (y.wallet === x.wallet) continue;
        const rushed = launch !== undefined && (inRush(x, launch, o) || inRush(y, launch, o));
        const e = inLaunchBlock && y.slot === x.slot ? launchBlockCoBuy(coBuy(mint, x, y, first, weight, crowd, { ...o, minStrength: 0 })!, o) : coBuy(mint, x, y, first, weight, crowd, o, rushed ? o.rushFactor : 1);
        if (e === null) continue;
        const [a, b] = x.wallet < y.wallet ? [x.wallet, y.wallet] : [y.wallet, x.wallet];
        const key = `${a}\u0000${b}`;
        let mints = best.get(key);
        if (!mints) best.set(key, (mints = new Map()));
        const prev = mints.get(mint);
        // a launch-block co-buy of the mint stands for it (never chance), else the strongest
        const inBlock = e.launchBlock === true;
        const better = prev === undefined || (inBlock && prev.launchBlock !== true) || (inBlock === (prev.launchBlock === true) && e.strength > prev.strength);
        if (better) mints.set(mint, x.wallet === a ? e : swap(e));
      }
    }
  }
  const buys = walletBuys(perMint);
  // timestamps are whole seconds: 2 × window + 1 of them are within ± window of a buy
  const p0 = Math.min(1, (2 * o.windowSeconds + 1) / o.nearSeconds);
  const full = -Math.log10(poissonTail(1, p0));
  const out: BundleLink[] = [];
  for (const key of [...best.keys()].sort()) {
    const [a, b] = key.split('\u0000');
    const evidence = [...best.get(key)!.values()].sort(
      (x, y) => y.strength - x.strength || x.timestampA - y.timestampA || (x.mint < y.mint ? -1 : 1),
    );
    // launch-block co-buys are never chance; the others count against the pair's opportunities
    let missLaunch = 1;
    let missOther = 1;
    const launchTokens = new Set<number>();
    for (const e of evidence) {
      if (e.launchBlock) {
        missLaunch *= 1 - e.strength;
        launchTokens.add(buys.tokenOf.get(e.mint)!);
      } else missOther *= 1 - e.strength;
    }
    let odds = NO_ODDS;
    if (launchTokens.size < evidence.length) {
      // pairs of buys of one token (launch-block tokens apart) within `nearSeconds`, and of those within `windowSeconds`
      const { near, close } = buyPairs(buys.lists.get(a)!, buys.lists.get(b)!, o.nearSeconds, o.windowSeconds, launchTokens);
      // the Poisson tail of the chance co-buys expected on the opportunities (each p0, small: the binomial's limit)
      const chance = poissonTail(close, near * p0);
      odds = oddsOf(close, near, chance, chanceFactor(-Math.log10(chance), full, o.chanceNil), o.nearSeconds);
    }
    out.push({
      a,
      b,
      score: clamp01(1 - missLaunch * (1 - odds.kept * (1 - missOther))),
      coBoughtTokens: evidence.length,
      odds,
      evidence: evidence.slice(0, o.maxEvidence),
      evidenceOmitted: Math.max(0, evidence.length - o.maxEvidence),
    });
  }
  return out;
}

/** The odds of a pair whose co-buys are all in launch blocks, or of no co-buys: nothing weighed. */
const NO_ODDS: BundleOdds = { coBuys: 0, nearBuyPairs: 0, chance: 1, kept: 1, summary: '' };

function oddsOf(coBuys: number, nearBuyPairs: number, chance: number, kept: number, nearSeconds: number): BundleOdds {
  const pct = chance * 100;
  const likely = pct < 0.1 ? 'under 0.1 %' : `${pct < 10 ? pct.toPrecision(2) : Math.round(pct)} %`;
  const summary = `${coBuys} of the ${nearBuyPairs} pairs of their buys of one token within ${Math.round(nearSeconds / 60)} min of each other came within seconds (${likely} likely by chance)`;
  return { coBuys, nearBuyPairs, chance, kept, summary };
}

/** A wallet's buys as (token, time), ordered by token, then time: what `buyPairs` merges. */
interface BuyList {
  tokens: number[];
  times: number[];
}

/** Per wallet, its buys (the per-mint lists are time-sorted; their order numbers the tokens), and each mint's number. */
function walletBuys(perMint: ReadonlyMap<string, readonly SwapLeg[]>): { lists: Map<string, BuyList>; tokenOf: Map<string, number> } {
  const lists = new Map<string, BuyList>();
  const tokenOf = new Map<string, number>();
  for (const [mint, buys] of perMint) {
    const token = tokenOf.size;
    tokenOf.set(mint, token);
    for (const leg of buys) {
      let list = lists.get(leg.wallet);
      if (!list) lists.set(leg.wallet, (list = { tokens: [], times: [] }));
      list.tokens.push(token);
      list.times.push(leg.timestamp);
    }
  }
  return { lists, tokenOf };
}

/**
 * The pair's pairs of buys of one token, one by each wallet, at most `near` seconds apart (its
 * opportunities for a co-buy by chance) and, of those, at most `close` seconds apart (its co-buys),
 * the tokens of `skip` apart: a merge by token, then two windows sliding over b's times per token.
 */
function buyPairs(a: BuyList, b: BuyList, near: number, close: number, skip: ReadonlySet<number>): { near: number; close: number } {
  let nearPairs = 0;
  let closePairs = 0;
  let i = 0;
  let j = 0;
  while (i < a.tokens.length && j < b.tokens.length) {
    const token = a.tokens[i];
    if (token < b.tokens[j]) i++;
    else if (token > b.tokens[j]) j++;
    else {
      let iEnd = i;
      while (iEnd < a.tokens.length && a.tokens[iEnd] === token) iEnd++;
      let jEnd = j;
      while (jEnd < b.tokens.length && b.tokens[jEnd] === token) jEnd++;
      if (!skip.has(token)) {
        let lo = j;
        let hi = j;
        let closeLo = j;
        let closeHi = j;
        for (let x = i; x < iEnd; x++) {
          const t = a.times[x];
          while (lo < jEnd && b.times[lo] < t - near) lo++;
          if (hi < lo) hi = lo;
          while (hi < jEnd && b.times[hi] <= t + near) hi++;
          while (closeLo < jEnd && b.times[closeLo] < t - close) closeLo++;
          if (closeHi < closeLo) closeHi = closeLo;
          while (closeHi < jEnd && b.times[closeHi] <= t + close) closeHi++;
          nearPairs += hi - lo;
          closePairs += closeHi - closeLo;
        }
      }
      i = iEnd;
      j = jEnd;
    }
  }
  return { near: nearPairs, close: closePairs };
}

/**
 * The share of its co-buys' score a pair keeps, from how improbable its co-buys are by chance
 * (−log10): all of it from the improbability of one co-buy on one opportunity (`full`) up, none at
 * or below that of `nil`, linear between; all of it when the window is so wide that one co-buy on
 * one opportunity is as likely as `nil` (nothing to weigh it by).
 */
function chanceFactor(digits: number, full: number, nil: number): number {
  const nilDigits = -Math.log10(nil);
  if (digits >= full || full <= nilDigits) return 1;
  if (digits <= nilDigits) return 0;
  return (digits - nilDigits) / (full - nilDigits);
}

/** The bundle signal of one pair (the group is just the two; their crowd is only themselves). */
export function bundleForPair(a: WalletLegs, b: WalletLegs, tokens: TokenStats, opts: BundleOptions = {}): BundleLink {
  const [x, y] = a.wallet < b.wallet ? [a, b] : [b, a];
  return bundleLinks([x, y], tokens, opts)[0] ?? { a: x.wallet, b: y.wallet, score: 0, coBoughtTokens: 0, odds: NO_ODDS, evidence: [], evidenceOmitted: 0 };
}

/** A buy in the snipers' rush: after the token's launch block, within `rushSeconds` of the launch. */
function inRush(b: SwapLeg, launch: TokenLaunch, o: Record<keyof typeof BUNDLE_DEFAULTS, number>): boolean {
  return b.slot > launch.slot && b.timestamp <= launch.timestamp + o.rushSeconds;
}

function coBuy(
  mint: string,
  x: SwapLeg,
  y: SwapLeg,
  first: number,
  weight: number,
  crowd: { all: number; tight: number },
  o: Record<keyof typeof BUNDLE_DEFAULTS, number>,
  factor = 1,
): BundleEvidence | null {
  const apart = y.timestamp - x.timestamp;
  const sameSlot = x.slot === y.slot;
  const proximity = sameSlot ? 1 : 0.9 - 0.4 * (apart / Math.max(1, o.windowSeconds));
  const early = x.timestamp <= first + o.earlyWindowSeconds && y.timestamp <= first + o.earlyWindowSeconds;
  const strength = clamp01(proximity * (early ? 1 : o.lateFactor) * (0.4 + 0.6 * weight) * crowdFactor(crowd.all, o) * tightFactor(crowd) * factor);
  if (strength < o.minStrength) return null;
  return {
    mint,
    signatureA: x.signature,
    signatureB: y.signature,
    slotA: x.slot,
    slotB: y.slot,
    timestampA: x.timestamp,
    timestampB: y.timestamp,
    secondsApart: apart,
    sameSlot,
    early,
    tokenWeight: weight,
    crowd: crowd.all,
    tight: crowd.tight,
    strength,
  };
}

/**
 * Two buys in the token's launch block: at least `launchBlockStrength` (0.8), whatever the crowd;
 * a co-buy the rule above makes stronger (a rare token, a small crowd) keeps its strength.
 */
function launchBlockCoBuy(e: BundleEvidence, o: Record<keyof typeof BUNDLE_DEFAULTS, number>): BundleEvidence {
  return { ...e, launchBlock: true, strength: Math.max(e.strength, o.launchBlockStrength) };
}

function crowdFactor(crowd: number, o: Record<keyof typeof BUNDLE_DEFAULTS, number>): number {
  return 1 / (1 + Math.max(0, crowd - o.crowdFreeSize) / o.crowdFreeSize);
}

/** buyers spread over minutes (a hype wave) land within seconds of each other by chance */
function tightFactor(crowd: { all: number; tight: number }): number {
  return Math.min(1, crowd.tight / Math.max(1, crowd.all));
}

/** The same co-buy seen from the other wallet. */
function swap(e: BundleEvidence): BundleEvidence {
  return {
    ...e,
    signatureA: e.signatureB,
    signatureB: e.signatureA,
    slotA: e.slotB,
    slotB: e.slotA,
    timestampA: e.timestampB,
    timestampB: e.timestampA,
  };
}
