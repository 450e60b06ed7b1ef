// SingleFlight: one run per key, shared by the callers that ask while it runs; a caller leaves on its
// own abort, and the run is dropped (its signal aborted) once no one waits for it.
import { SingleFlight } from './single-flight';

/** A task whose runs are counted and settled by hand. */
function held<T>() {
  const runs: Array<{ signal: AbortSignal; resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  const task = (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      runs.push({ signal, resolve, reject });
    });
  return { runs, task };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('SingleFlight', () => {
  it('runs a key once for the callers that ask meanwhile, tells who joined, and runs again once settled', async () => {
    const flights = new SingleFlight<string, number>();
    const { runs, task } = held<number>();
    const first = flights.run('k', task, new AbortController().signal);
    const second = flights.run('k', task);
    const other = flights.run('other', task);
    await tick();
    expect(runs).toHaveLength(2);
    expect(flights.running).toBe(2);
    runs[0].resolve(42);
    runs[1].resolve(7);
    await expect(first).resolves.toEqual({ value: 42, shared: false });
    await expect(second).resolves.toEqual({ value: 42, shared: true });
    await expect(other).resolves.toEqual({ value: 7, shared: false });
    expect(flights.running).toBe(0);
    const again = flights.run('k', task);
    await tick();
    expect(runs).toHaveLength(3);
    runs[2].resolve(43);
    await expect(again).resolves.toEqual({ value: 43, shared: false });
  });

  it('gives every caller the run\'s failure, and forgets it', async () => {
    const flights = new SingleFlight<string, number>();
    const { runs, task } = held<number>();
    const a = flights.run('k', task);
    const b = flights.run('k', task, new AbortController().signal);
    await tick();
    runs[0].reject(new Error('provider down'));
    await expect(a).rejects.toThrow('provider down');
    await expect(b).rejects.toThrow('provider down');
    expect(flights.running).toBe(0);
    // a task that throws at once fails its caller the same way
    await expect(flights.run('k', () => Promise.reject(new Error('at once')))).rejects.toThrow('at once');
  });

  it('lets a caller leave on its own abort while the others still get the answer', async () => {
    const flights = new SingleFlight<string, number>();
    const { runs, task } = held<number>();
    const leaving = new AbortController();
    const left = flights.run('k', task, leaving.signal);
    const staying = flights.run('k', task, new AbortController().signal);
    await tick();
    leaving.abort(new Error('activity cancelled'));
    await expect(left).rejects.toThrow('activity cancelled');
    expect(runs[0].signal.aborted).toBe(false);
    runs[0].resolve(5);
    await expect(staying).resolves.toEqual({ value: 5, shared: true });
    // an aborted signal is refused before anything runs
    await expect(flights.run('k', task, leaving.signal)).rejects.toThrow('activity cancelled');
    expect(runs).toHaveLength(1);
  });

  it('drops the run, aborting its signal, once every caller has left; a caller without a signal keeps it', async () => {
    const flights = new SingleFlight<string, number>();
    const { runs, task } = held<number>();
    const [x, y] = [new AbortController(), new AbortController()];
    const px = flights.run('k', task, x.signal);
    const py = flights.run('k', task, y.signal);
    await tick();
    x.abort(new Error('x gone'));
    y.abort(new Error('y gone'));
    await expect(px).rejects.toThrow('x gone');
    await expect(py).rejects.toThrow('y gone');
    expect(runs[0].signal.aborted).toBe(true);
    expect(runs[0].signal.reason).toEqual(new Error('y gone'));
    expect(flights.running).toBe(0);
    // the next caller starts a new run rather than joining the dropped one
    const next = flights.run('k', task);
    await tick();
    expect(runs).toHaveLength(2);
    const z = new AbortController();
    const pz = flights.run('k', task, z.signal);
    z.abort(new Error('z gone'));
    await expect(pz).rejects.toThrow('z gone');
    expect(runs[1].signal.aborted).toBe(false);
    runs[1].resolve(9);
    await expect(next).resolves.toEqual({ value: 9, shared: false });
  });

  it("names the run a call joins by its signal, from the moment the call is made until the run is settled or dropped", async () => {
    const flights = new SingleFlight<string, number>();
    const { runs, task } = held<number>();
    expect(flights.runSignal('k')).toBeUndefined();
    const x = new AbortController();
    const px = flights.run('k', task, x.signal);
    const first = flights.runSignal('k');
    await tick();
    expect(first).toBe(runs[0].signal);
    // dropped by its one caller: the next call's run is another
    x.abort(new Error('x gone'));
    await expect(px).rejects.toThrow('x gone');
    expect(flights.runSignal('k')).toBeUndefined();
    const next = flights.run('k', task);
    expect(flights.runSignal('k')).not.toBe(first);
    await tick();
    expect(flights.runSignal('k')).toBe(runs[1].signal);
    runs[1].resolve(1);
    await next;
    expect(flights.runSignal('k')).toBeUndefined();
  });
});
