// Co-trading timing in both directions: who leads, by how much, on how many trades, beyond what
// chance explains (docs/analytics.md, "Detection v2 signals", timing).
import { isExcludedFromUniverse } from '../tokens';
import { jointDigits, median, poissonTailDigits } from '../stats';
import { clamp01 } from './rarity';
import type { SignalResult, SwapLeg, WalletPair } from './types';

export const TIMING_DEFAULTS = {
  /** a follower trade up to this long after the leader's counts as a copy (slow copiers: minutes) */
  windowSeconds: 1800,
  /** a match's lag weight falls from 1 toward 0.5 with this half-life */
  lagHalfLifeSeconds: 600,
  /** under this many matched trades the score is scaled down proportionally */
  minMatches: 3,
  /** the follower's activity span used for its chance rate is at least this long */
  minSpanSeconds: 86_400,
  /** a lag within max(this, half the median lag) of the median lag is consistent */
  lagToleranceSeconds: 30,
  /** below this median lag the two trade together: no leader is named */
  simultaneousSeconds: 2,
  /** matches at one lag needed before their improbability alone can carry the score */
  minSignificantMatches: 5,
  /** a match is at the median lag when within max(this, `peakToleranceShare` of it) of it */
  peakToleranceSeconds: 5,
  peakToleranceShare: 0.1,
  /** improbability (−log10 of the chance of as many consistent matches) where that route starts… */
  significanceFrom: 4,
  /** …and where it reaches full excess */
  significanceFull: 12,
  /**
   * a leader's trade within this long of its token's first buy in the database, when more than
   * `launchCrowdWallets` wallets of the group traded the token within that time too, is in a
   * crowded launch (`crowdedLaunches`): a crowd buys a launch within its first half hour or so and
   * sells within the hour after, so a follower's trade of it within the window is no copy by
   * coverage (only a steady lag, the improbability route, tells a copier there)
   */
  launchSeconds: 7200,
  launchCrowdWallets: 6,
  /**
   * the crowd's buys are counted from this long after the first buy: the seconds after it are the
   * snipers' rush, or a leader's copy bots following it into a fresh token, whose trades match by
   * their delay and keep counting as coverage
   */
  launchCrowdAfterSeconds: 60,
  maxEvidence: 5,
} as const;

export type TimingOptions = Partial<
  Record<'windowSeconds' | 'lagHalfLifeSeconds' | 'minMatches' | 'minSpanSeconds' | 'maxEvidence', number>
>;

/** A wallet's trades (swap legs of universe mints) grouped by mint and direction, time-sorted. */
export interface TradeIndex {
  wallet: string;
  trades: number;
  firstTime: number;
  lastTime: number;
  /** `${mint}:${direction}` → that key's legs in time order */
  byKey: Map<string, SwapLeg[]>;
}

export function tradeIndex(wallet: string, legs: readonly SwapLeg[]): TradeIndex {
  const byKey = new Map<string, SwapLeg[]>();
  let trades = 0;
  let firstTime = Infinity;
  let lastTime = -Infinity;
  for (const leg of legs) {
    if (leg.kind !== 'swap' || leg.wallet !== wallet || isExcludedFromUniverse(leg.mint)) continue;
    const key = `${leg.mint}:${leg.direction}`;
    const list = byKey.get(key);
    if (list) list.push(leg);
    else byKey.set(key, [leg]);
    trades++;
    if (leg.timestamp < firstTime) firstTime = leg.timestamp;
    if (leg.timestamp > lastTime) lastTime = leg.timestamp;
  }
  for (const list of byKey.values()) list.sort((x, y) => x.timestamp - y.timestamp || x.slot - y.slot);
  return { wallet, trades, firstTime, lastTime, byKey };
}

/** One copied trade: the leader's leg and the follower's, same mint and direction. */
export interface LagMatch {
  mint: string;
  direction: 'buy' | 'sell';
  leaderSignature: string;
  followerSignature: string;
  leaderTime: number;
  followerTime: number;
  lagSeconds: number;
}

