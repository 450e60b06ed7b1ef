// Two worker processes share one Redis budget; the simulator's request log proves that together
// they never exceeded it in any 1-second window. The control run without the budget shows the
// same check does fail when nothing holds the processes back.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { InMemoryRateBudget, RedisRateBudget, SolanaRpcClient, perSecond, type RateBudget } from '../../../src/providers';
import { peakPerWindow, startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { testEnv } from '../../harness/env';
import { addr, swaps, worldWith } from '../../unit/providers/worlds';

const RPS = 8;
const CALLS_PER_WORKER = 24;
const WALLET = addr('wallet', 'budget');
const ROOT = join(__dirname, '../../..');

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ world: worldWith([{ address: WALLET, trades: swaps(3) }]) });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

function runWorker(key: string, mode: 'budget' | 'no-budget' | 'stalled'): Promise<void> {
  const env = testEnv();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(__dirname, 'budget-worker.ts'), sim.url, env.redisUrl, key, String(RPS), String(CALLS_PER_WORKER), WALLET, mode],
      { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`budget worker exited with ${code}`))));
  });
}

const rpcArrivals = () => sim.requestLog.filter((e) => e.provider === 'solana-rpc').map((e) => e.at);

describe('the shared Redis request budget', () => {
  it(`keeps two worker processes together at or under ${RPS} requests in every 1-second window`, async () => {
    const key = `${testEnv().redisKeyPrefix}budget:rpc:${Date.now()}`;

    await Promise.all([runWorker(key, 'budget'), runWorker(key, 'budget')]);

    const arrivals = rpcArrivals();
    expect(arrivals).toHaveLength(2 * CALLS_PER_WORKER);
    expect(peakPerWindow(arrivals, 1000)).toBeLessThanOrEqual(RPS);
    expect(sim.requestLog.every((e) => e.status === 200)).toBe(true);
  });

  it(`holds when a process's event loop stalls: requests that wake past their slot take another instead of leaving together`, async () => {
    const key = `${testEnv().redisKeyPrefix}budget:rpc:stalled:${Date.now()}`;

    await runWorker(key, 'stalled');

    const arrivals = rpcArrivals();
    expect(arrivals).toHaveLength(CALLS_PER_WORKER);
    expect(peakPerWindow(arrivals, 1000)).toBeLessThanOrEqual(RPS);
  });

  it('is what holds them back: without it the same two workers exceed the budget', async () => {
    await Promise.all([runWorker('unused', 'no-budget'), runWorker('unused', 'no-budget')]);

    expect(peakPerWindow(rpcArrivals(), 1000)).toBeGreaterThan(RPS);
  });

  it('sends its script whole once on a connection, then by its hash (EVALSHA), and whole again after Redis forgot it', async () => {
    const env = testEnv();
    const key = `${env.redisKeyPrefix}budget:evalsha:${Date.now()}`;
    const admin = new Redis(env.redisUrl);
    const client = new Redis(env.redisUrl);
    const monitor = await admin.monitor();
    try {
      const seen: string[] = [];
      const done = new Promise<void>((resolve) =>
        monitor.on('monitor', (_time: string, args: string[]) => {
          if (args[0]?.toLowerCase() === 'echo' && args[1] === key) resolve();
          else if (args.includes(key) && /^eval/i.test(args[0] ?? '')) seen.push(args[0]!.toLowerCase()); // not the script's own GET and SET
        }),
      );
      const budget = new RedisRateBudget({ redis: client, key, spec: perSecond(1000, 0) });
      await budget.acquire();
      await budget.acquire();
      await budget.acquire();
      await client.script('FLUSH'); // what a restarted Redis or an operator's SCRIPT FLUSH does
      await budget.acquire();
      await client.echo(key);
      await done;

      // (the fourth reservation resolved: the NOSCRIPT of its hash was answered by sending the body)
      expect(seen.slice(0, 3)).toEqual(['eval', 'evalsha', 'evalsha']);
      expect(seen.at(-1)).toBe('eval');
    } finally {
      monitor.disconnect();
      await Promise.all([admin.quit(), client.quit()]);
    }
  });

  describe('a request waiting for its slot ends when its signal aborts (a cancelled activity)', () => {
    let redis: Redis;
    beforeAll(() => {
      redis = new Redis(testEnv().redisUrl);
    });
    afterAll(() => redis.quit());

    const budgets: Array<[string, () => RateBudget]> = [
      ['shared in Redis', () => new RedisRateBudget({ redis, key: `${testEnv().redisKeyPrefix}budget:abort:${Date.now()}`, spec: perSecond(1, 0) })],
      ['in one process', () => new InMemoryRateBudget(perSecond(1, 0))],
    ];
    it.each(budgets)('%s: it rejects with the reason and sends nothing, while the slots before it are kept', async (_, make) => {
      const budget = make();
      await budget.acquire(); // the first slot: now
      const held = [budget.acquire(), budget.acquire()]; // the next two: 1 s and 2 s away
      const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'abort-key', budget });
      const controller = new AbortController();
      try {
        const waiting = rpc.getSolBalances([WALLET], { signal: controller.signal }).then(
          () => 'sent',
          (err: unknown) => err,
        );
        await new Promise((r) => setTimeout(r, 50));
        const reason = new Error('activity cancelled');
        controller.abort(reason);
        // it settles at once: without the signal it would wait its slot, 3 s away
        const settled = await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still waiting'), 500))]);
        expect(settled).toBe(reason);
        expect(rpcArrivals()).toEqual([]);
      } finally {
        await Promise.all(held);
        await rpc.close();
      }
    });
  });
});

