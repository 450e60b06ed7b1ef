// A wallet's history pages, fetched and stored by the sync activities against the real simulator,
// PostgreSQL and Redis (the activity run in Temporal's activity test environment): the next page is
// asked for while the current one is stored (the pages follow each other at the provider's pace),
// yet exactly the pages the history needs are requested (none past the end, the chunk's page limit
// or the watermark), every transaction is stored once, and a chunk cut short by a provider failure
// resumes from its heartbeated cursor without losing or repeating a page.
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Pool } from 'pg';
import { createSyncActivities, type SyncChunkInput, type SyncChunkResult } from '../../src/activities/sync';
import type { HistoryPage, HistoryPageOptions } from '../../src/providers/helius';
import { generateWorld } from '../../src/simulator';
import { createPool } from '../../src/store/db';
import { beginSync } from '../../src/store/wallets';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

// 4 wallets of about 450 transactions: 5 or so pages each, and the history's final empty page
const world = generateWorld({ seed: 7411, wallets: 4, txPerWallet: 450, largeWallet: false });
const wallets = (world.wallets as Array<{ address: string }>).map((w) => w.address);

type Event = { kind: 'request' | 'stored'; cursor?: string | null };

describe('history pages: pipelined fetch and store', () => {
  const opened = useSimulatedStack({ world });
  let pool: Pool;
  beforeAll(() => {
    // a pool of the test's own: its 'release' events are this test's stores only
    pool = createPool(opened.stack.config.DATABASE_URL, 4);
  });
  afterAll(async () => {
    await pool.end();
  });

  /** The sync activities with a Helius client that records each request, and the pool's releases (a stored page). */
  function instrumented(failAtRequest: number | null = null) {
    const events: Event[] = [];
    const deps = buildActivityDeps(opened.stack.config, pool, opened.stack.redis);
    const real = deps.helius;
    let requests = 0;
    const helius = Object.create(real) as typeof real;
    helius.fetchHistoryPage = (address: string, options?: HistoryPageOptions): Promise<HistoryPage> => {
      requests += 1;
      events.push({ kind: 'request', cursor: options?.before ?? null });
      if (requests === failAtRequest) return Promise.reject(new Error('provider down (test)'));
      return real.fetchHistoryPage(address, options);
    };
    const onRelease = () => events.push({ kind: 'stored' });
    pool.on('release', onRelease);
    const activities = createSyncActivities({ ...deps, helius });
    return { activities, events, done: () => pool.off('release', onRelease) };
  }

  const input = (wallet: string, maxPages: number): SyncChunkInput => ({ wallet, phase: 'older', cursor: null, until: null, sinceTimestamp: null, maxPages });
  const storedCount = async (wallet: string) => Number((await pool.query<{ n: string }>('SELECT count(*) AS n FROM wallet_transactions WHERE wallet = $1', [wallet])).rows[0].n);
  /** the pages a wallet's whole history takes: the full ones, a short one, and the final empty page */
  const pagesOf = (wallet: string) => Math.ceil(opened.sim.world.historyLength(wallets.indexOf(wallet)) / 100) + 1;
  const historyRequests = (wallet: string) => opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === wallet);

  it('asks for the next page before the current one is stored, and for no page the history does not need', async () => {
    const wallet = wallets[0];
    await beginSync(pool, wallet, 'test-sync-pipeline');
    opened.sim.reset();
    const { activities, events, done } = instrumented();
    const result = (await new MockActivityEnvironment().run(activities.syncHistoryChunk, input(wallet, 20)).finally(done)) as SyncChunkResult;

    const pages = pagesOf(wallet);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(result).toMatchObject({ done: true, reachedEnd: true, pages });
    expect(historyRequests(wallet)).toHaveLength(pages);
    expect(await storedCount(wallet)).toBe(result.transactions);
    expect(result.transactions).toBeGreaterThan(400);

    // R0 R1 S0 R2 S1 ...: page k+1 is requested before page k's store has released its connection
    const requestAt = events.flatMap((e, i) => (e.kind === 'request' ? [i] : []));
    const storedAt = events.flatMap((e, i) => (e.kind === 'stored' ? [i] : []));
    expect(requestAt).toHaveLength(pages);
    expect(storedAt).toHaveLength(pages);
    for (let k = 0; k + 1 < requestAt.length; k++) expect(requestAt[k + 1]).toBeLessThan(storedAt[k]);
    // the cursor of each request is the last signature of the page before it
    expect(events.filter((e) => e.kind === 'request')[0].cursor).toBeNull();
  });

  it('stops at the chunk\'s page limit without asking for the page after it, and the next chunk continues from there', async () => {
    const wallet = wallets[1];
    await beginSync(pool, wallet, 'test-sync-pipeline');
    opened.sim.reset();
    const first = instrumented();
    const part = (await new MockActivityEnvironment().run(first.activities.syncHistoryChunk, input(wallet, 2)).finally(first.done)) as SyncChunkResult;
    expect(part).toMatchObject({ done: false, pages: 2 });
    expect(historyRequests(wallet)).toHaveLength(2);

    const second = instrumented();
    const rest = (await new MockActivityEnvironment()
      .run(second.activities.syncHistoryChunk, { ...input(wallet, 20), cursor: part.cursor })
      .finally(second.done)) as SyncChunkResult;
    expect(rest).toMatchObject({ done: true, reachedEnd: true, pages: pagesOf(wallet) - 2 });
    expect(historyRequests(wallet)).toHaveLength(pagesOf(wallet));
    expect(await storedCount(wallet)).toBe(part.transactions + rest.transactions);
  });

  it('stops at the watermark: the page holding it is the last one asked for', async () => {
    const wallet = wallets[2];
    await beginSync(pool, wallet, 'test-sync-pipeline');
    // the watermark: a signature in the middle of the history's second page
    const { activities: full, done: fullDone } = instrumented();
    const all = (await new MockActivityEnvironment().run(full.syncHistoryChunk, input(wallet, 20)).finally(fullDone)) as SyncChunkResult;
    const pages: string[][] = [];
    for (let cursor: string | undefined, i = 0; i < 2; i++) {
      const page = await buildActivityDeps(opened.stack.config, pool, opened.stack.redis).helius.fetchHistoryPage(wallet, { before: cursor, limit: 100 });
      pages.push(page.transactions.map((t) => t.signature));
      cursor = page.nextCursor ?? undefined;
    }
    const until = pages[1][50];
    opened.sim.reset();
    const { activities, done } = instrumented();
    const newerInput: SyncChunkInput = { wallet, phase: 'newer', cursor: null, until, sinceTimestamp: null, maxPages: 20 };
    const newer = (await new MockActivityEnvironment().run(activities.syncHistoryChunk, newerInput).finally(done)) as SyncChunkResult;
    expect(newer).toMatchObject({ done: true, pages: 2, transactions: 150 });
    expect(historyRequests(wallet)).toHaveLength(2);
    expect(all.pages).toBe(pagesOf(wallet));
  });

  it('resumes a chunk that a provider failure cut short from its heartbeated cursor: every page stored once', async () => {
    const wallet = wallets[3];
    await beginSync(pool, wallet, 'test-sync-pipeline');
    opened.sim.reset();
    const beats: unknown[] = [];
    const failing = instrumented(3); // the third request fails: asked for while page 2 is stored
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: unknown) => beats.push(structuredClone(d)));
    await expect(env.run(failing.activities.syncHistoryChunk, input(wallet, 20)).finally(failing.done)).rejects.toThrow('provider down (test)');
    const last = beats[beats.length - 1] as { pages: number; cursor: string | null };
    // page 2 was stored (its heartbeat left) before the failure surfaced when page 3 was awaited
    expect(last.pages).toBe(2);
    const resumeAt = last.cursor; // the retry's state is the heartbeat's details, updated as it goes
    expect(resumeAt).not.toBeNull();

    const retry = instrumented();
    const result = (await new MockActivityEnvironment({ heartbeatDetails: last })
      .run(retry.activities.syncHistoryChunk, input(wallet, 20))
      .finally(retry.done)) as SyncChunkResult;
    expect(result).toMatchObject({ done: true, reachedEnd: true, pages: pagesOf(wallet) });
    // the retry asked for the pages from the third on only, from the heartbeated cursor
    expect(retry.events.filter((e) => e.kind === 'request')[0].cursor).toBe(resumeAt);
    expect(retry.events.filter((e) => e.kind === 'request')).toHaveLength(pagesOf(wallet) - 2);
    expect(await storedCount(wallet)).toBe(result.transactions);
  });
});
