// Funding chains (engine 2.3.0): wallets funded through fresh wallets of one owner meet at that owner;
// a wallet that funded another through fresh wallets is linked to it (engine 2.4.0).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnhancedTransaction } from '../enhanced-transaction';
import { solTransfer } from '../testing/transfers';
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, fundingChain, fundingForPair, fundingLinks, fundingOriginOf, fundingProfile } from './funding';
import type { CounterpartyActivity, CounterpartyStats, FundingOrigin } from './types';

const T0 = 1_710_000_000;
const DAY = 86_400;
const BINANCE = [...KNOWN_ADDRESSES.values()].find((k) => k.kind === 'exchange')!.address;
/** a wallet of one owner: its whole history is a few transactions */
const fresh: CounterpartyActivity = { transactions: 2, complete: true, oldestTime: T0 - DAY, newestTime: T0 };
/** the operator's own wallet: a short whole history too */
const operator: CounterpartyActivity = { transactions: 12, complete: true, oldestTime: T0 - 30 * DAY, newestTime: T0 };
/** a busy service: a full page within the hour */
const busy: CounterpartyActivity = { transactions: 1000, complete: false, oldestTime: T0 - 3600, newestTime: T0 };
/** someone's long-lived wallet: 800 transactions in all */
const longLived: CounterpartyActivity = { transactions: 800, complete: true, oldestTime: T0 - 700 * DAY, newestTime: T0 };

let sequence = 0;
const origin = (funder: string, sol: string, t: number): FundingOrigin => ({
  funder,
  amount: sol,
  rawAmount: String(Math.round(Number(sol) * 1e9)),
  signature: `origin-${++sequence}`,
  slot: t,
  timestamp: t,
});

/** wallet `w` first funded by `hop` at `t`; nothing else */
const funded = (w: string, hop: string, t: number, sol = '1.5') => fundingProfile(w, [solTransfer(w, hop, 'in', sol, t)]);

/** A ← HA ← O and B ← HB ← O, the hops funded by O at `tA` and `tB`, with what the chain said of each address */
function twoHops(root: CounterpartyActivity | undefined, tA = T0 - 2 * DAY, tB = T0 - 2 * DAY): { stats: CounterpartyStats; a: ReturnType<typeof funded>; b: ReturnType<typeof funded> } {
  const activity = new Map<string, CounterpartyActivity>([
    ['HA', fresh],
    ['HB', fresh],
  ]);
  if (root !== undefined) activity.set('O', root);
  return {
    stats: { walletsPerCounterparty: new Map([['HA', 1], ['HB', 1]]), totalWallets: 40, activity, origins: new Map([['HA', origin('O', '3', tA)], ['HB', origin('O', '4', tB)]]) },
    a: funded('A', 'HA', T0),
    b: funded('B', 'HB', T0 + 3 * DAY),
  };
}

