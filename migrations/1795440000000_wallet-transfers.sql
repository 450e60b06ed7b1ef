-- Up Migration

-- A wallet's plain SOL and token transfers (not part of a swap), as extractTransfers reads them from
-- its stored transactions: evidence of funding and common control (docs/analytics.md, "Detection v2
-- signals"). One row per wallet, signature and index of the transfer within that transaction's
-- extraction (stable: extractTransfers orders a transaction's transfers by counterparty, asset and
-- direction), so storing a page twice stores nothing twice.
CREATE TABLE wallet_transfers (
  wallet          text NOT NULL REFERENCES wallets(address) ON DELETE CASCADE,
  signature       text NOT NULL,
  transfer_index  integer NOT NULL,
  counterparty    text NOT NULL,
  direction       text NOT NULL CHECK (direction IN ('in', 'out')),
  -- 'SOL' for native SOL (and wrapped SOL between wallets), else the token mint
  asset           text NOT NULL,
  -- exact UI amount and integer base units, as decimal text (numeric keeps every digit)
  amount          numeric NOT NULL,
  raw_amount      numeric NOT NULL,
  decimals        integer NOT NULL,
  -- false when a token amount could only be read from the provider's UI float
  amount_exact    boolean NOT NULL,
  slot            bigint NOT NULL,
  timestamp       bigint NOT NULL,
  CONSTRAINT wallet_transfers_pkey PRIMARY KEY (wallet, signature, transfer_index)
);
-- "the transfers of these wallets" (in time order) and "how many distinct wallets each counterparty
-- transferred with" (an index-only GROUP BY over (counterparty, wallet))
CREATE INDEX wallet_transfers_wallet_time ON wallet_transfers (wallet, timestamp);
CREATE INDEX wallet_transfers_counterparty_wallet ON wallet_transfers (counterparty, wallet);

-- "how many distinct wallets ever traded each mint, and when was its first buy": index-only over swaps
CREATE INDEX swap_legs_swap_mint_wallet ON swap_legs (mint, wallet, direction, timestamp) WHERE kind = 'swap';

-- The version of the transfer extraction a wallet's stored transactions have been read with (0: never,
-- wallets synced before this table existed). The analysis extracts the transfers of a wallet below
-- the current version from its stored raw transactions before it loads them (a backfill).
ALTER TABLE wallets ADD COLUMN transfers_extracted_version integer NOT NULL DEFAULT 0;

-- Down Migration
ALTER TABLE wallets DROP COLUMN transfers_extracted_version;
DROP INDEX swap_legs_swap_mint_wallet;
DROP TABLE wallet_transfers;
