// Sweep chains (engine 2.6.0; two fresh addresses in a row, 2.7.0): wallets that sweep SOL through
// fresh addresses of their own meet at the collector those forward it to; a wallet that swept SOL to another through a fresh address is linked
// to it; an exchange's deposit addresses, which forward to its hot wallet, link no one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnhancedTransaction } from '../enhanced-transaction';
import { solTransfer } from '../testing/transfers';
import { FUNDING_DEFAULTS, KNOWN_ADDRESSES, commonDownstreamCollectors, depositExchange, fundingForPair, fundingLinks, fundingProfile, groupFunding, sweepChain, sweepCollectors, sweepTargetOf } from './funding';
import type { CounterpartyActivity, CounterpartyStats, SweepTarget, WalletTransfer } from './types';

const T0 = 1_710_000_000;
const HOUR = 3600;
const DAY = 86_400;
const BINANCE = [...KNOWN_ADDRESSES.values()].find((k) => k.kind === 'exchange')!.address;
/** a deposit address: its whole history is a receipt and a forwarding */
const deposit: CounterpartyActivity = { transactions: 2, complete: true, oldestTime: T0, newestTime: T0 + HOUR };
/** the operator's collecting wallet: a short whole history */
const operator: CounterpartyActivity = { transactions: 12, complete: true, oldestTime: T0 - 30 * DAY, newestTime: T0 + 9 * DAY };
/** an exchange's hot wallet on no list: a full page within the hour */
const busy: CounterpartyActivity = { transactions: 1000, complete: false, oldestTime: T0 - HOUR, newestTime: T0 };
/** someone's long-lived wallet: 800 transactions in all */
const used: CounterpartyActivity = { transactions: 800, complete: true, oldestTime: T0 - 700 * DAY, newestTime: T0 };

let sequence = 0;
/** a deposit address's forwarding to `collector`, the address first funded by `firstFunder` */
const forward = (collector: string, sol: string, t: number, firstFunder: string | null = null): SweepTarget => ({ collector, amount: sol, rawAmount: String(Math.round(Number(sol) * 1e9)), signature: `forward-${++sequence}`, slot: t, timestamp: t, firstFunder });

/** wallet `w`, first funded by its own funder on a day of its own, that sent `sol` to `to` at `t` */
const sweeper = (w: string, to: string, t: number, sol = '2', more: WalletTransfer[] = []) =>
  fundingProfile(w, [solTransfer(w, `own-funder-${w}`, 'in', '5', T0 - 20 * DAY - (++sequence) * DAY), solTransfer(w, to, 'out', sol, t), ...more]);

/** A → DA → C and B → DB → C, A's sweep at T0 and B's `apart` seconds later, each forwarded an hour after */
function twoDeposits(collector: CounterpartyActivity | undefined, apart = 3 * DAY, c = 'C'): { stats: CounterpartyStats; a: ReturnType<typeof sweeper>; b: ReturnType<typeof sweeper> } {
  const activity = new Map<string, CounterpartyActivity>([
    ['DA', deposit],
    ['DB', deposit],
  ]);
  if (collector !== undefined) activity.set(c, collector);
  return {
    stats: { walletsPerCounterparty: new Map([['DA', 1], ['DB', 1]]), totalWallets: 40, activity, sweeps: new Map([['DA', forward(c, '1.99', T0 + HOUR, 'A')], ['DB', forward(c, '2.99', T0 + apart + HOUR, 'B')]]) },
    a: sweeper('A', 'DA', T0),
    b: sweeper('B', 'DB', T0 + apart, '3'),
  };
}

