-- Up Migration

-- The fees a wallet paid for its failed transactions (`transactionError` set, the wallet their
-- `feePayer`), as running totals beside its other counts: how many, and the lamports. A failed
-- transaction moves nothing but its fee, so its legs and transfers are never read; its fee is still
-- SOL the wallet spent, and a sniper that misses often spends a large part of its trading cost so.
-- Each history page adds its own (storeHistoryPage); wallet analytics read them (`failedFeesSol`,
-- `failedTransactions` in the PnL totals, engine 2.19.0).
--
-- Wallets stored before have `failed_fees_counted` false: their totals are counted once from their
-- stored payloads before their next analytics (countFailedFees), not here, where reading the
-- payloads of every stored failed transaction would hold the table's lock for as long as that takes.
-- New wallets start counted (their pages add their fees as they are stored). Every statement here
-- changes the catalog only (a constant default): no table is rewritten or scanned. During a rolling
-- deploy, a worker of an earlier version stores pages without adding their fees: a wallet counted
-- already leaves those out of its totals (they are not counted again).
ALTER TABLE wallets
  ADD COLUMN failed_fee_count integer NOT NULL DEFAULT 0,
  ADD COLUMN failed_fee_lamports bigint NOT NULL DEFAULT 0,
  ADD COLUMN failed_fees_counted boolean NOT NULL DEFAULT false;
ALTER TABLE wallets ALTER COLUMN failed_fees_counted SET DEFAULT true;

-- Down Migration

ALTER TABLE wallets DROP COLUMN failed_fee_count, DROP COLUMN failed_fee_lamports, DROP COLUMN failed_fees_counted;
