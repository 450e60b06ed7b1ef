// JSON schemas shared by several routes. They validate requests and document the API (OpenAPI via
// @fastify/swagger); response schemas also serialize, so open-ended objects allow extra properties.

export const address = { type: 'string', minLength: 1, maxLength: 64, description: 'Solana address (base58, 32 bytes)', example: '37RqtwV1Huak8b89qQy9AxxJgbKzeA3AECZxQMgboRsk' } as const;

export const analysisIdParams = {
  type: 'object',
  properties: { id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description: 'analysis id (a UUID)' } },
  required: ['id'],
  additionalProperties: false,
} as const;

export const links = {
  type: 'object',
  properties: {
    self: { type: 'string' },
    events: { type: 'string' },
    temporalUi: { type: 'string', description: 'the workflow in the Temporal Web UI' },
  },
} as const;

const open = { type: 'object', additionalProperties: true } as const;
const nullableNumber = { type: ['number', 'null'] } as const;

export const walletProgress = {
  type: 'object',
  properties: {
    status: { type: ['string', 'null'], enum: ['READY', 'STALE', 'MISSING', 'SYNCING', null] },
    sync: { type: 'string', enum: ['pending', 'not_needed', 'syncing', 'joined', 'synced', 'partial', 'failed'] },
    pages: { type: 'integer' },
    transactions: { type: 'integer' },
    balances: { type: 'string', enum: ['pending', 'fetched', 'cached', 'failed'] },
    error: { type: ['string', 'null'] },
  },
} as const;

export const progress = {
  type: ['object', 'null'],
  description: 'live progress from the workflow query (while running; the last known state afterwards)',
  properties: {
    phase: { type: 'string', enum: ['starting', 'checking', 'syncing', 'computing', 'completed', 'failed', 'cancelled'] },
    percent: { type: 'number' },
    wallets: { type: 'object', additionalProperties: walletProgress },
    proceedRequested: { type: 'boolean' },
    enrichment: { type: 'object', properties: { state: { type: 'string' }, workflowId: { type: ['string', 'null'] } } },
    error: { type: ['string', 'null'] },
  },
} as const;

const pair = {
  type: 'object',
  additionalProperties: true,
  properties: {
    walletA: { type: 'string' },
    walletB: { type: 'string' },
    scores: {
      type: 'object',
      properties: { capital: nullableNumber, binary: nullableNumber, jaccardTraded: nullableNumber, jaccardHeld: nullableNumber, behavior: nullableNumber, timing: nullableNumber, combined: nullableNumber },
    },
    strength: { type: ['string', 'null'] },
    sharedTokens: { type: 'array', items: { type: 'object', properties: { mint: { type: 'string' }, weightA: { type: 'number' }, weightB: { type: 'number' }, contribution: { type: 'number' } } } },
    insights: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, score: { type: 'number' }, reason: { type: 'string' } } } },
  },
} as const;

export const token = {
  type: 'object',
  properties: {
    mint: { type: 'string' },
    status: { type: 'string', enum: ['pending', 'resolved', 'unknown', 'failed'] },
    symbol: { type: ['string', 'null'] },
    name: { type: ['string', 'null'] },
    imageUrl: { type: ['string', 'null'] },
    priceUsd: nullableNumber,
    liquidityUsd: nullableNumber,
    pairAddress: { type: ['string', 'null'] },
    dexId: { type: ['string', 'null'] },
    metadataFetchedAt: { type: ['string', 'null'] },
    priceFetchedAt: { type: ['string', 'null'] },
  },
} as const;

export const analysisView = {
  type: 'object',
  properties: {
    analysisId: { type: 'string' },
    workflowId: { type: 'string' },
    status: { type: 'string', enum: ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'] },
    wallets: { type: 'array', items: { type: 'string' } },
    params: open,
    createdAt: { type: 'string' },
    completedAt: { type: ['string', 'null'] },
    progress,
    error: { type: ['string', 'null'] },
    summary: { ...open, type: ['object', 'null'] },
    result: {
      type: ['object', 'null'],
      description: 'the similarity result once completed',
      additionalProperties: true,
      properties: {
        engineVersion: { type: 'string' },
        parameters: open,
        pairs: { type: 'array', items: pair },
        clusters: { type: 'array', items: open },
        globalMetrics: open,
        coverage: { type: 'array', items: open },
        universe: open,
        mostCommonTokens: { type: 'array', items: open },
        tokenUniverse: { type: 'array', items: { type: 'string' } },
        partialWallets: { type: 'array', items: { type: 'string' } },
      },
    },
    coverage: { type: ['array', 'null'], items: open },
    failedWallets: { type: ['array', 'null'], items: { type: 'object', properties: { wallet: { type: 'string' }, reason: { type: 'string' } } } },
    enrichment: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['not_started', 'running', 'completed', 'failed'] }, workflowId: { type: ['string', 'null'] } },
    },
    tokens: { type: ['object', 'null'], description: 'metadata and prices of the token universe, once enrichment finished', additionalProperties: token },
    links,
  },
} as const;
