-- Up Migration

-- "How many wallets of the whole database ever swapped this mint, and when was its first buy" (the
-- similarity step's population rarity and first-buy times, src/store/mint-wallets.ts) read from one
-- row per (mint, wallet) instead of every swap leg of the group's mints. Over swap_legs the read grew
-- with the legs of those mints in the whole database: 58 to 146 ms for a 3-wallet group on a
-- database of 1,025 wallets and 202,368 legs (bench:e2e), most of PostgreSQL's time per analysis in
-- a burst, and more with every wallet synced. Here it is one index entry per wallet that swapped the
-- mint, read index-only.
CREATE TABLE mint_wallets (
  mint          text NOT NULL,
  -- a wallet deleted takes its legs (ON DELETE CASCADE on swap_legs) and its rows here with it
  wallet        text NOT NULL REFERENCES wallets(address) ON DELETE CASCADE,
  -- the wallet's first buy of the mint (unix seconds); null if it only ever sold it
  first_buy_at  bigint,
  CONSTRAINT mint_wallets_pkey PRIMARY KEY (mint, wallet) INCLUDE (first_buy_at)
);
-- "the mints these wallets swapped" (and a deleted wallet's rows)
CREATE INDEX mint_wallets_wallet ON mint_wallets (wallet);

-- Kept by the database itself, whoever inserts legs (this code, or a worker of the version before
-- this migration still running during a rolling deploy): a statement's new swap legs add their
-- (mint, wallet) rows and can only move a first buy earlier. Legs are never updated, and deleted only
-- with their wallet (src/store/swap-legs.ts), which the foreign key above follows: insertions are
-- all there is to follow here.
CREATE FUNCTION mint_wallets_from_new_legs() RETURNS trigger LANGUAGE plpgsql AS $$
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

-- CREATE TRIGGER locks swap_legs against inserts until this migration commits, so no leg falls
-- between the trigger and the rows filled below.
CREATE TRIGGER swap_legs_mint_wallets AFTER INSERT ON swap_legs
  REFERENCING NEW TABLE AS new_legs
  FOR EACH STATEMENT EXECUTE FUNCTION mint_wallets_from_new_legs();

INSERT INTO mint_wallets (mint, wallet, first_buy_at)
SELECT mint, wallet, min(timestamp) FILTER (WHERE direction = 'buy')
  FROM swap_legs
 WHERE kind = 'swap'
 GROUP BY mint, wallet;

-- its only reader was the count above
DROP INDEX swap_legs_swap_mint_wallet;

-- Down Migration
CREATE INDEX swap_legs_swap_mint_wallet ON swap_legs (mint, wallet, direction, timestamp) WHERE kind = 'swap';
DROP TRIGGER swap_legs_mint_wallets ON swap_legs;
DROP FUNCTION mint_wallets_from_new_legs();
DROP TABLE mint_wallets;
