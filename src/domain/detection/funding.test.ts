import { solPayment, solTransfer } from '../testing/transfers';
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, counterpartyActivityClass, counterpartyLinkWeight, decisiveDegreeLimit, fundingForPair, fundingLinks, fundingProfile, summariseSignatures } from './funding';
import { counterpartyWeight } from './rarity';
import type { CounterpartyActivity, CounterpartyStats, WalletTransfer } from './types';

const BINANCE = '5tzFkiKscXHK5ZXCGbXZxdw7gTjjD1mBwuoFbhUvuAi9';
const T0 = 1_710_000_000;
const stats = (entries: Array<[string, number]>): CounterpartyStats => ({ walletsPerCounterparty: new Map(entries) });
const profile = (wallet: string, ts: WalletTransfer[]) => fundingProfile(wallet, ts);

describe('fundingForPair', () => {
  it('links two wallets first funded by the same rare address minutes apart, citing both transfers', () => {
    const fa = solTransfer('A', 'FUNDER', 'in', '2', T0);
    const fb = solTransfer('B', 'FUNDER', 'in', '2.5', T0 + 120);
    const r = fundingForPair(profile('A', [fa]), profile('B', [fb]), stats([['FUNDER', 4]]));
    expect(r.score).toBeGreaterThan(0.75);
    expect(r.evidence).toEqual([
      {
        kind: 'common-first-funder',
        counterparty: 'FUNDER',
        counterpartyWallets: 4,
        counterpartyWeight: 0.8,
        a: { asset: 'SOL', amount: '2', signature: fa.signature, slot: T0, timestamp: T0 },
        b: { asset: 'SOL', amount: '2.5', signature: fb.signature, slot: T0 + 120, timestamp: T0 + 120 },
        secondsApart: 120,
        strength: r.score,
      },
    ]);
  });

  it("reads no first funding from a history cut short (a window, a proceed): the oldest SOL stored is a top-up, a common source", () => {
    const fa = solTransfer('A', 'FUNDER', 'in', '0.5', T0);
    const fb = solTransfer('B', 'FUNDER', 'in', '0.5', T0 + 120);
    const cut = (w: string, t: WalletTransfer) => fundingProfile(w, [t], { wholeHistory: false });
    expect(cut('A', fa).firstFunding).toBeNull();
    const whole = fundingForPair(profile('A', [fa]), profile('B', [fb]), stats([['FUNDER', 4]]));
    const partial = fundingForPair(cut('A', fa), cut('B', fb), stats([['FUNDER', 4]]));
    expect(whole.evidence.map((e) => e.kind)).toEqual(['common-first-funder']);
    expect(partial.evidence.map((e) => e.kind)).toEqual(['common-source']);
    expect(partial.score).toBeLessThan(whole.score);
  });

  it('does not link wallets funded by a known exchange hot wallet, even minutes apart', () => {
    expect(KNOWN_ADDRESSES.get(BINANCE)?.kind).toBe('exchange');
    const a = profile('A', [solTransfer('A', BINANCE, 'in', '3', T0)]);
    const b = profile('B', [solTransfer('B', BINANCE, 'in', '2.7', T0 + 60)]);
    expect(fundingForPair(a, b, stats([]))).toEqual({ score: 0, evidence: [], evidenceOmitted: 0 });
  });

  it('barely links wallets funded by an unlisted address that funds thousands of wallets', () => {
    const a = profile('A', [solTransfer('A', 'HOTWALLET', 'in', '1', T0)]);
    const b = profile('B', [solTransfer('B', 'HOTWALLET', 'in', '1', T0 + 86_400 * 3)]);
    const rare = profile('C', [solTransfer('C', 'HOTWALLET', 'in', '1', T0 + 86_400 * 3)]);
    expect(fundingForPair(a, b, stats([['HOTWALLET', 5000]])).score).toBe(0);
    expect(fundingForPair(a, rare, stats([['HOTWALLET', 300]])).score).toBeLessThan(0.03);
  });

  it('links wallets first funded with exactly the same odd amount minutes apart, from a known exchange or from different wallets', () => {
    const fa = solTransfer('A', BINANCE, 'in', '1.2345', T0);
    const fb = solTransfer('B', BINANCE, 'in', '1.2345', T0 + 60);
    const r = fundingForPair(profile('A', [fa]), profile('B', [fb]), stats([]));
    expect(r.evidence).toEqual([
      {
        kind: 'same-amount-funding',
        a: { asset: 'SOL', amount: '1.2345', signature: fa.signature, slot: T0, timestamp: T0 },
        b: { asset: 'SOL', amount: '1.2345', signature: fb.signature, slot: T0 + 60, timestamp: T0 + 60 },
        funderA: BINANCE,
        funderB: BINANCE,
        secondsApart: 60,
        strength: 0.8 * 2 ** (-60 / 300),
      },
    ]);
    // each from a fresh wallet of its own: no counterparty in common, found all the same
    const group = ['C', 'D', 'E'].map((w, i) => profile(w, [solTransfer(w, `FRESH${i}`, 'in', '1.2345', T0 + 30 * i)]));
    const links = fundingLinks(group, stats([]));
    expect(links.map((l) => [l.a, l.b, l.evidence.map((e) => e.kind)])).toEqual([
      ['C', 'D', ['same-amount-funding']],
      ['C', 'E', ['same-amount-funding']],
      ['D', 'E', ['same-amount-funding']],
    ]);
  });

  it('counts a round amount by how round (whole or half SOL a third, tenths a half, hundredths 0.7), and nothing for dust, fundings over 15 min apart or one sender that is not an exchange', () => {
    const pair = (x: [string, string, number], y: [string, string, number]) =>
      fundingForPair(profile('A', [solTransfer('A', x[0], 'in', x[1], T0 + x[2])]), profile('B', [solTransfer('B', y[0], 'in', y[1], T0 + y[2])]), stats([['GASDROP', 5000]]));
    expect(pair(['F1', '2', 0], ['F2', '2', 0]).score).toBeCloseTo(0.8 * 0.35, 12);
    expect(pair(['F1', '1.5', 0], ['F2', '1.5', 0]).score).toBeCloseTo(0.8 * 0.35, 12);
    expect(pair(['F1', '1.3', 0], ['F2', '1.3', 0]).score).toBeCloseTo(0.8 * 0.5, 12);
    // an operator's scripted 1.36 SOL: fifty times as many amounts share its precision as whole or half SOL
    expect(pair(['F1', '1.36', 0], ['F2', '1.36', 0]).score).toBeCloseTo(0.8 * 0.7, 12);
    expect(pair(['F1', '1.3674', 0], ['F2', '1.3674', 0]).score).toBeCloseTo(0.8, 12);
    expect(pair(['F1', '0.001234', 0], ['F2', '0.001234', 0]).score).toBe(0);
    expect(pair(['F1', '1.2345', 0], ['F2', '1.2345', 901]).score).toBe(0);
    expect(pair(['F1', '1.2345', 0], ['F2', '1.2346', 0]).score).toBe(0);
    // a sender that gives everyone the same amount (a gas drop) is left to the common-funder weight
    expect(pair(['GASDROP', '0.0512', 0], ['GASDROP', '0.0512', 5]).score).toBe(0);
  });

  it('links a direct transfer between the two, in either direction', () => {
    const [out, inn] = solPayment('A', 'B', '5', T0);
    const r = fundingForPair(profile('A', [out]), profile('B', [inn]), stats([]));
    expect(r.score).toBeCloseTo(0.9, 12);
    expect(r.evidence).toEqual([{ kind: 'direct', from: 'A', to: 'B', transfer: { asset: 'SOL', amount: '5', signature: out.signature, slot: T0, timestamp: T0 }, strength: 0.9 }]);
    const back = fundingForPair(profile('B', [inn]), profile('A', [out]), stats([]));
    expect(back.evidence[0]).toMatchObject({ kind: 'direct', from: 'A', to: 'B' });
  });

  it('links a direct transfer only one of the two kept (the sender traded in that transaction), whichever wallet is listed first, once', () => {
    const [out, inn] = solPayment('A', 'B', '5', T0);
    const expected = [{ kind: 'direct', from: 'A', to: 'B', transfer: { asset: 'SOL', amount: '5', signature: inn.signature, slot: T0, timestamp: T0 }, strength: 0.9 }];
    // A's history has no transfer there (its transfers in a transaction it traded in are the trade's)
    expect(fundingForPair(profile('A', []), profile('B', [inn]), stats([])).evidence).toEqual(expected);
    expect(fundingForPair(profile('B', [inn]), profile('A', []), stats([])).evidence).toEqual(expected);
    expect(fundingLinks([profile('A', []), profile('B', [inn])], stats([]))).toMatchObject([{ a: 'A', b: 'B', evidence: expected }]);
    // both kept it: listed once
    expect(fundingForPair(profile('A', [out]), profile('B', [inn]), stats([])).evidence).toHaveLength(1);
    // SOL and wrapped SOL sent in one transaction (both asset 'SOL'): two transfers, each listed once
    const [out2, inn2] = solPayment('A', 'B', '2', T0).map((t) => ({ ...t, signature: out.signature }));
    expect(fundingForPair(profile('A', [out, out2]), profile('B', [inn, inn2]), stats([])).evidence.map((e) => (e.kind === 'direct' ? e.transfer.amount : null))).toEqual(['5', '2']);
  });

  it('links a common sweep destination and a common top-up source, weaker than a first funder', () => {
    const a = profile('A', [solTransfer('A', 'BANK', 'in', '1', T0), solTransfer('A', 'TOPUP', 'in', '1', T0 + 500), solTransfer('A', 'SWEEP', 'out', '9', T0 + 9000)]);
    const b = profile('B', [solTransfer('B', 'OTHERBANK', 'in', '1.5', T0), solTransfer('B', 'TOPUP', 'in', '1', T0 + 600), solTransfer('B', 'SWEEP', 'out', '7', T0 + 9100)]);
    const r = fundingForPair(a, b, stats([['TOPUP', 3], ['SWEEP', 3]]));
    expect(r.evidence.map((e) => [e.kind, 'counterparty' in e ? e.counterparty : null])).toEqual([
      ['common-source', 'TOPUP'],
      ['common-destination', 'SWEEP'],
    ]);
    for (const e of r.evidence) expect(e.strength).toBeLessThan(0.6);
    expect(r.score).toBeCloseTo(1 - (1 - r.evidence[0].strength) * (1 - r.evidence[1].strength), 12);
  });

  it('caps the evidence and counts what it left out', () => {
    const ts: Array<[WalletTransfer, WalletTransfer]> = [];
    for (let i = 0; i < 12; i++) ts.push(solPayment('A', 'B', '1', T0 + i * 60));
    const r = fundingForPair(profile('A', ts.map((p) => p[0])), profile('B', ts.map((p) => p[1])), stats([]), { maxEvidence: 3 });
    expect(r.evidence).toHaveLength(3);
    expect(r.evidenceOmitted).toBe(9);
    expect(r.score).toBeGreaterThan(0.99);
  });
});

