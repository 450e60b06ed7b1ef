-- Up Migration

-- Watched groups: a group (or a token's largest holders) analysed again on a Temporal Schedule
-- (`watch:<id>`, src/temporal/schedules.ts), each run an ordinary analysis of the watch's key,
-- compared with the watch's last completed run (GET /v1/watches/{id}).
--
-- `request` is the analysis request as POST /v1/analyses validated it (wallets sorted, defaults
-- filled in); `fairness_key` the key's, so that each run shares the queues as its key's analyses do.
CREATE TABLE watches (
  id                text PRIMARY KEY,
  owner_key_id      text,
  request           jsonb NOT NULL,
  every_minutes     integer NOT NULL CHECK (every_minutes > 0),
  fairness_key      text,
  temporal_namespace text NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX watches_owner_created ON watches (owner_key_id, created_at DESC);

-- One row per scheduled run: `run_key` is the run's workflow id (the schedule's action id and its
-- time), so that a retried step finds the analysis it inserted. `since_analysis_id` and `changes`
-- (counts: the whole comparison is GET /v1/analyses/{analysis}/changes?since={since}) are set once
-- the run's analysis ended, against the watch's last run completed before it; `ended_at` then too,
-- and `comparison`: compared, first (no run completed before it), not-completed (its analysis
-- failed or was cancelled), engines-not-comparable (an engine before 2.0.0) or timeout.
CREATE TABLE watch_runs (
  watch_id          text NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
  run_key           text NOT NULL,
  analysis_id       text NOT NULL REFERENCES analyses (id),
  since_analysis_id text REFERENCES analyses (id),
  changes           jsonb,
  comparison        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  ended_at          timestamptz,
  PRIMARY KEY (watch_id, run_key)
);
CREATE INDEX watch_runs_watch_created ON watch_runs (watch_id, created_at DESC);

-- Down Migration

DROP TABLE watch_runs;
DROP TABLE watches;
