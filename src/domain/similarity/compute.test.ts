import { buy, sell } from '../testing/legs';
import { ENGINE_VERSION } from '../version';
import { SimilarityInputError, computeSimilarity } from './compute';
import type { SimilarityPair, SimilarityWalletInput } from './types';

const MSOL = 'mSoLzYCxHdYgdzU16g5QSh3i5K3z3KZK7ytfqcJm7So';
const T0 = 1_700_000_000;

// A: 3 SOL into X, 1 SOL into Y (weights 0.75 / 0.25), holds X.
// B: 1 SOL into X 100 s after A, 1 SOL into Z (0.5 / 0.5), holds X and Z.
// C: only sells Y (spent nothing), holds nothing.  D: only mSOL (excluded), holds nothing.
const A: SimilarityWalletInput = {
  address: 'A',
  legs: [buy({ wallet: 'A', mint: 'X', t: T0, raw: 1, sol: 3 }), buy({ wallet: 'A', mint: 'Y', t: T0 + 5000, raw: 1, sol: 1 })],
  holdings: { X: { uiAmount: '10' }, Y: { uiAmount: '0.0009' } },
  coverage: { truncated: true, signaturesFetched: 500 },
};
const B: SimilarityWalletInput = {
  address: 'B',
  legs: [buy({ wallet: 'B', mint: 'X', t: T0 + 100, raw: 1, sol: 1 }), buy({ wallet: 'B', mint: 'Z', t: T0 + 9000, raw: 1, sol: 1 })],
  holdings: { X: { uiAmount: '0.001' }, Z: { uiAmount: '3' } },
};
const C: SimilarityWalletInput = { address: 'C', legs: [sell({ wallet: 'C', mint: 'Y', t: T0, raw: 1, sol: 2 })], holdings: {} };
const D: SimilarityWalletInput = { address: 'D', legs: [buy({ wallet: 'D', mint: MSOL, t: T0, raw: 1, sol: 5 })], holdings: { [MSOL]: { uiAmount: '5' } } };

const result = computeSimilarity({ wallets: [A, B, C, D] });
const pair = (a: string, b: string): SimilarityPair => result.pairs.find((p) => p.walletA === a && p.walletB === b)!;

