import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnhancedTransaction } from '../enhanced-transaction';
import { extractLegs } from '../swaps/extract';
import { formatUnits } from '../decimal';
import { extractTransfers, extractTransfersMany, nftSales, sponsoredBy } from './transfers';
import { NFT_SALE_ASSET } from './types';
import { isOnCurve } from '../holders/on-curve';

const root = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const load = (dir: 'real' | 'domain' | 'detection', name: string): EnhancedTransaction =>
  JSON.parse(readFileSync(join(root, dir, name), 'utf8')) as EnhancedTransaction;

const W = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const FUNDER = 'FunDer7Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa';
const FRIEND = 'FriEnd9Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ';
const BUNDLER = 'BundLer1q2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ';

describe('extractTransfers: plain transfers that extraction drops as no-token-movement', () => {
  it('keeps a plain SOL transfer for both sides, amount exact from lamports', () => {
    const tx = load('detection', 'plain-sol-transfer.json');
    expect(extractLegs(tx, W, { solPriceUsd: 150 }).skipped).toBe('no-token-movement');
    expect(extractTransfers(tx, W)).toEqual([
      {
        wallet: W,
        counterparty: FUNDER,
        direction: 'in',
        asset: 'SOL',
        amount: '1.5',
        rawAmount: '1500000000',
        decimals: 9,
        amountExact: true,
        signature: tx.signature,
        slot: 249999000,
        timestamp: 1709990000,
      },
    ]);
    expect(extractTransfers(tx, FUNDER).map((t) => [t.direction, t.counterparty, t.amount])).toEqual([['out', W, '1.5']]);
  });

  it('keeps a plain token transfer with its exact amount from the integer balance change', () => {
    const tx = load('domain', 'plain-token-transfer.json');
    const [out] = extractTransfers(tx, W);
    expect(out).toMatchObject({ counterparty: FRIEND, direction: 'out', asset: 'XtokQ8wRz5Yk3Nv7Lm2Jc9Hd4Gf6Tp1Bb8Zu3WeKsA', amount: '1000', rawAmount: '1000000000000', decimals: 9, amountExact: true });
    expect(extractTransfers(tx, FRIEND)).toMatchObject([{ counterparty: W, direction: 'in', amount: '1000' }]);
  });

  it('keeps the distributor of an airdrop as the sender, and drops the rent it paid into token accounts', () => {
    const tx = load('domain', 'airdrop-to-three-wallets.json');
    const got = extractTransfers(tx, W);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ direction: 'in', amount: '1000', amountExact: true });
    expect(got[0].counterparty.startsWith('DisTr1')).toBe(true);
  });

  it('drops the rent for a created claim-status account but keeps the claimed tokens from the distributor', () => {
    const tx = load('domain', 'merkle-distributor-claim-pays-receipt-rent.json');
    const got = extractTransfers(tx, W);
    expect(got.map((t) => [t.direction, t.counterparty.slice(0, 8), t.amount])).toEqual([['in', 'DistPDA1', '2500']]);
  });

  it('a failed transaction moves nothing, although Helius lists its SOL transfer', () => {
    const tx = load('real', 'helius-enhanced-transfer-failed-insufficient-funds-for-rent.json');
    expect(extractTransfers(tx, '7mHVPmoTJQZUGDHpWHRr2dV2e9UBaGknopjh3AdJpj89')).toEqual([]);
  });
});

