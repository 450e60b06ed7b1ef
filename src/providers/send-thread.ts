// A thread of the worker's own that sends provider requests when their budget slots come.
//
// A request waits for its slot on a timer. On the thread that parses and stores history pages, that
// timer fires late whenever a burst of pages keeps the event loop busy, and a request that misses its
// slot by more than half the budget's margin gives it up (rate-limit.ts, lateSlotLimitMs): measured
// on a CPU-bound 2-core machine, 479 to 1,263 of a 1,000-wallet group's 3,000 history requests gave
// up a slot, the slots going unused (README, "Scaling out"). Here the calling thread only reserves
// the slot (one Redis script); this thread, whose event loop does nothing else, sleeps until the slot,
// sends, reads the body and posts the answer back (`SendOutcome`), and the calling thread parses it
// when it is free. The thread starts on the first request, is restarted on the next one if it dies
// (the requests it held fail as transport errors, which Temporal retries), and never keeps the
// process alive.
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** The undici Agent a request goes out on: one per ProviderHttp, created in the thread on first use. */
export interface SendAgent {
  key: string;
  connections: number;
  keepAliveTimeoutMs: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

export interface SendRequest {
  id: number;
  origin: string;
  /** path and query (the api-key among them: it stays in this process) */
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** the budget slot (epochNow's clock) and how late past it the request may still leave (null: whenever) */
  dueAt: number;
  lateLimitMs: number | null;
  agent: SendAgent;
}

export interface SendAbort {
  abort: number;
}

/** The thread's first message: it has loaded and takes requests. */
export interface SendReady {
  ready: true;
}

export type SendOutcome =
  /** `sentAt`: when the thread handed the request to its socket (Date.now()) */
  | { id: number; kind: 'response'; sentAt: number; status: number; text: string; retryAfter?: string | string[] }
  /** woke more than `lateLimitMs` past its slot: not sent (the caller reserves another slot) */
  | { id: number; kind: 'missed'; lateMs: number }
  /** a transport error (or an abort), and when the request was sent if it was */
  | { id: number; kind: 'error'; sentAt: number | null; code?: string; name?: string; message: string };

export interface SendThreadOptions {
  /** told when each request is handed to its socket (Date.now()): the moments the budget governs */
  onSent?: (at: number) => void;
}

const FROM_SOURCE = path.extname(__filename) === '.ts';
const ENTRY = path.join(__dirname, FROM_SOURCE ? 'send-thread-entry.ts' : 'send-thread-entry.js');

/** The error a request gets when the thread that held it ended. */
export class SendThreadExitedError extends Error {
  override readonly name = 'SendThreadExitedError';
  readonly code = 'SEND_THREAD_EXITED';
}

type Pending = { resolve: (outcome: SendOutcome) => void; reject: (err: unknown) => void };

export class SendThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;
  private started: Promise<Worker> | null = null;

  constructor(private readonly options: SendThreadOptions = {}) {}

  /**
   * Resolves once the thread has loaded and takes requests (starting it if it is not running): a
   * caller reserves its slot after this, so that no slot passes while the thread loads.
   */
  async ready(): Promise<void> {
    if (this.closed) throw new SendThreadExitedError('the provider send thread was closed');
    await this.thread();
  }

  /**
   * Hands `request` to the thread; resolves with its outcome. `signal` aborts it wherever it is
   * (rejecting at once with the signal's reason); the thread drops its answer.
   */
  async send(request: Omit<SendRequest, 'id'>, signal?: AbortSignal): Promise<SendOutcome> {
    signal?.throwIfAborted();
    if (this.closed) throw new SendThreadExitedError('the provider send thread was closed');
    const worker = await this.thread();
    signal?.throwIfAborted();
    const id = this.nextId++;
    return new Promise<SendOutcome>((resolve, reject) => {
      const onAbort = () => {
        this.pending.delete(id);
        worker.postMessage({ abort: id } satisfies SendAbort);
        reject(signal?.reason);
      };
      this.pending.set(id, {
        resolve: (outcome) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(outcome);
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ ...request, id } satisfies SendRequest);
    });
  }

  /** Requests waiting for an answer from the thread. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** Ends the thread; requests it still holds fail (SendThreadExitedError). */
  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.started = null;
    this.failPending(new SendThreadExitedError('the provider send thread was closed'));
    if (worker) await worker.terminate();
  }

  /** The running thread, once it has loaded; a new one when none runs (the last one ended). */
  private thread(): Promise<Worker> {
    if (this.started) return this.started;
    const worker = new Worker(ENTRY, FROM_SOURCE ? { execArgv: ['--require', require.resolve('tsx/cjs')] } : {});
    worker.unref();
    this.worker = worker;
    const started = new Promise<Worker>((resolve, reject) => {
      worker.on('message', (message: SendOutcome | SendReady) => {
        if ('ready' in message) return resolve(worker);
        if (message.kind !== 'missed' && message.sentAt !== null) this.options.onSent?.(message.sentAt);
        const p = this.pending.get(message.id);
        if (!p) return; // aborted meanwhile
        this.pending.delete(message.id);
        p.resolve(message);
      });
      const ended = (why: string) => {
        const error = new SendThreadExitedError(`the provider send thread ended (${why}); the requests it held were not answered`);
        reject(error);
        if (this.worker !== worker) return;
        this.worker = null;
        this.started = null;
        this.failPending(error);
      };
      worker.on('error', (err) => ended(err instanceof Error ? err.message : String(err)));
      worker.on('exit', (code) => ended(`exit code ${code}`));
    });
    // a thread that fails to load rejects its callers; this keeps the rejection from going unhandled
    started.catch(() => undefined);
    this.started = started;
    return started;
  }

  private failPending(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(err);
  }
}
