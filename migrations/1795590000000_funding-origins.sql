-- Up Migration

-- Funding chains (docs/analytics.md, "Funding chains"): an operator that funds each of its wallets
-- through a fresh wallet of its own leaves no funder in common one hop up; two hops up, the fresh
-- wallets share it. The similarity step follows each group wallet's first funder upstream while the
-- address reached is a wallet of one owner (its whole history a short page of signatures).
--
-- counterparty_activity keeps the oldest signatures of a whole history (a page shorter than its
-- limit), where an address's first funding is; null when the page was full (its oldest is beyond it)
-- or when the row was read before this migration (read again when it is stale).
ALTER TABLE counterparty_activity ADD COLUMN oldest_signatures text[];

-- An address's first inbound SOL as its oldest transactions show it: who funded it, with what and
-- when. funder is null when those transactions hold no inbound SOL (a wallet first sent tokens, then
-- SOL much later): read, and nothing to follow. A cache like counterparty_activity: a wallet's first
-- funding never changes, so rows are kept until the table is emptied, and losing it loses requests.
CREATE TABLE funding_origins (
  address     text PRIMARY KEY,
  funder      text,
  signature   text,
  slot        bigint,
  block_time  bigint,
  lamports    bigint CHECK (lamports > 0),
  fetched_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((funder IS NULL) = (signature IS NULL) AND (funder IS NULL) = (lamports IS NULL) AND (funder IS NULL) = (block_time IS NULL))
);

-- Down Migration

DROP TABLE funding_origins;
ALTER TABLE counterparty_activity DROP COLUMN oldest_signatures;
