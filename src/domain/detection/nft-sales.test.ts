import { nftSale, solPayment } from '../testing/transfers';
import { FUNDING_DEFAULTS, fundingForPair, fundingLinks, fundingProfile, groupFunding, pairKey } from './funding';
import { NFT_SALE_DEFAULTS, groupSales, nftRoundTrips, nftSaleEvidence } from './nft-sales';
import type { CounterpartyStats, WalletTransfer } from './types';

const T0 = 1_710_000_000;
const DAY = 86_400;
const stats = (entries: Array<[string, number]> = []): CounterpartyStats => ({ walletsPerCounterparty: new Map(entries) });

/** Each wallet's profile from a list of two-sided transfers. */
function profiles(wallets: readonly string[], transfers: ReadonlyArray<readonly WalletTransfer[]>) {
  const all = transfers.flat();
  return wallets.map((w) => fundingProfile(w, all.filter((t) => t.wallet === w)));
}

describe('nftRoundTrips', () => {
  it('follows an NFT sold around the group back to its first seller, once, with the sales out and back', () => {
    const sales = [nftSale('A', 'B', 'X', '30', T0), nftSale('B', 'C', 'X', '31', T0 + DAY), nftSale('C', 'D', 'X', '29', T0 + 2 * DAY), nftSale('D', 'A', 'X', '30', T0 + 3 * DAY)];
    const ps = profiles(['A', 'B', 'C', 'D'], sales);
    const trips = nftRoundTrips(groupSales(new Map(ps.map((p) => [p.wallet, p.byCounterparty]))));
    expect(trips).toEqual([{ nft: 'X', wallets: ['A', 'B', 'C', 'D'], first: expect.objectContaining({ signature: sales[0][0].signature }), last: expect.objectContaining({ signature: sales[3][0].signature }) }]);
  });

  it('finds none when the NFT leaves the group, is resold along it without coming back, or only one party is in the group', () => {
    // A → B → C: a chain, no trip
    const chain = [nftSale('A', 'B', 'X', '3', T0), nftSale('B', 'C', 'X', '3.2', T0 + DAY)];
    // sold to an outsider who sells it back: the outsider's side is unseen
    const out = [nftSale('A', 'OUT', 'Y', '3', T0), nftSale('OUT', 'A', 'Y', '3', T0 + DAY)];
    const ps = profiles(['A', 'B', 'C'], [...chain, ...out]);
    expect(nftRoundTrips(groupSales(new Map(ps.map((p) => [p.wallet, p.byCounterparty]))))).toEqual([]);
  });

  it('keeps the quickest trip of an NFT through the same wallets, not the first', () => {
    const sales = [nftSale('A', 'B', 'X', '3', T0), nftSale('B', 'A', 'X', '3', T0 + 20 * DAY), nftSale('A', 'B', 'X', '3', T0 + 21 * DAY), nftSale('B', 'A', 'X', '3', T0 + 21 * DAY + 3600)];
    const trips = nftRoundTrips(groupSales(new Map(profiles(['A', 'B'], sales).map((p) => [p.wallet, p.byCounterparty]))));
    expect(trips.map((t) => [t.wallets, t.last.timestamp - t.first.timestamp])).toEqual([[['A', 'B'], 3600]]);
  });

  it('ends a trail where the NFT is sold out of the group, and takes no trip slower than 30 days or through more than 8 wallets', () => {
    // B sells it to an outsider, who sells it back to A: B's sale out ends the trail
    const out = [nftSale('A', 'B', 'X', '3', T0), nftSale('B', 'OUT', 'X', '3', T0 + DAY), nftSale('OUT', 'C', 'X', '3', T0 + 2 * DAY), nftSale('C', 'A', 'X', '3', T0 + 3 * DAY)];
    expect(nftRoundTrips(groupSales(new Map(profiles(['A', 'B', 'C'], out).map((p) => [p.wallet, p.byCounterparty]))))).toEqual([]);
    // a buy-back 31 days on
    const slow = [nftSale('A', 'B', 'Y', '3', T0), nftSale('B', 'A', 'Y', '3', T0 + 31 * DAY)];
    expect(nftRoundTrips(groupSales(new Map(profiles(['A', 'B'], slow).map((p) => [p.wallet, p.byCounterparty]))))).toEqual([]);
    // around 8 wallets, and around 9
    const ring = (n: number) => {
      const ws = Array.from({ length: n }, (_, i) => `W${i}`);
      const sales = ws.map((w, i) => nftSale(w, ws[(i + 1) % n], `R${n}`, '3', T0 + i * 3600));
      return nftRoundTrips(groupSales(new Map(profiles(ws, sales).map((p) => [p.wallet, p.byCounterparty]))));
    };
    expect(ring(NFT_SALE_DEFAULTS.roundTripMaxWallets).map((t) => t.wallets.length)).toEqual([NFT_SALE_DEFAULTS.roundTripMaxWallets]);
    expect(ring(NFT_SALE_DEFAULTS.roundTripMaxWallets + 1)).toEqual([]);
  });

  it('reads each sale once though both parties store it, and one party alone is enough', () => {
    const [sellerSide, buyerSide] = nftSale('A', 'B', 'X', '3', T0);
    const [back] = nftSale('B', 'A', 'X', '3', T0 + 3600);
    const both = groupSales(new Map([['A', fundingProfile('A', [sellerSide]).byCounterparty], ['B', fundingProfile('B', [buyerSide, back]).byCounterparty]]));
    expect(both.map((s) => [s.seller, s.buyer])).toEqual([['A', 'B'], ['B', 'A']]);
    expect(nftRoundTrips(both).map((t) => t.wallets)).toEqual([['A', 'B']]);
  });
});

