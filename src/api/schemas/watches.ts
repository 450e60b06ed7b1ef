// /v1/watches: a group (or a token's largest holders) analysed again on a schedule, each run an
// ordinary analysis compared with the watch's run completed before it. Pure data like every schema
// module, and the one mapping of a stored run to the shape the API and the webhook show it in.
import type { FromSchema } from 'json-schema-to-ts';
import type { WatchRunRecord } from '../../store/watch-runs';
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

/** The longest webhook URL a watch keeps. */
export const WEBHOOK_URL_MAX_LENGTH = 2_048;

export const notifyOn = {
  type: 'string',
  enum: ['changes', 'every-run'],
  description: 'changes (default): the runs compared with the run before that found wallets, clusters or links added or gone; every-run: every run that ended, compared or not',
} as const;

const watchNotifyRequest = {
  type: 'object',
  additionalProperties: false,
  description:
    "a webhook told of the watch's runs: each is POSTed to `url` as JSON (`type` watch.run), signed with the secret the 201 answer gives (docs/api.md, \"Webhooks\"); no answer, 408, 429 and 5xx are tried again for up to a day (30 attempts at most: after 10 s, 20 s, … doubling up to hourly), any other answer but 2xx is final",
  properties: {
    url: { type: 'string', minLength: 1, maxLength: WEBHOOK_URL_MAX_LENGTH, description: 'http or https, to a public address (the operator may allow others: WATCH_WEBHOOK_PRIVATE_ADDRESSES)' },
    on: { ...notifyOn, default: 'changes' },
  },
  required: ['url'],
} as const;

/** POST /v1/watches: the body of POST /v1/analyses, how often to run it, and whom to tell. */
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
      notify: watchNotifyRequest,
    },
  } as const;
};
export type WatchStartBody = FromSchema<ReturnType<typeof watchStartSchema>, { keepDefaultedPropertiesOptional: true }>;

/** PATCH /v1/watches/{id}: how often, and whom to tell (null: nobody); what is left out stays. */
export const watchChangeSchema = (minEveryMinutes: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    description: 'what to change; what is left out stays. The group and the analysis parameters are the watch itself: to change them, watch the new request',
    properties: {
      everyMinutes: {
        type: 'integer',
        minimum: minEveryMinutes,
        maximum: WATCH_MAX_EVERY_MINUTES,
        description: `minutes between runs, ${minEveryMinutes} to ${WATCH_MAX_EVERY_MINUTES}: the next run is this long from now (a run under way goes on)`,
      },
      notify: {
        description:
          'the webhook: `url` (a new one gets a new signing secret, in this answer only; the same one keeps its secret) and `on`, either left out to keep it (a webhook added without `on`: changes); or null: none (its deliveries still pending are given up)',
        oneOf: [{ ...watchNotifyRequest, required: [], minProperties: 1, properties: { url: watchNotifyRequest.properties.url, on: notifyOn } }, { type: 'null' }],
      },
    },
  }) as const;
export type WatchChangeBody = FromSchema<ReturnType<typeof watchChangeSchema>>;

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

export const watchRunNotification = {
  type: 'object',
  additionalProperties: false,
  properties: {
    state: { type: 'string', enum: ['pending', 'delivered', 'failed'], description: 'pending while it is tried (again after a failed attempt), then delivered (a 2xx answer) or failed' },
    attempts: { type: 'integer', minimum: 0, description: 'attempts that got no 2xx answer, or the one that did' },
    error: { type: ['string', 'null'], description: "the last failed attempt's reason: the receiver's status, or why it did not answer" },
    deliveredAt: { type: ['string', 'null'], format: 'date-time' },
  },
  required: ['state', 'attempts', 'error', 'deliveredAt'],
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
    notification: {
      description: "its webhook delivery (null: the watch has no webhook, or the run had nothing to tell it)",
      oneOf: [watchRunNotification, { type: 'null' }],
    },
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
  required: ['analysisId', 'status', 'startedAt', 'endedAt', 'since', 'changes', 'comparison', 'error', 'notification', 'links'],
} as const;

/** The body of a webhook delivery (docs/api.md, "Webhooks"). */
export const watchRunEvent = {
  type: 'object',
  additionalProperties: false,
  properties: {
    type: { type: 'string', const: 'watch.run' },
    deliveryId: { type: 'string', description: "the same on every attempt of one delivery (also the x-wallet-similarity-delivery header): a receiver drops repeats by it" },
    watchId: { type: 'string' },
    run: { ...watchRun, properties: (({ notification: _delivery, ...rest }) => rest)(watchRun.properties), required: watchRun.required.filter((k) => k !== 'notification') },
    links: { type: 'object', additionalProperties: false, properties: { watch: { type: 'string' } }, required: ['watch'] },
  },
  required: ['type', 'deliveryId', 'watchId', 'run', 'links'],
} as const;