describe('extractTransfers: legs of a swap are not transfers', () => {
  it.each([
    'jupiter-raydium-sol-to-tweet.json',
    'jupiter-multi-hop-sol-usdc-token.json',
    'jupiter-token-to-token-via-wsol.json',
    'raydium-v4-buy-swap-event-names-pool-authority.json',
    'raydium-v4-dust-sell.json',
    'pump-amm-sell-without-swap-event.json',
    'orca-token-to-usdc.json',
    'raydium-wallet-only-through-token-accounts.json',
    'meteora-dbc-migration-damm-v2-position-nft.json',
  ])('%s gives the trader no transfers (pool payments, ATA rent, temporary WSOL, Jito tips)', (name) => {
    // (a fee another account paid is no leg: engine 2.8.0, below)
    expect(extractTransfers(load('domain', name), W).filter((t) => t.asset !== 'FEE')).toEqual([]);
  });

  it('keeps SOL from a bundler that pays the fee and funds the wallet in the buying transaction', () => {
    const tx = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    tx.feePayer = BUNDLER;
    tx.nativeTransfers = [{ fromUserAccount: BUNDLER, toUserAccount: W, amount: 200_000_000 }, ...(tx.nativeTransfers ?? [])];
    tx.accountData = tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange + 200_005_000 } : a));
    tx.accountData.push({ account: BUNDLER, nativeBalanceChange: -200_005_000, tokenBalanceChanges: [] });
    expect(extractLegs(tx, W, { solPriceUsd: 150 }).legs.map((l) => [l.kind, l.direction])).toEqual([['swap', 'buy']]);
    // and the fee it paid for the wallet's trade (engine 2.8.0)
    expect(extractTransfers(tx, W).map((t) => [t.direction, t.counterparty, t.asset, t.amount])).toEqual([
      ['in', BUNDLER, 'FEE', formatUnits(BigInt(tx.fee), 9)],
      ['in', BUNDLER, 'SOL', '0.2'],
    ]);
  });
});

