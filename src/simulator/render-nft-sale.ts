// An NFT sold through a marketplace (transfer kind "nft-sale"), as Helius parses a real Magic Eden
// sale (test/fixtures/real/helius-webhook-enhanced-nft-sale-magic-eden.json): NFT_SALE with events.nft.
import type { AccountData, EnhancedTransaction, Instruction, TokenBalanceChange } from '../domain/enhanced-transaction';
import { derivedAddress, fromRaw, programDerivedAddress, toRaw, walletAddress } from './keys';
import type { ChainFacts } from './chain';
import { PROGRAMS, ata, ixData, tokenProgramId, type Base } from './render-kit';
import type { NFT_MARKETS, Transfer } from './world';

type NftMarket = (typeof NFT_MARKETS)[number];

/** The marketplaces' programs and fees (simulated rates): the taker's on top of the price, the maker's out of the seller's proceeds. */
export const NFT_MARKET_TERMS: Record<NftMarket, { program: string; takerFeeBps: bigint; makerFeeBps: bigint }> = {
  MAGIC_EDEN: { program: 'M2mx93ekt1fmXSVkTrUL9xVFHkmME8HTUi5Cyc5aF7K', takerFeeBps: 200n, makerFeeBps: 50n },
  TENSOR: { program: 'TCMPhJdwDryooaGtiocG1u3xcYbRpiJzb283XfCZsDp', takerFeeBps: 150n, makerFeeBps: 50n },
};
/** the collection creator's royalty, out of the seller's proceeds */
const NFT_ROYALTY_BPS = 500n;
/** lamports a new token account holds (rent-exempt): the buyer's account for the NFT */
const TOKEN_ACCOUNT_RENT = 2_039_280n;

/** Lamports of an NFT sale: the price, the market's fees, the royalty, the seller's proceeds and the rent of the buyer's new token account. */
export function nftSaleAmounts(t: Transfer): { price: bigint; takerFee: bigint; makerFee: bigint; royalty: bigint; proceeds: bigint; rent: bigint } {
  const terms = NFT_MARKET_TERMS[t.market ?? 'MAGIC_EDEN'];
  const price = toRaw(t.price ?? '0', 9);
  const takerFee = (price * terms.takerFeeBps) / 10_000n;
  const makerFee = (price * terms.makerFeeBps) / 10_000n;
  const royalty = (price * NFT_ROYALTY_BPS) / 10_000n;
  return { price, takerFee, makerFee, royalty, proceeds: price - makerFee - royalty, rent: TOKEN_ACCOUNT_RENT };
}

/** Program-derived addresses and creators' keys an NFT sale names (a curve check or a key each), derived once; bounded as keys.ts bounds its cache. */
const saleAddresses = new Map<string, string>();
const saleAddress = (kind: 'pda' | 'key', ...parts: string[]): string => {
  const label = `${kind}|${parts.join('|')}`;
  const known = saleAddresses.get(label);
  if (known !== undefined) return known;
  const address = kind === 'pda' ? programDerivedAddress(...parts) : walletAddress(...parts);
  if (saleAddresses.size >= 50_000) saleAddresses.clear();
  saleAddresses.set(label, address);
  return address;
};

/**
 * The accounts of a sale through a market: the buyer's escrow payment account (a PDA per buyer, as
 * Magic Eden's), the market's escrow holding the listed NFTs (one PDA, its program's signer), its
 * treasury, and the collection's creator (a wallet, named after the NFT's name without its number).
 */
