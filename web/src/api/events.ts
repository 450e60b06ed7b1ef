// Follows GET /v1/analyses/{id}/events. EventSource cannot send the x-api-key header the API wants,
// so the stream is read with fetch and parsed with eventsource-parser; it reconnects (after the
// server's `retry`) until the server sends `end`, the caller stops, or the API refuses the stream
// with a 4xx other than 429 (no such analysis, no key, another key's): asking again changes
// nothing, so it stops and says so with a `refused` event of its own.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { authHeaders, problemDetail } from './client';
import { apiKeyStore } from './api-key';

export type StreamEvent = { event: 'progress' | 'completed' | 'enrichment' | 'tokens' | 'unavailable' | 'end' | 'error' | 'refused' | string; data: unknown };

/** The client's own last event: the API refused the stream (`detail` is its problem+json detail). */
export interface StreamRefused {
  status: number;
  detail: string;
}

/** `origin` is for tests (a page uses its own origin). Returns a function that stops following. */
export function followAnalysis(id: string, onEvent: (e: StreamEvent) => void, origin = ''): () => void {
  const controller = new AbortController();
  let retryMs = 2000;
  let ended = false;

  const run = async () => {
    while (!ended && !controller.signal.aborted) {
      try {
        const res = await fetch(`${origin}/v1/analyses/${encodeURIComponent(id)}/events`, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal });
        if (res.status === 401) apiKeyStore.unauthorized();
        // (a proxy's 408 or 425, and a 429, are worth asking again)
        if (res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 425 && res.status !== 429) {
          const refused: StreamRefused = { status: res.status, detail: await problemDetail(res, `the event stream answered ${res.status}`) };
          if (!controller.signal.aborted) onEvent({ event: 'refused', data: refused });
          return;
        }
        if (!res.ok || !res.body) throw new Error(`event stream answered ${res.status}`);
        const parser = createParser({
          onEvent(message: EventSourceMessage) {
            let data: unknown = null;
            try {
              data = JSON.parse(message.data);
            } catch {
              data = message.data;
            }
            if (message.event === 'end') ended = true;
            onEvent({ event: message.event ?? 'message', data });
          },
          onRetry(ms: number) {
            retryMs = ms;
          },
        });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          parser.feed(value);
        }
      } catch {
        if (controller.signal.aborted) return;
      }
      if (!ended && !controller.signal.aborted) await new Promise((r) => setTimeout(r, retryMs));
    }
  };
  void run();
  return () => controller.abort();
}
