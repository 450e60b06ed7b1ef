// StepClock (src/activities/analysis.ts): the similarity step's log line gives each step's time,
// a step being its heartbeat text up to ' of ' or ':', timed from its first report to the next step's.
import { StepClock } from '../../../src/activities/analysis';

/** A clock fed `reports` (each a heartbeat text at a time in ms), ended at `endAt`. */
function clocked(reports: Array<[string, number]>, endAt: number): { clock: StepClock; totals: Record<string, number>; setNow: (t: number) => void } {
  let now = 0;
  const clock = new StepClock(() => now);
  for (const [text, at] of reports) {
    now = at;
    clock.step(text);
  }
  now = endAt;
  return { clock, totals: clock.end(), setNow: (t) => (now = t) };
}

describe('StepClock', () => {
  it("sums each step's time from its first report to the next step's, one step for its progress reports", () => {
    const { totals } = clocked(
      [
        ['starting', 0],
        ['backfilling transfers', 200],
        ['backfilling transfers of W1: 100 transactions', 250],
        ['backfilling transfers of W2: 40 transactions', 300],
        ['computing pairs', 1300.4],
        ['storing pairs: 20000 of 499500', 5300],
      ],
      6000,
    );
    expect(totals).toEqual({ starting: 200, 'backfilling transfers': 1100, 'computing pairs': 4000, 'storing pairs': 700 });
  });

  it('adds up a step reported again after another one, and counts nothing once ended', () => {
    const { clock, totals, setNow } = clocked(
      [
        ['loading legs', 0],
        ['computing pairs', 10],
        ['loading legs', 30],
      ],
      35,
    );
    expect(totals).toEqual({ 'loading legs': 15, 'computing pairs': 20 });
    setNow(100);
    expect(clock.end()).toEqual({ 'loading legs': 15, 'computing pairs': 20 });
  });
});
