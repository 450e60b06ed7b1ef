-- Up Migration

-- A watch's signing secret replaced (POST /v1/watches/{id}/secret): the one before still signs each
-- delivery beside the new one until `notify_previous_secret_until`, so a receiver can move to the
-- new one without refusing a delivery meanwhile.
ALTER TABLE watches
  ADD COLUMN notify_previous_secret text,
  ADD COLUMN notify_previous_secret_until timestamptz,
  ADD CONSTRAINT watches_notify_previous_whole CHECK ((notify_previous_secret IS NULL) = (notify_previous_secret_until IS NULL));

-- The runs whose delivery is pending, by when they ended: what the sweep of deliveries
-- (sweepWatchDeliveriesWorkflow, every 10 minutes) reads, to start those left without a delivery
-- and to give up those a day old.
CREATE INDEX watch_runs_pending_delivery ON watch_runs (ended_at) WHERE notification = 'pending';

-- Down Migration

DROP INDEX watch_runs_pending_delivery;
ALTER TABLE watches DROP CONSTRAINT watches_notify_previous_whole, DROP COLUMN notify_previous_secret_until, DROP COLUMN notify_previous_secret;
