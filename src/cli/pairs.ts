// Every pair of an analysis, a page at a time (GET /v1/analyses/{id}/pairs): `wallet-similarity
// pairs <id>` prints pages as the show table or as NDJSON, and `show <id> --pair <A> <B>` finds a
// pair the result does not list (it lists only its strongest `topPairs`) by paging A's pairs.
import type { AnalysisView } from '../api/schemas/analyses';
import type { PairsPage, PairsPageQuery } from '../api/schemas/pairs';
import type { SimilarityPair } from '../domain/similarity/types';
import type { ApiClient } from './api-client';
import { PairNotFoundError, pairInResult, resolveWallet } from './pair-detail';
import { pairTotals, pairsTable, rankedPairs, servedResult, shortAddress, type RenderOptions } from './render';
import { plural } from './evidence';

/** The API's most pairs per page: what the CLI asks for when it reads pages it does not print. */
export const MAX_PAGE = 1000;

/** The part of the API client paging needs (a fake one in tests). */
export type PairsSource = Pick<ApiClient, 'getPairsPage'>;

/** Pages of the analysis's pairs matching `query`, from the first; one page unless `all`. */
export async function* pairPages(api: PairsSource, id: string, query: Omit<Partial<PairsPageQuery>, 'cursor'>, all: boolean): AsyncGenerator<PairsPage> {
  let cursor: string | undefined;
  for (;;) {
    const page = await api.getPairsPage(id, { ...query, ...(cursor ? { cursor } : {}) });
    yield page;
    if (!all || page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** A page as the show table, numbered from `first`, under a line saying which pairs these are. */
export function renderPairsPage(view: AnalysisView, page: PairsPage, first: number, filters: { minScore?: number; wallet?: string }, opts: RenderOptions = {}): string {
  const what = [filters.wallet ? `of ${shortAddress(filters.wallet)}` : '', filters.minScore !== undefined ? `with relatedness ≥ ${filters.minScore}` : ''].filter(Boolean).join(' ');
  const of = what ? `${plural(page.matched, 'pair')} ${what} (of ${page.pairCount})` : plural(page.pairCount, 'pair');
  if (page.pairs.length === 0) return first > 1 ? `No pairs left of ${of}.` : what ? `No pairs ${what} (of ${page.pairCount}).` : 'No pairs.';
  const last = first + page.pairs.length - 1;
  return [`Pairs ${first}–${last} of ${of}, strongest first:`, pairsTable(view, page.pairs as unknown as SimilarityPair[], opts, first)].join('\n');
}

/** The wallet of the group `--wallet` names (full address, unique prefix or short form). */
export function groupWallet(view: AnalysisView, given: string): string {
  return resolveWallet(view.wallets, given);
}

/**
 * The pair of the two wallets named, in the result or, when the result lists only its strongest
 * pairs, in A's pages (`?wallet=A`, the largest pages) until B turns up. `rank`: its place in the
 * result (#n), or among A's pairs when it came from the pages.
 */
export async function locatePair(api: PairsSource, view: AnalysisView, first: string, second: string): Promise<{ pair: SimilarityPair; rank: string }> {
  const { x, y, pair } = pairInResult(view, first, second);
  const result = servedResult(view);
  if (pair) return { pair, rank: `#${rankedPairs(result.pairs).indexOf(pair) + 1}` };
  if (pairTotals(result).complete) throw new PairNotFoundError(`analysis ${view.analysisId} has no pair of ${x} and ${y}`);
  let seen = 0;
  for await (const page of pairPages(api, view.analysisId, { wallet: x, limit: MAX_PAGE }, true)) {
    const at = page.pairs.findIndex((p) => (p.walletA === x && p.walletB === y) || (p.walletA === y && p.walletB === x));
    if (at >= 0) return { pair: page.pairs[at] as unknown as SimilarityPair, rank: `#${seen + at + 1} of ${page.matched} pairs of ${shortAddress(x)}` };
    seen += page.pairs.length;
  }
  throw new PairNotFoundError(`analysis ${view.analysisId} has no pair of ${x} and ${y}`);
}
