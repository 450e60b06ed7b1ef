// Funding chains on the real stack (engine 2.3.0): an operator funds each of its wallets through a
// fresh wallet of its own, days apart, so its wallets share no funder one hop up; strangers each fund
// their wallet from a fresh wallet they withdrew to from an unlisted exchange. An analysis follows
// each wallet's first funder upstream through the simulator (getSignaturesForAddress, then POST
// /v0/transactions for its oldest transactions), stores who funded whom in funding_origins, links
// the operator's wallets at their common upstream funder and not the strangers at the exchange, and
// reads nothing again for a second analysis. A relay operator's trading wallet, itself analysed, funds
// its other wallets each through fresh wallets (engine 2.4.0): it is linked to each of them, and they
// meet at it, weighed by what the chain says of it.
import { readFirstFunderActivity, refreshCounterpartyActivity } from '../../src/activities/counterparty-activity';
import { KNOWN_ADDRESSES, type FundingEvidence } from '../../src/domain/detection/funding';
import type { SimilarityCluster, SimilarityPair } from '../../src/domain/similarity/types';
import { getAnalysis } from '../../src/store/analyses';
import { walletAddress } from '../../src/simulator/keys';
import type { WorldInput } from '../../src/simulator/world';
import { analysisInput, executeAnalysis } from '../harness/analyses';
import { useSimulatedStack } from '../harness/stack';
import { servedApi } from '../harness/http-api';
import { useProviderClients } from '../harness/provider-clients';

const T0 = 1_730_000_000;
const DAY = 86_400;
const at = (name: string) => walletAddress('funding-chains-test', name);
const ROOT = at('operator-root');
const HOT = at('unlisted-exchange');
const operator = [0, 1, 2].map((i) => at(`operator-${i}`));
const strangers = [0, 1, 2].map((i) => at(`stranger-${i}`));
const hops = operator.map((_, i) => at(`operator-hop-${i}`));
const ownHops = strangers.map((_, i) => at(`stranger-hop-${i}`));
const wallets = [...operator, ...strangers].sort();
const RELAY = at('relay-main');
const relayed = [0, 1, 2].map((i) => at(`relay-${i}`));
/** the fresh wallets between: one each for the first two, two in a row for the third */
const relayHops = [[at('relay-hop-0')], [at('relay-hop-1')], [at('relay-hop-2a'), at('relay-hop-2b')]];
const relaySent = [T0, T0 + 2 * DAY, T0 + 3 * DAY];
/** two wallets whose fresh funders a listed exchange withdrew the same odd amount to, two minutes apart */
const EXCHANGE = [...KNOWN_ADDRESSES.values()].find((k) => k.kind === 'exchange')!.address;
const withdrawn = [0, 1].map((i) => at(`withdrawn-${i}`));
const withdrawalHops = [0, 1].map((i) => at(`withdrawal-hop-${i}`));
/** when the operator funded each hop: two within the hour, the third four days later (the link keeps three quarters) */
const hopFunded = [T0, T0 + 3600, T0 + 4 * DAY];
const world: WorldInput = {
  name: 'funding-chains',
  solPriceUsd: 150,
  tokens: [],
  wallets: [
    // each operator wallet first funded by its own hop, hours after the operator funded that hop
    ...operator.map((address, i) => ({ address, transfers: [{ ts: hopFunded[i] + 3 * 3600, direction: 'in' as const, mint: 'SOL', amount: String(2 + i / 10), counterparty: hops[i] }] })),
    ...strangers.map((address, i) => ({ address, transfers: [{ ts: T0 + i * DAY + 7200, direction: 'in' as const, mint: 'SOL', amount: String(5 + i), counterparty: ownHops[i] }] })),
    {
      address: RELAY,
      transfers: [
        { ts: T0 - 20 * DAY, direction: 'in' as const, mint: 'SOL', amount: '40', counterparty: at('relay-main-funder') },
        ...relayHops.map((h, i) => ({ ts: relaySent[i], direction: 'out' as const, mint: 'SOL', amount: String(3 + i), counterparty: h[0] })),
      ],
    },
    ...relayed.map((address, i) => ({ address, transfers: [{ ts: relaySent[i] + 6 * 3600, direction: 'in' as const, mint: 'SOL', amount: String(1.5 + i), counterparty: relayHops[i][relayHops[i].length - 1] }] })),
    // each first funded by its fresh wallet with its own amount, days apart
    ...withdrawn.map((address, i) => ({ address, transfers: [{ ts: T0 + (1 + 2 * i) * DAY, direction: 'in' as const, mint: 'SOL', amount: String(1.75 + i), counterparty: withdrawalHops[i] }] })),
  ],
  services: [{ address: HOT, label: 'unlisted exchange hot wallet', transactionsPerHour: 5000 }],
  outsideTransfers: [
    ...hops.map((to, i) => ({ from: ROOT, to, sol: String(3 + i), ts: hopFunded[i] })),
    ...ownHops.map((to, i) => ({ from: HOT, to, sol: String(6 + i), ts: T0 + i * DAY })),
    // the operator's own wallet was withdrawn to from the same exchange: where every chain meets, and no one's funder
    { from: HOT, to: ROOT, sol: '50', ts: T0 - 10 * DAY },
    { from: relayHops[2][0], to: relayHops[2][1], sol: '4.5', ts: relaySent[2] + 3 * 3600 },
    ...withdrawalHops.map((to, i) => ({ from: EXCHANGE, to, sol: '3.1415', ts: T0 + i * 120 })),
  ],
};

