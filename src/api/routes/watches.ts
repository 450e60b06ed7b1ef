// /v1/watches: a group (or a token's largest holders) analysed again on a Temporal Schedule, each
// run an analysis of the watch's key compared with its run completed before it (watchRunWorkflow).
// The row is stored first and its schedule made next (a schedule with no row would run for
// nobody, until its first run, finding no watch, removes it); a schedule Temporal refuses removes the
// row (503). PATCH changes the row and the schedule together: the schedule's update is made before
// the row's change commits, and one Temporal refuses leaves the row as it was (503). DELETE removes
// the schedule first, then the row: a Temporal that does not answer leaves both (503, retry). A watch
// belongs to its Temporal namespace's API (a deployment sharing the database): another answers its
// reads, and 409 other-namespace to a run, a change or a DELETE.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { describeFailure, describeFailureForClients } from '../../errors';
import { giveUpWatchDeliveries, listWatchRuns, WEBHOOK_REMOVED } from '../../store/watch-runs';
import { deleteWatch, getWatch, insertWatch, listWatches, rotateWatchSecret, updateWatch, watchWebhook, type WatchNotify, type WatchRecord } from '../../store/watches';
import { createWatchSchedule, deleteWatchSchedule, triggerWatchSchedule, updateWatchSchedule, watchScheduleState } from '../../temporal/schedules';
import { TEMPORAL_CALL_DEADLINE_MS, withTemporalDeadline } from '../../temporal/deadline';
import { newWebhookSecret, webhookTarget, webhookUrlProblem } from '../../providers/webhooks';
import { watchScheduleId } from '../../workflows/contract';
import { reconcileListed, temporalUiLink } from '../analysis-view';
import { assertVisible, clientKeyOf, visibleOwner } from '../auth';
import { ProblemError, problemResponses } from '../problem';
import { startRequestOf } from '../start-request';
import { noQuery } from '../schemas/common';
import { WATCH_RUNS_DEFAULT, listWatchesQuery, runView, secretRotated, secretRotationQuery, watchChangeSchema, watchIdParams, watchList, watchQuery, watchRunStarted, watchStartSchema, watchView, type WatchView } from '../schemas/watches';

const watchNotFound = (id: string) => new ProblemError('notFound', `no watch with id '${id}': GET /v1/watches lists your watched groups`);

/** What a response shows of a watch's webhook: its URL's origin only, and with `secret` (the 201 that made it) its signing secret. */
const notifyView = (notify: WatchNotify | null, secret?: string): WatchView['notify'] =>
  notify ? { target: webhookTarget(notify.url), on: notify.on, ...(secret ? { secret } : {}) } : null;

const summaryOf = (w: WatchRecord) => ({ watchId: w.id, createdAt: w.createdAt, everyMinutes: w.everyMinutes, request: w.request, notify: notifyView(w.notify) });

