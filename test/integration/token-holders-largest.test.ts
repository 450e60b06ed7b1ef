// resolveTokenHolders against the real simulator's RPC (the activity run in Temporal's activity test
// environment): a token with more accounts than the scan's page cap reads, whose largest holders'
// accounts lie past the pages read (neither getProgramAccountsV2 nor DAS lists accounts by amount).
// The scan stops at the cap, reads the mint's largest accounts besides (getTokenLargestAccounts,
// their owners with getMultipleAccounts jsonParsed), and ranks those holders with the rest: the
// token's largest holders are in the group whatever their accounts' addresses. Both scans: by
// getProgramAccountsV2 (Helius's RPC), and by DAS pages (an RPC without that method).
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { HOLDER_SCANS_AT_ONCE, HOLDER_SCANS_BUSY, HOLDER_SCANS_BUSY_RETRY_DELAY_MS, createHolderActivities, holderResultKey, holderScanKey, type TokenHoldersResult } from '../../src/activities/holders';
import { createRedis } from '../../src/store/redis';
import { freePort } from '../../src/temporal/dev-server';
import { randomUUID } from 'node:crypto';
import { insertAnalysis } from '../../src/store/analyses';
import { isOnCurve } from '../../src/domain/holders/on-curve';
import { InvalidRequestError } from '../../src/providers';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

// the curve test, counted (as it is): analyses sharing a scan share its tests
jest.mock('../../src/domain/holders/on-curve', () => {
  const actual = jest.requireActual<typeof import('../../src/domain/holders/on-curve')>('../../src/domain/holders/on-curve');
  return { ...actual, isOnCurve: jest.fn(actual.isOnCurve) };
});
const curveTests = isOnCurve as jest.MockedFunction<typeof isOnCurve>;

const world = generateWorld({ seed: 7403, wallets: 2, txPerWallet: 2, largeWallet: false, holderToken: { holders: 2_500, wallets: 20 } });
const { mint, excludedOwners } = world.groundTruth!.holderToken!;

