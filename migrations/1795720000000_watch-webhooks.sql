-- Up Migration

-- A watch's webhook (POST /v1/watches {notify: {url, on}}): each run that ended with changes (or
-- every run, `on` = 'every-run') is POSTed to `notify_url`, signed with `notify_secret`
-- (src/webhooks.ts). The URL is shown by its origin only and the secret never after the watch's
-- creation: both may be credentials.
ALTER TABLE watches
  ADD COLUMN notify_url text,
  ADD COLUMN notify_on text CHECK (notify_on IN ('changes', 'every-run')),
  ADD COLUMN notify_secret text,
  ADD CONSTRAINT watches_notify_whole CHECK ((notify_url IS NULL) = (notify_on IS NULL) AND (notify_url IS NULL) = (notify_secret IS NULL));

-- A run's delivery: null when none was due (no webhook, or nothing changed and `on` is 'changes');
-- pending while it is tried (`notify_attempts` so far, `notify_error` the last one's), then delivered
-- (`notified_at`) or failed. Since the watch run workflow's patch `watch-run-2026-12-07`, a run's
-- `run_key` is its workflow's id and run id (two runs may share a workflow id: the schedule names
-- them by the second they began).
ALTER TABLE watch_runs
  ADD COLUMN notification text CHECK (notification IN ('pending', 'delivered', 'failed')),
  ADD COLUMN notify_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN notify_error text,
  ADD COLUMN notified_at timestamptz;

-- Down Migration

ALTER TABLE watch_runs DROP COLUMN notified_at, DROP COLUMN notify_error, DROP COLUMN notify_attempts, DROP COLUMN notification;
ALTER TABLE watches DROP CONSTRAINT watches_notify_whole, DROP COLUMN notify_secret, DROP COLUMN notify_on, DROP COLUMN notify_url;
