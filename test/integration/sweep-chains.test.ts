// Sweep chains on the real stack (engine 2.6.0): an operator sweeps each of its wallets' SOL, days
// apart, to a fresh deposit address of that wallet's own, which forwards it within hours to one
// collecting wallet: its wallets share no destination one hop down. Another does the same through
// two fresh addresses of each wallet's own in a row (engine 2.7.0). Strangers each deposit at an
// exchange through a deposit address of their own, which forwards to the exchange's hot wallet. An
// analysis reads each wallet's largest SOL destination (getSignaturesForAddress), parses a fresh
// one's newest and oldest transactions (POST /v0/transactions), stores where it forwarded and who
// funded it first in sweep_targets, links the operator's wallets at their collector and not the
// strangers at the exchange, and reads nothing again for a second analysis.
import { readSweepDestinationActivity, refreshCounterpartyActivity } from '../../src/activities/counterparty-activity';
import type { FundingEvidence } from '../../src/domain/detection/funding';
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
const HOUR = 3600;
const at = (name: string) => walletAddress('sweep-chains-test', name);
const COLLECTOR = at('operator-collector');
const HOT = at('unlisted-exchange');
const operator = [0, 1, 2].map((i) => at(`operator-${i}`));
const deposits = operator.map((_, i) => at(`operator-deposit-${i}`));
const strangers = [0, 1].map((i) => at(`stranger-${i}`));
const strangerDeposits = strangers.map((_, i) => at(`stranger-deposit-${i}`));
/** a payer that paid someone's wallet (funded first by its owner), which later paid the payee */
const PAYER = at('payer');
const PAYEE = at('payee');
const PAID = at('paid-wallet');
/** an operator sweeping each wallet through two fresh addresses of its own in a row (engine 2.7.0) */
const LAYERED_COLLECTOR = at('layered-collector');
const layered = [0, 1].map((i) => at(`layered-${i}`));
const layeredDeposits = layered.map((_, i) => at(`layered-deposit-${i}`));
const layeredHops = layered.map((_, i) => at(`layered-hop-${i}`));
const layeredSwept = [T0 + DAY, T0 + 4 * DAY];
/**
 * two wallets depositing 20 days apart into one deposit address of their owner's account at the
 * unlisted exchange (engine 2.7.0), which the account's other wallets deposit into too (28
 * transactions in all); and two strangers paying one person's wallet 10 days apart, which passes
 * all of it on to its owner's other wallet
 */
const ACCOUNT_DEPOSIT = at('account-deposit');
const accountWallets = [0, 1].map((i) => at(`account-wallet-${i}`));
const PERSON = at('person');
const PERSON_OWNER = at('person-owner');
const personPayers = [0, 1].map((i) => at(`person-payer-${i}`));
/**
 * a fresh deposit address of an account at another busy exchange, funded first by the account's
 * own wallet outside the group, that two group wallets deposit into 8 days apart: the sweep chains
 * do not follow it (no group wallet funded it first), the deposit rule reads where it passes SOL on
 */
