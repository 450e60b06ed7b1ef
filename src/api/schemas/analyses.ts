// /v1/analyses: the analysis request, its progress and its view. Pure data (see common.ts): the
// workflow contract (src/workflows/contract.ts) takes its input and progress types from here with
// `import type`, so one definition serves the route, the OpenAPI document, the workflow and the CLI.
import type { FromSchema } from 'json-schema-to-ts';
import { address, nullableString, open } from './common';
import { similarityResult } from './similarity-result';
import { token } from './tokens';

export const syncMode = { type: 'string', enum: ['auto', 'force', 'skip'] } as const;
export type SyncMode = FromSchema<typeof syncMode>;

const weight = { type: 'number', minimum: 0, maximum: 100 } as const;
const fraction = { type: 'number', minimum: 0, maximum: 1 } as const;

export const metricWeights = {
  type: 'object',
  additionalProperties: false,
  description:
    'relative weights of the metrics in each pair\'s `similarity` blend (missing ones take the defaults; at least one above 0); `combined`, which ranks the pairs and forms the clusters, is the relatedness score and takes no weights',
  properties: { capital: weight, binary: weight, jaccardTraded: weight, jaccardHeld: weight, behavior: weight, timing: weight },
} as const;
export type MetricWeights = FromSchema<typeof metricWeights>;

/** The strongest pairs `result.pairs` lists when the request leaves `topPairs` out, and the most it may ask for. */
export const DEFAULT_TOP_PAIRS = 1_000;
export const MAX_TOP_PAIRS = 5_000;

/** The longest analysis window a request may ask for, in days (ten years). */
export const MAX_WINDOW_DAYS = 3650;

/** The parameters of an analysis besides its wallets; the analyses row stores them as `params`. */
const analysisParamsProperties = {
  weights: metricWeights,
  window: { type: ['integer', 'null'], minimum: 1, maximum: MAX_WINDOW_DAYS, default: null, description: 'analysis window in days; absent or null: the full history' },
  sync: { ...syncMode, default: 'auto', description: "auto: sync wallets that are not READY; force: sync all (and, for a token request, scan its holders afresh rather than take the same key's earlier analysis's scan of the last HOLDER_CACHE_SECONDS); skip: use stored data only" },
  failureThreshold: { ...fraction, default: 0.8, description: 'share of wallets that must succeed' },
  clusterThreshold: { ...fraction, description: 'pairs with combined at or above this are edges of the clustering graph (default 0.3)' },
  topPairs: {
    type: 'integer',
    minimum: 0,
    maximum: MAX_TOP_PAIRS,
    description: `how many of the strongest pairs the result itself lists (default ${DEFAULT_TOP_PAIRS}); every pair is served by GET /v1/analyses/{id}/pairs`,
  },
} as const;

/** The body of POST /v1/analyses; the group's size limit is configuration (MAX_WALLETS_PER_ANALYSIS). */
export const analysisRequestSchema = (maxWallets: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['wallets'],
    properties: {
      wallets: { type: 'array', minItems: 2, maxItems: maxWallets, items: address, description: `2 to ${maxWallets} distinct wallet addresses` },
      ...analysisParamsProperties,
    },
  }) as const;

/** How many holders a token request analyses when `top` is left out (at most the group limit). */
export const DEFAULT_TOP_HOLDERS = 100;

const tokenProperty = { ...address, description: 'a token mint: its largest holders (ordinary wallets only) are the group' } as const;
const topProperty = (maxWallets: number) =>
  ({ type: 'integer', minimum: 2, maximum: maxWallets, description: `how many of the largest eligible holders to analyse, 2 to ${maxWallets} (default ${Math.min(DEFAULT_TOP_HOLDERS, maxWallets)})` }) as const;

/** A token request as the API validated it: the group is the mint's `top` largest eligible holders. */
export const tokenAnalysisRequestSchema = (maxWallets: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['token'],
    properties: {
      token: tokenProperty,
      top: { ...topProperty(maxWallets), default: Math.min(DEFAULT_TOP_HOLDERS, maxWallets) },
      ...analysisParamsProperties,
    },
  }) as const;
export type TokenAnalysisRequest = FromSchema<ReturnType<typeof tokenAnalysisRequestSchema>>;

/**
 * The body of POST /v1/analyses: exactly one of `wallets` (the group) and `token` (a mint whose
 * largest holders are the group); `top` only with `token`. The route names a body with both or
 * neither; `top`'s default applies to token requests only.
 */
