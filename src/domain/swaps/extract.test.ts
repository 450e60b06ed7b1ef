import { readFileSync } from 'node:fs';
import bs58 from 'bs58';
import { join } from 'node:path';
import type { EnhancedTransaction, Instruction } from '../enhanced-transaction';
import { failedFeeOf, sumFailedFees } from '../pnl/failed-fees';
import { computePnl } from '../pnl/fifo';
import { extractLegs, extractMany } from './extract';
import { rentForCreatedAccounts } from './flows';
import { legKey } from './types';
import { extractTransfers } from '../detection/transfers';

const root = join(__dirname, '..', '..', '..', 'test', 'fixtures');
const load = <T = EnhancedTransaction>(dir: 'real' | 'domain', name: string): T =>
  JSON.parse(readFileSync(join(root, dir, name), 'utf8')) as T;

const W = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const TWEET = 'TWEETzbGfNk3Vd2rGgqmMBzoLfPp1jHAXTw6v8E6bSx';
const opts = { solPriceUsd: 150 };

describe('extractLegs on real Helius payloads', () => {
  it('skips the failed Raydium swap as failed, for its fee payer and for a bystander', () => {
    const tx = load('real', 'helius-enhanced-swap-failed-raydium.json');
    expect(extractLegs(tx, '22WLnDCeMvcoboRgVt8a4ztkd4yA1ptSv9JpnE2gx95R', opts)).toEqual({ legs: [], skipped: 'failed' });
    expect(extractLegs(tx, W, opts)).toEqual({ legs: [], skipped: 'failed' });
  });

  it("reads a failed transaction's fee as its fee payer's cost, and no one else's: the real failed Raydium swap and SOL transfer", () => {
    const swap = load('real', 'helius-enhanced-swap-failed-raydium.json');
    expect(failedFeeOf(swap, '22WLnDCeMvcoboRgVt8a4ztkd4yA1ptSv9JpnE2gx95R')).toBe(31_563);
    expect(failedFeeOf(swap, W)).toBeNull();
    const transfer = load('real', 'helius-enhanced-transfer-failed-insufficient-funds-for-rent.json');
    expect(failedFeeOf(transfer, transfer.feePayer)).toBe(5_000);
    expect(failedFeeOf(transfer, 'BZkAJnd9QaNWgAXkTjNmKvYiAGXVAzhWZHJpJgo6RsAt')).toBeNull();
    // a transaction that landed costs no failed fee; a fee no real transaction has is not counted
    expect(failedFeeOf({ ...swap, transactionError: null }, swap.feePayer)).toBeNull();
    expect(failedFeeOf({ ...swap, fee: 2 ** 63 }, swap.feePayer)).toBeNull();
    // the same rule over fee payers and fees read back from stored payloads
    // (a payload read back without its fee: NaN)
    const read = [swap, transfer, { ...swap, fee: 2 ** 63 }, { ...swap, fee: NaN }].map((tx) => ({ feePayer: tx.feePayer, fee: tx.fee }));
    expect(sumFailedFees(read, swap.feePayer)).toEqual({ transactions: 1, feeLamports: 31_563 });
  });

  it('skips the failed SOL transfer although nativeTransfers still lists 50080250 lamports', () => {
    const tx = load('real', 'helius-enhanced-transfer-failed-insufficient-funds-for-rent.json');
    expect(extractLegs(tx, '7mHVPmoTJQZUGDHpWHRr2dV2e9UBaGknopjh3AdJpj89', opts)).toEqual({ legs: [], skipped: 'failed' });
    expect(extractLegs(tx, 'BZkAJnd9QaNWgAXkTjNmKvYiAGXVAzhWZHJpJgo6RsAt', opts)).toEqual({ legs: [], skipped: 'failed' });
  });

  it('treats the Magic Eden NFT sale webhook as non-fungible for buyer and seller, and SOL-only for the payee', () => {
    const [tx] = load<EnhancedTransaction[]>('real', 'helius-webhook-enhanced-nft-sale-magic-eden.json');
    expect(extractLegs(tx, 'CKs1E69a2e9TmH4mKKLrXFF8kD3ZnwKjoEuXa6sz9WqX', opts).skipped).toBe('non-fungible');
    expect(extractLegs(tx, '1BWutmTvYPwDtmw9abTkS4Ssr8no61spGAvW1X6NDix', opts).skipped).toBe('non-fungible');
    expect(extractLegs(tx, '5DxD5ViWjvRZEkxQEaJHZw2sBsso6xoXx3wGFNKgXUzE', opts).skipped).toBe('no-token-movement');
  });

  it("reads tokens burnt through a burn service (their accounts' rent refunded, the service's fee paid) as transfers out at no value, not sales for the refunded rent (helius-labs/xray, MIT)", () => {
    const tx = load('real', 'helius-enhanced-burn-tokens.json');
    const BURNER = 'BGkpRfK8L5Yy7A8wimA4CXra2GhFxdSWK944Ap6dPKCu';
    const { legs, skipped } = extractLegs(tx, BURNER, opts);
    expect(skipped).toBeNull();
    expect(legs.map((l) => [l.kind, l.direction, l.mint, l.amount, l.solValue])).toEqual([
      ['transfer_out', 'sell', '8phLV3YLRwud8QohZQnAdKvhjUbte2V75M4wB5uYwPjs', '3', 0],
      ['transfer_out', 'sell', 'idoLztG5ZGMVEjjoQWjeSu2eVkVsp3YnrFZKf7dNi4j', '6.9', 0],
    ]);
    // a swap of quote assets only (1,485 USDC for 61.03 SOL): no position changes
    expect(extractLegs(load('real', 'helius-enhanced-swap-usdc-for-sol-jupiter-orca.json'), 'MatrfYnDmsBrdnETpW2S6uksrChkGwyN4RRCXtTPZsv', opts)).toEqual({ legs: [], skipped: 'no-token-movement' });
  });

  it('reports a wallet that the transaction never touches as not involved', () => {
    const [tx] = load<EnhancedTransaction[]>('real', 'helius-webhook-enhanced-nft-sale-magic-eden.json');
    expect(extractLegs(tx, W, opts)).toEqual({ legs: [], skipped: 'not-involved' });
  });
});

