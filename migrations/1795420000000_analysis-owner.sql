-- Up Migration

-- The API key that started an analysis, as its non-secret id (src/api/auth.ts apiKeyId: scrypt of
-- the key, 16 hex characters; never the key itself). NULL: started while API_KEYS was unset (or
-- before this column existed); with API_KEYS set, such rows are visible to admin keys only.
ALTER TABLE analyses ADD COLUMN owner_key_id text;

-- An Idempotency-Key is scoped to the key that sent it: another key's request with the same
-- Idempotency-Key is a different request. COALESCE keeps NULL owners (auth off) unique together.
ALTER TABLE analyses DROP CONSTRAINT analyses_idempotency_key_key;
CREATE UNIQUE INDEX analyses_owner_idempotency_key ON analyses (COALESCE(owner_key_id, ''), idempotency_key);

-- A key's own analyses, newest first (GET /v1/analyses).
CREATE INDEX analyses_owner_created ON analyses (owner_key_id, created_at DESC);

-- Down Migration
DROP INDEX analyses_owner_created;
DROP INDEX analyses_owner_idempotency_key;
ALTER TABLE analyses ADD CONSTRAINT analyses_idempotency_key_key UNIQUE (idempotency_key);
ALTER TABLE analyses DROP COLUMN owner_key_id;
