-- Up Migration

-- Sweep chains (docs/analytics.md, "Sweep chains", engine 2.6.0): an operator that wants its wallets
-- not to share a sweep destination sweeps each through a fresh address of its own (a deposit address)
-- that forwards the SOL to one collector. The similarity step reads each group wallet's largest SOL
-- destination and, when that address's whole history is short, where it forwarded the SOL.
--
-- counterparty_activity keeps the newest signatures of the page it read (newest first, as many as a
-- fresh address's whole history: 20), where an address's forwarding is; null when the row was read
-- before this migration (the step reads such an address again when it would follow it).
ALTER TABLE counterparty_activity ADD COLUMN newest_signatures text[];

-- Where a fresh address forwarded its SOL as its whole history shows it: the address that received
-- the most of its outbound SOL, with the first such transfer, and who first funded the address
-- (null when its history holds no inbound SOL): a deposit address of a wallet's own was first funded
-- by that wallet. collector is null when the history holds no outbound SOL. Unlike a first funding,
-- a forwarding can change as the address receives and forwards more, so a step reads a row again
-- once it is a day old (as the activity); the step's load uses the last one read, however old.
CREATE TABLE sweep_targets (
  address     text PRIMARY KEY,
  collector   text,
  signature   text,
  slot        bigint,
  block_time  bigint,
  lamports    bigint CHECK (lamports > 0),
  first_funder text,
  fetched_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((collector IS NULL) = (signature IS NULL) AND (collector IS NULL) = (lamports IS NULL) AND (collector IS NULL) = (block_time IS NULL) AND (collector IS NOT NULL OR first_funder IS NULL))
);

-- Down Migration

DROP TABLE sweep_targets;
ALTER TABLE counterparty_activity DROP COLUMN newest_signatures;
