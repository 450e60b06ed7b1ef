import { averagePrecision, clusterAgreement, evaluateScore, pairKey, pairsWithin, rocAuc, unrelatedAboveMedianRelated } from './evaluation';

const L = (related: boolean, score: number | null) => ({ related, score });

describe('pairsWithin / pairKey', () => {
  it('lists each unordered pair of a group once, whatever the order', () => {
    expect(pairKey('b', 'a')).toBe(pairKey('a', 'b'));
    expect([...pairsWithin([['c', 'a', 'b'], ['d']])].sort()).toEqual(['a|b', 'a|c', 'b|c']);
  });
});

describe('clusterAgreement', () => {
  it('counts pairs: truth {a,b,c} {d,e}, predicted {a,b} {c,d,e}', () => {
    // truth pairs: ab ac bc de (4); predicted: ab cd ce de (4); shared: ab de (2)
    expect(clusterAgreement([['a', 'b'], ['c', 'd', 'e']], [['a', 'b', 'c'], ['d', 'e']])).toEqual({
      truePositives: 2,
      predictedPairs: 4,
      relatedPairs: 4,
      precision: 0.5,
      recall: 0.5,
      f1: 0.5,
    });
  });

  it('gives precision 1 and recall 1/3 when one pair of a trio is found', () => {
    const r = clusterAgreement([['a', 'b']], [['a', 'b', 'c']]);
    expect([r.precision, r.recall, r.f1]).toEqual([1, 1 / 3, 0.5]);
  });

  it('has no precision when nothing is clustered, but F1 0 when groups exist', () => {
    expect(clusterAgreement([], [['a', 'b']])).toMatchObject({ precision: null, recall: 0, f1: 0 });
  });

  it('has nothing defined with neither clusters nor groups', () => {
    expect(clusterAgreement([], [])).toMatchObject({ precision: null, recall: null, f1: null });
  });
});

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for an inverted one', () => {
    expect(rocAuc([L(true, 0.9), L(true, 0.8), L(false, 0.2), L(false, 0.1)])).toBe(1);
    expect(rocAuc([L(true, 0.1), L(false, 0.9)])).toBe(0);
  });

  it('counts ties as one half', () => {
    // related {0.8, 0.5}, unrelated {0.5, 0.2}: wins 1 + 1 + 0.5 + 1 = 3.5 of 4
    expect(rocAuc([L(true, 0.8), L(true, 0.5), L(false, 0.5), L(false, 0.2)])).toBe(0.875);
  });

  it('ranks null below every number and ties nulls with each other', () => {
    // related {0.3, null}, unrelated {0.1, null}: 0.3 beats both (2); null beats neither, ties null (0.5)
    expect(rocAuc([L(true, 0.3), L(true, null), L(false, 0.1), L(false, null)])).toBe(2.5 / 4);
    // a related null below an unrelated 0 (a number is evidence, null is none)
    expect(rocAuc([L(true, null), L(false, 0)])).toBe(0);
  });

  it('is undefined without both classes', () => {
    expect(rocAuc([L(true, 1)])).toBeNull();
    expect(rocAuc([L(false, 1)])).toBeNull();
  });
});

describe('averagePrecision', () => {
  it('follows the ranking: related at ranks 1 and 3 of 4 → (1/1 + 2/3) / 2', () => {
    expect(averagePrecision([L(true, 0.9), L(false, 0.7), L(true, 0.5), L(false, 0.1)])).toBeCloseTo(5 / 6, 12);
  });

  it('treats a tie as one threshold: related and unrelated both at 0.5 after a related 0.9', () => {
    // threshold 0.9: recall 1/2, precision 1; threshold 0.5: recall +1/2, precision 2/3
    expect(averagePrecision([L(true, 0.9), L(false, 0.5), L(true, 0.5)])).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
    expect(averagePrecision([L(true, 0.5), L(false, 0.5), L(true, 0.9)])).toBeCloseTo(0.5 + 0.5 * (2 / 3), 12);
  });

  it('puts nulls last as one threshold', () => {
    // 0.4 unrelated first (no recall), then the null group of 1 related + 1 unrelated: precision 1/3
    expect(averagePrecision([L(false, 0.4), L(true, null), L(false, null)])).toBeCloseTo(1 / 3, 12);
  });

  it('is undefined without a related pair', () => {
    expect(averagePrecision([L(false, 1)])).toBeNull();
  });
});

describe('unrelatedAboveMedianRelated', () => {
  it('counts unrelated pairs strictly above the median related pair', () => {
    // related 0.2 0.6 0.9 → median 0.6; unrelated 0.7 and 0.95 above, 0.6 (equal) and 0.1 not
    expect(unrelatedAboveMedianRelated([L(true, 0.2), L(true, 0.6), L(true, 0.9), L(false, 0.7), L(false, 0.95), L(false, 0.6), L(false, 0.1)])).toEqual({
      medianRelated: 0.6,
      count: 2,
      unrelated: 4,
    });
  });

  it('uses the mean of the two middle values for an even count', () => {
    expect(unrelatedAboveMedianRelated([L(true, 0.4), L(true, 0.6), L(false, 0.55), L(false, 0.45)])).toEqual({ medianRelated: 0.5, count: 1, unrelated: 2 });
  });

  it('with a null median counts every unrelated pair that has a score', () => {
    expect(unrelatedAboveMedianRelated([L(true, null), L(true, null), L(true, 0.9), L(false, 0), L(false, null)])).toEqual({ medianRelated: null, count: 1, unrelated: 2 });
  });
});

describe('evaluateScore', () => {
  it('reports the null counts per class beside the ranking figures', () => {
    const e = evaluateScore([L(true, 0.9), L(true, null), L(false, null), L(false, null), L(false, 0.3)]);
    expect(e.nullRelated).toBe(1);
    expect(e.nullUnrelated).toBe(2);
    // related 0.9 beats all 3; related null beats nobody but ties 2 nulls: (3 + 1) / 6
    expect(e.rocAuc).toBeCloseTo(4 / 6, 12);
  });
});