describe('fundingChain', () => {
  it('follows a first funder upstream while the chain shows a wallet of one owner whose origin was read, up to two hops above it', () => {
    const stats: CounterpartyStats = {
      walletsPerCounterparty: new Map(),
      activity: new Map([['H1', fresh], ['H2', fresh], ['H3', fresh], ['H4', fresh]]),
      origins: new Map([['H1', origin('H2', '2', T0 - DAY)], ['H2', origin('H3', '3', T0 - 2 * DAY)], ['H3', origin('H4', '4', T0 - 3 * DAY)]]),
    };
    const chain = fundingChain(funded('A', 'H1', T0), stats);
    expect(chain.map((n) => [n.address, n.depth])).toEqual([['H1', 0], ['H2', 1], ['H3', 2]]);
    expect(FUNDING_DEFAULTS.upstreamHops).toBe(2);
    // the transfer by which each address funded the one below it
    expect(chain[0].transfer).toMatchObject({ asset: 'SOL', amount: '1.5', timestamp: T0 });
    expect(chain[2].transfer).toMatchObject({ asset: 'SOL', amount: '3', timestamp: T0 - 2 * DAY, signature: stats.origins!.get('H2')!.signature });
  });

  it('stops at an address that is not a wallet of one owner, at a known exchange, at a loop and without an origin', () => {
    const origins = new Map([['H1', origin('H2', '2', T0 - DAY)], ['H2', origin('H1', '3', T0 - 2 * DAY)]]);
    const chainOf = (activity: Map<string, CounterpartyActivity>, first = 'H1') => fundingChain(funded('A', first, T0), { walletsPerCounterparty: new Map(), activity, origins }).map((n) => n.address);
    expect(chainOf(new Map([['H1', longLived]]))).toEqual(['H1']);
    expect(chainOf(new Map([['H1', busy]]))).toEqual(['H1']);
    expect(chainOf(new Map())).toEqual(['H1']); // never read: not followed
    expect(chainOf(new Map([['H1', fresh], ['H2', fresh]]))).toEqual(['H1', 'H2']); // H2's funder is H1 again
    expect(chainOf(new Map([['H3', fresh]]), 'H3')).toEqual(['H3']); // no origin read
    const exchange = fundingChain(funded('A', BINANCE, T0), { walletsPerCounterparty: new Map(), activity: new Map([[BINANCE, fresh]]), origins: new Map([[BINANCE, origin('H2', '1', T0 - DAY)]]) });
    expect(exchange.map((n) => n.address)).toEqual([BINANCE]);
    expect(fundingChain(fundingProfile('A', []), { walletsPerCounterparty: new Map() })).toEqual([]);
    // a chain never comes back to the wallet itself
    const back = fundingChain(funded('A', 'H1', T0), { walletsPerCounterparty: new Map(), activity: new Map([['H1', fresh]]), origins: new Map([['H1', origin('A', '1', T0 - DAY)]]) });
    expect(back.map((n) => n.address)).toEqual(['H1']);
  });
});

