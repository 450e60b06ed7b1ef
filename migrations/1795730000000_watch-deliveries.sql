-- Up Migration

-- A watch's signing secrets replaced (POST /v1/watches/{id}/secret) that still sign each delivery
-- beside its secret until their time is up, so a receiver can move to the new one without refusing
-- a delivery meanwhile: [{"secret": "whsec_…", "until": "<timestamptz>"}], newest first. The list
-- keeps every one still in its time (a second replacement does not drop the secret a receiver may
-- still hold), at most 5, and is emptied when the webhook's URL changes.
ALTER TABLE watches
  ADD COLUMN notify_previous_secrets jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(notify_previous_secrets) = 'array');

-- When a run's delivery made its first attempt (null: none yet). The sweep of deliveries
-- (sweepWatchDeliveriesWorkflow, every 10 minutes) starts the delivery of a run that has none two
-- minutes after it ended, and gives up one still pending a day and an hour after it began.
ALTER TABLE watch_runs ADD COLUMN notify_started_at timestamptz;

-- The runs whose delivery is pending, by when they ended: what the sweep reads.
CREATE INDEX watch_runs_pending_delivery ON watch_runs (ended_at) WHERE notification = 'pending';

-- Down Migration

DROP INDEX watch_runs_pending_delivery;
ALTER TABLE watch_runs DROP COLUMN notify_started_at;
ALTER TABLE watches DROP COLUMN notify_previous_secrets;
