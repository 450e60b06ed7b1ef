// A token's launch on the real parts: the simulator's history of a mint (Helius Enhanced
// Transactions, oldest first) and PostgreSQL's token_launches. The oldest successful transaction is
// the launch; it is read once per token; a failing or slow provider, or an older transaction that
// fails validation, is a reason, never a failure of the analysis nor a stored guess; a cancelled
// analysis stops the read.
import { readCrowdedLaunches, readTokenLaunch } from '../../src/activities/token-launch';
import type { SimilarityPair } from '../../src/domain/similarity/types';
import { getAnalysis } from '../../src/store/analyses';
import { analysisInput, executeAnalysis } from '../harness/analyses';
import { HeliusClient } from '../../src/providers';
import { slotOf } from '../../src/simulator/chain';
import { walletAddress } from '../../src/simulator/keys';
import type { WorldInput } from '../../src/simulator/world';
import { useSimulatedStack } from '../harness/stack';
import { createPool } from '../../src/store/db';
import { testEnv } from '../harness/env';

const T0 = 1_731_000_000;
const MINT = walletAddress('token-launch-test', 'mint');
const QUIET = walletAddress('token-launch-test', 'quiet-mint');
const buyers = [0, 1, 2].map((i) => walletAddress('token-launch-test', `buyer-${i}`));
const buy = (ts: number, failed = false, mint = MINT) => ({ ts, side: 'buy' as const, mint, amount: '1000', quote: 'SOL' as const, quoteAmount: '1', source: 'PUMP_FUN' as const, ...(failed ? { failed } : {}) });
// a list of a token's early buyers, given by hand: a bundle of 3 in its creation block, 9 snipers in
// the 10 s after (two pairs in one slot by chance); each funded apart
const CROWDED = walletAddress('token-launch-test', 'crowded-mint');
const T1 = T0 + 86_400;
const bundle = [0, 1, 2].map((i) => walletAddress('token-launch-test', `bundler-${i}`));
const snipers = Array.from({ length: 9 }, (_, i) => walletAddress('token-launch-test', `sniper-${i}`));
const sniperTs = [1, 1, 2, 4, 4, 5, 7, 8, 10].map((s) => T1 + s);
/** each early buyer's own trading: three tokens of its own, bought and sold (they are not alike) */
const ownMint = (i: number, k: number) => walletAddress('token-launch-test', 'own-mint', String(i), String(k));
const own = (i: number) => [0, 1, 2].flatMap((k) => [buy(T0 + 3600 * (k + 2) + i * 97, false, ownMint(i, k)), { ...buy(T0 + 3600 * (k + 2) + i * 97 + 1800, false, ownMint(i, k)), side: 'sell' as const }]);
const funded = (address: string, i: number) => ({ ts: T0 - 86_400 + i * 3600, direction: 'in' as const, mint: 'SOL', amount: String(3 + i / 7), counterparty: walletAddress('token-launch-test', 'funder', String(i)) });
const world: WorldInput = {
  name: 'token-launch',
  solPriceUsd: 150,
  tokens: [
    { mint: MINT, symbol: 'LNCH', name: 'Launched', decimals: 6, priceUsd: 0.001 },
    { mint: QUIET, symbol: 'QUIET', name: 'Never traded', decimals: 6, priceUsd: 0.001 },
    { mint: CROWDED, symbol: 'CRWD', name: 'Crowded launch', decimals: 6, priceUsd: 0.001 },
    ...[...[0, 1, 2], ...Array.from({ length: 9 }, (_, i) => 10 + i)].flatMap((i) => [0, 1, 2].map((k) => ({ mint: ownMint(i, k), symbol: `O${i}${k}`, name: `Own ${i} ${k}`, decimals: 6, priceUsd: 0.001 }))),
  ],
  wallets: [
    // a failed transaction names the mint first; the launch is the first that succeeded
    { address: buyers[0], trades: [buy(T0 - 5, true), buy(T0)] },
    { address: buyers[1], trades: [buy(T0)] },
    { address: buyers[2], trades: [buy(T0 + 3)] },
    ...bundle.map((address, i) => ({ address, trades: [...own(i), buy(T1, false, CROWDED)], transfers: [funded(address, i)] })),
    ...snipers.map((address, i) => ({ address, trades: [...own(10 + i), buy(sniperTs[i], false, CROWDED)], transfers: [funded(address, 10 + i)] })),
  ],
};

