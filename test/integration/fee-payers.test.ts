// Fee payers on the real stack (engine 2.8.0): an operator pays every trade's fee of its wallets from
// one fee payer of its own, so none of them needs SOL from another and no funding link exists;
// another operator's trading wallet pays the fees of its other wallets' trades; strangers trade
// through a gasless app about half the time, its relayer (a busy service on chain) paying those.
// The sync stores each sponsored trade as a fee from its payer (wallet_transfers, asset FEE), the
// analysis reads the shared payers' activity (getSignaturesForAddress), links the operators' wallets
// by their fee payer and not the strangers by the relayer, and a wallet stored under the previous
// extraction gets its fees from its stored transactions (the backfill).
import { FUNDING_DEFAULTS, type FundingEvidence } from '../../src/domain/detection/funding';
import { sharedCounterparties } from '../../src/store/counterparty-activity';
import type { SimilarityCluster, SimilarityPair } from '../../src/domain/similarity/types';
import { getAnalysis } from '../../src/store/analyses';
import { walletAddress } from '../../src/simulator/keys';
import type { WorldInput } from '../../src/simulator/world';
import { analysisInput, executeAnalysis } from '../harness/analyses';
import { useSimulatedStack } from '../harness/stack';
import { servedApi } from '../harness/http-api';

const T0 = 1_732_000_000;
const HOUR = 3600;
const DAY = 86_400;
const at = (...name: string[]) => walletAddress('fee-payers-test', ...name);
const PAYER = at('operator-fee-payer');
const RELAYER = at('gasless-relayer');
const operator = [0, 1, 2].map((i) => at('operator', String(i)));
const [MAIN, ...sponsored] = [0, 1, 2].map((i) => at('sponsoring', String(i)));
const strangers = [0, 1, 2].map((i) => at('stranger', String(i)));
const wallets = [...operator, MAIN, ...sponsored, ...strangers].sort();
/** a token of each wallet's own (they share no token), bought and sold */
const mintOf = (address: string) => at('mint', address);
/** wallet number `i`'s two trades of its own token, hours after each other's, each paid by `payer(k)` (k: 0 buy, 1 sell) */
const trades = (address: string, i: number, payer: (k: number) => string | undefined) =>
  [0, 1].map((k) => {
    const feePayer = payer(k);
    return { ts: T0 + i * 5 * HOUR + k * 2 * HOUR, side: k === 0 ? ('buy' as const) : ('sell' as const), mint: mintOf(address), amount: '1000', quote: 'SOL' as const, quoteAmount: '0.5', source: 'RAYDIUM' as const, ...(feePayer === undefined ? {} : { feePayer }) };
  });
const funded = (address: string, i: number) => ({ ts: T0 - (20 + i) * DAY, direction: 'in' as const, mint: 'SOL', amount: String(5 + i), counterparty: at('own-funder', address) });
const world: WorldInput = {
  name: 'fee-payers',
  solPriceUsd: 150,
  tokens: wallets.map((address) => ({ mint: mintOf(address), symbol: 'OWN', name: `Own of ${address.slice(0, 6)}`, decimals: 6, priceUsd: 0.001 })),
  wallets: [
    ...operator.map((address, i) => ({ address, trades: trades(address, i, () => PAYER), transfers: [funded(address, i)] })),
    { address: MAIN, trades: trades(MAIN, 3, () => undefined), transfers: [funded(MAIN, 3)] },
    ...sponsored.map((address, i) => ({ address, trades: trades(address, 4 + i, () => MAIN), transfers: [funded(address, 4 + i)] })),
    // the relayer pays one of each stranger's two trades, an hour or so apart from another's
    ...strangers.map((address, i) => ({ address, trades: trades(address, 6 + i, (k) => (k === i % 2 ? RELAYER : undefined)), transfers: [funded(address, 6 + i)] })),
  ],
  services: [{ address: RELAYER, label: 'gasless relayer', transactionsPerHour: 5000 }],
};