const FRESH_DEPOSIT = at('fresh-account-deposit');
const HOT_2 = at('unlisted-exchange-2');
const freshAccountWallets = [0, 1].map((i) => at(`fresh-account-wallet-${i}`));
const wallets = [...operator, ...strangers, PAYER, PAYEE, ...layered, ...accountWallets, ...personPayers, ...freshAccountWallets].sort();
/** when each operator wallet swept: days apart; each deposit address forwards 2 hours later */
const swept = [T0, T0 + 2 * DAY, T0 + 5 * DAY];
const funded = (address: string, i: number) => ({ ts: T0 - (30 + 3 * i) * DAY, direction: 'in' as const, mint: 'SOL', amount: String(20 + i), counterparty: at(`own-funder-${address}`) });
const world: WorldInput = {
  name: 'sweep-chains',
  solPriceUsd: 150,
  tokens: [],
  wallets: [
    ...operator.map((address, i) => ({ address, transfers: [funded(address, i), { ts: swept[i], direction: 'out' as const, mint: 'SOL', amount: String(10 + i), counterparty: deposits[i] }] })),
    ...strangers.map((address, i) => ({ address, transfers: [funded(address, 3 + i), { ts: T0 + i * HOUR, direction: 'out' as const, mint: 'SOL', amount: String(7 + i), counterparty: strangerDeposits[i] }] })),
    { address: PAYER, transfers: [funded(PAYER, 5), { ts: T0 + DAY, direction: 'out' as const, mint: 'SOL', amount: '2', counterparty: PAID }] },
    { address: PAYEE, transfers: [funded(PAYEE, 6), { ts: T0 + 2 * DAY, direction: 'in' as const, mint: 'SOL', amount: '1.5', counterparty: PAID }] },
    ...layered.map((address, i) => ({ address, transfers: [funded(address, 7 + i), { ts: layeredSwept[i], direction: 'out' as const, mint: 'SOL', amount: String(30 + i), counterparty: layeredDeposits[i] }] })),
    ...accountWallets.map((address, i) => ({ address, transfers: [funded(address, 9 + i), { ts: T0 + i * 20 * DAY, direction: 'out' as const, mint: 'SOL', amount: String(12 + i), counterparty: ACCOUNT_DEPOSIT }] })),
    ...personPayers.map((address, i) => ({ address, transfers: [funded(address, 11 + i), { ts: T0 + i * 10 * DAY, direction: 'out' as const, mint: 'SOL', amount: String(3 + i), counterparty: PERSON }] })),
    ...freshAccountWallets.map((address, i) => ({ address, transfers: [funded(address, 13 + i), { ts: T0 + DAY + i * 8 * DAY, direction: 'out' as const, mint: 'SOL', amount: String(6 + i), counterparty: FRESH_DEPOSIT }] })),
  ],
  services: [
    { address: HOT, label: 'unlisted exchange hot wallet', transactionsPerHour: 5000 },
    { address: HOT_2, label: 'another unlisted exchange hot wallet', transactionsPerHour: 5000 },
  ],
  outsideTransfers: [
    ...deposits.map((from, i) => ({ from, to: COLLECTOR, sol: String(9.99 + i), ts: swept[i] + 2 * HOUR })),
    ...strangerDeposits.map((from, i) => ({ from, to: HOT, sol: String(6.99 + i), ts: T0 + i * HOUR + 600 })),
    // the collector spends some of it
    { from: COLLECTOR, to: at('collector-spend'), sol: '25', ts: T0 + 8 * DAY },
    { from: at('paid-wallet-owner'), to: PAID, sol: '4', ts: T0 - DAY },
    ...layeredDeposits.map((from, i) => ({ from, to: layeredHops[i], sol: String(29.9 + i), ts: layeredSwept[i] + HOUR })),
    ...layeredHops.map((from, i) => ({ from, to: LAYERED_COLLECTOR, sol: String(29.8 + i), ts: layeredSwept[i] + 3 * HOUR })),
    ...accountWallets.map((_, i) => ({ from: ACCOUNT_DEPOSIT, to: HOT, sol: String(11.99 + i), ts: T0 + i * 20 * DAY + 600 })),
    ...Array.from({ length: 12 }, (_, k) => [
      { from: at(`account-other-${k % 3}`), to: ACCOUNT_DEPOSIT, sol: String(1 + k), ts: T0 - (40 - 3 * k) * DAY },
      { from: ACCOUNT_DEPOSIT, to: HOT, sol: String(0.99 + k), ts: T0 - (40 - 3 * k) * DAY + 900 },
    ]).flat(),
    ...personPayers.map((_, i) => ({ from: PERSON, to: PERSON_OWNER, sol: String(2.9 + i), ts: T0 + i * 10 * DAY + HOUR })),
    { from: at('fresh-account-owner'), to: FRESH_DEPOSIT, sol: '1', ts: T0 - 5 * DAY },
    { from: FRESH_DEPOSIT, to: HOT_2, sol: '0.999', ts: T0 - 5 * DAY + 600 },
    ...freshAccountWallets.map((_, i) => ({ from: FRESH_DEPOSIT, to: HOT_2, sol: String(5.99 + i), ts: T0 + DAY + i * 8 * DAY + 600 })),
  ],
};

