// NFTs sold through a marketplace between the group's wallets (engine 2.20.0): wash trading, where
// one owner sells NFTs between its own wallets to make a collection's volume or farm a market's
// rewards (docs/analytics.md, "NFT sales between wallets"). The buyer pays the market's escrow and
// the escrow pays the seller, so the two wallets exchange no SOL and no plain transfer links them:
// transfer extraction 7 stores the sale itself (`NFT_SALE_ASSET`, `nftSales`), read here.
import type { TransferRef } from './funding';
import { NFT_SALE_ASSET, type WalletTransfer } from './types';

export const NFT_SALE_DEFAULTS = {
  /**
   * share of a direct transfer's strength that each separate occasion of sales between the two
   * carries, by a noisy-OR (one occasion 0.2, two 0.36, three 0.49): strangers who collect one
   * collection sell to each other now and then, at arm's length
   */
  occasionShare: 0.2,
  /** sales between the two within this many seconds of the one before are one occasion (a buyer sweeping a seller's listings) */
  occasionSeconds: 3600,
  /** share when each of the two sold the other NFTs (different ones): trading back and forth */
  bothWaysShare: 0.6,
  /** share of a round trip's strength kept however long the NFT took to come back… */
  roundTripFloor: 0.5,
  /** …and the NFT's time away from the wallet it came back to at which it keeps half of the rest */
  roundTripHalfLifeSeconds: 7 * 86_400,
  /**
   * a round trip is a wash ring's only when quick and small: an NFT back after longer than this (a
   * collector buying back one it sold months before), or through more wallets than `roundTripMaxWallets`
   * (a popular NFT resold along a community), is none
   */
  roundTripMaxSeconds: 30 * 86_400,
  roundTripMaxWallets: 8,
} as const;

/** Whether a transfer is an NFT sold through a marketplace (`NFT_SALE_ASSET`, engine 2.20.0). */
export function saleTransfer(t: WalletTransfer): boolean {
  return t.asset === NFT_SALE_ASSET;
}

/** One NFT sale by a wallet of the group (to another of them, or out of the group), read from either party's rows. */
export interface GroupSale {
  seller: string;
  buyer: string;
  /** the buyer is a wallet of the group */
  inside: boolean;
  nft: string;
  sale: TransferRef;
}

/**
 * An NFT that left a wallet of the group and came back to it, sold through a market from wallet to
 * wallet of the group each time (`wallets`, in the order they held it, the first the one it came
 * back to): one owner moving it around its own wallets. `first` is its sale out of `wallets[0]`,
 * `last` its sale back.
 */
export interface NftRoundTrip {
  nft: string;
  wallets: string[];
  first: TransferRef;
  last: TransferRef;
}

export type NftSaleEvidence =
  | {
      /**
       * the two sold NFTs to each other through a market (engine 2.20.0): `seller` sold `nft` to
       * `buyer` (`sale`, its price in SOL as the amount), the first of `sales` between them
       */
      kind: 'nft-sale';
      seller: string;
      buyer: string;
      nft: string;
      sale: TransferRef;
      /** NFTs sold between the two, both directions */
      sales: number;
      /** separate occasions of them (sales within an hour of the one before are one) */
      occasions: number;
      /** each sold the other NFTs */
      bothWays: boolean;
      strength: number;
    }
  | ({
      /**
       * both wallets held an NFT on a round trip through the group's wallets (engine 2.20.0): sold
       * from wallet to wallet of the group until it came back to the one that sold it first
       */
      kind: 'nft-round-trip';
      /** its time away, from `first` to `last` */
      secondsApart: number;
      strength: number;
    } & NftRoundTrip);

/**
 * The NFT sales of the group's wallets (`transfersOf`: each one's transfers by counterparty), each
 * once, in time order: those between two of them, and those out of the group (a wallet of it sold to
 * another), which end an NFT's trail through it.
 */
