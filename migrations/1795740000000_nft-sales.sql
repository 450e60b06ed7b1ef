-- Up Migration

-- An NFT sold through a marketplace between two wallets (transfer extraction 7, engine 2.20.0): a
-- row of asset 'NFT_SALE' whose counterparty is the other party, whose direction is the NFT's and
-- whose amount is its price in SOL; `nft` is the mint of the NFT sold (null on every other row).
-- Wallets extracted under version 6 are extracted again from their stored transactions before their
-- next analysis (wallets.transfers_extracted_version), so no backfill runs here. Adding a nullable
-- column without a default rewrites nothing.
ALTER TABLE wallet_transfers ADD COLUMN nft text;
ALTER TABLE wallet_transfers ADD CONSTRAINT wallet_transfers_nft_sale CHECK ((asset = 'NFT_SALE') = (nft IS NOT NULL)) NOT VALID;

-- A counterparty's degree (counterparty_wallets: the wallets it transferred with) leaves its NFT sales
-- out: an NFT sold to strangers on a market is no sign of a service that funds them, and a wallet
-- that sold NFTs to many (an operator dumping what it wash-traded on real buyers) would weigh less in
-- every other link it has. No row of that asset exists before this migration, so no pair is
-- recounted.
CREATE OR REPLACE FUNCTION counterparty_wallets_from_new_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO counterparty_wallets (counterparty, wallet)
  SELECT DISTINCT counterparty, wallet FROM new_transfers WHERE asset <> 'NFT_SALE' ORDER BY counterparty, wallet
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION counterparty_wallets_from_deleted_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM counterparty_wallets p
   USING (SELECT DISTINCT counterparty, wallet FROM old_transfers WHERE asset <> 'NFT_SALE') o
   WHERE p.counterparty = o.counterparty AND p.wallet = o.wallet
     AND NOT EXISTS (SELECT 1 FROM wallet_transfers t WHERE t.counterparty = o.counterparty AND t.wallet = o.wallet AND t.asset <> 'NFT_SALE');
  RETURN NULL;
END
$$;

-- Down Migration

CREATE OR REPLACE FUNCTION counterparty_wallets_from_deleted_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM counterparty_wallets p
   USING (SELECT DISTINCT counterparty, wallet FROM old_transfers) o
   WHERE p.counterparty = o.counterparty AND p.wallet = o.wallet
     AND NOT EXISTS (SELECT 1 FROM wallet_transfers t WHERE t.counterparty = o.counterparty AND t.wallet = o.wallet);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION counterparty_wallets_from_new_transfers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO counterparty_wallets (counterparty, wallet)
  SELECT DISTINCT counterparty, wallet FROM new_transfers ORDER BY counterparty, wallet
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

DELETE FROM wallet_transfers WHERE asset = 'NFT_SALE';
ALTER TABLE wallet_transfers DROP CONSTRAINT wallet_transfers_nft_sale;
ALTER TABLE wallet_transfers DROP COLUMN nft;
