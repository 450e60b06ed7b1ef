// The world, indexed for serving: per-wallet event lists in chronological order, token metadata,
// derived balances and token accounts (computed on first use, cached), DexScreener pairs.
// Transactions are rendered on demand (render.ts), never stored.
import bs58 from 'bs58';
import type { EnhancedTransaction } from '../domain/enhanced-transaction';
import { USDC_MINT, WSOL_MINT } from '../domain/enhanced-transaction';
import { buildPairs, type SimPair } from './dex';
import { decodeSignature, derivedAddress, encodeSignature, toRaw } from './keys';
import { SOLANA_GENESIS_TS, slotOf, type ChainFacts, type SimEvent, type TokenInfo } from './chain';
import { renderOutsideTransfer, renderTransaction, walletNativeDelta } from './render';
import { nftSaleAccounts } from './render-nft-sale';
import { NftSalePairs } from './nft-sales';
import type { OutsideTransfer, Wallet, World } from './world';

export type { TokenInfo } from './chain';

export interface EventMeta {
  type: string;
  source: string;
  slot: number;
  ts: number;
  failed: boolean;
  /**
   * the wallet is in it only through its token account (a token sent to it, an airdrop minted to it,
   * by another party that pays the fee): the transaction does not name the wallet, and a history
   * asked without Helius's `token-accounts` filter leaves it out
   */
  viaTokenAccount?: boolean;
}

/**
 * An address's history as GET /v0/addresses/{address}/transactions serves it, oldest first: a world
 * wallet's events, or a token mint's trades (every world wallet's, as the chain lists the
 * transactions that touch the mint).
 */
export interface AddressHistory {
  readonly length: number;
  meta(k: number): EventMeta;
  transaction(k: number): EnhancedTransaction;
  signature(k: number): string;
  /** the position of a signature in this history, null when it is not one of its transactions */
  position(signature: string): number | null;
}

export interface SimTokenAccount {
  pubkey: string;
  mint: string;
  owner: string;
  raw: bigint;
  decimals: number;
  program: 'spl-token' | 'spl-token-2022';
}

export class SimWorld implements ChainFacts {
  readonly salt: string;
  readonly tokens = new Map<string, TokenInfo>();
  readonly wallets: Wallet[];
  private readonly walletIndex = new Map<string, number>();
  private readonly events: SimEvent[][];
  private readonly accountsCache = new Map<number, SimTokenAccount[]>();
  private readonly lamportsCache = new Map<number, bigint>();
  private pairsByMint: Map<string, SimPair[]> | null = null;
  /** token accounts of the tokens' declared `holders`, by owner */
  private readonly declaredByOwner = new Map<string, SimTokenAccount[]>();
  private readonly mintAccountsCache = new Map<string, SimTokenAccount[]>();
  private readonly programAccountsCache = new Map<string, { accounts: SimTokenAccount[]; keys: Buffer[] }>();
  private accountsByPubkey: Map<string, SimTokenAccount> | null = null;
  readonly currentSlot: number;
  /** block time of the world's newest event: the present of services' streams */
  readonly presentTs: number;
  /** services (world.services) by address: their index and seconds between their transactions */
  private readonly services = new Map<string, { index: number; interval: number }>();
  /** counterparty → the transfer events it took part in, newest first (built at the first request) */
  private counterpartyEvents: Map<string, Array<[number, number]>> | null = null;
  /** mint → its trades as [wallet index, event index], oldest first (built at the first request) */
  private mintTrades: Map<string, Array<[number, number]>> | null = null;
  /** world.outsideTransfers, oldest first: their signatures' index */
  private readonly outside: OutsideTransfer[];
  /** the signatures' wallet ordinal of outside transfers (after the wallets and the services) */
  private readonly outsideOrdinal: number;
  /** address → its outside transfers' indexes */
  private readonly outsideByAddress = new Map<string, number[]>();
  /** NFT sales between two world wallets: one transaction, the buyer's event's, in both histories */
  private readonly nftSales: NftSalePairs;