/** One direction: does `follower` copy `leader`? */
export interface DirectionalTiming {
  leader: string;
  follower: string;
  leaderTrades: number;
  followerTrades: number;
  /** leader trades copied by a distinct follower trade within the window */
  matched: number;
  /** matches expected if the follower traded the same tokens at random times */
  expectedByChance: number;
  /**
   * matches of the leader's trades in a crowded launch (`crowdedLaunches`): counted in `matched`
   * and by the improbability route, not as coverage
   */
  launchMatched: number;
  /** matched / leaderTrades */
  leaderCoverage: number;
  /** matched / followerTrades */
  followerShare: number;
  medianLagSeconds: number | null;
  /**
   * the lag the summary, the evidence and `simultaneous` go by: the median lag of the matches
   * packed at the peak when their improbability carried the score, else `medianLagSeconds`
   */
  typicalLagSeconds: number | null;
  /**
   * the sales' own lag, when the buys' and the sales' peaks together carried the score, each packed
   * at its own lag (`typicalLagSeconds` is then the buys'); else null
   */
  typicalSellLagSeconds: number | null;
  /** share of matches whose lag is close to the median lag */
  lagConsistency: number;
  /** mean of 0.5 + 0.5 × 2^(−lag / half-life) over matches */
  lagWeight: number;
  /**
   * matches within max(5 s, 10 % of it) of the lag of the most improbable peak (`lagPeaks`: at the
   * median lag or at the mode; of all the matches, the buys or the sales), or of the buys' and the
   * sales' peaks together (`bothSides`)
   */
  peakedMatches: number;
  /**
   * −log10 of the chance of as many matches at that peak as `peakedMatches` (Poisson tail, chance
   * the largest of the follower's trading rate, the pair's lags spread evenly and their density
   * around the peak), less 1.5 for a peak at the mode (the search's cost); for the two sides'
   * peaks together, their digits joined (`jointDigits`)
   */
  improbability: number;
  score: number;
}

export interface TimingResult extends SignalResult<LagMatch> {
  /** the wallet the other follows; null when neither direction scores, or they trade together */
  leader: string | null;
  follower: string | null;
  /** typical lag (and the sales' own, where they have one) under 2 s: they trade together (a bundle or one operator), no one leads */
  simultaneous: boolean;
  /** e.g. "B follows A by about 40 s on 17 of 22 trades" */
  summary: string;
  /** a leads b */
  forward: DirectionalTiming;
  /** b leads a */
  backward: DirectionalTiming;
}

/**
 * Timing of one pair, both directions. For leader L and follower F, per mint and direction, each
 * L trade is matched to the earliest unmatched F trade at or after it within `windowSeconds`
 * (one-to-one, a linear merge of two time-sorted lists, so the cost is O(trades) per pair). Amounts
 * are ignored (a 10× copier matches like a 1× one).
 *
 * Score of a direction = excess × (0.8 + 0.2·lagWeight) × (0.8 + 0.2·consistency) ×
 * (0.8 + 0.2·followerShare) × min(1, matched / 3), where excess is the larger of
 * - coverage: (matched − E) / (L trades − E), clamped to [0, 1], with E = Σ over L trades of
 *   1 − exp(−rate × window), rate = F's trades of that mint and direction per second over F's active
 *   span (≥ 1 day): the matches a follower trading the same tokens at random times would get;
 * - improbability: with c matches at a peak, x ± max(5 s, 10 % of x) = [lo, hi], and Ec the
 *   chance matches with a lag there, the largest of Σ over L trades of e^(−rate·lo) − e^(−rate·hi)
 *   (a follower trading at random has its next trade of the key there with that probability),
 *   matched × (hi − lo) / window (the pair's matches spread evenly) and the density of the matches
 *   around the peak × (hi − lo) (a crowd buying around the same launches matches often, its lags
 *   dense near 0 and scattered beyond), s = −log10 P(Poisson(Ec) ≥ c), scaled (s − 4) / 8 into
 *   [0, 1], from 5 such matches on. The peaks (`lagPeaks`): at the median lag, and at the mode
 *   with 1.5 digits off for the search (a copier in a crowd: the crowd's matches pull the median
 *   off the copies); each over all the matches, the buys' alone and the sales' alone (each side's
 *   Ec from its own keys and matches: a bot copying sales after a longer delay packs each side at
 *   its own lag); the most improbable counts; and (engine 2.11.0) the buys' and the sales' most
 *   improbable peaks joined (`bothSides`, Fisher's method for two), the sales of round trips whose
 *   buys are in the buys' peak left out where the leader's holds do not vary (`independentSales`:
 *   a fixed-hold bot's sales pack wherever its buys did). Coverage alone is diluted by the wallets' own
 *   trades: 20 trades copied at a steady 15 s of a leader's 100 are decisive (s ≈ 37), not 20 %;
 *   so are 7 of a leader's 150 among 100 of the follower's own.
 * So popular tokens traded often by both do not make a copier, a slow copier with a steady lag
 * does, and the follower's own extra trades only lower the smallest factor. The pair's score is
 * the larger direction.
 */