describe('extractTransfers on real mainnet payloads (helius-labs/xray, MIT; test/fixtures/real/PROVENANCE.md)', () => {
  const MATR = 'MatrfYnDmsBrdnETpW2S6uksrChkGwyN4RRCXtTPZsv';
  const brief = (tx: EnhancedTransaction, wallet: string) => extractTransfers(tx, wallet).map((t) => [t.direction, t.counterparty, t.asset, t.amount, t.amountExact]);

  it("a Jupiter swap of 1,485 USDC for 61.03 SOL through an Orca pool is a trade, not transfers to the pool and the aggregator's fee account (no leg: both are quote assets)", () => {
    const tx = load('real', 'helius-enhanced-swap-usdc-for-sol-jupiter-orca.json');
    expect(extractLegs(tx, MATR, { solPriceUsd: 24 }).skipped).toBe('no-token-movement');
    // before, three transfers: USDC out to the pool, SOL in from it, 0.52 SOL out to the fee account
    expect(brief(tx, MATR)).toEqual([]);
    // 5 SOL sent to another wallet in the same transaction is still a transfer, for both
    const OTHER = 'FriEnd9Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ';
    const sending = {
      ...tx,
      nativeTransfers: [...tx.nativeTransfers!, { fromUserAccount: MATR, toUserAccount: OTHER, amount: 5_000_000_000 }],
      accountData: [...tx.accountData.map((a) => (a.account === MATR ? { ...a, nativeBalanceChange: a.nativeBalanceChange - 5_000_000_000 } : a)), { account: OTHER, nativeBalanceChange: 5_000_000_000, tokenBalanceChanges: [] }],
    };
    expect(brief(sending, MATR)).toEqual([['out', OTHER, 'SOL', '5', true]]);
    expect(brief(sending, OTHER)).toEqual([['in', MATR, 'SOL', '5', true]]);
    // ... also when that wallet trades its own hop in the same transaction (a bundle): its side of the hop is no pool's
    const [hop] = tx.events.swap!.innerSwaps;
    const othersHop = {
      ...hop,
      tokenInputs: hop.tokenInputs.map((t) => ({ ...t, fromUserAccount: OTHER })),
      tokenOutputs: hop.tokenOutputs.map((t) => ({ ...t, toUserAccount: OTHER })),
      tokenFees: [],
    };
    const bundled = { ...sending, events: { swap: { ...tx.events.swap!, innerSwaps: [hop, othersHop] } } };
    expect(brief(bundled, MATR)).toEqual([['out', OTHER, 'SOL', '5', true]]);
  });

  it('a plain SOL transfer of 50 SOL, and a USDC transfer of 400, for both sides', () => {
    const sol = load('real', 'helius-enhanced-transfer-sol.json');
    const BAGS = 'bags4FRraxJcyLbqusZ5hh4BiQbQQRe8k7NUMZbBMtd';
    expect(brief(sol, BAGS)).toEqual([['out', MATR, 'SOL', '50', true]]);
    expect(brief(sol, MATR)).toEqual([['in', BAGS, 'SOL', '50', true]]);
    const usdc = load('real', 'helius-enhanced-transfer-usdc.json');
    const to = usdc.tokenTransfers![0].toUserAccount!;
    expect(brief(usdc, MATR)).toEqual([['out', to, 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', '400', true]]);
    expect(brief(usdc, to)).toEqual([['in', MATR, 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', '400', true]]);
  });

  it("NFTs handed to another wallet, their token accounts' rent paid by the sender: one transfer per NFT for both sides, none to the rent accounts (transfer extraction 6)", () => {
    const tx = load('real', 'helius-enhanced-transfer-nfts-with-rent.json');
    const SENDER = tx.feePayer;
    // no legs: NFTs are not in PnL
    expect(extractLegs(tx, SENDER, { solPriceUsd: 24 }).skipped).toBe('non-fungible');
    expect(extractLegs(tx, MATR, { solPriceUsd: 24 }).skipped).toBe('non-fungible');
    const mints = tx.tokenTransfers!.map((t) => t.mint);
    expect(mints.length).toBeGreaterThan(1);
    // before, none: the NFTs counted as a trade, so a gift of NFTs between two wallets linked no one
    expect(brief(tx, MATR)).toEqual(mints.map((mint) => ['in', SENDER, mint, '1', true]).sort((a, b) => (a[2] < b[2] ? -1 : 1)));
    // the sender's: the NFTs only; not the rent for the new token accounts, nor the 0.012 SOL fee of
    // the multi-send tool it used (its fee account, which every user of the tool pays)
    const TOOL_FEE_ACCOUNT = '98Ni7vVRR1tggtWWruPVcfFXHTH11bPbNryJZGkCGvaD';
    expect(tx.nativeTransfers!.some((t) => t.toUserAccount === TOOL_FEE_ACCOUNT && t.amount === 12_000_000)).toBe(true);
    expect(extractTransfers(tx, SENDER).map((t) => [t.direction, t.counterparty, t.asset, t.rawAmount, t.decimals])).toEqual(
      mints.map((mint) => ['out', MATR, mint, '1', 0]).sort((a, b) => (a[2] < b[2] ? -1 : 1)),
    );
  });

  it('NFTs paid for, handed to a program (an escrow, a vault: off the curve), or handed both ways stay a trade: no transfers', () => {
    const tx = load('real', 'helius-enhanced-transfer-nfts-with-rent.json');
    const SENDER = tx.feePayer;
    // paid for: the recipient sends SOL back in the same transaction
    const paid = { ...tx, nativeTransfers: [...tx.nativeTransfers!, { fromUserAccount: MATR, toUserAccount: SENDER, amount: 2_000_000_000 }] };
    // (the sender paid the fee of a transaction MATR paid in, so signed with it: that fee stays evidence, engine 2.8.0)
    expect(brief(paid, MATR)).toEqual([['in', SENDER, 'FEE', '0.000005', true]]);
    expect(brief(paid, SENDER)).toEqual([]);
    // …or a token back
    const usdc = load('real', 'helius-enhanced-transfer-usdc.json').tokenTransfers![0];
    const paidInTokens = { ...tx, tokenTransfers: [...tx.tokenTransfers!, { ...usdc, fromUserAccount: MATR, toUserAccount: SENDER }] };
    expect(brief(paidInTokens, SENDER)).toEqual([]);
    // a program's address (another transaction's token account: off the curve) takes the NFTs
    const ESCROW = load('real', 'helius-enhanced-transfer-usdc.json').tokenTransfers![0].toTokenAccount!;
    expect(isOnCurve(ESCROW)).toBe(false);
    const escrowed = { ...tx, tokenTransfers: tx.tokenTransfers!.map((t) => ({ ...t, toUserAccount: ESCROW })) };
    expect(brief(escrowed, SENDER)).toEqual([]);
    // NFTs both ways: a swap of NFTs
    const swapped = { ...tx, tokenTransfers: tx.tokenTransfers!.map((t, i) => (i === 0 ? { ...t, fromUserAccount: MATR, toUserAccount: SENDER } : t)) };
    expect(brief(swapped, SENDER)).toEqual([]);
    expect(brief(swapped, MATR)).toEqual([['in', SENDER, 'FEE', '0.000005', true]]);
    // dust back (under SOL_DUST_LAMPORTS) is no payment
    const dusted = { ...tx, nativeTransfers: [...tx.nativeTransfers!, { fromUserAccount: MATR, toUserAccount: SENDER, amount: 5_000 }] };
    expect(brief(dusted, MATR).filter((t) => t[2] !== 'FEE')).toHaveLength(tx.tokenTransfers!.length);
  });

  it('NFTs in a market (an NFT_ type or an NFT event), minted or burnt stay a trade: no transfers', () => {
    const tx = load('real', 'helius-enhanced-transfer-nfts-with-rent.json');
    const SENDER = tx.feePayer;
    for (const changed of [
      { ...tx, type: 'NFT_LISTING' },
      { ...tx, type: 'NFT_MINT' },
      { ...tx, events: { nft: { type: 'NFT_SALE', seller: 'SeLLer1q2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa', buyer: 'BuYer11q2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa' } } },
    ]) {
      expect(brief(changed, MATR)).toEqual([]);
      expect(brief(changed, SENDER)).toEqual([]);
    }
    // one of the NFTs comes from no account (minted to the wallet): the transaction is not a hand-over
    const minted = { ...tx, tokenTransfers: tx.tokenTransfers!.map((t, i) => (i === 0 ? { ...t, fromUserAccount: '', fromTokenAccount: '' } : t)) };
    expect(brief(minted, MATR)).toEqual([]);
  });
});

describe('extractTransfers: fees another account paid (engine 2.8.0)', () => {
  const RELAYER = 'ReLayer1q2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ';

  it('a trade of the wallet whose fee another account paid: that payer, the fee as the amount', () => {
    const tx = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    expect(sponsoredBy(tx, W)).toBeNull();
    tx.feePayer = RELAYER;
    expect(sponsoredBy(tx, W)).toBe(RELAYER);
    expect(extractTransfers(tx, W)).toEqual([
      { wallet: W, counterparty: RELAYER, direction: 'in', asset: 'FEE', amount: formatUnits(BigInt(tx.fee), 9), rawAmount: String(tx.fee), decimals: 9, amountExact: true, signature: tx.signature, slot: tx.slot, timestamp: tx.timestamp },
    ]);
  });

  it('a token the wallet sent, its fee paid by another: the sender signed it, the receiver did not', () => {
    const tx = load('domain', 'plain-token-transfer.json');
    tx.feePayer = RELAYER;
    expect(extractTransfers(tx, W).map((t) => [t.direction, t.counterparty, t.asset === 'FEE' ? 'FEE' : 'token'])).toEqual(
      [['in', RELAYER, 'FEE'], ['out', FRIEND, 'token']].sort((x, y) => (x[1] < y[1] ? -1 : 1)),
    );
    expect(extractTransfers(tx, FRIEND).map((t) => t.asset === 'FEE')).toEqual([false]);
  });

  it('an RFQ fill whose market maker paid the fee: its fee, and not its SOL, which is the trade\'s other side', () => {
    // the shape of a Jupiter RFQ fill on chain: W sends its token to the market maker, which pays the
    // fee and sends W the SOL (Helius types it UNKNOWN)
    const MAKER = 'MaKer11q2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa';
    const tx = load('domain', 'plain-token-transfer.json');
    tx.type = 'UNKNOWN';
    tx.feePayer = MAKER;
    tx.tokenTransfers = tx.tokenTransfers!.map((t) => ({ ...t, toUserAccount: MAKER }));
    tx.nativeTransfers = [{ fromUserAccount: MAKER, toUserAccount: W, amount: 52_708_178 }];
    expect(extractTransfers(tx, W, { traded: true }).map((t) => [t.direction, t.counterparty, t.asset])).toEqual([['in', MAKER, 'FEE']]);
    // a bundler that funds the buying wallet exchanged no token with it: its SOL is kept
    const funded = { ...tx, tokenTransfers: tx.tokenTransfers!.map((t) => ({ ...t, toUserAccount: FRIEND })) };
    expect(extractTransfers(funded, W, { traded: true }).map((t) => [t.direction, t.counterparty, t.asset])).toEqual([['in', MAKER, 'FEE'], ['in', MAKER, 'SOL']]);
  });

  it('a bot key that signs and pays for the wallet\'s swap, the wallet only the owner of its token accounts, is its fee payer', () => {
    const tx = load('domain', 'raydium-wallet-only-through-token-accounts.json');
    expect(extractTransfers(tx, W).map((t) => [t.direction, t.counterparty, t.asset, t.rawAmount])).toEqual([['in', tx.feePayer, 'FEE', '5000']]);
  });

  it('a real Magic Eden sale: the buyer paid its own fee, and the seller, paid from escrow, signed nothing', () => {
    const [sale] = ([] as EnhancedTransaction[]).concat(JSON.parse(readFileSync(join(root, 'real', 'helius-webhook-enhanced-nft-sale-magic-eden.json'), 'utf8')));
    const buyer = 'CKs1E69a2e9TmH4mKKLrXFF8kD3ZnwKjoEuXa6sz9WqX';
    const seller = '5DxD5ViWjvRZEkxQEaJHZw2sBsso6xoXx3wGFNKgXUzE';
    expect(sale.feePayer).toBe(buyer);
    // nor the escrow and the NFT's holding account, program-derived addresses that sent SOL and the NFT
    const escrows = ['AAaTGaA3uVqikfVEwoSG7EwkCb4bBDsMEyueiVUS5CaU', '1BWutmTvYPwDtmw9abTkS4Ssr8no61spGAvW1X6NDix'];
    expect(escrows.every((e) => [...(sale.nativeTransfers ?? []), ...(sale.tokenTransfers ?? [])].some((t) => t.fromUserAccount === e))).toBe(true);
    for (const wallet of [buyer, seller, ...escrows]) {
      expect(sponsoredBy(sale, wallet)).toBeNull();
      expect(extractTransfers(sale, wallet).some((t) => t.asset === 'FEE')).toBe(false);
    }
  });

  it("a real Magic Eden sale: the seller's 71.856 SOL from the marketplace escrow is the sale's, not a transfer from another wallet; the creator's royalty stays a transfer in", () => {
    const [sale] = ([] as EnhancedTransaction[]).concat(JSON.parse(readFileSync(join(root, 'real', 'helius-webhook-enhanced-nft-sale-magic-eden.json'), 'utf8')));
    const seller = '5DxD5ViWjvRZEkxQEaJHZw2sBsso6xoXx3wGFNKgXUzE';
    const creator = 'rFqFJ9g7TGBD8Ed7TPDnvGKZ5pWLPDyxLcvcH2eRCtt';
    expect((sale.events.nft as { seller: string }).seller).toBe(seller);
    expect(extractTransfers(sale, seller).filter((t) => t.asset !== NFT_SALE_ASSET)).toEqual([]);
    expect(extractTransfers(sale, creator).map((t) => [t.direction, t.counterparty, t.asset, t.rawAmount])).toEqual([['in', 'AAaTGaA3uVqikfVEwoSG7EwkCb4bBDsMEyueiVUS5CaU', 'SOL', '1080000000']]);
  });
  it('reads a wallet\'s own tokens going down from its balance changes when no transfer names it, and nothing from a transaction that only lists it', () => {
    const quiet = load('domain', 'plain-token-transfer.json');
    quiet.feePayer = RELAYER;
    quiet.tokenTransfers = [];
    expect(sponsoredBy(quiet, W)).toBe(RELAYER);
    expect(sponsoredBy(quiet, FRIEND)).toBeNull();
    // SOL someone sent it in a transaction typed as liquidity: it signed nothing
    const listed = load('detection', 'plain-sol-transfer.json');
    listed.type = 'ADD_LIQUIDITY';
    expect(sponsoredBy(listed, W)).toBeNull();
  });

  it('nothing for SOL someone sent the wallet, a transaction it paid itself, or one that failed', () => {
    const received = load('detection', 'plain-sol-transfer.json');
    expect(received.feePayer).not.toBe(W);
    expect(extractTransfers(received, W).some((t) => t.asset === 'FEE')).toBe(false);
    const own = load('domain', 'plain-token-transfer.json');
    expect(own.feePayer).toBe(W);
    expect(sponsoredBy(own, W)).toBeNull();
    const failed = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    failed.feePayer = RELAYER;
    failed.transactionError = { InstructionError: [2, { Custom: 6001 }] };
    expect(sponsoredBy(failed, W)).toBeNull();
    expect(extractTransfers(failed, W)).toEqual([]);
  });
});

describe('extractTransfers: dust and self transfers', () => {
  const base = (): EnhancedTransaction => load('detection', 'plain-sol-transfer.json');

  it('drops SOL under the dust threshold (100,000 lamports), summed per counterparty in the transaction', () => {
    const tx = base();
    tx.nativeTransfers = [
      { fromUserAccount: FUNDER, toUserAccount: W, amount: 60_000 },
      { fromUserAccount: FUNDER, toUserAccount: W, amount: 30_000 },
    ];
    expect(extractTransfers(tx, W)).toEqual([]);
    tx.nativeTransfers.push({ fromUserAccount: FUNDER, toUserAccount: W, amount: 10_000 });
    expect(extractTransfers(tx, W).map((t) => t.rawAmount)).toEqual(['100000']);
    expect(extractTransfers(tx, W, { dustLamports: 200_000n })).toEqual([]);
  });

  it('drops a transfer to itself', () => {
    const tx = base();
    tx.nativeTransfers = [{ fromUserAccount: W, toUserAccount: W, amount: 5_000_000_000 }];
    expect(extractTransfers(tx, W)).toEqual([]);
  });

  it('reads several transfers of one mint from their UI floats and says the amount is not exact', () => {
    const tx = load('domain', 'plain-token-transfer.json');
    const first = tx.tokenTransfers![0];
    tx.tokenTransfers = [{ ...first, tokenAmount: 400 }, { ...first, tokenAmount: 600.5 }];
    expect(extractTransfers(tx, W)).toMatchObject([{ amount: '1000.5', rawAmount: '1000500000000', amountExact: false }]);
  });

  it('takes the caller\'s word that the wallet traded in the transaction', () => {
    const tx = load('domain', 'plain-token-transfer.json');
    expect(extractTransfers(tx, W, { traded: true })).toEqual([]);
    expect(extractTransfers(tx, W, { traded: false })).toHaveLength(1);
  });

  it('dedupes by signature and orders by time', () => {
    const a = load('domain', 'plain-token-transfer.json');
    const b = load('detection', 'plain-sol-transfer.json');
    const got = extractTransfersMany([a, b, a], W);
    expect(got.map((t) => t.signature)).toEqual([b.signature, a.signature]);
  });
});

describe('nftSales: an NFT sold through a marketplace between two wallets (transfer extraction 7)', () => {
  const sale = ([] as EnhancedTransaction[]).concat(JSON.parse(readFileSync(join(root, 'real', 'helius-webhook-enhanced-nft-sale-magic-eden.json'), 'utf8')))[0];
  const seller = '5DxD5ViWjvRZEkxQEaJHZw2sBsso6xoXx3wGFNKgXUzE';
  const buyer = 'CKs1E69a2e9TmH4mKKLrXFF8kD3ZnwKjoEuXa6sz9WqX';
  const fox = 'FdsNQE5EeCe57tbEYCRV1JwW5dzNCof7MUTaGWhmzYqu';
  const withNft = (nft: Record<string, unknown>): EnhancedTransaction => ({ ...sale, events: { nft: { ...(sale.events.nft as object), ...nft } } });

  it('a real Magic Eden sale: the seller sold Fox #7637 to the buyer for 72 SOL, though the escrow, not the seller, sent it and paid the seller', () => {
    // the NFT left the escrow's token account and the seller's SOL came from the escrow: no transfer names the two together
    expect([...(sale.nativeTransfers ?? []), ...(sale.tokenTransfers ?? [])].some((t) => (t.fromUserAccount === seller && t.toUserAccount === buyer) || (t.fromUserAccount === buyer && t.toUserAccount === seller))).toBe(false);
    const expected = { asset: NFT_SALE_ASSET, nft: fox, amount: '72', rawAmount: '72000000000', decimals: 9, amountExact: true, signature: sale.signature, slot: sale.slot, timestamp: sale.timestamp };
    expect(extractTransfers(sale, seller)).toEqual([{ wallet: seller, counterparty: buyer, direction: 'out', ...expected }]);
    expect(extractTransfers(sale, buyer).filter((t) => t.asset === NFT_SALE_ASSET)).toEqual([{ wallet: buyer, counterparty: seller, direction: 'in', ...expected }]);
    // the buyer's payment to the escrow stays the trade's
    expect(extractTransfers(sale, buyer).filter((t) => t.asset === 'SOL')).toEqual([]);
    expect(nftSales(sale, 'rFqFJ9g7TGBD8Ed7TPDnvGKZ5pWLPDyxLcvcH2eRCtt')).toEqual([]);
  });

  it('a buyer paying the seller straight (no escrow; a compressed NFT moves no token): that SOL is the sale\'s price, no transfer besides', () => {
    const direct = { ...sale, tokenTransfers: [], nativeTransfers: [{ fromUserAccount: buyer, toUserAccount: seller, amount: 71_856_000_000 }, ...(sale.nativeTransfers ?? []).filter((t) => t.fromUserAccount === buyer && t.toUserAccount !== 'AAaTGaA3uVqikfVEwoSG7EwkCb4bBDsMEyueiVUS5CaU')] };
    for (const [wallet, other] of [[seller, buyer], [buyer, seller]]) {
      const out = extractTransfers(direct, wallet);
      expect(out.filter((t) => t.counterparty === other).map((t) => t.asset)).toEqual([NFT_SALE_ASSET]);
    }
    // SOL with anyone else in it stays what it was (a bundler funding the buyer in the buying transaction, and paying its fee)
    const FRIEND_PAYS = { ...direct, feePayer: FUNDER, nativeTransfers: [...direct.nativeTransfers, { fromUserAccount: FUNDER, toUserAccount: buyer, amount: 5_000_000_000 }] };
    expect(extractTransfers(FRIEND_PAYS, buyer).filter((t) => t.counterparty === FUNDER).map((t) => [t.direction, t.asset, t.rawAmount])).toEqual([
      ['in', 'FEE', '10000'],
      ['in', 'SOL', '5000000000'],
    ]);
  });

  it('splits the price over the NFTs sold together, exact only when it divides, one transfer per NFT in mint order', () => {
    const other = 'BuYer11q2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQa';
    const two = withNft({ amount: 3_000_000_001, nfts: [{ mint: other, tokenStandard: 'NonFungible' }, { mint: fox, tokenStandard: 'NonFungible' }] });
    const out = nftSales(two, seller);
    expect(out.map((t) => [t.nft, t.rawAmount, t.amountExact])).toEqual([
      [other, '1500000000', false],
      [fox, '1500000000', false],
    ].sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : 1)));
  });

  it('reads no sale from a listing, a bid, a failed sale, a sale into a program (an NFT pool, off the curve) or one with no NFT named', () => {
    const pool = (sale.nativeTransfers ?? []).map((t) => t.toUserAccount).find((a): a is string => a !== null && !isOnCurve(a))!;
    expect(pool).toBeDefined();
    for (const tx of [
      withNft({ type: 'NFT_LISTING', buyer: '' }),
      withNft({ type: 'NFT_BID', seller: '' }),
      { ...sale, transactionError: { InstructionError: [0, 'Custom'] } },
      withNft({ buyer: pool }),
      withNft({ nfts: [] }),
      withNft({ seller: buyer }),
    ]) {
      expect(nftSales(tx, seller)).toEqual([]);
      expect(nftSales(tx, buyer)).toEqual([]);
    }
  });
});
