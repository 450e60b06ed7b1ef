// `wallet-similarity wallet <address>`: when it syncs first (--sync auto, force, skip), how it follows
// the sync and says a failure, how it asks again for figures an older engine computed, and the tables
// it prints. The API is a small HTTP server answering as the real one does (the real stack runs the
// command in test/integration/e2e-api.test.ts).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../../../src/cli/api-client';
import { main } from '../../../src/cli/main';
import { RENDER_WIDTH } from '../../../src/cli/render';
import { RECOMPUTE_ASKS, fetchWallet, renderWallet, syncProgressLine } from '../../../src/cli/wallet';
import type { WalletAnalyticsView } from '../../../src/api/schemas/wallets';

const W = '9c3TmBNefBQras5WwU6YMCYs6STjmWfDksnJk448Axv3';
const MINT = 'So11111111111111111111111111111111111111112';

const figures = (engineVersion: string, extra: Partial<WalletAnalyticsView> = {}): WalletAnalyticsView => ({
  wallet: W,
  status: { wallet: W, status: 'READY', lastSyncedAt: '2026-12-07T03:00:00.000Z', syncWorkflowId: null, sync: null, lastSyncError: null },
  pnl: {
    totals: { realizedPnlSol: 1.23456, unrealizedPnlSol: null, volumeSol: 10, feesSol: 0.0123, failedTransactions: 2, failedFeesSol: 0.00001, realizedPnlAfterFeesSol: 1.22225, tokens: 2, winRate: 0.5 },
    tokens: [
      { mint: 'Mint1111111111111111111111111111111111111111', realizedPnlSol: 0.1, unrealizedPnlSol: null, costSol: 1, proceedsSol: 1.1, buyCount: 1, sellCount: 1 },
      { mint: MINT, realizedPnlSol: -2.5, unrealizedPnlSol: 0.25, costSol: 3, proceedsSol: 0.5, buyCount: 3, sellCount: 1 },
    ],
  },
  behavior: { tradeCount: 6, uniqueTokens: 2, buySellRatio: 2, medianHoldTimeHours: 1.5, flipperScore: 0.4, tradesPerDay: 3, activeSpanDays: 2 },
  coverage: { legs: 6, firstLegAt: 1_700_000_000, lastLegAt: 1_700_086_400, rejectedTransactions: 1 },
  engineVersion,
  computedAt: '2026-12-07T03:00:01.000Z',
  ...extra,
});

type Status = 'READY' | 'STALE' | 'MISSING' | 'SYNCING';
type StatusAnswer = { status: Status; sync?: { pages: number; transactions: number }; lastSyncError?: string; lastSyncedAt?: string } | 429;

/** An API whose wallet answers the statuses of `statuses` in turn (the last again; 429: over the route's allowance, retry after 2 s), and `walletAnswers` likewise; it records each request. */
async function fakeApi(statuses: StatusAnswer[], walletAnswers: Array<WalletAnalyticsView | 404>, symbol = 'SOL\u001b[2J') {
  const requests: string[] = [];
  let statusAsks = 0;
  let walletAsks = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': status === 200 || status === 202 ? 'application/json' : 'application/problem+json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/v1/wallets/status') {
      const s = statuses[Math.min(statusAsks++, statuses.length - 1)];
      if (s === 429) {
        res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '2' });
        return res.end(JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'more than 60 requests in 60 s to this route' }));
      }
      return send(200, { wallets: [{ wallet: W, lastSyncedAt: s.lastSyncedAt ?? null, syncWorkflowId: null, sync: s.sync ?? null, lastSyncError: s.lastSyncError ?? null, status: s.status }] });
    }
    if (req.url === '/v1/wallets/sync') return send(202, { syncs: [{ wallet: W, workflowId: `wallet-sync:${W}`, started: true }] });
    if (req.url === `/v1/wallets/${W}`) {
      const a = walletAnswers[Math.min(walletAsks++, walletAnswers.length - 1)];
      return a === 404 ? send(404, { title: 'Not Found', status: 404, detail: `no stored analytics for ${W}` }) : send(200, a);
    }
    if (req.url?.startsWith('/v1/tokens/')) return req.url.endsWith(MINT) ? send(200, { mint: MINT, status: 'resolved', symbol }) : send(404, { title: 'Not Found', status: 404 });
    send(404, { title: 'Not Found', status: 404 });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, api: new ApiClient(url), requests, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Waits nothing; records each wait asked for. */
const waits: number[] = [];
const noWait = async (ms: number) => void waits.push(ms);
beforeEach(() => (waits.length = 0));
const T0 = '2026-12-06T00:00:00.000Z';
const T1 = '2026-12-07T03:00:00.000Z';