export function timingForPair(a: TradeIndex, b: TradeIndex, opts: TimingOptions = {}, launches: CrowdedLaunches = NO_LAUNCHES): TimingResult | null {
  if (a.trades === 0 || b.trades === 0) return null;
  const o = { ...TIMING_DEFAULTS, ...opts };
  const fwd = direction(a, b, o, launches);
  const bwd = direction(b, a, o, launches);
  const best = fwd.result.score >= bwd.result.score ? fwd : bwd;
  const r = best.result;
  // a bot buying with its leader and selling after it of its own follows it (the sales' lag says so)
  const simultaneous = r.matched > 0 && r.typicalLagSeconds !== null && r.typicalLagSeconds < o.simultaneousSeconds && (r.typicalSellLagSeconds ?? 0) < o.simultaneousSeconds;
  const named = r.score > 0 && !simultaneous;
  const buyLag = r.typicalLagSeconds ?? 0;
  const sellLag = r.typicalSellLagSeconds;
  const evidence = representative(best.matches, sellLag === null ? () => buyLag : (x) => (x.direction === 'sell' ? sellLag : buyLag), o.maxEvidence);
  return {
    score: r.score,
    evidence,
    evidenceOmitted: best.matches.length - evidence.length,
    leader: named ? r.leader : null,
    follower: named ? r.follower : null,
    simultaneous,
    summary: summarize(r, simultaneous),
    forward: fwd.result,
    backward: bwd.result,
  };
}

/**
 * Timing of every pair of a group with at least one match. A pair without any trade of the same
 * mint and direction within the window scores 0 (no match, no excess over chance), so candidates
 * come from one sweep per (mint, direction) over the group's time-sorted trades, looking ahead only
 * `windowSeconds`: O(trades × trades within a window) for the whole group, never all pairs. Each
 * candidate pair is then scored exactly by `timingForPair`.
 */
export function timingLinks(indexes: readonly TradeIndex[], opts: TimingOptions = {}, launches: CrowdedLaunches = NO_LAUNCHES): Array<WalletPair & TimingResult> {
  const window = opts.windowSeconds ?? TIMING_DEFAULTS.windowSeconds;
  const sorted = [...indexes].sort((x, y) => (x.wallet < y.wallet ? -1 : x.wallet > y.wallet ? 1 : 0));
  const perKey = new Map<string, Array<[number, number]>>(); // key → [timestamp, wallet position]
  sorted.forEach((ix, w) => {
    for (const [key, legs] of ix.byKey) {
      let list = perKey.get(key);
      if (!list) perKey.set(key, (list = []));
      for (const leg of legs) list.push([leg.timestamp, w]);
    }
  });
  const n = sorted.length;
  const candidates = new Set<number>();
  for (const list of perKey.values()) {
    list.sort((x, y) => x[0] - y[0]);
    for (let i = 0; i < list.length; i++) {
      const [t, w] = list[i];
      for (let j = i + 1; j < list.length && list[j][0] - t <= window; j++) {
        const v = list[j][1];
        if (v !== w) candidates.add(w < v ? w * n + v : v * n + w);
      }
    }
  }
  const out: Array<WalletPair & TimingResult> = [];
  for (const c of [...candidates].sort((x, y) => x - y)) {
    const i = Math.floor(c / n);
    const j = c % n;
    const r = timingForPair(sorted[i], sorted[j], opts, launches);
    if (r !== null) out.push({ a: sorted[i].wallet, b: sorted[j].wallet, ...r });
  }
  return out;
}

