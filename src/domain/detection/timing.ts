// Co-trading timing in both directions: who leads, by how much, on how many trades, beyond what
// chance explains (docs/analytics.md, "Detection v2 signals", timing).
import { isExcludedFromUniverse } from '../tokens';
import { median } from '../stats';
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
  /** matched / leaderTrades */
  leaderCoverage: number;
  /** matched / followerTrades */
  followerShare: number;
  medianLagSeconds: number | null;
  /** share of matches whose lag is close to the median lag */
  lagConsistency: number;
  /** mean of 0.5 + 0.5 × 2^(−lag / half-life) over matches */
  lagWeight: number;
  /**
   * matches within max(5 s, 10 % of it) of the median lag: of all the matches, the buys or the
   * sales, whichever set is the most improbably packed (see `improbability`)
   */
  peakedMatches: number;
  /**
   * −log10 of the chance of as many matches at the median lag as `peakedMatches` (Poisson tail,
   * chance taken as the larger of the follower's trading rate and the pair's lags spread evenly)
   */
  improbability: number;
  score: number;
}

export interface TimingResult extends SignalResult<LagMatch> {
  /** the wallet the other follows; null when neither direction scores, or they trade together */
  leader: string | null;
  follower: string | null;
  /** median lag under 2 s: they trade together (a bundle or one operator), no one leads */
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
 * - improbability: with c matches at the median lag ± max(5 s, 10 % of it) = [lo, hi] and Ec the
 *   chance matches with a lag there, the larger of Σ over L trades of e^(−rate·lo) − e^(−rate·hi)
 *   (a follower trading at random has its next trade of the key there with that probability) and
 *   matched × (hi − lo) / window (the pair's matches spread evenly: a crowd buying around the same
 *   launches matches often, at scattered lags), s = −log10 P(Poisson(Ec) ≥ c), scaled (s − 4) / 8
 *   into [0, 1], from 5 such matches on; taken over all the matches, the buys' alone and the
 *   sales' alone (each side's Ec from its own keys and matches), the most improbable counting (a
 *   bot copying sales after a longer delay packs each side at its own lag). Coverage alone is
 *   diluted by the wallets' own trades: 20 trades copied at a steady 15 s of a leader's 100 are
 *   decisive (s ≈ 37), not 20 %; so are 7 of a leader's 150 among 100 of the follower's own.
 * So popular tokens traded often by both do not make a copier, a slow copier with a steady lag
 * does, and the follower's own extra trades only lower the smallest factor. The pair's score is
 * the larger direction.
 */
export function timingForPair(a: TradeIndex, b: TradeIndex, opts: TimingOptions = {}): TimingResult | null {
  if (a.trades === 0 || b.trades === 0) return null;
  const o = { ...TIMING_DEFAULTS, ...opts };
  const fwd = direction(a, b, o);
  const bwd = direction(b, a, o);
  const best = fwd.result.score >= bwd.result.score ? fwd : bwd;
  const r = best.result;
  const simultaneous = r.matched > 0 && r.medianLagSeconds !== null && r.medianLagSeconds < o.simultaneousSeconds;
  const named = r.score > 0 && !simultaneous;
  const evidence = representative(best.matches, r.medianLagSeconds ?? 0, o.maxEvidence);
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
export function timingLinks(indexes: readonly TradeIndex[], opts: TimingOptions = {}): Array<WalletPair & TimingResult> {
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
    const r = timingForPair(sorted[i], sorted[j], opts);
    if (r !== null) out.push({ a: sorted[i].wallet, b: sorted[j].wallet, ...r });
  }
  return out;
}

type Resolved = Record<keyof typeof TIMING_DEFAULTS, number>;

/** the sets of matches whose packing at one lag the improbability route weighs */
const LAG_SIDES = ['all', 'buy', 'sell'] as const;

