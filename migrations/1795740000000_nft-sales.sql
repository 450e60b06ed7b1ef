-- Up Migration

-- An NFT sold through a marketplace between two wallets (transfer extraction 7, engine 2.20.0): a
-- row of asset 'NFT_SALE' whose counterparty is the other party, whose direction is the NFT's and
-- whose amount is its price in SOL; `nft` is the mint of the NFT sold (null on every other row).
-- Wallets extracted under version 6 are extracted again from their stored transactions before their
-- next analysis (wallets.transfers_extracted_version), so no backfill runs here. Adding a nullable
-- column without a default rewrites nothing.
ALTER TABLE wallet_transfers ADD COLUMN nft text;
ALTER TABLE wallet_transfers ADD CONSTRAINT wallet_transfers_nft_sale CHECK ((asset = 'NFT_SALE') = (nft IS NOT NULL)) NOT VALID;

-- Down Migration

ALTER TABLE wallet_transfers DROP CONSTRAINT wallet_transfers_nft_sale;
ALTER TABLE wallet_transfers DROP COLUMN nft;
