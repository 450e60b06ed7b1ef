-- Up Migration

-- Transactions a provider sent in a wallet's history that failed validation (a missing or
-- malformed field). They are kept out of `transactions` and the legs, and recorded here with the
-- reason so coverage can say how many were left out and why. One row per wallet and transaction
-- (`reject_key` is the signature, or "<cursor>#<index>" for one without a usable signature); a row
-- is removed when the same signature is later stored successfully.
CREATE TABLE rejected_transactions (
  wallet        text NOT NULL REFERENCES wallets(address) ON DELETE CASCADE,
  reject_key    text NOT NULL,
  signature     text,
  timestamp     bigint,
  field         text NOT NULL,
  reason        text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (wallet, reject_key)
);

-- Down Migration
DROP TABLE rejected_transactions;