describe('common upstream funder', () => {
  it('links two wallets each funded by a fresh wallet that one owner funded, citing both chains and both fundings', () => {
    const { stats, a, b } = twoHops(operator);
    // nothing in common one hop up: without the origins, no evidence at all
    expect(fundingForPair(a, b, { ...stats, origins: undefined }).score).toBe(0);
    const result = fundingForPair(a, b, stats);
    const d = FUNDING_DEFAULTS;
    expect(result.evidence).toHaveLength(1);
    expect(result.evidence[0]).toEqual({
      kind: 'common-upstream-funder',
      counterparty: 'O',
      counterpartyWallets: 0,
      counterpartyWeight: 1,
      counterpartyActivity: { transactions: 12, complete: true, dedicated: true },
      viaA: ['HA'],
      viaB: ['HB'],
      a: { asset: 'SOL', amount: '3', signature: stats.origins!.get('HA')!.signature, slot: T0 - 2 * DAY, timestamp: T0 - 2 * DAY },
      b: { asset: 'SOL', amount: '4', signature: stats.origins!.get('HB')!.signature, slot: T0 - 2 * DAY, timestamp: T0 - 2 * DAY },
      secondsApart: 0,
      strength: d.upstreamStrength * d.upstreamHopFactor,
    });
    expect(result.score).toBeCloseTo(0.6, 10);
  });

  it('keeps three quarters of its strength however far apart the two fundings are, and weighs each hop more by 0.75', () => {
    const d = FUNDING_DEFAULTS;
    const apart = twoHops(operator, T0 - 20 * DAY, T0 - 2 * DAY);
    expect(fundingForPair(apart.a, apart.b, apart.stats).score).toBeCloseTo(d.upstreamStrength * d.upstreamHopFactor * (0.75 + 0.25 * 2 ** -18), 10);
    // A funded by O itself, B through a hop: one hop in all
    const { stats } = twoHops(operator);
    const direct = fundingProfile('A', [solTransfer('A', 'O', 'in', '2', T0 - 2 * DAY)]);
    const result = fundingForPair(direct, funded('B', 'HB', T0), stats);
    expect(result.evidence[0]).toMatchObject({ kind: 'common-upstream-funder', counterparty: 'O', viaA: [], viaB: ['HB'], strength: d.upstreamStrength });
    expect(d.upstreamTimingFloor).toBe(0.75);
    // two hops on one side (A ← HA ← HC ← O), one on the other: three in all
    const deeper: CounterpartyStats = {
      ...stats,
      activity: new Map([...stats.activity!, ['HC', fresh]]),
      origins: new Map([...stats.origins!, ['HA', origin('HC', '3', T0 - 3 * DAY)], ['HC', origin('O', '5', T0 - 2 * DAY)]]),
    };
    const three = fundingForPair(funded('A', 'HA', T0), funded('B', 'HB', T0), deeper);
    expect(three.evidence[0]).toMatchObject({ counterparty: 'O', viaA: ['HC', 'HA'], viaB: ['HB'] });
    expect(three.evidence[0].strength).toBeCloseTo(d.upstreamStrength * d.upstreamHopFactor ** 2, 10);
  });

  it('is no link when the chains meet at a busy service, a known exchange or an address the chain was not asked about', () => {
    // strangers each withdrawing to a fresh wallet of their own from one exchange
    const service = twoHops(busy);
    expect(fundingForPair(service.a, service.b, service.stats).score).toBe(0);
    expect(fundingLinks([service.a, service.b], service.stats)).toEqual([]);
    const unread = twoHops(undefined);
    expect(fundingForPair(unread.a, unread.b, unread.stats).score).toBe(0);
    const listed = twoHops(fresh);
    const origins = new Map([['HA', origin(BINANCE, '3', T0)], ['HB', origin(BINANCE, '4', T0)]]);
    const activity = new Map([...listed.stats.activity!, [BINANCE, fresh]]);
    expect(fundingForPair(listed.a, listed.b, { ...listed.stats, activity, origins }).score).toBe(0);
  });

  it('weighs an upstream funder with a longer history by half its degree weight, and by time as a first funder', () => {
    const { stats, a, b } = twoHops(longLived);
    const strong = fundingForPair(a, b, twoHops(operator).stats).score;
    const result = fundingForPair(a, b, stats);
    expect(result.evidence[0]).toMatchObject({ kind: 'common-upstream-funder', counterparty: 'O', counterpartyActivity: { dedicated: false } });
    const w = result.evidence[0].kind === 'common-upstream-funder' ? result.evidence[0].counterpartyWeight : NaN;
    expect(w).toBeCloseTo(FUNDING_DEFAULTS.upstreamOrdinaryFactor, 1);
    expect(result.score).toBeLessThan(strong);
    expect(result.score).toBeGreaterThan(0);
    // months apart, an ordinary address (an unlisted small service, someone's long-lived wallet)
    // keeps only a first funder's quarter: its two fundings of fresh wallets say little by themselves
    const apart = twoHops(longLived, T0 - 90 * DAY, T0);
    const d = FUNDING_DEFAULTS;
    expect(fundingForPair(apart.a, apart.b, apart.stats).score).toBeCloseTo(d.upstreamStrength * w * d.upstreamHopFactor * (d.timingFloor + (1 - d.timingFloor) * 2 ** -90), 10);
  });

  it('does not follow a sprayer: whoever funded an address that paid more of our wallets than it has transactions funded strangers', () => {
    // a treasury T funds two sprayers, each paying 0.003 SOL to hundreds of fresh wallets in a few
    // transactions: two of those wallets meet at T two hops up, and are strangers
    const sprayer: CounterpartyActivity = { transactions: 11, complete: true, oldestTime: T0 - DAY, newestTime: T0 };
    const stats: CounterpartyStats = {
      walletsPerCounterparty: new Map([['S1', 300], ['S2', 280]]),
      totalWallets: 5000,
      activity: new Map([['S1', sprayer], ['S2', sprayer], ['T', operator]]),
      origins: new Map([['S1', origin('T', '10', T0 - DAY)], ['S2', origin('T', '12', T0 - DAY)]]),
    };
    const a = funded('A', 'S1', T0, '0.003');
    const b = funded('B', 'S2', T0, '0.004');
    expect(fundingChain(a, stats).map((n) => n.address)).toEqual(['S1']);
    expect(fundingForPair(a, b, stats).score).toBe(0);
    expect(fundingLinks([a, b], stats)).toEqual([]);
    // the same shape with fresh wallets that each paid one of ours is one owner's
    const hops = { ...stats, walletsPerCounterparty: new Map([['S1', 1], ['S2', 1]]) };
    expect(fundingForPair(a, b, hops).evidence[0]).toMatchObject({ kind: 'common-upstream-funder', counterparty: 'T' });
  });

  it('counts for an upstream funder the wallets whose chains reach it: more of them than its transactions is no wallet of one owner', () => {
    // T's whole history is 3 transactions, yet the chains of 6 wallets of the group reach it through 6 fresh wallets
    const three: CounterpartyActivity = { transactions: 3, complete: true, oldestTime: T0 - DAY, newestTime: T0 };
    const group = Array.from({ length: 6 }, (_, i) => funded(`W${i}`, `H${i}`, T0 + i * 60, `1.${i + 1}`));
    const stats = (root: CounterpartyActivity): CounterpartyStats => ({
      walletsPerCounterparty: new Map(group.map((_, i) => [`H${i}`, 1])),
      activity: new Map<string, CounterpartyActivity>([...group.map((_, i): [string, CounterpartyActivity] => [`H${i}`, fresh]), ['T', root]]),
      origins: new Map(group.map((_, i) => [`H${i}`, origin('T', `${2 + i}`, T0 - DAY + i)])),
    });
    const owner = fundingLinks(group, stats({ ...three, transactions: 7 }));
    expect(owner).toHaveLength(15);
    expect(owner[0].evidence[0]).toMatchObject({ counterparty: 'T', counterpartyWeight: 1, counterpartyWallets: 6, counterpartyActivity: { dedicated: true } });
    const odd = fundingLinks(group, stats(three));
    expect(odd.every((l) => l.evidence[0].kind === 'common-upstream-funder' && l.evidence[0].counterpartyWeight < 0.5 && l.evidence[0].counterpartyActivity?.dedicated === false)).toBe(true);
  });

  it('leaves two wallets with the same first funder to common-first-funder, and finds chain pairs in a group with nothing else in common', () => {
    const { stats } = twoHops(operator);
    const sameFirst = fundingForPair(funded('A', 'HA', T0), funded('B', 'HA', T0 + 60), stats);
    expect(sameFirst.evidence.map((e) => e.kind)).toEqual(['common-first-funder']);
    // a group: three wallets funded through hops of O, one through a hop of someone else, one funded by O directly
    const group = [funded('A', 'HA', T0, '1.1'), funded('B', 'HB', T0, '1.2'), funded('C', 'HC', T0, '1.3'), funded('D', 'HD', T0, '1.4'), fundingProfile('E', [solTransfer('E', 'O', 'in', '2', T0)])];
    const groupStats: CounterpartyStats = {
      walletsPerCounterparty: new Map([['HA', 1], ['HB', 1], ['HC', 1], ['HD', 1], ['O', 1]]),
      activity: new Map([['HA', fresh], ['HB', fresh], ['HC', fresh], ['HD', fresh], ['O', operator], ['X', operator]]),
      origins: new Map([['HA', origin('O', '3', T0)], ['HB', origin('O', '4', T0)], ['HC', origin('O', '5', T0)], ['HD', origin('X', '6', T0)]]),
    };
    const links = fundingLinks(group, groupStats);
    expect(links.map((l) => `${l.a}-${l.b}`)).toEqual(['A-B', 'A-C', 'A-E', 'B-C', 'B-E', 'C-E']);
    expect(links.every((l) => l.evidence[0].kind === 'common-upstream-funder' && l.evidence[0].counterparty === 'O')).toBe(true);
  });
});