export async function watchesRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { config, pool, temporal } = app.deps;
  const namespace = temporal.options.namespace;
  const max = config.MAX_WALLETS_PER_ANALYSIS;
  const uiUrl = config.TEMPORAL_UI_URL;

  /** The watch, 404 unless it exists and this request's key may see it (its own, or an admin key). */
  async function visibleWatch(request: FastifyRequest, id: string): Promise<WatchRecord> {
    const watch = await getWatch(pool, id);
    assertVisible(request, id, watch, watchNotFound);
    return watch;
  }


  /** A 409 unless the watch's schedule is in this API's Temporal namespace (a deployment sharing the database has its own). */
  function assertHere(watch: WatchRecord): void {
    if (watch.namespace !== namespace) {
      throw new ProblemError('otherNamespace', `watch ${watch.id} is scheduled in the Temporal namespace '${watch.namespace}': send this request to that deployment's API`);
    }
  }

  const temporalRefused = (what: string, err: unknown) =>
    new ProblemError('temporalUnavailable', `${what} because Temporal did not answer (${describeFailureForClients(err)}): retry`, undefined, err);

  async function view(request: FastifyRequest, watch: WatchRecord, runs: number, secret?: string): Promise<WatchView> {
    const [rows, schedule] = await Promise.all([
      // a run's analysis whose workflow ended behind the service's back says so, as in the list of analyses
      listWatchRuns(pool, watch.id, runs).then((listed) => reconcileListed({ pool, temporal }, listed)),
      // the runs are PostgreSQL's; the schedule's state only adds to them, so a Temporal away (or a
      // watch of another namespace's deployment, whose Temporal this API does not reach) leaves it null
      watch.namespace !== namespace
        ? null
        : withTemporalDeadline(temporal, () => watchScheduleState(temporal, watch.id), TEMPORAL_CALL_DEADLINE_MS).catch((err: unknown) => {
            request.log.warn({ watchId: watch.id, err: describeFailure(err) }, "a watch's schedule could not be read");
            return null;
          }),
    ]);
    return {
      ...summaryOf(watch),
      notify: notifyView(watch.notify, secret),
      schedule,
      runs: rows.map(runView),
      links: { self: `/v1/watches/${watch.id}`, run: `/v1/watches/${watch.id}/runs`, temporalUi: temporalUiLink(uiUrl, watch.namespace, watchScheduleId(watch.id), 'schedules') },
    };
  }

  app.post(
    '/v1/watches',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['watches'],
        summary: 'Watch a group (or a token\'s largest holders): analysed now, then again every `everyMinutes`, each run compared with the one before',
        description: `The body of POST /v1/analyses and \`everyMinutes\` (${config.WATCH_MIN_EVERY_MINUTES} to 43,200). Each run is an analysis of this key (listed by GET /v1/analyses); GET /v1/watches/{id} lists the runs with what changed since the run completed before. A key keeps at most ${config.MAX_WATCHES_PER_KEY} watches, one per request: the same request again answers 200 with its watch (409 when it asks for another interval: PATCH it).`,
        querystring: noQuery,
        body: watchStartSchema(max, config.WATCH_MIN_EVERY_MINUTES),
        response: { 200: watchView, 201: watchView, ...problemResponses(400, 401, 409, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const { everyMinutes = 0, notify: notifyAsked, ...body } = request.body;
      const analysis = startRequestOf(body);
      const notify = notifyAsked ? { url: notifyAsked.url, on: notifyAsked.on ?? 'changes' } : null;
      const urlProblem = notify ? webhookUrlProblem(notify.url, config.WATCH_WEBHOOK_PRIVATE_ADDRESSES) : null;
      if (urlProblem) throw new ProblemError('validation', `notify.url ${urlProblem}`, [{ pointer: '/body/notify/url', detail: urlProblem }]);
      const secret = notify ? newWebhookSecret() : undefined;
      const watch = { id: randomUUID(), ownerKeyId: request.apiKeyId, request: analysis as Record<string, unknown>, everyMinutes, fairnessKey: clientKeyOf(request), namespace, notify: notify && secret ? { ...notify, secret } : null };
      const stored = await insertWatch(pool, watch, config.MAX_WATCHES_PER_KEY);
      if (stored === 'limit') {
        throw new ProblemError('watchLimit', `this key keeps ${config.MAX_WATCHES_PER_KEY} watched groups already (MAX_WATCHES_PER_KEY): DELETE /v1/watches/{id} one it no longer needs (GET /v1/watches lists them)`);
      }
      if (stored !== 'inserted') {
        // the same request again (a retry, another tab): its watch, unless it asks for another interval
        const { existing } = stored;
        if (existing.everyMinutes !== everyMinutes) {
          throw new ProblemError('watchExists', `this key watches this group already, every ${existing.everyMinutes} minutes (watch ${existing.id}): PATCH /v1/watches/${existing.id} {"everyMinutes": ${everyMinutes}} to run it so`);
        }
        if (existing.notify?.url !== notify?.url || existing.notify?.on !== notify?.on) {
          const has = existing.notify ? `with a webhook to ${webhookTarget(existing.notify.url)} on ${existing.notify.on}` : 'without a webhook';
          throw new ProblemError('watchExists', `this key watches this group already, ${has} (watch ${existing.id}): PATCH /v1/watches/${existing.id} {"notify": …} to change its webhook`);
        }
        // its schedule made, should the request that stored it have died before (a no-op when it exists)
        if (existing.namespace === namespace) {
          try {
            await withTemporalDeadline(temporal, () => createWatchSchedule(temporal, existing.id, existing.everyMinutes), TEMPORAL_CALL_DEADLINE_MS);
          } catch (err) {
            throw temporalRefused('the watch could not be scheduled', err);
          }
        }
        // a retry whose 201 was lost gets the watch's secret (the one that answer carried, unless replaced since): the same key could stop the watch and make it again
        const webhook = existing.notify ? await watchWebhook(pool, existing.id) : null;
        return reply.code(200).header('location', `/v1/watches/${existing.id}`).send(await view(request, existing, WATCH_RUNS_DEFAULT, webhook?.secrets[0]));
      }
      try {
        await withTemporalDeadline(temporal, () => createWatchSchedule(temporal, watch.id, everyMinutes), TEMPORAL_CALL_DEADLINE_MS);
      } catch (err) {
        await deleteWatch(pool, watch.id);
        // Temporal may make it all the same after the deadline: removed when Temporal answers (not
        // waited for: the caller has waited a deadline already); should that fail too, its first run
        // finds no watch and removes it
        void withTemporalDeadline(temporal, () => deleteWatchSchedule(temporal, watch.id), TEMPORAL_CALL_DEADLINE_MS).catch(() => undefined);
        throw temporalRefused('the watch could not be scheduled', err);
      }
      request.log.info(
        { watchId: watch.id, everyMinutes, ...('token' in analysis ? { token: analysis.token } : { wallets: analysis.wallets.length }), ...(notify ? { webhook: webhookTarget(notify.url), on: notify.on } : {}) },
        'watch created',
      );
      const created = await getWatch(pool, watch.id);
      if (!created) {
        // deleted by a DELETE at this very moment, which may have found no schedule yet
        await withTemporalDeadline(temporal, () => deleteWatchSchedule(temporal, watch.id), TEMPORAL_CALL_DEADLINE_MS).catch(() => undefined);
        throw watchNotFound(watch.id);
      }
      // the secret once: a receiver checks each delivery's signature with it
      return reply.code(201).header('location', `/v1/watches/${watch.id}`).send(await view(request, created, 1, secret));
    },
  );

  app.get(
    '/v1/watches',
    { schema: { tags: ['watches'], summary: 'Watched groups, newest first', querystring: listWatchesQuery, response: { 200: watchList, ...problemResponses(400, 401) } } },
    async (request) => {
      const watches = await listWatches(pool, visibleOwner(request), request.query.limit);
      return { watches: watches.map((w) => ({ ...summaryOf(w), links: { self: `/v1/watches/${w.id}` } })) };
    },
  );

  app.get(
    '/v1/watches/:id',
    {
      schema: {
        tags: ['watches'],
        summary: "A watched group: its schedule and its runs, newest first, each with the counts of what changed since the run completed before it",
        params: watchIdParams,
        querystring: watchQuery,
        response: { 200: watchView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => view(request, await visibleWatch(request, request.params.id), request.query.runs),
  );

  app.post(
    '/v1/watches/:id/runs',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['watches'],
        summary: 'Run a watched group now, besides its schedule (409 while a run is under way)',
        params: watchIdParams,
        querystring: noQuery,
        response: { 202: watchRunStarted, ...problemResponses(400, 401, 404, 409, 429, 503) },
      },
    },
    async (request, reply) => {
      const watch = await visibleWatch(request, request.params.id);
      assertHere(watch);
      let found: boolean;
      try {
        // the schedule would skip a run asked for while one is under way: said, rather than a 202 for
        // nothing (a scheduled run starting between the two calls still makes this one skipped)
        const state = await withTemporalDeadline(temporal, () => watchScheduleState(temporal, watch.id), TEMPORAL_CALL_DEADLINE_MS);
        if (state?.running) throw new ProblemError('watchRunning', `a run of watch ${watch.id} is under way: GET /v1/watches/${watch.id} shows it, and a run can be asked for once it ended`);
        found = state !== null && (await withTemporalDeadline(temporal, () => triggerWatchSchedule(temporal, watch.id), TEMPORAL_CALL_DEADLINE_MS));
      } catch (err) {
        if (err instanceof ProblemError) throw err;
        throw temporalRefused('the run could not be started', err);
      }
      if (!found) throw new ProblemError('notFound', `watch '${watch.id}' has no schedule in Temporal (made by a request that died before it): PATCH /v1/watches/${watch.id} {"everyMinutes": ${watch.everyMinutes}} makes it again`);
      return reply.code(202).send({ watchId: watch.id, requested: true as const, links: { watch: `/v1/watches/${watch.id}` } });
    },
  );

  app.patch(
    '/v1/watches/:id',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['watches'],
        summary: "Change a watch's interval or webhook (a new URL gets a new signing secret, in this answer only)",
        params: watchIdParams,
        querystring: noQuery,
        body: watchChangeSchema(config.WATCH_MIN_EVERY_MINUTES),
        response: { 200: watchView, ...problemResponses(400, 401, 404, 409, 413, 415, 429, 503) },
      },
    },
    async (request) => {
      const watch = await visibleWatch(request, request.params.id);
      assertHere(watch);
      const { everyMinutes, notify } = request.body;
      const urlProblem = notify?.url !== undefined ? webhookUrlProblem(notify.url, config.WATCH_WEBHOOK_PRIVATE_ADDRESSES) : null;
      if (urlProblem) throw new ProblemError('validation', `notify.url ${urlProblem}`, [{ pointer: '/body/notify/url', detail: urlProblem }]);
      const secret = newWebhookSecret();
      // the row changes with the schedule, or not at all: the schedule is updated before the row's change commits
      const updated = await updateWatch(pool, watch.id, { everyMinutes, notify }, secret, async (before, client) => {
        if (notify === null && before.notify) await giveUpWatchDeliveries(client, before.id, WEBHOOK_REMOVED);
        if (everyMinutes === undefined) return;
        // also when the row has this interval already: a PATCH whose answer was a 503 (Temporal
        // answered after the deadline, or the commit failed) may have changed the schedule alone,
        // and repeating it makes the two the same again
        try {
          await withTemporalDeadline(
            temporal,
            async () => {
              // a schedule missing (a request that made the row died before it) is made again, its first run at once
              if (!(await updateWatchSchedule(temporal, before.id, everyMinutes))) await createWatchSchedule(temporal, before.id, everyMinutes);
            },
            TEMPORAL_CALL_DEADLINE_MS,
          );
        } catch (err) {
          throw temporalRefused('the watch could not be changed', err);
        }
      });
      if (!updated) throw watchNotFound(watch.id);
      if (updated === 'noWebhook') throw new ProblemError('noWebhook', `watch ${watch.id} has no webhook to change: give \`notify.url\` to add one`);
      request.log.info({ watchId: watch.id, everyMinutes: updated.after.everyMinutes, webhook: updated.after.notify ? webhookTarget(updated.after.notify.url) : null }, 'watch changed');
      return view(request, updated.after, WATCH_RUNS_DEFAULT, updated.secretTaken ? secret : undefined);
    },
  );

  app.post(
    '/v1/watches/:id/secret',
    {
      config: { rateLimit: app.postRateLimit },
      schema: {
        tags: ['watches'],
        summary: "Replace a watch's webhook signing secret: the new one is in this answer only; the one replaced signs beside it for `keepPreviousHours`",
        params: watchIdParams,
        querystring: secretRotationQuery,
        response: { 200: secretRotated, ...problemResponses(400, 401, 404, 409, 429) },
      },
    },
    async (request) => {
      const watch = await visibleWatch(request, request.params.id);
      const noWebhook = () => new ProblemError('noWebhook', `watch ${watch.id} has no webhook, so no secret: PATCH /v1/watches/${watch.id} {"notify": {"url": …}} gives it one`);
      if (!watch.notify) throw noWebhook();
      const secret = newWebhookSecret();
      const rotated = await rotateWatchSecret(pool, watch.id, secret, request.query.keepPreviousHours * 3600);
      // deleted, or its webhook removed, meanwhile
      if (!rotated) throw (await getWatch(pool, watch.id)) ? noWebhook() : watchNotFound(watch.id);
      request.log.info({ watchId: watch.id, previousValidUntil: rotated.previousValidUntil }, "a watch's webhook secret replaced");
      return { watchId: watch.id, notify: { target: webhookTarget(watch.notify.url), on: watch.notify.on, secret }, previousSecretValidUntil: rotated.previousValidUntil, links: { watch: `/v1/watches/${watch.id}` } };
    },
  );

  app.delete(
    '/v1/watches/:id',
    {
      config: { rateLimit: app.postRateLimit },
      schema: { tags: ['watches'], summary: 'Stop watching a group: its schedule and its runs go (their analyses stay)', params: watchIdParams, querystring: noQuery, response: { 204: { type: 'null' }, ...problemResponses(400, 401, 404, 409, 503) } },
    },
    async (request, reply) => {
      const watch = await visibleWatch(request, request.params.id);
      assertHere(watch);
      try {
        await withTemporalDeadline(temporal, () => deleteWatchSchedule(temporal, watch.id), TEMPORAL_CALL_DEADLINE_MS);
      } catch (err) {
        throw temporalRefused('the watch could not be stopped', err);
      }
      await deleteWatch(pool, watch.id);
      request.log.info({ watchId: watch.id }, 'watch deleted');
      return reply.code(204).send(null);
    },
  );
}
