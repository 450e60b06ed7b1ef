// Every pair of a completed analysis, one row each (analysis_pairs), ranked strongest first: the
// analysis's `result.pairs` keeps only its strongest `topPairs`, and GET /v1/analyses/{id}/pairs
// pages through these rows. The only module with SQL that writes to analysis_pairs.
import type { Pool } from 'pg';
import type { AnalysisStatus } from './analyses';

// ---- Reading: the pages of GET /v1/analyses/{id}/pairs ----------------------------------------
//
// Every read is driven by an index, so a page costs the same at rank 0 and at rank 499,000 of a
// 1,000-wallet analysis: the primary key (analysis_id, rank) for the ranking and for `minScore`
// (rank order is `combined` order, so a minimum score is a prefix of ranks, found by binary
// search), and (analysis_id, wallet_a|wallet_b, rank) for one wallet's pairs.

/** What a pairs page needs of its analysis, without reading its (large) result. */
export interface PairsSource {
  ownerKeyId: string | null;
  status: AnalysisStatus;
  /** the group, sorted */
  wallets: string[];
  /** rows stored for it: ranks 0 to pairCount - 1 */
  pairCount: number;
}

/** A stored pair and its place in the ranking. */
export interface RankedPair {
  rank: number;
  /** the pair as the engine wrote it (engine 1.x pairs lack the fields of detection v2) */
  pair: Record<string, unknown>;
}

/** The analysis a pairs page reads, with its pair count; null: no such analysis. */
export async function getPairsSource(pool: Pool, analysisId: string): Promise<PairsSource | null> {
  // max(rank) is one step down the primary key from its end (ranks are 0..n-1 without gaps)
  const { rows } = await pool.query<{ owner_key_id: string | null; status: AnalysisStatus; wallets: string[]; pair_count: number }>(
    `SELECT a.owner_key_id, a.status, a.wallets,
            (SELECT COALESCE(max(p.rank) + 1, 0) FROM analysis_pairs p WHERE p.analysis_id = a.id) AS pair_count
       FROM analyses a WHERE a.id = $1`,
    [analysisId],
  );
  const r = rows[0];
  return r ? { ownerKeyId: r.owner_key_id, status: r.status, wallets: r.wallets, pairCount: r.pair_count } : null;
}

/**
 * How many pairs have `combined` at least `minScore`: the ranks 0 to n - 1 that hold them. Combined
 * never rises along the ranking (pairs without one come last), so this is a binary search over the
 * primary key, run in one statement: about log2(pairCount) index probes (19 at 499,500 pairs).
 */
export async function rankCountAtLeast(pool: Pool, analysisId: string, minScore: number, pairCount: number): Promise<number> {
  // invariant: ranks below lo have combined >= minScore, ranks from hi on have not; OFFSET 0 keeps
  // the probe one subquery (inlined, each CASE would probe the index again)
  const { rows } = await pool.query<{ n: number }>(
    `WITH RECURSIVE search (lo, hi) AS (
       SELECT 0, $3::integer
       UNION ALL
       SELECT CASE WHEN probe.hit THEN probe.mid + 1 ELSE s.lo END,
              CASE WHEN probe.hit THEN s.hi ELSE probe.mid END
         FROM search s
         CROSS JOIN LATERAL (
           SELECT m.mid, COALESCE((SELECT p.combined >= $2::double precision FROM analysis_pairs p WHERE p.analysis_id = $1 AND p.rank = m.mid), false) AS hit
             FROM (SELECT (s.lo + s.hi) / 2 AS mid) m
           OFFSET 0
         ) probe
        WHERE s.lo < s.hi
     )
     SELECT lo AS n FROM search WHERE lo = hi`,
    [analysisId, minScore, pairCount],
  );
  return rows[0]?.n ?? 0;
}

/** How many pairs of `wallet` rank below `endRank` (index-only: at most group size - 1 entries per side). */
export async function countWalletPairs(pool: Pool, analysisId: string, wallet: string, endRank: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM analysis_pairs WHERE analysis_id = $1 AND wallet_a = $2 AND rank < $3)
           + (SELECT count(*) FROM analysis_pairs WHERE analysis_id = $1 AND wallet_b = $2 AND rank < $3))::integer AS n`,
    [analysisId, wallet, endRank],
  );
  return rows[0].n;
}

/**
 * Up to `limit` pairs with afterRank < rank < endRank, in rank order; with `wallet`, only its pairs
 * (each side's index walked in rank order, merged: a pair never has the same wallet on both sides).
 */
export async function rankedPairs(
  pool: Pool,
  q: { analysisId: string; afterRank: number; endRank: number; limit: number; wallet?: string },
): Promise<RankedPair[]> {
  const side = (column: 'wallet_a' | 'wallet_b') =>
    `(SELECT rank, pair FROM analysis_pairs WHERE analysis_id = $1 AND ${column} = $5 AND rank > $2 AND rank < $3 ORDER BY rank LIMIT $4)`;
  const { rows } =
    q.wallet === undefined
      ? // ranks have no gaps: the page is ranks afterRank + 1 to afterRank + limit, bounded so on both
        // sides that no plan reads more (a planner without statistics on fresh rows chose a bitmap
        // scan of the whole open range, 1.4 s at 499,500 rows)
        await pool.query<RankedPair>(`SELECT rank, pair FROM analysis_pairs WHERE analysis_id = $1 AND rank > $2 AND rank <= $2 + $4 AND rank < $3 ORDER BY rank LIMIT $4`, [
          q.analysisId,
          q.afterRank,
          q.endRank,
          q.limit,
        ])
      : await pool.query<RankedPair>(`SELECT rank, pair FROM (${side('wallet_a')} UNION ALL ${side('wallet_b')}) AS both_sides ORDER BY rank LIMIT $4`, [
          q.analysisId,
          q.afterRank,
          q.endRank,
          q.limit,
          q.wallet,
        ]);
  return rows;
}