describe('indirect transfer (engine 2.4.0)', () => {
  /** M, a wallet of the group, funded the fresh wallet H at `t`, which first funded W a day later */
  const relay = (t = T0 - DAY) => {
    const m = fundingProfile('M', [solTransfer('M', 'F0', 'in', '30', T0 - 30 * DAY), solTransfer('M', 'H', 'out', '6', t)]);
    const w = funded('W', 'H', T0, '2.5');
    const stats: CounterpartyStats = { walletsPerCounterparty: new Map([['H', 2]]), activity: new Map([['H', fresh]]), origins: new Map([['H', origin('M', '6', t)]]) };
    return { m, w, stats };
  };

  it('links a wallet to one it funded through a fresh wallet, citing both transfers, whichever wallet is A', () => {
    const { m, w, stats } = relay();
    const d = FUNDING_DEFAULTS;
    // without the chain nothing links them: M sent to H, W received from H
    expect(fundingForPair(m, w, { ...stats, origins: undefined }).score).toBe(0);
    const result = fundingForPair(m, w, stats);
    expect(result.evidence).toEqual([
      {
        kind: 'indirect-transfer',
        from: 'M',
        to: 'W',
        via: ['H'],
        first: { asset: 'SOL', amount: '6', signature: stats.origins!.get('H')!.signature, slot: T0 - DAY, timestamp: T0 - DAY },
        last: { asset: 'SOL', amount: '2.5', signature: w.firstFunding!.signature, slot: w.firstFunding!.slot, timestamp: T0 },
        secondsApart: DAY,
        strength: expect.closeTo(d.directStrength * d.upstreamHopFactor * (0.75 + 0.25 * 0.5), 10),
      },
    ]);
    expect(fundingForPair(w, m, stats).evidence).toEqual(result.evidence);
    // weeks apart it keeps three quarters: the fresh wallet between is the shape
    expect(fundingForPair(m, w, relay(T0 - 30 * DAY).stats).score).toBeCloseTo(d.directStrength * d.upstreamHopFactor * (0.75 + 0.25 * 2 ** -30), 10);
  });

  it('through two fresh wallets in a row weighs one hop more, and finds the pair in a group with nothing else in common', () => {
    const d = FUNDING_DEFAULTS;
    const m = fundingProfile('M', [solTransfer('M', 'H1', 'out', '6', T0 - 2 * DAY)]);
    const w = funded('W', 'H2', T0);
    const stats: CounterpartyStats = {
      walletsPerCounterparty: new Map([['H1', 1], ['H2', 1]]),
      activity: new Map([['H1', fresh], ['H2', fresh]]),
      origins: new Map([['H2', origin('H1', '5', T0 - DAY)], ['H1', origin('M', '6', T0 - 2 * DAY)]]),
    };
    const links = fundingLinks([m, w, funded('X', 'HX', T0, '3.7')], stats);
    expect(links.map((l) => `${l.a}-${l.b}`)).toEqual(['M-W']);
    expect(links[0].evidence[0]).toMatchObject({ kind: 'indirect-transfer', from: 'M', to: 'W', via: ['H1', 'H2'], secondsApart: 2 * DAY });
    expect(links[0].score).toBeCloseTo(d.directStrength * d.upstreamHopFactor ** 2 * (0.75 + 0.25 * 0.25), 10);
  });

  it('is no link when the fresh wallet was someone else\'s first: a wallet that paid a payee\'s funder funded neither', () => {
    // H was first funded by its owner O; M paid H later; H then first funded W
    const { m, w } = relay();
    const stats: CounterpartyStats = { walletsPerCounterparty: new Map([['H', 2]]), activity: new Map([['H', fresh], ['O', operator]]), origins: new Map([['H', origin('O', '9', T0 - 3 * DAY)]]) };
    expect(fundingForPair(m, w, stats).score).toBe(0);
    expect(fundingLinks([m, w], stats)).toEqual([]);
    // nor through a busy service, or an address whose history the chain did not read
    for (const activity of [new Map([['H', busy]]), new Map<string, CounterpartyActivity>()]) {
      expect(fundingForPair(m, w, { ...relay().stats, activity }).score).toBe(0);
    }
  });

  it('weighs a group wallet at the top of chains by what the chain says of it, as any upstream funder', () => {
    // M (of the group) funded W1 and W2 each through a fresh wallet, days apart
    const m = fundingProfile('M', [solTransfer('M', 'H1', 'out', '6', T0 - 4 * DAY), solTransfer('M', 'H2', 'out', '7', T0 - DAY)]);
    const w1 = funded('W1', 'H1', T0, '1.1');
    const w2 = funded('W2', 'H2', T0, '1.2');
    const stats = (top?: CounterpartyActivity): CounterpartyStats => ({
      walletsPerCounterparty: new Map([['H1', 2], ['H2', 2]]),
      activity: new Map([['H1', fresh], ['H2', fresh]]),
      origins: new Map([['H1', origin('M', '6', T0 - 4 * DAY)], ['H2', origin('M', '7', T0 - DAY)]]),
      ...(top === undefined ? {} : { tops: new Map([['M', top]]) }),
    });
    const owner = fundingLinks([m, w1, w2], stats(operator));
    expect(owner.map((l) => `${l.a}-${l.b}:${l.evidence[0].kind}`)).toEqual(['M-W1:indirect-transfer', 'M-W2:indirect-transfer', 'W1-W2:common-upstream-funder']);
    expect(owner[2].evidence[0]).toMatchObject({ counterparty: 'M', counterpartyWeight: 1, viaA: ['H1'], viaB: ['H2'] });
    // unread, or a busy service: the indirect transfers stay (by the wallets' degrees, as a direct transfer), the common top weighs nothing
    for (const top of [undefined, busy]) expect(fundingLinks([m, w1, w2], stats(top)).map((l) => `${l.a}-${l.b}`)).toEqual(['M-W1', 'M-W2']);
  });

  it('weighs a group wallet that tops chains by its degree everywhere else: what the chain says of it changes no other evidence', () => {
    // M first funded W1 and W2 itself, and W3 through a fresh wallet; the chain says M is a busy service
    const m = fundingProfile('M', [solTransfer('M', 'W1', 'out', '2', T0), solTransfer('M', 'W2', 'out', '3', T0 + 60), solTransfer('M', 'H3', 'out', '4', T0 - DAY)]);
    const w1 = fundingProfile('W1', [solTransfer('W1', 'M', 'in', '2', T0)]);
    const w2 = fundingProfile('W2', [solTransfer('W2', 'M', 'in', '3', T0 + 60)]);
    const w3 = funded('W3', 'H3', T0, '1.3');
    const base: CounterpartyStats = { walletsPerCounterparty: new Map([['M', 3], ['H3', 2]]), activity: new Map([['H3', fresh]]), origins: new Map([['H3', origin('M', '4', T0 - DAY)]]) };
    const withTop = { ...base, tops: new Map([['M', busy]]) };
    const pairOf = (links: ReturnType<typeof fundingLinks>, x: string, y: string) => links.find((l) => l.a === x && l.b === y);
    const before = fundingLinks([m, w1, w2, w3], base);
    const after = fundingLinks([m, w1, w2, w3], withTop);
    expect(pairOf(after, 'W1', 'W2')).toEqual(pairOf(before, 'W1', 'W2'));
    expect(pairOf(after, 'W1', 'W2')?.evidence.map((e) => e.kind)).toEqual(['common-first-funder']);
    // and a busy top is no upstream funder of W1 and W3, while a wallet of one owner is
    expect(pairOf(after, 'W1', 'W3')).toBeUndefined();
    const owner = fundingLinks([m, w1, w2, w3], { ...base, tops: new Map([['M', { ...operator, transactions: 40 }]]) });
    expect(pairOf(owner, 'W1', 'W3')?.evidence[0]).toMatchObject({ kind: 'common-upstream-funder', counterparty: 'M', viaA: [], viaB: ['H3'] });
  });

  it('cites a fresh wallet between two wallets once: not also as a common source or destination', () => {
    // M → H → W, and H later sent some SOL back to M
    const m = fundingProfile('M', [solTransfer('M', 'F0', 'in', '30', T0 - 30 * DAY), solTransfer('M', 'H', 'out', '6', T0 - DAY), solTransfer('M', 'H', 'in', '0.5', T0 + DAY)]);
    const w = funded('W', 'H', T0, '2.5');
    const stats: CounterpartyStats = { walletsPerCounterparty: new Map([['H', 2]]), activity: new Map([['H', fresh]]), origins: new Map([['H', origin('M', '6', T0 - DAY)]]) };
    expect(fundingForPair(m, w, stats).evidence.map((e) => e.kind)).toEqual(['indirect-transfer']);
  });
});