describe('wallet-similarity wallet: what it syncs first and what it reads', () => {
  it.each<[string, 'auto' | 'force' | 'skip', Status, boolean]>([
    ['auto syncs a wallet without stored history', 'auto', 'MISSING', true],
    ['auto syncs a stale one', 'auto', 'STALE', true],
    ['auto reads a READY one as it is', 'auto', 'READY', false],
    ['force syncs a READY one', 'force', 'READY', true],
    ['skip syncs none', 'skip', 'STALE', false],
  ])('%s', async (_name, sync, before, synced) => {
    const api = await fakeApi([{ status: before, lastSyncedAt: T0 }, { status: 'SYNCING', sync: { pages: 2, transactions: 200 } }, { status: 'SYNCING', sync: { pages: 2, transactions: 200 } }, { status: 'READY', lastSyncedAt: T1 }], [figures('2.19.0')]);
    try {
      const said: string[] = [];
      const view = await fetchWallet(api.api, W, { sync, log: (l) => said.push(l), sleep: noWait });
      expect(view.engineVersion).toBe('2.19.0');
      expect(api.requests.includes('POST /v1/wallets/sync')).toBe(synced);
      // a sync followed to its end: its progress said once per change
      if (synced) expect(said).toEqual([expect.stringMatching(/^syncing 9c3T…Axv3 \(/), 'syncing 9c3T…Axv3: 2 pages, 200 transactions']);
      else expect(said).toEqual([]);
      // the status read 1, 2, then 4 s apart (its route counts against the client's allowance)
      if (synced) expect(waits).toEqual([1_000, 2_000, 4_000]);
    } finally {
      await api.close();
    }
  });

  it('follows a sync already under way (another analysis’s) before it reads, saying how to stop waiting', async () => {
    const api = await fakeApi([{ status: 'SYNCING', sync: { pages: 1, transactions: 100 } }, { status: 'SYNCING', sync: { pages: 1, transactions: 100 } }, { status: 'READY' }], [figures('2.19.0')]);
    try {
      const said: string[] = [];
      await fetchWallet(api.api, W, { sync: 'auto', log: (l) => said.push(l), sleep: noWait });
      expect(api.requests.filter((r) => r === 'POST /v1/wallets/status')).toHaveLength(3);
      expect(api.requests).not.toContain('POST /v1/wallets/sync');
      expect(said).toEqual([
        "9c3T…Axv3 is being synced (another analysis's or request's sync): followed to its end (Ctrl-C, then --sync skip, shows what is stored)",
        'syncing 9c3T…Axv3: 1 page, 100 transactions',
      ]);
    } finally {
      await api.close();
    }
  });

  it('waits for the end of a sync it started that its first reads do not show: one that ended before them, one that has not begun yet, one that never begins', async () => {
    const quick = await fakeApi([{ status: 'MISSING' }, { status: 'READY', lastSyncedAt: T1 }], [figures('2.19.0')]);
    try {
      const said: string[] = [];
      expect((await fetchWallet(quick.api, W, { sync: 'auto', log: (l) => said.push(l), sleep: noWait })).engineVersion).toBe('2.19.0');
      expect(said).toEqual(['syncing 9c3T…Axv3 (no stored history)']);
    } finally {
      await quick.close();
    }
    // forced on a READY wallet: the status shows READY (synced at T0) until the sync's end moves it
    const late = await fakeApi([{ status: 'READY', lastSyncedAt: T0 }, { status: 'READY', lastSyncedAt: T0 }, { status: 'READY', lastSyncedAt: T0 }, { status: 'READY', lastSyncedAt: T1 }], [figures('2.19.0')]);
    try {
      await fetchWallet(late.api, W, { sync: 'force', log: () => undefined, sleep: noWait });
      expect(late.requests.filter((r) => r === 'POST /v1/wallets/status')).toHaveLength(4);
    } finally {
      await late.close();
    }
    const never = await fakeApi([{ status: 'READY', lastSyncedAt: T0 }], [figures('2.19.0')]);
    try {
      const said: string[] = [];
      await fetchWallet(never.api, W, { sync: 'force', log: (l) => said.push(l), sleep: noWait });
      expect(said.at(-1)).toBe('the sync of 9c3T…Axv3 has not begun after 30 s: what is stored follows');
      expect(waits.reduce((a, b) => a + b, 0)).toBeGreaterThan(30_000);
    } finally {
      await never.close();
    }
  });

  it('rides out a 429 while it follows a sync, waiting as long as Retry-After says', async () => {
    const api = await fakeApi([{ status: 'MISSING' }, 429, { status: 'READY', lastSyncedAt: T1 }], [figures('2.19.0')]);
    try {
      const said: string[] = [];
      await fetchWallet(api.api, W, { sync: 'auto', log: (l) => said.push(l), sleep: noWait });
      expect(said).toContain('the API answered 429; retrying');
      expect(waits).toEqual([1_000, 2_000]);
    } finally {
      await api.close();
    }
  });

  it('says why a sync failed that left nothing stored, in one line; a failed sync of a stored wallet leaves the figures stored before', async () => {
    const failed = await fakeApi([{ status: 'MISSING' }, { status: 'MISSING', lastSyncError: 'InvalidApiKeyError: Helius refused the API key' }], [404]);
    try {
      await expect(fetchWallet(failed.api, W, { sync: 'auto', log: () => undefined, sleep: noWait })).rejects.toThrow(`the sync of ${W} failed: InvalidApiKeyError: Helius refused the API key (run the command again to retry it)`);
    } finally {
      await failed.close();
    }
    const stale = await fakeApi([{ status: 'STALE' }, { status: 'STALE', lastSyncError: 'ProviderTimeoutError: no answer' }], [figures('2.19.0')]);
    try {
      const said: string[] = [];
      expect((await fetchWallet(stale.api, W, { sync: 'auto', log: (l) => said.push(l), sleep: noWait })).engineVersion).toBe('2.19.0');
      expect(said.at(-1)).toBe('the sync of 9c3T…Axv3 failed (ProviderTimeoutError: no answer): the figures stored before it follow');
    } finally {
      await stale.close();
    }
  });

  it("on a terminal, says a sync's progress in one line redrawn in place, ended before any other line (an outage ridden out, the sync's failure)", async () => {
    const api = await fakeApi(
      [{ status: 'STALE', lastSyncedAt: T0 }, { status: 'SYNCING', sync: { pages: 1, transactions: 100 } }, 429, { status: 'SYNCING', sync: { pages: 2, transactions: 200 } }, { status: 'STALE', lastSyncedAt: T0, lastSyncError: 'ProviderTimeoutError: no answer' }],
      [figures('2.19.0')],
    );
    // what the terminal and the log got, in order
    const written: string[] = [];
    const terminal = { isTTY: true, columns: 120, write: (s: string) => written.push(`tty ${s}`) > 0, on: () => terminal, removeListener: () => terminal } as unknown as NodeJS.WriteStream;
    try {
      await fetchWallet(api.api, W, { sync: 'auto', log: (l) => written.push(`log ${l}`), sleep: noWait, progress: syncProgressLine(terminal, W) });
      const logged = written.filter((w) => w.startsWith('log '));
      // no line per change: why it syncs, the outage, that it failed
      expect(logged).toEqual(['log syncing 9c3T…Axv3 (its history is stale)', 'log the API answered 429; retrying', 'log the sync of 9c3T…Axv3 failed (ProviderTimeoutError: no answer): the figures stored before it follow']);
      const drawn = written.filter((w) => w.startsWith('tty ')).join('');
      expect(drawn).toContain('Syncing 9c3T…Axv3 | 1 page, 100 transactions |');
      expect(drawn).toContain('Syncing 9c3T…Axv3 | 2 pages, 200 transactions |');
      // the live line ended (a line break its last write) before each other line
      for (const line of logged.slice(1)) expect(written[written.indexOf(line) - 1]).toMatch(/^tty [^]*\n$/);
    } finally {
      await api.close();
    }
  });

  it('with --sync skip, a wallet without stored analytics is an error that says how to get them', async () => {
    const api = await fakeApi([{ status: 'MISSING' }], [404]);
    try {
      await expect(fetchWallet(api.api, W, { sync: 'skip', log: () => undefined, sleep: noWait })).rejects.toThrow(`no stored analytics for ${W}: run 'wallet-similarity wallet' without --sync skip to sync it first`);
    } finally {
      await api.close();
    }
  });

  it('asks again while figures of an older engine are computed again, and stops after its last ask', async () => {
    const recomputing = { engineVersion: '2.19.0', started: true, workflowId: `wallet-analytics:${W}`, detail: 'being computed again' };
    const api = await fakeApi([{ status: 'READY' }], [figures('2.18.0', { recomputing }), figures('2.18.0', { recomputing }), figures('2.19.0')]);
    try {
      const said: string[] = [];
      expect((await fetchWallet(api.api, W, { sync: 'auto', log: (l) => said.push(l), sleep: noWait })).engineVersion).toBe('2.19.0');
      expect(api.requests.filter((r) => r === `GET /v1/wallets/${W}`)).toHaveLength(3);
      expect(said).toEqual(['figures of engine 2.18.0 being computed again with 2.19.0…']);
    } finally {
      await api.close();
    }
    const stuck = await fakeApi([{ status: 'READY' }], [figures('2.18.0', { recomputing })]);
    try {
      const view = await fetchWallet(stuck.api, W, { sync: 'auto', log: () => undefined, sleep: noWait });
      expect(stuck.requests.filter((r) => r === `GET /v1/wallets/${W}`)).toHaveLength(RECOMPUTE_ASKS + 1);
      expect(renderWallet(view)).toContain('Being computed again with engine 2.19.0: these figures follow the older rules (run the command again shortly)');
    } finally {
      await stuck.close();
    }
  });
});

describe('wallet-similarity wallet: the tables', () => {
  it('prints the totals, the tokens with the largest realized PnL either way first, behavior and coverage, within 120 columns', () => {
    const printed = renderWallet(figures('2.19.0'), { tokens: 1, symbols: new Map([[MINT, 'SOL']]) });
    expect(printed.split('\n').slice(0, 3)).toEqual([`Wallet ${W}`, 'History READY, last synced 2026-12-07 03:00:00 UTC', 'Figures of engine 2.19.0, computed 2026-12-07 03:00:01 UTC']);
    expect(printed).toMatch(/Realized PnL \(SOL\)\s+│ 1\.2346/);
    expect(printed).toMatch(/Fees of failed transactions \(SOL\)\s+│ 0\.000010/);
    expect(printed).toMatch(/Win rate\s+│ 50 %/);
    expect(printed).toContain('Tokens (1 of 2, largest realized PnL first; SOL)');
    expect(printed).toMatch(/SOL So11…1112\s+│ -2\.5000\s+│ 0\.2500/);
    expect(printed).not.toContain('Mint…1111');
    expect(printed).toMatch(/First trade\s+│ 2023-11-14 22:13:20 UTC/);
    for (const line of printed.split('\n')) expect(line.length).toBeLessThanOrEqual(RENDER_WIDTH);
  });

  it('keeps within 120 columns with a long note and a long symbol, and says when the figures wait for a sync', () => {
    const detail = `computed by engine 2.18.0; their computation with 2.19.0 could not be started (${'Temporal is unreachable '.repeat(6)}): ask again`;
    const printed = renderWallet(figures('2.18.0', { recomputing: { engineVersion: '2.19.0', started: false, detail } }), { symbols: new Map([[MINT, 'S'.repeat(200)]]) });
    for (const line of printed.split('\n')) expect(line.length).toBeLessThanOrEqual(RENDER_WIDTH);
    expect(printed).toContain(`${'S'.repeat(15)}… So11…1112`);
    expect(printed).toContain('Not computed again with engine 2.19.0: computed by engine 2.18.0');
    const syncing = renderWallet(figures('2.18.0', { recomputing: { engineVersion: '2.19.0', started: true, afterSync: true, detail: 'a sync' } }));
    expect(syncing.replace(/\n\s*/g, ' ')).toContain('A sync of the wallet is under way; its end computes them with engine 2.19.0: these figures follow the older rules (run the command again once it is done)');
  });

  it('leaves out the failed transactions’ totals of figures computed before engine 2.19.0, whose after-fees figure left them out', () => {
    const old = figures('2.18.0');
    const totals = (old.pnl as { totals: Record<string, unknown> }).totals;
    delete totals.failedTransactions;
    delete totals.failedFeesSol;
    const printed = renderWallet(old);
    expect(printed).not.toContain('Failed transactions');
    expect(printed).not.toContain('after all fees');
    expect(printed).toContain('Fees (SOL)');
  });

  it('runs as a command: the table on stdout with symbols read from the registry (control characters removed), or the GET body with --json', async () => {
    const api = await fakeApi([{ status: 'READY' }], [figures('2.19.0')]);
    const out: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((l: string) => void out.push(l));
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    try {
      expect(await main(['wallet', W, '--api', api.url])).toBe(0);
      expect(out.join('')).toMatch(/SOL\[2J So11…1112/);
      out.length = 0;
      expect(await main(['wallet', W, '--json', '--api', api.url])).toBe(0);
      expect(JSON.parse(out.join(''))).toEqual(figures('2.19.0'));
    } finally {
      log.mockRestore();
      write.mockRestore();
      await api.close();
    }
  });

  it.each([
    [['wallet'], /^wallet needs one wallet address$/],
    [['wallet', W, W], /^wallet needs one wallet address$/],
    [['wallet', W, '--sync', 'later'], /^--sync must be auto, force, skip, got 'later'$/],
    [['wallet', W, '--all'], /^wallet does not take --all \(an option of pairs\)$/],
    [['wallet', W, '--top', '0'], /^--top must be a whole number of at least 1, got '0'$/],
    [['wallet', 'not-an-address'], /^'not-an-address' is not a Solana wallet address \(32 to 44 base58 characters\)$/],
    [['wallet', ''], /^'' is not a Solana wallet address/],
  ])('refuses %j before calling the API', async (argv, message) => {
    await expect(main([...argv, '--api', 'http://127.0.0.1:9'])).rejects.toMatchObject({ name: 'UsageError', message: expect.stringMatching(message) });
  });
});