describe('extractLegs on synthetic successful swaps (test/fixtures/domain)', () => {
  it('Jupiter→Raydium SOL→TWEET: one exact SOL-quoted buy, fee on the leg, rent not in the value', () => {
    const tx = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    const { legs, skipped } = extractLegs(tx, W, opts);
    expect(skipped).toBeNull();
    expect(legs).toEqual([
      {
        wallet: W,
        signature: tx.signature,
        slot: 250000001,
        timestamp: 1710000000,
        mint: TWEET,
        direction: 'buy',
        kind: 'swap',
        amount: '93.54889794',
        rawAmount: '9354889794',
        decimals: 8,
        quote: 'SOL',
        quoteAmount: '0.1',
        solValue: 0.1,
        solValueEstimated: false,
        valuation: 'exact',
        feeLamports: 5000,
        source: 'JUPITER',
        type: 'SWAP',
        legIndex: 0,
        counterMint: null,
        counterparty: null,
      },
    ]);
  });

  it('gives the same leg from accountData when events.swap is absent', () => {
    const tx = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    const withEvent = extractLegs(tx, W, opts).legs;
    const withoutEvent = extractLegs({ ...tx, events: {} }, W, opts).legs;
    expect(withoutEvent).toEqual(withEvent);
  });

  it("PUMP_AMM sell without events.swap: 0.75 SOL received, Jito tip and priority fee not in the price; both are the leg's fee", () => {
    const tx = load('domain', 'pump-amm-sell-without-swap-event.json');
    const [leg] = extractLegs(tx, W, opts).legs;
    // the network fee (105,000 lamports with its priority fee) and the 0.001 SOL Jito tip: the cost of landing it
    expect(tx.fee).toBe(105_000);
    expect(tx.nativeTransfers?.filter((t) => t.fromUserAccount === W).map((t) => t.amount)).toContain(1_000_000);
    expect(leg).toMatchObject({
      mint: 'PumpXr7sKq8LwvA3Hn2oYtdD1ZcE9mGfWjB5uRNpump',
      direction: 'sell',
      kind: 'swap',
      amount: '1500000.123456',
      rawAmount: '1500000123456',
      decimals: 6,
      quote: 'SOL',
      quoteAmount: '0.75',
      solValue: 0.75,
      solValueEstimated: false,
      feeLamports: 105_000 + 1_000_000,
      source: 'PUMP_AMM',
    });
  });

  it('token→USDC: sell quoted in USDC, SOL value converted at the supplied price and flagged estimated', () => {
    const tx = load('domain', 'orca-token-to-usdc.json');
    const [leg] = extractLegs(tx, W, { solPriceUsd: 150 }).legs;
    expect(leg).toMatchObject({
      mint: 'BonkXg5n7Qm2YvKfTz8sWc3LhR1dJpA9eUbN4xHqGtu',
      direction: 'sell',
      amount: '2500',
      rawAmount: '250000000',
      quote: 'USDC',
      quoteAmount: '12.345678',
      solValueEstimated: true,
      valuation: 'converted',
    });
    expect(leg.solValue).toBeCloseTo(12.345678 / 150, 12);
  });

  it("token→USDC with SOL beside it (a bot's fee paid out of the sale's SOL, or SOL got besides): the USDC is the quote, the SOL is in the value, never the price alone", () => {
    // its accountData only (a swap event names the USDC alone and supplies the quote as it says)
    const tx = { ...load('domain', 'orca-token-to-usdc.json'), events: {} };
    const BOT = 'BoTFee1111111111111111111111111111111111111';
    const withSol = (lamports: number) => ({ ...tx, accountData: [...tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange + lamports } : a)), { account: BOT, nativeBalanceChange: -lamports, tokenBalanceChanges: [] }] });
    // 0.002 SOL came in beside the 12.345678 USDC: both are proceeds
    const [leg] = extractLegs(withSol(2_000_000), W, { solPriceUsd: 150 }).legs;
    expect(leg).toMatchObject({ direction: 'sell', quote: 'USDC', quoteAmount: '12.345678', valuation: 'converted', solValueEstimated: true });
    expect(leg.solValue).toBeCloseTo(12.345678 / 150 + 0.002, 12);
    // SOL worth more than the USDC beside it: SOL is the quote, the USDC in the value
    const [solLed] = extractLegs(withSol(1_000_000_000), W, { solPriceUsd: 150 }).legs;
    expect(solLed).toMatchObject({ quote: 'SOL', quoteAmount: '1', valuation: 'converted', solValueEstimated: true });
    expect(solLed.solValue).toBeCloseTo(1 + 12.345678 / 150, 12);
    // without the day's price (the legs backfill): the stablecoin is the quote, unvalued
    expect(extractLegs(withSol(2_000_000), W, { solPriceUsd: 0 }).legs[0]).toMatchObject({ quote: 'USDC', valuation: 'none', solValue: 0 });
  });

  it('token→token through WSOL: one sell and one buy, each valued at the 2.5 SOL between the hops', () => {
    const tx = load('domain', 'jupiter-token-to-token-via-wsol.json');
    const A = 'AtokEn4aQv9YmR2sKx7Lw3Nc5Hd8Jf1Gp6Tb2Zr9uWy';
    const B = 'BtokEn7hWq2XnP5sKv8Lr3Mc6Jd9Gf1Hp4Tb7Zy2uQe';
    const legs = extractLegs(tx, W, opts).legs;
    expect(legs.map((l) => [l.legIndex, l.direction, l.mint, l.amount, l.quote, l.quoteAmount, l.solValue, l.valuation, l.counterMint, l.feeLamports])).toEqual([
      [0, 'sell', A, '420.5', 'SOL', '2.5', 2.5, 'via-intermediate', B, 5000],
      [1, 'buy', B, '77777.777777', 'SOL', '2.5', 2.5, 'via-intermediate', A, 0],
    ]);
    // and from accountData alone
    const fallback = extractLegs({ ...tx, events: {} }, W, opts).legs;
    expect(fallback.map((l) => [l.direction, l.rawAmount, l.solValue])).toEqual([
      ['sell', '420500000000', 2.5],
      ['buy', '77777777777', 2.5],
    ]);
    // a tip of 0.001 SOL to a landing service on no list (not a Jito tip account): the event, which
    // names the wallet on both token sides and has no quote, still makes the trade, not liquidity
    const NOZOMI = 'TipNozo1Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abcd';
    const tipped = {
      ...tx,
      nativeTransfers: [...(tx.nativeTransfers ?? []), { fromUserAccount: W, toUserAccount: NOZOMI, amount: 1_000_000 }],
      accountData: tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange - 1_000_000 } : a)),
    };
    expect(extractLegs(tipped, W, opts)).toMatchObject({ skipped: null, legs: [{ direction: 'sell', mint: A }, { direction: 'buy', mint: B }] });
  });

  it('token→token split between a SOL route and a USDC route: both parts are the value, not the WSOL part alone; one after the other (A → SOL → USDC → B): the SOL part alone', () => {
    const tx = load('domain', 'jupiter-token-to-token-via-wsol.json');
    const A = 'AtokEn4aQv9YmR2sKx7Lw3Nc5Hd8Jf1Gp6Tb2Zr9uWy';
    const B = 'BtokEn7hWq2XnP5sKv8Lr3Mc6Jd9Gf1Hp4Tb7Zy2uQe';
    const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
    const WSOL = 'So11111111111111111111111111111111111111112';
    const change = (account: string, owner: string, mint: string, raw: string, decimals: number) => ({ account, nativeBalanceChange: 0, tokenBalanceChanges: [{ userAccount: owner, tokenAccount: account, mint, rawTokenAmount: { tokenAmount: raw, decimals } }] });
    const usdcHop = [change('Pool3Usdc1111111111111111111111111111111111', 'Amm3Au1111111111111111111111111111111111111', USDC, '-150000000', 6), change('Pool4Usdc1111111111111111111111111111111111', 'Amm4Au1111111111111111111111111111111111111', USDC, '150000000', 6)];
    // a third of A through an A/USDC pool and a USDC/B pool, beside the A/SOL and SOL/B pools
    const resplit = tx.accountData.map((a) => {
      const c = a.tokenBalanceChanges?.[0];
      if (c?.mint === A && c.userAccount !== W) return { ...a, tokenBalanceChanges: [{ ...c, rawTokenAmount: { ...c.rawTokenAmount, tokenAmount: '280000000000' } }] };
      if (c?.mint === B && c.userAccount !== W) return { ...a, tokenBalanceChanges: [{ ...c, rawTokenAmount: { ...c.rawTokenAmount, tokenAmount: '-51851851851' } }] };
      return a;
    });
    // the swap event's hops: A → SOL → B beside A → USDC → B
    const swap = tx.events.swap!;
    const [toSol, fromSol] = swap.innerSwaps;
    const hop = (from: typeof toSol, inMint: string, outMint: string) => ({ ...from, tokenInputs: from.tokenInputs.map((t) => ({ ...t, mint: inMint })), tokenOutputs: from.tokenOutputs.map((t) => ({ ...t, mint: outMint })) });
    const splitHops = [...swap.innerSwaps, hop(toSol, A, USDC), hop(fromSol, USDC, B)];
    const split = {
      ...tx,
      events: { swap: { ...swap, innerSwaps: splitHops } },
      accountData: [...resplit, ...usdcHop, change('Pool3Atok1111111111111111111111111111111111', 'Amm3Au1111111111111111111111111111111111111', A, '140500000000', 9), change('Pool4Btok1111111111111111111111111111111111', 'Amm4Au1111111111111111111111111111111111111', B, '-25925925926', 6)],
    };
    const legs = extractLegs(split, W, { solPriceUsd: 150 }).legs;
    expect(legs.map((l) => [l.direction, l.quote, l.quoteAmount, l.valuation, l.solValueEstimated])).toEqual([
      ['sell', 'SOL', '2.5', 'via-intermediate', true],
      ['buy', 'SOL', '2.5', 'via-intermediate', true],
    ]);
    for (const leg of legs) expect(leg.solValue).toBeCloseTo(2.5 + 150 / 150, 12);
    // one after the other: A into one pool, B out of one, SOL then USDC between them: the same value twice, counted once
    const once = [
      [2.5, false],
      [2.5, false],
    ];
    const sequential = { ...tx, events: {}, accountData: [...tx.accountData, ...usdcHop] };
    expect(extractLegs(sequential, W, { solPriceUsd: 150 }).legs.map((l) => [l.solValue, l.solValueEstimated])).toEqual(once);
    // split at both ends but through SOL then USDC (a hop trades one for the other), or with no hops to say: counted once
    const solToUsdc = { ...split, events: { swap: { ...swap, innerSwaps: [toSol, hop(fromSol, WSOL, USDC), hop(fromSol, USDC, B)] } } };
    expect(extractLegs(solToUsdc, W, { solPriceUsd: 150 }).legs.map((l) => [l.solValue, l.solValueEstimated])).toEqual(once);
    expect(extractLegs({ ...split, events: {} }, W, { solPriceUsd: 150 }).legs.map((l) => [l.solValue, l.solValueEstimated])).toEqual(once);
    // USDC paid to one account only (a fee taken in USDC, no hop): no part of the route's value
    const feeOnly = { ...split, accountData: [...split.accountData.filter((a) => !a.account.startsWith('Pool3Usdc')), change('FeeUsdc11111111111111111111111111111111111', 'Fee1111111111111111111111111111111111111111', USDC, '1000000', 6)] };
    expect(extractLegs(feeOnly, W, { solPriceUsd: 150 }).legs.map((l) => l.solValue)).toEqual([2.5, 2.5]);
  });

  it('a wallet seen only through its token accounts (a bot signed and paid) still gets its buy, with no fee', () => {
    const tx = load('domain', 'raydium-wallet-only-through-token-accounts.json');
    const [leg] = extractLegs(tx, W, opts).legs;
    expect(leg).toMatchObject({ mint: TWEET, direction: 'buy', amount: '371.00000001', quote: 'SOL', quoteAmount: '0.4', solValue: 0.4, feeLamports: 0 });
  });

  it('an airdrop to three wallets is an airdrop leg with no value, never a zero-cost buy', () => {
    const tx = load('domain', 'airdrop-to-three-wallets.json');
    const [leg] = extractLegs(tx, W, opts).legs;
    expect(leg).toMatchObject({
      kind: 'airdrop',
      direction: 'buy',
      amount: '1000',
      quote: 'other',
      quoteAmount: '0',
      solValue: 0,
      solValueEstimated: false,
      valuation: 'none',
      counterparty: 'DisTr1b8Lq5Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2We',
    });
  });

  it('a plain transfer is transfer_out for the sender and transfer_in for the receiver', () => {
    const tx = load('domain', 'plain-token-transfer.json');
    const friend = 'FriEnd9Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ';
    const [out] = extractLegs(tx, W, opts).legs;
    const [incoming] = extractLegs(tx, friend, opts).legs;
    expect([out.kind, out.direction, out.amount, out.solValue, out.counterparty, out.feeLamports]).toEqual(['transfer_out', 'sell', '1000', 0, friend, 5000]);
    expect([incoming.kind, incoming.direction, incoming.amount, incoming.solValue, incoming.counterparty, incoming.feeLamports]).toEqual(['transfer_in', 'buy', '1000', 0, W, 0]);
  });

  it('skips pool deposits by type and by shape (tokens both ways plus SOL one way)', () => {
    const tx = load('domain', 'jupiter-token-to-token-via-wsol.json');
    expect(extractLegs({ ...tx, type: 'ADD_LIQUIDITY' }, W, opts).skipped).toBe('liquidity');
    const withSol = { ...tx, events: {}, accountData: tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: -1_002_044_280 } : a)) };
    expect(extractLegs(withSol, W, opts).skipped).toBe('liquidity');
  });
});