describe('the same amount one hop up (engine 2.4.0)', () => {
  /** A ← HA and B ← HB, each its own amount days apart; HA and HB first funded by `sender` with `sol` each, `apart` seconds apart */
  const withdrawn = (sender: string, sol: [string, string], apart: number) => {
    const stats: CounterpartyStats = {
      walletsPerCounterparty: new Map([['HA', 1], ['HB', 1]]),
      activity: new Map([['HA', fresh], ['HB', fresh]]),
      origins: new Map([['HA', origin(sender, sol[0], T0 - 5 * DAY)], ['HB', origin(sender, sol[1], T0 - 5 * DAY + apart)]]),
    };
    return { stats, a: funded('A', 'HA', T0, '2.5'), b: funded('B', 'HB', T0 + 2 * DAY, '6.25') };
  };

  it('links two wallets whose fresh first funders an exchange withdrew the same odd amount to, minutes apart', () => {
    const d = FUNDING_DEFAULTS;
    const { stats, a, b } = withdrawn(BINANCE, ['1.2345', '1.2345'], 120);
    // their own fundings differ, days apart, and the exchange above weighs nothing: before, no evidence
    const result = fundingForPair(a, b, stats);
    expect(result.evidence).toEqual([
      {
        kind: 'same-amount-funding',
        a: { asset: 'SOL', amount: '1.2345', signature: stats.origins!.get('HA')!.signature, slot: T0 - 5 * DAY, timestamp: T0 - 5 * DAY },
        b: { asset: 'SOL', amount: '1.2345', signature: stats.origins!.get('HB')!.signature, slot: T0 - 5 * DAY + 120, timestamp: T0 - 5 * DAY + 120 },
        funderA: BINANCE,
        funderB: BINANCE,
        viaA: ['HA'],
        viaB: ['HB'],
        secondsApart: 120,
        strength: expect.closeTo(d.sameAmountStrength * 2 ** (-120 / d.sameAmountHalfLifeSeconds) * d.upstreamHopFactor, 10),
      },
    ]);
    expect(fundingLinks([a, b, funded('X', 'HX', T0, '3.3')], stats).map((l) => `${l.a}-${l.b}`)).toEqual(['A-B']);
  });

  it('is no link for different amounts, fundings too far apart, one fresh wallet for both, a sender that is no exchange or is in the other chain; a round amount weighs a third', () => {
    const differ = withdrawn(BINANCE, ['1.2345', '1.2346'], 120);
    expect(fundingForPair(differ.a, differ.b, differ.stats).score).toBe(0);
    const late = withdrawn(BINANCE, ['1.2345', '1.2345'], FUNDING_DEFAULTS.sameAmountMaxSeconds + 1);
    expect(fundingForPair(late.a, late.b, late.stats).score).toBe(0);
    // one fresh wallet funded both: common-first-funder alone
    const same = withdrawn(BINANCE, ['1.2345', '1.2345'], 120);
    expect(fundingForPair(same.a, funded('B', 'HA', T0 + 60, '6.25'), same.stats).evidence.map((e) => e.kind)).toEqual(['common-first-funder']);
    // B's own wallet sent A's fresh funder the same amount as the exchange sent B's: the chains tell that (indirect-transfer), not the amount
    const fromB = withdrawn(BINANCE, ['1.2345', '1.2345'], 120);
    const origins = new Map([...fromB.stats.origins!, ['HA', origin('B', '1.2345', T0 - 5 * DAY)]]);
    expect(fundingForPair(fromB.a, fromB.b, { ...fromB.stats, origins }).evidence.map((e) => e.kind)).toEqual(['indirect-transfer']);
    // A's fresh funder was funded by B's fresh funder: their chains meet there
    const chained = withdrawn(BINANCE, ['1.2345', '1.2345'], 120);
    const viaHop = new Map([...chained.stats.origins!, ['HA', origin('HB', '1.2345', T0 - 5 * DAY + 60)]]);
    expect(fundingForPair(chained.a, chained.b, { ...chained.stats, origins: viaHop }).evidence.every((e) => e.kind !== 'same-amount-funding')).toBe(true);
    // a sender of its own that gave both the same amount is left to the chain's common upstream funder
    const own = withdrawn('O', ['1.2345', '1.2345'], 120);
    expect(fundingForPair(own.a, own.b, { ...own.stats, activity: new Map([...own.stats.activity!, ['O', operator]]) }).evidence.map((e) => e.kind)).toEqual(['common-upstream-funder']);
    // a round amount keeps a third
    const round = withdrawn(BINANCE, ['2', '2'], 0);
    expect(fundingForPair(round.a, round.b, round.stats).score).toBeCloseTo(FUNDING_DEFAULTS.sameAmountStrength * FUNDING_DEFAULTS.sameAmountRoundFactor * FUNDING_DEFAULTS.upstreamHopFactor, 10);
  });

  it('asks fresh wallets of their first funders: strangers\' long-lived wallets first funded alike long ago are not linked', () => {
    const d = FUNDING_DEFAULTS;
    const { stats, a, b } = withdrawn(BINANCE, ['1.2345', '1.2345'], 120);
    expect(fundingForPair(a, b, stats).score).toBeGreaterThan(0);
    // funded months before they funded the wallets
    const old = { ...stats, origins: new Map([['HA', origin(BINANCE, '1.2345', T0 - 200 * DAY)], ['HB', origin(BINANCE, '1.2345', T0 - 200 * DAY + 120)]]) };
    expect(fundingForPair(a, b, old).score).toBe(0);
    expect(fundingLinks([a, b], old)).toEqual([]);
    // a history longer than a fresh wallet's (still a wallet of one owner for the chain)
    const busy = { ...stats, activity: new Map([['HA', { ...fresh, transactions: d.freshMaxTransactions + 1 }], ['HB', fresh]]) };
    expect(fundingChain(a, busy).length).toBe(2);
    expect(fundingForPair(a, b, busy).score).toBe(0);
  });
});

