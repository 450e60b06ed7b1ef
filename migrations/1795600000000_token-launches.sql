-- Up Migration

-- A token's launch as the chain shows it: the slot and block time of the mint's oldest successful
-- transaction (its creation; the creator's buy and any bundle landed with it in the same block).
-- Read for the token of a holder analysis (src/activities/token-launch.ts), where the token's own
-- crowd of snipers hides a bundle from the co-buy rule; the similarity step of any analysis whose
-- wallets bought the token then calls two buys in that block a launch-block co-buy
-- (docs/analytics.md, "Bundles"). A launch never changes: rows are kept.
CREATE TABLE token_launches (
  mint        text PRIMARY KEY,
  signature   text NOT NULL,
  slot        bigint NOT NULL CHECK (slot > 0),
  block_time  bigint NOT NULL,
  fetched_at  timestamptz NOT NULL DEFAULT now()
);

-- A launch that could not be read (the provider failed or was slow, the page could not be trusted,
-- the mint has no transactions): the reason and when, so that the reads before a similarity step do
-- not ask again for a day (each would cost a request and its deadline, and such mints would take the
-- lookups of the ones behind them). A launch read later replaces the row.
CREATE TABLE token_launch_failures (
  mint        text PRIMARY KEY,
  reason      text NOT NULL,
  failed_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE token_launch_failures;
DROP TABLE token_launches;
