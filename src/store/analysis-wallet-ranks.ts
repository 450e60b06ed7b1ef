// analysis_wallet_ranks: for each wallet of a completed analysis, the ranks of its pairs in
// analysis_pairs, ascending (migrations/1795490000000_analysis-wallet-ranks.sql): what a page of one
// wallet's pairs reads before it reads those pairs by rank. The only module with SQL that writes to it.
import type { PoolClient } from 'pg';

/** Replaces an analysis's rows with `walletRanks` (each wallet's ranks, ascending: walletRanksOf), on `client`'s transaction. */
export async function replaceWalletRanks(client: PoolClient, analysisId: string, walletRanks: ReadonlyMap<string, ArrayLike<number>>): Promise<void> {
  await client.query('DELETE FROM analysis_wallet_ranks WHERE analysis_id = $1', [analysisId]);
  // one row per wallet, its ranks as given, each as an array literal ('{3,17,…}')
  const wallets = [...walletRanks.keys()];
  const rankLists = wallets.map((w) => `{${Array.from(walletRanks.get(w) as ArrayLike<number>).join(',')}}`);
  await client.query(
    `INSERT INTO analysis_wallet_ranks (analysis_id, wallet, ranks)
     SELECT $1, wallet, ranks::integer[] FROM unnest($2::text[], $3::text[]) AS w(wallet, ranks)`,
    [analysisId, wallets, rankLists],
  );
}
