// GET /v1/analyses/{id}/pairs: every pair of a completed analysis, strongest first, a page at a
// time from PostgreSQL (analysis_pairs). The analysis's own `result.pairs` holds only its strongest
// `topPairs`; this is how a client reads the rest of a large group (1,000 wallets: 499,500 pairs).
// Pure data like every schema module.
import type { FromSchema } from 'json-schema-to-ts';
import { address } from './common';
import { similarityPair } from './similarity-result';

/** Pairs per page when `limit` is left out, and the most a page may hold. */
export const PAIRS_PAGE_DEFAULT_LIMIT = 100;
export const PAIRS_PAGE_MAX_LIMIT = 1_000;

export const pairsPageQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    cursor: { type: 'string', minLength: 1, maxLength: 200, description: 'the `nextCursor` of the previous page (opaque); absent: the first page' },
    limit: { type: 'integer', minimum: 1, maximum: PAIRS_PAGE_MAX_LIMIT, default: PAIRS_PAGE_DEFAULT_LIMIT, description: `pairs per page, 1 to ${PAIRS_PAGE_MAX_LIMIT}` },
    minScore: { type: 'number', minimum: 0, maximum: 1, description: 'only pairs whose `scores.combined` is at least this (pairs without a combined score are left out)' },
    wallet: { ...address, description: 'only the pairs of this wallet (one of the analysis\'s group)' },
  },
} as const;
export type PairsPageQuery = FromSchema<typeof pairsPageQuery>;

export const pairsPage = {
  type: 'object',
  properties: {
    analysisId: { type: 'string' },
    pairCount: { type: 'integer', description: 'pairs of the whole analysis' },
    matched: { type: 'integer', description: 'pairs that match the filters (`minScore`, `wallet`), over all pages' },
    pairs: { type: 'array', items: similarityPair, description: 'strongest first: `scores.combined` descending (pairs without it last), ties in the group\'s order' },
    nextCursor: { type: ['string', 'null'], description: 'pass as `cursor` for the next page; null on the last page' },
  },
  required: ['analysisId', 'pairCount', 'matched', 'pairs', 'nextCursor'],
} as const;
export type PairsPage = FromSchema<typeof pairsPage>;