describe('sweepTargetOf', () => {
  const load = (dir: string, name: string): EnhancedTransaction => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', dir, name), 'utf8')) as EnhancedTransaction;
  const W = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
  const FUNDER = 'FunDer7Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa';

  it('reads where an address sent its SOL from its newest transactions, and nothing from a receiver\'s side or a swap', () => {
    const tx = load('detection', 'plain-sol-transfer.json');
    expect(sweepTargetOf(FUNDER, [tx])).toEqual({ collector: W, amount: '1.5', rawAmount: '1500000000', signature: tx.signature, slot: 249999000, timestamp: 1709990000, firstFunder: null, passThrough: false });
    expect(sweepTargetOf(W, [tx])).toBeNull();
    expect(sweepTargetOf(FUNDER, [])).toBeNull();
    const swap = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    expect(sweepTargetOf(swap.feePayer, [swap])).toBeNull();
  });

  it('says who funded the address first: a deposit address of a wallet\'s own was funded by that wallet', () => {
    const tx = load('detection', 'plain-sol-transfer.json');
    const collector = 'Co11ector1111111111111111111111111111111111111';
    // W, funded by FUNDER, forwards 1.5 SOL to the collector a day later
    const forwarded = { ...(JSON.parse(JSON.stringify(tx).replaceAll(W, 'PLACEHOLDER').replaceAll(FUNDER, W).replaceAll('PLACEHOLDER', collector)) as EnhancedTransaction), signature: `${tx.signature.slice(0, -4)}FWD1`, timestamp: tx.timestamp + 86_400, slot: tx.slot + 216_000 };
    expect(sweepTargetOf(W, [forwarded, tx])).toEqual({ collector, amount: '1.5', rawAmount: '1500000000', signature: forwarded.signature, slot: tx.slot + 216_000, timestamp: tx.timestamp + 86_400, firstFunder: FUNDER, passThrough: true });
    // its funding not among them: unknown
    expect(sweepTargetOf(W, [forwarded])?.firstFunder).toBeNull();
  });

  it('takes the address that received the most SOL in all, with its earliest transfer, and skips dust', () => {
    const tx = load('detection', 'plain-sol-transfer.json');
    const to = (recipient: string, lamports: number, dt: number, tag: string): EnhancedTransaction =>
      ({
        ...(JSON.parse(JSON.stringify(tx).replaceAll(W, recipient).replaceAll('1500000000', String(lamports)).replaceAll('-1500005000', String(-lamports - 5000))) as EnhancedTransaction),
        signature: `${tx.signature.slice(0, -4)}${tag}`,
        timestamp: tx.timestamp + dt,
        slot: tx.slot + dt,
      }) as EnhancedTransaction;
    const other = 'Other1111111111111111111111111111111111111111';
    // W: 1.5 then 1.0 (2.5 in all); the other: one 2.0 in between; a dust spray to a third first
    const txs = [to(W, 1_000_000_000, 600, 'LAT1'), to(other, 2_000_000_000, 300, 'MID1'), tx, to('Dust111111111111111111111111111111111111111', 1_000_000, -60, 'DUST')];
    expect(sweepTargetOf(FUNDER, txs)).toMatchObject({ collector: W, amount: '1.5', signature: tx.signature });
    expect(sweepTargetOf(FUNDER, txs.slice(1))).toMatchObject({ collector: other, amount: '2' });
  });
});

describe('sweepChain', () => {
  it('follows a wallet\'s SOL through a fresh address of one wallet\'s to where it forwarded it', () => {
    const { stats, a } = twoDeposits(operator);
    const [node] = sweepChain(a, stats);
    expect(node).toMatchObject({ via: ['DA'], collector: 'C', sent: { amount: '2', timestamp: T0 }, forward: { amount: '1.99', timestamp: T0 + HOUR } });
    expect(sweepChain(a, stats)).toHaveLength(1);
    // the last of the wallet's transfers to it before the forwarding
    const twice = sweeper('A', 'DA', T0 - DAY, '1', [solTransfer('A', 'DA', 'out', '3', T0 + 2 * HOUR)]);
    expect(sweepChain(twice, stats)[0].sent).toMatchObject({ amount: '1', timestamp: T0 - DAY });
  });

  it('does not follow a longer history, a known exchange, an address that forwarded back or before the wallet sent to it, or one never read', () => {
    const { stats, a } = twoDeposits(operator);
    const activity = new Map(stats.activity);
    const chainWith = (over: Partial<CounterpartyStats>, profile = a) => sweepChain(profile, { ...stats, ...over });
    expect(chainWith({ activity: new Map([...activity, ['DA', used]]) })).toEqual([]);
    expect(chainWith({ activity: new Map([...activity, ['DA', busy]]) })).toEqual([]);
    activity.delete('DA');
    expect(chainWith({ activity })).toEqual([]);
    expect(chainWith({ sweeps: new Map([['DA', forward('A', '1', T0 + HOUR, 'A')]]) })).toEqual([]);
    expect(chainWith({ sweeps: new Map([['DA', forward('C', '1', T0 - HOUR, 'A')]]) })).toEqual([]);
    // someone else funded it first (the wallet paid someone's wallet), or who did is unknown
    expect(chainWith({ sweeps: new Map([['DA', forward('C', '1', T0 + HOUR, 'someone')]]) })).toEqual([]);
    expect(chainWith({ sweeps: new Map([['DA', forward('C', '1', T0 + HOUR, null)]]) })).toEqual([]);
    expect(chainWith({ sweeps: new Map() })).toEqual([]);
    // a deposit address that three wallets of the database sent to, in two transactions, is no one wallet's
    expect(chainWith({ walletsPerCounterparty: new Map([['DA', 3]]) })).toEqual([]);
    const exchange = sweeper('A', BINANCE, T0);
    expect(sweepChain(exchange, { ...stats, activity: new Map([[BINANCE, deposit]]), sweeps: new Map([[BINANCE, forward('C', '1', T0 + HOUR, 'A')]]) })).toEqual([]);
    // what the wallet received from an address is no sweep to it
    const received = fundingProfile('A', [solTransfer('A', 'DA', 'in', '2', T0)]);
    expect(sweepChain(received, stats)).toEqual([]);
  });
});