describe('fundingLinks over a group', () => {
  it('returns only the pairs with evidence: a rare common funder, not the exchange-funded crowd', () => {
    const transfers: WalletTransfer[] = [
      solTransfer('B1', 'OPERATOR', 'in', '1', T0),
      solTransfer('B2', 'OPERATOR', 'in', '1', T0 + 30),
      solTransfer('B3', 'OPERATOR', 'in', '1', T0 + 45),
      ...['X1', 'X2', 'X3', 'X4'].map((w, i) => solTransfer(w, BINANCE, 'in', '2', T0 + i * 3600)),
    ];
    const wallets = ['B1', 'B2', 'B3', 'X1', 'X2', 'X3', 'X4'];
    const links = fundingLinks(wallets.map((w) => fundingProfile(w, transfers)), stats([['OPERATOR', 3]]));
    expect(links.map((l) => [l.a, l.b])).toEqual([
      ['B1', 'B2'],
      ['B1', 'B3'],
      ['B2', 'B3'],
    ]);
    for (const l of links) expect(l.score).toBeGreaterThan(0.8);
  });

  it('counts a counterparty at least as often as the group shows it, whatever stats say', () => {
    const transfers = Array.from({ length: 40 }, (_, i) => solTransfer(`W${i}`, 'AIRDROPPER', 'in', '0.01', T0 + i));
    const links = fundingLinks(Array.from({ length: 40 }, (_, i) => fundingProfile(`W${i}`, transfers)), stats([]));
    for (const l of links) expect(l.score).toBeLessThan(0.25);
  });
});

