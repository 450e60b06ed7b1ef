-- Up Migration

-- The version of the swap extraction (src/domain/swaps) a wallet's stored legs come from
-- (LEG_EXTRACTION_VERSION in src/store/swap-legs.ts): a wallet below it has its SOL-quoted legs
-- extracted again from its stored transactions before its next analysis (src/activities/legs-backfill.ts),
-- as transfers are (transfers_extracted_version). Every wallet stored before this migration has
-- version 1; a wallet stored after it starts with no legs, extracted by today's code: the default
-- is the current version (a migration that bumps LEG_EXTRACTION_VERSION sets it again).
ALTER TABLE wallets ADD COLUMN legs_extracted_version integer NOT NULL DEFAULT 1;
ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 2;

-- Down Migration

ALTER TABLE wallets DROP COLUMN legs_extracted_version;
