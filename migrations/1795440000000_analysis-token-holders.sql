-- Up Migration
-- A token request (POST /v1/analyses {token, top}) records how its group was chosen: the holders
-- scan (pages, counts by exclusion reason, the largest excluded owners). NULL for wallets requests.
ALTER TABLE analyses ADD COLUMN holders jsonb;

-- Down Migration
ALTER TABLE analyses DROP COLUMN holders;