describe('nft-sale and nft-round-trip evidence (engine 2.20.0)', () => {
  const direct = FUNDING_DEFAULTS.directStrength;

  it('one sale between two wallets is weak; separate occasions add up; a sweep of listings within the hour is one occasion; both ways more', () => {
    const one = nftSaleEvidence('A', [nftSale('A', 'B', 'X', '2', T0)[0]], 'B', [], direct, undefined);
    expect(one).toEqual([expect.objectContaining({ kind: 'nft-sale', seller: 'A', buyer: 'B', nft: 'X', sales: 1, occasions: 1, bothWays: false })]);
    expect(one[0].strength).toBeCloseTo(direct * NFT_SALE_DEFAULTS.occasionShare, 10);
    const sweep = [nftSale('A', 'B', 'X', '2', T0), nftSale('A', 'B', 'Y', '2', T0 + 600), nftSale('A', 'B', 'Z', '2', T0 + 1200)];
    const swept = nftSaleEvidence('A', sweep.map((s) => s[0]), 'B', sweep.map((s) => s[1]), direct, undefined)[0];
    expect([swept.kind === 'nft-sale' && swept.sales, swept.kind === 'nft-sale' && swept.occasions]).toEqual([3, 1]);
    expect(swept.strength).toBeCloseTo(one[0].strength, 10);
    const apart = [nftSale('A', 'B', 'X', '2', T0), nftSale('A', 'B', 'Y', '2', T0 + 2 * DAY)];
    const twice = nftSaleEvidence('A', apart.map((s) => s[0]), 'B', [], direct, undefined)[0];
    expect(twice.strength).toBeCloseTo(direct * (1 - 0.8 ** 2), 10);
    const ways = [nftSale('A', 'B', 'X', '2', T0), nftSale('B', 'A', 'Y', '2', T0 + 2 * DAY)];
    const both = nftSaleEvidence('A', [ways[0][0], ways[1][1]], 'B', [ways[0][1], ways[1][0]], direct, undefined)[0];
    expect(both).toEqual(expect.objectContaining({ bothWays: true, sales: 2 }));
    expect(both.strength).toBeCloseTo(direct * NFT_SALE_DEFAULTS.bothWaysShare, 10);
  });

  it('a ring of four wallets selling one NFT around links every pair of it, those that never traded together too, as strongly as a direct transfer when quick', () => {
    const wallets = ['A', 'B', 'C', 'D'];
    const ring = [nftSale('A', 'B', 'X', '40', T0), nftSale('B', 'C', 'X', '41', T0 + 3600), nftSale('C', 'D', 'X', '39', T0 + 7200), nftSale('D', 'A', 'X', '40', T0 + 10_800)];
    const links = fundingLinks(profiles(wallets, ring), stats());
    expect(links.map((l) => `${l.a}${l.b}`)).toEqual(['AB', 'AC', 'AD', 'BC', 'BD', 'CD']);
    const ac = links.find((l) => l.a === 'A' && l.b === 'C')!;
    expect(ac.evidence.map((e) => e.kind)).toEqual(['nft-round-trip']);
    expect(ac.score).toBeGreaterThan(0.85);
    const ab = links.find((l) => l.a === 'A' && l.b === 'B')!;
    expect(ab.evidence.map((e) => e.kind)).toEqual(['nft-round-trip', 'nft-sale']);
    // four weeks away keeps a little over half
    const slow = [nftSale('A', 'B', 'Y', '40', T0), nftSale('B', 'A', 'Y', '40', T0 + 28 * DAY)];
    const trip = fundingLinks(profiles(['A', 'B'], slow), stats())[0].evidence.find((e) => e.kind === 'nft-round-trip')!;
    expect(trip.strength).toBeCloseTo(direct * (0.5 + 0.5 * 2 ** -4), 6);
  });

  it('collectors who sold to each other once, at arm\'s length, and an NFT resold along three of them, stay under a cluster edge', () => {
    const wallets = ['A', 'B', 'C'];
    const trades = [nftSale('A', 'B', 'X', '3', T0), nftSale('B', 'C', 'X', '3.4', T0 + 5 * DAY), ...Array.from({ length: 20 }, (_, k) => nftSale('A', `OUT${k}`, `N${k}`, '3', T0 + k * DAY))];
    const links = fundingLinks(profiles(wallets, trades), stats());
    expect(links.map((l) => `${l.a}${l.b}`)).toEqual(['AB', 'BC']);
    // relatedness keeps 0.9 of funding: the edge is 0.3
    for (const l of links) expect(0.9 * l.score).toBeLessThan(0.3);
  });

  it('NFT sale partners are no degree: a wallet that sold NFTs to a dozen of the group still weighs 1 for the SOL it sent its sibling', () => {
    const buyers = Array.from({ length: 12 }, (_, k) => `BUYER${k}`);
    const transfers = [...buyers.map((b, k) => nftSale('X', b, `N${k}`, '3', T0 + k * DAY)), solPayment('X', 'Y', '2', T0 + 20 * DAY)];
    const links = fundingLinks(profiles(['X', 'Y', ...buyers], transfers), stats());
    const xy = links.find((l) => l.a === 'X' && l.b === 'Y')!;
    expect(xy.evidence.map((e) => [e.kind, e.strength])).toEqual([['direct', FUNDING_DEFAULTS.directStrength]]);
  });

  it('an NFT sale is no funding: a seller of both is no common source, and no direct transfer is cited for it', () => {
    const sales = [nftSale('SELLER', 'A', 'X', '3', T0), nftSale('SELLER', 'B', 'Y', '3', T0 + 60)];
    const [a, b] = profiles(['A', 'B'], sales);
    expect(a.firstFunding).toBeNull();
    expect(fundingForPair(a, b, stats([['SELLER', 2]])).evidence).toEqual([]);
    const paid = [nftSale('A', 'B', 'X', '3', T0), solPayment('A', 'B', '1', T0 + 60)];
    const [pa, pb] = profiles(['A', 'B'], paid);
    expect(fundingForPair(pa, pb, stats()).evidence.map((e) => e.kind)).toEqual(['direct', 'nft-sale']);
    expect(groupFunding([pa, pb], stats()).nftRoundTrips.get(pairKey('A', 'B'))).toBeUndefined();
  });
});
