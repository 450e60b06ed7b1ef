-- Up Migration

-- The version of the swap extraction (src/domain/swaps) a wallet's stored legs come from
-- (LEG_EXTRACTION_VERSION in src/store/swap-legs.ts): a wallet below it has its SOL-quoted legs
-- extracted again from its stored transactions before its next analysis (src/activities/legs-backfill.ts),
-- as transfers are (transfers_extracted_version). Every wallet stored before this column has version 1.
ALTER TABLE wallets ADD COLUMN legs_extracted_version integer NOT NULL DEFAULT 1;

-- Down Migration

ALTER TABLE wallets DROP COLUMN legs_extracted_version;
