-- Up Migration

-- Wallets per counterparty (the funding signal's degree of a counterparty) from one row per
-- (counterparty, wallet) pair, counted when read, instead of a counter per counterparty
-- (1795520000000_counterparty-counts.sql). A counter was right only for one writer at a time: two
-- transactions storing the first transfers of the same pair (a wallet's backfill and a sync of it)
-- each saw only their own and both counted it, for good; and a transaction of several statements (a
-- backfill, one per page) held the counters of every page's counterparties until it committed, so
-- page stores sharing a popular counterparty could wait on each other in a cycle (a deadlock). A
-- pair's row is unique: a second transaction inserting it waits for the first and then finds it, so
-- every pair counts once whoever writes it; and rows of different wallets never conflict.
DROP TRIGGER wallet_transfers_count_deleted ON wallet_transfers;
DROP TRIGGER wallet_transfers_count_new ON wallet_transfers;
DROP FUNCTION counterparty_counts_from_deleted_transfers();
DROP FUNCTION counterparty_counts_from_new_transfers();
DROP FUNCTION counterparty_counts_add(jsonb);
DROP TABLE counterparty_counts;

CREATE TABLE counterparty_wallets (
  counterparty  text NOT NULL,
  wallet        text NOT NULL,
  PRIMARY KEY (counterparty, wallet)
);

-- Kept by the database itself from every statement that writes wallet_transfers (this code, or a
-- worker of an earlier version during a rolling deploy): new transfers add their pairs (in one
-- order), deleted ones (a wallet deleted, or its transfers extracted again) remove the pairs left
-- without any transfer.
CREATE FUNCTION counterparty_wallets_from_new_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO counterparty_wallets (counterparty, wallet)
  SELECT DISTINCT counterparty, wallet FROM new_transfers ORDER BY counterparty, wallet
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE FUNCTION counterparty_wallets_from_deleted_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM counterparty_wallets p
   USING (SELECT DISTINCT counterparty, wallet FROM old_transfers) o
   WHERE p.counterparty = o.counterparty AND p.wallet = o.wallet
     AND NOT EXISTS (SELECT 1 FROM wallet_transfers t WHERE t.counterparty = o.counterparty AND t.wallet = o.wallet);
  RETURN NULL;
END
$$;

-- CREATE TRIGGER locks wallet_transfers against writes until this migration commits, so no transfer
-- falls between the triggers and the pairs filled below.
CREATE TRIGGER wallet_transfers_pairs_new AFTER INSERT ON wallet_transfers
  REFERENCING NEW TABLE AS new_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION counterparty_wallets_from_new_transfers();
CREATE TRIGGER wallet_transfers_pairs_deleted AFTER DELETE ON wallet_transfers
  REFERENCING OLD TABLE AS old_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION counterparty_wallets_from_deleted_transfers();

INSERT INTO counterparty_wallets (counterparty, wallet)
SELECT DISTINCT counterparty, wallet FROM wallet_transfers;

-- Down Migration
DROP TRIGGER wallet_transfers_pairs_deleted ON wallet_transfers;
DROP TRIGGER wallet_transfers_pairs_new ON wallet_transfers;
DROP FUNCTION counterparty_wallets_from_deleted_transfers();
DROP FUNCTION counterparty_wallets_from_new_transfers();
DROP TABLE counterparty_wallets;
-- the counters of 1795520000000_counterparty-counts.sql, as it made them
-- "How many wallets of the whole database ever transferred with this counterparty" (the funding
-- signal's degree of a counterparty: an exchange's hot wallet that paid thousands of wallets says
-- nothing about two of them, src/domain/detection/funding.ts) kept as one number per counterparty
-- instead of counted over every transfer of the group's counterparties at each analysis. Over
-- wallet_transfers the read grew with the transfers of those counterparties in the whole database:
-- an exchange's whole fan-out for every group one of its customers is in.
CREATE TABLE counterparty_counts (
  counterparty  text PRIMARY KEY,
  -- no CHECK (wallets >= 0): PostgreSQL checks the row an upsert proposes before it finds the
  -- conflict, and a deletion's upsert proposes a negative change to a row that exists
  wallets       integer NOT NULL
);

-- Kept by the database itself, whoever writes transfers (this code, or a worker of the version before
-- this migration during a rolling deploy). A statement's new transfers count each (counterparty,
-- wallet) pair that had no transfer before; its deleted transfers (a wallet deleted, or its transfers
-- extracted again) uncount each pair left with none. Both add to the counters in one ordered upsert,
-- so that statements touching the same counterparties lock their rows in the same order and cannot
-- deadlock. A wallet's transfers are written by one sync at a time (its lease) or by its backfill
-- (its transfer lock), so the pairs counted here are those of committed transfers.
CREATE FUNCTION counterparty_counts_add(changes jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO counterparty_counts (counterparty, wallets)
  SELECT key, value::int FROM jsonb_each_text(changes) ORDER BY key
  ON CONFLICT (counterparty) DO UPDATE SET wallets = counterparty_counts.wallets + EXCLUDED.wallets;
$$;

CREATE FUNCTION counterparty_counts_from_new_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes jsonb;
BEGIN
  -- a pair is new when all its stored transfers are this statement's (at most added + 1 entries read)
  SELECT jsonb_object_agg(counterparty, pairs) INTO changes FROM (
    SELECT n.counterparty, count(*) AS pairs
      FROM (SELECT counterparty, wallet, count(*) AS added FROM new_transfers GROUP BY counterparty, wallet) n
     WHERE (SELECT count(*) FROM (SELECT 1 FROM wallet_transfers t WHERE t.counterparty = n.counterparty AND t.wallet = n.wallet LIMIT n.added + 1) s) = n.added
     GROUP BY n.counterparty
  ) c;
  IF changes IS NOT NULL THEN PERFORM counterparty_counts_add(changes); END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION counterparty_counts_from_deleted_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changes jsonb;
BEGIN
  SELECT jsonb_object_agg(counterparty, -pairs) INTO changes FROM (
    SELECT o.counterparty, count(*) AS pairs
      FROM (SELECT DISTINCT counterparty, wallet FROM old_transfers) o
     WHERE NOT EXISTS (SELECT 1 FROM wallet_transfers t WHERE t.counterparty = o.counterparty AND t.wallet = o.wallet)
     GROUP BY o.counterparty
  ) c;
  IF changes IS NOT NULL THEN PERFORM counterparty_counts_add(changes); END IF;
  RETURN NULL;
END
$$;

-- CREATE TRIGGER locks wallet_transfers against writes until this migration commits, so no transfer
-- falls between the triggers and the counts filled below.
CREATE TRIGGER wallet_transfers_count_new AFTER INSERT ON wallet_transfers
  REFERENCING NEW TABLE AS new_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION counterparty_counts_from_new_transfers();
CREATE TRIGGER wallet_transfers_count_deleted AFTER DELETE ON wallet_transfers
  REFERENCING OLD TABLE AS old_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION counterparty_counts_from_deleted_transfers();

INSERT INTO counterparty_counts (counterparty, wallets)
SELECT counterparty, count(DISTINCT wallet) FROM wallet_transfers GROUP BY counterparty;
