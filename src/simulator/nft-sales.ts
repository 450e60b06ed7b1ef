// NFT sales between two world wallets: the seller's and the buyer's `nft-sale` transfers are one
// transaction on chain. The buyer's event (it signs and pays the fee) is the canonical one: both
// histories serve its signature, fee and rendering.
import type { SimEvent } from './chain';
import type { Wallet } from './world';

type At = readonly [walletIndex: number, eventIndex: number];

const saleKey = (buyer: string, seller: string, t: Extract<SimEvent, { kind: 'transfer' }>['transfer'], ts: number): string =>
  [buyer, seller, t.mint, ts, t.price ?? '', t.market ?? 'MAGIC_EDEN'].join('|');

export class NftSalePairs {
  /** the seller's event → the buyer's (canonical) */
  private readonly bySeller = new Map<string, At>();
  /** the buyer's event → the seller's */
  private readonly byBuyer = new Map<string, At>();

  /**
   * Pairs each seller's `nft-sale` (out) with the buyer's (in) of the same NFT, price, market and
   * second, the buyer naming the seller and the seller the buyer; an unpaired one is a transaction of
   * its own (its counterparty outside the world, or a world wallet that does not list it).
   */
  constructor(wallets: readonly Wallet[], events: readonly SimEvent[][]) {
    const buys = new Map<string, At[]>();
    const sales: Array<{ at: At; key: string }> = [];
    events.forEach((list, w) =>
      list.forEach((e, i) => {
        if (e.kind !== 'transfer' || e.transfer.kind !== 'nft-sale' || e.transfer.counterparty === undefined) return;
        const t = e.transfer;
        const self = wallets[w].address;
        if (t.direction === 'in') {
          const key = saleKey(self, t.counterparty!, t, e.ts);
          const same = buys.get(key);
          if (same) same.push([w, i]);
          else buys.set(key, [[w, i]]);
        } else sales.push({ at: [w, i], key: saleKey(t.counterparty!, self, t, e.ts) });
      }),
    );
    for (const { at, key } of sales) {
      const buy = buys.get(key)?.shift();
      if (buy === undefined) continue;
      this.bySeller.set(at.join(':'), buy);
      this.byBuyer.set(buy.join(':'), at);
    }
  }

  get size(): number {
    return this.bySeller.size;
  }

  /** The event whose signature and rendering an event's transaction has: the buyer's for a paired sale, else itself. */
  canonical(walletIndex: number, eventIndex: number): At {
    return this.bySeller.size === 0 ? [walletIndex, eventIndex] : (this.bySeller.get(`${walletIndex}:${eventIndex}`) ?? [walletIndex, eventIndex]);
  }

  /** Whether the event is the seller's side of a paired sale (its transaction is the buyer's event's). */
  isSellerSide(walletIndex: number, eventIndex: number): boolean {
    return this.bySeller.size > 0 && this.bySeller.has(`${walletIndex}:${eventIndex}`);
  }

  /** The seller's event of a canonical (buyer's) event, undefined when it is no paired sale. */
  sellerSide(walletIndex: number, eventIndex: number): At | undefined {
    return this.byBuyer.size === 0 ? undefined : this.byBuyer.get(`${walletIndex}:${eventIndex}`);
  }
}