export function nftSaleAccounts(market: NftMarket, buyer: string, nftName: string): { escrow: string; listing: string; treasury: string; creator: string } {
  return {
    escrow: saleAddress('pda', 'nft-market', market, 'escrow', buyer),
    listing: saleAddress('pda', 'nft-market', market, 'listing-escrow'),
    treasury: saleAddress('pda', 'nft-market', market, 'treasury'),
    creator: saleAddress('key', 'nft-creator', nftName.replace(/\s*#\d+$/, '')),
  };
}

/**
 * An NFT sold through a marketplace (an instant sale of a listing), as Helius parses it: the buyer
 * signs and pays the price and the taker's fee into its escrow payment account, which pays the
 * seller, the creator's royalty and the market's treasury; the NFT moves from the market's escrow to
 * the buyer's new token account (rent paid by the buyer). Rendered the same from either side.
 */
export function renderNftSale(world: ChainFacts, wallet: string, t: Transfer, base: Base, key: string): EnhancedTransaction {
  const counterparty = t.counterparty ?? derivedAddress('counterparty', wallet, key);
  const [buyer, seller] = t.direction === 'in' ? [wallet, counterparty] : [counterparty, wallet];
  const market = t.market ?? 'MAGIC_EDEN';
  const token = world.token(t.mint);
  const standard = token.standard ?? 'NonFungible';
  const sale = nftSaleAmounts(t);
  const { escrow, listing, treasury, creator } = nftSaleAccounts(market, buyer, token.name);
  const listed = ata(listing, t.mint);
  const bought = ata(buyer, t.mint);
  const program = NFT_MARKET_TERMS[market].program;
  const tokenProgram = tokenProgramId(world, t.mint);
  const change = (user: string, account: string, amount: bigint): TokenBalanceChange => ({
    userAccount: user,
    tokenAccount: account,
    rawTokenAmount: { tokenAmount: amount.toString(), decimals: token.decimals },
    mint: t.mint,
  });
  const account = (address: string, lamports: bigint | number = 0, tokenBalanceChanges: TokenBalanceChange[] = []): AccountData => ({ account: address, nativeBalanceChange: Number(lamports), tokenBalanceChanges });
  const paid = sale.price + sale.takerFee;
  const fees = sale.takerFee + sale.makerFee;
  const description = `${seller} sold ${token.name} to ${buyer} for ${fromRaw(sale.price, 9)} SOL on ${market}.`;
  const systemTransfer = (from: string, to: string, what: string): Instruction => ({ accounts: [from, to], data: ixData(base.signature, what), programId: PROGRAMS.SYSTEM, innerInstructions: [] });
  return {
    description,
    type: 'NFT_SALE',
    source: market,
    ...base,
    feePayer: buyer,
    nativeTransfers: [
      { fromUserAccount: buyer, toUserAccount: escrow, amount: Number(paid) },
      { fromUserAccount: escrow, toUserAccount: seller, amount: Number(sale.proceeds) },
      { fromUserAccount: escrow, toUserAccount: creator, amount: Number(sale.royalty) },
      { fromUserAccount: escrow, toUserAccount: treasury, amount: Number(fees) },
      { fromUserAccount: buyer, toUserAccount: bought, amount: Number(sale.rent) },
    ],
    tokenTransfers: [{ fromTokenAccount: listed, toTokenAccount: bought, fromUserAccount: listing, toUserAccount: buyer, tokenAmount: 1, mint: t.mint, tokenStandard: standard }],
    accountData: [
      account(buyer, -Number(paid + sale.rent) - base.fee),
      account(escrow),
      account(seller, sale.proceeds),
      account(listed, 0, [change(listing, listed, -1n)]),
      account(bought, sale.rent, [change(buyer, bought, 1n)]),
      account(creator, sale.royalty),
      account(treasury, fees),
      account(program),
      account(PROGRAMS.SYSTEM),
      account(t.mint),
      account(tokenProgram),
      account(PROGRAMS.SYSVAR_RENT),
      account(PROGRAMS.ATA),
      account(listing),
    ],
    transactionError: null,
    instructions: [
      { accounts: [], data: ixData(base.signature, 'cu-limit'), programId: PROGRAMS.COMPUTE_BUDGET, innerInstructions: [] },
      { accounts: [], data: ixData(base.signature, 'cu-price'), programId: PROGRAMS.COMPUTE_BUDGET, innerInstructions: [] },
      {
        accounts: [buyer, seller, escrow, listing, listed, bought, t.mint, creator, treasury],
        data: ixData(base.signature, 'buy-now'),
        programId: program,
        innerInstructions: [
          systemTransfer(buyer, escrow, 'pay'),
          { accounts: [buyer, bought, buyer, t.mint], data: ixData(base.signature, 'create-account'), programId: PROGRAMS.ATA, innerInstructions: [] },
          { accounts: [listed, bought, listing], data: ixData(base.signature, 'token'), programId: tokenProgram, innerInstructions: [] },
          systemTransfer(escrow, seller, 'proceeds'),
          systemTransfer(escrow, creator, 'royalty'),
          systemTransfer(escrow, treasury, 'market-fee'),
        ],
      },
    ],
    events: {
      nft: {
        description,
        type: 'NFT_SALE',
        source: market,
        amount: Number(sale.price),
        fee: base.fee,
        feePayer: buyer,
        signature: base.signature,
        slot: base.slot,
        timestamp: base.timestamp,
        saleType: 'INSTANT_SALE',
        buyer,
        seller,
        staker: '',
        nfts: [{ mint: t.mint, tokenStandard: standard }],
      },
    },
  };
}