describe('fundingOriginOf', () => {
  const load = (dir: string, name: string): EnhancedTransaction => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', dir, name), 'utf8')) as EnhancedTransaction;
  const W = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
  const FUNDER = 'FunDer7Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa';

  it('reads who sent an address its first SOL from its oldest transactions, and nothing from a sender\'s side or a swap', () => {
    const tx = load('detection', 'plain-sol-transfer.json');
    expect(fundingOriginOf(W, [tx])).toEqual({ funder: FUNDER, amount: '1.5', rawAmount: '1500000000', signature: tx.signature, slot: 249999000, timestamp: 1709990000 });
    expect(fundingOriginOf(FUNDER, [tx])).toBeNull();
    expect(fundingOriginOf(W, [])).toBeNull();
    const swap = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    expect(fundingOriginOf(swap.feePayer, [swap])).toBeNull();
    // the earliest of several, whatever their order
    const later = { ...tx, signature: `${tx.signature.slice(0, -4)}LATE`, timestamp: tx.timestamp + 60, slot: tx.slot + 150 };
    expect(fundingOriginOf(W, [later, tx])?.signature).toBe(tx.signature);
  });

  it('skips dust: a gas drop before the real funding is no one\'s funding', () => {
    const tx = load('detection', 'plain-sol-transfer.json');
    const dust = JSON.parse(JSON.stringify(tx).replaceAll('1500000000', '1000000').replaceAll('-1500005000', '-1005000')) as EnhancedTransaction;
    const dustFirst = { ...dust, signature: `${tx.signature.slice(0, -4)}DUST`, timestamp: tx.timestamp - 60, slot: tx.slot - 150 };
    expect(fundingOriginOf(W, [dustFirst, tx])?.signature).toBe(tx.signature);
  });
});