type Resolved = Record<keyof typeof TIMING_DEFAULTS, number>;

/** the sets of matches whose packing at one lag the improbability route weighs */
const LAG_SIDES = ['all', 'buy', 'sell'] as const;

function direction(leader: TradeIndex, follower: TradeIndex, o: Resolved, launches: CrowdedLaunches): { result: DirectionalTiming; matches: LagMatch[] } {
  const span = Math.max(o.minSpanSeconds, follower.lastTime - follower.firstTime);
  const matches: LagMatch[] = [];
  let expected = 0;
  let launchMatched = 0;
  /** per shared key: the leader's trades of it, the follower's rate of it, and whether it is a buy key */
  const keyRates: Array<[number, number, boolean]> = [];
  const small = leader.byKey.size <= follower.byKey.size ? leader : follower;
  for (const key of small.byKey.keys()) {
    const f = follower.byKey.get(key);
    const l = leader.byKey.get(key);
    if (!f || !l) continue;
    const rate = f.length / span;
    // the leader's trades in the token's crowded launch: their matches are no coverage
    const launch = launches.get(l[0].mint);
    expected += l.length * (1 - Math.exp(-rate * o.windowSeconds));
    keyRates.push([l.length, rate, l[0].direction === 'buy']);
    let j = 0;
    for (const lt of l) {
      while (j < f.length && f[j].timestamp < lt.timestamp) j++;
      if (j >= f.length) break;
      const lag = f[j].timestamp - lt.timestamp;
      if (lag > o.windowSeconds) continue;
      if (launch !== undefined && lt.timestamp >= launch.from && lt.timestamp <= launch.to) launchMatched++;
      matches.push({
        mint: lt.mint,
        direction: lt.direction,
        leaderSignature: lt.signature,
        followerSignature: f[j].signature,
        leaderTime: lt.timestamp,
        followerTime: f[j].timestamp,
        lagSeconds: lag,
      });
      j++;
    }
  }
  const m = matches.length;
  const lags = matches.map((x) => x.lagSeconds);
  const med = m > 0 ? median(lags) : null;
  let consistent = 0;
  let lagWeight = 0;
  for (const lag of lags) {
    if (med !== null && Math.abs(lag - med) <= Math.max(o.lagToleranceSeconds, med / 2)) consistent++;
    lagWeight += 0.5 + 0.5 * 2 ** (-lag / o.lagHalfLifeSeconds);
  }
  const consistency = m > 0 ? consistent / m : 0;
  lagWeight = m > 0 ? lagWeight / m : 0;
  // a crowded launch's matches leave the numerator only: coverage is never more than without the rule (nor than the kernel's bound)
  const coverage = leader.trades > expected ? clamp01((m - launchMatched - expected) / (leader.trades - expected)) : 0;
  // the improbability route: matches packed at one lag (a bot's fixed delay) that neither the
  // follower's trading rate nor the spread of the pair's own lags explains; taken over all the
  // matches, the buys' and the sales' (a bot copying sales more slowly than buys, or after the
  // buy's delay again, packs each side at its own lag), the most improbable counting; and the
  // buys' and the sales' peaks together, each side packed at its own lag (`bothSides`)
  let peaked = 0;
  let improbability = 0;
  let peakedEnough = false;
  let peakLag: number | null = null;
  let sellLag: number | null = null;
  /** per side, its most improbable peak of at least `SIDE_PEAK_MATCHES` matches (with the chance by the follower's rates there) */
  const sideBest: Record<'buy' | 'sell', SidePeak | null> = { buy: null, sell: null };
  for (const side of LAG_SIDES) {
    // a side whose matches are all of them still weighs only its own keys' rates
    const sideLags = side === 'all' ? lags : matches.filter((x) => x.direction === side).map((x) => x.lagSeconds);
    if (sideLags.length === 0) continue;
    for (let peak of lagPeaks(Float64Array.from(sideLags).sort(), sideLags.length, o.windowSeconds)) {
      // chance matches in [lo, hi]: the peak's own floor (the matches spread evenly over the
      // window, or as densely as around it), or a follower trading the key at random, whose next
      // trade falls there with probability e^(−rate·lo) − e^(−rate·hi), whichever is larger
      let byRate = 0;
      for (const [trades, rate, buys] of keyRates) {
        if (side === 'all' || buys === (side === 'buy')) byRate += trades * (Math.exp(-rate * peak.lo) - Math.exp(-rate * peak.hi));
      }
      // all the matches: the sales that are the peak's buys again count once (`dependentSales`)
      const again = side === 'all' ? dependentSales(peak, peak, matches, leader) : 0;
      if (again > 0) peak = { ...peak, peaked: peak.peaked - again };
      const digits = peakImprobability(peak, byRate);
      const enough = peak.peaked >= o.minSignificantMatches;
      if ((enough && !peakedEnough) || (enough === peakedEnough && (digits > improbability || (digits === improbability && peak.peaked > peaked)))) {
        improbability = digits;
        peaked = peak.peaked;
        peakedEnough = enough;
        peakLag = peak.center;
      }
      if (side !== 'all' && peak.peaked >= SIDE_PEAK_MATCHES) {
        const b = sideBest[side];
        if (b === null || digits > b.digits || (digits === b.digits && peak.peaked > b.peak.peaked)) sideBest[side] = { digits, peak, byRate };
      }
    }
  }
  const buys = sideBest.buy === null ? null : { digits: sideBest.buy.digits, peaked: sideBest.buy.peak.peaked };
  const sales = sideBest.sell === null ? null : independentSales(sideBest.buy, sideBest.sell, matches, leader);
  const both = bothSides(buys, sales, o.minSignificantMatches);
  // a join replaces a peak of 5 or more only when more improbable, and one of fewer (which counts for nothing) when improbable at all
  if (both !== null && (peakedEnough ? both.digits > improbability : both.digits > 0)) {
    improbability = both.digits;
    peaked = both.peaked;
    peakedEnough = true;
    peakLag = sideBest.buy!.peak.center;
    sellLag = sideBest.sell!.peak.center;
  }
  const significance = peaked >= o.minSignificantMatches ? clamp01((improbability - o.significanceFrom) / (o.significanceFull - o.significanceFrom)) : 0;
  const excess = Math.max(coverage, significance);
  const followerShare = m / follower.trades;
  const score =
    excess * (0.8 + 0.2 * lagWeight) * (0.8 + 0.2 * consistency) * (0.8 + 0.2 * followerShare) * Math.min(1, m / o.minMatches);
  matches.sort((x, y) => x.leaderTime - y.leaderTime || (x.mint < y.mint ? -1 : x.mint > y.mint ? 1 : 0));
  return {
    result: {
      leader: leader.wallet,
      follower: follower.wallet,
      leaderTrades: leader.trades,
      followerTrades: follower.trades,
      matched: m,
      expectedByChance: expected,
      launchMatched,
      leaderCoverage: m / leader.trades,
      followerShare,
      medianLagSeconds: med,
      typicalLagSeconds: significance > coverage ? peakLag : med,
      typicalSellLagSeconds: significance > coverage ? sellLag : null,
      lagConsistency: consistency,
      lagWeight,
      peakedMatches: peaked,
      improbability,
      score: clamp01(score),
    },
    matches,
  };
}

