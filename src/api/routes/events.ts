// GET /v1/analyses/{id}/events: Server-Sent Events. The server polls the workflow's progress query
// and the analyses row (every 500 ms by default) and sends
//   progress   (the progress query's answer, whenever it changes)
//   completed  (the analysis ended: status completed, failed, cancelled, terminated or timed_out,
//               with its summary or error; a workflow closed behind the API's back is reconciled)
//   enrichment (the token enrichment child finished: status completed or failed, and how many of
//               the analysis's tokens another enrichment run is still fetching: fetchingElsewhere)
//   tokens     (that count changed, mostly as those runs store their answers: the new count and the
//               registry's records of the tokens no longer being fetched, as the view lists them, so a
//               client updates its labels without reading the analysis again; sent until it is 0)
//   unavailable (Temporal is not answering while the analysis runs: sent once per outage; the
//               next progress event says it answers again)
//   end        (nothing more will come; the server closes the stream)
// A completed analysis ends after its enrichment event, or once no other run fetches its tokens; a
// failed or cancelled one after `completed`. A run's claim lapses within minutes (TOKEN_FETCH_CLAIM_SECONDS),
// so the wait on other runs is bounded even when such a run died.
// The streams of one analysis in an API process share their reads of it (the row, Temporal's
// answer, the progress query): one read per poll interval however many tabs follow it. An API key
// (a client address without keys) holds at most API_MAX_STREAMS_PER_KEY streams at once per process.
import type { FastifyInstance } from 'fastify';
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import { analysisMints, getAnalysisState, type AnalysisRecord } from '../../store/analyses';
import { getTokens, mintsFetchedElsewhere } from '../../store/tokens';
import { queryProgress, reconcileAnswered, reconcileEnrichment, runsElsewhere, tokenViews } from '../analysis-view';
import type { AnalysisProgress } from '../../workflows/contract';
import { assertVisible, clientKeyOf } from '../auth';
import { ProblemError, problemResponses } from '../problem';
import { analysisIdParams } from '../schemas/analyses';
import { noQuery } from '../schemas/common';

/** Retry-After of a stream refused at the cap: the Lab's stream asks again after its own 2 s too. */
const STREAM_REFUSED_RETRY_SECONDS = 2;
/** A comment line every this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A completed analysis's enrichment is checked against Temporal (reconcileEnrichment) at most this often. */
const ENRICHMENT_CHECK_MS = 5_000;
/**
 * A client that stops reading (its connection kept open) gets no more progress events while the
 * socket's buffer is full (the next one says all the last did), and its stream ends once this much
 * is waiting: the server never holds an unbounded backlog for it.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** One poll's reading of an analysis: its row (null: gone), reconciled with Temporal, and its progress while it runs. */
interface AnalysisReading {
  record: AnalysisRecord | null;
  /** whether Temporal answered the reconciliation */
  answered: boolean;
  progress: AnalysisProgress | null;
}

/**
 * Readings shared by the streams of one analysis: a reading started less than `freshForMs` ago, or
 * still under way, is every stream's; a failed one is nobody's (the next poll reads again).
 */
export class SharedReadings<T> {
  private readonly readings = new Map<string, { at: number; settled: boolean; value: Promise<T> }>();
  constructor(
    private readonly freshForMs: number,
    private readonly read: (id: string) => Promise<T>,
  ) {}

  get(id: string): Promise<T> {
    const now = Date.now();
    const cached = this.readings.get(id);
    if (cached && (!cached.settled || now - cached.at < this.freshForMs)) return cached.value;
    const entry = { at: now, settled: false, value: this.read(id) };
    this.readings.set(id, entry);
    const forget = () => {
      if (this.readings.get(id) === entry) this.readings.delete(id);
    };
    entry.value.then(
      () => {
        entry.settled = true;
        setTimeout(forget, this.freshForMs).unref();
      },
      forget,
    );
    return entry.value;
  }

  /** analyses with a reading kept (for tests) */
  get size(): number {
    return this.readings.size;
  }
}

