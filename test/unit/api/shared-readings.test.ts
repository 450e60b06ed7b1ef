// SharedReadings: the reads an analysis's event streams share (src/api/routes/events.ts).
import { SharedReadings } from '../../../src/api/routes/events';

describe('SharedReadings', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('gives every caller within the freshness the same reading, reads again after it, and keeps each analysis apart', async () => {
    let reads = 0;
    const shared = new SharedReadings(500, async (id) => `${id}#${++reads}`);
    expect(await Promise.all([shared.get('a'), shared.get('a')])).toEqual(['a#1', 'a#1']);
    jest.setSystemTime(1_000_499);
    expect(await shared.get('a')).toBe('a#1');
    expect(await shared.get('b')).toBe('b#2');
    jest.setSystemTime(1_000_500);
    expect(await shared.get('a')).toBe('a#3');
    // the kept readings are dropped once stale, so a closed analysis leaves nothing behind
    jest.advanceTimersByTime(1_000);
    expect(shared.size).toBe(0);
  });

  it('shares a reading under way however old, and keeps no failed one', async () => {
    let release: (value: string) => void = () => undefined;
    let calls = 0;
    const shared = new SharedReadings<string>(100, (id) => {
      calls += 1;
      if (calls === 2) return Promise.reject(new Error('PostgreSQL away'));
      return new Promise((resolve) => (release = (v) => resolve(`${id}:${v}`)));
    });
    const first = shared.get('a');
    jest.setSystemTime(1_005_000);
    const joined = shared.get('a');
    release('slow');
    expect(await Promise.all([first, joined])).toEqual(['a:slow', 'a:slow']);
    expect(calls).toBe(1);
    jest.setSystemTime(1_010_000);
    await expect(shared.get('a')).rejects.toThrow('PostgreSQL away');
    // the failure is not kept: the next poll reads again
    const again = shared.get('a');
    release('back');
    expect(await again).toBe('a:back');
    expect(calls).toBe(3);
  });
});
