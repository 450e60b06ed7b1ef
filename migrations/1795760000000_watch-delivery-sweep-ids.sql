-- Up Migration

-- Which sweep of deliveries last took a run (its workflow run and activity: `notify_swept_at` says
-- when). A sweep's step retried after it had marked its runs (its worker lost before it reported)
-- found them taken within the hour and left them, so their deliveries began an hour late; the retry
-- now takes the runs its own earlier attempt marked, as that attempt would have returned them.
ALTER TABLE watch_runs ADD COLUMN notify_swept_by text;

-- Down Migration

ALTER TABLE watch_runs DROP COLUMN notify_swept_by;
