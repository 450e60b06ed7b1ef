// withLivenessHeartbeat (src/activities/heartbeat.ts): the timer is an activity's only heartbeat
// while it succeeds, first at half its heartbeat timeout; a failed attempt sends its latest details.
import { MockActivityEnvironment } from '@temporalio/testing';
import { firstHeartbeatMs, LIVENESS_HEARTBEAT_MS, withLivenessHeartbeat } from '../../../src/activities/heartbeat';

/** An activity environment with `heartbeatTimeoutMs` and the details of every heartbeat it sent. */
function environment(heartbeatTimeoutMs: number | undefined, isLocal = false): { env: MockActivityEnvironment; beats: unknown[] } {
  const env = new MockActivityEnvironment({ heartbeatTimeoutMs, isLocal });
  const beats: unknown[] = [];
  env.on('heartbeat', (d: unknown) => beats.push(structuredClone(d)));
  return { env, beats };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('firstHeartbeatMs', () => {
  it('is half the heartbeat timeout, never sooner than the interval, the interval without a timeout', () => {
    expect(firstHeartbeatMs(10_000)).toBe(5_000);
    expect(firstHeartbeatMs(15_000)).toBe(7_500);
    expect(firstHeartbeatMs(3_000)).toBe(LIVENESS_HEARTBEAT_MS);
    expect(firstHeartbeatMs(undefined)).toBe(LIVENESS_HEARTBEAT_MS);
    expect(firstHeartbeatMs(100, 20)).toBe(50);
  });
});

describe('withLivenessHeartbeat', () => {
  it('sends nothing for an activity that ends before its first tick', async () => {
    const { env, beats } = environment(10_000);
    const state = { pages: 0 };
    const result = await env.run(() =>
      withLivenessHeartbeat(
        () => state,
        async () => {
          state.pages = 3;
          return 'done';
        },
      ),
    );
    expect(result).toBe('done');
    expect(beats).toEqual([]);
  });

  it("sends the latest details on its timer while a longer activity runs, and stops when it ends", async () => {
    // timeout 100 ms: first tick at 50, then every 20
    const { env, beats } = environment(100);
    const state = { pages: 0 };
    await env.run(() =>
      withLivenessHeartbeat(
        () => state,
        async () => {
          for (let page = 1; page <= 4; page++) {
            await sleep(40);
            state.pages = page;
          }
        },
        20,
      ),
    );
    expect(beats.length).toBeGreaterThan(0);
    // each beat carried the state as it was then: pages only ever grow
    const pages = beats.map((b) => (b as { pages: number }).pages);
    expect(pages).toEqual([...pages].sort((a, b) => a - b));
    const sent = beats.length;
    await sleep(100);
    expect(beats).toHaveLength(sent);
  });

  it('sends the latest details once when the activity fails before its first tick, then rethrows', async () => {
    const { env, beats } = environment(10_000);
    const state = { pages: 0, cursor: null as string | null };
    await expect(
      env.run(() =>
        withLivenessHeartbeat(
          () => state,
          async () => {
            state.pages = 2;
            state.cursor = 'sig-200';
            throw new Error('provider down');
          },
        ),
      ),
    ).rejects.toThrow('provider down');
    expect(beats).toEqual([{ pages: 2, cursor: 'sig-200' }]);
  });

  it('sends nothing as a local activity, which has no heartbeat, even when it fails', async () => {
    const { env, beats } = environment(100, true);
    await expect(env.run(() => withLivenessHeartbeat(() => ({ step: 'x' }), async () => Promise.reject(new Error('boom')), 20))).rejects.toThrow('boom');
    expect(beats).toEqual([]);
  });
});
