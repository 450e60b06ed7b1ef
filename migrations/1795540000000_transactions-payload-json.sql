-- Up Migration

-- Raw transactions are stored as `json` text (payload_json) instead of `jsonb` (payload). PostgreSQL
-- built a jsonb tree of every history page it stored (about 470 KB of JSON for 100 transactions),
-- and that parse was most of the page's cost in the database: measured on simulator pages, 20 to 34
-- ms of backend CPU per page with the payloads read as jsonb, 6 to 7 ms with them read as json (which
-- PostgreSQL only checks, then stores as text). Nothing reads inside a payload in SQL: the transfers'
-- backfill reads whole payloads back into the worker, which parses them itself.
--
-- A new column rather than ALTER ... TYPE json: changing the type rewrites the whole table under an
-- exclusive lock, which would hold every sync for as long as a large table takes. Rows stored before
-- keep their jsonb payload; readers take whichever of the two is set
-- (coalesce(payload_json, payload::json)). Every row has one: payload was NOT NULL until now, so
-- the check holds for older rows by construction and is added NOT VALID (no scan under the lock).
-- During a rolling deploy, a worker of an earlier version still writes payload, which the check and
-- the readers accept; its transfers' backfill reads payload only, so it would fail (and retry) on a
-- wallet that a newer worker stored pages of until it is replaced.
ALTER TABLE transactions ADD COLUMN payload_json json;
-- compressed as payload is: lz4 where the server has it (1795480000000), else its default
DO $$
BEGIN
  IF (SELECT attcompression FROM pg_attribute WHERE attrelid = 'transactions'::regclass AND attname = 'payload') = 'l' THEN
    ALTER TABLE transactions ALTER COLUMN payload_json SET COMPRESSION lz4;
  END IF;
END
$$;
ALTER TABLE transactions ALTER COLUMN payload DROP NOT NULL;
ALTER TABLE transactions ADD CONSTRAINT transactions_payload_stored CHECK (payload IS NOT NULL OR payload_json IS NOT NULL) NOT VALID;

-- Down Migration
UPDATE transactions SET payload = payload_json::jsonb WHERE payload IS NULL;
ALTER TABLE transactions DROP CONSTRAINT transactions_payload_stored;
ALTER TABLE transactions ALTER COLUMN payload SET NOT NULL;
ALTER TABLE transactions DROP COLUMN payload_json;