describe('extractLegs on wire-shape payloads of the classes real Helius payloads were misread in', () => {
  it('Raydium v4 buy whose events.swap names the pool authority in tokenOutputs: accountData wins, a 0.5 SOL buy', () => {
    const tx = load('domain', 'raydium-v4-buy-swap-event-names-pool-authority.json');
    // the event names the wallet only as the SOL payer; its token side belongs to the pool authority
    expect(tx.events.swap?.tokenOutputs[0].userAccount).toBe('5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1');
    const { legs, skipped } = extractLegs(tx, W, opts);
    expect(skipped).toBeNull();
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({
      mint: 'RugTokn5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abc',
      direction: 'buy',
      kind: 'swap',
      amount: '123456789',
      quote: 'SOL',
      quoteAmount: '0.5',
      solValue: 0.5,
      valuation: 'exact',
      feeLamports: 5000,
    });
  });

  it('Raydium v4 sale whose events.swap names the wallet on the token side only and the pool authority on the WSOL side: 0.5 SOL from accountData, not a sale at 0', () => {
    const tx = load('domain', 'raydium-v4-sell-swap-event-names-pool-authority.json');
    expect(tx.events.swap?.tokenInputs[0].userAccount).toBe(W);
    expect(tx.events.swap?.tokenOutputs[0].userAccount).toBe('5Q544fKrFoe6tsEbD7S8EmxGTJYAKtTVhAW5Q5pge4j1');
    expect(tx.events.swap?.nativeOutput).toBeNull();
    const { legs, skipped } = extractLegs(tx, W, opts);
    expect(skipped).toBeNull();
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({ mint: 'RugTokn5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abc', direction: 'sell', kind: 'swap', amount: '123456789', quote: 'SOL', quoteAmount: '0.5', solValue: 0.5, valuation: 'exact', feeLamports: 5000 });
    // its buy and this sale: the round trip realizes nothing, rather than the whole 0.5 SOL lost
    const buy = extractLegs(load('domain', 'raydium-v4-buy-swap-event-names-pool-authority.json'), W, opts).legs;
    const pnl = computePnl([...buy, ...legs]);
    expect(pnl.totals.realizedPnlSol).toBeCloseTo(0, 9);
  });

  it("rent of the wallet's own WSOL account, created by a sale that leaves it open or closed by a buy, is not the swap's value", () => {
    const WSOL = 'So11111111111111111111111111111111111111112';
    const TMP = 'TmpWso1Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abcd';
    const OWN = 'OwnWso1Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abcd';
    const RENT = 2_039_280;
    /** the fixture with its temporary WSOL account the wallet's own one, its entry moving `native` lamports and `wrapped` WSOL */
    const withOwnWsol = (name: string, walletNative: number, native: number, wrapped: number, nativeTransfers: EnhancedTransaction['nativeTransfers']) => {
      const tx = JSON.parse(JSON.stringify(load('domain', name)).replaceAll(TMP, OWN)) as EnhancedTransaction;
      tx.nativeTransfers = nativeTransfers;
      tx.accountData = tx.accountData.map((a) =>
        a.account === W ? { ...a, nativeBalanceChange: walletNative } : a.account === OWN ? { account: OWN, nativeBalanceChange: native, tokenBalanceChanges: [{ userAccount: W, tokenAccount: OWN, mint: WSOL, rawTokenAmount: { tokenAmount: String(wrapped), decimals: 9 } }] } : a,
      );
      return tx;
    };
    // the sale's 0.5 SOL paid into a WSOL account of the wallet's that the transaction creates (rent from the wallet) and leaves open
    const sale = withOwnWsol('raydium-v4-sell-swap-event-names-pool-authority.json', -RENT - 5000, 500_000_000 + RENT, 500_000_000, [{ fromUserAccount: W, toUserAccount: OWN, amount: RENT }]);
    expect(extractLegs(sale, W, opts).legs[0]).toMatchObject({ direction: 'sell', quote: 'SOL', quoteAmount: '0.5', solValue: 0.5 });
    // the buy's 0.5 SOL taken from a WSOL account of the wallet's that it closes (its rent back to the wallet), the RUG account created
    const buy = withOwnWsol('raydium-v4-buy-swap-event-names-pool-authority.json', -RENT + RENT - 5000, -500_000_000 - RENT, -500_000_000, [
      { fromUserAccount: W, toUserAccount: 'WRugAta7Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abc', amount: RENT },
      { fromUserAccount: OWN, toUserAccount: W, amount: RENT },
    ]);
    expect(extractLegs(buy, W, opts).legs[0]).toMatchObject({ direction: 'buy', quote: 'SOL', quoteAmount: '0.5', solValue: 0.5 });
  });

  it("rent another party moves for the wallet's token accounts (a gasless swap's relayer creates its account, or takes its WSOL account's rent on closing it) is not the wallet's SOL", () => {
    const BOT = 'BoTsgn3Lq8Wx5Yk2Nv9Rm6Jc1Hd7Gf4Tp3Bb8Zu5WeR';
    const TOKEN_ACCOUNT = 'WtaTweet5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Ab';
    const WSOL_ACCOUNT = 'WtaWsolX5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Ab';
    const RENT = 2_039_280;
    const base = load('domain', 'raydium-wallet-only-through-token-accounts.json');
    expect(base.feePayer).toBe(BOT);
    expect(base.accountData.map((a) => a.account)).toEqual(expect.arrayContaining([TOKEN_ACCOUNT, WSOL_ACCOUNT]));
    /** System Program CreateAccount { lamports, space 165, owner SPL Token }, bincode in base58 as Helius gives it */
    const createAccount = (from: string, to: string) => {
      const data = new Uint8Array(4 + 8 + 8 + 32);
      const view = new DataView(data.buffer);
      view.setUint32(0, 0, true);
      view.setBigUint64(4, BigInt(RENT), true);
      view.setBigUint64(12, 165n, true);
      data.set(bs58.decode('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'), 20);
      const ata = { programId: 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL', accounts: [from, to, W], data: '2', innerInstructions: [{ programId: '11111111111111111111111111111111', accounts: [from, to], data: bs58.encode(data), innerInstructions: [] }] };
      return ata as Instruction;
    };
    const closeAccount = (account: string, destination: string) =>
      ({ programId: 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', accounts: [account, destination, W], data: 'A', innerInstructions: [] }) as Instruction;
    const variant = (payer: string, extra: Instruction[], native: Record<string, number>) => ({
      ...base,
      instructions: [...extra, ...(base.instructions ?? [])],
      accountData: [
        ...base.accountData.map((a) => (a.account in native ? { ...a, nativeBalanceChange: native[a.account] } : a)),
        ...(payer === W && !base.accountData.some((a) => a.account === W) ? [{ account: W, nativeBalanceChange: native[W] ?? 0, tokenBalanceChanges: [] }] : []),
      ],
    });
    const quoteOf = (tx: EnhancedTransaction) => extractLegs(tx, W, opts).legs[0];
    // the relayer creates the wallet's new TWEET account: 0.4 SOL, not 0.4 less the rent the relayer paid
    const relayed = variant(BOT, [createAccount(BOT, TOKEN_ACCOUNT)], { [TOKEN_ACCOUNT]: RENT, [BOT]: -5000 - RENT });
    expect(quoteOf(relayed)).toMatchObject({ direction: 'buy', quote: 'SOL', quoteAmount: '0.4', solValue: 0.4 });
    // the wallet creates it itself: its SOL entry paid the rent, which is added back, 0.4 SOL too
    const own = variant(W, [createAccount(W, TOKEN_ACCOUNT)], { [TOKEN_ACCOUNT]: RENT, [W]: -RENT });
    expect(quoteOf(own)).toMatchObject({ direction: 'buy', quoteAmount: '0.4', solValue: 0.4 });
    // the relayer closes the wallet's WSOL account to itself: the rent never reaches the wallet, 0.4 SOL
    const closedToRelayer = variant(BOT, [closeAccount(WSOL_ACCOUNT, BOT)], { [WSOL_ACCOUNT]: -400_000_000 - RENT, [BOT]: -5000 + RENT });
    expect(quoteOf(closedToRelayer)).toMatchObject({ direction: 'buy', quoteAmount: '0.4', solValue: 0.4 });
    // closed to the wallet: the rent came back to its SOL entry and is taken off again, 0.4 SOL
    const closedToWallet = variant(W, [closeAccount(WSOL_ACCOUNT, W)], { [WSOL_ACCOUNT]: -400_000_000 - RENT, [W]: RENT });
    expect(quoteOf(closedToWallet)).toMatchObject({ direction: 'buy', quoteAmount: '0.4', solValue: 0.4 });
  });

  it("a temporary WSOL account a relayer opened for the wallet's sale and closed to the wallet: its rent, which the wallet got and never paid, is not the sale's value", () => {
    const BOT = 'BoTsgn3Lq8Wx5Yk2Nv9Rm6Jc1Hd7Gf4Tp3Bb8Zu5WeR';
    const TMP = 'TmpWso1Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abcd';
    const RENT = 2_039_280;
    const base = load('domain', 'raydium-v4-sell-swap-event-names-pool-authority.json');
    // as recorded the wallet opens it and closes it to itself: its rent nets to nothing, 0.5 SOL
    expect(extractLegs(base, W, opts).legs[0]).toMatchObject({ direction: 'sell', quoteAmount: '0.5' });
    const create = base.instructions!.find((ix) => ix.programId === '11111111111111111111111111111111' && ix.accounts[1] === TMP)!;
    const relayed: EnhancedTransaction = {
      ...base,
      instructions: base.instructions!.map((ix) => (ix === create ? { ...ix, accounts: [BOT, TMP] } : ix)),
      // the wallet paid no rent, and got it back with the 0.5 SOL when the account closed
      accountData: base.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: 500_000_000 + RENT - 5000 } : a)),
    };
    expect(extractLegs(relayed, W, opts).legs[0]).toMatchObject({ direction: 'sell', quote: 'SOL', quoteAmount: '0.5', solValue: 0.5 });
  });

  it('Jupiter multi-hop SOL → USDC → token: one buy for exactly 1 SOL, the intermediate USDC is not a trade', () => {
    const tx = load('domain', 'jupiter-multi-hop-sol-usdc-token.json');
    const expected = { mint: 'HopTokn5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abc', direction: 'buy', kind: 'swap', amount: '4200000', quote: 'SOL', quoteAmount: '1', solValue: 1, valuation: 'exact', feeLamports: 25000 };
    const withEvent = extractLegs(tx, W, opts).legs;
    expect(withEvent).toHaveLength(1);
    expect(withEvent[0]).toMatchObject(expected);
    // the same from accountData alone, and when the event names the last pool's authority instead
    expect(extractLegs({ ...tx, events: {} }, W, opts).legs).toEqual(withEvent);
    const swap = tx.events.swap!;
    const poolNamed = { ...tx, events: { swap: { ...swap, tokenOutputs: swap.tokenOutputs.map((t) => ({ ...t, userAccount: 'HLnpSz9h2S4hiLQ43rnSD9XkcUThA7B8hQMKmDaiTLcC' })) } } };
    expect(extractLegs(poolNamed, W, opts).legs).toEqual(withEvent);
  });

  it('takes the quote amount from events.swap only when the event moves the same mints as accountData', () => {
    const tx = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    // the event says 0.1 SOL; make accountData say 0.2 SOL (SOL moved for something else beside the
    // swap, far past a fee): the agreeing event still supplies the price
    const moved = { ...tx, accountData: tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange - 100_000_000 } : a)) };
    expect(extractLegs(moved, W, opts).legs[0].quoteAmount).toBe('0.1');
    // an event naming another mint disagrees with accountData: accountData's token and SOL are used
    const swap = tx.events.swap!;
    const other = { ...moved, events: { swap: { ...swap, tokenOutputs: swap.tokenOutputs.map((t) => ({ ...t, mint: 'OtherMint1111111111111111111111111111111111' })) } } };
    expect(extractLegs(other, W, opts).legs.map((l) => [l.mint, l.quoteAmount])).toEqual([[TWEET, '0.2']]);
  });

  it("a trading bot's fee paid beside the swap (within 5 % of the event's amount) is part of the price: the wallet's own net SOL, not the event's", () => {
    const tx = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    const BOT_FEE_ACCOUNT = 'BoTFee1111111111111111111111111111111111111';
    // 1 % of the event's 0.1 SOL to a bot's fee account, from the wallet's SOL, in the same transaction
    const moved = {
      ...tx,
      accountData: [...tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange - 1_000_000 } : a)), { account: BOT_FEE_ACCOUNT, nativeBalanceChange: 1_000_000, tokenBalanceChanges: [] }],
    };
    const withFee = { ...moved, nativeTransfers: [...(tx.nativeTransfers ?? []), { fromUserAccount: W, toUserAccount: BOT_FEE_ACCOUNT, amount: 1_000_000 }] };
    expect(extractLegs(withFee, W, opts).legs[0]).toMatchObject({ quote: 'SOL', quoteAmount: '0.101', solValue: 0.101, valuation: 'exact' });
    // without the event, the same price
    expect(extractLegs({ ...withFee, events: {} }, W, opts).legs[0]).toMatchObject({ quoteAmount: '0.101' });
    // the same difference with no transfer out to show it is a fee (rent the extraction cannot
    // recognise, a payload without instructions): the event's price
    expect(extractLegs(moved, W, opts).legs[0]).toMatchObject({ quoteAmount: '0.1' });
    expect(extractLegs({ ...withFee, instructions: [] }, W, opts).legs[0]).toMatchObject({ quoteAmount: '0.1' });
  });

  it("a sale whose proceeds a bot keeps 1 % of is a sale for what the wallet got; a round trip through such a bot loses the two fees, not nothing", () => {
    const buy = extractLegs(load('domain', 'raydium-v4-buy-swap-event-names-pool-authority.json'), W, opts).legs;
    const sale = load('domain', 'raydium-v4-sell-swap-event-names-pool-authority.json');
    // the event says 0.5 SOL out to the wallet; 0.005 of it goes on to the bot's fee account
    const swap = sale.events.swap!;
    const named = { ...sale, events: { swap: { ...swap, nativeOutput: { account: W, amount: '500000000' } } } };
    const kept = {
      ...named,
      nativeTransfers: [...(named.nativeTransfers ?? []), { fromUserAccount: W, toUserAccount: 'BoTFee1111111111111111111111111111111111111', amount: 5_000_000 }],
      accountData: [...named.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange - 5_000_000 } : a)), { account: 'BoTFee1111111111111111111111111111111111111', nativeBalanceChange: 5_000_000, tokenBalanceChanges: [] }],
    };
    expect(extractLegs(named, W, opts).legs[0]).toMatchObject({ quoteAmount: '0.5' });
    const legs = extractLegs(kept, W, opts).legs;
    expect(legs[0]).toMatchObject({ direction: 'sell', quote: 'SOL', quoteAmount: '0.495', solValue: 0.495 });
    expect(computePnl([...buy, ...legs]).totals.realizedPnlSol).toBeCloseTo(-0.005, 9);
  });

  it("a sale whose swap paid the proceeds to another wallet is a sale at the event's amount, not a sale for nothing", () => {
    const sale = load('domain', 'raydium-v4-sell-swap-event-names-pool-authority.json');
    const MAIN = 'MainWa11et1111111111111111111111111111111111';
    // the 0.5 SOL the pool paid out went to the trader's main wallet, not to the selling wallet
    const elsewhere = {
      ...sale,
      accountData: [...sale.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange - 500_000_000 } : a)), { account: MAIN, nativeBalanceChange: 500_000_000, tokenBalanceChanges: [] }],
    };
    const [leg] = extractLegs(elsewhere, W, opts).legs;
    expect(leg).toMatchObject({ direction: 'sell', kind: 'swap', quote: 'SOL', quoteAmount: '0.5', solValue: 0.5, valuation: 'exact', solValueEstimated: false });
    const buy = extractLegs(load('domain', 'raydium-v4-buy-swap-event-names-pool-authority.json'), W, opts).legs;
    expect(computePnl([...buy, leg]).totals.realizedPnlSol).toBeCloseTo(0, 9);
    // without the event nothing says what the tokens fetched: a swap-typed sale at 0, as before
    expect(extractLegs({ ...elsewhere, events: {} }, W, opts).legs[0]).toMatchObject({ direction: 'sell', quoteAmount: '0', solValue: 0 });
    // an event whose inputs name another wallet says nothing of this wallet's sale
    const swap = sale.events.swap!;
    const notOurs = { ...elsewhere, events: { swap: { ...swap, tokenInputs: swap.tokenInputs.map((t) => ({ ...t, userAccount: MAIN })) } } };
    expect(extractLegs(notOurs, W, opts).legs[0]).toMatchObject({ quoteAmount: '0' });
  });

  it('a claim that only paid rent (claim-status account, own token account) and the fee is a transfer in at zero cost', () => {
    const tx = load('domain', 'merkle-distributor-claim-pays-receipt-rent.json');
    expect(rentForCreatedAccounts(tx, W)).toBe(1_517_280n); // (128 + 90 bytes) × 6,960 lamports
    const { legs, skipped } = extractLegs(tx, W, opts);
    expect(skipped).toBeNull();
    expect(legs).toHaveLength(1);
    expect(legs[0]).toMatchObject({
      mint: 'C1aimTkn5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2A',
      direction: 'buy',
      kind: 'transfer_in',
      amount: '2500',
      solValue: 0,
      valuation: 'none',
      counterparty: 'DistPDA1Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abc',
    });
  });

  it('rent for a created account is not counted when the same transaction refunds it (temporary WSOL account)', () => {
    const tx = load('domain', 'raydium-v4-buy-swap-event-names-pool-authority.json');
    expect(rentForCreatedAccounts(tx, W)).toBe(0n);
    expect(rentForCreatedAccounts(tx, 'FriEnd9Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ')).toBe(0n);
  });

  it('a DBC → DAMM v2 migration typed UNKNOWN that hands the wallet a position NFT is liquidity, not a buy of 1 token', () => {
    const tx = load('domain', 'meteora-dbc-migration-damm-v2-position-nft.json');
    expect(extractLegs(tx, W, opts)).toEqual({ legs: [], skipped: 'liquidity' });
    // the same 0-decimal amount-1 token outside liquidity programs is still a token movement
    const elsewhere = { ...tx, instructions: [] };
    expect(extractLegs(elsewhere, W, opts).skipped).toBeNull();
  });

  it('a rugged token sold for 30,000 lamports (below the dust threshold) is a sale that realizes the loss', () => {
    const tx = load('domain', 'raydium-v4-dust-sell.json');
    const { legs, skipped } = extractLegs(tx, W, opts);
    expect(skipped).toBeNull();
    expect(legs).toHaveLength(1);
    const [sale] = legs;
    expect(sale).toMatchObject({ direction: 'sell', kind: 'swap', amount: '9876543.21', quote: 'SOL', quoteAmount: '0.00003', solValue: 0.00003, valuation: 'exact' });
    const bought = { ...sale, kind: 'swap' as const, direction: 'buy' as const, signature: 'b', timestamp: sale.timestamp - 60, solValue: 1, quoteAmount: '1' };
    const pnl = computePnl([bought, sale]);
    expect(pnl.tokens[0].realizedPnlSol).toBeCloseTo(0.00003 - 1, 9);
    expect(pnl.tokens[0].transferredOutCostSol).toBe(0);
  });

  it("a landing service's tip (Nozomi, Helius Sender, 0slot ...) is no more swap value than a Jito tip: a token→token route stays a trade, a dust sale a sale", () => {
    const tip = (tx: EnhancedTransaction, to: string, lamports: number): EnhancedTransaction => ({
      ...tx,
      nativeTransfers: [...(tx.nativeTransfers ?? []), { fromUserAccount: W, toUserAccount: to, amount: lamports }],
      accountData: tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: a.nativeBalanceChange - lamports } : a)),
    });
    const NOZOMI = 'TEMPaMeCRFAS9EKF53Jd6KpHxgL47uWLcpFArU1Fanq';
    const HELIUS_SENDER = '4ACfpUFoaSD9bfPdeu6DBt89gB6ENTeHBXCAi87NhDEE';
    // without events.swap (as pump.fun's), read from accountData alone
    const route = load('domain', 'jupiter-token-to-token-via-wsol.json');
    const tipped = extractLegs(tip({ ...route, events: {} }, NOZOMI, 1_000_000), W, opts);
    expect(tipped.skipped).toBeNull();
    expect(tipped.legs.map((l) => [l.direction, l.solValue, l.valuation])).toEqual([
      ['sell', 2.5, 'via-intermediate'],
      ['buy', 2.5, 'via-intermediate'],
    ]);
    // a tip to an account on no list is still SOL the wallet moved: the route reads as liquidity
    expect(extractLegs(tip({ ...route, events: {} }, 'TipUnknown1q8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2A', 1_000_000), W, opts).skipped).toBe('liquidity');
    const dust = extractLegs(tip(load('domain', 'raydium-v4-dust-sell.json'), HELIUS_SENDER, 1_000_000), W, opts).legs;
    expect(dust).toMatchObject([{ kind: 'swap', direction: 'sell', solValue: 0.00003 }]);
    // and the tip account is no counterparty: the wallet sent no transfer
    expect(extractTransfers(tip(load('domain', 'raydium-v4-dust-sell.json'), HELIUS_SENDER, 1_000_000), W)).toEqual([]);
  });

  it('a token sent away for nothing is still transfer_out, and a zero-SOL sale typed SWAP is a sale at 0', () => {
    const transfer = load('domain', 'plain-token-transfer.json');
    expect(extractLegs(transfer, W, opts).legs[0].kind).toBe('transfer_out');
    const tx = load('domain', 'raydium-v4-dust-sell.json');
    const nothingBack = { ...tx, accountData: tx.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: -5000 } : a)) };
    expect(extractLegs(nothingBack, W, opts).legs[0]).toMatchObject({ kind: 'swap', direction: 'sell', solValue: 0 });
    expect(extractLegs({ ...nothingBack, type: 'TRANSFER' }, W, opts).legs[0].kind).toBe('transfer_out');
  });

  it("splits one SOL amount over several tokens sold (or bought) together as the swap event's hops show it, not in equal parts; equal parts when a token's hop is missing; a token sold and another bought, SOL moving too, is two trades when hops show both", () => {
    const A = 'SeLLaaaa1111111111111111111111111111111pump';
    const B = 'SeLLbbbb1111111111111111111111111111111pump';
    const WSOL = 'So11111111111111111111111111111111111111112';
    const balance = (account: string, owner: string, mint: string, raw: string, decimals = 6) => ({ account, nativeBalanceChange: 0, tokenBalanceChanges: [{ userAccount: owner, tokenAccount: account, mint, rawTokenAmount: { tokenAmount: raw, decimals } }] });
    const transfer = (from: string, to: string, mint: string, tokenAmount: number) => ({ fromUserAccount: from, toUserAccount: to, fromTokenAccount: `${from.slice(0, 8)}Ata`, toTokenAccount: `${to.slice(0, 8)}Ata`, tokenAmount, mint, tokenStandard: 'Fungible' });
    const hop = (mint: string, sol: number) => ({
      tokenInputs: [transfer(W, 'PoolAuth1111111111111111111111111111111111', mint, 1000)],
      tokenOutputs: [transfer('PoolAuth1111111111111111111111111111111111', W, WSOL, sol)],
      tokenFees: [],
      nativeFees: [],
      programInfo: { source: 'RAYDIUM', account: '675kPX9MHTjS2zt1qfr1NYHuzeLXfQM9H24wFSUt1Mp8', programName: 'RAYDIUM_LIQUIDITY_POOL_V4', instructionName: 'SwapBaseIn' },
    });
    const sold = (mint: string, raw: string) => ({ userAccount: W, tokenAccount: `${mint.slice(0, 8)}Ata`, mint, rawTokenAmount: { tokenAmount: raw, decimals: 6 } });
    // 1,000 A for 2.7 SOL and 1,000 B for 0.3 SOL, in one transaction (a "sell all" of a bot)
    const tx: EnhancedTransaction = {
      description: '',
      type: 'SWAP',
      source: 'JUPITER',
      fee: 5000,
      feePayer: W,
      signature: 'SeLLtwoTokens111111111111111111111111111111111111111111111111111111111111111111111',
      slot: 250000100,
      timestamp: 1710001000,
      nativeTransfers: [],
      tokenTransfers: [],
      accountData: [
        { account: W, nativeBalanceChange: 3_000_000_000 - 5000, tokenBalanceChanges: [] },
        balance('SeLLaaaaAta', W, A, '-1000000000'),
        balance('SeLLbbbbAta', W, B, '-1000000000'),
        balance('PoolAVault1111111111111111111111111111111', 'PoolAuth1111111111111111111111111111111111', A, '1000000000'),
        balance('PoolBVault1111111111111111111111111111111', 'PoolAuth1111111111111111111111111111111111', B, '1000000000'),
        balance('PoolAWsol11111111111111111111111111111111', 'PoolAuth1111111111111111111111111111111111', WSOL, '-2700000000', 9),
        balance('PoolBWsol11111111111111111111111111111111', 'PoolAuth1111111111111111111111111111111111', WSOL, '-300000000', 9),
      ],
      transactionError: null,
      instructions: [],
      events: { swap: { nativeInput: null, nativeOutput: { account: W, amount: '3000000000' }, tokenInputs: [sold(A, '-1000000000'), sold(B, '-1000000000')], tokenOutputs: [], tokenFees: [], nativeFees: [], innerSwaps: [hop(A, 2.7), hop(B, 0.3)] } },
    };
    const values = (t: EnhancedTransaction) => Object.fromEntries(extractLegs(t, W, opts).legs.map((l) => [l.mint, [l.direction, l.quoteAmount, l.valuation]]));
    expect(values(tx)).toEqual({ [A]: ['sell', '2.7', 'split'], [B]: ['sell', '0.3', 'split'] });
    // the parts always add up to the whole
    const legs = extractLegs(tx, W, opts).legs;
    expect(legs.reduce((sum, l) => sum + l.solValue, 0)).toBeCloseTo(3, 12);
    // bought together: the SOL each hop took in
    const mirror = (h: ReturnType<typeof hop>) => ({ ...h, tokenInputs: h.tokenOutputs.map((t) => ({ ...t, fromUserAccount: W, toUserAccount: t.fromUserAccount })), tokenOutputs: h.tokenInputs.map((t) => ({ ...t, fromUserAccount: t.toUserAccount, toUserAccount: W })) });
    const bought: EnhancedTransaction = {
      ...tx,
      accountData: tx.accountData.map((a) => ({ ...a, nativeBalanceChange: a.account === W ? -3_000_000_000 - 5000 : a.nativeBalanceChange, tokenBalanceChanges: (a.tokenBalanceChanges ?? []).map((c) => ({ ...c, rawTokenAmount: { ...c.rawTokenAmount, tokenAmount: String(-BigInt(c.rawTokenAmount.tokenAmount)) } })) })),
      events: { swap: { nativeInput: { account: W, amount: '3000000000' }, nativeOutput: null, tokenInputs: [], tokenOutputs: [sold(A, '1000000000'), sold(B, '1000000000')], tokenFees: [], nativeFees: [], innerSwaps: [mirror(hop(A, 2.7)), mirror(hop(B, 0.3))] } },
    };
    expect(values(bought)).toEqual({ [A]: ['buy', '2.7', 'split'], [B]: ['buy', '0.3', 'split'] });
    // B's hop missing (or no hops at all): equal parts, as before
    expect(values({ ...tx, events: { swap: { ...tx.events.swap!, innerSwaps: [hop(A, 2.7)] } } })).toEqual({ [A]: ['sell', '1.5', 'split'], [B]: ['sell', '1.5', 'split'] });
    expect(values({ ...tx, events: {} })).toEqual({ [A]: ['sell', '1.5', 'split'], [B]: ['sell', '1.5', 'split'] });

    // one token sold and another bought in one transaction, the SOL between them not the same (a bot
    // rotating out of A into B): two trades, each valued at its hops, not a pool deposit
    const rotation: EnhancedTransaction = {
      ...tx,
      accountData: tx.accountData.map((a) => {
        if (a.account === W) return { ...a, nativeBalanceChange: 1_700_000_000 - 5000 };
        const [c] = a.tokenBalanceChanges ?? [];
        if (c?.mint === B || (c?.mint === WSOL && a.account.startsWith('PoolB'))) return { ...a, tokenBalanceChanges: [{ ...c, rawTokenAmount: { ...c.rawTokenAmount, tokenAmount: String(-BigInt(c.rawTokenAmount.tokenAmount) * (c.mint === WSOL ? 10n : 1n) / 3n) } }] };
        return a;
      }),
      events: { swap: { nativeInput: null, nativeOutput: { account: W, amount: '1700000000' }, tokenInputs: [sold(A, '-1000000000')], tokenOutputs: [sold(B, '333333333')], tokenFees: [], nativeFees: [], innerSwaps: [hop(A, 2.7), mirror(hop(B, 1))] } },
    };
    expect(values(rotation)).toEqual({ [A]: ['sell', '2.7', 'split'], [B]: ['buy', '1', 'split'] });
    const OTHER = 'OthErWaLLet1111111111111111111111111111111';
    const swapOf = (innerSwaps: ReturnType<typeof hop>[]) => ({ events: { swap: { ...rotation.events.swap!, innerSwaps } } });
    // another wallet's hop in the same transaction (a bundle) is not this wallet's trade
    const othersHop = { ...hop(A, 10), tokenInputs: hop(A, 10).tokenInputs.map((t) => ({ ...t, fromUserAccount: OTHER })) };
    expect(values({ ...rotation, ...swapOf([hop(A, 2.7), mirror(hop(B, 1)), othersHop]) })).toEqual(values(rotation));
    // a hop that lists its SOL both wrapped and native counts it once
    const twice = { ...hop(A, 2.7), nativeOutput: { fromUserAccount: 'PoolAuth1111111111111111111111111111111111', toUserAccount: W, amount: 2_700_000_000 } };
    expect(values({ ...rotation, ...swapOf([twice, mirror(hop(B, 1))]) })).toEqual(values(rotation));
    // hops that do not account for the wallet's own SOL (it got 0.5 SOL, not 1.7): something else moved it
    const elsewhere = {
      ...rotation,
      accountData: rotation.accountData.map((a) => (a.account === W ? { ...a, nativeBalanceChange: 500_000_000 - 5000 } : a)),
      events: { swap: { ...rotation.events.swap!, nativeOutput: { account: W, amount: '500000000' } } },
    };
    expect(extractLegs(elsewhere, W, opts)).toEqual({ legs: [], skipped: 'liquidity' });
    // part of A bought back in another hop: the hops' sum is not the net sale
    const back = { ...mirror(hop(A, 0.1)) };
    expect(extractLegs({ ...rotation, ...swapOf([hop(A, 2.7), mirror(hop(B, 1)), back]) }, W, opts)).toEqual({ legs: [], skipped: 'liquidity' });
    // a token with no hop (a pool's position token, deposited or withdrawn beside a swap): liquidity, as before
    expect(extractLegs({ ...rotation, events: { swap: { ...rotation.events.swap!, innerSwaps: [hop(A, 2.7)] } } }, W, opts)).toEqual({ legs: [], skipped: 'liquidity' });
    expect(extractLegs({ ...rotation, events: {} }, W, opts)).toEqual({ legs: [], skipped: 'liquidity' });
  });
});