  constructor(readonly world: World) {
    this.salt = world.salt ?? world.name ?? 'world';
    this.tokens.set(WSOL_MINT, { mint: WSOL_MINT, symbol: 'SOL', name: 'Wrapped SOL', decimals: 9, program: 'spl-token', priceUsd: world.solPriceUsd, liquidityUsd: 25_000_000 });
    this.tokens.set(USDC_MINT, { mint: USDC_MINT, symbol: 'USDC', name: 'USD Coin', decimals: 6, program: 'spl-token', priceUsd: 1, liquidityUsd: 40_000_000 });
    for (const t of world.tokens) this.tokens.set(t.mint, { ...t });
    this.wallets = world.wallets;
    let maxTs = SOLANA_GENESIS_TS;
    this.events = world.wallets.map((w, i) => {
      this.walletIndex.set(w.address, i);
      const list: SimEvent[] = [
        ...w.trades.map((trade, order): SimEvent => ({ kind: 'trade', trade, ts: trade.ts, order })),
        ...w.transfers.map((transfer, order): SimEvent => ({ kind: 'transfer', transfer, ts: transfer.ts, order: order + w.trades.length })),
      ];
      list.sort((a, b) => a.ts - b.ts || a.order - b.order);
      const last = list[list.length - 1];
      if (last && last.ts > maxTs) maxTs = last.ts;
      return list;
    });
    this.nftSales = new NftSalePairs(this.wallets, this.events);
    this.currentSlot = slotOf(maxTs) + 1000;
    this.presentTs = maxTs;
    (world.services ?? []).forEach((x, index) => this.services.set(x.address, { index, interval: 3600 / x.transactionsPerHour }));
    this.outside = [...(world.outsideTransfers ?? [])].sort((a, b) => a.ts - b.ts);
    this.outsideOrdinal = world.wallets.length + (world.services ?? []).length;
    this.outside.forEach((t, k) => {
      for (const address of new Set([t.from, t.to])) this.outsideByAddress.set(address, [...(this.outsideByAddress.get(address) ?? []), k]);
    });
    for (const t of world.tokens) {
      for (const h of t.holders ?? []) {
        const total = toRaw(h.amount, t.decimals);
        const n = BigInt(h.accounts);
        const list = this.declaredByOwner.get(h.owner) ?? [];
        for (let k = 0; k < h.accounts; k++) {
          list.push({ pubkey: derivedAddress('holder-account', t.mint, h.owner, String(k)), mint: t.mint, owner: h.owner, raw: total / n + (k === 0 ? total % n : 0n), decimals: t.decimals, program: t.program });
        }
        this.declaredByOwner.set(h.owner, list);
      }
    }
  }

  /** A token account by its address (world wallets' and the tokens' declared holders'), or undefined. */
  tokenAccountAt(pubkey: string): SimTokenAccount | undefined {
    if (this.accountsByPubkey === null) {
      const map = new Map<string, SimTokenAccount>();
      for (const w of this.wallets) for (const a of this.tokenAccounts(w.address)) map.set(a.pubkey, a);
      for (const list of this.declaredByOwner.values()) for (const a of list) if (!map.has(a.pubkey)) map.set(a.pubkey, a);
      this.accountsByPubkey = map;
    }
    return this.accountsByPubkey.get(pubkey);
  }

  /** The mint's largest token accounts by amount, at most `limit` (getTokenLargestAccounts: 20), equal amounts by address. */
  largestAccounts(mint: string, limit = 20): SimTokenAccount[] {
    return [...this.mintAccounts(mint)].sort((x, y) => (x.raw === y.raw ? (x.pubkey < y.pubkey ? -1 : 1) : x.raw > y.raw ? -1 : 1)).slice(0, limit);
  }

