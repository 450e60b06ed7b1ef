// GET /v1/analyses/{id}/pairs at the size it exists for: one analysis of 1,000 wallets, 499,500 rows
// in analysis_pairs, stored in pair-index order (the write path copied them so before it copied
// them in rank order, and rows stored then stay so: the worst case, a page by rank reads scattered
// heap pages). Every statement the route sends is recorded and explained: none may
// scan the table (each is driven by an index), whatever the page's depth or filter. The page
// latencies are printed, never asserted.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { buildApp } from '../../src/api/app';
import { encodePairsCursor } from '../../src/api/pairs-page';
import { derivedAddress } from '../../src/simulator/keys';
import { completeAnalysis, insertAnalysis } from '../../src/store/analyses';
import { linkChanges, rankCountAtLeast } from '../../src/store/analysis-pairs';
import { analysisWorkflowId } from '../../src/workflows/contract';
import { useTestStack } from '../harness/stack';
import { seedWalletRanks } from '../harness/analyses';

const WALLETS = 1_000;
const PAIRS = (WALLETS * (WALLETS - 1)) / 2;
/** the last ranks have no combined score */
const UNSCORED = 4_500;
const group = Array.from({ length: WALLETS }, (_, i) => derivedAddress('pairs-scale', String(i))).sort();

/** The most rows of analysis_pairs (or its indexes) one statement of a page may read. */
const MAX_ROWS_READ = 2_500;
/** The seeded analyses' cluster threshold: their links are their first ranks, about 1 % of them. */
const LINK_THRESHOLD = 0.99;

interface Statement {
  text: string;
  values: unknown[];
}