function direction(leader: TradeIndex, follower: TradeIndex, o: Resolved): { result: DirectionalTiming; matches: LagMatch[] } {
  const span = Math.max(o.minSpanSeconds, follower.lastTime - follower.firstTime);
  const matches: LagMatch[] = [];
  let expected = 0;
  /** per shared key: the leader's trades of it, the follower's rate of it, and whether it is a buy key */
  const keyRates: Array<[number, number, boolean]> = [];
  const small = leader.byKey.size <= follower.byKey.size ? leader : follower;
  for (const key of small.byKey.keys()) {
    const f = follower.byKey.get(key);
    const l = leader.byKey.get(key);
    if (!f || !l) continue;
    const rate = f.length / span;
    expected += l.length * (1 - Math.exp(-rate * o.windowSeconds));
    keyRates.push([l.length, rate, l[0].direction === 'buy']);
    let j = 0;
    for (const lt of l) {
      while (j < f.length && f[j].timestamp < lt.timestamp) j++;
      if (j >= f.length) break;
      const lag = f[j].timestamp - lt.timestamp;
      if (lag > o.windowSeconds) continue;
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
  const coverage = leader.trades > expected ? clamp01((m - expected) / (leader.trades - expected)) : 0;
  // the improbability route: matches packed at one lag (a bot's fixed delay) that neither the
  // follower's trading rate nor the spread of the pair's own lags explains; taken over all the
  // matches, the buys' and the sales' (a bot copying sales more slowly than buys, or after the
  // buy's delay again, packs each side at its own lag), the most improbable counting
  let peaked = 0;
  let improbability = 0;
  let peakedEnough = false;
  for (const side of LAG_SIDES) {
    const sideLags = side === 'all' ? lags : matches.filter((x) => x.direction === side).map((x) => x.lagSeconds);
    if (sideLags.length === 0 || (side !== 'all' && sideLags.length === m)) continue;
    const peak = lagPeak(Float64Array.from(sideLags).sort(), sideLags.length, o.windowSeconds);
    // chance matches in [lo, hi] under two models, the larger counts: a follower trading the key
    // at random has its next trade there with probability e^(−rate·lo) − e^(−rate·hi); and the
    // matches spread evenly over the window (a crowd buying around the same launches matches
    // often, at scattered lags, whatever the follower's average rate says)
    let byRate = 0;
    for (const [trades, rate, buys] of keyRates) {
      if (side === 'all' || buys === (side === 'buy')) byRate += trades * (Math.exp(-rate * peak.lo) - Math.exp(-rate * peak.hi));
    }
    const digits = Math.min(99, poissonTailDigits(peak.peaked, Math.max(byRate, peak.bySpread)));
    const enough = peak.peaked >= o.minSignificantMatches;
    if ((enough && !peakedEnough) || (enough === peakedEnough && (digits > improbability || (digits === improbability && peak.peaked > peaked)))) {
      improbability = digits;
      peaked = peak.peaked;
      peakedEnough = enough;
    }
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
      leaderCoverage: m / leader.trades,
      followerShare,
      medianLagSeconds: med,
      lagConsistency: consistency,
      lagWeight,
      peakedMatches: peaked,
      improbability,
      score: clamp01(score),
    },
    matches,
  };
}

/**
 * The improbability route's figures of a direction's lags, sorted ascending (sorted[0..m)): the
 * matches within max(5 s, 10 % of it) of the median lag, [lo, hi] (clamped to the window), and the
 * chance matches there if the m matches spread evenly over the window. The similarity kernel
 * computes the same from the same lags to bound the score (`lagPeakBound` in similarity/kernel.ts).
 */
export function lagPeak(sorted: Float64Array, m: number, windowSeconds: number): { median: number; lo: number; hi: number; peaked: number; bySpread: number } {
  const mid = m >> 1;
  const med = m % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const tolerance = Math.max(TIMING_DEFAULTS.peakToleranceSeconds, med * TIMING_DEFAULTS.peakToleranceShare);
  const lo = Math.max(0, med - tolerance);
  const hi = Math.min(windowSeconds, med + tolerance);
  let peaked = 0;
  for (let k = 0; k < m; k++) if (sorted[k] >= lo && sorted[k] <= hi) peaked++;
  return { median: med, lo, hi, peaked, bySpread: m * ((hi - lo) / windowSeconds) };
}

/**
 * −log10 P(X ≥ k) for X ~ Poisson(λ): 0 when k ≤ λ. Summed in log space from the k-th term (the
 * terms fall at least as fast as λ / (k + 1) from there), exact enough for any k and λ.
 */
export function poissonTailDigits(k: number, lambda: number): number {
  if (k <= 0 || k <= lambda) return 0;
  if (lambda <= 0) return Infinity;
  let logTerm = -lambda + k * Math.log(lambda) - logFactorial(k);
  let logSum = logTerm;
  for (let i = k + 1; i < k + 1000; i++) {
    logTerm += Math.log(lambda / i);
    const next = logSum + Math.log1p(Math.exp(logTerm - logSum));
    if (next - logSum < 1e-12) break;
    logSum = next;
  }
  return Math.max(0, -logSum / Math.LN10);
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/** The matches closest to the median lag (the most typical copies), in time order. */
function representative(matches: LagMatch[], medianLag: number, max: number): LagMatch[] {
  return matches
    .map((m, i) => ({ m, i, d: Math.abs(m.lagSeconds - medianLag) }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, max)
    .sort((x, y) => x.i - y.i)
    .map((x) => x.m);
}

function summarize(r: DirectionalTiming, simultaneous: boolean): string {
  if (r.matched === 0 || r.medianLagSeconds === null) return 'no trades of the same token within the window';
  if (simultaneous) return `trade together (within ${r.medianLagSeconds} s) on ${r.matched} of ${r.leaderTrades} trades`;
  return `${r.follower} follows ${r.leader} by about ${formatLag(r.medianLagSeconds)} on ${r.matched} of ${r.leaderTrades} trades`;
}

export function formatLag(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}