describe('fundingForPair with the database size', () => {
  it('counts a funder of a third of a small database for less than an operator funding a handful', () => {
    const pair = (funder: string) => [profile('A', [solTransfer('A', funder, 'in', '1', T0)]), profile('B', [solTransfer('B', funder, 'in', '1', T0 + 60)])] as const;
    const sized: CounterpartyStats = { walletsPerCounterparty: new Map([['OPERATOR', 4], ['HOT', 13]]), totalWallets: 40 };
    const operator = fundingForPair(...pair('OPERATOR'), sized).score;
    const hot = fundingForPair(...pair('HOT'), sized).score;
    expect(operator).toBeGreaterThan(0.55);
    expect(hot).toBeLessThan(0.2);
    // without the size, only the absolute degree counts
    expect(fundingForPair(...pair('HOT'), stats([['HOT', 13]])).score).toBeGreaterThan(hot);
  });

  it('keeps a quarter of a common first funder\'s strength when the fundings are weeks apart', () => {
    const a = profile('A', [solTransfer('A', 'FUNDER', 'in', '1', T0)]);
    const b = profile('B', [solTransfer('B', 'FUNDER', 'in', '1', T0 + 30 * 86_400)]);
    expect(fundingForPair(a, b, stats([['FUNDER', 2]])).score).toBeCloseTo(0.25, 3);
  });
});