/** Per mint whose launch a crowd traded, that launch's time: its first buy to `launchSeconds` after (`crowdedLaunches`). */
export type CrowdedLaunches = ReadonlyMap<string, { from: number; to: number }>;
const NO_LAUNCHES: CrowdedLaunches = new Map();

/**
 * The group's crowded launches: tokens that more than `launchCrowdWallets` wallets of the group
 * bought at the token's first buy in the database (`firstBuyTime`) or from `launchCrowdAfterSeconds`
 * (1 min) to `launchSeconds` (2 h) after it, each with that time. A crowd trades a
 * launch within its first hours, so two of its traders match within the window whoever copies
 * whom; a copier of a launch trader is told by a steady lag. The rest of the first minute is not
 * counted, nor sales: a leader's copy bots following it into a fresh token within seconds, and out
 * of it when it sells, are no crowd. A group's own
 * count, not the database's: a copy group of a few wallets on a token others traded too keeps its
 * coverage (the hard worlds' copy traders lost 2 of 222 pairs when the database's count of the
 * token's traders decided).
 */
export function crowdedLaunches(wallets: ReadonlyArray<{ address: string; legs: readonly SwapLeg[] }>, firstBuyTime: ReadonlyMap<string, number>, opts: TimingOptions = {}): Map<string, { from: number; to: number }> {
  const o = { ...TIMING_DEFAULTS, ...opts };
  const buyers = new Map<string, { from: number; to: number; last: number; count: number }>();
  wallets.forEach((w, k) => {
    for (const leg of w.legs) {
      if (leg.kind !== 'swap' || leg.direction !== 'buy' || leg.wallet !== w.address) continue;
      let b = buyers.get(leg.mint);
      if (b === undefined) {
        const first = firstBuyTime.get(leg.mint);
        if (first === undefined || isExcludedFromUniverse(leg.mint)) continue;
        buyers.set(leg.mint, (b = { from: first, to: first + o.launchSeconds, last: -1, count: 0 }));
      }
      // the first buy, then the buys from a minute after it: the seconds between are a leader's copy bots following it in
      if (leg.timestamp <= b.to && (leg.timestamp === b.from || leg.timestamp >= b.from + o.launchCrowdAfterSeconds) && b.last !== k) {
        b.last = k;
        b.count++;
      }
    }
  });
  const out = new Map<string, { from: number; to: number }>();
  for (const [mint, b] of buyers) if (b.count > o.launchCrowdWallets) out.set(mint, { from: b.from, to: b.to });
  return out;
}

