import { ServerTiming, parseServerTiming } from '../../../src/api/server-timing';

describe('Server-Timing', () => {
  it('writes named durations in the order they were measured, to 0.1 ms', () => {
    expect(new ServerTiming().add('pre', 0.44).add('store', 12.06).header()).toBe('pre;dur=0.4, store;dur=12.1');
  });

  it('measures a step that throws as well as one that resolves, and passes its outcome on', async () => {
    const timing = new ServerTiming();
    await expect(timing.measure('ok', async () => 7)).resolves.toBe(7);
    await expect(timing.measure('failed', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(Object.keys(parseServerTiming(timing.header()))).toEqual(['ok', 'failed']);
  });

  it('refuses a name that is not an HTTP token (it would break the header)', () => {
    expect(() => new ServerTiming().add('a b', 1)).toThrow(RangeError);
    expect(() => new ServerTiming().add('a,b', 1)).toThrow(RangeError);
  });

  it('reads a header back, with descriptions and spaces, skipping parts without a duration', () => {
    expect(parseServerTiming('db;dur=53, app;desc="x";dur=47.2, cache;desc=hit, ;dur=1, bad name;dur=2')).toEqual({ db: 53, app: 47.2 });
    expect(parseServerTiming(undefined)).toEqual({});
  });
});