describe('sweep chains', () => {
  const served = servedApi(() => opened.stack);
  const opened = useSimulatedStack({ world }, {}, { ...served.hooks });
  const log = (endpoint: string) => opened.sim.requestLog.filter((r) => r.endpoint === endpoint);
  const providers = useProviderClients(() => opened.sim.url);

  it('an analysis follows each wallet\'s sweeps through fresh addresses, stores where they forwarded, and links the operator\'s wallets at its collector, not the strangers at the exchange', async () => {
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    const read = new Set(log('rpc:getSignaturesForAddress').map((r) => r.wallet));
    // each wallet's largest SOL destination, and the collectors those reached (not a known exchange's)
    // and, where a collector is fresh itself, where it forwarded in turn (two fresh addresses in a row)
    for (const address of [...deposits, ...strangerDeposits, PAID, COLLECTOR, HOT, ...layeredDeposits, ...layeredHops, LAYERED_COLLECTOR, at('collector-spend')]) expect(read).toContain(address);
    // not where a fresh wallet someone else funded first sent its SOL: no sweep of a group wallet's (the payee, here)
    expect(read).not.toContain(PAYEE);
    const { rows } = await opened.stack.pool.query<{ address: string; collector: string | null; lamports: string | null; first_funder: string | null }>(
      'SELECT address, collector, lamports, first_funder FROM sweep_targets WHERE address = ANY($1::text[]) ORDER BY address',
      [[...deposits, ...strangerDeposits, PAID]],
    );
    expect(rows).toEqual(
      [
        ...deposits.map((address, i) => ({ address, collector: COLLECTOR, lamports: String(Math.round((9.99 + i) * 1e9)), first_funder: operator[i] })),
        ...strangerDeposits.map((address, i) => ({ address, collector: HOT, lamports: String(Math.round((6.99 + i) * 1e9)), first_funder: strangers[i] })),
        // the payee's funding from it is its largest outbound SOL; its owner funded it first
        { address: PAID, collector: PAYEE, lamports: String(1.5e9), first_funder: at('paid-wallet-owner') },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)),
    );
    const hops = await opened.stack.pool.query<{ address: string; collector: string | null; first_funder: string | null }>(
      'SELECT address, collector, first_funder FROM sweep_targets WHERE address = ANY($1::text[]) ORDER BY address',
      [[...layeredDeposits, ...layeredHops, COLLECTOR]],
    );
    expect(hops.rows).toEqual(
      [
        ...layeredDeposits.map((address, i) => ({ address, collector: layeredHops[i], first_funder: layered[i] })),
        ...layeredHops.map((address, i) => ({ address, collector: LAYERED_COLLECTOR, first_funder: layeredDeposits[i] })),
        // the operator's collector is fresh too, first funded by the first wallet's deposit address
        { address: COLLECTOR, collector: at('collector-spend'), first_funder: deposits[0] },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)),
    );

    const stored = await getAnalysis(opened.stack.pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const result = stored!.result as { pairs: SimilarityPair[]; clusters: SimilarityCluster[] };
    // the API serves the new evidence whole (its response schema drops nothing)
    expect((await served.api.getAnalysis(input.analysisId)).result).toEqual(stored!.result);
    const pairOf = (x: string, y: string) => result.pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x))!;
    for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) {
      const pair = pairOf(operator[i], operator[j]);
      const downstream = pair.evidence!.funding.find((f): f is Extract<FundingEvidence, { kind: 'common-downstream-collector' }> => f.kind === 'common-downstream-collector');
      const [a, b] = pair.walletA === operator[i] ? [i, j] : [j, i];
      expect(downstream).toMatchObject({ counterparty: COLLECTOR, counterpartyWeight: 1, counterpartyActivity: { complete: true, dedicated: true }, viaA: [deposits[a]], viaB: [deposits[b]] });
      expect(downstream!.a).toMatchObject({ amount: String(9.99 + a), timestamp: swept[a] + 2 * HOUR });
      expect(downstream!.secondsApart).toBe(Math.abs(swept[i] - swept[j]));
      expect(pair.insights.map((x) => x.type)).toContain('Common Collector');
    }
    // one account's deposit address: passes all it receives on to the exchange; its newest
    // transactions are not its whole history, so they name no first funder
    const passing = await opened.stack.pool.query<{ address: string; collector: string; pass_through: boolean; first_funder: string | null }>(
      'SELECT address, collector, pass_through, first_funder FROM sweep_targets WHERE address = ANY($1::text[]) ORDER BY address',
      [[ACCOUNT_DEPOSIT, PERSON]],
    );
    expect(passing.rows).toEqual(
      [
        { address: ACCOUNT_DEPOSIT, collector: HOT, pass_through: true, first_funder: null },
        // the person's wallet passes all on too, but to a wallet of one owner: no exchange's deposit address
        { address: PERSON, collector: PERSON_OWNER, pass_through: true, first_funder: personPayers[0] },
      ].sort((x, y) => (x.address < y.address ? -1 : 1)),
    );
    const accountPair = pairOf(accountWallets[0], accountWallets[1]);
    expect(accountPair.evidence!.funding[0]).toMatchObject({ kind: 'common-destination', counterparty: ACCOUNT_DEPOSIT, depositTo: HOT, counterpartyActivity: { transactions: 28, complete: true, dedicated: true }, secondsApart: 20 * DAY });
    expect(accountPair.insights.map((x) => x.type)).toContain('Common Collector');
    expect(result.clusters.find((c) => c.members.includes(accountWallets[0]))?.members.sort()).toEqual([...accountWallets].sort());
    // a fresh deposit address someone outside the group funded first: where it passes SOL on is read for the rule
    expect(read).toContain(HOT_2);
    expect(pairOf(freshAccountWallets[0], freshAccountWallets[1]).evidence!.funding[0]).toMatchObject({ kind: 'common-destination', counterparty: FRESH_DEPOSIT, depositTo: HOT_2, secondsApart: 8 * DAY });
    const personPair = pairOf(personPayers[0], personPayers[1]);
    expect(personPair.evidence?.funding.some((f) => f.kind === 'common-destination' && f.depositTo !== undefined)).toBe(false);
    expect(personPair.scores.combined ?? 0).toBeLessThan(0.3);
    // the layered operator's wallets meet at its collector, two fresh addresses down each
    const layeredPair = pairOf(layered[0], layered[1]);
    const [la, lb] = layeredPair.walletA === layered[0] ? [0, 1] : [1, 0];
    expect(layeredPair.evidence!.funding.find((f) => f.kind === 'common-downstream-collector')).toMatchObject({
      counterparty: LAYERED_COLLECTOR,
      viaA: [layeredDeposits[la], layeredHops[la]],
      viaB: [layeredDeposits[lb], layeredHops[lb]],
      secondsApart: layeredSwept[1] - layeredSwept[0],
    });
    // strangers at an exchange, and a payer and a payee of someone's wallet, are not linked; nor the two operators
    for (const [x, y] of [[strangers[0], strangers[1]], [operator[0], strangers[0]], [PAYER, PAYEE], [operator[0], layered[0]]]) expect(pairOf(x, y).scores.funding).toBe(0);
    const cluster = result.clusters.find((c) => c.members.includes(operator[0]));
    expect(cluster?.members.sort()).toEqual([...operator].sort());
    // where operator 0's chain went on from its fresh collector is no one else's: the collector is cited
    expect(cluster?.evidence?.commonCounterparties).toEqual([{ counterparty: COLLECTOR, kind: 'downstream-collector', memberCount: 3 }]);
    const layeredCluster = result.clusters.find((c) => c.members.includes(layered[0]));
    expect(layeredCluster?.members.sort()).toEqual([...layered].sort());
    expect(layeredCluster?.evidence?.commonCounterparties).toEqual([{ counterparty: LAYERED_COLLECTOR, kind: 'downstream-collector', memberCount: 2 }]);
    expect(result.clusters.some((c) => c.members.some((m) => [...strangers, PAYER, PAYEE].includes(m)))).toBe(false);
  }, 120_000);

  it('reads nothing again for a later step; a target whose transactions did not all come back is not stored, and is read later', async () => {
    const { pool } = opened.stack;
    const [signatures, parses] = [log('rpc:getSignaturesForAddress').length, log('helius:parse').length];
    const again = await refreshCounterpartyActivity(pool, providers.rpc, wallets, { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius });
    // the destinations (the layered operator's first addresses among them), then the fresh collectors: its second addresses and the operator's collector
    // the person's wallet and the fresh deposit address too (fresh destinations: the sweep chains read them), its owner's wallet (fresh) and the operator's collector
    expect(again.swept).toEqual({ followed: deposits.length + strangerDeposits.length + 1 + layeredDeposits.length + layeredHops.length + 1 + 3, targets: 0, failed: 0 });
    // the shared destinations of one owner's length: the account's deposit addresses, and the person's wallet (stored by the sweep chains)
    expect(again.deposits).toEqual({ followed: 3, targets: 0, failed: 0 });
    expect([log('rpc:getSignaturesForAddress').length, log('helius:parse').length]).toEqual([signatures, parses]);

    await pool.query('DELETE FROM sweep_targets WHERE address = $1', [deposits[1]]);
    const page = await providers.rpc.getSignaturesForAddress(deposits[1], { limit: 1000 });
    // its newest: the forwarding to the collector; the provider answers it in a shape the client rejects
    opened.sim.configure({ faults: { malformedSignatures: [page[0].signature] } });
    try {
      const refresh = await refreshCounterpartyActivity(pool, providers.rpc, [operator[1], operator[2]], { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius });
      expect(refresh.swept.failed).toBe(1);
    } finally {
      opened.sim.configure({ faults: { malformedSignatures: [] } });
    }
    expect((await pool.query('SELECT 1 FROM sweep_targets WHERE address = $1', [deposits[1]])).rows).toEqual([]);
    const later = await refreshCounterpartyActivity(pool, providers.rpc, [operator[1], operator[2]], { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius });
    expect(later.swept).toMatchObject({ targets: 1, failed: 0 });
    expect((await pool.query('SELECT collector, first_funder FROM sweep_targets WHERE address = $1', [deposits[1]])).rows).toEqual([{ collector: COLLECTOR, first_funder: operator[1] }]);
  }, 120_000);

  it('a sync reads its wallet\'s largest SOL destination ahead, once, and never fails for it', async () => {
    const { pool } = opened.stack;
    await pool.query('DELETE FROM counterparty_activity WHERE address = $1', [deposits[0]]);
    const asked = () => log('rpc:getSignaturesForAddress').filter((r) => r.wallet === deposits[0]).length;
    const before = asked();
    const options = { maxAgeSeconds: 86_400 };
    expect(await readSweepDestinationActivity(pool, providers.rpc, operator[0], options)).toBe(true);
    expect(asked() - before).toBe(1);
    // its page's newest signatures are kept for the step (the forwarding, then the wallet's sweep)
    const { rows } = await pool.query<{ transactions: number; newest: number }>('SELECT transactions, cardinality(newest_signatures) AS newest FROM counterparty_activity WHERE address = $1', [deposits[0]]);
    expect(rows).toEqual([{ transactions: 2, newest: 2 }]);
    // fresh now; a wallet that sent no SOL has no destination
    expect(await readSweepDestinationActivity(pool, providers.rpc, operator[0], options)).toBe(false);
    expect(await readSweepDestinationActivity(pool, providers.rpc, PAYEE, options)).toBe(false);
    expect(asked() - before).toBe(1);
    // a failing RPC leaves the read to the step
    await pool.query('DELETE FROM counterparty_activity WHERE address = $1', [deposits[0]]);
    opened.sim.configure({ faults: { errorRate: 1, providers: ['solana-rpc'] } });
    try {
      expect(await readSweepDestinationActivity(pool, providers.rpc, operator[0], options)).toBe(false);
    } finally {
      opened.sim.configure({ faults: { errorRate: 0 } });
    }
    expect(await readSweepDestinationActivity(pool, providers.rpc, operator[0], options)).toBe(true);
  });

  it('without the chain\'s word on the collector, or with the RPC failing, links nothing and never fails the step', async () => {
    const { pool } = opened.stack;
    // the chains are stored: what is missing is the chain's word on the collector
    expect((await pool.query('SELECT count(*)::int AS n FROM sweep_targets WHERE address = ANY($1::text[]) AND collector = $2', [deposits, COLLECTOR])).rows).toEqual([{ n: deposits.length }]);
    await pool.query('DELETE FROM counterparty_activity WHERE address = $1', [COLLECTOR]);
    opened.sim.configure({ faults: { errorRate: 1, providers: ['solana-rpc'] } });
    try {
      const failing = await refreshCounterpartyActivity(pool, providers.rpc, operator, { maxLookups: 200, maxAgeSeconds: 86_400, parser: providers.helius, deadlineMs: 60_000 });
      expect(failing.swept.failed).toBe(1);
    } finally {
      opened.sim.configure({ faults: { errorRate: 0 } });
    }
    // and an analysis whose reads of it do not answer within the step's deadline
    const input = analysisInput({ wallets: [...operator].sort() }, { tuning: { pollIntervalMs: 200 } });
    const before = log('rpc:getSignaturesForAddress').filter((r) => r.wallet === COLLECTOR).length;
    opened.sim.configure({ latencyMs: { 'rpc:getSignaturesForAddress': 600_000 } });
    try {
      await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    } finally {
      opened.sim.configure({ latencyMs: 0 });
    }
    expect(log('rpc:getSignaturesForAddress').filter((r) => r.wallet === COLLECTOR).length).toBeGreaterThan(before); // it asked, and gave up at the deadline
    const stored = await getAnalysis(pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const pairs = (stored!.result as { pairs: SimilarityPair[] }).pairs;
    expect(pairs.flatMap((p) => p.evidence?.funding ?? []).filter((f) => f.kind === 'common-downstream-collector')).toEqual([]);
  }, 120_000);
});