describe('a token\'s launch', () => {
  const opened = useSimulatedStack({ world });
  let helius: HeliusClient;
  const reads = () => opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === MINT).length;
  const stored = async () => (await opened.stack.pool.query('SELECT mint, slot::int, block_time::int FROM token_launches WHERE mint = $1', [MINT])).rows;
  beforeAll(() => {
    helius = new HeliusClient({ baseUrl: opened.sim.url, apiKey: 'k-launch-secret' });
  });
  afterAll(() => helius.close());

  it('a failing provider and a slow one are reasons, nothing is stored, and a cancelled read throws', async () => {
    const { pool } = opened.stack;
    opened.sim.configure({ faults: { errorRate: 1, providers: ['helius'] } });
    try {
      const failing = await readTokenLaunch(pool, helius, MINT);
      expect(failing).toMatchObject({ launch: null, reason: expect.stringMatching(/^the mint's oldest transactions could not be read: /) });
      expect(JSON.stringify(failing)).not.toContain('k-launch-secret');
    } finally {
      opened.sim.configure({ faults: { errorRate: 0 } });
    }
    opened.sim.configure({ latencyMs: { 'helius:history': 600_000 } });
    try {
      expect(await readTokenLaunch(pool, helius, MINT, undefined, 300)).toEqual({ launch: null, reason: "the mint's oldest transactions were not read within 0.3 s" });
      const cancel = new AbortController();
      const cancelled = readTokenLaunch(pool, helius, MINT, cancel.signal);
      setTimeout(() => cancel.abort(new Error('activity cancelled')), 100);
      await expect(cancelled).rejects.toThrow('activity cancelled');
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
    // the oldest transaction (the failed one) comes without its slot: it fails validation, and the
    // launch is not guessed from the transactions after it
    opened.sim.configure({ faults: { malformedSignatures: [opened.sim.world.signature(0, 0)] } });
    try {
      expect(await readTokenLaunch(pool, helius, MINT)).toEqual({ launch: null, reason: expect.stringMatching(/^an older transaction of the mint failed validation \(slot: /) });
    } finally {
      opened.sim.configure({ faults: { malformedSignatures: [] } });
    }
    expect(await stored()).toEqual([]);
    // the last reason is remembered (the reads before a step skip the mint for a day)
    expect((await pool.query('SELECT reason FROM token_launch_failures WHERE mint = $1', [MINT])).rows).toEqual([{ reason: expect.stringMatching(/^an older transaction of the mint failed validation/) }]);
  });

  it('a database that is away is a reason too: the launch is read from the provider and said not recorded', async () => {
    const away = createPool(testEnv().databaseUrl);
    await away.end();
    const read = await readTokenLaunch(away, helius, MINT);
    expect(read).toMatchObject({ launch: null, reason: expect.stringMatching(/^the launch could not be recorded: /) });
  });

  it('reads the oldest successful transaction once, and a mint without transactions says so', async () => {
    const { pool } = opened.stack;
    const before = reads();
    const first = await readTokenLaunch(pool, helius, MINT);
    expect(first).toMatchObject({ read: true, launch: { slot: slotOf(T0), timestamp: T0, signature: expect.any(String) } });
    expect(await stored()).toEqual([{ mint: MINT, slot: slotOf(T0), block_time: T0 }]);
    expect((await pool.query('SELECT 1 FROM token_launch_failures WHERE mint = $1', [MINT])).rows).toEqual([]);
    expect(await readTokenLaunch(pool, helius, MINT)).toEqual({ read: false, launch: first.launch });
    expect(reads()).toBe(before + 1);
    expect(await readTokenLaunch(pool, helius, QUIET)).toEqual({ launch: null, reason: 'the mint has no transactions' });
  });

  it('an analysis of a token\'s early buyers given by hand reads its launch first, and clusters the bundle the crowd hid', async () => {
    const { pool } = opened.stack;
    const wallets = [...bundle, ...snipers].sort();
    const crowdedReads = () => opened.sim.requestLog.filter((r) => r.endpoint === 'helius:history' && r.wallet === CROWDED).length;
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    expect(crowdedReads()).toBe(1);
    expect((await pool.query('SELECT slot::int, block_time::int FROM token_launches WHERE mint = $1', [CROWDED])).rows).toEqual([{ slot: slotOf(T1), block_time: T1 }]);
    const result = (await getAnalysis(pool, input.analysisId))!.result as { pairs: SimilarityPair[]; clusters: Array<{ members: string[] }> };
    expect(result.clusters.map((c) => [...c.members].sort())).toContainEqual([...bundle].sort());
    for (const c of result.clusters) expect(c.members.filter((m) => snipers.includes(m)).length).toBeLessThan(2);
    const pair = result.pairs.find((p) => p.walletA === [...bundle].sort()[0] && p.walletB === [...bundle].sort()[1])!;
    expect(pair.evidence!.bundles[0]).toMatchObject({ mint: CROWDED, launchBlock: true });
    // read once: a second look finds it stored, and a group that does not crowd the token reads nothing
    expect(await readCrowdedLaunches(pool, helius, wallets, { maxLookups: 5, deadlineMs: 10_000 })).toEqual({ considered: 0, read: 0, unread: {} });
    await pool.query('DELETE FROM token_launches WHERE mint = $1', [CROWDED]);
    expect(await readCrowdedLaunches(pool, helius, [...bundle, ...snipers.slice(0, 3)], { maxLookups: 5, deadlineMs: 10_000 })).toEqual({ considered: 0, read: 0, unread: {} });
    expect(await readCrowdedLaunches(pool, helius, wallets, { maxLookups: 0, deadlineMs: 10_000 })).toEqual({ considered: 0, read: 0, unread: {} });
    // a window that starts after the launch: its buys are not the step's
    expect(await readCrowdedLaunches(pool, helius, wallets, { maxLookups: 5, deadlineMs: 10_000, sinceTimestamp: T1 + 60 })).toEqual({ considered: 0, read: 0, unread: {} });
    // a read that failed within the day is not asked for again; one older is
    await pool.query("INSERT INTO token_launch_failures (mint, reason) VALUES ($1, 'the provider was down')", [CROWDED]);
    expect(await readCrowdedLaunches(pool, helius, wallets, { maxLookups: 5, deadlineMs: 10_000 })).toEqual({ considered: 0, read: 0, unread: {} });
    await pool.query("UPDATE token_launch_failures SET failed_at = now() - interval '25 hours' WHERE mint = $1", [CROWDED]);
    expect(await readCrowdedLaunches(pool, helius, wallets, { maxLookups: 5, deadlineMs: 10_000 })).toEqual({ considered: 1, read: 1, unread: {} });
    expect(crowdedReads()).toBe(2);
    expect((await pool.query('SELECT 1 FROM token_launch_failures WHERE mint = $1', [CROWDED])).rows).toEqual([]);
  }, 120_000);
});
