// Detection v2 in the benchmark (not yet wired into computeSimilarity): per pair the funding,
// bundle, timing and rarity signals, relatedness (with the engine's behavior score) and Louvain
// clusters, with the world's wallets as the database (docs/analytics.md, "Detection benchmark").
import type { EnhancedTransaction, SimilarityResult, SwapLeg } from '../../src/domain';
import {
  bundleLinks,
  clusterPairs,
  extractTransfersMany,
  fundingLinks,
  fundingProfile,
  rarityOverlapScores,
  rarityProfile,
  relatedness,
  timingLinks,
  tradeIndex,
  type CounterpartyStats,
  type TokenStats,
  type WalletTransfer,
} from '../../src/domain/detection';
import { isExcludedFromUniverse } from '../../src/domain/tokens';
import { pairKey } from '../../src/domain/evaluation';

/** The v2 score names the benchmark reports, after the engine's own. */
export const V2_SCORE_NAMES = ['funding', 'bundle', 'timingV2', 'rarity', 'relatedness'] as const;
export type V2ScoreName = (typeof V2_SCORE_NAMES)[number];

export interface V2WalletInput {
  address: string;
  legs: readonly SwapLeg[];
  transactions: readonly EnhancedTransaction[];
}

export interface V2Result {
  /** pairKey → v2 scores; a signal with no evidence for the pair is 0, relatedness is always set */
  scores: Map<string, Record<V2ScoreName, number>>;
  clusters: string[][];
}

/** Database-wide counts from the given wallets: counterparty degrees, token holders, first buys. */
export function worldStats(wallets: readonly V2WalletInput[], transfers: ReadonlyMap<string, readonly WalletTransfer[]>): { counterparties: CounterpartyStats; tokens: TokenStats } {
  const counterparty = new Map<string, Set<string>>();
  for (const [wallet, list] of transfers) {
    for (const t of list) {
      let s = counterparty.get(t.counterparty);
      if (!s) counterparty.set(t.counterparty, (s = new Set()));
      s.add(wallet);
    }
  }
  const holders = new Map<string, Set<string>>();
  const firstBuy = new Map<string, number>();
  for (const w of wallets) {
    for (const leg of w.legs) {
      if (leg.kind !== 'swap' || isExcludedFromUniverse(leg.mint)) continue;
      let s = holders.get(leg.mint);
      if (!s) holders.set(leg.mint, (s = new Set()));
      s.add(w.address);
      if (leg.direction === 'buy') firstBuy.set(leg.mint, Math.min(firstBuy.get(leg.mint) ?? Infinity, leg.timestamp));
    }
  }
  return {
    counterparties: { walletsPerCounterparty: new Map([...counterparty].map(([c, s]) => [c, s.size])), totalWallets: wallets.length },
    tokens: { walletsPerMint: new Map([...holders].map(([m, s]) => [m, s.size])), totalWallets: wallets.length, firstBuyTime: firstBuy },
  };
}

/** Every v2 signal of every pair, relatedness and the v2 clusters. */
export function detectV2(wallets: readonly V2WalletInput[], result: SimilarityResult): V2Result {
  const transfers = new Map(wallets.map((w) => [w.address, extractTransfersMany(w.transactions, w.address)]));
  const { counterparties, tokens } = worldStats(wallets, transfers);
  const scores = new Map<string, Record<V2ScoreName, number>>();
  const behavior = new Map<string, number | null>();
  for (const p of result.pairs) behavior.set(pairKey(p.walletA, p.walletB), p.scores.behavior);
  const at = (a: string, b: string): Record<V2ScoreName, number> => {
    const key = pairKey(a, b);
    let s = scores.get(key);
    if (!s) scores.set(key, (s = { funding: 0, bundle: 0, timingV2: 0, rarity: 0, relatedness: 0 }));
    return s;
  };
  for (let i = 0; i < wallets.length; i++) for (let j = i + 1; j < wallets.length; j++) at(wallets[i].address, wallets[j].address);
  for (const l of fundingLinks([...transfers].map(([w, t]) => fundingProfile(w, t)), counterparties)) at(l.a, l.b).funding = l.score;
  for (const l of bundleLinks(wallets.map((w) => ({ wallet: w.address, legs: w.legs })), tokens)) at(l.a, l.b).bundle = l.score;
  for (const l of timingLinks(wallets.map((w) => tradeIndex(w.address, w.legs)))) at(l.a, l.b).timingV2 = l.score;
  for (const l of rarityOverlapScores(wallets.map((w) => rarityProfile(w.address, w.legs, tokens)))) at(l.a, l.b).rarity = l.score;
  const weighted: Array<{ a: string; b: string; score: number }> = [];
  for (const [key, s] of scores) {
    s.relatedness = relatedness({ funding: s.funding, bundle: s.bundle, timing: s.timingV2, rarity: s.rarity, behavior: behavior.get(key) ?? null }).score;
    const [a, b] = key.split('|');
    weighted.push({ a, b, score: s.relatedness });
  }
  const clusters = clusterPairs(
    wallets.map((w) => w.address),
    weighted,
  ).map((c) => c.members);
  return { scores, clusters };
}
