-- Up Migration

-- Every pair of a completed analysis, one row each, so that a group of 1,000 wallets (499,500
-- pairs) never has to fit one jsonb value (255 MB) nor one API response: `analyses.result` keeps the
-- strongest pairs (the request's `topPairs`), and GET /v1/analyses/{id}/pairs pages through these.
--
-- `rank` is the pair's place in the analysis's ranking: `combined` descending (pairs without a
-- combined score last), ties by `pair_index` (the engine's order, i < j over the sorted group). It
-- is the paging key: a cursor is the last rank served, and a minimum score is a prefix of ranks.
-- `pair` is the pair exactly as the API serves it (json: stored as written, never queried inside).
CREATE TABLE analysis_pairs (
  analysis_id  text NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
  rank         integer NOT NULL,
  pair_index   integer NOT NULL,
  wallet_a     text NOT NULL,
  wallet_b     text NOT NULL,
  combined     double precision,
  pair         json NOT NULL,
  CONSTRAINT analysis_pairs_pkey PRIMARY KEY (analysis_id, rank)
);
-- "the pairs of this wallet, strongest first": one index per side of the pair
CREATE INDEX analysis_pairs_wallet_a_rank ON analysis_pairs (analysis_id, wallet_a, rank);
CREATE INDEX analysis_pairs_wallet_b_rank ON analysis_pairs (analysis_id, wallet_b, rank);

-- Results stored before this table kept every pair in `analyses.result->'pairs'`: copy them here so
-- one read path serves every analysis (the API trims such a result's `pairs` to its strongest).
INSERT INTO analysis_pairs (analysis_id, rank, pair_index, wallet_a, wallet_b, combined, pair)
SELECT a.id,
       (ROW_NUMBER() OVER (PARTITION BY a.id ORDER BY (e.p->'scores'->>'combined')::double precision DESC NULLS LAST, e.ord) - 1)::integer,
       (e.ord - 1)::integer,
       e.p->>'walletA',
       e.p->>'walletB',
       (e.p->'scores'->>'combined')::double precision,
       e.p::json
  FROM analyses a
 CROSS JOIN LATERAL jsonb_array_elements(a.result->'pairs') WITH ORDINALITY AS e(p, ord)
 WHERE a.status = 'completed' AND jsonb_typeof(a.result->'pairs') = 'array';

-- Down Migration
DROP TABLE analysis_pairs;