describe('fee payers', () => {
  const served = servedApi(() => opened.stack);
  const opened = useSimulatedStack({ world }, {}, { ...served.hooks });

  it('links wallets whose trades one fee payer paid (outside the group, or one of them), not strangers a gasless relayer paid, and backfills the fees of wallets stored before', async () => {
    const { pool } = opened.stack;
    const input = analysisInput({ wallets }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, input));
    // every sponsored trade is a fee from its payer, and no other transfer came of the trades
    const fees = await pool.query<{ wallet: string; counterparty: string; n: number; raw: string }>(
      `SELECT wallet, counterparty, count(*)::int AS n, min(raw_amount)::text AS raw FROM wallet_transfers
        WHERE wallet = ANY($1::text[]) AND asset = 'FEE' GROUP BY wallet, counterparty ORDER BY wallet`,
      [wallets],
    );
    expect(fees.rows.map((r) => [r.wallet, r.counterparty, r.n])).toEqual(
      [...operator.map((w) => [w, PAYER, 2]), ...sponsored.map((w) => [w, MAIN, 2]), ...strangers.map((w) => [w, RELAYER, 1])].sort((x, y) => (x[0] < y[0] ? -1 : 1)),
    );
    for (const r of fees.rows) expect(BigInt(r.raw)).toBeGreaterThan(0n);
    // the shared payers' activity was read on chain: the operator's, and the relayer's (a service)
    const read = new Set(opened.sim.requestLog.filter((r) => r.endpoint === 'rpc:getSignaturesForAddress').map((r) => r.wallet));
    expect(read).toContain(PAYER);
    expect(read).toContain(RELAYER);

    const stored = await getAnalysis(pool, input.analysisId);
    expect(stored?.status).toBe('completed');
    const result = stored!.result as { engineVersion: string; pairs: SimilarityPair[]; clusters: SimilarityCluster[] };
    expect((await served.api.getAnalysis(input.analysisId)).result).toEqual(stored!.result);
    const pairOf = (x: string, y: string) => result.pairs.find((p) => p.walletA === (x < y ? x : y) && p.walletB === (x < y ? y : x))!;
    for (const [i, j] of [[0, 1], [0, 2], [1, 2]]) {
      const pair = pairOf(operator[i], operator[j]);
      const e = pair.evidence!.funding.find((f): f is Extract<FundingEvidence, { kind: 'common-fee-payer' }> => f.kind === 'common-fee-payer');
      // its whole history is these six trades: a wallet of one owner's
      expect(e).toMatchObject({ counterparty: PAYER, counterpartyWeight: 1, counterpartyActivity: { transactions: 6, complete: true, dedicated: true }, transactionsA: 2, transactionsB: 2 });
      expect(e!.a.asset).toBe('FEE');
      expect(pair.evidence!.funding.map((f) => f.kind)).toEqual(['common-fee-payer']);
      expect(pair.insights.map((x) => x.type)).toContain('Fee Payer');
    }
    for (const w of sponsored) {
      const pair = pairOf(MAIN, w);
      expect(pair.evidence!.funding.find((f) => f.kind === 'fee-payer')).toMatchObject({ payer: MAIN, wallet: w, transactions: 2 });
    }
    expect(pairOf(sponsored[0], sponsored[1]).evidence!.funding.map((f) => f.kind)).toEqual(['common-fee-payer']);
    // the relayer is a busy service: no link, and not a cluster's common counterparty
    for (const [x, y] of [[strangers[0], strangers[1]], [strangers[0], strangers[2]], [strangers[1], strangers[2]], [operator[0], MAIN], [operator[0], strangers[0]]]) expect(pairOf(x, y).scores.funding).toBe(0);
    const cluster = result.clusters.find((c) => c.members.includes(operator[0]));
    expect(cluster?.members.sort()).toEqual([...operator].sort());
    expect(cluster?.evidence?.commonCounterparties).toEqual([{ counterparty: PAYER, kind: 'fee-payer', memberCount: 3 }]);
    expect(result.clusters.find((c) => c.members.includes(MAIN))?.members.sort()).toEqual([MAIN, ...sponsored].sort());
    expect(result.clusters.some((c) => c.members.some((m) => strangers.includes(m)))).toBe(false);

    // the payers of two wallets' fees or more are read before a token's sender shared by more: a
    // wallet of one owner weighs 1 for fees as for SOL, a relayer 0
    const SPAMMER = at('spammer');
    const spammed = [...strangers, operator[0]];
    await pool.query(
      `INSERT INTO wallet_transfers (wallet, signature, transfer_index, counterparty, direction, asset, amount, raw_amount, decimals, amount_exact, slot, timestamp)
       SELECT w, 'spam-' || w, 0, $2, 'in', $3, 100, 100000000, 6, true, 1, $4 FROM unnest($1::text[]) AS w`,
      [spammed, SPAMMER, at('spam-mint'), T0],
    );
    try {
      expect(await sharedCounterparties(pool, wallets, [], 2, FUNDING_DEFAULTS.fundingMinLamports)).toEqual([PAYER, RELAYER].sort());
      expect(await sharedCounterparties(pool, wallets, [], 3, FUNDING_DEFAULTS.fundingMinLamports)).toEqual([...[PAYER, RELAYER].sort(), SPAMMER]);
    } finally {
      await pool.query('DELETE FROM wallet_transfers WHERE counterparty = $1', [SPAMMER]);
    }

    // a wallet stored under the extraction before fees: its next analysis extracts them from its stored transactions
    await pool.query(`DELETE FROM wallet_transfers WHERE wallet = ANY($1::text[]) AND asset = 'FEE'`, [operator]);
    await pool.query('UPDATE wallets SET transfers_extracted_version = 1 WHERE address = ANY($1::text[])', [operator]);
    const again = analysisInput({ wallets: operator }, { tuning: { pollIntervalMs: 200 } });
    await opened.stack.withWorkers(() => executeAnalysis(opened.stack, again));
    const refilled = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM wallet_transfers WHERE wallet = ANY($1::text[]) AND asset = 'FEE' AND counterparty = $2`, [operator, PAYER]);
    expect(refilled.rows[0].n).toBe(6);
    const second = (await getAnalysis(pool, again.analysisId))!.result as { clusters: SimilarityCluster[] };
    expect(second.clusters.map((c) => c.members.sort())).toEqual([[...operator].sort()]);
  }, 120_000);
});
