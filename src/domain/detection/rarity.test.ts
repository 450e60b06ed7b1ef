import { buy, sell } from '../testing/legs';
import { counterpartyWeight, rarityOverlap, rarityOverlapScores, rarityProfile, tokenRarityWeight } from './rarity';
import type { TokenStats } from './types';

describe('tokenRarityWeight (normalized idf over the database)', () => {
  it('weighs a token only the pair traded 1 and a token every wallet trades 0', () => {
    expect(tokenRarityWeight(2, 1000)).toBe(1);
    expect(tokenRarityWeight(1000, 1000)).toBe(0);
    expect(tokenRarityWeight(10, 1000)).toBeCloseTo(Math.log(100) / Math.log(500), 12);
  });

  it('falls as more wallets trade the token', () => {
    const ws = [2, 5, 20, 100, 500].map((n) => tokenRarityWeight(n, 1000));
    for (let i = 1; i < ws.length; i++) expect(ws[i]).toBeLessThan(ws[i - 1]);
  });

  it('gives 1 to everything when the database is too small to compare (under 3 wallets)', () => {
    expect(tokenRarityWeight(2, 2)).toBe(1);
  });
});

describe('counterpartyWeight (half weight at 8 + 2 wallets)', () => {
  it('is 1 for 2 wallets, 0.5 for 10, about 0.075 for 100 and under 0.01 for 1,000', () => {
    expect(counterpartyWeight(2)).toBe(1);
    expect(counterpartyWeight(10)).toBe(0.5);
    expect(counterpartyWeight(100)).toBeCloseTo(8 / 106, 12);
    expect(counterpartyWeight(1000)).toBeLessThan(0.01);
  });
});

describe('rarityOverlap', () => {
  const stats: TokenStats = {
    totalWallets: 1000,
    walletsPerMint: new Map([
      ['RARE', 2],
      ['POP1', 900],
      ['POP2', 800],
      ['POP3', 850],
      ['MID', 40],
    ]),
  };

  it('a pair carried by one rare token outranks a pair sharing only popular tokens', () => {
    const a = rarityProfile('A', [buy({ wallet: 'A', mint: 'RARE', t: 1, raw: 1 }), buy({ wallet: 'A', mint: 'POP1', t: 2, raw: 1 })], stats);
    const b = rarityProfile('B', [buy({ wallet: 'B', mint: 'RARE', t: 5, raw: 1 }), sell({ wallet: 'B', mint: 'POP2', t: 9, raw: 1 })], stats);
    const c = rarityProfile('C', ['POP1', 'POP2', 'POP3'].map((m, i) => buy({ wallet: 'C', mint: m, t: i, raw: 1 })), stats);
    const d = rarityProfile('D', ['POP1', 'POP2', 'POP3'].map((m, i) => buy({ wallet: 'D', mint: m, t: i, raw: 1 })), stats);
    const ab = rarityOverlap(a, b, stats)!;
    const cd = rarityOverlap(c, d, stats)!;
    expect(ab.sharedTokens).toBe(1);
    expect(cd.sharedTokens).toBe(3);
    // C and D share all three tokens (Jaccard 1), but nothing rare carries them
    expect(cd.weightedJaccard).toBe(1);
    expect(cd.score).toBeLessThan(0.15);
    expect(ab.evidence).toEqual([{ mint: 'RARE', weight: 1, walletsTrading: 2 }]);
    expect(ab.weightedJaccard).toBeGreaterThan(0.75);
    expect(ab.score).toBeGreaterThan(0.65);
    expect(ab.score).toBeGreaterThan(cd.score * 5);
    // the same pair without the rare token is weak
    const a2 = rarityProfile('A', [buy({ wallet: 'A', mint: 'POP1', t: 2, raw: 1 }), buy({ wallet: 'A', mint: 'MID', t: 2, raw: 1 })], stats);
    const c2 = rarityProfile('C', [buy({ wallet: 'C', mint: 'POP1', t: 2, raw: 1 }), buy({ wallet: 'C', mint: 'POP3', t: 2, raw: 1 }), buy({ wallet: 'C', mint: 'RARE', t: 2, raw: 1 })], stats);
    expect(rarityOverlap(a2, c2, stats)!.weightedJaccard).toBeLessThan(0.05);
  });

  it('lists carriers heaviest first, capped, and counts the rest', () => {
    const mints = ['RARE', 'MID', 'POP1', 'POP2', 'POP3'];
    const a = rarityProfile('A', mints.map((m) => buy({ wallet: 'A', mint: m, t: 1, raw: 1 })), stats);
    const b = rarityProfile('B', mints.map((m) => buy({ wallet: 'B', mint: m, t: 1, raw: 1 })), stats);
    const r = rarityOverlap(a, b, stats, 2)!;
    expect(r.evidence.map((e) => e.mint)).toEqual(['RARE', 'MID']);
    expect(r.evidenceOmitted).toBe(3);
    expect(r.score).toBeCloseTo(1 - Math.exp(-r.sharedWeight / 0.5), 12);
    expect(r.weightedOchiai).toBeCloseTo(1, 12);
  });

  it('ignores SOL, stablecoins and transfers, and is null when a wallet traded nothing', () => {
    const usdc = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
    const a = rarityProfile('A', [buy({ wallet: 'A', mint: usdc, t: 1, raw: 1 })], stats);
    expect(a.tokens.size).toBe(0);
    const b = rarityProfile('B', [buy({ wallet: 'B', mint: 'RARE', t: 1, raw: 1 })], stats);
    expect(rarityOverlap(a, b, stats)).toBeNull();
  });
});

describe('rarityOverlapScores over a group', () => {
  it('gives every sharing pair the same score as rarityOverlap, and skips pairs sharing nothing', () => {
    const stats: TokenStats = { totalWallets: 50, walletsPerMint: new Map([['R', 2], ['P', 40], ['Q', 10], ['S', 3]]) };
    const spec: Record<string, string[]> = { W1: ['R', 'P'], W2: ['R', 'P', 'Q'], W3: ['P', 'S'], W4: ['S', 'Q'], W5: ['Z'] };
    const profiles = Object.entries(spec).map(([w, ms]) => rarityProfile(w, ms.map((m) => buy({ wallet: w, mint: m, t: 1, raw: 1 })), stats));
    const got = rarityOverlapScores([...profiles].reverse());
    const byName = new Map(profiles.map((p) => [p.wallet, p]));
    expect(got.map((g) => `${g.a}-${g.b}`)).toEqual(['W1-W2', 'W1-W3', 'W2-W3', 'W2-W4', 'W3-W4']);
    for (const g of got) {
      const one = rarityOverlap(byName.get(g.a)!, byName.get(g.b)!, stats)!;
      expect(g.score).toBeCloseTo(one.score, 12);
      expect(g.sharedTokens).toBe(one.sharedTokens);
    }
  });
});
