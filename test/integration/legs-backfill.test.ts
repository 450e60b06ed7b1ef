// Legs stored by an older swap extraction are extracted again from the stored transactions before
// the wallet's next analysis: here a Raydium v4 sale stored at 0 SOL (the extraction before
// LEG_EXTRACTION_VERSION 2 took the quote from a swap event that gave the wallet none) comes back at
// its 0.5 SOL, once, and the mint's population does not count the wallet twice; a leg the extraction
// no longer finds is removed, with the wallet's place in its mint's population. Real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import bs58 from 'bs58';
import { backfillLegs } from '../../src/activities/legs-backfill';
import { extractMany, type EnhancedTransaction } from '../../src/domain';
import { derivedAddress } from '../../src/simulator/keys';
import { LEG_EXTRACTION_VERSION, loadLegs } from '../../src/store/swap-legs';
import { storeHistoryPage } from '../../src/store/transactions';
import { beginSync, finishSync } from '../../src/store/wallets';
import { useTestStack } from '../harness/stack';

const FIXTURE_WALLET = '7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU';
const RUG = 'RugTokn5Lq8Wx2Yk9Nv6Rm3Jc7Hd4Gf1Tp8Bb5Zu2Abc';

/** The fixture as another wallet's, under a signature of its own (transactions are shared by signature). */
function fixtureOf(name: string, wallet: string): EnhancedTransaction {
  const text = readFileSync(join(__dirname, '../fixtures/domain', name), 'utf8').replaceAll(FIXTURE_WALLET, wallet);
  const tx = JSON.parse(text) as EnhancedTransaction;
  tx.signature = bs58.encode(Buffer.from(randomUUID().replace(/-/g, '').repeat(4), 'hex'));
  return tx;
}