export function groupSales(transfersOf: ReadonlyMap<string, ReadonlyMap<string, readonly WalletTransfer[]>>): GroupSale[] {
  const seen = new Set<string>();
  const out: GroupSale[] = [];
  for (const [wallet, byCounterparty] of transfersOf) {
    for (const [counterparty, list] of byCounterparty) {
      if (counterparty === wallet) continue;
      const inside = transfersOf.has(counterparty);
      for (const t of list) {
        if (!saleTransfer(t) || t.nft === undefined || (!inside && t.direction !== 'out')) continue;
        const key = `${t.signature}\u0000${t.nft}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const [seller, buyer] = t.direction === 'out' ? [wallet, counterparty] : [counterparty, wallet];
        out.push({ seller, buyer, inside, nft: t.nft, sale: transferRef(t) });
      }
    }
  }
  return out.sort((x, y) => x.sale.timestamp - y.sale.timestamp || x.sale.slot - y.sale.slot || cmp(x.sale.signature, y.sale.signature) || cmp(x.nft, y.nft));
}

/**
 * The NFTs' round trips through the group (`groupSales`' sales): per NFT, from each sale between two
 * of its wallets on, its later sales by whoever held it, until it comes back to the first seller
 * within `roundTripMaxSeconds` through at most `roundTripMaxWallets` wallets; per NFT and set of
 * wallets, the quickest. A sale out of the group ends the trail (what the outside wallet did with it
 * is not seen).
 */
export function nftRoundTrips(sales: readonly GroupSale[]): NftRoundTrip[] {
  const d = NFT_SALE_DEFAULTS;
  const byNft = new Map<string, GroupSale[]>();
  for (const s of sales) {
    const list = byNft.get(s.nft);
    if (list) list.push(s);
    else byNft.set(s.nft, [s]);
  }
  const trips: NftRoundTrip[] = [];
  for (const [nft, list] of byNft) {
    // per set of wallets, the index in `trips` of its quickest trip
    const found = new Map<string, number>();
    for (let i = 0; i < list.length; i++) {
      if (!list[i].inside) continue;
      const start = list[i].seller;
      const wallets = [start];
      let holder = list[i].buyer;
      for (let k = i + 1; k < list.length && list[k].sale.timestamp - list[i].sale.timestamp <= d.roundTripMaxSeconds; k++) {
        if (list[k].seller !== holder) continue;
        if (!list[k].inside || wallets.length >= d.roundTripMaxWallets) break;
        wallets.push(holder);
        holder = list[k].buyer;
        if (holder !== start) continue;
        const trip = { nft, wallets, first: list[i].sale, last: list[k].sale };
        const id = [...new Set(wallets)].sort().join('\u0000');
        const at = found.get(id);
        if (at === undefined) {
          found.set(id, trips.length);
          trips.push(trip);
        } else if (timeAway(trip) < timeAway(trips[at])) trips[at] = trip;
        break;
      }
    }
  }
  return trips;
}

/** Per pair of wallets (`pairKey`) on a round trip together, the trip that took the least time. */
export function roundTripsByPair(trips: readonly NftRoundTrip[], pairKey: (x: string, y: string) => string): Map<string, NftRoundTrip> {
  const out = new Map<string, NftRoundTrip>();
  for (const trip of trips) {
    const ws = [...new Set(trip.wallets)];
    for (let i = 0; i < ws.length; i++) {
      for (let j = i + 1; j < ws.length; j++) {
        const key = pairKey(ws[i], ws[j]);
        const prev = out.get(key);
        if (prev === undefined || timeAway(trip) < timeAway(prev)) out.set(key, trip);
      }
    }
  }
  return out;
}

/**
 * The NFT-sale evidence of one pair, given a direct transfer's strength for it (`direct`: by the two
 * wallets' own weights) and the round trip it was on together, if any:
 * - `nft-sale`: direct × (1 − (1 − 0.2)^occasions), or × 0.6 when each sold the other NFTs, if more;
 * - `nft-round-trip`: direct × (0.5 + 0.5 × 2^(−time away / 7 days)).
 * `aSales`/`bSales`: each wallet's transfers with the other.
 */
export function nftSaleEvidence(
  a: string,
  aSales: readonly WalletTransfer[],
  b: string,
  bSales: readonly WalletTransfer[],
  direct: number,
  roundTrip: NftRoundTrip | undefined,
): NftSaleEvidence[] {
  const d = NFT_SALE_DEFAULTS;
  const out: NftSaleEvidence[] = [];
  // the pair as a group of two: its sales between the two, each once, in time order
  const sales = groupSales(new Map([[a, new Map([[b, aSales]])], [b, new Map([[a, bSales]])]]));
  if (sales.length > 0 && direct > 0) {
    let occasions = 0;
    let last = -Infinity;
    for (const s of sales) {
      if (s.sale.timestamp - last > d.occasionSeconds) occasions++;
      last = s.sale.timestamp;
    }
    const bothWays = new Set(sales.map((s) => s.seller)).size === 2;
    const share = Math.max(1 - (1 - d.occasionShare) ** occasions, bothWays ? d.bothWaysShare : 0);
    const first = sales[0];
    out.push({ kind: 'nft-sale', seller: first.seller, buyer: first.buyer, nft: first.nft, sale: first.sale, sales: sales.length, occasions, bothWays, strength: direct * share });
  }
  if (roundTrip !== undefined && direct > 0) {
    const apart = timeAway(roundTrip);
    const timing = d.roundTripFloor + (1 - d.roundTripFloor) * 2 ** (-apart / d.roundTripHalfLifeSeconds);
    out.push({ kind: 'nft-round-trip', ...roundTrip, secondsApart: apart, strength: direct * timing });
  }
  return out;
}

/** A round trip's time away, from its sale out to its sale back. */
function timeAway(t: NftRoundTrip): number {
  return t.last.timestamp - t.first.timestamp;
}

/** Whether a wallet's transfers with one counterparty hold more than NFT sales: what its degree counts (`counterparty_wallets`). */
export function beyondSales(list: readonly WalletTransfer[]): boolean {
  return list.some((t) => !saleTransfer(t));
}

/** One transfer as evidence cites it. */
export function transferRef(t: WalletTransfer): TransferRef {
  return { asset: t.asset, amount: t.amount, signature: t.signature, slot: t.slot, timestamp: t.timestamp };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
