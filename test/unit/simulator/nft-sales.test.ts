// NFT sales through a marketplace (transfer kind "nft-sale"): rendered as Helius parses a real Magic
// Eden sale, one transaction with one signature in the seller's and the buyer's histories.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOnCurve } from '../../../src/domain/holders/on-curve';
import { EnhancedTransactionSchema } from '../../../src/providers/schemas';
import { SimWorld, parseWorld, WorldFileError } from '../../../src/simulator';
import { getHistory, historyQuery } from '../../../src/simulator/helius-routes';
import { encodeSignature, walletAddress } from '../../../src/simulator/keys';
import { walletNativeDelta } from '../../../src/simulator/render';
import { NFT_MARKET_TERMS } from '../../../src/simulator/render-nft-sale';
import type { WorldInput } from '../../../src/simulator/world';
import { START_TS, addr, baseTokens } from '../providers/worlds';

const FIXTURE = JSON.parse(readFileSync(join(__dirname, '../../fixtures/real/helius-webhook-enhanced-nft-sale-magic-eden.json'), 'utf8')) as unknown[];
const SELLER = walletAddress('test', 'nft-seller');
const BUYER = walletAddress('test', 'nft-buyer');
const OUTSIDE_BUYER = walletAddress('test', 'nft-outside-buyer');
const FOX = addr('mint', 'fox-7637');

/** The paths of every key at every level ("events.nft.nfts[].mint"); array items merge under "[]". */
function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keyPaths(item, `${prefix}[]`, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const path = prefix === '' ? k : `${prefix}.${k}`;
      out.add(path);
      keyPaths(v, path, out);
    }
  }
  return out;
}

const sale = { ts: START_TS + 3600, mint: FOX, amount: '1', kind: 'nft-sale' as const, price: '72', market: 'MAGIC_EDEN' as const };
const world: WorldInput = {
  solPriceUsd: 150,
  tokens: [...baseTokens(), { mint: FOX, symbol: 'FOX#7637', name: 'Fox #7637', decimals: 0, standard: 'NonFungible', pools: [] }],
  wallets: [
    {
      address: SELLER,
      transfers: [
        { ts: START_TS, direction: 'in', mint: 'SOL', amount: '2' },
        { ...sale, direction: 'out', counterparty: BUYER },
        { ts: START_TS + 7200, direction: 'in', mint: 'SOL', amount: '0.5' },
      ],
    },
    {
      address: BUYER,
      transfers: [
        { ts: START_TS - 60, direction: 'in', mint: 'SOL', amount: '100' },
        { ...sale, direction: 'in', counterparty: SELLER },
        { ...sale, ts: START_TS + 9000, direction: 'out', counterparty: OUTSIDE_BUYER, price: '80', market: 'TENSOR' },
      ],
    },
  ],
};
const sim = new SimWorld(parseWorld(world));
const at = (address: string, pick: (k: number) => boolean) => {
  const history = sim.history(address)!;
  const k = Array.from({ length: history.length }, (_, i) => i).find(pick)!;
  return { k, signature: history.signature(k), tx: history.transaction(k) };
};
const saleOf = (address: string) => at(address, (k) => sim.history(address)!.meta(k).type === 'NFT_SALE');

