-- Up Migration

-- LEG_EXTRACTION_VERSION 4 (src/store/swap-legs.ts): the tips of every landing service that
-- publishes its tip accounts (Helius Sender, Nozomi, 0slot, ...; Jito's only before) are not part of
-- a swap's value; and the backfill now also stores the legs it finds anew whose value does not
-- depend on the day's SOL price (a token→token swap an older extraction read as liquidity, valued
-- through its SOL intermediate) and removes those it no longer finds. Wallets backfilled to 3 by the backfill before it run it
-- again before their next analysis; new wallets start at the current version.
ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 4;

-- Down Migration

ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 3;
