-- Up Migration

-- What the chain says of a counterparty's own activity: one page of its newest signatures
-- (getSignaturesForAddress, limit 1,000), summarised, read by the similarity step for the
-- counterparties two or more of a group's wallets share (src/store/counterparty-activity.ts).
-- A full page within a day is a busy service (an exchange's hot wallet, listed or not), a whole
-- history of a few hundred transactions is a wallet of one owner (docs/analytics.md, "Counterparty
-- activity"). A cache: rows older than the step's freshness are read again, and losing the table
-- loses nothing but requests.
CREATE TABLE counterparty_activity (
  address       text PRIMARY KEY,
  -- signatures the page listed, and the page's limit (fewer than the limit: the whole history)
  transactions  integer NOT NULL CHECK (transactions >= 0),
  page_limit    integer NOT NULL CHECK (page_limit > 0),
  -- block times of the oldest and newest signature listed (unix seconds), null when none had one
  oldest_time   bigint,
  newest_time   bigint,
  fetched_at    timestamptz NOT NULL DEFAULT now()
);

-- Down Migration

DROP TABLE counterparty_activity;