describe(`pairs pages of a ${WALLETS}-wallet analysis (${PAIRS} rows)`, () => {
  let app: FastifyInstance;
  const statements: Statement[] = [];
  const id = randomUUID();
  const opened = useTestStack(
    {},
    {
      afterOpen: async () => {
        const { pool } = opened.stack;
        // the route's pool, recording what it sends about analysis_pairs (to explain it afterwards),
        // on the pool or on a client checked out of it (a statement run in a transaction)
        const recorded = <T extends { query: Pool['query'] }>(target: T): T =>
          new Proxy(target, {
            get(t, prop, receiver) {
              if (prop === 'connect' && t === (pool as unknown)) return async () => recorded(await pool.connect());
              if (prop !== 'query') return Reflect.get(t, prop, receiver) as unknown;
              return (text: unknown, values?: unknown[]) => {
                if (typeof text === 'string' && text.includes('analysis_pairs')) statements.push({ text, values: values ?? [] });
                return (t.query as (text: unknown, values?: unknown[]) => unknown)(text, values);
              };
            },
          });
        const recording = recorded(pool);
        app = await buildApp({ config: opened.stack.config, temporal: opened.stack.client, pool: recording, redis: opened.stack.redis }, { rateLimitStore: 'memory' });
        await seed(pool);
      },
      beforeClose: async () => {
        await app?.close();
      },
      openTimeoutMs: 600_000,
    },
  );

  /**
   * The analysis and its rows, generated in SQL: pair index k of (i, j), i < j, in the engine's
   * order; its rank a fixed permutation of k (7919 is prime to 499,500), its combined a
   * non-increasing function of the rank with runs of ties, no score for the last ranks.
   */
  async function seed(pool: Pool): Promise<void> {
    const started = Date.now();
    await insertAnalysis(pool, { id, workflowId: analysisWorkflowId(id), requestId: null, wallets: group, params: { window: null, sync: 'skip', failureThreshold: 0.8 } });
    // (a link at 0.99: the changes since another analysis compare about 5,000 links of each)
    await completeAnalysis(pool, id, { summary: { pairCount: PAIRS }, result: { engineVersion: '2.0.0', parameters: { clusterThreshold: LINK_THRESHOLD }, pairs: [], pairCount: PAIRS, pairsComplete: false, clusters: [] }, coverage: [], failedWallets: [], engineVersion: '2.0.0' });
    await pool.query(
      `INSERT INTO analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair)
       SELECT $1, g.rank, g.k, g.a, g.b, g.combined,
              json_build_object('walletA', g.a, 'walletB', g.b, 'strength', 'Low', 'insights', json_build_array(), 'evidence', NULL, 'nullReasons', json_build_object(),
                'sharedTokenCount', g.k % 17, 'sharedTokens', json_build_array(json_build_object('mint', 'So11111111111111111111111111111111111111112', 'weightA', 0.5, 'weightB', 0.25, 'contribution', 0.125)),
                'scores', json_build_object('capital', 0.5, 'binary', 0.4, 'jaccardTraded', 0.3, 'jaccardHeld', NULL, 'behavior', 0.6, 'timing', NULL,
                  'funding', NULL, 'bundle', NULL, 'rarity', NULL, 'similarity', g.combined, 'combined', g.combined))
         FROM (
           SELECT p.k, p.r::integer AS rank, ($2::text[])[p.i + 1] AS a, ($2::text[])[p.j + 1] AS b,
                  CASE WHEN p.r >= $3 - $4 THEN NULL ELSE round(1 - p.r / $3::numeric, 3)::double precision END AS combined
             FROM (SELECT q.*, (q.k::bigint * 7919) % $3 AS r
                     FROM (SELECT i, j, i * (2 * $5 - i - 1) / 2 + (j - i - 1) AS k
                             FROM generate_series(0, $5 - 1) AS i CROSS JOIN LATERAL generate_series(i + 1, $5 - 1) AS j) q) p
         ) g
        ORDER BY g.k`,
      [id, group, PAIRS, UNSCORED, WALLETS],
    );
    // and each wallet's ranks, as the write path stores them beside the rows
    await seedWalletRanks(pool, id);
    console.log(`pairs scale: ${PAIRS} rows stored in ${((Date.now() - started) / 1000).toFixed(1)} s (not analyzed: as the write path leaves them)`);
  }

  const page = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/v1/analyses/${id}/pairs?${query}` });
    expect(res.statusCode).toBe(200);
    return res.json() as { pairCount: number; matched: number; pairs: Array<{ walletA: string; walletB: string; scores: { combined: number | null } }>; nextCursor: string | null };
  };

  /** Milliseconds of one request: the first (cold) and the median of `runs` more; the statements the first sent. */
  async function timed(query: string, runs = 7): Promise<{ cold: number; median: number; sent: Statement[] }> {
    const once = async () => {
      const t = process.hrtime.bigint();
      await page(query);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    statements.length = 0;
    const cold = await once();
    const sent = [...statements];
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) warm.push(await once());
    warm.sort((x, y) => x - y);
    return { cold, median: warm[Math.floor(runs / 2)], sent };
  }

  /** Plan nodes of one statement, explained with its own parameters. */
  async function planOf(s: Statement): Promise<{ nodes: string[]; ms: number; rowsRead: number }> {
    const { rows } = await opened.stack.pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${s.text}`, s.values);
    const [{ Plan, 'Execution Time': ms }] = rows[0]['QUERY PLAN'] as Array<{ Plan: PlanNode; 'Execution Time': number }>;
    const nodes: string[] = [];
    let rowsRead = 0;
    const walk = (n: PlanNode) => {
      nodes.push(`${n['Node Type']}${n['Index Name'] ? ` using ${n['Index Name']}` : ''}${n['Relation Name'] ? ` on ${n['Relation Name']}` : ''}`);
      // rows (or, for a bitmap, row pointers) a scan of analysis_pairs or its indexes produced
      if (/Scan/.test(n['Node Type']) && /analysis_pairs/.test(`${n['Relation Name'] ?? ''} ${n['Index Name'] ?? ''}`) && !/Bitmap Heap/.test(n['Node Type'])) {
        rowsRead += n['Actual Rows'] * n['Actual Loops'];
      }
      (n.Plans ?? []).forEach(walk);
    };
    walk(Plan);
    return { nodes, ms, rowsRead };
  }
  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    'Relation Name'?: string;
    'Actual Rows': number;
    'Actual Loops': number;
    Plans?: PlanNode[];
  }

  it('serves every kind of page through indexes only, as fast deep as first; prints the latencies', async () => {
    const wallet = group[WALLETS / 2];
    const deepCursor = encodePairsCursor(id, PAIRS - 150);
    const cases: Array<[string, string]> = [
      ['first page (100)', 'limit=100'],
      ['first page (1000)', 'limit=1000'],
      ['deep page (after rank 499,350)', `limit=100&cursor=${deepCursor}`],
      ['minScore=0.5, first page', 'limit=100&minScore=0.5'],
      ['minScore=0.5, deep (after rank 249,000)', `limit=100&minScore=0.5&cursor=${encodePairsCursor(id, 249_000)}`],
      ['wallet, first page', `limit=100&wallet=${wallet}`],
      ['wallet, deep (after rank 499,350)', `limit=100&wallet=${wallet}&cursor=${deepCursor}`],
      ['wallet + minScore=0.5', `limit=100&wallet=${wallet}&minScore=0.5`],
    ];

    // what the pages hold is right at this size too
    const first = await page('limit=100');
    expect(first).toMatchObject({ pairCount: PAIRS, matched: PAIRS });
    expect(first.pairs[0].scores.combined).toBe(1);
    const deep = await page(`limit=100&cursor=${deepCursor}`);
    expect(deep.pairs).toHaveLength(100);
    expect(deep.nextCursor).not.toBeNull();
    expect(deep.pairs.every((p) => p.scores.combined === null)).toBe(true);
    const half = await page('limit=100&minScore=0.5');
    // ranks 0 .. r hold combined >= 0.5 exactly where round(1 - r / n, 3) >= 0.5
    const expectedHalf = Array.from({ length: PAIRS }, (_, r) => r).filter((r) => r < PAIRS - UNSCORED && Math.round((1 - r / PAIRS) * 1000) / 1000 >= 0.5).length;
    expect(half.matched).toBe(expectedHalf);
    const mine = await page(`limit=1000&wallet=${wallet}`);
    expect(mine.matched).toBe(WALLETS - 1);
    expect(mine.pairs.every((p) => p.walletA === wallet || p.walletB === wallet)).toBe(true);
    expect(mine.nextCursor).toBeNull();

    const lines: string[] = [];
    for (const [name, query] of cases) {
      const { cold, median, sent } = await timed(query);
      expect(sent.length).toBeGreaterThan(0);
      const plans = await Promise.all(sent.map(planOf));
      for (const [i, plan] of plans.entries()) {
        expect({ name, statement: sent[i].text, scans: plan.nodes.filter((n) => /Seq Scan/.test(n)) }).toEqual({ name, statement: sent[i].text, scans: [] });
        // a page of at most 1,000 (plus one) reads about that many rows, a wallet's count at most its
        // 999 pairs per side, a binary search about 20: never a range of the whole ranking
        expect({ name, statement: sent[i].text, rowsRead: plan.rowsRead, few: plan.rowsRead <= MAX_ROWS_READ }).toEqual({ name, statement: sent[i].text, rowsRead: plan.rowsRead, few: true });
      }
      lines.push(`${name.padEnd(42)} cold ${cold.toFixed(1).padStart(7)} ms   median ${median.toFixed(1).padStart(7)} ms   SQL ${plans.map((p) => p.ms.toFixed(2)).join(' + ')} ms, rows read ${plans.map((p) => p.rowsRead).join(' + ')}   ${[...new Set(plans.flatMap((p) => p.nodes.filter((n) => / using /.test(n))))].join(', ')}`);
    }
    console.log(`pairs scale: GET /v1/analyses/{id}/pairs over ${PAIRS} rows (app.inject, API and PostgreSQL on this machine)\n${lines.join('\n')}`);
  });

  it('compares it with another analysis of the group (GET /v1/analyses/{id}/changes) reading its links and the listed pairs only; prints the latency', async () => {
    // another analysis of the same wallets: the same rows, ranked by another permutation (its combined again a function of its rank)
    const later = randomUUID();
    const { pool } = opened.stack;
    await insertAnalysis(pool, { id: later, workflowId: analysisWorkflowId(later), requestId: null, wallets: group, params: { window: null, sync: 'skip', failureThreshold: 0.8 } });
    await completeAnalysis(pool, later, { summary: { pairCount: PAIRS }, result: { engineVersion: '2.0.0', parameters: { clusterThreshold: LINK_THRESHOLD }, pairs: [], pairCount: PAIRS, pairsComplete: false, clusters: [] }, coverage: [], failedWallets: [], engineVersion: '2.0.0' });
    await pool.query(
      `INSERT INTO analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair)
       SELECT $1, q.r::integer, p.pair_index, p.wallet_a, p.wallet_b, round(1 - q.r / $3::numeric, 3)::double precision, p.pair
         FROM analysis_pairs p CROSS JOIN LATERAL (SELECT (p.pair_index::bigint * 104729) % $3 AS r) q
        WHERE p.analysis_id = $2`,
      [later, id, PAIRS],
    );
    await seedWalletRanks(pool, later);
    const links = (await pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM analysis_pairs WHERE analysis_id = ANY($1) AND combined >= $2', [[id, later], LINK_THRESHOLD])).rows[0].n;

    statements.length = 0;
    const t = process.hrtime.bigint();
    const res = await app.inject({ method: 'GET', url: `/v1/analyses/${later}/changes?since=${id}&limit=100` });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    expect(res.statusCode).toBe(200);
    const body = res.json() as { wallets: { compared: number }; links: { formed: Array<{ combined: number; before: number | null }>; formedCount: number; brokenCount: number } };
    expect(body.wallets.compared).toBe(WALLETS);
    expect(body.links.formed).toHaveLength(100);
    expect(body.links.formedCount).toBeGreaterThan(0);
    // each listed pair's score in the other analysis, read through its wallets' ranks: below the threshold there
    expect(body.links.formed.every((l) => l.combined >= LINK_THRESHOLD && l.before !== null && l.before < LINK_THRESHOLD)).toBe(true);
    const sent = [...statements];
    const plans = await Promise.all(sent.map(planOf));
    for (const [i, plan] of plans.entries()) {
      expect({ statement: sent[i].text, scans: plan.nodes.filter((n) => /Seq Scan on analysis_pairs/.test(n)) }).toEqual({ statement: sent[i].text, scans: [] });
      // both analyses' links, and one pair for each link listed: never the whole ranking
      expect({ statement: sent[i].text, rowsRead: plan.rowsRead, few: plan.rowsRead <= links + 2 * 200 + 100 }).toEqual({ statement: sent[i].text, rowsRead: plan.rowsRead, few: true });
    }
    console.log(
      `pairs scale: GET /v1/analyses/{id}/changes of two ${PAIRS}-pair analyses (${links} links in all): ${ms.toFixed(1)} ms, ${body.links.formedCount} formed, ${body.links.brokenCount} broken; SQL ${plans.map((p) => `${p.ms.toFixed(1)} ms (rows read ${p.rowsRead})`).join(' + ')}`,
    );

    // the worst a request can ask: a low threshold (most pairs links) and the most links listed; and
    // PostgreSQL stopping the comparison at its statement timeout (57014), which the route answers 503
    await pool.query(`UPDATE analyses SET result = jsonb_set(result, '{parameters,clusterThreshold}', '0.3') WHERE id = ANY($1)`, [[id, later]]);
    try {
      const t0 = process.hrtime.bigint();
      const worst = await app.inject({ method: 'GET', url: `/v1/analyses/${later}/changes?since=${id}&limit=1000` });
      const worstMs = Number(process.hrtime.bigint() - t0) / 1e6;
      expect(worst.statusCode).toBe(200);
      const wide = worst.json() as { links: { formed: unknown[]; formedCount: number; brokenCount: number } };
      expect(wide.links.formed).toHaveLength(1000);
      console.log(`pairs scale: the same at a threshold of 0.3 (about 70 % of the pairs links), limit=1000: ${worstMs.toFixed(1)} ms, ${wide.links.formedCount} formed, ${wide.links.brokenCount} broken`);
      const ranks = { now: await rankCountAtLeast(pool, later, 0.3, PAIRS), then: await rankCountAtLeast(pool, id, 0.3, PAIRS) };
      await expect(linkChanges(pool, { analysisId: later, linkRanks: ranks.now }, { analysisId: id, linkRanks: ranks.then }, group, 100, 1)).rejects.toMatchObject({ code: '57014' });
    } finally {
      await pool.query(`UPDATE analyses SET result = jsonb_set(result, '{parameters,clusterThreshold}', $2::jsonb) WHERE id = ANY($1)`, [[id, later], JSON.stringify(LINK_THRESHOLD)]);
    }
  });
});
