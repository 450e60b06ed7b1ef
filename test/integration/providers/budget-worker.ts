// One worker process of the budget tests: `calls` getBalance requests through the SolanaRpcClient,
// sharing the Redis budget (the product's kind, with a learnt margin) with every other process (or
// none with `no-budget`). With `stalled`, the calls are all made at once and the process's event
// loop is then blocked for STALL_MS, as a worker busy parsing and storing pages is: the requests
// whose slots fell in the stall wake late together. On exit it prints, as one JSON line, the slots
// it gave up (woken too late for them) and when each of its budgeted requests was written to its
// socket (undici's `undici:client:sendHeaders` channel): the moments the budget governs, read off
// the sender's clock rather than off the simulator's reading of its socket, which on a loaded
// machine reads requests late and in bunches.
import { subscribe } from 'node:diagnostics_channel';
import { Redis } from 'ioredis';
import { RedisRateBudget, SolanaRpcClient, learningMargin, perSecond, unlimitedBudget } from '../../../src/providers';

const STALL_AFTER_MS = 150;
const STALL_MS = 800;

async function main(): Promise<void> {
  const [url, redisUrl, key, rps, calls, wallet, mode, marginMs] = process.argv.slice(2);
  const redis = mode === 'no-budget' ? null : new Redis(redisUrl);
  let missed = 0;
  const observer = { margin: () => undefined, rateLimited: () => undefined, slotMissed: () => void missed++ };
  const budget = redis ? new RedisRateBudget({ redis, key, spec: learningMargin(perSecond(Number(rps), Number(marginMs))), observer }) : unlimitedBudget;
  // warm up outside the budget (module loading, first connection) so a cold start does not delay
  // the first budgeted request past its slot; the simulator does not log /__sim paths
  const warmUp = new SolanaRpcClient({ url: `${url}/__sim/health`, apiKey: 'worker-key' });
  await warmUp.getBalance(wallet).catch(() => undefined);
  await warmUp.close();
  const sent: number[] = [];
  subscribe('undici:client:sendHeaders', () => sent.push(Date.now()));
  const rpc = new SolanaRpcClient({ url, apiKey: 'worker-key', budget });
  if (mode === 'stalled') {
    const all = Promise.all(Array.from({ length: Number(calls) }, () => rpc.getBalance(wallet)));
    await new Promise((r) => setTimeout(r, STALL_AFTER_MS));
    const until = Date.now() + STALL_MS;
    while (Date.now() < until) {
      // the event loop is busy: no timer fires, no reply is read
    }
    await all;
  } else {
    for (let i = 0; i < Number(calls); i++) await rpc.getBalance(wallet);
  }
  await rpc.close();
  redis?.disconnect();
  process.stdout.write(`${JSON.stringify({ sent, missed })}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
