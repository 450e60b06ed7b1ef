// The provider send thread (src/providers/send-thread.ts) against the simulator: requests sent there
// are answered and classified as on the calling thread, a refusal still teaches the budget, an abort
// ends a request that waits for its slot there without sending it, and a thread that dies fails
// only the requests it held, as retryable transport errors, and is replaced on the next request.
import { InMemoryRateBudget, ProviderRateLimitedError, ProviderUnavailableError, SendThread, SendThreadExitedError, SolanaRpcClient, learningMargin, perSecond } from '../../../src/providers';
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { addr, swaps, worldWith } from '../../unit/providers/worlds';

const WALLET = addr('wallet', 'send-thread');

let sim: SimulatorHandle;
let thread: SendThread;
beforeAll(async () => {
  sim = await startSimulator({ world: worldWith([{ address: WALLET, trades: swaps(2) }]) });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.reset();
  thread = new SendThread();
});
afterEach(() => thread.close());

const rpcRequests = () => sim.requestLog.filter((e) => e.provider === 'solana-rpc');

describe('provider requests sent by the send thread', () => {
  it('are answered as on the calling thread, and leave at their slots', async () => {
    const sent: number[] = [];
    thread = new SendThread({ onSent: (at) => sent.push(at) });
    const budget = new InMemoryRateBudget(perSecond(10, 0));
    const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'thread-key', budget, sendThread: thread });
    const onThread = await Promise.all([rpc.getSolBalances([WALLET]), rpc.getSolBalances([WALLET]), rpc.getSolBalances([WALLET])]);
    const direct = await new SolanaRpcClient({ url: sim.url, apiKey: 'thread-key' }).getSolBalances([WALLET]);

    expect(onThread.map((m) => m.get(WALLET))).toEqual([direct.get(WALLET), direct.get(WALLET), direct.get(WALLET)]);
    expect(sent).toHaveLength(3);
    // 10 a second: 100 ms apart (less the timers' millisecond)
    expect(sent[2] - sent[0]).toBeGreaterThanOrEqual(195);
    await rpc.close();
  });

  it('classify a refusal as rate limited, with its Retry-After, and the budget learns from it', async () => {
    sim.configure({ rateLimits: { rpcRps: 1, retryAfter: true } });
    const refusals: number[] = [];
    const budget = new InMemoryRateBudget(learningMargin(perSecond(100, 20)), Date.now, { margin: () => undefined, rateLimited: () => refusals.push(1), slotMissed: () => undefined });
    const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'thread-key', budget, sendThread: thread });
    const outcomes = await Promise.allSettled([rpc.getSolBalances([WALLET]), rpc.getSolBalances([WALLET]), rpc.getSolBalances([WALLET])]);

    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as unknown);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const err of refused) {
      expect(err).toBeInstanceOf(ProviderRateLimitedError);
      expect((err as ProviderRateLimitedError).retryAfterMs).toBeGreaterThan(0);
    }
    expect(refusals).toHaveLength(refused.length);
    // doubled once in the window (from about 20: each reservation decays it a little)
    expect(await budget.marginMs()).toBeGreaterThan(35);
    await rpc.close();
  });

  it('classify an unreachable provider as a network error that names no key', async () => {
    const rpc = new SolanaRpcClient({ url: 'http://127.0.0.1:9/', apiKey: 'secret-thread-key', budget: new InMemoryRateBudget(perSecond(100, 0)), sendThread: thread });
    const err = await rpc.getSolBalances([WALLET]).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as ProviderUnavailableError).reason).toBe('network');
    expect(String((err as Error).message)).not.toContain('secret-thread-key');
    await rpc.close();
  });

  it('end without being sent when their signal aborts while they wait for their slot there', async () => {
    const budget = new InMemoryRateBudget(perSecond(1, 0));
    await thread.ready();
    await budget.acquire(); // the next slot is a second away
    const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'thread-key', budget, sendThread: thread });
    const controller = new AbortController();
    const waiting = rpc.getSolBalances([WALLET], { signal: controller.signal }).then(
      () => 'sent',
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 100));
    const reason = new Error('activity cancelled');
    controller.abort(reason);

    expect(await Promise.race([waiting, new Promise((r) => setTimeout(() => r('still waiting'), 300))])).toBe(reason);
    // past its slot: the thread dropped it
    await new Promise((r) => setTimeout(r, 1200));
    expect(rpcRequests()).toEqual([]);
    expect(thread.inFlight).toBe(0);
    await rpc.close();
  });

  it('fail as retryable transport errors when the thread ends under them, and the next request starts another', async () => {
    const budget = new InMemoryRateBudget(perSecond(1, 0));
    await thread.ready();
    await budget.acquire();
    const rpc = new SolanaRpcClient({ url: sim.url, apiKey: 'thread-key', budget, sendThread: thread });
    const held = rpc.getSolBalances([WALLET]).catch((e: unknown) => e); // waits there for its slot, a second away
    await new Promise((r) => setTimeout(r, 100));
    expect(thread.inFlight).toBe(1);
    // what a crash of the thread does to the requests it holds (terminated from outside, as the process would see it)
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();

    const err = await held;
    expect(err).toBeInstanceOf(ProviderUnavailableError);
    expect((err as ProviderUnavailableError).message).toMatch(/send thread ended/);
    const again = await rpc.getSolBalances([WALLET]);
    expect(again.has(WALLET)).toBe(true);
    expect(rpcRequests()).toHaveLength(1);
    await rpc.close();
  });

  it('are refused once it is closed', async () => {
    await thread.close();
    await expect(thread.ready()).rejects.toBeInstanceOf(SendThreadExitedError);
  });
});