describe('common downstream collector', () => {
  it('links two wallets whose fresh deposit addresses forwarded to one wallet of one owner, days apart', () => {
    const { stats, a, b } = twoDeposits(operator);
    const result = fundingForPair(a, b, stats);
    const [e] = result.evidence;
    expect(e).toMatchObject({ kind: 'common-downstream-collector', counterparty: 'C', counterpartyWeight: 1, counterpartyActivity: { transactions: 12, complete: true, dedicated: true }, viaA: ['DA'], viaB: ['DB'] });
    if (e.kind !== 'common-downstream-collector') throw new Error(e.kind);
    expect(e.a).toMatchObject({ amount: '1.99', timestamp: T0 + HOUR });
    expect(e.b).toMatchObject({ amount: '2.99', timestamp: T0 + 3 * DAY + HOUR });
    expect(e.secondsApart).toBe(3 * DAY);
    const d = FUNDING_DEFAULTS;
    expect(e.strength).toBeCloseTo(d.upstreamStrength * d.upstreamHopFactor * (0.75 + 0.25 * 2 ** -3), 10);
    expect(result.score).toBeCloseTo(e.strength, 10);
    // the same minutes apart keeps more
    const close = twoDeposits(operator, 600);
    expect(fundingForPair(close.a, close.b, close.stats).score).toBeGreaterThan(result.score);
  });

  it('links a wallet that sent to the collector itself with one that swept through a fresh address (one hop in all)', () => {
    const { stats } = twoDeposits(operator);
    const a = sweeper('A', 'C', T0);
    const b = sweeper('B', 'DB', T0 + 3 * DAY, '3');
    const [e] = fundingForPair(a, b, stats).evidence;
    expect(e).toMatchObject({ kind: 'common-downstream-collector', counterparty: 'C', viaA: [], viaB: ['DB'], a: { amount: '2', timestamp: T0 } });
    expect(e.strength).toBeCloseTo(FUNDING_DEFAULTS.upstreamStrength * (0.75 + 0.25 * 2 ** -(3 + 1 / 24)), 10);
  });

  it('links no one through an exchange\'s deposit addresses: a known exchange, a busy hot wallet, or a collector never read weighs nothing', () => {
    for (const [collector, c] of [[busy, 'C'], [undefined, 'C'], [deposit, BINANCE]] as const) {
      const { stats, a, b } = twoDeposits(collector, 3 * DAY, c);
      expect(fundingForPair(a, b, stats)).toEqual({ score: 0, evidence: [], evidenceOmitted: 0 });
      expect(fundingLinks([a, b], stats)).toEqual([]);
    }
  });

  it('a collector with a longer history than a wallet of one owner\'s (a small exchange, a merchant) links no one, nor one that collects from more wallets than its transactions', () => {
    const { stats, a, b } = twoDeposits(used);
    expect(fundingForPair(a, b, stats).score).toBe(0);
    expect(fundingLinks([a, b], stats)).toEqual([]);
    // the operator's wallet of 12 transactions, that 14 wallets of the group reached: not one owner's
    const dedicated = twoDeposits(operator);
    const more = Array.from({ length: 12 }, (_, k) => sweeper(`W${k}`, 'C', T0 + k * HOUR));
    expect(fundingLinks([dedicated.a, dedicated.b, ...more], dedicated.stats).find((l) => l.a === 'A' && l.b === 'B')).toBeUndefined();
  });

  it('cites a collector once: not when both wallets also sent to it themselves, nor when it is their common first funder', () => {
    const { stats } = twoDeposits(operator);
    // A sent to C both through DA and itself, B itself: the common sweep destination, once
    const a = sweeper('A', 'DA', T0, '2', [solTransfer('A', 'C', 'out', '1', T0 + DAY)]);
    const b = sweeper('B', 'C', T0 + 2 * DAY);
    expect(fundingForPair(a, b, stats).evidence.map((e) => e.kind)).toEqual(['common-destination']);
    // C funded both first, and collects from both through deposit addresses: their common first funder, once
    const fundedBy = (w: string, to: string, t: number, sol: string) => fundingProfile(w, [solTransfer(w, 'C', 'in', '5', T0 - 20 * DAY + t), solTransfer(w, to, 'out', sol, t)]);
    const kinds = fundingForPair(fundedBy('A', 'DA', T0, '2'), fundedBy('B', 'DB', T0 + 3 * DAY, '3'), stats).evidence.map((e) => e.kind);
    expect(kinds).toContain('common-first-funder');
    expect(kinds).not.toContain('common-downstream-collector');
  });

  it('finds the pairs in a group, cites the collector for a cluster, and links a group wallet that collected through a fresh address', () => {
    const { stats, a, b } = twoDeposits(operator);
    const stranger = sweeper('S', 'elsewhere', T0);
    const links = fundingLinks([a, b, stranger], stats);
    expect(links.map((l) => [l.a, l.b])).toEqual([['A', 'B']]);
    const group = groupFunding([a, b, stranger], stats);
    expect(commonDownstreamCollectors(group, new Set(['A', 'B', 'S']))).toEqual([{ address: 'C', wallets: ['A', 'B'] }]);
    expect(commonDownstreamCollectors(group, new Set(['A', 'S']))).toEqual([]);

    // the collector is itself analysed: A swept to it through DA
    const c = fundingProfile('C', [solTransfer('C', 'own-funder-C', 'in', '9', T0 - 40 * DAY)]);
    const [link] = fundingLinks([a, c], stats);
    expect(link).toMatchObject({ a: 'A', b: 'C' });
    const [e] = link.evidence;
    expect(e).toMatchObject({ kind: 'indirect-transfer', from: 'A', to: 'C', via: ['DA'], sweep: true, first: { amount: '2', timestamp: T0 }, last: { amount: '1.99', timestamp: T0 + HOUR }, secondsApart: HOUR });
    expect(e.strength).toBeCloseTo(FUNDING_DEFAULTS.directStrength * FUNDING_DEFAULTS.upstreamHopFactor * (0.75 + 0.25 * 2 ** (-1 / 24)), 10);

    // a fresh wallet A funded first that first funded C is the funding chain's indirect transfer: named once
    const relayed = fundingProfile('C', [solTransfer('C', 'DA', 'in', '1.99', T0 + HOUR)]);
    const chained: CounterpartyStats = { ...stats, origins: new Map([['DA', { funder: 'A', amount: '2', rawAmount: '2000000000', signature: 'origin-DA', slot: T0, timestamp: T0 }]]) };
    const hops = fundingForPair(a, relayed, chained).evidence.filter((x) => x.kind === 'indirect-transfer');
    expect(hops).toHaveLength(1);
    expect(hops[0]).toMatchObject({ from: 'A', to: 'C', via: ['DA'] });
    expect(hops[0]).not.toHaveProperty('sweep');
  });
});

