// The request budget's learnt margin (AdaptiveMargin): pure arithmetic and the in-process budget on
// a clock of the test's own. The budget shared through Redis runs the same rules in its script
// (test/integration/providers/budget.test.ts).
import { InMemoryRateBudget, MISS_RAISE_MS, adaptiveMargin, decayedMargin, learningMargin, missRaisedMargin, perSecond, raisedMargin, type AdaptiveMargin } from '../../../src/providers';

const A: AdaptiveMargin = { minMs: 10, maxMs: 500, halfLifeRequests: 100 };

describe('the learnt margin', () => {
  it('halves its part above the floor every halfLifeRequests requests, and never goes under the floor', () => {
    let m = 110;
    for (let i = 0; i < 100; i++) m = decayedMargin(m, A);
    expect(m).toBeCloseTo(60, 6);
    for (let i = 0; i < 100; i++) m = decayedMargin(m, A);
    expect(m).toBeCloseTo(35, 6);
    for (let i = 0; i < 10_000; i++) m = decayedMargin(m, A);
    expect(m).toBeGreaterThanOrEqual(10);
    expect(m).toBeLessThan(10.001);
    expect(decayedMargin(4, A)).toBe(10);
  });

  it('doubles on a rate-limited answer, from at least the floor, up to the ceiling', () => {
    expect(raisedMargin(40, A)).toBe(80);
    expect(raisedMargin(3, A)).toBe(10);
    expect(raisedMargin(400, A)).toBe(500);
    expect(raisedMargin(0, { ...A, minMs: 0 })).toBe(1);
  });

  it("is the product budgets' rule: from 10 ms to 500, halving its excess every ten windows' worth", () => {
    expect(adaptiveMargin(50)).toEqual({ minMs: 10, maxMs: 500, halfLifeRequests: 500, missRaiseMs: MISS_RAISE_MS });
    expect(MISS_RAISE_MS).toBe(0.25);
    expect(() => new InMemoryRateBudget(learningMargin(perSecond(50), { minMs: 20, maxMs: 10, halfLifeRequests: 5 }))).toThrow(RangeError);
  });
});

describe('an in-process budget with a learnt margin', () => {
  /** a budget on a clock that only the test moves; every slot is due at once (no sleeping) */
  function budgetAt(spec = learningMargin(perSecond(10, 100), A)) {
    const clock = { now: 0 };
    const slots: number[] = [];
    const budget = new InMemoryRateBudget(spec, () => clock.now);
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) {
        // the request leaves at its slot; the clock then moves to the next one (this reservation's
        // margin, read before it decays, spaces them), so no reservation waits on the real clock
        const gap = (1000 + (await budget.marginMs())) / 10;
        await budget.acquire();
        slots.push(clock.now);
        clock.now += gap;
      }
    };
    return { clock, slots, budget, take };
  }

  it('spaces its slots by (window + margin) / requests, closer as the margin falls while nothing is refused', async () => {
    const { slots, budget, take } = budgetAt();
    await take(300);
    const firstGap = slots[1] - slots[0];
    const lastGap = slots[299] - slots[298];
    expect(firstGap).toBeCloseTo(110, 0);
    expect(lastGap).toBeLessThan(firstGap);
    expect(lastGap).toBeGreaterThanOrEqual(101);
    expect(await budget.marginMs()).toBeLessThan(30);
  });

  it('widens once for a window of refusals (they were all sent under the old margin), again in the next', async () => {
    const { clock, budget, take } = budgetAt();
    await take(400);
    const learnt = await budget.marginMs();
    await budget.reportRateLimited();
    await budget.reportRateLimited();
    await budget.reportRateLimited();
    expect(await budget.marginMs()).toBeCloseTo(2 * learnt, 6);
    clock.now += 1000;
    await budget.reportRateLimited();
    expect(await budget.marginMs()).toBeCloseTo(4 * learnt, 6);
  });

  it('tells its observer the margin of every slot it reserves and every refusal', async () => {
    const seen: Array<number | 'refused' | 'missed'> = [];
    // on a clock the test moves past each slot: no request sleeps, so none can wake late and miss it
    const clock = { now: 0 };
    const budget = new InMemoryRateBudget(learningMargin(perSecond(1000, 100), A), () => clock.now, {
      margin: (ms) => seen.push(ms),
      rateLimited: () => seen.push('refused'),
      slotMissed: () => seen.push('missed'),
    });
    await budget.acquire();
    clock.now += 1000;
    await budget.acquire();
    await budget.reportRateLimited();
    clock.now += 1000;
    await budget.acquire();
    expect(seen).toEqual([100, decayedMargin(100, A), 'refused', raisedMargin(decayedMargin(decayedMargin(100, A), A), A)]);
  });

  it('tells its observer of a slot missed by a request its busy process woke too late, which then takes another', async () => {
    const seen: string[] = [];
    // slots 110 ms apart; a request more than 50 ms (half the margin) late gives its slot up
    const budget = new InMemoryRateBudget(perSecond(10, 100), Date.now, { margin: () => seen.push('slot'), rateLimited: () => undefined, slotMissed: () => seen.push('missed') });
    await budget.acquire();
    const second = budget.acquire(); // its slot is 110 ms away
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // the event loop is busy past that slot
    }
    await second;
    expect(seen).toEqual(['slot', 'slot', 'missed', 'slot']);
  });

  it('widens by missRaiseMs for each slot given up, up to the ceiling; without it, a slot given up leaves the margin as it was', () => {
    expect(missRaisedMargin(40, { ...A, missRaiseMs: 2 })).toBe(42);
    expect(missRaisedMargin(499, { ...A, missRaiseMs: 2 })).toBe(500);
    expect(missRaisedMargin(40, A)).toBe(40);
  });

  it.each([
    ['widens its margin', 20, 20],
    ['keeps its margin (no missRaiseMs)', 0, 0],
  ])('%s when a request its busy process woke too late gives its slot up', async (_, missRaiseMs, added) => {
    const spec = learningMargin(perSecond(10, 20), { ...A, missRaiseMs });
    const margins: number[] = [];
    const budget = new InMemoryRateBudget(spec, Date.now, { margin: (ms) => margins.push(ms), rateLimited: () => undefined, slotMissed: () => undefined });
    await budget.acquire();
    const second = budget.acquire(); // its slot about 102 ms away; more than 10 ms late gives it up
    const until = Date.now() + 300;
    while (Date.now() < until) {
      // the event loop is busy past that slot
    }
    await second;
    // the reservation after the slot given up was spaced by the widened margin
    expect(margins).toHaveLength(3);
    expect(margins[2]).toBeCloseTo(decayedMargin(margins[1], A) + added, 6);
  });

  it('keeps a fixed margin without `adaptive`: refusals change nothing', async () => {
    const { slots, budget, take } = budgetAt(perSecond(10, 100));
    await take(50);
    await budget.reportRateLimited();
    await take(50);
    expect(await budget.marginMs()).toBe(100);
    expect(new Set(slots.slice(1).map((t, i) => Math.round(t - slots[i]))).size).toBe(1);
  });
});