/** Where a direction's matches are packed: see `lagPeaks`. */
export interface LagPeak {
  lo: number;
  hi: number;
  /** matches with a lag in [lo, hi], and their median lag (null with none) */
  peaked: number;
  center: number | null;
  /** the fewest chance matches there (before the follower's rates are weighed) */
  chance: number;
  /** digits taken off the improbability: the look-elsewhere cost of having searched for it */
  penalty: number;
}

/** a peak found by searching every lag pays for the search: about log10 of the distinct windows in 30 min */
const MODE_PENALTY_DIGITS = 1.5;
/** the matches around a peak are counted this many tolerances either side of it (the peak apart) */
const PEAK_SIDEBAND = 6;

/**
 * The improbability route's peaks of a direction's lags, sorted ascending (sorted[0..m)), each the
 * matches within max(5 s, 10 % of x) of a lag x, [lo, hi] (clamped to the window):
 * - at the median lag;
 * - at the mode, the lag whose interval holds the most (a copier that also trades the same
 *   launches as a crowd does: its copies pack at one lag while the crowd's matches pull the median
 *   away), `MODE_PENALTY_DIGITS` off for the search.
 * Each one's chance floor is the larger of the m matches spread evenly over the window and the
 * density of the matches around it (within `PEAK_SIDEBAND` tolerances, the peak apart: a crowd's
 * lags are dense near 0, and a peak's neighbours say so). The similarity kernel computes the same
 * from the same lags to bound the score (`lagPeakBound` in similarity/kernel.ts).
 */