export async function eventsRoutes(fastify: FastifyInstance, opts: { pollIntervalMs?: number }): Promise<void> {
  const app = fastify.withTypeProvider<JsonSchemaToTsProvider>();
  const { pool, temporal, config } = app.deps;
  const pollIntervalMs = opts.pollIntervalMs ?? 500;
  const open = new Set<() => void>();
  /** open streams per API key (or client address) */
  const streamsOf = new Map<string, number>();
  const maxStreams = config.API_MAX_STREAMS_PER_KEY;
  const readings = new SharedReadings<AnalysisReading>(pollIntervalMs, async (id) => {
    const stored = await getAnalysisState(pool, id);
    if (!stored) return { record: null, answered: true, progress: null };
    // a workflow terminated (or failed, timed out, gone) behind the API's back ends the stream too
    const { record, answered } = await reconcileAnswered({ pool, temporal }, stored);
    const progress = record.status === 'running' && answered && !runsElsewhere(temporal, record) ? await queryProgress(temporal, record.workflowId) : null;
    return { record, answered, progress };
  });
  // end open streams first, or app.close() would wait for them
  app.addHook('preClose', async () => {
    for (const end of open) end();
  });

  app.get(
    '/v1/analyses/:id/events',
    {
      schema: {
        tags: ['analyses'],
        summary: 'Follow an analysis live (text/event-stream): events progress, completed, enrichment, tokens, unavailable, end',
        params: analysisIdParams,
        querystring: noQuery,
        produces: ['text/event-stream'],
        response: { 200: { description: 'an event stream; see docs/api.md', type: 'string' }, ...problemResponses(400, 401, 404, 429) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      // refused before any read (a page past the cap asks again every 2 s, the stream's retry), and
      // after it, as other streams of the key may have opened meanwhile
      const client = clientKeyOf(request);
      const refuseOverCap = () => {
        const held = streamsOf.get(client) ?? 0;
        if (held < maxStreams || request.method === 'HEAD') return held;
        throw new ProblemError('rateLimited', `this API key has ${held} event streams open on this server, the most it may (API_MAX_STREAMS_PER_KEY): close one (each open page of an analysis holds one), or follow the analysis with GET /v1/analyses/${id}`, undefined, undefined, STREAM_REFUSED_RETRY_SECONDS);
      };
      refuseOverCap();
      const first = await getAnalysisState(pool, id);
      assertVisible(request, id, first);
      const held = refuseOverCap();
      // the client left during that read: its 'close' has come and gone, and a stream counted now
      // would hold one of the key's places until the analysis ends
      if (request.raw.destroyed || reply.raw.destroyed || request.raw.socket?.destroyed === true) return reply.hijack();

      reply.hijack();
      const raw = reply.raw;
      // the onSend hook (app.ts) does not run for a hijacked reply: its headers are set here
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        // one API key's stream: no cache on the way keeps it
        'cache-control': 'no-store, no-transform',
        vary: 'x-api-key, authorization',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      // HEAD (fastify's, from this GET): the headers only; the stream's polling is not started
      if (request.method === 'HEAD') {
        raw.end();
        return;
      }
      let closed = false;
      let seq = 0;
      const send = (event: string, data: unknown) => {
        if (closed) return;
        if (raw.writableLength > MAX_BUFFERED_BYTES) {
          request.log.warn({ analysisId: id, buffered: raw.writableLength }, 'event stream ended: its client stopped reading');
          end();
          return;
        }
        raw.write(`id: ${++seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      let wake: () => void = () => undefined;
      // counted until the stream is over, whichever way it ends
      streamsOf.set(client, held + 1);
      let counted = true;
      const release = () => {
        if (!counted) return;
        counted = false;
        const left = (streamsOf.get(client) ?? 1) - 1;
        if (left > 0) streamsOf.set(client, left);
        else streamsOf.delete(client);
      };
      const end = () => {
        release();
        if (closed) return;
        closed = true;
        open.delete(end);
        wake();
        raw.end();
      };
      open.add(end);
      raw.on('close', () => {
        release();
        closed = true;
        open.delete(end);
        wake();
      });
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const t = setTimeout(resolve, ms);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });

      raw.write(`retry: 2000\n\n`);
      let lastProgress = '';
      let completedSent = false;
      let unavailableSent = false;
      let lastEnrichmentCheck = 0;
      /**
       * After the enrichment event, while other runs fetch some of the analysis's tokens: the analysis
       * and its enrichment are done, so only those runs' claims are read (not the row again)
       */
      let fetchedElsewhere: { universe: string[]; own: string | null; held: string[] } | null = null;
      let lastBeat = Date.now();
      /** a keep-alive comment when one is due, then the poll interval */
      const beatAndSleep = async () => {
        if (Date.now() - lastBeat >= HEARTBEAT_MS) {
          lastBeat = Date.now();
          if (!closed) raw.write(': keep-alive\n\n');
        }
        await sleep(pollIntervalMs);
      };
      try {
        while (!closed) {
          if (fetchedElsewhere) {
            const held = await mintsFetchedElsewhere(pool, fetchedElsewhere.universe, fetchedElsewhere.own);
            const still = new Set(held);
            const released = fetchedElsewhere.held.filter((m) => !still.has(m));
            if (released.length > 0 || held.length !== fetchedElsewhere.held.length) {
              // a claim that lapsed (its run died) releases a token unchanged: sent all the same, as the registry has it
              send('tokens', { analysisId: id, fetchingElsewhere: held.length, tokens: released.length > 0 ? tokenViews(await getTokens(pool, released)) : {} });
            }
            fetchedElsewhere.held = held;
            if (held.length === 0) break;
            await beatAndSleep();
            continue;
          }
          // this poll's reading, shared with the analysis's other streams
          const { record, answered, progress } = await readings.get(id);
          if (!record) break;
          if (record.status === 'running' && !answered) {
            // Temporal is not answering: said once, and the progress is sent again when it answers
            if (!unavailableSent) {
              unavailableSent = true;
              lastProgress = '';
              send('unavailable', { analysisId: id, dependency: 'temporal', detail: 'Temporal is not answering: the analysis goes on there, and its progress resumes here once Temporal answers again' });
            }
          } else if (record.status === 'running') {
            unavailableSent = false;
            const text = progress ? JSON.stringify(progress) : '';
            // a client not keeping up is sent the progress once its socket drains (the newest then)
            if (progress && text !== lastProgress && !raw.writableNeedDrain) {
              lastProgress = text;
              send('progress', progress);
            }
          } else {
            if (!completedSent) {
              completedSent = true;
              send('completed', { analysisId: id, status: record.status, error: record.error, summary: record.summary, failedWallets: record.failedWallets ?? [] });
            }
            if (record.status !== 'completed') break;
            // an enrichment that ended without recording it (terminated, or never started) is repaired as failed
            let enrichment = record;
            if (record.enrichmentStatus !== 'completed' && record.enrichmentStatus !== 'failed' && Date.now() - lastEnrichmentCheck >= ENRICHMENT_CHECK_MS) {
              lastEnrichmentCheck = Date.now();
              enrichment = await reconcileEnrichment({ pool, temporal }, record);
            }
            if (enrichment.enrichmentStatus === 'completed' || enrichment.enrichmentStatus === 'failed') {
              const universe = await analysisMints(pool, id);
              const held = await mintsFetchedElsewhere(pool, universe, enrichment.enrichmentWorkflowId);
              send('enrichment', { analysisId: id, status: enrichment.enrichmentStatus, workflowId: enrichment.enrichmentWorkflowId, fetchingElsewhere: held.length });
              if (held.length === 0) break;
              fetchedElsewhere = { universe, own: enrichment.enrichmentWorkflowId, held };
            }
          }
          await beatAndSleep();
        }
        send('end', { analysisId: id });
      } catch (err) {
        request.log.error({ err, analysisId: id }, 'event stream failed');
        send('error', { analysisId: id, detail: 'the server could not read the analysis; reconnect to resume' });
      } finally {
        end();
      }
    },
  );
}
