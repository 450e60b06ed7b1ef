import fc from 'fast-check';
import type { SwapLeg } from '../swaps/types';
import { buy, sell } from '../testing/legs';
import { computeSimilarity } from './compute';
import type { MetricName, PairScores, SimilarityResult, SimilarityWalletInput } from './types';

const MINTS = ['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6', 'M7'];
const SCORE_KEYS: Array<keyof PairScores> = ['capital', 'binary', 'jaccardTraded', 'jaccardHeld', 'behavior', 'timing', 'combined'];

const legArb = fc.record({
  mint: fc.constantFrom(...MINTS),
  side: fc.constantFrom('buy', 'sell'),
  t: fc.integer({ min: 1_700_000_000, max: 1_700_000_000 + 30 * 86_400 }),
  sol: fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 50, noNaN: true })),
  raw: fc.integer({ min: 1, max: 1_000_000 }),
});
const walletArb = fc.record({
  legs: fc.array(legArb, { maxLength: 14 }),
  held: fc.subarray(MINTS),
});
const groupArb = fc.array(walletArb, { minLength: 2, maxLength: 5 });

type WalletSpec = { legs: Array<{ mint: string; side: string; t: number; sol: number; raw: number }>; held: string[] };

function toInputs(specs: WalletSpec[], rename: (m: string) => string = (m) => m): SimilarityWalletInput[] {
  return specs.map((spec, i) => {
    const address = `W${i}`;
    const legs: SwapLeg[] = spec.legs.map((l) => (l.side === 'buy' ? buy : sell)({ wallet: address, mint: rename(l.mint), t: l.t, raw: l.raw, sol: l.sol }));
    const holdings = Object.fromEntries(spec.held.map((m) => [rename(m), { uiAmount: '1' }]));
    return { address, legs, holdings };
  });
}

const byKey = (r: SimilarityResult) => new Map(r.pairs.map((p) => [[p.walletA, p.walletB].sort().join('|'), p]));

function expectSameScores(x: PairScores, y: PairScores): void {
  for (const k of SCORE_KEYS) {
    if (x[k] === null) expect(y[k]).toBeNull();
    else expect(y[k]).toBeCloseTo(x[k]!, 10);
  }
}

describe('similarity properties (fast-check)', () => {
  it('every score is within [0, 1] and every overlap percentage within [0, 100]', () => {
    fc.assert(
      fc.property(groupArb, (specs) => {
        const r = computeSimilarity({ wallets: toInputs(specs) });
        for (const p of r.pairs) {
          for (const k of SCORE_KEYS) {
            const v = p.scores[k];
            if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
          }
          for (const v of [p.capitalOverlapPercent, p.capitalInSharedPercentA, p.capitalInSharedPercentB]) {
            if (v !== null) expect(v >= 0 && v <= 100).toBe(true);
          }
        }
      }),
    );
  });

  it('is symmetric: swapping the two wallets gives the same scores', () => {
    fc.assert(
      fc.property(walletArb, walletArb, (a, b) => {
        const [ab] = computeSimilarity({ wallets: toInputs([a, b]) }).pairs;
        const inputs = toInputs([a, b]);
        const [ba] = computeSimilarity({ wallets: [inputs[1], inputs[0]] }).pairs;
        expectSameScores(ab.scores, ba.scores);
      }),
    );
  });

  it('a wallet compared with an identical copy scores 1 on every metric it has data for', () => {
    fc.assert(
      fc.property(walletArb, (w) => {
        const [original] = toInputs([w]);
        const copy = { ...original, address: 'copy' };
        const [p] = computeSimilarity({ wallets: [original, copy] }).pairs;
        for (const k of SCORE_KEYS) {
          if (p.scores[k] !== null) expect(p.scores[k]).toBeCloseTo(1, 12);
        }
        const tradesUniverse = w.legs.length > 0;
        expect(p.scores.binary === null).toBe(!tradesUniverse);
        expect(p.scores.jaccardHeld === null).toBe(w.held.length === 0 || !w.held.some((m) => w.legs.some((l) => l.mint === m)));
      }),
    );
  });

  it('does not depend on the order of wallets in the group', () => {
    fc.assert(
      fc.property(
        groupArb.chain((specs) => fc.tuple(fc.constant(specs), fc.shuffledSubarray(specs.map((_, i) => i), { minLength: specs.length, maxLength: specs.length }))),
        ([specs, order]) => {
          const inputs = toInputs(specs);
          const forward = byKey(computeSimilarity({ wallets: inputs }));
          const shuffled = byKey(computeSimilarity({ wallets: order.map((i) => inputs[i]) }));
          expect(shuffled.size).toBe(forward.size);
          for (const [key, p] of forward) expectSameScores(p.scores, shuffled.get(key)!.scores);
        },
      ),
    );
  });

  it('does not depend on token names: relabeling mints through a bijection keeps every score', () => {
    fc.assert(
      fc.property(groupArb, fc.shuffledSubarray(MINTS, { minLength: MINTS.length, maxLength: MINTS.length }), (specs, permuted) => {
        const rename = (m: string) => `renamed-${permuted[MINTS.indexOf(m)]}`;
        const plain = byKey(computeSimilarity({ wallets: toInputs(specs) }));
        const renamed = byKey(computeSimilarity({ wallets: toInputs(specs, rename) }));
        for (const [key, p] of plain) expectSameScores(p.scores, renamed.get(key)!.scores);
      }),
    );
  });

  it('per-token contributions (listed + omitted) sum to the capital score', () => {
    fc.assert(
      fc.property(groupArb, fc.integer({ min: 0, max: 4 }), (specs, maxShared) => {
        const r = computeSimilarity({ wallets: toInputs(specs), maxSharedTokensPerPair: maxShared });
        for (const p of r.pairs) {
          expect(p.sharedTokens.length).toBeLessThanOrEqual(maxShared);
          expect(p.sharedTokens.length + p.sharedTokensOmitted).toBe(p.sharedTokenCount);
          if (p.scores.capital === null) continue;
          const sum = p.sharedTokens.reduce((s, t) => s + t.contribution, 0) + p.omittedContribution;
          expect(sum).toBeCloseTo(p.scores.capital, 10);
        }
      }),
    );
  });

  it('combined is the weighted mean of the defined metrics, so it lies between their min and max', () => {
    fc.assert(
      fc.property(groupArb, (specs) => {
        const r = computeSimilarity({ wallets: toInputs(specs) });
        for (const p of r.pairs) {
          const defined = (['capital', 'binary', 'jaccardTraded', 'jaccardHeld', 'behavior', 'timing'] as MetricName[])
            .map((m) => p.scores[m])
            .filter((v): v is number => v !== null);
          if (defined.length === 0) expect(p.scores.combined).toBeNull();
          else {
            expect(p.scores.combined!).toBeGreaterThanOrEqual(Math.min(...defined) - 1e-12);
            expect(p.scores.combined!).toBeLessThanOrEqual(Math.max(...defined) + 1e-12);
          }
        }
      }),
    );
  });
});