const watchFields = {
  watchId: { type: 'string' },
  createdAt: { type: 'string', format: 'date-time' },
  everyMinutes: { type: 'integer' },
  request: { type: 'object', additionalProperties: true, description: 'the analysis each run starts, as POST /v1/analyses validated it (`wallets` sorted, or `token` and `top`; defaults filled in)' },
  notify: {
    description: 'its webhook (null: none)',
    oneOf: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          target: { type: 'string', description: "the webhook URL's origin only (its path and query are often a credential)" },
          on: notifyOn,
          secret: {
            type: 'string',
            description: 'the signing secret: in the 201 answer that made the watch, in the 200 of the same request repeated by the same key (a retry whose 201 was lost: the secret as it is then), in the answer of POST /v1/watches/{id}/secret that replaced it, and in that of PATCH /v1/watches/{id} that gave the webhook a new URL; never in GET',
          },
        },
        required: ['target', 'on'],
      },
      { type: 'null' },
    ],
  },
} as const;

export const watchSummary = {
  type: 'object',
  additionalProperties: false,
  properties: { ...watchFields, links: { type: 'object', additionalProperties: false, properties: { self: { type: 'string' } }, required: ['self'] } },
  required: ['watchId', 'createdAt', 'everyMinutes', 'request', 'notify', 'links'],
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
  required: ['watchId', 'createdAt', 'everyMinutes', 'request', 'notify', 'schedule', 'runs', 'links'],
} as const;
export type WatchView = FromSchema<typeof watchView>;
export type WatchRunEvent = FromSchema<typeof watchRunEvent>;

export const watchRunStarted = {
  type: 'object',
  additionalProperties: false,
  properties: { watchId: { type: 'string' }, requested: { type: 'boolean', const: true }, links: { type: 'object', properties: { watch: { type: 'string' } }, required: ['watch'], additionalProperties: false } },
  required: ['watchId', 'requested', 'links'],
} as const;

// A watched group's run as the API shows it (GET /v1/watches/{id}) and as its webhook delivery
// tells of it (src/activities/watches.ts): one shape for both.
export function runView(r: WatchRunRecord): WatchView['runs'][number] {
  return {
    analysisId: r.analysisId,
    status: r.status,
    startedAt: r.createdAt,
    endedAt: r.endedAt,
    since: r.sinceAnalysisId,
    changes: r.changes,
    comparison: r.comparison,
    error: r.error,
    notification: r.notification,
    links: { analysis: `/v1/analyses/${r.analysisId}`, changes: r.sinceAnalysisId ? `/v1/analyses/${r.analysisId}/changes?since=${r.sinceAnalysisId}` : null },
  };
}

/** The body of a run's webhook delivery: the run as GET /v1/watches/{id} lists it, without its delivery's own state. */
export function watchRunEventOf(watchId: string, deliveryId: string, run: WatchRunRecord): WatchRunEvent {
  const { notification: _delivery, ...shown } = runView(run);
  return { type: 'watch.run', deliveryId, watchId, run: shown, links: { watch: `/v1/watches/${watchId}` } };
}

/** How long a replaced secret signs beside the new one when the request does not say: a day. */
export const PREVIOUS_SECRET_DEFAULT_HOURS = 24;
/** The longest it may: a week. */
export const PREVIOUS_SECRET_MAX_HOURS = 168;

export const secretRotationQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keepPreviousHours: {
      type: 'integer',
      minimum: 0,
      maximum: PREVIOUS_SECRET_MAX_HOURS,
      default: PREVIOUS_SECRET_DEFAULT_HOURS,
      description: `hours the secret replaced still signs each delivery beside the new one, 0 to ${PREVIOUS_SECRET_MAX_HOURS} (default ${PREVIOUS_SECRET_DEFAULT_HOURS}; 0: no longer at all, as for a secret that leaked)`,
    },
  },
} as const;

export const secretRotated = {
  type: 'object',
  additionalProperties: false,
  properties: {
    watchId: { type: 'string' },
    notify: watchFields.notify.oneOf[0],
    previousSecretValidUntil: { type: ['string', 'null'], format: 'date-time', description: 'until when the secret replaced signs beside the new one (null: it no longer does)' },
    links: { type: 'object', additionalProperties: false, properties: { watch: { type: 'string' } }, required: ['watch'] },
  },
  required: ['watchId', 'notify', 'previousSecretValidUntil', 'links'],
} as const;
export type SecretRotated = FromSchema<typeof secretRotated>;
