-- Up Migration

-- How many wallets of the whole database have stored history (the population the similarity step's
-- database-wide rarity is counted in), kept as one number instead of counted over every wallet row
-- at each analysis (src/store/wallet-population.ts). A wallet joins the population once, when its
-- first transaction is stored or its first sync finishes, and leaves it only if its row is deleted:
-- transaction_count only grows and last_synced_at is never cleared (src/store/wallets.ts), so
-- counting the joins and the deletions is exact.
CREATE TABLE wallet_population (
  only_row              boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  wallets_with_history  bigint NOT NULL
);

CREATE FUNCTION wallet_population_joined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE wallet_population SET wallets_with_history = wallets_with_history + 1;
  RETURN NULL;
END
$$;

CREATE FUNCTION wallet_population_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE wallet_population
     SET wallets_with_history = wallets_with_history - (SELECT count(*) FROM gone WHERE transaction_count > 0 OR last_synced_at IS NOT NULL);
  RETURN NULL;
END
$$;

-- CREATE TRIGGER locks wallets against writes until this migration commits: no join falls between
-- the triggers and the count below. Every statement that can make a wallet join changes one wallet,
-- so the joins' updates of the one row below cannot deadlock each other.
CREATE TRIGGER wallets_join_population AFTER UPDATE OF transaction_count, last_synced_at ON wallets
  FOR EACH ROW
  WHEN (OLD.transaction_count = 0 AND OLD.last_synced_at IS NULL AND (NEW.transaction_count > 0 OR NEW.last_synced_at IS NOT NULL))
  EXECUTE FUNCTION wallet_population_joined();
CREATE TRIGGER wallets_born_in_population AFTER INSERT ON wallets
  FOR EACH ROW
  WHEN (NEW.transaction_count > 0 OR NEW.last_synced_at IS NOT NULL)
  EXECUTE FUNCTION wallet_population_joined();

CREATE TRIGGER wallets_leave_population AFTER DELETE ON wallets
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION wallet_population_deleted();

INSERT INTO wallet_population (wallets_with_history)
SELECT count(*) FROM wallets WHERE transaction_count > 0 OR last_synced_at IS NOT NULL;

-- Down Migration
DROP TRIGGER wallets_leave_population ON wallets;
DROP TRIGGER wallets_born_in_population ON wallets;
DROP TRIGGER wallets_join_population ON wallets;
DROP FUNCTION wallet_population_deleted();
DROP FUNCTION wallet_population_joined();
DROP TABLE wallet_population;
