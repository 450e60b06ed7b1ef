// /v1/watches: a group (or a token's largest holders) analysed again on a schedule, each run an
// ordinary analysis compared with the watch's run completed before it. Pure data like every schema
// module.
import type { FromSchema } from 'json-schema-to-ts';
import { analysisIdParams, analysisStartSchema } from './analyses';

/** A watch's runs when none is asked for: once a day. */
export const WATCH_DEFAULT_EVERY_MINUTES = 1_440;
/** The longest interval between runs: 30 days. */
export const WATCH_MAX_EVERY_MINUTES = 43_200;
/** Runs GET /v1/watches/{id} lists when `runs` is left out, and the most. */
export const WATCH_RUNS_DEFAULT = 20;
export const WATCH_RUNS_MAX = 200;
/** Watches GET /v1/watches lists at most. */
export const WATCHES_LISTED_MAX = 100;

/** POST /v1/watches: the body of POST /v1/analyses, and how often to run it. */
export const watchStartSchema = (maxWallets: number, minEveryMinutes: number) => {
  const start = analysisStartSchema(maxWallets);
  return {
    ...start,
    description: `${start.description} Analysed at once, then every \`everyMinutes\`.`,
    properties: {
      ...start.properties,
      everyMinutes: {
        type: 'integer',
        minimum: minEveryMinutes,
        maximum: WATCH_MAX_EVERY_MINUTES,
        default: WATCH_DEFAULT_EVERY_MINUTES,
        description: `minutes between runs, ${minEveryMinutes} to ${WATCH_MAX_EVERY_MINUTES} (default ${WATCH_DEFAULT_EVERY_MINUTES}: daily); the first run starts at once, and a run still going when the next is due makes that one skipped`,
      },
    },
  } as const;
};
export type WatchStartBody = FromSchema<ReturnType<typeof watchStartSchema>, { keepDefaultedPropertiesOptional: true }>;

/** As an analysis's id: a UUID. */
export const watchIdParams = { ...analysisIdParams, properties: { id: { ...analysisIdParams.properties.id, description: 'watch id (a UUID)' } } } as const;

export const watchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { runs: { type: 'integer', minimum: 1, maximum: WATCH_RUNS_MAX, default: WATCH_RUNS_DEFAULT, description: `runs listed, newest first, 1 to ${WATCH_RUNS_MAX}` } },
} as const;

export const listWatchesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: WATCHES_LISTED_MAX, default: 20, description: `watches listed, newest first, 1 to ${WATCHES_LISTED_MAX}` } },
} as const;

const count = { type: 'integer', minimum: 0 } as const;
export const watchRunChanges = {
  type: 'object',
  additionalProperties: false,
  description: 'the counts of GET /v1/analyses/{analysisId}/changes?since={since} (links.changes): wallets analysed by one run only, clusters matched by the members they share, links formed and broken',
  properties: {
    walletsAdded: count,
    walletsRemoved: count,
    walletsCompared: count,
    clustersChanged: count,
    clustersFormed: count,
    clustersDissolved: count,
    clustersUnchanged: count,
    linksFormed: count,
    linksBroken: count,
  },
  required: ['walletsAdded', 'walletsRemoved', 'walletsCompared', 'clustersChanged', 'clustersFormed', 'clustersDissolved', 'clustersUnchanged', 'linksFormed', 'linksBroken'],
} as const;

export const watchRunComparison = {
  type: 'string',
  enum: ['compared', 'first', 'not-completed', 'engines-not-comparable', 'timeout'],
  description:
    'compared (with `since`), or why not: first (no run completed before it), not-completed (its analysis failed or was cancelled: the next run is compared with the last completed one), engines-not-comparable (an engine before 2.0.0), timeout (PostgreSQL stopped the comparison after 15 s: GET /v1/analyses/{id}/changes may still answer)',
} as const;

const watchRun = {
  type: 'object',
  additionalProperties: false,
  properties: {
    analysisId: { type: 'string' },
    status: { type: 'string', description: "the run's analysis: running, completed, failed or cancelled" },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: ['string', 'null'], format: 'date-time', description: 'when the run compared its analysis (null: not ended yet)' },
    since: { type: ['string', 'null'], description: 'the analysis of the run completed before it that this one was compared with (null: the first completed run, a run whose analysis did not complete, or an engine before 2.0.0)' },
    changes: { oneOf: [watchRunChanges, { type: 'null' }] },
    comparison: { oneOf: [watchRunComparison, { type: 'null' }], description: 'null until the run ended' },
    error: { type: ['string', 'null'], description: "why the run's analysis failed" },
    links: {
      type: 'object',
      additionalProperties: false,
      properties: {
        analysis: { type: 'string' },
        changes: { type: ['string', 'null'], description: 'the whole comparison with `since`' },
      },
      required: ['analysis', 'changes'],
    },
  },
  required: ['analysisId', 'status', 'startedAt', 'endedAt', 'since', 'changes', 'comparison', 'error', 'links'],
} as const;

const watchFields = {
  watchId: { type: 'string' },
  createdAt: { type: 'string', format: 'date-time' },
  everyMinutes: { type: 'integer' },
  request: { type: 'object', additionalProperties: true, description: 'the analysis each run starts, as POST /v1/analyses validated it (`wallets` sorted, or `token` and `top`; defaults filled in)' },
} as const;

export const watchSummary = {
  type: 'object',
  additionalProperties: false,
  properties: { ...watchFields, links: { type: 'object', additionalProperties: false, properties: { self: { type: 'string' } }, required: ['self'] } },
  required: ['watchId', 'createdAt', 'everyMinutes', 'request', 'links'],
} as const;

export type WatchSummary = FromSchema<typeof watchSummary>;

export const watchList = {
  type: 'object',
  additionalProperties: false,
  properties: { watches: { type: 'array', items: watchSummary } },
  required: ['watches'],
} as const;

export const watchView = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...watchFields,
    schedule: {
      description: "its Temporal Schedule: the next run's time and whether a run is under way (null: Temporal did not answer in time, or the schedule is missing, which DELETE mends)",
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          properties: { nextRunAt: { type: ['string', 'null'], format: 'date-time' }, running: { type: 'boolean' } },
          required: ['nextRunAt', 'running'],
        },
        { type: 'null' },
      ],
    },
    runs: { type: 'array', items: watchRun, description: 'newest first' },
    links: {
      type: 'object',
      additionalProperties: false,
      properties: { self: { type: 'string' }, run: { type: 'string', description: 'POST: a run now' }, temporalUi: { type: 'string', description: 'the schedule in the Temporal Web UI' } },
      required: ['self', 'run', 'temporalUi'],
    },
  },
  required: ['watchId', 'createdAt', 'everyMinutes', 'request', 'schedule', 'runs', 'links'],
} as const;
export type WatchView = FromSchema<typeof watchView>;

export const watchRunStarted = {
  type: 'object',
  additionalProperties: false,
  properties: { watchId: { type: 'string' }, requested: { type: 'boolean', const: true }, links: { type: 'object', properties: { watch: { type: 'string' } }, required: ['watch'], additionalProperties: false } },
  required: ['watchId', 'requested', 'links'],
} as const;
