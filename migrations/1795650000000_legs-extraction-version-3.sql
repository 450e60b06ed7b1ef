-- Up Migration

-- LEG_EXTRACTION_VERSION 3 (src/store/swap-legs.ts): rent another party moved for the wallet's token
-- accounts (a gasless swap's relayer creating its account, or taking its WSOL account's rent on
-- closing it) is no longer counted in the wallet's SOL side of a swap. Wallets stored before this
-- keep their version (2 or 1) and have their legs extracted again before their next analysis; new
-- wallets start at the current version.
ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 3;

-- Down Migration

ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 2;
