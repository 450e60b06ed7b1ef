// How long the worker's event loop was held up, as metrics of its Temporal runtime (exported with the
// SDK's own on TEMPORAL_METRICS_BIND). Everything the worker waits for with a timer is late by that
// much: a provider budget's slot (provider_budget_slots_missed), a heartbeat, and a Redis command
// whose answer arrived but was read after REDIS_COMMAND_TIMEOUT_MS (its timer fires first, and the
// command fails as if Redis had not answered). These say how much margin that timeout leaves.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MetricMeter } from '@temporalio/common';

export interface EventLoopWatch {
  /** the longest delay of the windows kept (ms), as the gauge last gave it */
  readonly longestMs: () => number;
  stop(): void;
}

export interface EventLoopWatchOptions {
  /** one window's length: its longest delay is read and the measure starts again (default 1 s) */
  windowMs?: number;
  /** the gauge gives the longest of the last `keepWindows` windows, so a scrape every `windowMs × (keepWindows − 1)` misses none (default 3) */
  keepWindows?: number;
  /** windows whose longest delay passed each of these (ms) are counted, tagged `over` (default 1 s, and 5 s: REDIS_COMMAND_TIMEOUT_MS's default) */
  thresholdsMs?: readonly number[];
  /** called with a window's longest delay (ms) when it passed the lowest threshold: the worker logs it */
  onStall?: (heldUpMs: number) => void;
}

/**
 * Watches the event loop's delays (perf_hooks' monitorEventLoopDelay, 10 ms resolution) and records
 * on `meter`: `worker_event_loop_delay_max` (gauge, ms: the longest delay of the last few windows)
 * and `worker_event_loop_stalls` (counter: windows whose longest delay passed a threshold, by `over`).
 * A delay is measured when the loop runs again, so a stall shows in the window it ends in.
 */
export function watchEventLoop(meter: MetricMeter, opts: EventLoopWatchOptions = {}): EventLoopWatch {
  const windowMs = opts.windowMs ?? 1000;
  const keepWindows = Math.max(1, opts.keepWindows ?? 3);
  const thresholds = opts.thresholdsMs ?? [1000, 5000];
  const gauge = meter.createGauge('worker_event_loop_delay_max', 'float', 'ms', "the longest the worker's event loop was held up in its last few seconds");
  const stalls = meter.createCounter('worker_event_loop_stalls', '', "windows in which the worker's event loop was held up past `over` (its timers fired that late)");
  const tag = (ms: number) => ({ over: ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms` });
  for (const ms of thresholds) stalls.add(0, tag(ms));
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const windows: number[] = [];
  let longest = 0;
  const timer = setInterval(() => {
    // (max is 0 before the first sample of a window; nanoseconds)
    const maxMs = histogram.max / 1e6;
    histogram.reset();
    windows.push(maxMs);
    if (windows.length > keepWindows) windows.shift();
    longest = Math.max(...windows);
    gauge.set(longest);
    for (const ms of thresholds) if (maxMs > ms) stalls.add(1, tag(ms));
    if (thresholds.length > 0 && maxMs > Math.min(...thresholds)) opts.onStall?.(maxMs);
  }, windowMs);
  timer.unref();
  return {
    longestMs: () => longest,
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}
