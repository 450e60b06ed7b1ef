import { HeliusClient, InvalidRequestError } from '../../../src/providers';
import { startSimulator, type SimulatorHandle } from '../../../src/simulator';
import { START_TS, TOKEN_A, addr, solTransfers, swaps, worldWith } from './worlds';

const BIG = addr('wallet', 'five-thousand');
const GAPPED = addr('wallet', 'swaps-with-a-transfer-gap');
const SMALL = addr('wallet', 'small');
const RECEIVER = addr('wallet', 'receives-tokens');

let sim: SimulatorHandle;
let helius: HeliusClient;

beforeAll(async () => {
  sim = await startSimulator({
    world: worldWith([
      { address: BIG, trades: swaps(5000) },
      // newest first: 2,500 swaps, then 300 transfers (three scan windows without a match), then 2,500 swaps
      { address: GAPPED, trades: [...swaps(2500, START_TS), ...swaps(2500, START_TS + 10_000)], transfers: solTransfers(300, START_TS + 5_000) },
      { address: SMALL, trades: swaps(250) },
      // tokens sent to its token account by others (one of them failed), besides its own trades and a token it sent
      {
        address: RECEIVER,
        trades: swaps(3, START_TS),
        transfers: [
          { ts: START_TS + 10, direction: 'in', mint: TOKEN_A, amount: '5' },
          { ts: START_TS + 11, direction: 'in', mint: TOKEN_A, amount: '6', failed: true },
          { ts: START_TS + 12, direction: 'out', mint: TOKEN_A, amount: '1' },
        ],
      },
    ]),
    scanWindow: 100,
  });
  helius = new HeliusClient({ baseUrl: sim.url, apiKey: 'test-key' });
});
afterAll(async () => {
  await helius.close();
  await sim.close();
});
beforeEach(() => sim.reset());

const historyRequests = () => sim.requestLog.filter((e) => e.endpoint === 'helius:history');

describe("HeliusClient's token-accounts filter", () => {
  const isIncoming = (t: { type: string; tokenTransfers?: Array<{ toUserAccount: string | null }> | null }) =>
    t.type === 'TRANSFER' && (t.tokenTransfers ?? []).some((x) => x.toUserAccount === RECEIVER);
  const incoming = (txs: Array<Parameters<typeof isIncoming>[0]>) => txs.filter(isIncoming).length;

  it('lists the tokens sent to the wallet\'s token account (a transaction that does not name the wallet), which Helius leaves out by default', async () => {
    const page = await helius.fetchHistoryPage(RECEIVER);
    // its 3 swaps, the token it sent, the one it received; not the failed one (no balance changed)
    expect(page.transactions).toHaveLength(5);
    expect(incoming(page.transactions)).toBe(1);
    const received = page.transactions.find(isIncoming)!;
    expect(received.accountData.map((a) => a.account)).not.toContain(RECEIVER);

    // Helius's default (HELIUS_TOKEN_ACCOUNTS=none, the filter not sent): the incoming tokens are missing
    const byDefault = new HeliusClient({ baseUrl: sim.url, apiKey: 'test-key', tokenAccounts: 'none' });
    try {
      const plain = await byDefault.fetchHistoryPage(RECEIVER);
      expect(plain.transactions).toHaveLength(4);
      expect(incoming(plain.transactions)).toBe(0);
    } finally {
      await byDefault.close();
    }
    // all: the failed one too
    const all = new HeliusClient({ baseUrl: sim.url, apiKey: 'test-key', tokenAccounts: 'all' });
    try {
      expect((await all.fetchHistoryPage(RECEIVER)).transactions).toHaveLength(6);
    } finally {
      await all.close();
    }
  });
});

