-- Up Migration
-- The API answers POST /v1/analyses from the row once it is stored, without waiting for Temporal to
-- accept the workflow when starts are already queued (src/api/analysis-starts.ts). `start_pending`
-- says the workflow may not exist yet: the API that took the request starts it, and any API
-- process's sweep starts the rows left pending (its process died, Temporal refused meanwhile).
-- `fairness_key` is the start's fairness key (the API key's id, or the client address), so that a
-- start from the sweep shares the queues exactly as the request's own would have.
ALTER TABLE analyses ADD COLUMN start_pending boolean NOT NULL DEFAULT false;
ALTER TABLE analyses ADD COLUMN fairness_key text;
CREATE INDEX analyses_start_pending_idx ON analyses (created_at) WHERE start_pending;

-- Down Migration
DROP INDEX analyses_start_pending_idx;
ALTER TABLE analyses DROP COLUMN fairness_key;
ALTER TABLE analyses DROP COLUMN start_pending;
