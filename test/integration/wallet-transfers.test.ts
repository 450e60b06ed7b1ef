// Plain SOL and token transfers (not trades) as evidence: a sync stores each wallet's transfers with
// its page, once however often the page is stored; a wallet synced before transfers were kept gets
// them from its stored raw transactions before its next analysis; and the analysis hands each
// wallet's transfers and the database-wide counts to computeSimilarity. Real sync, real PostgreSQL,
// the simulator's hard world (bundle funders and exchange hot wallets in its ground truth).
import { extractMany } from '../../src/domain';
import { extractTransfersMany } from '../../src/domain/detection/transfers';
import type { WalletTransfer } from '../../src/domain/detection/types';
import type { SimilarityPair } from '../../src/domain/similarity/types';
import { generateWorld, parseWorld } from '../../src/simulator';
import { loadSimilarityInputs } from '../../src/activities/similarity-inputs';
import { backfillTransfers } from '../../src/activities/transfers-backfill';
import { getAnalysis } from '../../src/store/analyses';
import { storeHistoryPage } from '../../src/store/transactions';
import { loadTransfersMany } from '../../src/store/wallet-transfers';
import { beginSync, finishSync } from '../../src/store/wallets';
import { analyseBeforeAll } from '../harness/analyses';
import { servedHistory, useSimulatedStack } from '../harness/stack';

const world = parseWorld(generateWorld({ seed: 12, wallets: 26, txPerWallet: 30, scenario: 'hard', largeWallet: false }));
const wallets = world.wallets.map((w) => w.address).sort();
const truth = world.groundTruth!;

const key = (t: WalletTransfer) => `${t.signature}:${t.direction}:${t.counterparty}:${t.asset}:${t.rawAmount}`;