describe('HeliusClient.fetchHistory', () => {
  it('returns a 5,000-transaction wallet complete, newest first, without duplicates, in 50 full pages plus the empty page that ends history', async () => {
    const result = await helius.fetchHistory(BIG);

    const expected = Array.from({ length: 5000 }, (_, i) => sim.world.signature(sim.world.indexOf(BIG)!, 4999 - i));
    expect(result.transactions.map((t) => t.signature)).toEqual(expected);
    expect(new Set(expected).size).toBe(5000);
    expect(result.requests).toBe(51);
    expect(historyRequests().map((e) => e.status)).toEqual([...Array(50).fill(200), 200]);
  });

  it('follows 404 continuations through a filtered scan and still returns every matching transaction once, in order', async () => {
    const result = await helius.fetchHistory(GAPPED, { type: 'SWAP' });

    const w = sim.world.indexOf(GAPPED)!;
    const expectedSwaps = Array.from({ length: sim.world.historyLength(w) }, (_, i) => sim.world.historyLength(w) - 1 - i)
      .filter((i) => sim.world.meta(w, i).type === 'SWAP')
      .map((i) => sim.world.signature(w, i));
    expect(expectedSwaps).toHaveLength(5000);
    expect(result.transactions.map((t) => t.signature)).toEqual(expectedSwaps);
    // 25 full pages, 3 continuations across the 300 transfers, 25 full pages, the empty end page
    expect(result.continuations).toBe(3);
    expect(result.requests).toBe(54);
    expect(historyRequests().filter((e) => e.status === 404)).toHaveLength(3);
  });

  it('stops at the stored watermark signature without returning it', async () => {
    const w = sim.world.indexOf(SMALL)!;
    const watermark = sim.world.signature(w, 119); // the 130th newest

    const result = await helius.fetchHistory(SMALL, { until: watermark });

    expect(result.reachedWatermark).toBe(true);
    expect(result.transactions).toHaveLength(130);
    expect(result.transactions.at(-1)!.signature).toBe(sim.world.signature(w, 120));
    expect(result.requests).toBe(2);
  });

  it('reports a resumable cursor per page, and resuming from it completes the history without duplicates', async () => {
    const cursors: (string | null)[] = [];
    const first = await helius.fetchHistory(SMALL, { maxPages: 2, onPage: (p) => void cursors.push(p.nextCursor) });
    expect(first.transactions).toHaveLength(200);
    expect(first.resumeCursor).toBe(cursors[1]);

    const rest = await helius.fetchHistory(SMALL, { startCursor: first.resumeCursor! });

    const all = [...first.transactions, ...rest.transactions].map((t) => t.signature);
    expect(all).toHaveLength(250);
    expect(new Set(all).size).toBe(250);
    expect(rest.resumeCursor).toBeNull();
  });
});

describe('HeliusClient.fetchHistoryPage', () => {
  it('sends limit and the before-signature cursor, and returns the oldest signature as the next cursor', async () => {
    const w = sim.world.indexOf(SMALL)!;
    const page = await helius.fetchHistoryPage(SMALL, { limit: 10, before: sim.world.signature(w, 200) });

    expect(page.transactions.map((t) => t.signature)).toEqual(Array.from({ length: 10 }, (_, i) => sim.world.signature(w, 199 - i)));
    expect(page.nextCursor).toBe(sim.world.signature(w, 190));
    expect(page.continuation).toBe(false);
  });

  it('refuses a limit above 100 before sending anything', async () => {
    await expect(helius.fetchHistoryPage(SMALL, { limit: 101 })).rejects.toBeInstanceOf(InvalidRequestError);
    expect(sim.requestLog).toHaveLength(0);
  });

  describe('with an abort signal', () => {
    afterEach(() => sim.reset({ knobs: true }));

    it('drops a page on its way when aborted: rejects with the reason, and the provider sees the request abandoned', async () => {
      // far longer than the test may take: it can only end through the abort
      sim.configure({ latencyMs: { 'helius:history': 600_000 } });
      const abort = new AbortController();
      const asked = helius.fetchHistoryPage(SMALL, { signal: abort.signal });
      while (historyRequests().length === 0) await new Promise((r) => setTimeout(r, 20));
      const reason = new Error('the sync was cancelled');
      abort.abort(reason);

      await expect(asked).rejects.toBe(reason);
      while (historyRequests()[0].abandoned === undefined) await new Promise((r) => setTimeout(r, 20));
      expect(historyRequests()).toEqual([expect.objectContaining({ wallet: SMALL, abandoned: true })]);
    });

    it('sends nothing once aborted, and an answered page is not marked abandoned', async () => {
      const abort = new AbortController();
      abort.abort(new Error('cancelled before it went out'));
      await expect(helius.fetchHistoryPage(SMALL, { signal: abort.signal })).rejects.toThrow('cancelled before it went out');
      expect(sim.requestLog).toHaveLength(0);

      sim.configure({ latencyMs: { 'helius:history': 50 } });
      const page = await helius.fetchHistoryPage(SMALL, { limit: 5, signal: new AbortController().signal });
      expect(page.transactions).toHaveLength(5);
      expect(historyRequests()).toEqual([expect.objectContaining({ status: 200 })]);
      expect(historyRequests()[0].abandoned).toBeUndefined();
    });
  });
});

describe('HeliusClient.getTransactions', () => {
  it('parses 250 signatures in three POSTs of at most 100 and keys the result by signature, leaving out unknown ones', async () => {
    const w = sim.world.indexOf(SMALL)!;
    const signatures = Array.from({ length: 249 }, (_, i) => sim.world.signature(w, i));
    const unknown = sim.world.signature(sim.world.indexOf(BIG)!, 0).replace(/.$/, (c) => (c === '1' ? '2' : '1'));

    const result = await helius.getTransactions([...signatures, unknown]);

    expect(result.size).toBe(249);
    expect(result.get(signatures[17])!.signature).toBe(signatures[17]);
    expect(result.has(unknown)).toBe(false);
    expect(sim.requestLog.map((e) => e.endpoint)).toEqual(['helius:parse', 'helius:parse', 'helius:parse']);
  });
});
