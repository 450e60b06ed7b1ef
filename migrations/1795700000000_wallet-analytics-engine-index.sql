-- Up Migration

-- Stored wallet analytics by the engine that computed them: the background recompute
-- (recomputeOlderAnalyticsWorkflow) finds the stored engine versions with one probe of this index
-- per version, and lists the wallets of each version older than its worker's in address order, a
-- batch at a time, without reading the rows of the current one. One row per wallet: the build is
-- short.
CREATE INDEX wallet_analytics_engine_wallet ON wallet_analytics (engine_version, wallet);

-- Down Migration

DROP INDEX wallet_analytics_engine_wallet;
