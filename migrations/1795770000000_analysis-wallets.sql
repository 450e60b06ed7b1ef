-- Up Migration

-- One row per analysis and wallet of its group, for GET /v1/analyses?wallets= and ?sharing= (the
-- analyses sharing most of a group): counted from an index on the wallet, the rows of the asked
-- wallets only. The array's own operators compare every wallet of a group with every wallet asked
-- (`wallets && $1` on a 1,000-wallet group and 1,000 asked is a million comparisons a row), and the
-- planner, which does not cost that, scans the table with them instead of the GIN index. Over 52,000
-- analyses (2,000 of 1,000 wallets; npm run bench:listing, after VACUUM ANALYZE): 31 s for a
-- 1,000-wallet group and 91 ms for 100 wallets, against 60 ms and 35 ms from these rows. Each stored
-- wallet costs a row when an analysis is stored (a statement of 100 three-wallet analyses, the API's
-- burst: 10 to 14 ms, against 6 ms before).
CREATE TABLE analysis_wallets (
  analysis_id  text NOT NULL REFERENCES analyses (id) ON DELETE CASCADE,
  wallet       text NOT NULL,
  PRIMARY KEY (analysis_id, wallet)
);

-- Kept by the database itself from every statement that writes analyses (this code, or an API of an
-- earlier version during a rolling deploy): a new analysis adds its group, a group set later (a
-- token analysis's holders, once resolved) replaces it; a deleted analysis takes its rows along.
CREATE FUNCTION analysis_wallets_from_new_analyses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO analysis_wallets (analysis_id, wallet)
  SELECT DISTINCT a.id, w FROM new_analyses a CROSS JOIN LATERAL unnest(a.wallets) w ORDER BY 1, 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE FUNCTION analysis_wallets_from_changed_group() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analysis_wallets WHERE analysis_id = NEW.id AND wallet <> ALL (NEW.wallets);
  INSERT INTO analysis_wallets (analysis_id, wallet)
  SELECT DISTINCT NEW.id, w FROM unnest(NEW.wallets) w ORDER BY 2
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

-- CREATE TRIGGER locks analyses against writes until this migration commits, so no analysis falls
-- between the triggers and the rows filled below: the API's starts and the analyses' ends wait for
-- the fill (about 20 microseconds a stored wallet: 2.6 million, 50 s on this machine); the index by
-- wallet is built after it, at once.
CREATE TRIGGER analyses_wallets_new AFTER INSERT ON analyses
  REFERENCING NEW TABLE AS new_analyses
  FOR EACH STATEMENT EXECUTE FUNCTION analysis_wallets_from_new_analyses();
CREATE TRIGGER analyses_wallets_changed AFTER UPDATE OF wallets ON analyses
  FOR EACH ROW WHEN (OLD.wallets IS DISTINCT FROM NEW.wallets) EXECUTE FUNCTION analysis_wallets_from_changed_group();

INSERT INTO analysis_wallets (analysis_id, wallet)
SELECT DISTINCT a.id, w FROM analyses a CROSS JOIN LATERAL unnest(a.wallets) w;
CREATE INDEX analysis_wallets_by_wallet ON analysis_wallets (wallet, analysis_id);

-- Down Migration

DROP TRIGGER analyses_wallets_changed ON analyses;
DROP TRIGGER analyses_wallets_new ON analyses;
DROP FUNCTION analysis_wallets_from_changed_group();
DROP FUNCTION analysis_wallets_from_new_analyses();
DROP TABLE analysis_wallets;
