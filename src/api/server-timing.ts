// The Server-Timing header (https://www.w3.org/TR/server-timing/) of an answer: named durations in
// milliseconds, in the order they were measured, e.g. `pre;dur=0.4, store;dur=3.1, start;dur=0.2`.
// Browsers show it beside the request; the end-to-end benchmark reads it to say where a POST's time went.
import { performance } from 'node:perf_hooks';

/** Metric names are HTTP tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export class ServerTiming {
  private readonly entries: Array<[string, number]> = [];

  add(name: string, ms: number): this {
    if (!TOKEN.test(name)) throw new RangeError(`Server-Timing metric name must be a token, got ${JSON.stringify(name)}`);
    this.entries.push([name, ms]);
    return this;
  }

  /** Runs `fn` and records how long it took under `name`, whether it resolves or throws. */
  async measure<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.add(name, performance.now() - started);
    }
  }

  header(): string {
    return this.entries.map(([name, ms]) => `${name};dur=${ms.toFixed(1)}`).join(', ');
  }
}

/** The durations of a Server-Timing header by name (later entries of a name win); malformed parts are skipped. */
export function parseServerTiming(header: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().split(';');
    if (!name || !TOKEN.test(name.trim())) continue;
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    const ms = dur === undefined ? NaN : Number(dur.slice(4));
    if (Number.isFinite(ms)) out[name.trim()] = ms;
  }
  return out;
}
