// How much a shared token or a shared counterparty says about a pair: the rarer across the whole
// database, the stronger (docs/analytics.md, "Detection v2 signals", rarity).
import { isExcludedFromUniverse } from '../tokens';
import type { SignalResult, SwapLeg, TokenStats, WalletPair } from './types';

/** Degree at which a counterparty weighs one half (see `counterpartyWeight`). */
export const DEFAULT_HALF_WEIGHT_DEGREE = 8;

/**
 * Weight of a token traded by `walletsTrading` of `totalWallets` wallets in the database: a
 * normalized inverse document frequency, ln(N / n) / ln(N / 2), clamped to [0, 1]. A token only the
 * two wallets of a pair ever traded weighs 1; one every wallet trades weighs 0. Relative to the
 * database size because a token's popularity is relative to what the database holds. With fewer
 * than 3 wallets there is nothing to compare with, and every token weighs 1.
 */
export function tokenRarityWeight(walletsTrading: number, totalWallets: number): number {
  const n = Math.max(1, walletsTrading);
  const total = Math.max(totalWallets, n);
  if (total < 3 || n <= 2) return 1;
  return clamp01(Math.log(total / n) / Math.log(total / 2));
}

/**
 * Weight of a counterparty that transferred with `walletsTouched` distinct wallets of the database:
 * h / (h + n − 2) with h = `halfWeightDegree` (default 8), so 2 wallets weigh 1, 10 weigh 0.5, 100
 * about 0.075 and 1,000 under 0.01. Absolute, not relative to the database size: a counterparty
 * that funds hundreds of wallets is a service (exchange, bridge, airdrop sender) in any database.
 */
export function counterpartyWeight(walletsTouched: number, halfWeightDegree = DEFAULT_HALF_WEIGHT_DEGREE): number {
  const n = Math.max(2, walletsTouched);
  return halfWeightDegree / (halfWeightDegree + n - 2);
}

/** A wallet's traded tokens (swap legs, universe mints) with their rarity weights. */
export interface RarityProfile {
  wallet: string;
  /** mint → rarity weight */
  tokens: Map<string, number>;
  /** Σ weights of `tokens` */
  totalWeight: number;
}

/**
 * The tokens a wallet traded (`swap` legs of mints in the similarity universe, so SOL, stablecoins
 * and liquid-staking tokens never count) with their weights from database-wide counts. A mint
 * missing from `walletsPerMint` counts as traded by this wallet alone (weight 1).
 */
export function rarityProfile(wallet: string, legs: readonly SwapLeg[], stats: TokenStats): RarityProfile {
  const tokens = new Map<string, number>();
  let totalWeight = 0;
  for (const leg of legs) {
    if (leg.kind !== 'swap' || tokens.has(leg.mint) || isExcludedFromUniverse(leg.mint)) continue;
    const w = tokenRarityWeight(stats.walletsPerMint.get(leg.mint) ?? 1, stats.totalWallets);
    tokens.set(leg.mint, w);
    totalWeight += w;
  }
  return { wallet, tokens, totalWeight };
}

export interface CarrierToken {
  mint: string;
  /** rarity weight of the token */
  weight: number;
  /** wallets in the database that traded it */
  walletsTrading: number;
}

export interface RarityOverlap extends SignalResult<CarrierToken> {
  /** weighted Jaccard: Σ shared weights / Σ union weights */
  weightedJaccard: number;
  /** weighted Ochiai: Σ shared / √(ΣA · ΣB) */
  weightedOchiai: number;
  sharedTokens: number;
  /** Σ weights of shared tokens */
  sharedWeight: number;
}

export const DEFAULT_MAX_CARRIERS = 5;
/** Shared rarity weight at which the overlap keeps 1 − 1/e ≈ 63 % of its weighted Jaccard. */
export const SHARED_WEIGHT_SCALE = 0.5;

/**
 * Rarity-weighted overlap of two wallets' traded tokens. Score = weighted Jaccard × (1 −
 * exp(−Σ shared weights / 0.5)): a ratio alone would give 1 to two wallets that traded the same
 * three popular tokens and nothing else; the second factor asks that rare tokens carry the overlap
 * (one token only the pair traded: 0.86; three tokens 90 % of the database traded: about 0.1). The
 * evidence lists the tokens that carried the pair, heaviest first (ties by mint), at most
 * `maxEvidence`. Cost: O(min(|A|, |B|)) per pair. Null when either wallet traded nothing.
 */