export const analysisStartSchema = (maxWallets: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    description: 'Either `wallets` (the group) or `token` with an optional `top` (the group is the token\'s largest holders), not both.',
    properties: {
      wallets: analysisRequestSchema(maxWallets).properties.wallets,
      token: tokenProperty,
      top: topProperty(maxWallets),
      ...analysisParamsProperties,
    },
    if: { required: ['token'] },
    then: { properties: { top: { default: Math.min(DEFAULT_TOP_HOLDERS, maxWallets) } } },
  }) as const;
/** What a client may send to POST /v1/analyses (either request). */
export type AnalysisStartBody = FromSchema<ReturnType<typeof analysisStartSchema>, { keepDefaultedPropertiesOptional: true }>;

type AnalysisRequestSchema = ReturnType<typeof analysisRequestSchema>;
/** The request as the API validated it: every default filled in (fastify's Ajv runs with useDefaults). */
export type AnalysisRequest = FromSchema<AnalysisRequestSchema>;
/** What a client may send: properties with a default may be left out. */
export type AnalysisRequestBody = FromSchema<AnalysisRequestSchema, { keepDefaultedPropertiesOptional: true }>;
/** The analyses row's `params`: the validated request without its wallets (they have their own column). */
export type AnalysisParams = Omit<AnalysisRequest, 'wallets'>;

export const idempotencyKeyHeaders = {
  type: 'object',
  properties: {
    'idempotency-key': {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      // printable ASCII: HTTP carries header values as bytes, and other characters arrive mis-decoded
      pattern: '^[\\x20-\\x7E]+$',
      description: 'repeat a request safely: the same key (printable ASCII, sent once) answers with the same analysis',
    },
  },
} as const;

export const analysisIdParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'analysis id (a UUID)' } },
  required: ['id'],
  additionalProperties: false,
} as const;

export const analysisLinks = {
  type: 'object',
  properties: {
    self: { type: 'string' },
    events: { type: 'string' },
    temporalUi: { type: 'string', description: 'the workflow in the Temporal Web UI' },
    pairs: { type: 'string', description: 'every pair, a page at a time, once completed' },
  },
  required: ['self', 'events', 'temporalUi', 'pairs'],
} as const;
export type AnalysisLinks = FromSchema<typeof analysisLinks>;

export const startedAnalysis = {
  type: 'object',
  properties: { analysisId: { type: 'string' }, workflowId: { type: 'string' }, status: { type: 'string' }, idempotentReplay: { type: 'boolean' }, links: analysisLinks },
  required: ['analysisId', 'workflowId', 'status', 'idempotentReplay', 'links'],
} as const;
/** The 202 answer of POST /v1/analyses. */
export type StartedAnalysis = FromSchema<typeof startedAnalysis>;

/** The 202 answer of proceed and cancel. */
export const analysisControlResponse = {
  type: 'object',
  properties: { analysisId: { type: 'string' }, workflowId: { type: 'string' }, status: { type: 'string' }, links: analysisLinks },
  required: ['analysisId', 'workflowId', 'status', 'links'],
} as const;

/** `POST /v1/analyses?wait=`: seconds to wait for the result before answering 202 (0: answer at once). */
export const startAnalysisQuery = (maxWaitSeconds: number) =>
  ({
  type: 'object',
  additionalProperties: false,
  properties: {
    wait: {
      type: 'integer',
      minimum: 0,
      maximum: maxWaitSeconds,
      default: 0,
      description: `Seconds (0–${maxWaitSeconds}) to wait for the analysis to finish: 200 with the finished analysis when it does within that time (e.g. every wallet READY and its balances cached), else 202 as without it.`,
    },
  },
  }) as const;

export const analysisStatus = { type: 'string', enum: ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'] } as const;
export const enrichmentStatus = { type: 'string', enum: ['not_started', 'running', 'completed', 'failed'] } as const;
export type AnalysisStatus = FromSchema<typeof analysisStatus>;
export type EnrichmentStatus = FromSchema<typeof enrichmentStatus>;

/** Wallets GET /v1/analyses?wallets= takes at most. */
export const SHARED_WALLETS_MAX = 100;

export const listAnalysesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    wallet: { ...address, description: 'only the analyses whose group includes this wallet' },
    wallets: {
      type: 'string',
      minLength: 1,
      maxLength: SHARED_WALLETS_MAX * 45,
      description: `2 to ${SHARED_WALLETS_MAX} wallet addresses, comma-separated: only the analyses whose group shares at least \`minShared\` of them, those sharing most first (then the newest), each with \`shared\`; not with \`wallet\` or \`sharing\``,
    },
    sharing: {
      ...analysisIdParams.properties.id,
      description:
        'an analysis id: only the other analyses whose group shares at least `minShared` of its wallets (a group of any size), those sharing most first (then the newest), each with `shared`; not with `wallet` or `wallets`. One this key cannot see: 404; a token analysis whose holders are not resolved yet lists none',
    },
    minShared: { type: 'integer', minimum: 1, description: 'with `wallets` or `sharing`: how many of the wallets a group must share (default: half of them, rounded up)' },
    status: { ...analysisStatus, description: 'only the analyses with this status' },
    before: {
      ...analysisIdParams.properties.id,
      description:
        "the newest-first list (and `wallet`'s): only the analyses after this one in that order, so the last one listed gives the next page; with `wallets` or `sharing`: only those created before it. An id this key cannot see: none",
    },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
} as const;


