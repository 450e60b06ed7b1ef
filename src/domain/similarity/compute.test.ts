import { CLUSTER_DEFAULTS } from '../detection/cluster';
import { relatedness } from '../detection/combine';
import { timingForPair, tradeIndex } from '../detection/timing';
import { buy, sell } from '../testing/legs';
import { solTransfer } from '../testing/transfers';
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

  it('A–B: capital 0.375 / (‖A‖‖B‖), binary 1/2, Jaccard traded 1/3, held 1/2; timing v2, rarity, the blend and relatedness', () => {
    const s = pair('A', 'B').scores;
    const capital = (0.75 * 0.5) / (Math.sqrt(0.75 ** 2 + 0.25 ** 2) * Math.sqrt(0.5));
    expect(s.capital).toBeCloseTo(capital, 14);
    expect(s.binary).toBe(0.5);
    expect(s.jaccardTraded).toBe(1 / 3);
    expect(s.jaccardHeld).toBe(0.5); // A holds X (Y is under the 0.001 dust); B holds X (exactly 0.001) and Z
    // B bought X 100 s after A: one copied trade of A's two, beyond chance (detection/timing)
    const timing = timingForPair(tradeIndex('A', A.legs), tradeIndex('B', B.legs))!;
    expect(timing.leader).toBe('A');
    expect(s.timing).toBe(timing.score);
    expect(s.timing).toBeGreaterThan(0.1);
    expect(s.bundle).toBe(0); // 100 s apart: not a co-buy
    expect(s.funding).toBeNull(); // no transfers given
    // X, Y and Z are each traded by at most two of the four wallets: weight 1; shared 1 of union 3
    expect(s.rarity).toBeCloseTo((1 / 3) * (1 - Math.exp(-1 / 0.5)), 14);
    expect(s.behavior).toBeNull();
    expect(pair('A', 'B').nullReasons).toEqual({ behavior: 'wallet A: fewer than 5 trades', funding: "wallet A's transfers are not known" });
    // the blend leaves timing out by default (weight 0): it is evidence of coordination
    expect(s.similarity).toBeCloseTo((0.35 * capital + 0.2 * 0.5 + 0.1 * (1 / 3) + 0.1 * 0.5) / 0.75, 14);
    expect(s.combined).toBe(relatedness({ funding: null, bundle: 0, timing: s.timing, rarity: s.rarity, behavior: null }).score);
  });

  it('A–B evidence: the copied trade and the rare token, each signal\'s share summing to combined', () => {
    const e = pair('A', 'B').evidence!;
    expect(e.strongest).toBe('timing');
    expect(e.contributions.timing + e.contributions.rarity).toBeCloseTo(pair('A', 'B').scores.combined!, 14);
    expect(e.timing).toMatchObject({ leader: 'A', follower: 'B', simultaneous: false, medianLagSeconds: 100, matched: 1, leaderTrades: 2, followerTrades: 2, matchesOmitted: 0 });
    expect(e.timing!.summary).toBe('B follows A by about 2 min on 1 of 2 trades');
    expect(e.timing!.matches).toEqual([expect.objectContaining({ mint: 'X', direction: 'buy', leaderTime: T0, followerTime: T0 + 100, lagSeconds: 100 })]);
    expect(e.rareTokens).toEqual([{ mint: 'X', weight: 1, walletsTrading: 2 }]);
    expect([e.funding, e.bundles, e.fundingOmitted, e.bundlesOmitted, e.rareTokensOmitted]).toEqual([[], [], 0, 0, 0]);
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
      strength: 'Low',
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
    expect(p.scores).toEqual({
      capital: null,
      binary: null,
      jaccardTraded: 0,
      jaccardHeld: null,
      behavior: null,
      timing: null,
      funding: null,
      bundle: null,
      rarity: null,
      similarity: 0,
      combined: null,
    });
    expect(p.nullReasons.combined).toBe('no signal is defined for this pair');
    expect(p.evidence).toBeNull();
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

  it('clusters: none here (A–B relatedness ~0.21 is under the 0.3 edge threshold); the parameters record the options', () => {
    expect(pair('A', 'B').scores.combined).toBeCloseTo(0.2072, 4);
    expect(result.parameters.clusterThreshold).toBe(0.3);
    expect(result.parameters.cluster).toEqual({ ...CLUSTER_DEFAULTS, minEdge: 0.3 });
    expect(result.clusters).toEqual([]);
    // with the edge threshold lowered under it, A–B is a cluster of two (its link is at least
    // minMemberMeanLink, 0.2)…
    expect(computeSimilarity({ wallets: [A, B, C, D], clusterThreshold: 0.2 }).clusters.map((c) => c.members)).toEqual([['A', 'B']]);
    expect(() => computeSimilarity({ wallets: [A, B], clusterThreshold: 1.5 })).toThrow('clusterThreshold must be within [0, 1], got 1.5');
  });

  it('global metrics and histograms cover every score; the weights of relatedness are recorded', () => {
    expect(Object.keys(result.globalMetrics.metrics)).toEqual(Object.keys(pair('A', 'B').scores));
    expect(Object.keys(result.globalMetrics.histograms)).toEqual(Object.keys(pair('A', 'B').scores));
    expect(result.globalMetrics.histograms.combined).toEqual(result.globalMetrics.combinedHistogram);
    expect(result.globalMetrics.metrics.funding).toEqual({ count: 0, nullCount: 6, mean: null, median: null, min: null, max: null });
    expect(result.parameters.relatednessWeights).toEqual({ funding: 0.9, bundle: 0.9, timing: 0.9, rarity: 0.7, behavior: 0.3, supportCap: 0.3 });
  });

  it('is plain JSON: a round trip changes nothing', () => {
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('renormalizes custom weights over the defined metrics: capital only → similarity = capital', () => {
    const r = computeSimilarity({ wallets: [A, B], weights: { capital: 1, binary: 0, jaccardTraded: 0, jaccardHeld: 0, behavior: 0, timing: 0 } });
    expect(r.pairs[0].scores.similarity).toBe(r.pairs[0].scores.capital);
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

describe('counterparty activity in a cluster', () => {
  it('clusters wallets first funded by a wallet of one owner, and cites it but not a busy service they all also received from', () => {
    const members = ['W1', 'W2', 'W3', 'W4'];
    const wallets: SimilarityWalletInput[] = members.map((w, i) => ({
      address: w,
      legs: [],
      holdings: {},
      transfers: [solTransfer(w, 'F', 'in', String(1 + i), T0 + i * 60), solTransfer(w, 'HOT', 'in', String(3 + i), T0 + 3600 + i * 60)],
    }));
    const activity = new Map([
      ['F', { transactions: 41, complete: true, oldestTime: T0 - 86_400, newestTime: T0 + 180 }],
      ['HOT', { transactions: 1000, complete: false, oldestTime: T0 + 3000, newestTime: T0 + 3600 }],
    ]);
    // degrees as in a database of 40 wallets of which F funded 20 and HOT 30
    const database = { counterparties: { walletsPerCounterparty: new Map([['F', 20], ['HOT', 30]]), totalWallets: 40, activity } };
    const r = computeSimilarity({ wallets, database });
    expect(r.clusters.map((c) => c.members)).toEqual([members]);
    expect(r.clusters[0].evidence?.commonCounterparties.map((c) => c.counterparty)).toEqual(['F']);
    expect(r.pairs[0].evidence?.funding.map((f) => ('counterparty' in f ? f.counterparty : f.kind))).toEqual(['F']);
    // without the chain's word, F weighs by its degree (20 of 40 wallets): no cluster
    const blind = computeSimilarity({ wallets, database: { counterparties: { ...database.counterparties, activity: undefined } } });
    expect(blind.clusters).toEqual([]);
  });

  it('cites a counterparty that first funded one member and topped up the others as their common source, as the pairs cite it', () => {
    const members = ['W1', 'W2', 'W3'];
    // C funded W1 first; W2 and W3 were first funded elsewhere (strangers each) and topped up by C minutes later
    const wallets: SimilarityWalletInput[] = members.map((w, i) => ({
      address: w,
      legs: [],
      holdings: {},
      transfers: i === 0 ? [solTransfer(w, 'C', 'in', '2', T0)] : [solTransfer(w, `ORIGIN${i}`, 'in', '1', T0 - 86_400 * i), solTransfer(w, 'C', 'in', '2', T0 + i * 60)],
    }));
    const activity = new Map([['C', { transactions: 12, complete: true, oldestTime: T0 - 86_400, newestTime: T0 + 180 }]]);
    const database = { counterparties: { walletsPerCounterparty: new Map([['C', 3], ['ORIGIN1', 1], ['ORIGIN2', 1]]), totalWallets: 100, activity } };
    const r = computeSimilarity({ wallets, database });
    expect(r.clusters.map((c) => c.members)).toEqual([members]);
    expect(r.pairs.every((p) => p.evidence?.funding.some((f) => f.kind === 'common-source' && f.counterparty === 'C'))).toBe(true);
    expect(r.clusters[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'C', kind: 'source', memberCount: 3 }]);
  });

  it('does not cite a counterparty the pairs ignore: a spam airdropper known to thousands of wallets that sent every member a token', () => {
    const members = ['W1', 'W2', 'W3', 'W4'];
    const spam = (w: string, t: number) => ({ ...solTransfer(w, 'SPAMMER', 'in', '1', t), asset: 'SPAMTOKEN', rawAmount: '1000', amount: '1000', decimals: 0 });
    const wallets: SimilarityWalletInput[] = members.map((w, i) => ({ address: w, legs: [], holdings: {}, transfers: [solTransfer(w, 'F', 'in', String(1 + i), T0 + i * 60), spam(w, T0 + 7200 + i * 60)] }));
    const activity = new Map([['F', { transactions: 41, complete: true, oldestTime: T0 - 86_400, newestTime: T0 + 180 }]]);
    const database = { counterparties: { walletsPerCounterparty: new Map([['F', 20], ['SPAMMER', 5000]]), totalWallets: 60_000, activity } };
    const r = computeSimilarity({ wallets, database });
    expect(r.clusters.map((c) => c.members)).toEqual([members]);
    expect(r.clusters[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'F', kind: 'first-funder', memberCount: 4 }]);
    expect(r.pairs.some((p) => p.evidence?.funding.some((f) => 'counterparty' in f && f.counterparty === 'SPAMMER'))).toBe(false);
  });

  it('cites a fee payer of its members (engine 2.8.0), also one that funded some of them first, and not a gasless relayer', () => {
    const members = ['W1', 'W2', 'W3'];
    const fee = (w: string, payer: string, t: number) => ({ ...solTransfer(w, payer, 'in', '0.000005', t), asset: 'FEE' });
    const wallets: SimilarityWalletInput[] = members.map((w, i) => ({
      address: w,
      legs: [],
      holdings: {},
      // P funded the first member first, and paid every member's fees; R, a relayer, paid some too
      transfers: [...(i === 0 ? [solTransfer(w, 'P', 'in', '2', T0 - 86_400)] : [solTransfer(w, `OWN${i}`, 'in', '2', T0 - 86_400)]), fee(w, 'P', T0 + i * 600), fee(w, 'R', T0 + 7200 + i * 60)],
    }));
    const activity = new Map([
      ['P', { transactions: 30, complete: true, oldestTime: T0 - 86_400, newestTime: T0 + 3600 }],
      ['R', { transactions: 1000, complete: false, oldestTime: T0, newestTime: T0 + 600 }],
    ]);
    const database = { counterparties: { walletsPerCounterparty: new Map([['P', 3], ['R', 300]]), totalWallets: 40, activity } };
    const r = computeSimilarity({ wallets, database });
    expect(r.clusters.map((c) => c.members)).toEqual([members]);
    expect(r.clusters[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'P', kind: 'fee-payer', memberCount: 3 }]);
    expect(r.pairs.every((p) => p.evidence?.funding.some((f) => f.kind === 'common-fee-payer' && f.counterparty === 'P'))).toBe(true);
    expect(r.pairs.some((p) => p.evidence?.funding.some((f) => 'counterparty' in f && f.counterparty === 'R'))).toBe(false);
  });

  it('cites the common upstream funder of members funded through fresh wallets of one owner, which nothing one hop up shows', () => {
    const members = ['W1', 'W2', 'W3'];
    const wallets: SimilarityWalletInput[] = members.map((w, i) => ({ address: w, legs: [], holdings: {}, transfers: [solTransfer(w, `H${i}`, 'in', String(1 + i), T0 + i * 86_400)] }));
    const fresh = { transactions: 2, complete: true, oldestTime: T0 - 86_400, newestTime: T0 };
    const origin = (i: number) => ({ funder: 'O', amount: String(5 + i), rawAmount: String((5 + i) * 1e9), signature: `origin-${i}`, slot: T0 - 3600 + i, timestamp: T0 - 3600 + i * 86_400 });
    const counterparties = {
      walletsPerCounterparty: new Map(members.map((_, i) => [`H${i}`, 1])),
      totalWallets: 40,
      activity: new Map([...members.map((_, i): [string, typeof fresh] => [`H${i}`, fresh]), ['O', { ...fresh, transactions: 9 }]]),
      origins: new Map(members.map((_, i) => [`H${i}`, origin(i)])),
    };
    const r = computeSimilarity({ wallets, database: { counterparties } });
    expect(r.clusters.map((c) => c.members)).toEqual([members]);
    expect(r.clusters[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'O', kind: 'upstream-funder', memberCount: 3 }]);

    // above O the chains are one: O's own funder X (a wallet of one owner too) is not cited besides;
    // and where the chains' top was never read (X's funder Y), nothing says what it is: not cited
    const higher = {
      ...counterparties,
      activity: new Map([...counterparties.activity, ['X', fresh]]),
      origins: new Map([...counterparties.origins, ['O', { ...origin(0), funder: 'X' }], ['X', { ...origin(0), funder: 'Y' }]]),
    };
    expect(computeSimilarity({ wallets, database: { counterparties: higher } }).clusters[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'O', kind: 'upstream-funder', memberCount: 3 }]);
    // O funded W1 itself and the others through fresh wallets: one upstream funder of all three
    const mixed: SimilarityWalletInput[] = [{ ...wallets[0], transfers: [solTransfer('W1', 'O', 'in', '1', T0)] }, ...wallets.slice(1)];
    expect(computeSimilarity({ wallets: mixed, database: { counterparties } }).clusters[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'O', kind: 'upstream-funder', memberCount: 3 }]);
    // O unread: the chains meet there, but it weighs nothing and is not cited (the members are one
    // cluster here through a top-up source S of their own, a wallet of one owner)
    const unread = { ...counterparties, activity: new Map([...members.map((_, i): [string, typeof fresh] => [`H${i}`, fresh]), ['S', { ...fresh, transactions: 5 }]]) };
    const toppedUp = wallets.map((w, i) => ({ ...w, transfers: [...w.transfers!, solTransfer(w.address, 'S', 'in', String(2 + i), T0 + 5 * 86_400 + i * 60)] }));
    const cited = computeSimilarity({ wallets: toppedUp, database: { counterparties: unread } }).clusters;
    expect(cited.map((c) => c.members)).toEqual([members]);
    expect(cited[0].evidence?.commonCounterparties).toEqual([{ counterparty: 'S', kind: 'source', memberCount: 3 }]);
  });
});