export function rarityOverlap(
  a: RarityProfile,
  b: RarityProfile,
  stats: TokenStats,
  maxEvidence = DEFAULT_MAX_CARRIERS,
): RarityOverlap | null {
  if (a.tokens.size === 0 || b.tokens.size === 0) return null;
  const [small, large] = a.tokens.size <= b.tokens.size ? [a, b] : [b, a];
  const shared: CarrierToken[] = [];
  let sharedWeight = 0;
  for (const [mint, weight] of small.tokens) {
    if (!large.tokens.has(mint)) continue;
    sharedWeight += weight;
    shared.push({ mint, weight, walletsTrading: stats.walletsPerMint.get(mint) ?? 1 });
  }
  const union = a.totalWeight + b.totalWeight - sharedWeight;
  const weightedJaccard = union > 0 ? clamp01(sharedWeight / union) : 0;
  const norm = Math.sqrt(a.totalWeight * b.totalWeight);
  const weightedOchiai = norm > 0 ? clamp01(sharedWeight / norm) : 0;
  shared.sort((x, y) => y.weight - x.weight || (x.mint < y.mint ? -1 : x.mint > y.mint ? 1 : 0));
  return {
    score: weightedJaccard * (1 - Math.exp(-sharedWeight / SHARED_WEIGHT_SCALE)),
    weightedJaccard,
    weightedOchiai,
    sharedTokens: shared.length,
    sharedWeight,
    evidence: shared.slice(0, maxEvidence),
    evidenceOmitted: Math.max(0, shared.length - maxEvidence),
  };
}

export interface RarityOverlapScore extends WalletPair {
  score: number;
  weightedJaccard: number;
  sharedWeight: number;
  sharedTokens: number;
}

/**
 * `rarityOverlap` scores of every pair of a group sharing a token, without the evidence (ask
 * `rarityOverlap` for the pairs you show). Accumulated through an index token → wallets into a
 * triangular array, so the cost is Σ over tokens of (holders choose 2), not pairs × tokens.
 */
export function rarityOverlapScores(profiles: readonly RarityProfile[]): RarityOverlapScore[] {
  const sorted = [...profiles].sort((x, y) => (x.wallet < y.wallet ? -1 : x.wallet > y.wallet ? 1 : 0));
  const n = sorted.length;
  const holders = new Map<string, number[]>();
  sorted.forEach((p, i) => {
    for (const mint of p.tokens.keys()) {
      const list = holders.get(mint);
      if (list) list.push(i);
      else holders.set(mint, [i]);
    }
  });
  const row = (i: number): number => (i * (2 * n - i - 1)) / 2; // offset of pair (i, i + 1)
  const shared = new Float64Array((n * (n - 1)) / 2);
  const counts = new Uint32Array(shared.length);
  for (const [mint, list] of holders) {
    if (list.length < 2) continue;
    const weight = sorted[list[0]].tokens.get(mint)!;
    for (let x = 0; x < list.length; x++) {
      const base = row(list[x]) - list[x] - 1;
      for (let y = x + 1; y < list.length; y++) {
        shared[base + list[y]] += weight;
        counts[base + list[y]]++;
      }
    }
  }
  const out: RarityOverlapScore[] = [];
  for (let i = 0; i < n; i++) {
    const base = row(i) - i - 1;
    for (let j = i + 1; j < n; j++) {
      const s = shared[base + j];
      if (counts[base + j] === 0) continue;
      const union = sorted[i].totalWeight + sorted[j].totalWeight - s;
      const weightedJaccard = union > 0 ? clamp01(s / union) : 0;
      out.push({
        a: sorted[i].wallet,
        b: sorted[j].wallet,
        score: weightedJaccard * (1 - Math.exp(-s / SHARED_WEIGHT_SCALE)),
        weightedJaccard,
        sharedWeight: s,
        sharedTokens: counts[base + j],
      });
    }
  }
  return out;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