describe('decisiveDegreeLimit', () => {
  it('is the first degree that weighs under the minimum and is past the sprayer test (more wallets than a dedicated wallet has transactions), for the defaults and other options', () => {
    expect(decisiveDegreeLimit()).toBe(FUNDING_DEFAULTS.dedicatedMaxTransactions + 1);
    for (const opts of [{}, { halfWeightDegree: 4, minCounterpartyWeight: 0.1 }, { halfWeightDegree: 8, minCounterpartyWeight: 0.03 }, { halfWeightDegree: 20, minCounterpartyWeight: 0.5 }, { halfWeightDegree: 8, minCounterpartyWeight: 0.001 }]) {
      const limit = decisiveDegreeLimit(opts);
      const [half, min] = [opts.halfWeightDegree ?? 8, opts.minCounterpartyWeight ?? 0.02];
      expect(counterpartyWeight(limit, half)).toBeLessThan(min);
      expect(limit).toBeGreaterThan(FUNDING_DEFAULTS.dedicatedMaxTransactions);
      if (limit > FUNDING_DEFAULTS.dedicatedMaxTransactions + 1) expect(counterpartyWeight(limit - 1, half)).toBeGreaterThanOrEqual(min);
    }
    expect(decisiveDegreeLimit({ halfWeightDegree: 8, minCounterpartyWeight: 0.001 })).toBeGreaterThan(7000);
    expect(decisiveDegreeLimit({ minCounterpartyWeight: 0 })).toBe(Infinity);
  });

  it('gives the same links and evidence when counterparties outside the group are counted only up to it', () => {
    const limit = decisiveDegreeLimit();
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const hubs = ['HUB1', 'HUB2', 'HUB3', 'RARE1', 'RARE2'];
    const wallets = Array.from({ length: 30 }, (_, i) => `W${i}`);
    for (let round = 0; round < 20; round++) {
      const transfers: WalletTransfer[] = [];
      for (const w of wallets) {
        for (let k = 0; k < 4; k++) {
          const other = rnd() < 0.2 ? wallets[Math.floor(rnd() * wallets.length)] : hubs[Math.floor(rnd() * hubs.length)];
          if (other !== w) transfers.push(solTransfer(w, other, rnd() < 0.5 ? 'in' : 'out', '1', T0 + Math.floor(rnd() * 86_400 * 3)));
        }
      }
      // hubs and wallets of the group with degrees on both sides of the limit
      const degrees = new Map<string, number>([...hubs, ...wallets].map((c) => [c, Math.floor(rnd() < 0.5 ? 2 + rnd() * (limit - 2) : limit + rnd() * 50_000)]));
      const clipped = new Map([...degrees].map(([c, n]) => [c, wallets.includes(c) ? n : Math.min(n, limit)]));
      const profiles = wallets.map((w) => fundingProfile(w, transfers));
      // what the chain says of the hubs: short whole histories (dedicated wallets, or sprayers that paid more wallets than that)
      const activity = new Map<string, CounterpartyActivity>(hubs.map((c) => [c, { transactions: 2 + Math.floor(rnd() * (FUNDING_DEFAULTS.dedicatedMaxTransactions - 1)), complete: true, oldestTime: T0 - 86_400, newestTime: T0 }]));
      for (const [totalWallets, withActivity] of [[undefined, undefined], [60_000, undefined], [undefined, activity]] as const) {
        const exact = fundingLinks(profiles, { walletsPerCounterparty: degrees, totalWallets, activity: withActivity });
        expect(fundingLinks(profiles, { walletsPerCounterparty: clipped, totalWallets, activity: withActivity })).toEqual(exact);
        if (round === 0 && totalWallets === undefined) expect(exact.length).toBeGreaterThan(0);
      }
    }
  });
});

