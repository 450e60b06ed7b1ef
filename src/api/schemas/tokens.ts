// /v1/tokens: the token registry and user-triggered enrichment. Pure data (see common.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { address, nullableNumber, nullableString, temporalUiLinks } from './common';

/** Mints one POST /v1/tokens/enrich may name (10 DexScreener batches of 30). */
export const tokenStatus = { type: 'string', enum: ['pending', 'resolved', 'unknown', 'failed'] } as const;
export type TokenStatus = FromSchema<typeof tokenStatus>;

export const MAX_MINTS_PER_ENRICH_REQUEST = 300;

export const token = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mint: { type: 'string' },
    status: tokenStatus,
    symbol: nullableString,
    name: nullableString,
    imageUrl: nullableString,
    priceUsd: nullableNumber,
    liquidityUsd: nullableNumber,
    pairAddress: nullableString,
    dexId: nullableString,
    metadataFetchedAt: nullableString,
    priceFetchedAt: nullableString,
  },
} as const;

export type TokenView = FromSchema<typeof token>;

export const tokenRecord = { ...token, properties: { ...token.properties, nextAttemptAt: nullableString, lastError: nullableString } } as const;

export const mintParams = { type: 'object', additionalProperties: false, required: ['mint'], properties: { mint: address } } as const;

export const enrichTokensBody = {
  type: 'object',
  additionalProperties: false,
  required: ['mints'],
  properties: { mints: { type: 'array', minItems: 1, maxItems: MAX_MINTS_PER_ENRICH_REQUEST, items: address } },
} as const;

export const enrichTokensStarted = {
  type: 'object',
  properties: { workflowId: { type: 'string' }, mints: { type: 'array', items: { type: 'string' } }, links: temporalUiLinks },
} as const;