export function lagPeaks(sorted: Float64Array, m: number, windowSeconds: number): LagPeak[] {
  /** the matches in [lo, hi] around x and the fewest chance ones there: spread evenly, or as densely as around it */
  const peakAt = (x: number, penalty: number): LagPeak => {
    const tolerance = Math.max(TIMING_DEFAULTS.peakToleranceSeconds, x * TIMING_DEFAULTS.peakToleranceShare);
    const lo = Math.max(0, x - tolerance);
    const hi = Math.min(windowSeconds, x + tolerance);
    const sideLo = Math.max(0, x - PEAK_SIDEBAND * tolerance);
    const sideHi = Math.min(windowSeconds, x + PEAK_SIDEBAND * tolerance);
    let peaked = 0;
    let first = -1;
    let around = 0;
    for (let k = 0; k < m; k++) {
      const lag = sorted[k];
      if (lag >= lo && lag <= hi) {
        if (peaked++ === 0) first = k;
      } else if (lag >= sideLo && lag <= sideHi) around++;
    }
    const sideWidth = sideHi - sideLo - (hi - lo);
    const density = sideWidth > 0 ? around / sideWidth : 0;
    // the packed lags are sorted[first .. first + peaked): their median
    const center = peaked === 0 ? null : peaked % 2 === 1 ? sorted[first + (peaked >> 1)] : (sorted[first + (peaked >> 1) - 1] + sorted[first + (peaked >> 1)]) / 2;
    return { lo, hi, peaked, center, chance: Math.max(m * ((hi - lo) / windowSeconds), density * (hi - lo)), penalty };
  };
  const mid = m >> 1;
  const med = m % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const peaks = [peakAt(med, 0)];
  // the mode: intervals around each lag in turn (their ends only move up), the first fullest
  let best = -1;
  let bestCount = 0;
  let from = 0;
  let to = 0;
  for (let k = 0; k < m; k++) {
    const x = sorted[k];
    const tolerance = Math.max(TIMING_DEFAULTS.peakToleranceSeconds, x * TIMING_DEFAULTS.peakToleranceShare);
    while (sorted[from] < x - tolerance) from++;
    if (to < k) to = k;
    while (to + 1 < m && sorted[to + 1] <= x + tolerance) to++;
    if (to - from + 1 > bestCount) {
      bestCount = to - from + 1;
      best = k;
    }
  }
  if (best >= 0 && sorted[best] !== med) peaks.push(peakAt(sorted[best], MODE_PENALTY_DIGITS));
  return peaks;
}

/**
 * −log10 of the chance of a peak's count (Poisson tail), its chance the larger of its floor and
 * `byRate` (the follower's rates; the similarity kernel, which has none, bounds with the floor
 * alone), less the peak's search penalty, at least 0.
 */
export function peakImprobability(peak: LagPeak, byRate = 0): number {
  return Math.max(0, Math.min(99, poissonTailDigits(peak.peaked, Math.max(byRate, peak.chance))) - peak.penalty);
}

/** matches a side's peak needs to join the other side's (`bothSides`) */
export const SIDE_PEAK_MATCHES = 2;

/**
 * The buys' and the sales' peaks as one: a copier whose bot buys after one delay and sells after
 * another packs each side at its own lag, and four buys at 20 s with four sales at 40 s are as
 * telling as eight matches at one lag, though neither side alone has the `minSignificantMatches`
 * the route needs. Each side's most improbable peak of at least `SIDE_PEAK_MATCHES` (2) matches,
 * the sales without those that are the buys' round trips again (`independentSales`, so that the
 * two chances are independent), their digits joined by `jointDigits`, when they hold `min` matches
 * between them; else null.
 */
export function bothSides(
  buy: { digits: number; peaked: number } | null,
  sell: { digits: number; peaked: number } | null,
  min: number,
): { digits: number; peaked: number } | null {
  if (buy === null || sell === null || buy.peaked < SIDE_PEAK_MATCHES || sell.peaked < SIDE_PEAK_MATCHES || buy.peaked + sell.peaked < min) return null;
  return { digits: jointDigits(buy.digits, sell.digits), peaked: buy.peaked + sell.peaked };
}

/** A side's most improbable peak in `direction`, its improbability, and the chance by the follower's rates it was computed with. */
interface SidePeak {
  digits: number;
  peak: LagPeak;
  byRate: number;
}

/**
 * The sales' peak as evidence of its own beside the buys': the sales' count without those that are
 * the buys' peak again (`dependentSales`), its improbability computed again without them.
 */
function independentSales(buy: SidePeak | null, sell: SidePeak, matches: readonly LagMatch[], leader: TradeIndex): { digits: number; peaked: number } {
  const again = buy === null ? 0 : dependentSales(buy.peak, sell.peak, matches, leader);
  if (again === 0) return { digits: sell.digits, peaked: sell.peak.peaked };
  const peaked = sell.peak.peaked - again;
  return { peaked, digits: peaked > 0 ? peakImprobability({ ...sell.peak, peaked }, sell.byRate) : 0 };
}

