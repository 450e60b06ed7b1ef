// GET /v1/analyses/{id}/changes?since=<id>: what changed between two completed analyses of a
// group (the same wallets analysed again later, or a group that gained or lost some): the wallets,
// the clusters matched by the members they share, and the links formed and broken. Pure data like
// every schema module.
import type { FromSchema } from 'json-schema-to-ts';
import { address } from './common';
import { analysisIdParams } from './analyses';

/** Links of each kind listed when `limit` is left out, and the most. */
export const CHANGES_DEFAULT_LIMIT = 100;
export const CHANGES_MAX_LIMIT = 1_000;

export const changesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { ...analysisIdParams.properties.id, description: 'the analysis to compare with (usually an earlier one of the same group), completed and visible to this key' },
    limit: { type: 'integer', minimum: 1, maximum: CHANGES_MAX_LIMIT, default: CHANGES_DEFAULT_LIMIT, description: `links formed and broken listed at most, each (the strongest first), 1 to ${CHANGES_MAX_LIMIT}` },
  },
  required: ['since'],
} as const;
export type ChangesQuery = FromSchema<typeof changesQuery>;

const wallets = { type: 'array', items: address } as const;
const cluster = {
  type: 'object',
  additionalProperties: false,
  properties: {
    members: { ...wallets, description: 'sorted addresses' },
    confidence: { type: 'number', description: "the cluster's confidence in its analysis (mean combined over its member pairs)" },
  },
  required: ['members', 'confidence'],
} as const;
const analysisSide = {
  type: 'object',
  additionalProperties: false,
  properties: {
    analysisId: { type: 'string' },
    completedAt: { type: ['string', 'null'], format: 'date-time' },
    engineVersion: { type: ['string', 'null'] },
    clusterThreshold: { type: 'number', description: 'the combined score at or above which a pair is a link in this analysis' },
  },
  required: ['analysisId', 'completedAt', 'engineVersion', 'clusterThreshold'],
} as const;
const link = {
  type: 'object',
  additionalProperties: false,
  properties: {
    walletA: address,
    walletB: address,
    combined: { type: ['number', 'null'], description: "the pair's combined score in this analysis (null: none)" },
    before: { type: ['number', 'null'], description: 'in the analysis of `since`' },
  },
  required: ['walletA', 'walletB', 'combined', 'before'],
} as const;

export const analysisChanges = {
  type: 'object',
  additionalProperties: false,
  properties: {
    analysis: analysisSide,
    since: analysisSide,
    wallets: {
      type: 'object',
      additionalProperties: false,
      description: 'the wallets each analysis analysed (its group, less those it left out); links are compared over the wallets of both, clusters with all their members',
      properties: {
        added: { ...wallets, description: 'analysed by this analysis only' },
        removed: { ...wallets, description: 'analysed by the analysis of `since` only' },
        compared: { type: 'integer', description: 'analysed by both' },
      },
      required: ['added', 'removed', 'compared'],
    },
    clusters: {
      type: 'object',
      additionalProperties: false,
      description:
        "each cluster matched to at most one of the other analysis's, those sharing the most members first: a cluster that split keeps the match with its larger part (the other `formed`), two that merged leave the smaller `dissolved`",
      properties: {
        changed: {
          type: 'array',
          description: 'matched clusters whose members moved, the most moved first',
          items: {
            type: 'object',
            additionalProperties: false,
            properties: {
              before: cluster,
              after: cluster,
              joined: { ...wallets, description: 'members now that were not then' },
              left: { ...wallets, description: 'members then that are not now (a wallet `removed` too, when it was not analysed now)' },
            },
            required: ['before', 'after', 'joined', 'left'],
          },
        },
        unchanged: { type: 'array', items: cluster, description: 'matched clusters of the same members (as this analysis scores them)' },
        formed: { type: 'array', items: cluster, description: "this analysis's clusters matched to none" },
        dissolved: { type: 'array', items: cluster, description: "the clusters of `since` matched to none" },
      },
      required: ['changed', 'unchanged', 'formed', 'dissolved'],
    },
    links: {
      type: 'object',
      additionalProperties: false,
      description: "pairs of wallets analysed by both that are a link (combined at or above its analysis's cluster threshold) in one analysis and not in the other",
      properties: {
        formed: { type: 'array', items: link, description: 'links now that were not then, strongest now first' },
        broken: { type: 'array', items: link, description: 'links then that are not now, strongest then first' },
        formedCount: { type: 'integer', description: 'every link formed (`formed` lists up to `limit`)' },
        brokenCount: { type: 'integer', description: 'every link broken' },
      },
      required: ['formed', 'broken', 'formedCount', 'brokenCount'],
    },
  },
  required: ['analysis', 'since', 'wallets', 'clusters', 'links'],
} as const;
export type AnalysisChanges = FromSchema<typeof analysisChanges>;