describe('wallet transfers', () => {
  const opened = useSimulatedStack({ world });
  const analysisId = analyseBeforeAll(opened, wallets);

  it('a sync stores every wallet transfer of the served history, and storing a page again stores none twice', async () => {
    const { pool } = opened.stack;
    const stored = await loadTransfersMany(pool, wallets);
    let total = 0;
    for (const wallet of wallets) {
      const expected = extractTransfersMany(servedHistory(opened.sim, wallet), wallet);
      expect((stored.get(wallet) ?? []).map(key).sort()).toEqual(expected.map(key).sort());
      total += expected.length;
    }
    expect(total).toBeGreaterThan(wallets.length); // at least the first funding of each, and more

    // the same page again (a retried activity, a worker killed after its commit)
    const wallet = truth.fundingSources!.find((s) => s.kind === 'bundle-funder')!.funded[0];
    const txs = servedHistory(opened.sim, wallet).slice(0, 100);
    const { legs } = extractMany(txs, wallet, { solPriceUsd: 150 });
    await beginSync(pool, wallet, 'wallet-sync:transfers-test');
    await storeHistoryPage(pool, wallet, txs, legs, [], extractTransfersMany(txs, wallet));
    await finishSync(pool, wallet, { ok: true });
    const { rows } = await pool.query('SELECT count(*)::int AS n, count(DISTINCT (signature, direction, counterparty, asset))::int AS d FROM wallet_transfers WHERE wallet = $1', [wallet]);
    expect(rows[0].n).toBe(stored.get(wallet)!.length);
    expect(rows[0].d).toBe(rows[0].n);
  });

  it('hands computeSimilarity every wallet transfer and the database-wide counts of counterparties and mints', async () => {
    const { pool } = opened.stack;
    const stored = await getAnalysis(pool, analysisId);
    expect(stored?.status).toBe('completed');

    const { wallets: inputs, database } = await loadSimilarityInputs(pool, { wallets, partialWallets: [], windowDays: null, nowSec: Math.floor(Date.now() / 1000) });
    expect(inputs.map((w) => w.address)).toEqual(wallets);
    const byWallet = new Map(inputs.map((w) => [w.address, w]));
    for (const source of truth.fundingSources!) {
      // every wallet the source funded shows it as a counterparty, and the database counts them all
      for (const wallet of source.funded) {
        expect(byWallet.get(wallet)!.transfers!.some((t) => t.counterparty === source.address && t.direction === 'in' && t.asset === 'SOL')).toBe(true);
      }
      expect({ funder: source.address, wallets: database.counterparties!.walletsPerCounterparty.get(source.address) }).toEqual({ funder: source.address, wallets: source.funded.length });
    }
    expect(database.counterparties!.totalWallets).toBeGreaterThanOrEqual(wallets.length);
    // each group wallet's whole stored history says what it is as a counterparty of the others (a
    // funding wallet of one owner analysed with the wallets it funded), as a page of its signatures would
    const { rows: histories } = await pool.query<{ address: string; transaction_count: number; oldest_timestamp: string; newest_timestamp: string }>(
      'SELECT address, transaction_count, oldest_timestamp, newest_timestamp FROM wallets WHERE address = ANY($1::text[]) AND history_complete',
      [wallets],
    );
    expect(histories).toHaveLength(wallets.length);
    for (const w of histories) {
      expect(database.counterparties!.activity?.get(w.address)).toEqual({ transactions: w.transaction_count, complete: true, oldestTime: Number(w.oldest_timestamp), newestTime: Number(w.newest_timestamp) });
    }
    // whole histories: each wallet's oldest SOL received is its first funding; not of one whose history
    // does not reach back to its first transaction (a sync stopped at a window)
    expect(inputs.every((w) => w.coverage?.wholeHistory === true)).toBe(true);
    await pool.query('UPDATE wallets SET history_complete = false WHERE address = $1', [wallets[0]]);
    try {
      const cut = await loadSimilarityInputs(pool, { wallets, partialWallets: [], windowDays: null, nowSec: Math.floor(Date.now() / 1000) });
      expect(cut.wallets.map((w) => w.coverage?.wholeHistory)).toEqual(wallets.map((w) => w !== wallets[0]));
      expect(cut.database.counterparties!.activity?.has(wallets[0])).toBe(false);
    } finally {
      await pool.query('UPDATE wallets SET history_complete = true WHERE address = $1', [wallets[0]]);
    }

    // mints: distinct wallets that ever swapped each, and its first buy, as the world says
    const swaps = new Map<string, { wallets: Set<string>; firstBuy: number }>();
    for (const w of world.wallets) {
      for (const t of w.trades) {
        if (t.failed) continue;
        const s = swaps.get(t.mint) ?? { wallets: new Set<string>(), firstBuy: Infinity };
        s.wallets.add(w.address);
        if (t.side === 'buy') s.firstBuy = Math.min(s.firstBuy, t.ts);
        swaps.set(t.mint, s);
        // a token->token swap sells its quote token too
        if (t.quote !== 'SOL' && t.quote !== 'USDC') {
          const q = swaps.get(t.quote) ?? { wallets: new Set<string>(), firstBuy: Infinity };
          q.wallets.add(w.address);
          swaps.set(t.quote, q);
        }
      }
    }
    const bundleMint = [...swaps.entries()].find(([mint]) => world.tokens.find((t) => t.mint === mint)?.name.endsWith('launch'));
    const tokens = database.tokens!;
    expect(tokens.totalWallets).toBe(database.counterparties!.totalWallets);
    for (const [mint, s] of swaps) {
      expect({ mint, wallets: tokens.walletsPerMint.get(mint) }).toEqual({ mint, wallets: s.wallets.size });
      if (Number.isFinite(s.firstBuy)) expect({ mint, first: tokens.firstBuyTime!.get(mint) }).toEqual({ mint, first: s.firstBuy });
    }
    // a launch token only its bundle bought is rarer than a popular one
    expect(bundleMint).toBeDefined();
    expect(tokens.walletsPerMint.get(bundleMint![0])).toBeLessThan(tokens.walletsPerMint.get(world.tokens[0].mint)!);
  });

  it('the stored result links the wallets of a common funder with funding evidence naming it, and never names an unlisted exchange the chain shows is busy', async () => {
    const stored = await getAnalysis(opened.stack.pool, analysisId);
    const pairs = (stored!.result as { pairs: SimilarityPair[] }).pairs;
    const pairOf = (x: string, y: string) => pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x))!;
    const fundingOf = (kind: string) =>
      truth.fundingSources!.filter((s) => s.kind === kind).flatMap((s) => s.funded.flatMap((x, i) => s.funded.slice(i + 1).map((y) => ({ funder: s.address, pair: pairOf(x, y) }))));
    const bundles = fundingOf('bundle-funder');
    const exchanges = fundingOf('exchange-hot-wallet');
    expect(bundles.length).toBeGreaterThan(0);
    expect(exchanges.length).toBeGreaterThan(0);
    const naming = (funder: string, pair: SimilarityPair) => pair.evidence?.funding.find((f) => 'counterparty' in f && f.counterparty === funder);
    // a bundle's funder is a wallet of one owner on chain (its whole history is its bundle's transfers): weight 1
    for (const { funder, pair } of bundles) {
      expect({ pair: [pair.walletA, pair.walletB], evidence: naming(funder, pair) }).toEqual({
        pair: [pair.walletA, pair.walletB],
        evidence: expect.objectContaining({ counterpartyWeight: 1, counterpartyActivity: expect.objectContaining({ complete: true, dedicated: true }) }),
      });
    }
    // the world's exchange hot wallets are on no list; the chain shows a full page of signatures within the hour
    for (const { funder, pair } of exchanges) expect({ pair: [pair.walletA, pair.walletB], evidence: naming(funder, pair) }).toEqual({ pair: [pair.walletA, pair.walletB], evidence: undefined });
    const { rows } = await opened.stack.pool.query<{ address: string; transactions: number; page_limit: number; span: string | null }>(
      'SELECT address, transactions, page_limit, newest_time - oldest_time AS span FROM counterparty_activity WHERE address = ANY($1::text[])',
      [truth.fundingSources!.map((s) => s.address)],
    );
    const read = new Map(rows.map((r) => [r.address, r]));
    for (const source of truth.fundingSources!) {
      const row = read.get(source.address);
      if (source.kind === 'exchange-hot-wallet') expect({ source: source.address, row }).toEqual({ source: source.address, row: expect.objectContaining({ transactions: 1000, page_limit: 1000 }) });
      else expect({ source: source.address, complete: row!.transactions < row!.page_limit }).toEqual({ source: source.address, complete: true });
      if (source.kind === 'exchange-hot-wallet') expect(Number(row!.span)).toBeLessThanOrEqual(3600);
    }
    const weakestBundle = Math.min(...bundles.map((b) => b.pair.scores.funding!));
    const strongestExchange = Math.max(...exchanges.map((e) => e.pair.scores.funding ?? 0));
    expect(weakestBundle).toBeGreaterThan(strongestExchange);
  });

  it('an analysis of a wallet synced before transfers were kept extracts them from its stored transactions before it loads', async () => {
    const { pool } = opened.stack;
    const wallet = truth.fundingSources!.find((s) => s.kind === 'exchange-hot-wallet')!.funded[1];
    const before = (await loadTransfersMany(pool, [wallet])).get(wallet)!;
    await pool.query('DELETE FROM wallet_transfers WHERE wallet = $1', [wallet]);
    await pool.query('UPDATE wallets SET transfers_extracted_version = 0 WHERE address = $1', [wallet]);
    const steps: string[] = [];
    const { wallets: inputs } = await loadSimilarityInputs(pool, { wallets, partialWallets: [], windowDays: 30, nowSec: Math.floor(Date.now() / 1000) }, (step) => steps.push(step));
    expect(before.length).toBeGreaterThan(0);
    // transfers come from the whole stored history: a 30-day window of today holds none of the world's trades
    expect(inputs.every((w) => w.legs.length === 0)).toBe(true);
    expect(inputs.find((w) => w.address === wallet)!.transfers!.map(key)).toEqual(before.map(key));
    expect(steps.some((s) => s.startsWith(`backfilling transfers of ${wallet}`))).toBe(true);
  });

  it('backfills the transfers of a wallet synced before transfers were kept, from its stored raw transactions, once', async () => {
    const { pool } = opened.stack;
    const wallet = truth.fundingSources!.find((s) => s.kind === 'exchange-hot-wallet')!.funded[0];
    const before = (await loadTransfersMany(pool, [wallet])).get(wallet)!;
    expect(before.length).toBeGreaterThan(0);
    // as the migration leaves a wallet synced before it: stored transactions, no transfers, version 0
    await pool.query('DELETE FROM wallet_transfers WHERE wallet = $1', [wallet]);
    await pool.query('UPDATE wallets SET transfers_extracted_version = 0 WHERE address = $1', [wallet]);

    const pages: number[] = [];
    // pages of 7 stored transactions: the history is read in several pages, in bounded memory
    expect(await backfillTransfers(pool, wallets, (p) => pages.push(p.transactions), 7)).toBe(1);
    const n = servedHistory(opened.sim, wallet).length;
    expect(pages).toEqual(Array.from({ length: Math.floor(n / 7) + 1 }, (_, i) => Math.min(n, (i + 1) * 7)));
    expect((await loadTransfersMany(pool, [wallet])).get(wallet)!.map(key)).toEqual(before.map(key));
    const { rows } = await pool.query('SELECT transfers_extracted_version AS v FROM wallets WHERE address = $1', [wallet]);
    expect(rows[0].v).toBeGreaterThan(0);
    expect(await backfillTransfers(pool, wallets)).toBe(0);
  });

  it('a page stores its raw transactions as json text, and a backfill reads them beside rows an earlier version stored as jsonb', async () => {
    const { pool } = opened.stack;
    const wallet = truth.fundingSources!.find((s) => s.kind === 'bundle-funder')!.funded[0];
    const stored = await pool.query<{ signature: string; in_json: boolean; in_jsonb: boolean; sig_inside: string }>(
      `SELECT t.signature, t.payload_json IS NOT NULL AS in_json, t.payload IS NOT NULL AS in_jsonb, t.payload_json->>'signature' AS sig_inside
         FROM wallet_transactions wt JOIN transactions t USING (signature) WHERE wt.wallet = $1`, [wallet]);
    expect(stored.rows.length).toBe(servedHistory(opened.sim, wallet).length);
    expect(stored.rows.every((r) => r.in_json && !r.in_jsonb && r.sig_inside === r.signature)).toBe(true);

    // every other transaction as a worker before migration 1795540000000 stored it: jsonb in payload
    const before = (await loadTransfersMany(pool, [wallet])).get(wallet)!;
    const moved = await pool.query(
      `UPDATE transactions t SET payload = t.payload_json::jsonb, payload_json = NULL FROM wallet_transactions wt
        WHERE wt.signature = t.signature AND wt.wallet = $1 AND wt.slot % 2 = 0 RETURNING t.signature`, [wallet]);
    expect(moved.rowCount).toBeGreaterThan(0);
    expect(moved.rowCount).toBeLessThan(stored.rows.length);
    // a row keeps one of the two
    await expect(pool.query('UPDATE transactions SET payload = NULL WHERE signature = $1', [moved.rows[0].signature])).rejects.toMatchObject({ code: '23514', constraint: 'transactions_payload_stored' });

    await pool.query('DELETE FROM wallet_transfers WHERE wallet = $1', [wallet]);
    await pool.query('UPDATE wallets SET transfers_extracted_version = 0 WHERE address = $1', [wallet]);
    expect(await backfillTransfers(pool, [wallet], () => undefined, 4)).toBe(1);
    expect(before.length).toBeGreaterThan(0);
    expect((await loadTransfersMany(pool, [wallet])).get(wallet)!.map(key)).toEqual(before.map(key));
  });

  it('two backfills of one wallet at once (an analysis and a wallet sync) extract it once', async () => {
    const { pool } = opened.stack;
    const wallet = truth.fundingSources!.find((s) => s.kind === 'bundle-funder')!.funded[1];
    const before = (await loadTransfersMany(pool, [wallet])).get(wallet)!;
    await pool.query('DELETE FROM wallet_transfers WHERE wallet = $1', [wallet]);
    await pool.query('UPDATE wallets SET transfers_extracted_version = 0 WHERE address = $1', [wallet]);
    const done = await Promise.all([backfillTransfers(pool, [wallet], () => undefined, 5), backfillTransfers(pool, [wallet], () => undefined, 5)]);
    expect(done.sort()).toEqual([0, 1]);
    expect((await loadTransfersMany(pool, [wallet])).get(wallet)!.map(key)).toEqual(before.map(key));
  });
});
