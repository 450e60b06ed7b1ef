// Event streams under many viewers (issue 14, "many users at once"): every open page of an analysis
// holds a stream, and each stream polled the row, Temporal and the progress query every 500 ms on
// its own. On the real stack, over real HTTP: several streams of one running analysis share one
// reading per poll interval (the row's reads counted at the pool the API is given), every one still
// gets the analysis's events to its end, and an API key past API_MAX_STREAMS_PER_KEY open streams
// is answered 429 problem+json until one of its streams closes.
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { buildApp } from '../../src/api/app';
import { ApiClient, type SseEvent } from '../../src/cli/api-client';
import { generateWorld } from '../../src/simulator';
import { useSimulatedStack } from '../harness/stack';

const KEY = 'stream-viewer-key-8b3d';
const OTHER = 'stream-other-key-2f6a';
const POLL_MS = 200;
const MAX_STREAMS = 3;
const world = generateWorld({ seed: 72, wallets: 3, txPerWallet: 20, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);

/** the stack's pool, counting the statements that read an analysis's row by id (getAnalysisState) */
function countingRowReads(pool: Pool): { pool: Pool; reads: () => number; slowReads: (ms: number) => void } {
  let reads = 0;
  let delayMs = 0;
  const counted = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (...args: unknown[]) => {
          const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string } | undefined)?.text;
          const rowRead = text?.includes('FROM analyses WHERE id = $1') && text.includes('NULL::jsonb AS result');
          if (rowRead) reads += 1;
          const query = () => (target.query as (...a: unknown[]) => unknown).apply(target, args);
          return rowRead && delayMs > 0 ? new Promise((r) => setTimeout(r, delayMs)).then(query) : query();
        };
      }
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { pool: counted, reads: () => reads, slowReads: (ms) => void (delayMs = ms) };
}

describe('event streams of one analysis, followed by many viewers', () => {
  let app: FastifyInstance;
  let baseUrl: string;
  let rowReads: () => number;
  let slowReads: (ms: number) => void;
  const opened = useSimulatedStack(
    { world },
    { API_KEYS: `${KEY},${OTHER}`, API_MAX_STREAMS_PER_KEY: String(MAX_STREAMS) },
    {
      afterOpen: async () => {
        const counting = countingRowReads(opened.stack.pool);
        rowReads = counting.reads;
        slowReads = counting.slowReads;
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: counting.pool, redis: opened.stack.redis }, { eventPollIntervalMs: POLL_MS });
        await app.listen({ host: '127.0.0.1', port: 0 });
        baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      },
      beforeClose: async () => {
        await app?.close();
      },
    },
  );

  it('shares one reading per poll interval among the streams of one analysis, each of which still gets every event to its end; a key past its streams gets 429 until one closes', async () => {
    const api = new ApiClient(baseUrl, KEY);
    // the history pages held: the analysis runs while the streams are counted
    opened.sim.configure({ paused: ['helius:history'] });
    try {
      await opened.stack.withWorkers(async () => {
        const analysis = await api.startAnalysis({ wallets, sync: 'force' });
        // opened a third of a poll interval apart, as viewers open their pages: their polls do not coincide
        const streams = Array.from({ length: MAX_STREAMS }, (_, i) => {
          const seen: SseEvent[] = [];
          const done = (async () => {
            await new Promise((r) => setTimeout(r, (i * POLL_MS) / MAX_STREAMS));
            for await (const e of api.events(analysis.analysisId)) seen.push(e);
            return seen;
          })();
          return { seen, done };
        });
        // every stream has had its first progress event: all are open and polling
        const deadline = Date.now() + 30_000;
        while (streams.some((s) => !s.seen.some((e) => e.event === 'progress')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        expect(streams.map((s) => s.seen.some((e) => e.event === 'progress'))).toEqual(Array(MAX_STREAMS).fill(true));

        // the row's reads over 2 s: about one per poll interval for the three streams, not one per stream per interval (30)
        const before = rowReads();
        await new Promise((r) => setTimeout(r, 2_000));
        const during = rowReads() - before;
        const intervals = 2_000 / POLL_MS;
        console.log(`event streams: ${MAX_STREAMS} streams, ${during} row reads in ${intervals} poll intervals`);
        // (no lower bound: a loaded machine reads more slowly, and fewer times; the streams were
        // reading all along, as their events to the end show below)
        expect(during).toBeLessThanOrEqual(intervals * 1.5);
        expect(during).toBeGreaterThan(0);

        // the key's streams are all taken: one more is refused
        const refused = await fetch(`${baseUrl}/v1/analyses/${analysis.analysisId}/events`, { headers: { 'x-api-key': KEY } });
        expect(refused.status).toBe(429);
        expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(refused.headers.get('retry-after')).toBe('2');
        expect(await refused.json()).toMatchObject({ type: 'urn:wallet-similarity:problem:rate-limited', detail: expect.stringMatching(/3 event streams open on this server/) });

        opened.sim.configure({ paused: [] });
        const ended = await Promise.all(streams.map((s) => s.done));
        for (const seen of ended) {
          const tail = seen.filter((e) => e.event !== 'progress' && e.event !== 'tokens');
          expect(tail[0]).toMatchObject({ event: 'completed', data: { status: 'completed' } });
          expect(tail.at(-1)?.event).toBe('end');
        }
        // the streams have ended: the key may open one again
        const again = await fetch(`${baseUrl}/v1/analyses/${analysis.analysisId}/events`, { headers: { 'x-api-key': KEY } });
        expect(again.status).toBe(200);
        await again.body?.cancel();
      });
    } finally {
      opened.sim.reset({ knobs: true });
    }
  });
  it('does not count a stream whose client left while it was being opened: the key keeps its places', async () => {
    const api = new ApiClient(baseUrl, OTHER);
    opened.sim.configure({ paused: ['helius:history'] });
    try {
      await opened.stack.withWorkers(async () => {
        const analysis = await api.startAnalysis({ wallets, sync: 'force' });
        // each open's first read of the row takes 600 ms; its client gives up after 150
        slowReads(600);
        for (let i = 0; i < MAX_STREAMS; i++) {
          const gone = new AbortController();
          const asked = fetch(`${baseUrl}/v1/analyses/${analysis.analysisId}/events`, { headers: { 'x-api-key': OTHER }, signal: gone.signal }).catch(() => 'aborted');
          await new Promise((r) => setTimeout(r, 150));
          gone.abort();
          expect(await asked).toBe('aborted');
        }
        await new Promise((r) => setTimeout(r, 800));
        slowReads(0);
        // the three that left hold nothing: three streams open now, and a fourth is refused
        const open = await Promise.all(Array.from({ length: MAX_STREAMS }, () => fetch(`${baseUrl}/v1/analyses/${analysis.analysisId}/events`, { headers: { 'x-api-key': OTHER } })));
        expect(open.map((r) => r.status)).toEqual(Array(MAX_STREAMS).fill(200));
        const fourth = await fetch(`${baseUrl}/v1/analyses/${analysis.analysisId}/events`, { headers: { 'x-api-key': OTHER } });
        expect(fourth.status).toBe(429);
        await fourth.body?.cancel();
        for (const r of open) await r.body?.cancel();
      });
    } finally {
      slowReads(0);
      opened.sim.reset({ knobs: true });
    }
  });
});