describe('counterparty activity on chain', () => {
  const HOUR = 3600;
  const busy: CounterpartyActivity = { transactions: 1000, complete: false, oldestTime: T0 - HOUR, newestTime: T0 };
  const slowFullPage: CounterpartyActivity = { transactions: 1000, complete: false, oldestTime: T0 - 30 * 86_400, newestTime: T0 };
  const shortHistory: CounterpartyActivity = { transactions: 41, complete: true, oldestTime: T0 - 7 * 86_400, newestTime: T0 };
  const longHistory: CounterpartyActivity = { transactions: 800, complete: true, oldestTime: T0 - 700 * 86_400, newestTime: T0 };

  it('classes a full page within a day as a service, a short whole history as dedicated, anything else as ordinary', () => {
    expect(counterpartyActivityClass(busy)).toBe('service');
    expect(counterpartyActivityClass({ ...busy, oldestTime: T0 - 86_400 })).toBe('service');
    expect(counterpartyActivityClass({ ...busy, oldestTime: T0 - 86_401 })).toBe('ordinary');
    expect(counterpartyActivityClass(slowFullPage)).toBe('ordinary');
    expect(counterpartyActivityClass({ ...busy, oldestTime: null, newestTime: null })).toBe('ordinary');
    expect(counterpartyActivityClass(shortHistory)).toBe('dedicated');
    expect(counterpartyActivityClass({ ...shortHistory, transactions: FUNDING_DEFAULTS.dedicatedMaxTransactions })).toBe('dedicated');
    expect(counterpartyActivityClass({ ...shortHistory, transactions: FUNDING_DEFAULTS.dedicatedMaxTransactions + 1 })).toBe('ordinary');
    expect(counterpartyActivityClass(longHistory)).toBe('ordinary');
    // nothing on chain: an address we cannot have seen a transfer with is not evidence of anything
    expect(counterpartyActivityClass({ transactions: 0, complete: true, oldestTime: null, newestTime: null })).toBe('ordinary');
    expect(counterpartyActivityClass(undefined)).toBe('ordinary');
  });

  it('summarises a page of signatures: count, whether it is the whole history, and its time span', () => {
    expect(summariseSignatures([{ blockTime: T0 }, { blockTime: null }, { blockTime: T0 - 50 }], 1000)).toEqual({ transactions: 3, complete: true, oldestTime: T0 - 50, newestTime: T0 });
    expect(summariseSignatures([{ blockTime: T0 }, { blockTime: T0 - 5 }], 2)).toEqual({ transactions: 2, complete: false, oldestTime: T0 - 5, newestTime: T0 });
    expect(summariseSignatures([], 1000)).toEqual({ transactions: 0, complete: true, oldestTime: null, newestTime: null });
  });

  it('weighs an unlisted busy service 0, a dedicated wallet 1 whatever its degree, and the rest by degree', () => {
    const withActivity = (activity: CounterpartyActivity): CounterpartyStats => ({ walletsPerCounterparty: new Map([['F', 20]]), totalWallets: 60, activity: new Map([['F', activity]]) });
    const byDegree = counterpartyLinkWeight('F', { walletsPerCounterparty: new Map([['F', 20]]), totalWallets: 60 }, KNOWN_ADDRESSES, 8);
    expect(byDegree).toBeGreaterThan(0);
    expect(byDegree).toBeLessThan(0.35);
    expect(counterpartyLinkWeight('F', withActivity(busy), KNOWN_ADDRESSES, 8)).toBe(0);
    expect(counterpartyLinkWeight('F', withActivity(shortHistory), KNOWN_ADDRESSES, 8)).toBe(1);
    expect(counterpartyLinkWeight('F', withActivity(longHistory), KNOWN_ADDRESSES, 8)).toBe(byDegree);
    // a known exchange stays 0 whatever its activity says
    expect(counterpartyLinkWeight(BINANCE, { walletsPerCounterparty: new Map(), activity: new Map([[BINANCE, shortHistory]]) }, KNOWN_ADDRESSES, 8)).toBe(0);
  });

  it('weighs a dedicated wallet\'s common SOL at 1 even when a token it sent both is closer in time', () => {
    const stats: CounterpartyStats = { walletsPerCounterparty: new Map([['F', 20]]), totalWallets: 60, activity: new Map([['F', shortHistory]]) };
    const token = (w: string, t: number) => ({ ...solTransfer(w, 'F', 'in', '1', t), asset: 'GIFTTOKEN', rawAmount: '1000', amount: '1000', decimals: 0 });
    const a = profile('A', [solTransfer('A', 'BANK1', 'in', '5', T0), solTransfer('A', 'F', 'in', '1', T0 + 86_400), token('A', T0 + 7 * 86_400)]);
    const b = profile('B', [solTransfer('B', 'BANK2', 'in', '5', T0), solTransfer('B', 'F', 'in', '1', T0 + 2 * 86_400), token('B', T0 + 7 * 86_400 + 60)]);
    const r = fundingForPair(a, b, stats);
    const source = r.evidence.find((e) => e.kind === 'common-source');
    expect(source).toMatchObject({ counterparty: 'F', counterpartyWeight: 1, a: { asset: 'SOL', timestamp: T0 + 86_400 }, b: { asset: 'SOL', timestamp: T0 + 2 * 86_400 } });
    expect(source?.strength).toBeCloseTo(FUNDING_DEFAULTS.commonCounterpartyStrength * (FUNDING_DEFAULTS.timingFloor + (1 - FUNDING_DEFAULTS.timingFloor) * 0.5), 12);
  });

  it('takes exactly the same first funding from one unlisted sender the chain shows is busy as a withdrawal page, not a gas drop', () => {
    const fa = solTransfer('A', 'HOT', 'in', '1.2345', T0);
    const fb = solTransfer('B', 'HOT', 'in', '1.2345', T0 + 60);
    const s = (activity?: CounterpartyActivity): CounterpartyStats => ({ walletsPerCounterparty: new Map([['HOT', 30]]), ...(activity ? { activity: new Map([['HOT', activity]]) } : {}) });
    const kinds = (x: CounterpartyStats) => fundingForPair(profile('A', [fa]), profile('B', [fb]), x).evidence.map((e) => e.kind);
    expect(kinds(s())).toEqual(['common-first-funder']); // by its degree: weak, and no same-amount evidence
    expect(kinds(s(busy))).toEqual(['same-amount-funding']);
    expect(fundingLinks([profile('A', [fa]), profile('B', [fb])], s(busy)).map((l) => l.evidence[0].kind)).toEqual(['same-amount-funding']);
  });

  it('weighs a short history 1 only for SOL, only when it touched no more of our wallets than it has transactions, and never for the pair\'s own wallets', () => {
    // a token sprayer: a complete history of 200 transactions, 380 wallets of the database (it batches)
    const sprayed = ['A', 'B'].map((w) => profile(w, [{ ...solTransfer(w, 'SPAM', 'in', '1', T0), asset: 'SPAMTOKEN', rawAmount: '1000', amount: '1000' }]));
    const spam = (degree: number): CounterpartyStats => ({ walletsPerCounterparty: new Map([['SPAM', degree]]), totalWallets: 1000, activity: new Map([['SPAM', { ...shortHistory, transactions: 200 }]]) });
    expect(fundingForPair(sprayed[0], sprayed[1], spam(380)).score).toBe(0);
    expect(counterpartyLinkWeight('SPAM', spam(380), KNOWN_ADDRESSES, 8)).toBeLessThan(0.05);
    expect(counterpartyLinkWeight('SPAM', spam(10), KNOWN_ADDRESSES, 8)).toBe(1);
    // token evidence from a wallet the chain shows is short-lived weighs by its degree, and says nothing of it
    const tokens = fundingForPair(sprayed[0], sprayed[1], spam(10));
    const byDegree = counterpartyLinkWeight('SPAM', spam(10), KNOWN_ADDRESSES, 8, false);
    expect(byDegree).toBeLessThan(0.5);
    expect(tokens.evidence).toHaveLength(1);
    expect(tokens.evidence[0]).toMatchObject({ kind: 'common-source', counterpartyWeight: byDegree, counterpartyActivity: { dedicated: false } });
    // a direct transfer between the two weighs by their degrees when neither is a wallet of one owner
    // that paid no more wallets than it has transactions: not 0 for a busy one (the group's own bot)
    const a = profile('A', [solTransfer('A', 'B', 'out', '2', T0)]);
    const b = profile('B', [solTransfer('B', 'A', 'in', '2', T0)]);
    const degrees = { walletsPerCounterparty: new Map([['A', 3], ['B', 300]]) };
    const plain = fundingForPair(a, b, degrees).score;
    expect(plain).toBeGreaterThan(0);
    expect(fundingForPair(a, b, { ...degrees, activity: new Map([['A', busy], ['B', shortHistory]]) }).score).toBe(plain);
  });

  it("weighs a group wallet by its own whole history: the operator's funding wallet analysed with the 30 wallets it funded still links them, and itself to each", () => {
    // F's whole history: 60 transactions, 30 first fundings an hour apart at most; the database counts it for the 30 wallets
    const funded = Array.from({ length: 30 }, (_, i) => `S${String(i).padStart(2, '0')}`);
    const transfers = funded.map((w, i) => solPayment('F', w, '0.5', T0 + i * 120));
    const fProfile = profile('F', transfers.map(([out]) => out));
    const sybils = funded.map((w, i) => profile(w, [transfers[i][1]]));
    const database = (activity?: CounterpartyActivity): CounterpartyStats => ({
      walletsPerCounterparty: new Map([['F', 30], ...funded.map((w): [string, number] => [w, 1])]),
      totalWallets: 1000,
      ...(activity ? { activity: new Map([['F', activity]]) } : {}),
    });
    const own: CounterpartyActivity = { transactions: 60, complete: true, oldestTime: T0 - 86_400, newestTime: T0 + 3600 };
    // without what its history says, F weighs by its degree: its wallets' links fall under any cluster's edge
    expect(fundingForPair(sybils[0], sybils[1], database()).score).toBeLessThan(0.3);
    expect(fundingForPair(fProfile, sybils[0], database()).score).toBeLessThan(0.5);
    // with it, a wallet of one owner: a common first funder of weight 1, and a direct link of full strength
    const pair = fundingForPair(sybils[0], sybils[1], database(own));
    expect(pair.score).toBeGreaterThan(0.8);
    expect(pair.evidence[0]).toMatchObject({ kind: 'common-first-funder', counterparty: 'F', counterpartyWeight: 1 });
    const toF = fundingForPair(fProfile, sybils[0], database(own));
    expect(toF.evidence[0]).toMatchObject({ kind: 'direct', from: 'F', to: 'S00' });
    expect(toF.score).toBeCloseTo(FUNDING_DEFAULTS.directStrength, 6);
  });

  it('links an operator that funds 20 wallets from a wallet of its own, and not strangers an unlisted exchange paid minutes apart', () => {
    // 20 wallets funded minutes apart from F, in a database of 60 wallets: by its degree alone F weighs under a third
    const funded = Array.from({ length: 20 }, (_, i) => profile(`W${i}`, [solTransfer(`W${i}`, 'F', 'in', String(1 + i / 7), T0 + i * 90)]));
    const base = { walletsPerCounterparty: new Map([['F', 20]]), totalWallets: 60 };
    const strongest = (s: CounterpartyStats) => Math.max(...fundingLinks(funded, s).map((l) => l.score));
    expect(strongest(base)).toBeLessThan(0.35);
    const dedicated = fundingLinks(funded, { ...base, activity: new Map([['F', shortHistory]]) });
    expect(dedicated).toHaveLength((20 * 19) / 2);
    expect(Math.min(...dedicated.map((l) => l.score))).toBeGreaterThan(0.5);
    expect(dedicated[0].evidence[0]).toMatchObject({ kind: 'common-first-funder', counterparty: 'F', counterpartyWeight: 1, counterpartyActivity: { transactions: 41, complete: true, dedicated: true } });
    // the same shape from a hot wallet the chain shows as busy: not a link at all
    expect(fundingLinks(funded, { ...base, activity: new Map([['F', busy]]) })).toEqual([]);
    // and three strangers it paid minutes apart, which by degree alone would look like an operator
    const three = funded.slice(0, 3);
    expect(fundingLinks(three, { walletsPerCounterparty: new Map([['F', 3]]) }).length).toBe(3);
    expect(fundingLinks(three, { walletsPerCounterparty: new Map([['F', 3]]), activity: new Map([['F', busy]]) })).toEqual([]);
  });
});

