-- Up Migration

-- Names code depends on are chosen here and exported by the store module of their table
-- (src/store/analyses.ts ANALYSES_OWNER_IDEMPOTENCY_KEY_UNIQUE): the API tells a second request
-- with the same Idempotency-Key from any other unique violation by this index's name. The suffix
-- says what it is, so it is not read as a column name.
ALTER INDEX analyses_owner_idempotency_key RENAME TO analyses_owner_idempotency_key_uniq;

-- Down Migration
ALTER INDEX analyses_owner_idempotency_key_uniq RENAME TO analyses_owner_idempotency_key;