/**
 * A → DA → XA → C and B → DB → XB → C (two fresh addresses of each one's own in a row, each first
 * funded by the one before), A's sweep at T0 and B's `apart` seconds later, each forwarded an hour
 * after the one before
 */
function twoHops(collector: CounterpartyActivity | undefined, apart = 3 * DAY, c = 'C'): { stats: CounterpartyStats; a: ReturnType<typeof sweeper>; b: ReturnType<typeof sweeper> } {
  const { stats, a, b } = twoDeposits(collector, apart, c);
  const sweeps = new Map([
    ['DA', forward('XA', '1.99', T0 + HOUR, 'A')],
    ['XA', forward(c, '1.98', T0 + 2 * HOUR, 'DA')],
    ['DB', forward('XB', '2.99', T0 + apart + HOUR, 'B')],
    ['XB', forward(c, '2.98', T0 + apart + 2 * HOUR, 'DB')],
  ]);
  const activity = new Map([...stats.activity!, ['XA', deposit], ['XB', deposit]]);
  return { stats: { ...stats, activity, sweeps, walletsPerCounterparty: new Map([...stats.walletsPerCounterparty, ['XA', 1], ['XB', 1]]) }, a, b };
}

describe('sweep chains two fresh addresses down (engine 2.7.0)', () => {
  const d = FUNDING_DEFAULTS;

  it('follows a deposit address\'s forwarding to another fresh address it funded first, to where that one forwarded', () => {
    const { stats, a } = twoHops(operator);
    expect(sweepChain(a, stats)).toEqual([
      expect.objectContaining({ via: ['DA'], collector: 'XA', forward: expect.objectContaining({ amount: '1.99' }) }),
      expect.objectContaining({ via: ['DA', 'XA'], collector: 'C', sent: expect.objectContaining({ amount: '2', timestamp: T0 }), forward: expect.objectContaining({ amount: '1.98', timestamp: T0 + 2 * HOUR }) }),
    ]);
    expect(d.downstreamHops).toBe(2);
  });

  it('links two wallets whose SOL met at one collector through two fresh addresses each, and one through one with one through two', () => {
    const { stats, a, b } = twoHops(operator);
    const [e] = fundingForPair(a, b, stats).evidence;
    expect(e).toMatchObject({ kind: 'common-downstream-collector', counterparty: 'C', counterpartyWeight: 1, viaA: ['DA', 'XA'], viaB: ['DB', 'XB'], a: { amount: '1.98' }, b: { amount: '2.98' }, secondsApart: 3 * DAY });
    expect(e.strength).toBeCloseTo(d.upstreamStrength * d.upstreamHopFactor * d.downstreamExtraHopFactor ** 2 * (0.75 + 0.25 * 2 ** -3), 10);
    // each further fresh address of one's own costs less than a hop up: above the one-hop-a-side link's 0.75^3
    expect(e.strength).toBeGreaterThan(d.upstreamStrength * d.upstreamHopFactor ** 3);
    // B's deposit address forwards to C itself: three hops in all
    const mixed: CounterpartyStats = { ...stats, sweeps: new Map([...stats.sweeps!, ['DB', forward('C', '2.99', T0 + 3 * DAY + HOUR, 'B')]]) };
    const [m] = fundingForPair(a, b, mixed).evidence;
    expect(m).toMatchObject({ kind: 'common-downstream-collector', counterparty: 'C', viaA: ['DA', 'XA'], viaB: ['DB'] });
    expect(m.strength).toBeCloseTo(d.upstreamStrength * d.upstreamHopFactor * d.downstreamExtraHopFactor * (0.75 + 0.25 * 2 ** -(3 - 1 / 24)), 10);
    const group = groupFunding([a, b], stats);
    expect(commonDownstreamCollectors(group, new Set(['A', 'B']))).toEqual([{ address: 'C', wallets: ['A', 'B'] }]);
    expect(group.sweepReach.get('C')).toEqual([{ wallet: 'A', depth: 2 }, { wallet: 'B', depth: 2 }]);
  });

  it('does not go on through an address someone else funded first, a longer history, one that forwarded before it was paid, a known exchange, or a third fresh address', () => {
    const { stats, a, b } = twoHops(operator);
    const onlyFirst = (over: Partial<CounterpartyStats>) => sweepChain(a, { ...stats, ...over }).map((n) => n.via);
    // XA paid by DA, but first funded by someone else: a payment, not the operator's own address
    expect(onlyFirst({ sweeps: new Map([...stats.sweeps!, ['XA', forward('C', '1.98', T0 + 2 * HOUR, 'someone')]]) })).toEqual([['DA']]);
    expect(onlyFirst({ activity: new Map([...stats.activity!, ['XA', used]]) })).toEqual([['DA']]);
    expect(onlyFirst({ sweeps: new Map([...stats.sweeps!, ['XA', forward('C', '1.98', T0 + HOUR - 60, 'DA')]]) })).toEqual([['DA']]);
    expect(onlyFirst({ walletsPerCounterparty: new Map([...stats.walletsPerCounterparty, ['XA', 3]]) })).toEqual([['DA']]);
    // back to the wallet, or to the first address: no collector
    expect(onlyFirst({ sweeps: new Map([...stats.sweeps!, ['XA', forward('A', '1.98', T0 + 2 * HOUR, 'DA')]]) })).toEqual([['DA']]);
    expect(onlyFirst({ sweeps: new Map([...stats.sweeps!, ['XA', forward('DA', '1.98', T0 + 2 * HOUR, 'DA')]]) })).toEqual([['DA']]);
    // a known exchange between is no address of the wallet's, whatever its history says
    const viaExchange: CounterpartyStats = { ...stats, activity: new Map([...stats.activity!, [BINANCE, deposit]]), sweeps: new Map([...stats.sweeps!, ['DA', forward(BINANCE, '1.99', T0 + HOUR, 'A')], [BINANCE, forward('C', '1.98', T0 + 2 * HOUR, 'DA')]]) };
    expect(sweepChain(a, viaExchange).map((n) => n.via)).toEqual([['DA']]);
    // a third fresh address in a row is not followed: C (fresh, first funded by XA) forwards to Z
    const three: CounterpartyStats = { ...stats, activity: new Map([...stats.activity!, ['C', deposit]]), sweeps: new Map([...stats.sweeps!, ['C', forward('Z', '1.97', T0 + 3 * HOUR, 'XA')]]) };
    expect(sweepChain(a, three).map((n) => n.collector)).toEqual(['XA', 'C']);
    // the same chains ending at a known exchange or a busy hot wallet link no one
    for (const [collector, c] of [[deposit, BINANCE], [busy, 'C']] as const) {
      const ex = twoHops(collector, 3 * DAY, c);
      expect(fundingForPair(ex.a, ex.b, ex.stats).score).toBe(0);
      expect(fundingLinks([ex.a, ex.b], ex.stats)).toEqual([]);
    }
    expect(fundingForPair(a, b, stats).score).toBeGreaterThan(0);
  });

  it('an operator\'s collector that is fresh itself, first funded by one wallet\'s deposit address, is where the pair meets, not where it forwarded', () => {
    // A → DA → C (C first funded by DA) → Z; B → DB → C
    const { stats, a, b } = twoDeposits(deposit);
    const fresh: CounterpartyStats = { ...stats, activity: new Map([...stats.activity!, ['Z', operator]]), sweeps: new Map([...stats.sweeps!, ['C', forward('Z', '9', T0 + 5 * DAY, 'DA')]]) };
    expect(sweepChain(a, fresh).map((n) => n.collector)).toEqual(['C', 'Z']);
    const [e] = fundingForPair(a, b, fresh).evidence;
    expect(e).toMatchObject({ kind: 'common-downstream-collector', counterparty: 'C', viaA: ['DA'], viaB: ['DB'] });
    expect(commonDownstreamCollectors(groupFunding([a, b], fresh), new Set(['A', 'B']))).toEqual([{ address: 'C', wallets: ['A', 'B'] }]);
  });

  it('links a wallet that swept SOL to another analysed wallet through two fresh addresses of its own', () => {
    const { stats, a } = twoHops(operator);
    const c = fundingProfile('C', [solTransfer('C', 'own-funder-C', 'in', '9', T0 - 40 * DAY)]);
    const [link] = fundingLinks([a, c], stats);
    expect(link).toMatchObject({ a: 'A', b: 'C' });
    const [e] = link.evidence;
    expect(e).toMatchObject({ kind: 'indirect-transfer', from: 'A', to: 'C', via: ['DA', 'XA'], sweep: true, first: { amount: '2', timestamp: T0 }, last: { amount: '1.98', timestamp: T0 + 2 * HOUR }, secondsApart: 2 * HOUR });
    expect(e.strength).toBeCloseTo(d.directStrength * d.upstreamHopFactor * d.downstreamExtraHopFactor * (0.75 + 0.25 * 2 ** (-2 / 24)), 10);
  });
});