/**
 * How many sales with a lag in `sells` are the buys with a lag in `buys` again: each such sale is
 * paired with the leader's latest buy of the token before it (one to one), and when that buy's
 * match has a lag in `buys`, the two are one round trip. Where the leader held two or more such
 * round trips for about the same time (their holds within the sales' range's width of each other),
 * a follower holding for a fixed time of its own sells at the buys' lag shifted by a constant. Bots
 * of two strangers that sell a fixed time after buying pack their sales wherever their buys packed
 * by chance (at one lag with them, where they hold alike), and counting both would count one
 * coincidence twice (a read-only review measured 134 joined peaks over 4 digits in 120,000
 * directions of such strangers). Where the leader's holds varied, a follower whose sales still
 * land at one lag after the leader's timed them to the leader's sales: a copy of its own (0). One
 * such round trip shows no holds to compare, and counts once more at most: left as it is (0). A
 * copier of a leader that holds alike counts its buys' peak, or its sales', not both.
 */
function dependentSales(buys: { lo: number; hi: number }, sells: { lo: number; hi: number }, matches: readonly LagMatch[], leader: TradeIndex): number {
  /** the leader's buys whose match lies in `buys`, by their signature */
  const inPeak = new Set<string>();
  for (const x of matches) if (x.direction === 'buy' && x.lagSeconds >= buys.lo && x.lagSeconds <= buys.hi) inPeak.add(x.leaderSignature);
  if (inPeak.size === 0) return 0;
  const paired = new Set<string>();
  let shared = 0;
  let minHold = Infinity;
  let maxHold = -Infinity;
  for (const x of matches) {
    if (x.direction !== 'sell' || x.lagSeconds < sells.lo || x.lagSeconds > sells.hi) continue;
    // the leader's latest buy of the token before this sale: the round trip it closes
    const legs = leader.byKey.get(`${x.mint}:buy`);
    if (legs === undefined) continue;
    let latest: SwapLeg | undefined;
    for (const leg of legs) {
      if (leg.timestamp > x.leaderTime) break;
      latest = leg;
    }
    if (latest === undefined || !inPeak.has(latest.signature) || paired.has(latest.signature)) continue;
    paired.add(latest.signature);
    shared++;
    const hold = x.leaderTime - latest.timestamp;
    if (hold < minHold) minHold = hold;
    if (hold > maxHold) maxHold = hold;
  }
  return shared >= 2 && maxHold - minHold <= sells.hi - sells.lo ? shared : 0;
}

/** The matches closest to their side's typical lag (the most typical copies), in time order. */
function representative(matches: LagMatch[], lagOf: (m: LagMatch) => number, max: number): LagMatch[] {
  return matches
    .map((m, i) => ({ m, i, d: Math.abs(m.lagSeconds - lagOf(m)) }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, max)
    .sort((x, y) => x.i - y.i)
    .map((x) => x.m);
}

function summarize(r: DirectionalTiming, simultaneous: boolean): string {
  if (r.matched === 0 || r.typicalLagSeconds === null) return 'no trades of the same token within the window';
  // matches in crowded launches are no copying by coverage: say how many of them there are
  const crowded = r.launchMatched > 0 ? ` (${r.launchMatched} of them in launches a crowd of the group traded)` : '';
  if (simultaneous) return `trade together (within ${r.typicalLagSeconds} s) on ${r.matched} of ${r.leaderTrades} trades${crowded}`;
  if (r.typicalSellLagSeconds !== null) {
    return `${r.follower} follows ${r.leader} by about ${formatLag(r.typicalLagSeconds)} on buys and ${formatLag(r.typicalSellLagSeconds)} on sales, on ${r.matched} of ${r.leaderTrades} trades${crowded}`;
  }
  return `${r.follower} follows ${r.leader} by about ${formatLag(r.typicalLagSeconds)} on ${r.matched} of ${r.leaderTrades} trades${crowded}`;
}

export function formatLag(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
