-- Up Migration

-- LEG_EXTRACTION_VERSION 6 (src/store/swap-legs.ts): one quote amount paid or got for several tokens
-- in one transaction (a bot's "sell all", several tokens bought together) is split between them as
-- the swap event's hops show each token's part, not in equal parts (a token worth 10 SOL and one
-- worth 0.01 SOL sold together each got 5 SOL); equal parts remain when a token's hop is missing. A
-- token sold and another bought in one transaction while SOL or a stablecoin moved too (a bot rotating
-- between them) is two trades valued at their hops when the wallet's hops trade each for a quote asset
-- and account for its own net change; it was skipped as liquidity. The backfill also adds stablecoin
-- legs not stored, values those stored unvalued when it has a price, and gives those stored with
-- another amount their new amount at their own day's rate.
-- Wallets extracted before run the legs backfill again before their next analysis; new wallets start
-- at the current version.
ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 6;

-- Down Migration

ALTER TABLE wallets ALTER COLUMN legs_extracted_version SET DEFAULT 5;
