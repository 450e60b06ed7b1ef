-- Up Migration

-- The fee a wallet paid for a failed transaction (`transactionError` set, the wallet its
-- `feePayer`): NULL for every other link. A failed transaction moves nothing but its fee, so its
-- legs and transfers are never read; its fee is still SOL the wallet spent, and a sniper that misses
-- often spends much of its trading cost so (fees of landed and failed attempts alike, with priority
-- fees). Wallet analytics sum it (`failedFeesSol`, `failedTransactions` in the PnL totals).
ALTER TABLE wallet_transactions ADD COLUMN failed_fee bigint;

-- Links stored before: read from their payloads, only for the failed transactions (a payload is
-- read whole only here; nothing else reads inside payloads in SQL). Rows of the two payload
-- columns (1795540000000) both.
UPDATE wallet_transactions wt
   SET failed_fee = (coalesce(t.payload_json, t.payload::json) ->> 'fee')::bigint
  FROM transactions t
 WHERE t.signature = wt.signature
   AND t.failed
   AND coalesce(t.payload_json, t.payload::json) ->> 'feePayer' = wt.wallet
   AND coalesce(t.payload_json, t.payload::json) ->> 'fee' ~ '^[0-9]{1,18}$';

-- Down Migration

ALTER TABLE wallet_transactions DROP COLUMN failed_fee;
