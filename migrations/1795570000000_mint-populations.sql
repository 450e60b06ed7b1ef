-- Up Migration

-- "How many wallets of the whole database ever swapped this mint, and when was its first buy" (the
-- similarity step's token rarity and first-buy times, src/store/mint-populations.ts) kept as one row
-- per mint instead of counted over mint_wallets at each analysis. Counted, the read visited one
-- index entry per wallet of each of the group's mints: the most expensive read of an analysis in a
-- profiled bench run (21.5-26.1 ms of PostgreSQL's time per analysis, 1.4 million buffer hits over
-- 1,604 analyses), and growing with every wallet synced that trades a popular mint.
--
-- Counted from mint_wallets' own rows, not from the legs: a (mint, wallet) row is unique, so a
-- second transaction inserting the same pair waits for the first and then finds it, and every pair
-- counts once whoever writes it (a counter moved by "legs this statement saw" would count a pair
-- twice when two transactions store its first legs at once, as the counterparty counters did,
-- 1795530000000_counterparty-wallets.sql). Legs are written only by the page store, one statement
-- per page and so one transaction per page (src/store/transactions.ts): the counters a page moves
-- are locked from its trigger to its commit, in mint order, and no transaction holds them while it
-- runs other statements.
CREATE TABLE mint_populations (
  mint          text PRIMARY KEY,
  -- wallets with a row in mint_wallets for this mint
  wallets       integer NOT NULL,
  -- the earliest first buy of those rows (unix seconds); null if every one only sold it
  first_buy_at  bigint
);

-- Nothing may insert legs or delete mint_wallets rows between the function below and the counts
-- filled at the end (a page store already past its insert has committed when this lock is granted,
-- and one waiting for it runs the new function once this migration commits).
LOCK TABLE swap_legs, mint_wallets IN SHARE ROW EXCLUSIVE MODE;

-- The function of the trigger swap_legs_mint_wallets (1795500000000_mint-wallets.sql), now moving the
-- counts too: a pair inserted adds its wallet to its mint; a first buy earlier than the mint's moves
-- the mint's. Counters are touched only when something changes, so that a wallet's later pages
-- (pairs it already has, later buys) do not lock its popular mints' rows.
CREATE OR REPLACE FUNCTION mint_wallets_from_new_legs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH per_wallet AS (
         SELECT mint, wallet, min(timestamp) FILTER (WHERE direction = 'buy') AS first_buy_at
           FROM new_legs
          WHERE kind = 'swap'
          GROUP BY mint, wallet),
       joined AS (
         INSERT INTO mint_wallets (mint, wallet, first_buy_at)
         SELECT mint, wallet, first_buy_at FROM per_wallet ORDER BY mint, wallet
         ON CONFLICT (mint, wallet) DO NOTHING
         RETURNING mint),
       per_mint AS (
         SELECT p.mint, coalesce(j.added, 0) AS added, p.first_buy_at
           FROM (SELECT mint, min(first_buy_at) AS first_buy_at FROM per_wallet GROUP BY mint) p
           LEFT JOIN (SELECT mint, count(*)::int AS added FROM joined GROUP BY mint) j USING (mint))
  INSERT INTO mint_populations AS c (mint, wallets, first_buy_at)
  SELECT m.mint, m.added, m.first_buy_at
    FROM per_mint m
    LEFT JOIN mint_populations k USING (mint)
   -- k as of this statement's snapshot: later writers only move its first buy earlier, so a buy
   -- not earlier than k's is not earlier than theirs either
   WHERE m.added > 0 OR (m.first_buy_at IS NOT NULL AND (k.first_buy_at IS NULL OR m.first_buy_at < k.first_buy_at))
   ORDER BY m.mint
  ON CONFLICT (mint) DO UPDATE SET wallets = c.wallets + EXCLUDED.wallets, first_buy_at = LEAST(c.first_buy_at, EXCLUDED.first_buy_at);

  -- pairs stored before this statement whose first buy these legs move earlier (a sync stores the
  -- newest page first); a statement of its own, so that it sees pairs another transaction committed
  -- while the insert above waited for them
  UPDATE mint_wallets m
     SET first_buy_at = p.first_buy_at
    FROM (SELECT mint, wallet, min(timestamp) AS first_buy_at
            FROM new_legs
           WHERE kind = 'swap' AND direction = 'buy'
           GROUP BY mint, wallet) p
   WHERE m.mint = p.mint AND m.wallet = p.wallet AND (m.first_buy_at IS NULL OR p.first_buy_at < m.first_buy_at);
  RETURN NULL;
END
$$;

-- A wallet deleted takes its mint_wallets rows (ON DELETE CASCADE) and so its place in its mints'
-- counts; a mint's first buy is found again among the rows left, and a mint left without wallets
-- loses its row. The counters are locked in mint order first, as the inserts lock them.
CREATE FUNCTION mint_populations_from_deleted_pairs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM mint_populations WHERE mint IN (SELECT mint FROM gone) ORDER BY mint FOR UPDATE;
  UPDATE mint_populations c
     SET wallets = c.wallets - g.removed,
         first_buy_at = (SELECT min(m.first_buy_at) FROM mint_wallets m WHERE m.mint = c.mint)
    FROM (SELECT mint, count(*)::int AS removed FROM gone GROUP BY mint) g
   WHERE c.mint = g.mint;
  DELETE FROM mint_populations WHERE mint IN (SELECT mint FROM gone) AND wallets <= 0;
  RETURN NULL;
END
$$;

CREATE TRIGGER mint_wallets_populations_deleted AFTER DELETE ON mint_wallets
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION mint_populations_from_deleted_pairs();

INSERT INTO mint_populations (mint, wallets, first_buy_at)
SELECT mint, count(*), min(first_buy_at) FROM mint_wallets GROUP BY mint;

-- Down Migration
DROP TRIGGER mint_wallets_populations_deleted ON mint_wallets;
DROP FUNCTION mint_populations_from_deleted_pairs();
-- the function as 1795500000000_mint-wallets.sql made it
CREATE OR REPLACE FUNCTION mint_wallets_from_new_legs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO mint_wallets (mint, wallet, first_buy_at)
  SELECT mint, wallet, min(timestamp) FILTER (WHERE direction = 'buy')
    FROM new_legs
   WHERE kind = 'swap'
   GROUP BY mint, wallet
  ON CONFLICT (mint, wallet) DO UPDATE SET first_buy_at = LEAST(mint_wallets.first_buy_at, EXCLUDED.first_buy_at)
   WHERE mint_wallets.first_buy_at IS DISTINCT FROM LEAST(mint_wallets.first_buy_at, EXCLUDED.first_buy_at);
  RETURN NULL;
END
$$;
DROP TABLE mint_populations;