export const analysisList = {
  type: 'object',
  properties: {
    analyses: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          analysisId: { type: 'string' },
          workflowId: { type: 'string' },
          status: { type: 'string' },
          wallets: { type: 'array', items: { type: 'string' } },
          createdAt: { type: 'string' },
          completedAt: nullableString,
          summary: { type: ['object', 'null'], additionalProperties: true },
          error: nullableString,
          enrichmentStatus: { type: 'string' },
          shared: { type: 'integer', description: 'with `wallets`: how many of them its group includes' },
          links: analysisLinks,
        },
      },
    },
  },
} as const;
export type AnalysisList = FromSchema<typeof analysisList>;

/** READY / STALE / MISSING / SYNCING: how a wallet's stored history stands. */
export const walletHistoryStatus = { type: 'string', enum: ['READY', 'STALE', 'MISSING', 'SYNCING'] } as const;
export type WalletHistoryStatus = FromSchema<typeof walletHistoryStatus>;

export const analysisPhase = { type: 'string', enum: ['starting', 'checking', 'syncing', 'computing', 'completed', 'failed', 'cancelled'] } as const;
export type AnalysisPhase = FromSchema<typeof analysisPhase>;
export const walletSyncState = { type: 'string', enum: ['pending', 'not_needed', 'syncing', 'joined', 'synced', 'partial', 'failed'] } as const;
export type WalletSyncState = FromSchema<typeof walletSyncState>;
export const balanceState = { type: 'string', enum: ['pending', 'fetched', 'cached', 'failed'] } as const;

export const walletProgress = {
  type: 'object',
  properties: {
    status: { type: ['string', 'null'], enum: [...walletHistoryStatus.enum, null] },
    sync: walletSyncState,
    pages: { type: 'integer' },
    transactions: { type: 'integer' },
    balances: balanceState,
    error: nullableString,
  },
  required: ['status', 'sync', 'pages', 'transactions', 'balances', 'error'],
} as const;
export type WalletProgress = FromSchema<typeof walletProgress>;

const progressProperties = {
  analysisId: { type: 'string' },
  phase: analysisPhase,
  percent: { type: 'number' },
  wallets: { type: 'object', additionalProperties: walletProgress },
  proceedRequested: { type: 'boolean' },
  enrichment: {
    type: 'object',
    properties: { state: { type: 'string', enum: ['not_started', 'started', 'not_needed'] }, workflowId: nullableString },
    required: ['state', 'workflowId'],
  },
  error: nullableString,
} as const;
const progressRequired = ['analysisId', 'phase', 'percent', 'wallets', 'proceedRequested', 'enrichment', 'error'] as const;

/** The answer of the analysis workflow's `progress` query. */
export const analysisProgress = { type: 'object', properties: progressProperties, required: progressRequired } as const;
export type AnalysisProgress = FromSchema<typeof analysisProgress>;

