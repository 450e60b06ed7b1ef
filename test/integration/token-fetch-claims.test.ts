// Token enrichment runs that need the same mints at once: a run claims the mints it fetches in the
// registry (claimTokenFetches), another run waits for them instead of asking DexScreener again, and
// a claim of a run that died lapses with its lease. First the store's claims, then
// tokenEnrichmentWorkflow runs on a real Temporal server against the simulator.
import { randomUUID } from 'node:crypto';
import { generateWorld } from '../../src/simulator';
import { tokenEnrichmentWorkflow } from '../../src/workflows/token-enrichment';
import { WORKFLOW_TASK_QUEUE } from '../../src/workflows/contract';
import { claimTokenFetches, getTokens, markFailed, mintsNeedingFetch, saveMarkets, tokenFetchesPending } from '../../src/store/tokens';
import { useSimulatedStack } from '../harness/stack';

const world = generateWorld({ seed: 171, wallets: 4, txPerWallet: 20, largeWallet: false });
const allMints = (world.tokens as Array<{ mint: string }>).map((t) => t.mint).sort();

describe('claims on token fetches', () => {
  // one enrichment activity at a time: a run that waited in an activity slot would hold the slot the
  // other run's batches need until its claims lapsed (5 minutes); the wait is on timers instead
  const opened = useSimulatedStack({ world }, { ENRICHMENT_CONCURRENCY: '1' });
  const pool = () => opened.stack.pool;
  const freshMints = (n: number) => Array.from({ length: n }, (_, i) => `ClaimTest${randomUUID().replace(/-/g, '')}${i}`);

  describe('in the store', () => {
    it('runs that claim the same mints at once never claim one twice, and each is told which the others hold', async () => {
      const mints = freshMints(50);
      const claimants = Array.from({ length: 8 }, (_, i) => `run-${i}`);
      const answers = await Promise.all(claimants.map((c) => claimTokenFetches(pool(), mints, c, 3000)));

      const claimed = answers.flatMap((a) => a.claimed);
      expect(claimed.sort()).toEqual([...mints].sort()); // every mint claimed, none twice
      for (const a of answers) expect([...a.claimed, ...a.claimedElsewhere].sort()).toEqual([...mints].sort());
      // a run's plan retried takes its own claims again; another run still finds them held
      const owner = claimants[answers.findIndex((a) => a.claimed.length > 0)];
      const again = await claimTokenFetches(pool(), mints, owner, 3000);
      expect(again.claimed.length).toBe(answers.find((a) => a.claimed.length > 0)?.claimed.length);
      expect(again.claimedElsewhere).toEqual(mints.filter((m) => !again.claimed.includes(m)).sort());
    });

    it('claims at most the limit, in mint order', async () => {
      const mints = freshMints(12);
      const { claimed, claimedElsewhere } = await claimTokenFetches(pool(), mints, 'limited-run', 5);
      expect(claimed).toEqual([...mints].sort().slice(0, 5));
      expect(claimedElsewhere).toEqual([]);
    });

    it('an answer or a failure stored clears the claim; a lapsed lease leaves the mint to the next run', async () => {
      const [answered, failed, lapsed] = freshMints(3);
      await claimTokenFetches(pool(), [answered, failed, lapsed], 'first-run', 3000);
      expect(await tokenFetchesPending(pool(), [answered, failed, lapsed], 'second-run')).toEqual({ waiting: [answered, failed, lapsed].sort(), unclaimed: [] });
      // the claimant's own view: nothing to wait for, its own claims are not another's
      expect(await tokenFetchesPending(pool(), [answered], 'first-run')).toEqual({ waiting: [], unclaimed: [answered] });

      await saveMarkets(pool(), [{ mint: answered, status: 'unknown' }]); // DexScreener answered (it knows no pair of it)
      await markFailed(pool(), [failed], 'DexScreener answered 500');
      await pool().query(`UPDATE tokens SET fetch_claimed_until = now() - interval '1 second' WHERE mint = $1`, [lapsed]);
      expect(await tokenFetchesPending(pool(), [answered, failed, lapsed], 'second-run')).toEqual({ waiting: [], unclaimed: [lapsed] });
      const { rows } = await pool().query(`SELECT mint, fetch_claimed_by FROM tokens WHERE mint = ANY($1) ORDER BY mint`, [[answered, failed]]);
      expect(rows.map((r) => r.fetch_claimed_by)).toEqual([null, null]);

      expect(await claimTokenFetches(pool(), [answered, failed, lapsed], 'second-run', 3000)).toEqual({ claimed: [lapsed], claimedElsewhere: [] });
      expect(await mintsNeedingFetch(pool(), [answered, failed, lapsed])).toEqual([lapsed]);
    });
  });

  describe('two enrichment runs', () => {
    const mints = allMints.slice(0, 40);
    const dexRequests = () => opened.sim.requestLog.filter((r) => r.endpoint === 'dexscreener:tokens');
    const enrich = (id: string) =>
      opened.stack.client.workflow.start(tokenEnrichmentWorkflow, { taskQueue: WORKFLOW_TASK_QUEUE, workflowId: `${id}-${randomUUID()}`, args: [{ mints, reason: 'user' }] });

    beforeEach(async () => {
      await pool().query(`DELETE FROM tokens WHERE mint = ANY($1)`, [mints]);
      opened.sim.reset();
    });

    it('that need the same mints at once ask DexScreener for each once: the second waits for the first, then finds them stored', async () => {
      opened.sim.configure({ latencyMs: { dexscreener: 800 } }); // the first run's requests are in flight while the second plans
      const { first, second, tokensWhenSecondEnded } = await opened.stack.withWorkers(async () => {
        const [a, b] = await Promise.all([enrich('claims-first'), enrich('claims-second')]);
        const [ra, rb] = await Promise.all([
          a.result(),
          b.result().then(async (r) => ({ r, tokens: await getTokens(pool(), mints) })),
        ]);
        return { first: ra, second: rb.r, tokensWhenSecondEnded: rb.tokens };
      });

      const asked = dexRequests().flatMap((r) => r.mints ?? []);
      expect(asked.sort()).toEqual([...mints].sort());
      // one of them fetched every mint, the other waited for all of them
      const [fetcher, waiter] = first.fetchedElsewhere === 0 ? [first, second] : [second, first];
      expect(fetcher).toMatchObject({ requested: mints.length, fetchedElsewhere: 0, failedBatches: 0 });
      expect(fetcher.resolved + fetcher.unknown).toBe(mints.length);
      expect(waiter).toMatchObject({ requested: mints.length, resolved: 0, unknown: 0, failedBatches: 0, fetchedElsewhere: mints.length });
      // whichever ended last, the second run ended only once every mint was stored
      expect(tokensWhenSecondEnded.filter((t) => t.status === 'pending')).toEqual([]);
    });

    it("a run waiting for a claim whose run died fetches the mints itself once that claim's lease lapses", async () => {
      await mintsNeedingFetch(pool(), mints); // registered, as a plan would
      const { rows } = await pool().query<{ until: Date }>(
        `UPDATE tokens SET fetch_claimed_by = 'a-run-that-died', fetch_claimed_until = now() + interval '2 seconds' WHERE mint = ANY($1) RETURNING fetch_claimed_until AS until`,
        [mints],
      );
      const result = await opened.stack.withWorkers(async () => (await enrich('claims-after-lapse')).result());

      // it asked for them only once the lease had lapsed (the simulator's clock is this machine's)
      expect(Math.min(...dexRequests().map((r) => r.at))).toBeGreaterThanOrEqual(rows[0].until.getTime());
      expect(result).toMatchObject({ requested: mints.length, fetchedElsewhere: 0, failedBatches: 0 });
      expect(result.resolved + result.unknown).toBe(mints.length);
      expect(dexRequests().flatMap((r) => r.mints ?? []).sort()).toEqual([...mints].sort());
      const tokens = await getTokens(pool(), mints);
      expect(tokens.filter((t) => t.status === 'pending')).toEqual([]);
    });
  });
});
