-- Up Migration

-- GET /v1/analyses?wallet= now reads analysis_wallets too (migrations/1795770000000), so nothing
-- reads the GIN index on analyses.wallets any more, while every stored analysis still paid for it.
-- Over 52,000 analyses (npm run bench:listing, after VACUUM ANALYZE): one wallet's 20 newest
-- analyses in 5 to 6 ms from analysis_wallets, against 44 to 52 ms through this index; the 52,000
-- stored in 49 to 50 s without it, against 56 to 58 s with it. An ad-hoc `wallets @> ARRAY[...]`
-- still works, by scanning the table: docs/api.md gives the query by analysis_wallets. So does an
-- API process of an earlier version during a rolling deploy: its ?wallet= lists stay right but scan
-- the table until it is replaced.
DROP INDEX analyses_wallets;

-- Down Migration

CREATE INDEX analyses_wallets ON analyses USING gin (wallets);
