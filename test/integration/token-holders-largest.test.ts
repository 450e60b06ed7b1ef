// resolveTokenHolders against the real simulator's RPC (the activity run in Temporal's activity test
// environment): a token with more accounts than the scan's page cap reads, whose largest holders'
// accounts lie past the pages read (DAS lists accounts by address, not amount). The scan stops at
// the cap, reads the mint's largest accounts besides (getTokenLargestAccounts, their owners with
// getMultipleAccounts jsonParsed), and ranks those holders with the rest: the token's largest
// holders are in the group whatever their accounts' addresses.
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHolderActivities, type TokenHoldersResult } from '../../src/activities/holders';
import { isOnCurve } from '../../src/domain/holders/on-curve';
import { InvalidRequestError } from '../../src/providers';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 7403, wallets: 2, txPerWallet: 2, largeWallet: false, holderToken: { holders: 2_500, wallets: 20 } });
const { mint, excludedOwners } = world.groundTruth!.holderToken!;

describe('resolveTokenHolders past its page cap', () => {
  const opened = useSimulatedStack({ world });

  it("ranks the mint's largest accounts read besides the pages, so its largest holders are in the group", async () => {
    const simWorld = opened.sim.world;
    const pageOne = new Set(simWorld.mintAccounts(mint).slice(0, 1000).map((a) => a.pubkey));
    const eligible = (owner: string) => isOnCurve(owner) && !excludedOwners.includes(owner);
    // the token's largest accounts whose owners are ordinary wallets, and that the first page does not list
    const largestUnpaged = simWorld.largestAccounts(mint).filter((a) => !pageOne.has(a.pubkey) && eligible(a.owner));
    expect(largestUnpaged.length).toBeGreaterThan(0);

    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    const { resolveTokenHolders } = createHolderActivities({ ...deps, settings: { ...deps.settings, maxHolderPages: 1 } });
    opened.sim.reset();
    const result: TokenHoldersResult = await new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000002', token: mint, top: 20 });

    expect(result).toMatchObject({ pages: 1, complete: false, largestAccounts: { read: 20, added: expect.any(Number) } });
    expect(result.largestAccounts!.added).toBeGreaterThanOrEqual(largestUnpaged.length);
    // the largest of them ranks first among the eligible: it is in the group
    expect(result.wallets).toContain(largestUnpaged[0].owner);
    expect(opened.sim.requestLog.slice(0, 3).map((r) => r.endpoint)).toEqual(['rpc:getTokenAccounts', 'rpc:getTokenLargestAccounts', 'rpc:getMultipleAccounts']);
  });

  it('ranks the pages alone when the largest accounts cannot be read, and says why', async () => {
    const deps = buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis);
    // the real DAS scan; the provider refusing the largest accounts for good
    const holders = { getTokenAccounts: deps.holders.getTokenAccounts.bind(deps.holders), getLargestTokenAccounts: () => Promise.reject(new InvalidRequestError('getTokenLargestAccounts refused', { provider: 'helius', operation: 'rpc getTokenLargestAccounts' })) };
    const { resolveTokenHolders } = createHolderActivities({ ...deps, holders, settings: { ...deps.settings, maxHolderPages: 1 } });
    const result: TokenHoldersResult = await new MockActivityEnvironment().run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000003', token: mint, top: 20 });
    expect(result).toMatchObject({ pages: 1, complete: false, accountsSeen: 1000, largestAccounts: { read: 0, added: 0, unread: 'InvalidRequestError: helius rpc getTokenLargestAccounts: getTokenLargestAccounts refused' } });
  });
});
