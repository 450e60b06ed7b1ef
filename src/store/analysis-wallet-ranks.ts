// analysis_wallet_ranks: for each wallet of a completed analysis, the ranks of its pairs in
// analysis_pairs, ascending (migrations/1795490000000_analysis-wallet-ranks.sql): what a page of one
// wallet's pairs reads before it reads those pairs by rank. The only module with SQL that writes to it.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './pair-rows';

/** One COPY text row per wallet, made as the COPY reads them: one wallet's ranks in memory at a time. */
function* rankRows(analysisId: string, walletRanks: ReadonlyMap<string, ArrayLike<number>>): Generator<string> {
  const prefix = `${copyText(analysisId)}\t`;
  for (const [wallet, ranks] of walletRanks) {
    // an integer[] literal ('{3,17,…}')
    yield `${prefix}${copyText(wallet)}\t{${Array.prototype.join.call(ranks, ',')}}\n`;
  }
}

/**
 * Replaces an analysis's rows with `walletRanks` (each wallet's ranks, ascending: walletRanksOf), on
 * `client`'s transaction. Copied in a row at a time: a 1,000-wallet analysis's ranks as one
 * statement's parameters were about 7 MB of text made three times over (the lists, pg's array
 * literal, its message) at the moment the worker's memory is at its highest.
 */
export async function replaceWalletRanks(client: PoolClient, analysisId: string, walletRanks: ReadonlyMap<string, ArrayLike<number>>): Promise<void> {
  await client.query('DELETE FROM analysis_wallet_ranks WHERE analysis_id = $1', [analysisId]);
  await pipeline(Readable.from(rankRows(analysisId, walletRanks), { objectMode: false }), client.query(copyFrom('COPY analysis_wallet_ranks (analysis_id, wallet, ranks) FROM STDIN')));
}
