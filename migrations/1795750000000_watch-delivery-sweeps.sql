-- Up Migration

-- When the sweep of deliveries (sweepWatchDeliveriesWorkflow) last started or joined a run's
-- delivery that had not begun (null: never). A delivery whose first attempt waits in a backlog on
-- the queue has not begun either: each sweep would join it again, and fifty of them would fill every
-- sweep's batch, so that a run whose delivery was never started waited behind them. The sweep now
-- takes those it has not swept first and leaves one it swept within the hour.
ALTER TABLE watch_runs ADD COLUMN notify_swept_at timestamptz;

-- Down Migration

ALTER TABLE watch_runs DROP COLUMN notify_swept_at;
