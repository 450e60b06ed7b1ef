// One run of a task per key at a time in this process, shared by every caller that asks while it
// runs: the SOL price's fetch (sol-price.ts), a first funder's activity read after a sync
// (counterparty-activity.ts), which many activities of one worker ask for at the same moment, and a
// token's holder scan (holders.ts), which analyses of one token started together share.

interface Flight<T> {
  promise: Promise<T>;
  /** callers waiting with a signal of their own */
  waiting: number;
  /** callers waiting without one: they never leave, so the run is never dropped under them */
  staying: number;
  abort: AbortController;
}

export class SingleFlight<K, T> {
  private readonly flights = new Map<K, Flight<T>>();

  /**
   * `task`'s result for `key`: a run already under way for it is joined (`shared: true`), else one is
   * started. The caller waits for the run or for its own `signal`'s abort, whichever comes first (an
   * abort rejects with the signal's reason); the run's own signal aborts, and the run is forgotten,
   * once every caller has left and none came without a signal: no one wants its answer any more.
   * A settled run is forgotten too: the next call starts a new one.
   */
  async run(key: K, task: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<{ value: T; shared: boolean }> {
    signal?.throwIfAborted();
    let flight = this.flights.get(key);
    const shared = flight !== undefined;
    if (flight === undefined) {
      const started: Flight<T> = { promise: Promise.resolve(undefined as T), waiting: 0, staying: 0, abort: new AbortController() };
      started.promise = (async () => task(started.abort.signal))().finally(() => {
        if (this.flights.get(key) === started) this.flights.delete(key);
      });
      // settled later by its callers; meanwhile a failure must not be an unhandled rejection
      started.promise.catch(() => undefined);
      this.flights.set(key, started);
      flight = started;
    }
    const joined = flight;
    if (signal === undefined) {
      joined.staying += 1;
      return { value: await joined.promise, shared };
    }
    joined.waiting += 1;
    let onAbort: (() => void) | undefined;
    const left = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(signal.reason);
        joined.waiting -= 1;
        if (joined.waiting > 0 || joined.staying > 0) return;
        if (this.flights.get(key) === joined) this.flights.delete(key);
        joined.abort.abort(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return { value: await Promise.race([joined.promise, left]), shared };
    } finally {
      signal.removeEventListener('abort', onAbort!);
    }
  }

  /** The signal of the run under way for `key` (the one a call made now joins), if there is one. */
  runSignal(key: K): AbortSignal | undefined {
    return this.flights.get(key)?.abort.signal;
  }

  /** Keys with a run under way (for tests and diagnostics). */
  get running(): number {
    return this.flights.size;
  }
}
