// Named findings per pair, each from one documented rule (docs/analytics.md, "Insights").
import type { PairEvidence, PairInsight, PairScores, StrengthLabel } from './types';

export interface InsightFacts {
  scores: PairScores;
  sharedTokenCount: number;
  tradedTokenCountA: number;
  tradedTokenCountB: number;
  sharedHeldCount: number;
  coTradedA: number;
  coTradedB: number;
  evidence: PairEvidence | null;
}

/** Thresholds of the insight rules (the anchor's, plus Co-trading from its activity correlator). */
export const INSIGHT_THRESHOLDS = {
  highBinary: 0.85,
  alignedBinary: 0.6,
  highCapital: 0.6,
  lowCapital: 0.3,
  asymmetryBinary: 0.4,
  asymmetryHighSharePercent: 70,
  asymmetryLowSharePercent: 20,
  coTradesPerSide: 2,
  coTradingShare: 0.1,
} as const;

/** Every rule that holds for the pair, highest score first. Rules needing a null metric do not fire. */
export function pairInsights(f: InsightFacts): PairInsight[] {
  const t = INSIGHT_THRESHOLDS;
  const { binary, capital, timing } = f.scores;
  const out: PairInsight[] = [];
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  if (binary !== null && capital !== null) {
    if (binary >= t.highBinary && capital >= t.highCapital) {
      out.push({ type: 'Behavioral Mirror', score: binary, reason: `trade nearly the same tokens (binary ${pct(binary)}) with similar capital allocation (capital ${pct(capital)})` });
    }
    if (binary >= t.highBinary && capital < t.lowCapital) {
      out.push({ type: 'Capital Divergence', score: binary, reason: `trade nearly the same tokens (binary ${pct(binary)}) but put their capital in different ones (capital ${pct(capital)})` });
    }
    if (binary >= t.alignedBinary && capital >= t.highCapital) {
      out.push({ type: 'Sustained Alignment', score: (binary + capital) / 2, reason: `token overlap ${pct(binary)} and capital similarity ${pct(capital)} are both high` });
    }
  }
  if (binary !== null && binary > t.alignedBinary && f.sharedHeldCount === 0) {
    out.push({ type: 'Shared Zero Holdings', score: binary, reason: `traded much the same tokens (binary ${pct(binary)}) but hold none of them in common now` });
  }
  if (binary !== null && binary >= t.asymmetryBinary && f.tradedTokenCountA > 0 && f.tradedTokenCountB > 0) {
    const shareA = (f.sharedTokenCount / f.tradedTokenCountA) * 100;
    const shareB = (f.sharedTokenCount / f.tradedTokenCountB) * 100;
    const high = Math.max(shareA, shareB);
    const low = Math.min(shareA, shareB);
    if (high >= t.asymmetryHighSharePercent && low <= t.asymmetryLowSharePercent) {
      const who = shareA >= shareB ? 'A' : 'B';
      out.push({ type: 'Significant Asymmetry', score: binary, reason: `${high.toFixed(0)} % of wallet ${who}'s tokens are shared, but only ${low.toFixed(0)} % of the other's` });
    }
  }
  if (timing !== null && timing >= t.coTradingShare && f.coTradedA >= t.coTradesPerSide && f.coTradedB >= t.coTradesPerSide) {
    out.push({ type: 'Co-trading', score: timing, reason: `${f.coTradedA} trades of A and ${f.coTradedB} of B were the same token and direction within the co-trade window (${pct(timing)} of their trades)` });
  }
  return out.sort((x, y) => y.score - x.score);
}

/** Word for a combined score: ≥ 0.7 Very High, ≥ 0.5 High, ≥ 0.3 Moderate, ≥ 0.15 Low, else Very Low. */
export function strengthOf(combined: number | null): StrengthLabel | null {
  if (combined === null) return null;
  if (combined >= 0.7) return 'Very High';
  if (combined >= 0.5) return 'High';
  if (combined >= 0.3) return 'Moderate';
  if (combined >= 0.15) return 'Low';
  return 'Very Low';
}