describe('sweepCollectors: where the reads, the load and the bench go next', () => {
  it('goes on from an address only where one that sent to it funded it first, with the addresses leading to each collector', () => {
    const targets = new Map<string, SweepTarget | null>([
      ['DA', forward('XA', '1', T0, 'A')],
      ['DB', forward('XA', '1', T0, 'B')],
      // a payment to someone's fresh wallet: its owner funded it first
      ['PAID', forward('PAYEE', '1', T0, 'owner')],
      ['EMPTY', null],
      ['UNKNOWN', forward('Y', '1', T0, null)],
    ]);
    const group = new Set(['A', 'B', 'PAYEE']);
    const level0 = sweepCollectors(targets, (_address, funder) => group.has(funder));
    expect([...level0]).toEqual([['XA', ['DA', 'DB']]]);
    // one level down: XA first funded by DA, which leads to it; XB by an address that does not
    const level1 = sweepCollectors(
      new Map([
        ['XA', forward('C', '1', T0, 'DA')],
        ['XB', forward('C2', '1', T0, 'elsewhere')],
      ]),
      (address, funder) => level0.get(address)?.includes(funder) ?? false,
    );
    expect([...level1]).toEqual([['C', ['XA']]]);
  });
});

describe('a cluster\'s common collectors, two hops down', () => {
  it('cites the nearer of two collectors that the same wallets reach, each further down than the other', () => {
    // A → DA → C (fresh, first funded by DA) → Z; B sent to C itself, and B → DB → Z
    const { stats, a } = twoDeposits(deposit);
    const nested: CounterpartyStats = {
      ...stats,
      activity: new Map([...stats.activity!, ['Z', operator]]),
      sweeps: new Map([...stats.sweeps!, ['C', forward('Z', '9', T0 + 5 * DAY, 'DA')], ['DB', forward('Z', '2.99', T0 + 3 * DAY + HOUR, 'B')]]),
    };
    const b = sweeper('B', 'DB', T0 + 3 * DAY, '3', [solTransfer('B', 'C', 'out', '1', T0 + 6 * DAY)]);
    const group = groupFunding([a, b], nested);
    expect(group.sweepReach.get('C')).toEqual([{ wallet: 'A', depth: 1 }, { wallet: 'B', depth: 0 }]);
    expect(group.sweepReach.get('Z')).toEqual([{ wallet: 'A', depth: 2 }, { wallet: 'B', depth: 1 }]);
    // their SOL meets at C first: Z, further down for both, is not cited besides
    expect(commonDownstreamCollectors(group, new Set(['A', 'B']))).toEqual([{ address: 'C', wallets: ['A', 'B'] }]);
    expect(fundingForPair(a, b, nested).evidence[0]).toMatchObject({ kind: 'common-downstream-collector', counterparty: 'C', viaA: ['DA'], viaB: [] });
  });
});