describe('resolveTokenHolders past its page cap', () => {
  const opened = useSimulatedStack({ world });

  it.each([
    // a page of the program's first 1,000 accounts (every mint's, empty ones too), the mint's filtered from them
    ['getProgramAccountsV2', { maxProgramAccountPages: 1, programAccountsPageSize: 1000 }, ['rpc:getAccountInfo', 'rpc:getProgramAccountsV2', 'rpc:getTokenLargestAccounts', 'rpc:getMultipleAccounts'], (): number => opened.sim.world.programAccounts('spl-token').slice(0, 1000).filter((a) => a.mint === mint && a.raw > 0n).length],
    ['DAS pages', { maxHolderPages: 1, dasOnly: true }, ['rpc:getTokenAccounts', 'rpc:getTokenLargestAccounts', 'rpc:getMultipleAccounts'], (): number => 1000],
  ] as const)("ranks the mint's largest accounts read besides the pages, so its largest holders are in the group (%s)", async (_scan, settings, endpoints, listedOnPage) => {
    const simWorld = opened.sim.world;
    const pageOne = new Set(simWorld.mintAccounts(mint).slice(0, 1000).map((a) => a.pubkey));
    const eligible = (owner: string) => isOnCurve(owner) && !excludedOwners.includes(owner);
    // the token's largest accounts whose owners are ordinary wallets, and that the first page does not list
    const largestUnpaged = simWorld.largestAccounts(mint).filter((a) => !pageOne.has(a.pubkey) && eligible(a.owner));
    expect(largestUnpaged.length).toBeGreaterThan(0);

    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const { dasOnly, ...capped } = { dasOnly: false, ...settings };
    // an RPC without getProgramAccountsV2: the holder source without that scan
    const holders = dasOnly ? { getTokenAccounts: deps.holders.getTokenAccounts.bind(deps.holders), getLargestTokenAccounts: deps.holders.getLargestTokenAccounts.bind(deps.holders) } : deps.holders;
    const { resolveTokenHolders } = createHolderActivities({ ...deps, holders, settings: { ...deps.settings, ...capped } });
    opened.sim.reset();
    const result: TokenHoldersResult = await new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000002', token: mint, top: 20 });

    expect(result).toMatchObject({ pages: 1, complete: false, accountsSeen: listedOnPage() + result.largestAccounts!.added, largestAccounts: { read: 20, added: expect.any(Number) } });
    expect(result.largestAccounts!.added).toBeGreaterThanOrEqual(largestUnpaged.length);
    // the largest of them ranks first among the eligible: it is in the group
    expect(result.wallets).toContain(largestUnpaged[0].owner);
    expect(opened.sim.requestLog.slice(0, endpoints.length).map((r) => r.endpoint)).toEqual(endpoints);
  });

  it('scans by getProgramAccountsV2 as DAS pages would: the same group, counts and exclusions, in fewer requests', async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const das = { getTokenAccounts: deps.holders.getTokenAccounts.bind(deps.holders), getLargestTokenAccounts: deps.holders.getLargestTokenAccounts.bind(deps.holders) };
    const env = new MockActivityEnvironment();
    opened.sim.reset();
    const byProgram: TokenHoldersResult = await env.run(createHolderActivities(deps).resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000004', token: mint, top: 50 });
    const v2Requests = opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2').length;
    const byDas: TokenHoldersResult = await env.run(createHolderActivities({ ...deps, holders: das }).resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000005', token: mint, top: 50 });
    expect(byProgram.complete).toBe(true);
    expect(v2Requests).toBe(1);
    // the scan listed the token's emptied accounts (DAS does not): no holdings, as DAS's view has it
    expect(opened.sim.world.programAccounts('spl-token').filter((a) => a.mint === mint && a.raw === 0n).length).toBeGreaterThan(0);
    expect(byDas.pages).toBe(Math.ceil(byDas.accountsSeen / 1000) + 1);
    const { pages: _p1, scannedAt: _s1, ...programView } = byProgram;
    const { pages: _p2, scannedAt: _s2, ...dasView } = byDas;
    expect(programView).toEqual(dasView);
    expect(byProgram.excludedCounts['off-curve'] + byProgram.excludedCounts.amm).toBeGreaterThan(0);
  });

  it.each([
    ['on its first page', 0],
    ['on a later page, after accounts were summed', 1],
  ])('scans by DAS pages on an RPC that does not serve getProgramAccountsV2 (-32601 %s)', async (_when, pagesServed) => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    opened.sim.reset();
    const v2 = () => opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2');
    // a balancer's node without the method: refused from the request after `pagesServed`
    const refuse = () => opened.sim.configure({ unsupportedMethods: ['getProgramAccountsV2'] });
    if (pagesServed === 0) refuse();
    const holders = {
      ...{ getTokenAccounts: deps.holders.getTokenAccounts.bind(deps.holders), getLargestTokenAccounts: deps.holders.getLargestTokenAccounts.bind(deps.holders) },
      scanProgramAccounts: (token: string, options: Parameters<NonNullable<typeof deps.holders.scanProgramAccounts>>[1]) =>
        deps.holders.scanProgramAccounts!(token, { ...options, onPage: (page, n) => (page === pagesServed ? refuse() : undefined, options.onPage?.(page, n)) }),
    };
    try {
      const env = new MockActivityEnvironment();
      const result: TokenHoldersResult = await env.run(createHolderActivities({ ...deps, holders, settings: { ...deps.settings, programAccountsPageSize: 1000 } }).resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000006', token: mint, top: 20 });
      // the pages served, then the one refused (-32601 in a 200's envelope), and no V2 request after it
      expect(v2().map((r) => r.injected ?? 'served')).toEqual([...Array(pagesServed).fill('served'), 'unsupported-method']);
      expect(result).toMatchObject({ complete: true, selected: 20, pages: Math.ceil(result.accountsSeen / 1000) + 1 });
      // the DAS scan alone: nothing of the refused scan counted twice
      const byDas: TokenHoldersResult = await env.run(createHolderActivities({ ...deps, holders: { getTokenAccounts: holders.getTokenAccounts, getLargestTokenAccounts: holders.getLargestTokenAccounts } }).resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000007', token: mint, top: 20 });
      expect(result).toEqual({ ...byDas, scannedAt: result.scannedAt });
    } finally {
      opened.sim.configure({ unsupportedMethods: [] });
    }
  });

  it("gives its attempt up, retryably, when other tokens' scans hold this worker's scan slots past the slot wait; the scans ahead go on", async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const { resolveTokenHolders } = createHolderActivities({ ...deps, settings: { ...deps.settings, holderScanSlotWaitMs: 300 } });
    const others = world.tokens.map((t) => t.mint).filter((m) => m !== mint);
    expect(others.length).toBeGreaterThanOrEqual(HOLDER_SCANS_AT_ONCE);
    opened.sim.reset();
    // slow pages: the scans ahead hold the slots for seconds
    opened.sim.configure({ latencyMs: { 'rpc:getProgramAccountsV2': 1500 } });
    try {
      const ahead = others.slice(0, HOLDER_SCANS_AT_ONCE).map((token, i) =>
        new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: `00000000-0000-4000-8000-00000000001${i}`, token, top: 2 }).then(
          () => 'done',
          (err: unknown) => (err instanceof Error ? err.message : String(err)),
        ),
      );
      const queued = new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000019', token: mint, top: 20 });
      const failure = await queued.then(() => null, (err: unknown) => err);
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect(failure).toMatchObject({ type: HOLDER_SCANS_BUSY, nonRetryable: false, nextRetryDelay: HOLDER_SCANS_BUSY_RETRY_DELAY_MS });
      // its scan never started: no page of its mint was asked for, while the scans ahead run
      expect(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getAccountInfo')).toHaveLength(HOLDER_SCANS_AT_ONCE);
      // the scans ahead end as they would have; the retry, once they have, scans in its turn
      await expect(Promise.all(ahead)).resolves.toEqual(Array(HOLDER_SCANS_AT_ONCE).fill('done'));
      opened.sim.configure({ latencyMs: 0 });
      const retried: TokenHoldersResult = await new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000019', token: mint, top: 20 });
      expect(retried).toMatchObject({ complete: true, selected: 20 });
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
  });

  it('tests each owner on the curve once for analyses of one token at the same moment, each with its own top', async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const { resolveTokenHolders } = createHolderActivities(deps);
    opened.sim.reset();
    // a slow page: the second analysis joins the scan under way
    opened.sim.configure({ latencyMs: { 'rpc:getProgramAccountsV2': 500 } });
    try {
      curveTests.mockClear();
      const [ten, thirty] = await Promise.all<TokenHoldersResult>([
        new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000008', token: mint, top: 10 }),
        new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000009', token: mint, top: 30 }),
      ]);
      expect(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2')).toHaveLength(1);
      expect(thirty.wallets.filter((w) => ten.wallets.includes(w))).toHaveLength(10);
      // every owner tested once between the two, not once for each
      expect(ten.ownersSeen).toBe(thirty.ownersSeen);
      const tested = curveTests.mock.calls.map(([owner]) => owner);
      expect(tested.length).toBeGreaterThan(ten.ownersSeen - 10); // the listed burn, AMM and exchange owners are not tested
      expect(new Set(tested).size).toBe(tested.length);
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
  });

  it("scans by DAS pages when getProgramAccountsV2's first pages come back sparse (cut from the whole program, the mint's accounts filtered after)", async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const simWorld = opened.sim.world;
    // a token the world's wallets traded: a few of the program's thousands of accounts
    const rare = [...simWorld.tokens.keys()].find((m) => m !== mint && simWorld.mintAccounts(m).length > 0 && simWorld.programAccounts('spl-token').some((a) => a.mint === m))!;
    expect(rare).toBeDefined();
    opened.sim.reset();
    const settings = { ...deps.settings, programAccountsPageSize: 100 };
    const byProgram: TokenHoldersResult = await new MockActivityEnvironment().run(createHolderActivities({ ...deps, settings }).resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000010', token: rare, top: 5 });
    // three sparse pages, then DAS's
    expect(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2')).toHaveLength(3);
    expect(opened.sim.requestLog.some((r) => r.endpoint === 'rpc:getTokenAccounts')).toBe(true);
    const das = { getTokenAccounts: deps.holders.getTokenAccounts.bind(deps.holders), getLargestTokenAccounts: deps.holders.getLargestTokenAccounts.bind(deps.holders) };
    const byDas: TokenHoldersResult = await new MockActivityEnvironment().run(createHolderActivities({ ...deps, holders: das }).resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000011', token: rare, top: 5 });
    expect(byProgram).toEqual({ ...byDas, scannedAt: byProgram.scannedAt });
  });

  it('ranks the pages alone when the largest accounts cannot be read, and says why', async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    // the real DAS scan; the provider refusing the largest accounts for good
    const holders = { getTokenAccounts: deps.holders.getTokenAccounts.bind(deps.holders), getLargestTokenAccounts: () => Promise.reject(new InvalidRequestError('getTokenLargestAccounts refused', { provider: 'helius', operation: 'rpc getTokenLargestAccounts' })) };
    const { resolveTokenHolders } = createHolderActivities({ ...deps, holders, settings: { ...deps.settings, maxHolderPages: 1 } });
    const result: TokenHoldersResult = await new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000003', token: mint, top: 20 });
    expect(result).toMatchObject({ pages: 1, complete: false, accountsSeen: 1000, largestAccounts: { read: 0, added: 0, unread: 'InvalidRequestError: helius rpc getTokenLargestAccounts: getTokenLargestAccounts refused' } });
  });

  it("keeps a token's result for the API key's later analyses of the token and top (HOLDER_CACHE_SECONDS): they ask the provider nothing and record it with its scan's time; another top, sync 'force' or another key's analysis scans afresh", async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    // a page size of this test's own: the kept results are keyed by the scan's settings too, so no other test's can answer
    const settings = { ...deps.settings, holderCacheSeconds: 60, programAccountsPageSize: 9_973 };
    const { resolveTokenHolders } = createHolderActivities({ ...deps, settings });
    const keptKey = holderResultKey('key-a', holderScanKey(mint, settings), 20);
    const ids = await Promise.all(
      (['auto', 'auto', 'auto', 'force', 'auto', 'auto'] as const).map(async (sync, i) => {
        // a token request's row, as the API stores it: no wallets until the holders are known; the last, another API key's
        const id = randomUUID();
        await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, ownerKeyId: i === 5 ? 'key-b' : 'key-a', wallets: [], params: { token: mint, top: i === 2 ? 30 : 20, sync } });
        return id;
      }),
    );
    const run = (analysisId: string, top: number): Promise<TokenHoldersResult> => new MockActivityEnvironment().run(resolveTokenHolders, { analysisId, token: mint, top });
    const scans = () => opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2').length;
    opened.sim.reset();
    const first = await run(ids[0], 20);
    const pagesOfAScan = scans();
    expect(pagesOfAScan).toBeGreaterThan(0);
    // kept for what is left of HOLDER_CACHE_SECONDS from the scan
    const ttl = await opened.stack.redis.ttl(keptKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);

    const asked = opened.sim.requestLog.length;
    const kept = await run(ids[1], 20);
    expect(opened.sim.requestLog.length).toBe(asked); // not a page, not a largest account, not the launch
    expect(kept).toEqual(first);
    const { rows } = await opened.stack.pool.query<{ id: string; wallets: string[]; holders: { scannedAt: string; selected: number } }>('SELECT id, wallets, holders FROM analyses WHERE id = ANY($1)', [ids.slice(0, 2)]);
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row).toMatchObject({ wallets: first.wallets, holders: { scannedAt: first.scannedAt, selected: first.selected } });

    // another top is another group: scanned
    const thirty = await run(ids[2], 30);
    expect(scans()).toBe(2 * pagesOfAScan);
    expect(thirty.selected).toBe(30);
    // sync 'force' reads the holders afresh, and its result is the one kept from then on
    const forced = await run(ids[3], 20);
    expect(scans()).toBe(3 * pagesOfAScan);
    expect(Date.parse(forced.scannedAt)).toBeGreaterThan(Date.parse(first.scannedAt));
    expect(forced.wallets).toEqual(first.wallets);
    const after = await run(ids[4], 20);
    expect(scans()).toBe(3 * pagesOfAScan);
    expect(after.scannedAt).toBe(forced.scannedAt);
    // another API key's analysis scans for itself: an earlier scannedAt would tell it that someone analysed the token
    const otherKey = await run(ids[5], 20);
    expect(scans()).toBe(4 * pagesOfAScan);
    expect(Date.parse(otherKey.scannedAt)).toBeGreaterThan(Date.parse(forced.scannedAt));
    // a result scanned before the one kept (an analysis that scanned first and finished last) does not replace it
    const later = { ...forced, scannedAt: new Date(Date.now() + 30_000).toISOString() };
    await opened.stack.redis.set(keptKey, JSON.stringify(later), 'EX', 60);
    const id = randomUUID();
    await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, ownerKeyId: 'key-a', wallets: [], params: { token: mint, top: 20, sync: 'force' } });
    const older = await run(id, 20);
    expect(Date.parse(older.scannedAt)).toBeLessThan(Date.parse(later.scannedAt));
    expect(JSON.parse((await opened.stack.redis.get(keptKey))!)).toMatchObject({ scannedAt: later.scannedAt });
  });

  it('scans when the kept results cannot be read (Redis away), and the analysis goes on', async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const away = createRedis(`redis://127.0.0.1:${await freePort()}`);
    try {
      const { resolveTokenHolders } = createHolderActivities({ ...deps, redis: away, settings: { ...deps.settings, holderCacheSeconds: 60, programAccountsPageSize: 9_967 } });
      const id = randomUUID();
      await insertAnalysis(opened.stack.pool, { id, workflowId: `analysis:${id}`, requestId: null, ownerKeyId: 'key-a', wallets: [], params: { token: mint, top: 20, sync: 'auto' } });
      opened.sim.reset();
      const result: TokenHoldersResult = await new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: id, token: mint, top: 20 });
      expect(result).toMatchObject({ complete: true, selected: 20 });
      expect(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getProgramAccountsV2').length).toBeGreaterThan(0);
    } finally {
      away.disconnect();
    }
  });
});