describe('dust is no one\'s funding', () => {
  it('skips SOL under 0.002 SOL as a first funding and as a common source, and counts a 0.002 SOL top-up', () => {
    const spray = (w: string) => solTransfer(w, 'SPRAYER', 'in', '0.001', T0);
    const a = profile('A', [spray('A'), solTransfer('A', 'OWN-A', 'in', '3', T0 + 3600)]);
    const b = profile('B', [spray('B'), solTransfer('B', 'OWN-B', 'in', '4', T0 + 7200)]);
    expect(a.firstFunding?.counterparty).toBe('OWN-A');
    expect(fundingForPair(a, b, stats([['SPRAYER', 2]]))).toEqual({ score: 0, evidence: [], evidenceOmitted: 0 });
    expect(fundingLinks([a, b], stats([['SPRAYER', 2]]))).toEqual([]);
    // the smallest top-up an operator pays trades with still counts
    const topUp = (w: string) => solTransfer(w, 'OPERATOR', 'in', String(FUNDING_DEFAULTS.fundingMinLamports / 1e9), T0 + 60);
    const c = profile('C', [solTransfer('C', 'OWN-C', 'in', '3.1', T0), topUp('C')]);
    const d = profile('D', [solTransfer('D', 'OWN-D', 'in', '3', T0), topUp('D')]);
    expect(fundingForPair(c, d, stats([['OPERATOR', 2]])).evidence.map((e) => e.kind)).toEqual(['common-source']);
  });
});