describe('legs of an older swap extraction', () => {
  const opened = useTestStack();

  it('are extracted again from the stored transactions, once: a sale stored at 0 SOL comes back at 0.5 SOL, the population unchanged', async () => {
    const { pool } = opened.stack;
    const wallet = derivedAddress('legs-backfill', randomUUID());
    const txs = [fixtureOf('raydium-v4-buy-swap-event-names-pool-authority.json', wallet), fixtureOf('raydium-v4-sell-swap-event-names-pool-authority.json', wallet)];
    await beginSync(pool, wallet, 'test:legs-backfill');
    // as an extraction before version 2 could store them: the sale at 0 SOL, and not even a trade
    const { legs } = extractMany(txs, wallet, { solPriceUsd: 150 });
    const stale = legs.map((l) => (l.direction === 'sell' ? { ...l, kind: 'transfer_out' as const, quoteAmount: '0', solValue: 0 } : l));
    await storeHistoryPage(pool, wallet, txs, stale);
    await finishSync(pool, wallet, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 1 WHERE address = $1', [wallet]);
    const population = async () => (await pool.query<{ wallets: number }>('SELECT wallets FROM mint_populations WHERE mint = $1', [RUG])).rows[0]?.wallets;
    const before = await population();
    expect((await loadLegs(pool, wallet)).find((l) => l.direction === 'sell')).toMatchObject({ solValue: 0 });

    expect(await backfillLegs(pool, [wallet])).toBe(1); // the sale; the buy was right
    const sale = (await loadLegs(pool, wallet)).find((l) => l.direction === 'sell');
    expect(sale).toMatchObject({ kind: 'swap', solValue: 0.5, quoteAmount: '0.5', valuation: 'exact' });
    const { rows } = await pool.query('SELECT kind, sol_value, quote_amount::text AS quote_amount, legs_extracted_version FROM swap_legs JOIN wallets ON address = wallet WHERE wallet = $1 AND direction = $2', [wallet, 'sell']);
    expect(rows).toEqual([{ kind: 'swap', sol_value: 0.5, quote_amount: '0.5', legs_extracted_version: LEG_EXTRACTION_VERSION }]);
    expect(await population()).toBe(before);
    expect(await backfillLegs(pool, [wallet])).toBe(0);
  });

  it('gain the legs of a transaction an older extraction skipped, valued without the day\'s SOL price: a token→token swap through WSOL', async () => {
    const { pool } = opened.stack;
    const wallet = derivedAddress('legs-backfill', randomUUID());
    // its source with a NUL (provider text: the page store keeps it in the payload, and the backfill reads it back)
    const txs = [{ ...fixtureOf('jupiter-token-to-token-via-wsol.json', wallet), source: 'JUPITER\u0000' }];
    const { legs } = extractMany(txs, wallet, { solPriceUsd: 150 });
    expect(legs.map((l) => l.valuation)).toEqual(['via-intermediate', 'via-intermediate']);
    await beginSync(pool, wallet, 'test:legs-backfill');
    // as an older extraction stored it: no legs (read as liquidity)
    await storeHistoryPage(pool, wallet, txs, []);
    await finishSync(pool, wallet, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 1 WHERE address = $1', [wallet]);

    expect(await backfillLegs(pool, [wallet])).toBe(2);
    const restored = await loadLegs(pool, wallet);
    expect(restored.map((l) => ({ direction: l.direction, solValue: l.solValue, valuation: l.valuation }))).toEqual(
      legs.map((l) => ({ direction: l.direction, solValue: l.solValue, valuation: l.valuation })),
    );
    const listed = await pool.query('SELECT mint FROM mint_wallets WHERE wallet = $1 ORDER BY mint', [wallet]);
    expect(listed.rows.map((r) => r.mint)).toEqual([...new Set(legs.map((l) => l.mint))].sort());
  });

  it('lose the legs the extraction no longer finds: a trade read where there is none leaves the wallet\'s legs, its count and its place in the mint\'s population', async () => {
    const { pool } = opened.stack;
    const wallet = derivedAddress('legs-backfill', randomUUID());
    const phantomMint = derivedAddress('legs-backfill-mint', randomUUID());
    const txs = [fixtureOf('raydium-v4-buy-swap-event-names-pool-authority.json', wallet), fixtureOf('raydium-v4-sell-swap-event-names-pool-authority.json', wallet)];
    await beginSync(pool, wallet, 'test:legs-backfill');
    const { legs } = extractMany(txs, wallet, { solPriceUsd: 150 });
    // as an older extraction could store them: beside the real buy, a buy of another mint in the same transaction
    const buy = legs.find((l) => l.direction === 'buy')!;
    const phantom = { ...buy, mint: phantomMint, legIndex: buy.legIndex + 1 };
    await storeHistoryPage(pool, wallet, txs, [...legs, phantom]);
    await finishSync(pool, wallet, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 1 WHERE address = $1', [wallet]);
    const population = async (mint: string) => (await pool.query<{ wallets: number }>('SELECT wallets FROM mint_populations WHERE mint = $1', [mint])).rows[0]?.wallets ?? 0;
    const listed = async () => (await pool.query('SELECT mint FROM mint_wallets WHERE wallet = $1 ORDER BY mint', [wallet])).rows.map((r) => r.mint as string);
    const legCount = async () => (await pool.query<{ leg_count: number }>('SELECT leg_count FROM wallets WHERE address = $1', [wallet])).rows[0].leg_count;
    expect(await population(phantomMint)).toBe(1);
    expect(await listed()).toEqual([RUG, phantomMint].sort());
    expect(await legCount()).toBe(3);
    const rugPopulation = await population(RUG);

    expect(await backfillLegs(pool, [wallet])).toBe(1); // the phantom removed; the real legs were right
    expect((await loadLegs(pool, wallet)).map((l) => `${l.mint}:${l.direction}`).sort()).toEqual([`${RUG}:buy`, `${RUG}:sell`]);
    expect(await legCount()).toBe(2);
    expect(await listed()).toEqual([RUG]);
    expect(await population(phantomMint)).toBe(0);
    expect(await population(RUG)).toBe(rugPopulation);
    expect(await backfillLegs(pool, [wallet])).toBe(0);
  });
  it("replace a stablecoin trade an older extraction valued at the SOL beside it, at the sync's price, and leave a stablecoin leg valued at its own day's price as it is", async () => {
    const { pool } = opened.stack;
    const wallet = derivedAddress('legs-backfill', randomUUID());
    const BOT = derivedAddress('legs-backfill-bot', randomUUID());
    // a token sold for 12.345678 USDC with 0.002 SOL beside it (read from accountData), and the same sale without it
    const plain = { ...fixtureOf('orca-token-to-usdc.json', wallet), events: {} };
    const base = { ...fixtureOf('orca-token-to-usdc.json', wallet), events: {} };
    const beside = { ...base, accountData: [...base.accountData.map((a) => (a.account === wallet ? { ...a, nativeBalanceChange: a.nativeBalanceChange + 2_000_000 } : a)), { account: BOT, nativeBalanceChange: -2_000_000, tokenBalanceChanges: [] }] };
    const txs = [plain, beside];
    const { legs } = extractMany(txs, wallet, { solPriceUsd: 100 });
    // as version 4 stored them: the plain sale at the price of its day (100 USD), the other at its 0.002 SOL alone
    const stored = legs.map((l) => (l.signature === beside.signature ? { ...l, quote: 'SOL' as const, quoteAmount: '0.002', solValue: 0.002, valuation: 'exact' as const, solValueEstimated: false } : l));
    await beginSync(pool, wallet, 'test:legs-backfill');
    await storeHistoryPage(pool, wallet, txs, stored);
    await finishSync(pool, wallet, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 4 WHERE address = $1', [wallet]);

    // the price asked for only when a wallet needs the backfill
    let asked = 0;
    const price = async () => (asked++, 150);
    expect(await backfillLegs(pool, [wallet], { solPriceUsd: price })).toBe(1);
    expect(asked).toBe(1);
    expect(await backfillLegs(pool, [wallet], { solPriceUsd: price })).toBe(0);
    expect(asked).toBe(1);
    const after = await loadLegs(pool, wallet);
    const requoted = after.find((l) => l.signature === beside.signature)!;
    expect(requoted).toMatchObject({ quote: 'USDC', quoteAmount: '12.345678', valuation: 'converted' });
    expect(requoted.solValue).toBeCloseTo(12.345678 / 150 + 0.002, 9);
    // the plain one keeps its own day's value (100 USD a SOL), not today's
    expect(after.find((l) => l.signature === plain.signature)!.solValue).toBeCloseTo(12.345678 / 100, 9);
    const { rows } = await pool.query('SELECT quote, sol_value FROM swap_legs WHERE wallet = $1 AND signature = $2', [wallet, beside.signature]);
    expect(rows).toEqual([{ quote: 'USDC', sol_value: requoted.solValue }]);
  });

  it('gain a stablecoin trade an older extraction skipped, valued at the price the backfill is given', async () => {
    const { pool } = opened.stack;
    const wallet = derivedAddress('legs-backfill', randomUUID());
    const txs = [{ ...fixtureOf('orca-token-to-usdc.json', wallet), events: {} }];
    await beginSync(pool, wallet, 'test:legs-backfill');
    // as an older extraction stored it: no legs
    await storeHistoryPage(pool, wallet, txs, []);
    await finishSync(pool, wallet, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 5 WHERE address = $1', [wallet]);

    expect(await backfillLegs(pool, [wallet], { solPriceUsd: 150 })).toBe(1);
    const [added] = await loadLegs(pool, wallet);
    expect(added).toMatchObject({ direction: 'sell', quote: 'USDC', quoteAmount: '12.345678', valuation: 'converted' });
    expect(added.solValue).toBeCloseTo(12.345678 / 150, 9);
    const listed = await pool.query('SELECT mint FROM mint_wallets WHERE wallet = $1', [wallet]);
    expect(listed.rows.map((r) => r.mint)).toEqual([added.mint]);
  });

  it("give a stored stablecoin leg its new amount at its own day's rate, and value one stored unvalued when a price is given", async () => {
    const { pool } = opened.stack;
    const wallet = derivedAddress('legs-backfill', randomUUID());
    const resized = { ...fixtureOf('orca-token-to-usdc.json', wallet), events: {} };
    const unvalued = { ...fixtureOf('orca-token-to-usdc.json', wallet), events: {} };
    const { legs } = extractMany([resized, unvalued], wallet, { solPriceUsd: 100 });
    // as an older extraction stored them: one with half the amount (a share split otherwise then) at 0.01 SOL a USDC, one without a price
    const stored = legs.map((l) =>
      l.signature === resized.signature ? { ...l, quoteAmount: '6.172839', solValue: 0.06172839 } : { ...l, solValue: 0, valuation: 'none' as const },
    );
    await beginSync(pool, wallet, 'test:legs-backfill');
    await storeHistoryPage(pool, wallet, [resized, unvalued], stored);
    await finishSync(pool, wallet, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 5 WHERE address = $1', [wallet]);

    expect(await backfillLegs(pool, [wallet], { solPriceUsd: 150 })).toBe(2);
    const after = await loadLegs(pool, wallet);
    const rescaled = after.find((l) => l.signature === resized.signature)!;
    expect(rescaled.quoteAmount).toBe('12.345678');
    expect(rescaled.solValue).toBeCloseTo(0.12345678, 9); // its own day's 0.01 SOL a USDC, not today's price
    expect(after.find((l) => l.signature === unvalued.signature)!.solValue).toBeCloseTo(12.345678 / 150, 9);

    // without a price (none read in time): the new amount at the stored rate all the same, still valued
    const other = derivedAddress('legs-backfill', randomUUID());
    const alone = { ...fixtureOf('orca-token-to-usdc.json', other), events: {} };
    const [leg] = extractMany([alone], other, { solPriceUsd: 100 }).legs;
    await beginSync(pool, other, 'test:legs-backfill');
    await storeHistoryPage(pool, other, [alone], [{ ...leg, quoteAmount: '6.172839', solValue: 0.06172839 }]);
    await finishSync(pool, other, { ok: true });
    await pool.query('UPDATE wallets SET legs_extracted_version = 5 WHERE address = $1', [other]);
    expect(await backfillLegs(pool, [other], { solPriceUsd: 0 })).toBe(1);
    const [kept] = await loadLegs(pool, other);
    expect(kept).toMatchObject({ quoteAmount: '12.345678', valuation: 'converted', solValueEstimated: true });
    expect(kept.solValue).toBeCloseTo(0.12345678, 9);
  });
});