  /**
   * Every token account of a mint with a non-zero balance, ordered by account address (bytes), as
   * DAS getTokenAccounts lists them: world wallets' accounts and the token's declared holders.
   */
  mintAccounts(mint: string): SimTokenAccount[] {
    const cached = this.mintAccountsCache.get(mint);
    if (cached) return cached;
    const out: SimTokenAccount[] = [];
    for (const w of this.wallets) for (const a of this.tokenAccounts(w.address)) if (a.mint === mint && a.raw > 0n) out.push(a);
    for (const [owner, list] of this.declaredByOwner) {
      if (this.walletIndex.has(owner)) continue; // already in that wallet's token accounts
      for (const a of list) if (a.mint === mint && a.raw > 0n) out.push(a);
    }
    const keyed = out.map((a) => ({ a, key: Buffer.from(bs58.decode(a.pubkey)) }));
    keyed.sort((x, y) => Buffer.compare(x.key, y.key));
    const sorted = keyed.map((k) => k.a);
    this.mintAccountsCache.set(mint, sorted);
    return sorted;
  }

  /**
   * Every token account of a token program, zero balances included, ordered by address (bytes), as
   * getProgramAccountsV2 walks the program's accounts: world wallets' accounts of every mint and the
   * tokens' declared holders'.
   */
  programAccounts(program: SimTokenAccount['program']): SimTokenAccount[] {
    return this.programListing(program).accounts;
  }

