// What GET /v1/analyses/{id}/pairs answers: a page of a completed analysis's pairs from
// analysis_pairs, strongest first, paged by rank (keyset: a page costs the same at any depth).
import type { Pool } from 'pg';
import { countWalletPairs, rankCountAtLeast, rankedPairs, type PairsSource } from '../store/analysis-pairs';
import { pairInTodaysShape } from './analysis-view';
import { ProblemError } from './problem';
import { PAIRS_PAGE_DEFAULT_LIMIT, type PairsPage, type PairsPageQuery } from './schemas/pairs';
import { checkAddress } from './validation';

/** Cursor format version: a cursor of another version (or of another analysis) is refused, never misread. */
const CURSOR_VERSION = 'p1';
const CURSOR_PAYLOAD = /^p1:(0|[1-9][0-9]{0,9}):([A-Za-z0-9_-]{1,100})$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const MAX_RANK = 2 ** 31 - 1;

/** The cursor of the page after `rank` (the last rank served) of analysis `analysisId`: opaque base64url. */
export function encodePairsCursor(analysisId: string, rank: number): string {
  return Buffer.from(`${CURSOR_VERSION}:${rank}:${analysisId}`, 'utf8').toString('base64url');
}

const invalidCursor = (reason: string) =>
  new ProblemError('validation', `cursor ${reason}: pass the \`nextCursor\` of the previous page unchanged, or leave cursor out for the first page`, [
    { pointer: '/querystring/cursor', detail: reason },
  ]);

/**
 * The last rank served before the page `cursor` asks for. Strict: only a cursor this API wrote for
 * this analysis, byte for byte (base64url without padding, its canonical encoding), is accepted.
 */
export function decodePairsCursor(analysisId: string, cursor: string): number {
  if (!BASE64URL.test(cursor)) throw invalidCursor('is not one this API gave out (not base64url)');
  const payload = Buffer.from(cursor, 'base64url');
  if (payload.toString('base64url') !== cursor) throw invalidCursor('is not one this API gave out (not canonical base64url)');
  const m = CURSOR_PAYLOAD.exec(payload.toString('utf8'));
  if (!m) throw invalidCursor('is not one this API gave out');
  if (m[2] !== analysisId) throw invalidCursor(`belongs to another analysis (${m[2]})`);
  const rank = Number(m[1]);
  if (rank > MAX_RANK) throw invalidCursor('is not one this API gave out (rank out of range)');
  return rank;
}

/**
 * What a pairs query says by itself, checked before the analysis's state: a cursor this API wrote for
 * this analysis (its last rank served, -1 for the first page) and a wallet that is an address. So a
 * malformed one is told at once, not only once the analysis has completed.
 */
export function checkPairsQuery(analysisId: string, query: Pick<PairsPageQuery, 'cursor' | 'wallet'>): number {
  if (query.wallet !== undefined) checkAddress('wallet', query.wallet);
  return query.cursor === undefined ? -1 : decodePairsCursor(analysisId, query.cursor);
}

/**
 * A page of the pairs of a completed analysis (`source`). `minScore` ends the ranking where
 * combined drops below it (a binary search), `wallet` reads that wallet's row of ranks
 * (analysis_wallet_ranks), then those pairs by rank; `matched` counts the pairs both filters let
 * through, over all pages.
 */
export async function loadPairsPage(pool: Pool, analysisId: string, source: PairsSource, query: PairsPageQuery): Promise<PairsPage> {
  const { cursor, minScore, wallet } = query;
  const limit = query.limit ?? PAIRS_PAGE_DEFAULT_LIMIT;
  const afterRank = checkPairsQuery(analysisId, { cursor, wallet });
  if (afterRank >= source.pairCount) throw invalidCursor(`points past the last pair of this analysis (it has ${source.pairCount})`);
  if (wallet !== undefined) {
    if (!source.wallets.includes(wallet)) {
      throw new ProblemError('validation', `wallet ${wallet} is not in this analysis's group of ${source.wallets.length} wallets: pass one of the \`wallets\` GET /v1/analyses/${analysisId} lists, or leave wallet out`, [
        { pointer: '/querystring/wallet', detail: 'not in the analysis\'s group' },
      ]);
    }
    const failed = source.failedWallets.find((f) => f.wallet === wallet);
    if (failed) {
      throw new ProblemError('validation', `wallet ${wallet} is in this analysis's group but was left out of its computation (${failed.reason}): it has no pairs; its \`failedWallets\` entry says why`, [
        { pointer: '/querystring/wallet', detail: 'left out of the computation' },
      ]);
    }
  }
  const endRank = minScore === undefined ? source.pairCount : await rankCountAtLeast(pool, analysisId, minScore, source.pairCount);
  // one row more than the page: whether another page follows, without counting
  const [matched, rows] = await Promise.all([
    wallet === undefined ? endRank : countWalletPairs(pool, analysisId, wallet, endRank),
    rankedPairs(pool, { analysisId, afterRank, endRank, limit: limit + 1, wallet }),
  ]);
  const page = rows.slice(0, limit);
  return {
    analysisId,
    pairCount: source.pairCount,
    matched,
    pairs: page.map((r) => pairInTodaysShape(r.pair)) as PairsPage['pairs'],
    nextCursor: rows.length > limit ? encodePairsCursor(analysisId, page[page.length - 1].rank) : null,
  };
}