/** A token request's holders: which were analysed, which were left out and why (docs/analytics.md). */
export const tokenHolders = {
  type: ['object', 'null'],
  description: 'token requests only: the mint, and once its holders are resolved, how the group was chosen and who was left out',
  properties: {
    token: { type: 'string' },
    top: { type: 'integer' },
    resolved: { type: 'boolean', description: 'false until the holders are known (the group is then empty)' },
    accountsSeen: { type: 'integer', description: 'token accounts with a balance read (an emptied account is no holding)' },
    ownersSeen: { type: 'integer', description: 'distinct owners with a non-zero balance' },
    ownersTested: { type: 'integer', description: 'present when fewer than ownersSeen (a token of more than 100,000 owners): the largest owners tested by the exclusion rules, which eligible and excludedCounts count' },
    eligible: { type: 'integer', description: 'owners that are ordinary wallets (of ownersTested, when present)' },
    selected: { type: 'integer', description: 'wallets in the group (at most top)' },
    pages: { type: 'integer', description: "the scan's requests: getProgramAccountsV2's pages of 10,000 accounts, or (an RPC without that method) DAS getTokenAccounts' pages of 1,000" },
    complete: { type: 'boolean', description: "false when the scan stopped at its page cap: the ranking then covers the accounts read and the mint's largest accounts (largestAccounts)" },
    largestAccounts: {
      type: 'object',
      description: "a scan stopped at its page cap: the mint's largest token accounts (getTokenLargestAccounts, at most 20) read besides, how many the pages had not listed, or why they could not be read",
      properties: { read: { type: 'integer' }, added: { type: 'integer' }, unread: { type: 'string' } },
      required: ['read', 'added'],
    },
    excludedCounts: { type: 'object', properties: { burn: { type: 'integer' }, amm: { type: 'integer' }, exchange: { type: 'integer' }, 'off-curve': { type: 'integer' }, service: { type: 'integer' } } },
    excluded: {
      type: 'array',
      description: 'the largest owners left out (at most 20)',
      items: { type: 'object', properties: { owner: { type: 'string' }, amount: { type: 'string' }, accounts: { type: 'integer' }, reason: { type: 'string', enum: ['burn', 'amm', 'exchange', 'off-curve', 'service'] }, label: { type: 'string' } }, required: ['owner', 'amount', 'accounts', 'reason'] },
    },
    launch: {
      type: ['object', 'null'],
      description: "the token's launch: its oldest successful transaction (creation), whose block holds the creator's buy and any bundle; null when it could not be read (launchUnread says why)",
      properties: { signature: { type: 'string' }, slot: { type: 'integer' }, timestamp: { type: 'integer', description: 'block time, unix seconds' } },
      required: ['signature', 'slot', 'timestamp'],
    },
    launchUnread: { type: 'string', description: 'why the launch could not be read (the analysis went on without the launch-block rule)' },
    scannedAt: {
      type: 'string',
      format: 'date-time',
      description:
        "when the token's accounts were read: before the analysis began when its holders were kept from the same API key's earlier analysis of the token and top (HOLDER_CACHE_SECONDS, 2 minutes by default; sync 'force' scans afresh). Absent on analyses resolved before it was recorded",
    },
  },
  required: ['token', 'top', 'resolved'],
} as const;
export type TokenHolders = FromSchema<typeof tokenHolders>;

export const analysisView = {
  type: 'object',
  properties: {
    analysisId: { type: 'string' },
    workflowId: { type: 'string' },
    status: analysisStatus,
    wallets: { type: 'array', items: { type: 'string' } },
    params: { type: 'object', description: 'the parameters of the request, defaults filled in', properties: analysisParamsProperties },
    holders: tokenHolders,
    createdAt: { type: 'string' },
    completedAt: nullableString,
    progress: {
      type: ['object', 'null'],
      description: 'live progress from the workflow query (while running; the last known state afterwards)',
      properties: progressProperties,
      required: progressRequired,
    },
    error: nullableString,
    summary: { ...open, type: ['object', 'null'] },
    result: similarityResult,
    coverage: { type: ['array', 'null'], items: open },
    failedWallets: {
      type: ['array', 'null'],
      items: { type: 'object', properties: { wallet: { type: 'string' }, reason: { type: 'string' } }, required: ['wallet', 'reason'] },
    },
    enrichment: {
      type: 'object',
      properties: {
        status: enrichmentStatus,
        workflowId: nullableString,
        fetchingElsewhere: {
          type: 'integer',
          minimum: 0,
          description:
            'once enrichment finished: how many of the analysis\'s tokens another enrichment run is fetching now (their rows in tokens change when it stores them; the event stream sends `tokens` as this falls, with the records of the tokens stored since its previous event, and ends at 0)',
        },
      },
      required: ['status', 'workflowId', 'fetchingElsewhere'],
    },
    tokens: { type: ['object', 'null'], description: 'metadata and prices of the token universe, once enrichment finished', additionalProperties: token },
    links: analysisLinks,
  },
  required: ['analysisId', 'workflowId', 'status', 'wallets', 'params', 'createdAt', 'completedAt', 'progress', 'error', 'summary', 'result', 'coverage', 'failedWallets', 'enrichment', 'tokens', 'links'],
} as const;
/** The body of GET /v1/analyses/{id}. */
export type AnalysisView = FromSchema<typeof analysisView>;