  /** Where a walk of the program's accounts goes on after `key` (an address): the index of the first account past it. */
  programAccountsAfter(program: SimTokenAccount['program'], key: string): number {
    const { keys } = this.programListing(program);
    const after = Buffer.from(bs58.decode(key));
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (Buffer.compare(keys[mid], after) > 0) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private programListing(program: SimTokenAccount['program']): { accounts: SimTokenAccount[]; keys: Buffer[] } {
    const cached = this.programAccountsCache.get(program);
    if (cached) return cached;
    const out: SimTokenAccount[] = [];
    for (const w of this.wallets) for (const a of this.tokenAccounts(w.address)) if (a.program === program) out.push(a);
    for (const [owner, list] of this.declaredByOwner) {
      if (this.walletIndex.has(owner)) continue; // already in that wallet's token accounts
      for (const a of list) if (a.program === program) out.push(a);
    }
    const keyed = out.map((a) => ({ a, key: Buffer.from(bs58.decode(a.pubkey)) }));
    keyed.sort((x, y) => Buffer.compare(x.key, y.key));
    const listing = { accounts: keyed.map((k) => k.a), keys: keyed.map((k) => k.key) };
    this.programAccountsCache.set(program, listing);
    return listing;
  }

  /**
   * getSignaturesForAddress of an address that is not a world wallet, newest first, at most `limit`
   * older than `before`: a service's steady stream (world.services), else the world's transfers with
   * it (the same transactions as in the wallets' histories); nothing for an address never seen.
   */
  addressSignatures(address: string, limit: number, before?: string): Array<{ signature: string; slot: number; ts: number; failed: boolean }> {
    const service = this.services.get(address);
    if (service !== undefined) {
      const ordinal = this.wallets.length + service.index;
      const from = before === undefined ? 0 : (decodeSignature(before, this.salt, (i) => (i === ordinal ? address : undefined))?.eventIndex ?? -1) + 1;
      if (from === 0 && before !== undefined) return [];
      return Array.from({ length: limit }, (_, j) => {
        const ts = this.presentTs - Math.floor((from + j) * service.interval);
        return { signature: encodeSignature(this.salt, address, ordinal, from + j), slot: slotOf(ts), ts, failed: false };
      });
    }
    if (this.counterpartyEvents === null) {
      const index = new Map<string, Array<[number, number]>>();
      this.events.forEach((list, w) =>
        list.forEach((e, i) => {
          const add = (c: string) => {
            const entries = index.get(c);
            if (entries) entries.push([w, i]);
            else index.set(c, [[w, i]]);
          };
          // an NFT sale's market accounts (its escrows, treasury and creator), once per sale
          if (e.kind === 'transfer' && e.transfer.kind === 'nft-sale' && !this.nftSales.isSellerSide(w, i)) {
            const t = e.transfer;
            const buyer = t.direction === 'in' ? this.wallets[w].address : t.counterparty;
            if (buyer !== undefined) Object.values(nftSaleAccounts(t.market ?? 'MAGIC_EDEN', buyer, this.token(t.mint).name)).forEach(add);
          }
          // a transfer's counterparty, or another account that paid a trade's fee
          const c = e.kind === 'transfer' ? e.transfer.counterparty : e.trade.feePayer;
          if (c !== undefined) add(c);
        }),
      );
      for (const entries of index.values()) entries.sort((x, y) => this.events[y[0]][y[1]].ts - this.events[x[0]][x[1]].ts || y[0] - x[0] || y[1] - x[1]);
      this.counterpartyEvents = index;
    }
    const entries = this.counterpartyEvents.get(address) ?? [];
    const outside = this.outsideByAddress.get(address);
    if (outside !== undefined) {
      // its transfers with world wallets and outside them, newest first
      const all = [
        ...entries.map(([w, i]) => ({ signature: this.signature(w, i), ...this.meta(w, i) })),
        ...outside.map((k) => ({ signature: this.outsideSignature(k), slot: slotOf(this.outside[k].ts), ts: this.outside[k].ts, failed: false })),
      ].sort((x, y) => y.ts - x.ts || (x.signature < y.signature ? -1 : 1));
      const start = before === undefined ? 0 : all.findIndex((x) => x.signature === before) + 1;
      if (start === 0 && before !== undefined) return [];
      return all.slice(start, start + limit).map(({ signature, slot, ts, failed }) => ({ signature, slot, ts, failed }));
    }
    let start = 0;
    if (before !== undefined) {
      const at = this.locate(before);
      start = at === null ? entries.length : entries.findIndex(([w, i]) => w === at.walletIndex && i === at.eventIndex) + 1;
      if (start === 0) start = entries.length;
    }
    return entries.slice(start, start + limit).map(([w, i]) => {
      const meta = this.meta(w, i);
      return { signature: this.signature(w, i), slot: meta.slot, ts: meta.ts, failed: meta.failed };
    });
  }

  private outsideSignature(k: number): string {
    return encodeSignature(this.salt, 'outside', this.outsideOrdinal, k);
  }

  /** Any transaction of the world by its signature (a wallet's event or an outside transfer), as POST /v0/transactions parses it; null when unknown. */
  transactionBySignature(signature: string): EnhancedTransaction | null {
    const loc = this.locate(signature);
    return loc === null ? this.outsideTransaction(signature) : this.transaction(loc.walletIndex, loc.eventIndex);
  }

  /** A transfer of world.outsideTransfers by its signature, as POST /v0/transactions parses it; null for any other signature. */
  outsideTransaction(signature: string): EnhancedTransaction | null {
    const found = decodeSignature(signature, this.salt, (i) => (i === this.outsideOrdinal ? 'outside' : undefined));
    const t = found === null ? undefined : this.outside[found.eventIndex];
    if (found === null || t === undefined) return null;
    return renderOutsideTransfer(t, signature, 5000);
  }

  indexOf(address: string): number | undefined {
    return this.walletIndex.get(address);
  }

  /** The history served for an address: a world wallet's, a token mint's trades, else null. */
  history(address: string): AddressHistory | null {
    const w = this.indexOf(address);
    if (w !== undefined) {
      return {
        length: this.historyLength(w),
        meta: (k) => this.meta(w, k),
        transaction: (k) => this.transaction(w, k),
        signature: (k) => this.signature(w, k),
        position: (sig) => this.positionIn(w, sig),
      };
    }
    if (!this.tokens.has(address) || address === WSOL_MINT || address === USDC_MINT) return null;
    const trades = this.tradesOfMint(address);
    return {
      length: trades.length,
      meta: (k) => this.meta(...trades[k]),
      transaction: (k) => this.transaction(...trades[k]),
      signature: (k) => this.signature(...trades[k]),
      position: (sig) => {
        const loc = this.locate(sig);
        if (!loc) return null;
        const k = trades.findIndex(([w, e]) => w === loc.walletIndex && e === loc.eventIndex);
        return k < 0 ? null : k;
      },
    };
  }

  private tradesOfMint(mint: string): Array<[number, number]> {
    if (this.mintTrades === null) {
      const index = new Map<string, Array<[number, number]>>();
      this.events.forEach((list, w) =>
        list.forEach((e, k) => {
          if (e.kind !== 'trade') return;
          const at = index.get(e.trade.mint);
          if (at) at.push([w, k]);
          else index.set(e.trade.mint, [[w, k]]);
        }),
      );
      for (const list of index.values()) list.sort(([wa, ea], [wb, eb]) => this.events[wa][ea].ts - this.events[wb][eb].ts || wa - wb || ea - eb);
      this.mintTrades = index;
    }
    return this.mintTrades.get(mint) ?? [];
  }

  historyLength(walletIndex: number): number {
    return this.events[walletIndex]?.length ?? 0;
  }

  event(walletIndex: number, eventIndex: number): SimEvent {
    const e = this.events[walletIndex]?.[eventIndex];
    if (!e) throw new RangeError(`no event ${eventIndex} for wallet ${walletIndex}`);
    return e;
  }

  meta(walletIndex: number, eventIndex: number): EventMeta {
    const e = this.event(walletIndex, eventIndex);
    if (e.kind === 'trade') return { type: 'SWAP', source: e.trade.source, slot: slotOf(e.ts), ts: e.ts, failed: !!e.trade.failed };
    const t = e.transfer;
    if (t.kind === 'nft-sale') return { type: 'NFT_SALE', source: t.market ?? 'MAGIC_EDEN', slot: slotOf(e.ts), ts: e.ts, failed: false, viaTokenAccount: false };
    const viaTokenAccount = t.mint !== 'SOL' && t.direction === 'in';
    if (t.kind === 'airdrop') return { type: 'TOKEN_MINT', source: 'SOLANA_PROGRAM_LIBRARY', slot: slotOf(e.ts), ts: e.ts, failed: !!t.failed, viaTokenAccount };
    return { type: 'TRANSFER', source: t.mint === 'SOL' ? 'SYSTEM_PROGRAM' : 'SOLANA_PROGRAM_LIBRARY', slot: slotOf(e.ts), ts: e.ts, failed: !!t.failed, viaTokenAccount };
  }

  /** An event's transaction signature: the buyer's event's for the seller's side of an NFT sale between world wallets. */
  signature(walletIndex: number, eventIndex: number): string {
    const [w, e] = this.nftSales.canonical(walletIndex, eventIndex);
    return encodeSignature(this.salt, this.wallets[w].address, w, e);
  }

  /** The event a signature names (the buyer's of an NFT sale between world wallets); null when it is no transaction of the world's wallets. */
  locate(signature: string): { walletIndex: number; eventIndex: number } | null {
    const found = decodeSignature(signature, this.salt, (i) => this.wallets[i]?.address);
    if (!found || found.eventIndex >= this.historyLength(found.walletIndex) || this.nftSales.isSellerSide(found.walletIndex, found.eventIndex)) return null;
    return found;
  }

  /** Where a signature is in a world wallet's history (the seller's own event of an NFT sale it was sold in), null when it is not there. */
  positionIn(walletIndex: number, signature: string): number | null {
    const loc = this.locate(signature);
    if (loc === null) return null;
    if (loc.walletIndex === walletIndex) return loc.eventIndex;
    const seller = this.nftSales.sellerSide(loc.walletIndex, loc.eventIndex);
    return seller !== undefined && seller[0] === walletIndex ? seller[1] : null;
  }

  transaction(walletIndex: number, eventIndex: number): EnhancedTransaction {
    return renderTransaction(this, ...this.nftSales.canonical(walletIndex, eventIndex));
  }

  token(mint: string): TokenInfo {
    const t = this.tokens.get(mint);
    if (!t) throw new RangeError(`unknown mint ${mint}`);
    return t;
  }

  /** Lamports of a world wallet, null for addresses the world does not know. */
  lamports(address: string): bigint | null {
    const i = this.indexOf(address);
    if (i === undefined) return null;
    const cached = this.lamportsCache.get(i);
    if (cached !== undefined) return cached;
    const w = this.wallets[i];
    let lamports: bigint;
    if (w.solBalance !== undefined) {
      lamports = toRaw(w.solBalance.toFixed(9), 9);
    } else {
      let net = 1_000_000_000n;
      for (let e = 0; e < this.historyLength(i); e++) net += BigInt(walletNativeDelta(this, i, e));
      lamports = net > 0n ? net : 0n;
    }
    this.lamportsCache.set(i, lamports);
    return lamports;
  }

  /** Token accounts of a world wallet (both programs, zero balances included). */
  tokenAccounts(address: string): SimTokenAccount[] {
    const i = this.indexOf(address);
    if (i === undefined) return [];
    const cached = this.accountsCache.get(i);
    if (cached) return cached;
    const w = this.wallets[i];
    const out: SimTokenAccount[] = [];
    const account = (mint: string, raw: bigint, n = 0): SimTokenAccount => {
      const t = this.token(mint);
      return { pubkey: n === 0 ? derivedAddress('ata', w.address, mint) : derivedAddress('aux-account', w.address, mint, String(n)), mint, owner: w.address, raw, decimals: t.decimals, program: t.program };
    };
    if (w.holdings) {
      for (const h of w.holdings) {
        const total = toRaw(h.amount, this.token(h.mint).decimals);
        const n = BigInt(h.accounts);
        for (let k = 0; k < h.accounts; k++) out.push(account(h.mint, total / n + (k === 0 ? total % n : 0n), k));
      }
    } else {
      const balances = new Map<string, bigint>();
      const add = (mint: string, raw: bigint) => balances.set(mint, (balances.get(mint) ?? 0n) + raw);
      for (const e of this.events[i]) {
        if (e.kind === 'trade') {
          const t = e.trade;
          const quoteMint = t.quote === 'SOL' ? null : t.quote === 'USDC' ? USDC_MINT : t.quote;
          add(t.mint, 0n);
          if (quoteMint) add(quoteMint, 0n);
          if (t.failed) continue;
          const tokenRaw = toRaw(t.amount, this.token(t.mint).decimals);
          add(t.mint, t.side === 'buy' ? tokenRaw : -tokenRaw);
          if (quoteMint) {
            const quoteRaw = toRaw(t.quoteAmount, this.token(quoteMint).decimals);
            add(quoteMint, t.side === 'buy' ? -quoteRaw : quoteRaw);
          }
        } else if (e.transfer.mint !== 'SOL') {
          const t = e.transfer;
          add(t.mint, 0n);
          if (t.failed) continue;
          const raw = toRaw(t.amount, this.token(t.mint).decimals);
          add(t.mint, t.direction === 'in' ? raw : -raw);
        }
      }
      for (const [mint, raw] of balances) out.push(account(mint, raw > 0n ? raw : 0n));
    }
    for (const a of this.declaredByOwner.get(w.address) ?? []) out.push(a);
    for (let k = 0; k < (w.extraTokenAccounts ?? 0); k++) {
      out.push({
        pubkey: derivedAddress('extra-account', w.address, String(k)),
        mint: derivedAddress('extra-mint', w.address, String(k)),
        owner: w.address,
        raw: k % 4 === 0 ? 0n : BigInt(1 + (k % 7)),
        decimals: 0,
        program: k % 10 === 0 ? 'spl-token-2022' : 'spl-token',
      });
    }
    this.accountsCache.set(i, out);
    return out;
  }

  /** DexScreener pairs in which the mint is base or quote. */
  pairsFor(mint: string): SimPair[] {
    if (!this.pairsByMint) {
      this.pairsByMint = new Map();
      for (const pair of buildPairs(this)) {
        for (const m of [pair.baseToken.address, pair.quoteToken.address]) {
          const list = this.pairsByMint.get(m) ?? [];
          list.push(pair);
          this.pairsByMint.set(m, list);
        }
      }
    }
    return this.pairsByMint.get(mint) ?? [];
  }
}
