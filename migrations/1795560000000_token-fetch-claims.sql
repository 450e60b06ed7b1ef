-- Up Migration

-- A claim on a token's DexScreener fetch: the tokenEnrichmentWorkflow run that plans to fetch a mint
-- sets fetch_claimed_by (its workflow id) and fetch_claimed_until (a lease); storing the mint's
-- answer or its failure clears both. Another run that needs the mint while the lease is live leaves
-- it to that run instead of fetching it again (src/store/tokens.ts, claimTokenFetches). Measured
-- before: after a 600-wallet analysis (53 DexScreener requests, at least 11 s of the budget), the
-- analyses of its wallets in the next 15 s each started an enrichment that fetched part of the same
-- mints again. Nullable columns without a default: no table rewrite. Rows of a run of an earlier
-- version carry no claim; a claim of a run whose worker died lapses with its lease.
ALTER TABLE tokens ADD COLUMN fetch_claimed_by text, ADD COLUMN fetch_claimed_until timestamptz;

-- Down Migration

ALTER TABLE tokens DROP COLUMN fetch_claimed_by, DROP COLUMN fetch_claimed_until;
