// NFT wash trading between a group's wallets (engine 2.20.0, transfer extraction 7): an operator's
// wallets, each funded and trading on its own, sell NFTs around their ring through a marketplace,
// while collectors of one collection sell to each other now and then at arm's length. Real sync,
// real PostgreSQL, the simulator serving Magic Eden and Tensor sales in Helius's format.
import { extractTransfersMany } from '../../src/domain/detection/transfers';
import { NFT_SALE_ASSET, type WalletTransfer } from '../../src/domain/detection/types';
import type { SimilarityCluster, SimilarityPair } from '../../src/domain/similarity/types';
import { generateWorld, parseWorld } from '../../src/simulator';
import { backfillTransfers } from '../../src/activities/transfers-backfill';
import { getAnalysis } from '../../src/store/analyses';
import { TRANSFER_EXTRACTION_VERSION, loadTransfersMany } from '../../src/store/wallet-transfers';
import { analyseBeforeAll } from '../harness/analyses';
import { servedHistory, useSimulatedStack } from '../harness/stack';

const world = parseWorld(generateWorld({ seed: 7, wallets: 165, txPerWallet: 20, scenario: 'adversarial', largeWallet: false }));
const truth = world.groundTruth!;
const wash = truth.clusters[truth.clusterKinds!.indexOf('nft-wash')].slice().sort();
const collectors = truth.decoys!.find((d) => d.kind === 'nft-collectors')!.members.slice().sort();
const wallets = [...wash, ...collectors].sort();

const key = (t: WalletTransfer) => `${t.signature}:${t.direction}:${t.counterparty}:${t.asset}:${t.nft ?? ''}:${t.rawAmount}`;

describe('NFT wash trading between a group\'s wallets', () => {
  const opened = useSimulatedStack({ world });
  const analysisId = analyseBeforeAll(opened, wallets);

  it('stores each sale on both parties\' lists with the NFT and its price, as the served history extracts it', async () => {
    const stored = await loadTransfersMany(opened.stack.pool, wallets);
    let sales = 0;
    for (const wallet of wallets) {
      const expected = extractTransfersMany(servedHistory(opened.sim, wallet), wallet);
      expect((stored.get(wallet) ?? []).map(key).sort()).toEqual(expected.map(key).sort());
      sales += expected.filter((t) => t.asset === NFT_SALE_ASSET).length;
    }
    // the ring's sales between its wallets, each on two lists; the collectors' with outsiders and each other
    expect(sales).toBeGreaterThan(2 * 8);
    const { rows } = await opened.stack.pool.query<{ n: number; seller: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE direction = 'out')::int AS seller FROM wallet_transfers WHERE wallet = ANY($1::text[]) AND asset = 'NFT_SALE' AND nft IS NOT NULL`,
      [wash],
    );
    expect(rows[0].n).toBe(2 * rows[0].seller);
  });

  it('clusters the ring alone, citing NFT round trips for pairs that never traded together, and names NFT Wash Trading; no collector is clustered', async () => {
    const stored = await getAnalysis(opened.stack.pool, analysisId);
    expect(stored?.status).toBe('completed');
    const result = stored!.result as { pairs: SimilarityPair[]; clusters: SimilarityCluster[] };
    const clustered = result.clusters.map((c) => c.members.slice().sort());
    expect(clustered).toContainEqual(wash);
    for (const c of collectors) expect(clustered.flat()).not.toContain(c);
    const pairOf = (x: string, y: string) => result.pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x));
    // A and C of the ring A → B → C → D → A never sold to each other
    const [a, , c] = truth.clusters[truth.clusterKinds!.indexOf('nft-wash')];
    const across = pairOf(a, c)!;
    expect(across.evidence!.funding.map((f) => f.kind)).toContain('nft-round-trip');
    expect(across.evidence!.funding.map((f) => f.kind)).not.toContain('nft-sale');
    expect(across.insights.map((i) => i.type)).toContain('NFT Wash Trading');
    // a collectors' pair that sold once: evidence, weak
    const once = collectors.flatMap((x, i) => collectors.slice(i + 1).map((y) => pairOf(x, y))).filter((p) => p?.evidence?.funding.some((f) => f.kind === 'nft-sale'));
    expect(once.length).toBeGreaterThan(0);
    for (const p of once) expect(p!.scores.combined).toBeLessThan(0.3);
  });

  it('a wallet extracted under transfer extraction 6 gets its sales from its stored transactions before its next analysis', async () => {
    const { pool } = opened.stack;
    const wallet = wash[0];
    const before = (await loadTransfersMany(pool, [wallet])).get(wallet)!;
    expect(before.some((t) => t.asset === NFT_SALE_ASSET)).toBe(true);
    // as version 6 left it: the same rows but no sale
    await pool.query(`DELETE FROM wallet_transfers WHERE wallet = $1 AND asset = 'NFT_SALE'`, [wallet]);
    await pool.query('UPDATE wallets SET transfers_extracted_version = 6 WHERE address = $1', [wallet]);
    expect(await backfillTransfers(pool, wallets)).toBe(1);
    expect((await loadTransfersMany(pool, [wallet])).get(wallet)!.map(key)).toEqual(before.map(key));
    const { rows } = await pool.query('SELECT transfers_extracted_version AS v FROM wallets WHERE address = $1', [wallet]);
    expect(rows[0].v).toBe(TRANSFER_EXTRACTION_VERSION);
  });
});
