import { behaviorSimilarity, coTradingShare, cosine, countNear, jaccard, ochiai } from './metrics';
import { pairInsights, strengthOf } from './insights';
import { scores } from '../testing/scores';

describe('metric formulas', () => {
  it('cosine: dot / (‖A‖·‖B‖); a single shared token with equal weights → 1; an all-zero vector → null', () => {
    expect(cosine(0.375, Math.sqrt(0.625), Math.sqrt(0.5))).toBeCloseTo(0.375 / Math.sqrt(0.3125), 15);
    expect(cosine(1, 1, 1)).toBe(1);
    expect(cosine(0, 0, 1)).toBeNull();
    expect(cosine(0, 1, 0)).toBeNull();
  });

  it('binary (Ochiai): |A∩B| / √(|A|·|B|); one shared of 2 and 2 → 0.5; single shared token → 1; empty side → null', () => {
    expect(ochiai(2, 2, 1)).toBe(0.5);
    expect(ochiai(1, 1, 1)).toBe(1);
    expect(ochiai(1, 1, 0)).toBe(0);
    expect(ochiai(0, 3, 0)).toBeNull();
  });

  it('Jaccard: |A∩B| / |A∪B|; an empty union is null, never 1', () => {
    expect(jaccard(2, 2, 1)).toBe(1 / 3);
    expect(jaccard(1, 1, 1)).toBe(1);
    expect(jaccard(1, 0, 0)).toBe(0);
    expect(jaccard(0, 0, 0)).toBeNull();
  });

  it('timing: co-traded trades of both / all trades of both; no trades on a side → null', () => {
    expect(coTradingShare(1, 1, 2, 2)).toBe(0.5);
    expect(coTradingShare(0, 0, 5, 1)).toBe(0);
    expect(coTradingShare(0, 0, 0, 1)).toBeNull();
  });

  it('behavior: (1 + cos) / 2 of unit vectors: same → 1, opposite → 0, orthogonal → 0.5, missing → null', () => {
    const x = Float64Array.of(1, 0);
    const y = Float64Array.of(0, 1);
    const minusX = Float64Array.of(-1, 0);
    expect(behaviorSimilarity(x, x)).toBe(1);
    expect(behaviorSimilarity(x, minusX)).toBe(0);
    expect(behaviorSimilarity(x, y)).toBe(0.5);
    expect(behaviorSimilarity(null, y)).toBeNull();
  });

  it('countNear: a trade counts when the other side has one within the window, bounds included', () => {
    const a = Float64Array.of(0, 1000, 2000);
    const b = Float64Array.of(300, 1301, 5000);
    expect(countNear(a, 0, 3, b, 0, 3, 300)).toBe(1); // 0↔300 at exactly 300 s; 1000↔1301 is 301 s
    expect(countNear(b, 0, 3, a, 0, 3, 300)).toBe(1);
    expect(countNear(a, 0, 3, b, 0, 0, 300)).toBe(0);
  });
});

const facts = { sharedTokenCount: 5, tradedTokenCountA: 6, tradedTokenCountB: 6, sharedHeldCount: 1, coTradedA: 0, coTradedB: 0, evidence: null };

describe('pair insights', () => {
  it('binary 0.9 and capital 0.7: Behavioral Mirror (score binary) and Sustained Alignment (score mean)', () => {
    expect(pairInsights({ ...facts, scores: scores({ binary: 0.9, capital: 0.7 }) }).map((i) => [i.type, i.score])).toEqual([
      ['Behavioral Mirror', 0.9],
      ['Sustained Alignment', 0.8],
    ]);
  });

  it('binary 0.9 and capital 0.2: Capital Divergence', () => {
    expect(pairInsights({ ...facts, scores: scores({ binary: 0.9, capital: 0.2 }) }).map((i) => i.type)).toEqual(['Capital Divergence']);
  });

  it('binary 0.65 and no held token in common: Shared Zero Holdings', () => {
    expect(pairInsights({ ...facts, sharedHeldCount: 0, scores: scores({ binary: 0.65, capital: 0.5 }) }).map((i) => i.type)).toEqual(['Shared Zero Holdings']);
  });

  it('binary 0.45 with 100 % of A shared but 20 % of B: Significant Asymmetry', () => {
    const out = pairInsights({ ...facts, sharedTokenCount: 2, tradedTokenCountA: 2, tradedTokenCountB: 10, scores: scores({ binary: 0.45 }) });
    expect(out.map((i) => [i.type, i.reason])).toEqual([['Significant Asymmetry', "100 % of wallet A's tokens are shared, but only 20 % of the other's"]]);
  });

  it('two co-trades on each side and timing 0.4: Co-trading; one co-trade on a side is not enough', () => {
    expect(pairInsights({ ...facts, coTradedA: 2, coTradedB: 2, scores: scores({ timing: 0.4 }) }).map((i) => i.type)).toEqual(['Co-trading']);
    expect(pairInsights({ ...facts, coTradedA: 2, coTradedB: 1, scores: scores({ timing: 0.4 }) })).toEqual([]);
  });

  it('no rule fires on null metrics', () => {
    expect(pairInsights({ ...facts, sharedHeldCount: 0, scores: scores({}) })).toEqual([]);
  });

  it('strength words at the anchor thresholds', () => {
    expect([0.7, 0.69, 0.5, 0.3, 0.15, 0.149, null].map(strengthOf)).toEqual(['Very High', 'High', 'High', 'Moderate', 'Low', 'Very Low', null]);
  });
});