describe('exchange deposit addresses (engine 2.7.0)', () => {
  const load = (dir: string, name: string): EnhancedTransaction => JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', dir, name), 'utf8')) as EnhancedTransaction;
  const W = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
  const FUNDER = 'FunDer7Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa';
  /** `from` sending 1.5 SOL to `to` (the plain transfer fixture, its two parties replaced) */
  const transfer = (from: string, to: string, tag: string, dt: number): EnhancedTransaction => {
    const tx = load('detection', 'plain-sol-transfer.json');
    return { ...(JSON.parse(JSON.stringify(tx).replaceAll(W, 'PLACEHOLDER').replaceAll(FUNDER, from).replaceAll('PLACEHOLDER', to)) as EnhancedTransaction), signature: `${tx.signature.slice(0, -4)}${tag}`, timestamp: tx.timestamp + dt, slot: tx.slot + dt };
  };

  it('sweepTargetOf says whether an address passed on all its SOL to one address and traded nothing, and names no first funder from part of a history', () => {
    const swap = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    const X = swap.feePayer;
    const forwards = [transfer(X, BINANCE, 'FWD1', 3600), transfer(FUNDER, X, 'RCV1', 0)];
    expect(sweepTargetOf(X, forwards)).toMatchObject({ collector: BINANCE, passThrough: true, firstFunder: FUNDER });
    expect(sweepTargetOf(X, forwards, { wholeHistory: false })).toMatchObject({ collector: BINANCE, passThrough: true, firstFunder: null });
    // it traded too: a person's wallet
    expect(sweepTargetOf(X, [...forwards, swap])).toMatchObject({ collector: BINANCE, passThrough: false });
    // it paid someone else too
    expect(sweepTargetOf(X, [...forwards, transfer(X, 'Other1111111111111111111111111111111111111111', 'PAY1', 7200)])?.passThrough).toBe(false);
  });

  it('passes on only what it received within a day of each receipt, most of it: a person cashing out once is none', () => {
    const swap = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    const X = swap.feePayer;
    const Y = 'Sender2222222222222222222222222222222222222222';
    const asY = (tx: EnhancedTransaction): EnhancedTransaction => JSON.parse(JSON.stringify(tx).replaceAll(FUNDER, Y)) as EnhancedTransaction;
    // two receipts of 1.5 SOL, one forwarding of 1.5 SOL an hour after the second: a batch sweep forwards 3, this one half
    const second = { ...asY(transfer(FUNDER, X, 'RCV2', 2 * HOUR)) };
    expect(sweepTargetOf(X, [transfer(FUNDER, X, 'RCV1', 0), second, transfer(X, BINANCE, 'FWD1', 3 * HOUR)])?.passThrough).toBe(false);
    // each receipt forwarded within the hour
    expect(sweepTargetOf(X, [transfer(FUNDER, X, 'RCV1', 0), transfer(X, BINANCE, 'FWD1', HOUR), second, transfer(X, BINANCE, 'FWD2', 3 * HOUR)])?.passThrough).toBe(true);
    // the first receipt kept three days, then cashed out with the second: no deposit address
    expect(sweepTargetOf(X, [transfer(FUNDER, X, 'RCV1', -3 * DAY), second, transfer(X, BINANCE, 'FWD1', 3 * HOUR), transfer(X, BINANCE, 'FWD2', 3 * HOUR + 60)])?.passThrough).toBe(false);
    // a receipt after the last forwarding is not yet due
    expect(sweepTargetOf(X, [transfer(FUNDER, X, 'RCV1', 0), transfer(X, BINANCE, 'FWD1', HOUR), asY(transfer(FUNDER, X, 'RCV3', 10 * DAY))])?.passThrough).toBe(true);
  });

  it('a deposit address\'s target is no sweep chain\'s, and a deposit address many wallets of the database paid weighs less', () => {
    const account: CounterpartyActivity = { transactions: 8, complete: true, oldestTime: T0 - 60 * DAY, newestTime: T0 + 30 * DAY };
    const target = { ...forward(BINANCE, '4.99', T0 + HOUR, 'A'), passThrough: true };
    const stats = (degree: number): CounterpartyStats => ({ walletsPerCounterparty: new Map([['D', degree]]), totalWallets: 40_000, activity: new Map([['D', account]]), deposits: new Map([['D', target]]) });
    const a = sweeper('A', 'D', T0, '5');
    const b = sweeper('B', 'D', T0 + 20 * DAY, '7');
    // first funded by A, fresh: a deposit address of A's own by the sweep chains' rule, but read as a shared destination only
    expect(sweepChain(a, stats(2))).toEqual([]);
    const [two] = fundingForPair(a, b, stats(2)).evidence;
    const [many] = fundingForPair(a, b, stats(22)).evidence;
    expect(two).toMatchObject({ kind: 'common-destination', depositTo: BINANCE, counterpartyWeight: 1 });
    expect(many).toMatchObject({ kind: 'common-destination', depositTo: BINANCE, counterpartyWallets: 22 });
    expect(many.strength).toBeLessThan(two.strength / 2);
  });

  it('depositExchange: an address passing all its SOL on to a known exchange or a busy service, nothing else', () => {
    const stats = (target: SweepTarget | undefined, collector?: CounterpartyActivity): CounterpartyStats => ({
      walletsPerCounterparty: new Map(),
      totalWallets: 40,
      activity: new Map(collector === undefined ? [] : [['HOT', collector]]),
      deposits: new Map(target === undefined ? [] : [['D', target]]),
    });
    const passing = (collector: string, passThrough?: boolean): SweepTarget => ({ ...forward(collector, '1', T0, null), ...(passThrough === undefined ? {} : { passThrough }) });
    expect(depositExchange('D', stats(passing(BINANCE, true)))).toBe(BINANCE);
    expect(depositExchange('D', stats(passing('HOT', true), busy))).toBe('HOT');
    // a person's wallet that passes all on to its owner's other wallet, or one never read
    expect(depositExchange('D', stats(passing('HOT', true), operator))).toBeNull();
    expect(depositExchange('D', stats(passing('HOT', true)))).toBeNull();
    // it paid others or traded; a row stored before passThrough was kept; nothing read
    expect(depositExchange('D', stats(passing(BINANCE, false)))).toBeNull();
    expect(depositExchange('D', stats(passing(BINANCE)))).toBeNull();
    expect(depositExchange('D', stats(undefined))).toBeNull();
  });

  it('links two wallets that sent SOL to one exchange account\'s deposit address weeks apart; the same address passing SOL on to a person\'s wallet links them as any common destination', () => {
    /** a deposit address of 32 transactions in all that both A and B sent to, 20 days apart */
    const account: CounterpartyActivity = { transactions: 32, complete: true, oldestTime: T0 - 60 * DAY, newestTime: T0 + 30 * DAY };
    const statsTo = (collector: string): CounterpartyStats => ({
      walletsPerCounterparty: new Map([['D', 2]]),
      totalWallets: 40,
      activity: new Map([['D', account], ['HOT', busy], ['OWNER', operator]]),
      deposits: new Map([['D', { ...forward(collector, '4.99', T0 + HOUR, null), passThrough: true }]]),
    });
    const a = sweeper('A', 'D', T0, '5');
    const b = sweeper('B', 'D', T0 + 20 * DAY, '7');
    const d = FUNDING_DEFAULTS;
    const [e] = fundingForPair(a, b, statsTo('HOT')).evidence;
    expect(e).toMatchObject({ kind: 'common-destination', counterparty: 'D', depositTo: 'HOT', counterpartyWeight: 1, a: { amount: '5' }, b: { amount: '7' }, secondsApart: 20 * DAY });
    expect(e.strength).toBeCloseTo(d.depositStrength * (0.75 + 0.25 * 2 ** -20), 10);
    expect(e.strength).toBeGreaterThan(0.6);
    expect(fundingLinks([a, b], statsTo('HOT')).map((l) => [l.a, l.b])).toEqual([['A', 'B']]);
    const [plain] = fundingForPair(a, b, statsTo('OWNER')).evidence;
    expect(plain).not.toHaveProperty('depositTo');
    expect(plain.strength).toBeCloseTo(d.commonCounterpartyStrength * (d.timingFloor + (1 - d.timingFloor) * 2 ** -20), 10);
  });
});
