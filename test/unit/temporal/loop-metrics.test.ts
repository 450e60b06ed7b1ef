// The worker's event-loop watch (src/temporal/loop-metrics.ts) on a meter that records what it is
// given: a loop held up by a busy wait shows as the gauge's longest delay and as a stall past the
// threshold, for as many windows as are kept, then falls back.
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { watchEventLoop } from '../../../src/temporal/loop-metrics';
import { until } from '../../harness/processes';

function recordingMeter(): { meter: MetricMeter; gauge: number[]; stalls: Map<string, number> } {
  const gauge: number[] = [];
  const stalls = new Map<string, number>();
  const meter = {
    createGauge: () => ({ set: (value: number) => gauge.push(value) }),
    createCounter: () => ({ add: (value: number, tags?: MetricTags) => stalls.set(String(tags?.over), (stalls.get(String(tags?.over)) ?? 0) + value) }),
  } as unknown as MetricMeter;
  return { meter, gauge, stalls };
}

const holdLoop = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // the event loop is held: no timer can fire
  }
};

describe('watchEventLoop', () => {
  it('records a held-up loop as the longest delay of the kept windows, counts it past its thresholds and tells it, then forgets it', async () => {
    const { meter, gauge, stalls } = recordingMeter();
    const logged: number[] = [];
    const watch = watchEventLoop(meter, { windowMs: 100, keepWindows: 2, thresholdsMs: [200, 60_000], onStall: (ms) => logged.push(ms) });
    try {
      // every threshold is shown from 0 before any stall
      expect(Object.fromEntries(stalls)).toEqual({ '200ms': 0, '60s': 0 });
      await new Promise((r) => setTimeout(r, 150));
      holdLoop(400);
      const seen = await until('the stall measured', async () => (watch.longestMs() >= 300 ? watch.longestMs() : undefined), 10_000);
      expect(gauge).toContain(seen);
      expect(stalls.get('200ms')).toBeGreaterThanOrEqual(1);
      expect(stalls.get('60s')).toBe(0);
      // and told once per window held up past the lowest threshold
      expect(logged).toHaveLength(stalls.get('200ms')!);
      expect(logged).toContain(seen);
      // two windows later the stall is no longer among the kept ones
      await until('the stall forgotten', async () => (watch.longestMs() < 300 ? true : undefined), 10_000);
      expect(gauge[gauge.length - 1]).toBeLessThan(300);
    } finally {
      watch.stop();
    }
  });
});
