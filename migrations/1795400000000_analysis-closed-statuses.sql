-- Up Migration

-- An analysis whose workflow Temporal terminated or timed out (behind the service's back, e.g.
-- `temporal workflow terminate`) is recorded as such when the API reconciles it on read, with the
-- reason in `error`; before, such a row stayed 'running' for ever.
ALTER TABLE analyses DROP CONSTRAINT analyses_status_check;
ALTER TABLE analyses ADD CONSTRAINT analyses_status_check
  CHECK (status IN ('running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out'));

-- Down Migration
UPDATE analyses SET status = 'failed' WHERE status IN ('terminated', 'timed_out');
ALTER TABLE analyses DROP CONSTRAINT analyses_status_check;
ALTER TABLE analyses ADD CONSTRAINT analyses_status_check CHECK (status IN ('running', 'completed', 'failed', 'cancelled'));
