-- Up Migration

-- LEG_EXTRACTION_VERSION 5 (src/store/swap-legs.ts): a swap event's quote gives way to the wallet's
-- own net quote when the two agree within 5 % (a bot's or front end's fee paid beside the swap, or
-- kept from a sale's proceeds, is part of the price); a sale whose swap paid the proceeds to another
-- wallet is valued at the event's amount (it was a sale for nothing); a stablecoin trade with SOL
-- beside it, and a token-to-token route split between SOL and a stablecoin, are valued by both parts
-- (at the SOL, or the WSOL part, alone before); a leg's fee includes the tips the wallet paid
-- landing services (a cost of its trades, in feesSol, where before they were in no figure). Wallets extracted before run the
-- legs backfill again before their next analysis; new wallets start at the current version.
ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 5;

-- Down Migration

ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 4;
