-- Up Migration

-- Unix time down to which a wallet's stored history is contiguous and complete, when a sync
-- stopped there because of an analysis's history window (NULL: no windowed sync has finished, or
-- the history is complete, see history_complete). An analysis whose window starts at or after it
-- needs no further sync; one reaching further back does.
ALTER TABLE wallets ADD COLUMN covered_since bigint;

-- Down Migration
ALTER TABLE wallets DROP COLUMN covered_since;
