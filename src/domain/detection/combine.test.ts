import { RELATEDNESS_WEIGHTS, relatedness } from './combine';

describe('relatedness', () => {
  it('lets one strong coordination signal dominate', () => {
    const r = relatedness({ funding: 1, rarity: 0, behavior: 0.5, timing: 0 });
    expect(r.score).toBeGreaterThan(0.9);
    expect(r.strongest).toBe('funding');
    expect(r.contributions.funding).toBeGreaterThan(0.85);
  });

  it('never lets lookalikes without coordination pass the support cap', () => {
    const r = relatedness({ funding: 0, bundle: 0, timing: 0, rarity: 1, behavior: 1 });
    expect(r.score).toBeCloseTo(RELATEDNESS_WEIGHTS.supportCap, 12);
    expect(r.contributions.rarity).toBeCloseTo(0.3 * 0.7, 12);
    expect(r.contributions.behavior).toBeCloseTo(0.3 * 0.3, 12);
  });

  it('adds independent signals as a noisy-OR and splits the score into contributions that sum to it', () => {
    const r = relatedness({ funding: 0.5, timing: 0.6, rarity: 0.8, behavior: null });
    const expected = 1 - (1 - 0.45) * (1 - 0.54) * (1 - 0.3 * 0.8);
    expect(r.score).toBeCloseTo(expected, 12);
    const sum = Object.values(r.contributions).reduce((x, y) => x + y, 0);
    expect(sum).toBeCloseTo(r.score, 12);
    expect(r.contributions.behavior).toBe(0);
    expect(r.strongest).toBe('timing');
  });

  it('is 0 with no signals, and ignores non-finite input', () => {
    expect(relatedness({})).toEqual({ score: 0, contributions: { funding: 0, bundle: 0, timing: 0, rarity: 0, behavior: 0 }, strongest: null });
    expect(relatedness({ timing: Number.NaN }).score).toBe(0);
  });
});
