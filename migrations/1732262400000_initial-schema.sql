-- Up Migration

-- One row per wallet we have ever synced or been asked about.
-- A sync holds a lease (sync_lease_until); an expired lease means the syncing process died, so
-- a SYNCING state can never stick after a crash.
CREATE TABLE wallets (
  address              text PRIMARY KEY,
  sync_state           text NOT NULL DEFAULT 'never' CHECK (sync_state IN ('never', 'syncing', 'synced', 'failed')),
  sync_workflow_id     text,
  sync_lease_until     timestamptz,
  last_sync_started_at timestamptz,
  last_synced_at       timestamptz,
  last_sync_error      text,
  -- newest signature we have stored: the watermark for incremental syncs
  newest_signature     text,
  newest_slot          bigint,
  newest_timestamp     bigint,
  -- oldest signature we reached: where an interrupted deep sync resumes
  oldest_signature     text,
  oldest_timestamp     bigint,
  history_complete     boolean NOT NULL DEFAULT false,
  transaction_count    integer NOT NULL DEFAULT 0,
  failed_transaction_count integer NOT NULL DEFAULT 0,
  leg_count            integer NOT NULL DEFAULT 0,
  -- progress of the current (or last) sync, read by the analysis workflow's progress query
  sync_pages           integer NOT NULL DEFAULT 0,
  sync_transactions    integer NOT NULL DEFAULT 0,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Raw Enhanced transactions, once per signature; the wallets they belong to are in
-- wallet_transactions, so a transaction shared by two wallets is kept once and mapped for each.
CREATE TABLE transactions (
  signature   text PRIMARY KEY,
  slot        bigint NOT NULL,
  timestamp   bigint NOT NULL,
  type        text NOT NULL,
  source      text NOT NULL,
  failed      boolean NOT NULL,
  payload     jsonb NOT NULL,
  fetched_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE wallet_transactions (
  wallet     text NOT NULL REFERENCES wallets(address) ON DELETE CASCADE,
  signature  text NOT NULL REFERENCES transactions(signature) ON DELETE CASCADE,
  slot       bigint NOT NULL,
  timestamp  bigint NOT NULL,
  PRIMARY KEY (wallet, signature)
);
CREATE INDEX wallet_transactions_wallet_time ON wallet_transactions (wallet, timestamp DESC);

-- A wallet's swap and transfer legs, keyed by an idempotency key that includes the wallet.
CREATE TABLE swap_legs (
  leg_key             text PRIMARY KEY,
  wallet              text NOT NULL REFERENCES wallets(address) ON DELETE CASCADE,
  signature           text NOT NULL,
  slot                bigint NOT NULL,
  timestamp           bigint NOT NULL,
  mint                text NOT NULL,
  direction           text NOT NULL CHECK (direction IN ('buy', 'sell')),
  kind                text NOT NULL,
  amount              numeric NOT NULL,
  quote               text NOT NULL,
  quote_amount        numeric,
  sol_value           double precision NOT NULL,
  sol_value_estimated boolean NOT NULL DEFAULT false,
  fee_lamports        bigint NOT NULL DEFAULT 0,
  source              text NOT NULL,
  type                text NOT NULL,
  leg                 jsonb NOT NULL
);
CREATE INDEX swap_legs_wallet_time ON swap_legs (wallet, timestamp);
CREATE INDEX swap_legs_mint ON swap_legs (mint);

-- Current balances (claim-check for the balances activity; Redis holds the 30-second cache).
CREATE TABLE wallet_balances (
  wallet        text PRIMARY KEY,
  sol_lamports  text NOT NULL,
  tokens        jsonb NOT NULL,
  token_account_count integer NOT NULL,
  fetched_at    timestamptz NOT NULL
);

-- Per-wallet analytics computed after each sync (claim-check: workflows pass the wallet address).
CREATE TABLE wallet_analytics (
  wallet          text PRIMARY KEY REFERENCES wallets(address) ON DELETE CASCADE,
  pnl             jsonb NOT NULL,
  behavior        jsonb NOT NULL,
  coverage        jsonb NOT NULL,
  engine_version  text NOT NULL,
  computed_at     timestamptz NOT NULL DEFAULT now()
);

-- One row per similarity analysis request.
CREATE TABLE analyses (
  id                     text PRIMARY KEY,
  workflow_id            text NOT NULL UNIQUE,
  request_id             text,
  idempotency_key        text UNIQUE,
  wallets                text[] NOT NULL,
  params                 jsonb NOT NULL,
  status                 text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'completed', 'failed', 'cancelled')),
  summary                jsonb,
  result                 jsonb,
  coverage               jsonb,
  failed_wallets         jsonb,
  engine_version         text,
  error                  text,
  enrichment_workflow_id text,
  enrichment_status      text NOT NULL DEFAULT 'not_started' CHECK (enrichment_status IN ('not_started', 'running', 'completed', 'failed')),
  enrichment_completed_at timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  completed_at           timestamptz
);
CREATE INDEX analyses_wallets ON analyses USING gin (wallets);
CREATE INDEX analyses_created ON analyses (created_at DESC);

-- Token registry filled by enrichment (DexScreener metadata and prices).
CREATE TABLE tokens (
  mint                 text PRIMARY KEY,
  status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'resolved', 'unknown', 'failed')),
  symbol               text,
  name                 text,
  image_url            text,
  price_usd            double precision,
  liquidity_usd        double precision,
  pair_address         text,
  dex_id               text,
  metadata             jsonb,
  metadata_fetched_at  timestamptz,
  price_fetched_at     timestamptz,
  -- negative cache: a token DexScreener does not know is asked again only after this time
  next_attempt_at      timestamptz,
  attempts             integer NOT NULL DEFAULT 0,
  last_error           text,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- A row per smoke run: proves a workflow's activity reached PostgreSQL.
CREATE TABLE smoke_runs (
  id           bigserial PRIMARY KEY,
  workflow_id  text NOT NULL,
  message      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE smoke_runs;
DROP TABLE tokens;
DROP TABLE analyses;
DROP TABLE wallet_analytics;
DROP TABLE wallet_balances;
DROP TABLE swap_legs;
DROP TABLE wallet_transactions;
DROP TABLE transactions;
DROP TABLE wallets;