describe('timing evidence of a pair that trades together', () => {
  it("names whose trades each match's two sides are, though no one leads: Q, a second ahead of P, whose pair lists P first", () => {
    // P and Q buy the same 6 tokens, Q 1 s before P each time: simultaneous, Q's direction scoring
    const mints = ['M1', 'M2', 'M3', 'M4', 'M5', 'M6'];
    const P: SimilarityWalletInput = { address: 'P', legs: mints.map((mint, i) => buy({ wallet: 'P', mint, t: T0 + i * 3_600 + 1, raw: 1, sol: 1, signature: `P-${mint}` })), holdings: {} };
    const Q: SimilarityWalletInput = { address: 'Q', legs: mints.map((mint, i) => buy({ wallet: 'Q', mint, t: T0 + i * 3_600, raw: 1, sol: 1, signature: `Q-${mint}` })), holdings: {} };
    const together = computeSimilarity({ wallets: [P, Q] }).pairs[0];
    expect([together.walletA, together.walletB]).toEqual(['P', 'Q']);
    const t = together.evidence!.timing!;
    expect(t).toMatchObject({ simultaneous: true, leader: null, follower: null, matchedWallets: { leader: 'Q', follower: 'P' } });
    expect(t.matches.length).toBeGreaterThan(0);
    for (const m of t.matches) {
      expect(m.leaderSignature).toBe(`Q-${m.mint}`);
      expect(m.followerSignature).toBe(`P-${m.mint}`);
    }
  });
});
