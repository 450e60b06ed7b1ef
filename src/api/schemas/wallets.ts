// /v1/wallets: stored history status, syncs and stored analytics. Pure data (see common.ts).
import type { FromSchema } from 'json-schema-to-ts';
import { address, nullableString, open, temporalUiLinks } from './common';
import { walletHistoryStatus } from './analyses';

/** The body of POST /v1/wallets/status and /v1/wallets/sync; the size limit is configuration. */
export const walletsBody = (maxWallets: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['wallets'],
    properties: { wallets: { type: 'array', minItems: 1, maxItems: maxWallets, items: address, description: `1 to ${maxWallets} distinct wallet addresses` } },
  }) as const;

export const walletStatus = {
  type: 'object',
  additionalProperties: false,
  properties: {
    wallet: { type: 'string' },
    status: walletHistoryStatus,
    lastSyncedAt: nullableString,
    syncWorkflowId: nullableString,
    sync: { type: ['object', 'null'], description: 'progress of the running sync', properties: { pages: { type: 'integer' }, transactions: { type: 'integer' } } },
    lastSyncError: nullableString,
  },
} as const;

export type WalletStatusView = FromSchema<typeof walletStatus>;

export const walletStatuses = { type: 'object', properties: { wallets: { type: 'array', items: walletStatus } } } as const;

export const syncsStarted = {
  type: 'object',
  properties: {
    syncs: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          wallet: { type: 'string' },
          workflowId: { type: 'string' },
          started: { type: 'boolean', description: 'false: a sync of this wallet was already running and is joined' },
          links: temporalUiLinks,
        },
      },
    },
  },
} as const;

export const walletAddressParams = { type: 'object', additionalProperties: false, required: ['address'], properties: { address } } as const;

export const walletAnalytics = {
  type: 'object',
  additionalProperties: false,
  properties: {
    wallet: { type: 'string' },
    status: walletStatus,
    pnl: open,
    behavior: open,
    coverage: open,
    engineVersion: { type: 'string', description: 'version of the analytics rules the stored figures follow' },
    computedAt: { type: 'string' },
    recomputing: {
      type: 'object',
      additionalProperties: false,
      required: ['engineVersion', 'started', 'detail'],
      description:
        'present when the stored figures follow an older engine than the service\'s and were not computed again within the request: they are being computed again from the stored history (no sync), are left to a sync of the wallet under way (afterSync), or could not be (started: false); ask again',
      properties: {
        engineVersion: { type: 'string', description: 'the engine that computes them again' },
        started: { type: 'boolean', description: 'whether their computation runs, or is left to a sync under way (afterSync) (false: over the client\'s allowance, Temporal could not start it, it failed, or a worker of an older engine ran it; detail says which, and asking again tries again)' },
        afterSync: { type: 'boolean', description: 'a sync of the wallet is under way: its end computes them (until then its stored history may have a gap), and nothing else is started' },
        workflowId: { type: 'string' },
        detail: { type: 'string' },
        links: temporalUiLinks,
      },
    },
  },
} as const;

export type WalletAnalyticsView = FromSchema<typeof walletAnalytics>;
