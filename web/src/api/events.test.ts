// @vitest-environment node
// The event stream against a real HTTP server speaking Server-Sent Events the way
// src/api/routes/events.ts does: events arrive parsed, the API key goes in the header, a dropped
// connection is resumed after the server's `retry`, and `end` or a refusal (a 4xx) stops the client.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { followAnalysis, type StreamEvent } from './events';
import { apiKeyStore } from './api-key';

let server: http.Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

async function serve(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const sse = (res: http.ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const event = (res: http.ServerResponse, id: number, name: string, data: unknown) => res.write(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);

function collect(origin: string, until: (events: StreamEvent[]) => boolean): Promise<StreamEvent[]> {
  return new Promise((resolve) => {
    const events: StreamEvent[] = [];
    const stop = followAnalysis(
      'a1',
      (e) => {
        events.push(e);
        if (until(events)) {
          stop();
          resolve(events);
        }
      },
      origin,
    );
  });
}

describe('followAnalysis', () => {
  it('parses progress, completed and end, sending the API key as x-api-key', async () => {
    const keys: Array<string | undefined> = [];
    const origin = await serve((req, res) => {
      keys.push(req.headers['x-api-key'] as string | undefined);
      expect(req.url).toBe('/v1/analyses/a1/events');
      sse(res);
      res.write('retry: 50\n\n');
      event(res, 1, 'progress', { phase: 'syncing', percent: 40 });
      event(res, 2, 'completed', { status: 'completed' });
      event(res, 3, 'end', { analysisId: 'a1' });
      res.end();
    });
    apiKeyStore.save('k-123');
    try {
      const events = await collect(origin, (es) => es.some((e) => e.event === 'end'));
      expect(events).toEqual([
        { event: 'progress', data: { phase: 'syncing', percent: 40 } },
        { event: 'completed', data: { status: 'completed' } },
        { event: 'end', data: { analysisId: 'a1' } },
      ]);
      expect(keys).toEqual(['k-123']);
    } finally {
      apiKeyStore.save('');
    }
  });

  it('reconnects after a dropped connection and keeps reading until end', async () => {
    let connections = 0;
    const origin = await serve((_req, res) => {
      connections += 1;
      sse(res);
      res.write('retry: 20\n\n');
      if (connections === 1) {
        event(res, 1, 'progress', { percent: 10 });
        setTimeout(() => res.destroy(), 100); // the connection drops mid-analysis
        return;
      }
      event(res, 1, 'progress', { percent: 90 });
      event(res, 2, 'end', {});
      res.end();
    });
    const events = await collect(origin, (es) => es.some((e) => e.event === 'end'));
    expect(events.map((e) => e.event)).toEqual(['progress', 'progress', 'end']);
    expect(connections).toBe(2);
  });

  it.each([404, 403])('stops on a %i and says so with a refused event, instead of asking again every 2 s', async (status) => {
    let connections = 0;
    const origin = await serve((_req, res) => {
      connections += 1;
      res.writeHead(status, { 'content-type': 'application/problem+json' });
      res.end(JSON.stringify({ title: 'Refused', status, detail: 'no analysis a1 for this API key' }));
    });
    const events: StreamEvent[] = [];
    const stop = followAnalysis('a1', (e) => events.push(e), origin);
    // longer than the 2 s the stream waits before it asks again
    await new Promise((r) => setTimeout(r, 2_500));
    stop();
    expect(events).toEqual([{ event: 'refused', data: { status, detail: 'no analysis a1 for this API key' } }]);
    expect(connections).toBe(1);
  });

  it('asks for an API key when the stream answers 401', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/problem+json' });
      res.end('{"detail":"this API needs a key"}');
    });
    expect(apiKeyStore.state().needed).toBe(false);
    const stop = followAnalysis('a1', () => undefined, origin);
    await new Promise<void>((resolve) => {
      const unsubscribe = apiKeyStore.subscribe(() => {
        unsubscribe();
        resolve();
      });
    });
    stop();
    expect(apiKeyStore.state().needed).toBe(true);
  });
});