describe('computeSimilarity on a hand-computed group', () => {
  it('builds one universe from swap legs, leaving out mSOL and reporting it', () => {
    expect(result.universe).toEqual({ size: 3, excludedSeen: [{ mint: MSOL, reason: 'mSOL (Marinade)' }] });
    expect(result.engineVersion).toBe(ENGINE_VERSION);
    expect(result.pairs.map((p) => `${p.walletA}-${p.walletB}`)).toEqual(['A-B', 'A-C', 'A-D', 'B-C', 'B-D', 'C-D']);
  });

  it('A–B: capital 0.375 / (‖A‖‖B‖), binary 1/2, Jaccard traded 1/3, held 1/2, timing 2/4', () => {
    const s = pair('A', 'B').scores;
    const capital = (0.75 * 0.5) / (Math.sqrt(0.75 ** 2 + 0.25 ** 2) * Math.sqrt(0.5));
    expect(s.capital).toBeCloseTo(capital, 14);
    expect(s.binary).toBe(0.5);
    expect(s.jaccardTraded).toBe(1 / 3);
    expect(s.jaccardHeld).toBe(0.5); // A holds X (Y is under the 0.001 dust); B holds X (exactly 0.001) and Z
    expect(s.timing).toBe(0.5); // both X buys are 100 s apart; the Y and Z buys have no partner
    expect(s.behavior).toBeNull();
    expect(pair('A', 'B').nullReasons).toEqual({ behavior: 'wallet A: fewer than 5 trades' });
    const combined = (0.35 * capital + 0.2 * 0.5 + 0.1 * (1 / 3) + 0.1 * 0.5 + 0.1 * 0.5) / 0.85;
    expect(s.combined).toBeCloseTo(combined, 14);
  });

  it('A–B explanation: X is the only shared token, its contribution is the whole capital score, overlap min(0.75, 0.5) = 50 %', () => {
    const p = pair('A', 'B');
    expect(p.sharedTokens).toHaveLength(1);
    expect(p.sharedTokens[0]).toMatchObject({ mint: 'X', weightA: 0.75, weightB: 0.5 });
    expect(p.sharedTokens[0].contribution).toBeCloseTo(p.scores.capital!, 15);
    expect(p).toMatchObject({
      sharedTokenCount: 1,
      tradedTokenCountA: 2,
      tradedTokenCountB: 2,
      unionTokenCount: 3,
      sharedHeldCount: 1,
      heldTokenCountA: 1,
      heldTokenCountB: 2,
      capitalOverlapPercent: 50,
      capitalInSharedPercentA: 75,
      capitalInSharedPercentB: 50,
      sharedTokensOmitted: 0,
      omittedContribution: 0,
      coTrading: { coTradedA: 1, coTradedB: 1, tradesA: 2, tradesB: 2 },
      strength: 'High',
    });
  });

  it('A–C: capital is null because C spent nothing; binary 1/√2; held Jaccard 0 (union {X})', () => {
    const p = pair('A', 'C');
    expect(p.scores.capital).toBeNull();
    expect(p.nullReasons.capital).toBe('wallet B spent no SOL on universe tokens');
    expect(p.scores.binary).toBeCloseTo(1 / Math.SQRT2, 15);
    expect(p.scores.jaccardTraded).toBe(0.5);
    expect(p.scores.jaccardHeld).toBe(0);
    expect(p.scores.timing).toBe(0); // A bought Y, C sold Y: different direction
    expect(p.capitalOverlapPercent).toBeNull();
  });

  it('C–D: nothing held on either side gives a null held Jaccard (never 1), D has no universe trades', () => {
    const p = pair('C', 'D');
    expect(p.scores).toEqual({ capital: null, binary: null, jaccardTraded: 0, jaccardHeld: null, behavior: null, timing: null, combined: 0 });
    expect(p.nullReasons.jaccardHeld).toBe('neither wallet holds a universe token above the dust threshold');
    expect(p.nullReasons.binary).toBe('wallet B traded no universe token');
  });

  it('reports coverage per wallet, passing through what the caller knows about truncation', () => {
    expect(result.coverage[0]).toEqual({
      address: 'A',
      firstTradeAt: T0,
      lastTradeAt: T0 + 5000,
      legsTotal: 2,
      swapLegs: 2,
      transferLegs: 0,
      legsUsed: 2,
      tradedTokenCount: 2,
      heldTokenCount: 1,
      capitalSolSpent: 4,
      behaviorAvailable: false,
      truncated: true,
      signaturesFetched: 500,
      transactionsFetched: null,
      transactionsRejected: null,
      windowStartSec: null,
      windowEndSec: null,
    });
    expect(result.coverage[3]).toMatchObject({ address: 'D', legsTotal: 1, legsUsed: 0, tradedTokenCount: 0, truncated: null });
  });

  it('global metrics name the mean and the median separately', () => {
    const binary = result.globalMetrics.metrics.binary;
    // defined for A-B (0.5), A-C (0.7071), B-C (0): D has no universe trades
    expect(binary.count).toBe(3);
    expect(binary.nullCount).toBe(3);
    expect(binary.mean).toBeCloseTo((0.5 + 1 / Math.SQRT2 + 0) / 3, 14);
    expect(binary.median).toBe(0.5);
    expect(binary.min).toBe(0);
    expect(binary.max).toBeCloseTo(1 / Math.SQRT2, 15);
    expect(result.globalMetrics.pairCount).toBe(6);
    expect(result.globalMetrics.combinedHistogram.reduce((a, b) => a + b, 0)).toBe(result.globalMetrics.metrics.combined.count);
  });

  it('most common tokens by wallets that traded them', () => {
    expect(result.mostCommonTokens).toEqual([
      { mint: 'X', tradedBy: 2, heldBy: 2 },
      { mint: 'Y', tradedBy: 2, heldBy: 0 },
      { mint: 'Z', tradedBy: 1, heldBy: 1 },
    ]);
  });

  it('clusters A and B at threshold 0.5, bound by X; none at 0.9 or at the default 0.65 (A–B combined is 0.55)', () => {
    expect(computeSimilarity({ wallets: [A, B, C, D], clusterThreshold: 0.5 }).clusters).toEqual([
      { members: ['A', 'B'], edgeCount: 1, meanCombined: pair('A', 'B').scores.combined, bindingTokens: [{ mint: 'X', memberCount: 2, totalWeight: 1.25 }] },
    ]);
    expect(computeSimilarity({ wallets: [A, B, C, D], clusterThreshold: 0.9 }).clusters).toEqual([]);
    expect(pair('A', 'B').scores.combined).toBeCloseTo(0.5507, 4);
    expect(result.parameters.clusterThreshold).toBe(0.65);
    expect(result.clusters).toEqual([]);
  });

  it('is plain JSON: a round trip changes nothing', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('renormalizes custom weights over the defined metrics: capital only → combined = capital', () => {
    const r = computeSimilarity({ wallets: [A, B], weights: { capital: 1, binary: 0, jaccardTraded: 0, jaccardHeld: 0, behavior: 0, timing: 0 } });
    expect(r.pairs[0].scores.combined).toBe(r.pairs[0].scores.capital);
    expect(r.parameters.weights).toEqual({ capital: 1, binary: 0, jaccardTraded: 0, jaccardHeld: 0, behavior: 0, timing: 0 });
  });

  it('lists at most maxSharedTokensPerPair tokens; listed + omitted contributions = capital', () => {
    const legsFor = (w: string, sols: number[]) => sols.map((sol, i) => buy({ wallet: w, mint: `T${i}`, t: T0 + i, raw: 1, sol }));
    const P = { address: 'P', legs: legsFor('P', [1, 2, 3, 4]), holdings: {} };
    const Q = { address: 'Q', legs: legsFor('Q', [4, 3, 2, 1]), holdings: {} };
    const [p] = computeSimilarity({ wallets: [P, Q], maxSharedTokensPerPair: 2 }).pairs;
    expect(p.sharedTokens.map((t) => t.mint)).toEqual(['T1', 'T2']); // products 6/100 each beat 4/100
    expect(p.sharedTokensOmitted).toBe(2);
    const listed = p.sharedTokens.reduce((s, t) => s + t.contribution, 0);
    expect(listed + p.omittedContribution).toBeCloseTo(p.scores.capital!, 14);
    expect(p.scores.capital).toBeCloseTo(20 / 30, 14); // (4+6+6+4) / (1+4+9+16)
  });

  it('rejects a wallet listed twice', () => {
    expect(() => computeSimilarity({ wallets: [A, A] })).toThrow(SimilarityInputError);
  });

  it('a group of one wallet has no pairs and null global figures', () => {
    const r = computeSimilarity({ wallets: [A] });
    expect(r.pairs).toEqual([]);
    expect(r.globalMetrics.metrics.combined).toEqual({ count: 0, nullCount: 0, mean: null, median: null, min: null, max: null });
  });
});
