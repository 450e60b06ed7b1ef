// resolveTokenHolders against the real simulator's RPC (getProgramAccountsV2) (the activity run in Temporal's activity test
// environment): cancelled with its analysis while a page of token accounts is on its way, it ends
// as cancelled at once and the provider sees the request given up, not answered into the void.
import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHolderActivities } from '../../src/activities/holders';
import { generateWorld } from '../../src/simulator';
import { buildActivityDeps } from '../../src/wiring';
import { useSimulatedStack } from '../harness/stack';
import { cancelInFlight } from '../harness/in-flight';

const world = generateWorld({ seed: 7402, wallets: 2, txPerWallet: 2, largeWallet: false, holderToken: { holders: 30, wallets: 20 } });
const { mint } = world.groundTruth!.holderToken!;

describe('resolveTokenHolders, cancelled', () => {
  const opened = useSimulatedStack({ world });
  afterEach(() => opened.sim.reset({ knobs: true }));

  it('drops the page of token accounts on its way and ends as cancelled', async () => {
    opened.sim.reset();
    // longer than the test may take: the activity can only end if it drops the page on its way
    opened.sim.configure({ latencyMs: { 'rpc:getProgramAccountsV2': 600_000 } });
    const { resolveTokenHolders } = createHolderActivities(buildActivityDeps(opened.stack.config, opened.stack.pool, opened.stack.redis));
    const env = new MockActivityEnvironment();
    const running = env.run(resolveTokenHolders, { analysisId: '00000000-0000-4000-8000-000000000001', token: mint, top: 10 });
    const cancelled = await cancelInFlight(opened.sim, (r) => r.endpoint === 'rpc:getProgramAccountsV2', env, running);
    expect(cancelled.requestsWhenCancelled).toBe(1);
    expect(cancelled.outcome).toBeInstanceOf(CancelledFailure);
    expect(cancelled.abandoned).toEqual([true]);
  });
});