describe('fees another account paid (engine 2.8.0)', () => {
  /** a transaction of `wallet`'s own at `t` whose 5,000-lamport fee `payer` paid */
  const fee = (wallet: string, payer: string, t: number): WalletTransfer => ({ ...solTransfer(wallet, payer, 'in', '0.000005', t), asset: 'FEE' });
  const ownHistory = { transactions: 120, complete: true, oldestTime: T0 - 86_400, newestTime: T0 + 86_400 };
  const relayerPage = { transactions: 1000, complete: false, oldestTime: T0, newestTime: T0 + 1200 };
  const withPayer = (activity?: CounterpartyActivity, degree = 2): CounterpartyStats => ({
    walletsPerCounterparty: new Map([['PAYER', degree]]),
    totalWallets: 90,
    ...(activity ? { activity: new Map([['PAYER', activity]]) } : {}),
  });

  it('links two wallets whose trades one fee payer of one owner paid, citing the closest two and how many of each', () => {
    const a = profile('A', [fee('A', 'PAYER', T0), fee('A', 'PAYER', T0 + 7200), fee('A', 'PAYER', T0 + 86_400)]);
    const b = profile('B', [fee('B', 'PAYER', T0 + 7300), fee('B', 'PAYER', T0 + 40 * 86_400)]);
    const r = fundingForPair(a, b, withPayer(ownHistory, 5));
    expect(r.evidence).toHaveLength(1);
    const e = r.evidence[0];
    expect(e).toMatchObject({ kind: 'common-fee-payer', counterparty: 'PAYER', counterpartyWallets: 5, counterpartyWeight: 1, counterpartyActivity: { transactions: 120, complete: true, dedicated: true }, transactionsA: 3, transactionsB: 2, secondsApart: 100 });
    if (e.kind !== 'common-fee-payer') throw new Error('kind');
    expect(e.a).toMatchObject({ asset: 'FEE', amount: '0.000005', timestamp: T0 + 7200 });
    expect(e.b.timestamp).toBe(T0 + 7300);
    expect(e.strength).toBeCloseTo(FUNDING_DEFAULTS.feePayerStrength * (0.25 + 0.75 * 2 ** (-100 / 86_400)), 10);
    expect(fundingLinks([a, b], withPayer(ownHistory, 5)).map((l) => [l.a, l.b, l.evidence[0].kind])).toEqual([['A', 'B', 'common-fee-payer']]);
  });

  it('does not link strangers whose trades a gasless relayer paid (a busy service), and weighs an unread payer by its degree', () => {
    const a = profile('A', [fee('A', 'PAYER', T0)]);
    const b = profile('B', [fee('B', 'PAYER', T0 + 60)]);
    expect(fundingForPair(a, b, withPayer(relayerPage, 40))).toEqual({ score: 0, evidence: [], evidenceOmitted: 0 });
    expect(fundingLinks([a, b], withPayer(relayerPage, 40))).toEqual([]);
    const byDegree = fundingForPair(a, b, withPayer(undefined, 40));
    expect(byDegree.evidence[0]).toMatchObject({ kind: 'common-fee-payer', counterpartyWeight: counterpartyLinkWeight('PAYER', withPayer(undefined, 40), KNOWN_ADDRESSES, 8) });
    expect(byDegree.score).toBeLessThan(fundingForPair(a, b, withPayer(undefined, 3)).score);
  });

  it('a fee is no funding: not a first funding, a top-up source or a direct transfer', () => {
    const a = profile('A', [fee('A', 'B', T0), fee('A', 'PAYER', T0)]);
    expect(a.firstFunding).toBeNull();
    const b = profile('B', [fee('B', 'PAYER', T0 + 60)]);
    const kinds = fundingForPair(a, b, withPayer(ownHistory)).evidence.map((e) => e.kind).sort();
    expect(kinds).toEqual(['common-fee-payer', 'fee-payer']);
    expect(kinds).not.toContain('common-source');
    expect(kinds).not.toContain('direct');
  });

  it('links a wallet that paid the fees of another\'s trades as a direct link, either way round', () => {
    const paid = [fee('B', 'A', T0 + 10), fee('B', 'A', T0 + 20)];
    const a = profile('A', []);
    const b = profile('B', paid);
    const direct = FUNDING_DEFAULTS.directStrength * Math.sqrt(counterpartyWeight(2, 8));
    for (const [x, y] of [[a, b], [b, a]]) {
      const r = fundingForPair(x, y, { walletsPerCounterparty: new Map([['A', 2], ['B', 2]]) });
      expect(r.evidence).toEqual([{ kind: 'fee-payer', payer: 'A', wallet: 'B', transaction: { asset: 'FEE', amount: '0.000005', signature: paid[0].signature, slot: T0 + 10, timestamp: T0 + 10 }, transactions: 2, strength: direct }]);
    }
    expect(fundingLinks([a, b], { walletsPerCounterparty: new Map([['A', 2], ['B', 2]]) }).map((l) => l.evidence[0].kind)).toEqual(['fee-payer']);
  });

  it('cites a first funder that also paid both wallets\' fees twice: funding them and signing their trades are two facts', () => {
    const a = profile('A', [solTransfer('A', 'PAYER', 'in', '2', T0), fee('A', 'PAYER', T0 + 3600)]);
    const b = profile('B', [solTransfer('B', 'PAYER', 'in', '3', T0 + 600), fee('B', 'PAYER', T0 + 4000)]);
    expect(fundingForPair(a, b, withPayer(ownHistory)).evidence.map((e) => e.kind)).toEqual(['common-first-funder', 'common-fee-payer']);
  });
});
