// Entry module of the provider send thread (send-thread.ts): it holds each request until its budget
// slot, sends it, reads the body and posts the answer back. Its event loop does nothing else, so a
// request leaves when its slot comes even while the calling thread is busy parsing and storing pages.
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort } from 'node:worker_threads';
import { Agent } from 'undici';
import type { SendAbort, SendOutcome, SendReady, SendRequest } from './send-thread';

if (parentPort === null) throw new Error('send-thread-entry is the entry of the thread send-thread.ts starts; it does not run on its own');
const port = parentPort;

const epochNow = (): number => performance.timeOrigin + performance.now();
const agents = new Map<string, Agent>();
const inFlight = new Map<number, AbortController>();

function agentFor(req: SendRequest): Agent {
  let agent = agents.get(req.agent.key);
  if (!agent) {
    const a = req.agent;
    agent = new Agent({
      connections: a.connections,
      keepAliveTimeout: a.keepAliveTimeoutMs,
      connect: { timeout: a.connectTimeoutMs },
      headersTimeout: a.headersTimeoutMs,
      bodyTimeout: a.bodyTimeoutMs,
    });
    agents.set(a.key, agent);
  }
  return agent;
}

async function handle(req: SendRequest): Promise<SendOutcome> {
  const controller = new AbortController();
  inFlight.set(req.id, controller);
  let sentAt: number | null = null;
  try {
    const wait = req.dueAt - epochNow();
    if (wait > 0) await sleep(wait, undefined, { signal: controller.signal });
    const late = epochNow() - req.dueAt;
    if (req.lateLimitMs !== null && late > req.lateLimitMs) return { id: req.id, kind: 'missed', lateMs: late };
    sentAt = Date.now();
    const res = await agentFor(req).request({ origin: req.origin, path: req.path, method: req.method, headers: req.headers, body: req.body, signal: controller.signal });
    const text = await res.body.text();
    const retryAfter = res.headers['retry-after'];
    return { id: req.id, kind: 'response', sentAt, status: res.statusCode, text, ...(retryAfter !== undefined ? { retryAfter } : {}) };
  } catch (err) {
    const e = err as { code?: unknown; name?: unknown; message?: unknown };
    return {
      id: req.id,
      kind: 'error',
      sentAt,
      code: typeof e?.code === 'string' ? e.code : undefined,
      name: typeof e?.name === 'string' ? e.name : undefined,
      message: typeof e?.message === 'string' ? e.message : String(err),
    };
  } finally {
    inFlight.delete(req.id);
  }
}

port.postMessage({ ready: true } satisfies SendReady);
port.on('message', (message: SendRequest | SendAbort) => {
  if ('abort' in message) {
    inFlight.get(message.abort)?.abort();
    return;
  }
  void handle(message).then((outcome) => port.postMessage(outcome));
});