describe('funding chains', () => {
  const served = servedApi(() => opened.stack);
  const opened = useSimulatedStack(
    { world },
    {},
    {
      ...served.hooks,
    },
  );
  const log = (endpoint: string) => opened.sim.requestLog.filter((r) => r.endpoint === endpoint);
  const providers = useProviderClients(() => opened.sim.url);

  it('an analysis follows each first funder upstream, stores who funded whom, and links the operator\'s wallets at its own wallet, not the strangers at the exchange', async () => {
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    // every first funder, the operator's wallet above its hops, and the exchange above it and the strangers' hops
    expect(log('rpc:getSignaturesForAddress').map((r) => r.wallet).sort()).toEqual([...hops, ...ownHops, ROOT, HOT].sort());
    const { rows } = await opened.stack.pool.query<{ address: string; funder: string | null; lamports: string | null }>('SELECT address, funder, lamports FROM funding_origins WHERE address = ANY($1::text[]) ORDER BY address', [[...hops, ...ownHops, ROOT, HOT]]);
    expect(rows).toEqual(
      [
        ...hops.map((address, i) => ({ address, funder: ROOT, lamports: String((3 + i) * 1e9) })),
        ...ownHops.map((address, i) => ({ address, funder: HOT, lamports: String((6 + i) * 1e9) })),
        { address: ROOT, funder: HOT, lamports: String(50e9) },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)),
    );

    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const result = stored!.result as { pairs: SimilarityPair[]; clusters: SimilarityCluster[] };
    // the API serves the new evidence whole (its response schema drops nothing)
    const view = await served.api.getAnalysis(input.analysisId);
    expect(view.result).toEqual(stored!.result);
    const pairOf = (x: string, y: string) => result.pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x))!;
    for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) {
      const pair = pairOf(operator[i], operator[j]);
      const upstream = pair.evidence!.funding.find((f): f is Extract<FundingEvidence, { kind: 'common-upstream-funder' }> => f.kind === 'common-upstream-funder');
      const [hopA, hopB] = pair.walletA === operator[i] ? [hops[i], hops[j]] : [hops[j], hops[i]];
      expect(upstream).toMatchObject({ counterparty: ROOT, counterpartyWeight: 1, counterpartyActivity: { complete: true, dedicated: true }, viaA: [hopA], viaB: [hopB] });
      expect(upstream!.secondsApart).toBe(Math.abs(hopFunded[i] - hopFunded[j]));
      // days apart too: the chain's shape is what tells (docs/analytics.md)
      expect(pair.insights.map((x) => x.type)).toContain('Common Funder');
    }
    for (const [x, y] of [[strangers[0], strangers[1]], [strangers[1], strangers[2]], [strangers[0], strangers[2]], [operator[0], strangers[0]]]) {
      expect(pairOf(x, y).scores.funding).toBe(0);
    }
    const cluster = result.clusters.find((c) => c.members.includes(operator[0]));
    expect(cluster?.members.sort()).toEqual([...operator].sort());
    // the cluster cites where its members' chains meet; not the exchange above it (a service)
    expect(cluster?.evidence?.commonCounterparties).toEqual([{ counterparty: ROOT, kind: 'upstream-funder', memberCount: 3 }]);
    expect(result.clusters.some((c) => c.members.some((m) => strangers.includes(m)))).toBe(false);
  }, 120_000);

  it('reads nothing again for a later step, and without the chain\'s word on the top of a chain links nothing', async () => {
    const [signatures, parses] = [log('rpc:getSignaturesForAddress').length, log('helius:parse').length];
    const again = await refreshCounterpartyActivity(opened.stack.pool, providers.rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius });
    expect(again.traced).toEqual({ followed: hops.length + ownHops.length + 1, origins: 0, failed: 0 });
    expect([log('rpc:getSignaturesForAddress').length, log('helius:parse').length]).toEqual([signatures, parses]);
    // the operator's own wallet unread (its summary gone, the RPC failing): the chains reach it, but
    // nothing says what it is, so no upstream link
    await opened.stack.pool.query('DELETE FROM counterparty_activity WHERE address = $1', [ROOT]);
    opened.sim.configure({ faults: { errorRate: 1, providers: ['solana-rpc'] } });
    try {
      const failing = await refreshCounterpartyActivity(opened.stack.pool, providers.rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius, deadlineMs: 60_000 });
      expect(failing.traced.failed).toBe(1);
    } finally {
      opened.sim.configure({ faults: { errorRate: 0 } });
    }
    // and an analysis whose reads of it do not answer within the step's deadline
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    const before = log('rpc:getSignaturesForAddress').length;
    opened.sim.configure({ latencyMs: { 'rpc:getSignaturesForAddress': 600_000 } });
    try {
      await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
    expect(log('rpc:getSignaturesForAddress').length).toBeGreaterThan(before); // it asked, and gave up at the deadline
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const pairs = (stored!.result as { pairs: SimilarityPair[] }).pairs;
    expect(pairs.flatMap((p) => p.evidence?.funding ?? []).filter((f) => f.kind === 'common-upstream-funder')).toEqual([]);
  }, 120_000);

  it('links a relay operator\'s trading wallet to each wallet it funded through fresh wallets, and those wallets at it', async () => {
    const group = [RELAY, ...relayed].sort();
    const input = analysisInput({ wallets: group }, { tuning: { pollIntervalMs: 200 } });
    const asked = log('rpc:getSignaturesForAddress').length;
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    // the trading wallet tops the chains: its activity is read (once), its own first funder is its own chain's
    expect(log('rpc:getSignaturesForAddress').slice(asked).filter((r) => r.wallet === RELAY)).toHaveLength(1);
    const { rows } = await opened.stack.pool.query<{ address: string; funder: string | null }>('SELECT address, funder FROM funding_origins WHERE address = ANY($1::text[]) ORDER BY address', [[RELAY, ...relayHops.flat()]]);
    expect(rows).toEqual([
      { address: relayHops[0][0], funder: RELAY },
      { address: relayHops[1][0], funder: RELAY },
      { address: relayHops[2][0], funder: RELAY },
      { address: relayHops[2][1], funder: relayHops[2][0] },
    ].sort((x, y) => (x.address < y.address ? -1 : 1)));
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const result = stored!.result as { pairs: SimilarityPair[]; clusters: Array<{ members: string[] }> };
    expect((await served.api.getAnalysis(input.analysisId)).result).toEqual(stored!.result);
    const pairOf = (x: string, y: string) => result.pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x))!;
    for (const [i, w] of relayed.entries()) {
      const pair = pairOf(RELAY, w);
      const hop = pair.evidence!.funding.find((f) => f.kind === 'indirect-transfer');
      expect(hop).toMatchObject({ kind: 'indirect-transfer', from: RELAY, to: w, via: relayHops[i], first: { amount: String(3 + i) }, last: { amount: String(1.5 + i) }, secondsApart: 6 * 3600 });
      expect(pair.insights.map((x) => x.type)).toContain('Indirect Transfer');
    }
    const upstream = pairOf(relayed[0], relayed[1]).evidence!.funding.find((f) => f.kind === 'common-upstream-funder');
    expect(upstream).toMatchObject({ counterparty: RELAY, counterpartyWeight: 1, counterpartyActivity: { complete: true, dedicated: true } });
    expect(result.clusters.find((c) => c.members.includes(RELAY))?.members.sort()).toEqual(group);
  }, 120_000);

  it('links two wallets whose fresh funders an exchange withdrew the same odd amount to, minutes apart', async () => {
    const input = analysisInput({ wallets: [...withdrawn].sort() }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const result = stored!.result as { pairs: SimilarityPair[]; clusters: SimilarityCluster[] };
    const [pair] = result.pairs;
    const [viaA, viaB] = pair.walletA === withdrawn[0] ? [withdrawalHops[0], withdrawalHops[1]] : [withdrawalHops[1], withdrawalHops[0]];
    expect(pair.evidence!.funding).toEqual([expect.objectContaining({ kind: 'same-amount-funding', funderA: EXCHANGE, funderB: EXCHANGE, viaA: [viaA], viaB: [viaB], secondsApart: 120, a: expect.objectContaining({ amount: '3.1415' }) })]);
    expect(result.clusters.map((c) => c.members)).toEqual([[...withdrawn].sort()]);
    expect((await served.api.getAnalysis(input.analysisId)).result).toEqual(stored!.result);
  }, 120_000);

  it('stores no origin for an address whose oldest transactions did not all come back, and reads it again later', async () => {
    const { pool } = opened.stack;
    await pool.query('DELETE FROM funding_origins WHERE address = $1', [hops[1]]);
    const page = await providers.rpc.getSignaturesForAddress(hops[1], { limit: 1000 });
    const funding = page[page.length - 1].signature; // its oldest: the operator's funding of it
    // the provider answers that transaction in a shape the client's validation rejects: left out
    opened.sim.configure({ faults: { malformedSignatures: [funding] } });
    try {
      const refresh = await refreshCounterpartyActivity(pool, providers.rpc, [operator[1], operator[2]], { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius });
      expect(refresh.traced.failed).toBeGreaterThanOrEqual(1);
    } finally {
      opened.sim.configure({ faults: { malformedSignatures: [] } });
    }
    expect((await pool.query('SELECT 1 FROM funding_origins WHERE address = $1', [hops[1]])).rows).toEqual([]);
    await refreshCounterpartyActivity(pool, providers.rpc, [operator[1], operator[2]], { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius });
    expect((await pool.query('SELECT funder FROM funding_origins WHERE address = $1', [hops[1]])).rows).toEqual([{ funder: ROOT }]);
  });

  it('a sync reads its wallet\'s first funder ahead, once, and never fails for it', async () => {
    const { pool } = opened.stack;
    await pool.query('DELETE FROM counterparty_activity WHERE address = $1', [hops[0]]);
    const asked = () => log('rpc:getSignaturesForAddress').filter((r) => r.wallet === hops[0]).length;
    const before = asked();
    const options = { maxAgeSeconds: 86_400 };
    expect(await readFirstFunderActivity(pool, providers.rpc, operator[0], options)).toBe(true);
    expect(asked() - before).toBe(1);
    expect((await pool.query('SELECT transactions, oldest_signatures IS NOT NULL AS oldest FROM counterparty_activity WHERE address = $1', [hops[0]])).rows).toEqual([{ transactions: 2, oldest: true }]);
    // fresh now; a wallet that was never synced has no first funder
    expect(await readFirstFunderActivity(pool, providers.rpc, operator[0], options)).toBe(false);
    expect(await readFirstFunderActivity(pool, providers.rpc, at('never-synced'), options)).toBe(false);
    expect(asked() - before).toBe(1);
    // a wallet whose stored history does not reach back: its oldest SOL is a top-up, its sender not read
    await pool.query('DELETE FROM counterparty_activity WHERE address = $1', [hops[0]]);
    await pool.query('UPDATE wallets SET history_complete = false WHERE address = $1', [operator[0]]);
    try {
      expect(await readFirstFunderActivity(pool, providers.rpc, operator[0], options)).toBe(false);
      expect(asked() - before).toBe(1);
    } finally {
      await pool.query('UPDATE wallets SET history_complete = true WHERE address = $1', [operator[0]]);
    }
    // a failing or slow RPC leaves the read to the step; only a cancellation is thrown
    await pool.query('DELETE FROM counterparty_activity WHERE address = $1', [hops[0]]);
    opened.sim.configure({ latencyMs: { 'rpc:getSignaturesForAddress': 600_000 } });
    try {
      expect(await readFirstFunderActivity(pool, providers.rpc, operator[0], { ...options, deadlineMs: 200 })).toBe(false);
      const cancel = new AbortController();
      const cancelled = readFirstFunderActivity(pool, providers.rpc, operator[0], { ...options, signal: cancel.signal });
      setTimeout(() => cancel.abort(new Error('sync cancelled')), 100);
      await expect(cancelled).rejects.toThrow('sync cancelled');
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
    expect((await pool.query('SELECT 1 FROM counterparty_activity WHERE address = $1', [hops[0]])).rows).toEqual([]);
  });
});