describe('an NFT sale through a marketplace (transfer kind "nft-sale")', () => {
  it('renders with the real Magic Eden payload\'s keys at every level (plus the API\'s instructions and transactionError, absent from webhooks)', () => {
    const { tx } = saleOf(SELLER);
    const rendered = [...keyPaths(tx)].filter((p) => !/^(instructions|transactionError)\b/.test(p)).sort();
    expect(rendered).toEqual([...keyPaths(FIXTURE[0])].sort());
    expect(Object.keys(tx).filter((k) => !(k in (FIXTURE[0] as object))).sort()).toEqual(['instructions', 'transactionError']);
    expect(EnhancedTransactionSchema.safeParse(tx).success).toBe(true);
  });

  it('names the buyer as fee payer, the price in events.nft, the escrow in between and the NFT from the market\'s escrow to the buyer\'s new token account', () => {
    const { tx, signature } = saleOf(SELLER);
    const terms = NFT_MARKET_TERMS.MAGIC_EDEN;
    const price = 72_000_000_000;
    const takerFee = (price * Number(terms.takerFeeBps)) / 10_000;
    const makerFee = (price * Number(terms.makerFeeBps)) / 10_000;
    const royalty = price * 0.05;
    expect(tx).toMatchObject({ type: 'NFT_SALE', source: 'MAGIC_EDEN', feePayer: BUYER, signature, description: `${SELLER} sold Fox #7637 to ${BUYER} for 72 SOL on MAGIC_EDEN.` });
    expect(tx.events.nft).toMatchObject({ type: 'NFT_SALE', source: 'MAGIC_EDEN', amount: price, buyer: BUYER, seller: SELLER, feePayer: BUYER, fee: tx.fee, signature, slot: tx.slot, timestamp: sale.ts, saleType: 'INSTANT_SALE', staker: '', nfts: [{ mint: FOX, tokenStandard: 'NonFungible' }] });
    const [pay, proceeds, toCreator, toTreasury, rent] = tx.nativeTransfers!;
    const escrow = pay.toUserAccount!;
    expect(isOnCurve(escrow)).toBe(false);
    expect(pay).toEqual({ fromUserAccount: BUYER, toUserAccount: escrow, amount: price + takerFee });
    expect(proceeds).toEqual({ fromUserAccount: escrow, toUserAccount: SELLER, amount: price - makerFee - royalty });
    expect(toCreator).toMatchObject({ fromUserAccount: escrow, amount: royalty });
    expect(toTreasury).toMatchObject({ fromUserAccount: escrow, amount: takerFee + makerFee });
    const [nft] = tx.tokenTransfers!;
    expect(nft).toMatchObject({ toUserAccount: BUYER, tokenAmount: 1, mint: FOX, tokenStandard: 'NonFungible' });
    expect(nft.fromUserAccount).not.toBe(SELLER);
    expect(isOnCurve(nft.fromUserAccount!)).toBe(false);
    expect(rent).toEqual({ fromUserAccount: BUYER, toUserAccount: nft.toTokenAccount, amount: 2_039_280 });
    // balance changes: the seller's proceeds, the buyer's payment, rent and fee; the NFT's accounts; nothing else moved but the fee
    const change = (account: string) => tx.accountData.find((a) => a.account === account)!;
    expect(change(SELLER).nativeBalanceChange).toBe(proceeds.amount);
    expect(change(BUYER).nativeBalanceChange).toBe(-(price + takerFee) - 2_039_280 - tx.fee);
    expect(change(escrow).nativeBalanceChange).toBe(0);
    expect(change(nft.fromTokenAccount!).tokenBalanceChanges).toEqual([{ userAccount: nft.fromUserAccount, tokenAccount: nft.fromTokenAccount, mint: FOX, rawTokenAmount: { tokenAmount: '-1', decimals: 0 } }]);
    expect(change(nft.toTokenAccount!)).toEqual({ account: nft.toTokenAccount, nativeBalanceChange: 2_039_280, tokenBalanceChanges: [{ userAccount: BUYER, tokenAccount: nft.toTokenAccount, mint: FOX, rawTokenAmount: { tokenAmount: '1', decimals: 0 } }] });
    expect(tx.accountData.reduce((n, a) => n + a.nativeBalanceChange, 0)).toBe(-tx.fee);
  });

  it('is one transaction in both histories: the same signature, the same rendering, each side\'s own balance', () => {
    const seller = saleOf(SELLER);
    const buyer = saleOf(BUYER);
    expect(seller.signature).toBe(buyer.signature);
    expect(seller.tx).toEqual(buyer.tx);
    expect(sim.transactionBySignature(seller.signature)).toEqual(seller.tx);
    const [s, b] = [SELLER, BUYER].map((a) => sim.indexOf(a)!);
    expect(walletNativeDelta(sim, s, seller.k)).toBe(seller.tx.accountData.find((a) => a.account === SELLER)!.nativeBalanceChange);
    expect(walletNativeDelta(sim, b, buyer.k)).toBe(buyer.tx.accountData.find((a) => a.account === BUYER)!.nativeBalanceChange);
    // each history pages on from it to its own older transactions
    expect(sim.positionIn(s, seller.signature)).toBe(seller.k);
    expect(sim.positionIn(b, seller.signature)).toBe(buyer.k);
    const older = (address: string) => JSON.parse(getHistory(sim, address, historyQuery(new URLSearchParams({ 'before-signature': seller.signature })), 100).body) as Array<{ timestamp: number }>;
    expect(older(SELLER).map((t) => t.timestamp)).toEqual([START_TS]);
    expect(older(BUYER).map((t) => t.timestamp)).toEqual([START_TS - 60]);
    // a signature made from the seller's own event names no transaction
    expect(sim.locate(encodeSignature(sim.salt, SELLER, s, seller.k))).toBeNull();
  });

  it('sells to a buyer outside the world through Tensor: the seller\'s own transaction, the buyer listing it on chain', () => {
    const { tx, signature } = at(BUYER, (k) => sim.history(BUYER)!.meta(k).source === 'TENSOR');
    expect(tx).toMatchObject({ type: 'NFT_SALE', source: 'TENSOR', feePayer: OUTSIDE_BUYER, events: { nft: { buyer: OUTSIDE_BUYER, seller: BUYER, amount: 80_000_000_000 } } });
    expect(tx.instructions!.map((i) => i.programId)).toContain(NFT_MARKET_TERMS.TENSOR.program);
    expect(sim.addressSignatures(OUTSIDE_BUYER, 10).map((s) => s.signature)).toEqual([signature]);
    // the buyer paid the fee: the seller's balance only gains its proceeds
    expect(tx.accountData.find((a) => a.account === BUYER)!.nativeBalanceChange).toBe(tx.nativeTransfers!.find((t) => t.toUserAccount === BUYER)!.amount);
  });

  it('refuses an nft-sale without a price, of SOL or of more than one NFT, and a price on another transfer', () => {
    const withTransfer = (t: Record<string, unknown>) => ({ ...world, wallets: [{ address: SELLER, transfers: [t] }] });
    expect(() => parseWorld(withTransfer({ ...sale, direction: 'out', price: undefined }))).toThrow(new WorldFileError('wallets.0.transfers.0.price', 'an nft-sale needs the SOL the buyer paid, e.g. "42.5"'));
    expect(() => parseWorld(withTransfer({ ...sale, direction: 'out', mint: 'SOL' }))).toThrow('wallets.0.transfers.0.mint');
    expect(() => parseWorld(withTransfer({ ...sale, direction: 'out', amount: '2' }))).toThrow('wallets.0.transfers.0.amount');
    expect(() => parseWorld(withTransfer({ ts: START_TS, direction: 'in', mint: 'SOL', amount: '1', price: '3' }))).toThrow('only an "nft-sale" transfer has a price and a market');
  });
});
