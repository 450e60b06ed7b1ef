// StepClock (src/activities/analysis.ts): the similarity step's log line gives each step's time,
// a step being its heartbeat text up to ' of ' or ':', timed from its first report to the next step's.
import { StepClock } from '../../../src/activities/analysis';

describe('StepClock', () => {
  it("sums each step's time from its first report to the next step's, one step for its progress reports", () => {
    let now = 0;
    const clock = new StepClock(() => now);
    clock.step('starting');
    now = 200;
    clock.step('backfilling transfers');
    now = 250;
    clock.step('backfilling transfers of W1: 100 transactions');
    now = 300;
    clock.step('backfilling transfers of W2: 40 transactions');
    now = 1300.4;
    clock.step('computing pairs');
    now = 5300;
    clock.step('storing pairs: 20000 of 499500');
    now = 6000;
    expect(clock.end()).toEqual({ starting: 200, 'backfilling transfers': 1100, 'computing pairs': 4000, 'storing pairs': 700 });
  });

  it('adds up a step reported again after another one', () => {
    let now = 0;
    const clock = new StepClock(() => now);
    clock.step('loading legs');
    now = 10;
    clock.step('computing pairs');
    now = 30;
    clock.step('loading legs');
    now = 35;
    expect(clock.end()).toEqual({ 'loading legs': 15, 'computing pairs': 20 });
    // ended: nothing more is counted
    now = 100;
    expect(clock.end()).toEqual({ 'loading legs': 15, 'computing pairs': 20 });
  });
});