describe('extractMany', () => {
  it('counts skipped transactions per reason, ignores repeated signatures and returns legs in time order', () => {
    const failed = load('real', 'helius-enhanced-swap-failed-raydium.json');
    const buy = load('domain', 'jupiter-raydium-sol-to-tweet.json');
    const tokenToToken = load('domain', 'jupiter-token-to-token-via-wsol.json');
    const transfer = load('domain', 'plain-token-transfer.json');
    const result = extractMany([transfer, tokenToToken, buy, failed, buy], W, opts);
    expect(result.counters).toEqual({
      transactions: 4,
      duplicates: 1,
      withLegs: 3,
      legs: 4,
      swapLegs: 3,
      transferLegs: 1,
      skipped: { failed: 1, 'not-involved': 0, 'no-token-movement': 0, 'non-fungible': 0, liquidity: 0 },
    });
    expect(result.legs.map((l) => l.timestamp)).toEqual([1710000000, 1710001800, 1710001800, 1710003600]);
  });
});

describe('legKey', () => {
  it('differs for two wallets in the same transaction and leg', () => {
    const tx = load('domain', 'plain-token-transfer.json');
    const [out] = extractLegs(tx, W, opts).legs;
    const [incoming] = extractLegs(tx, 'FriEnd9Lq2Wx7Yk4Nv3Rm8Jc5Hd1Gf6Tp2Bb9Zu7WeQ', opts).legs;
    expect(legKey(out)).toBe(`${W}:${tx.signature}:0:XtokQ8wRz5Yk3Nv7Lm2Jc9Hd4Gf6Tp1Bb8Zu3WeKsA:sell`);
    expect(legKey(incoming)).not.toBe(legKey(out));
  });
});
