-- Up Migration

-- analysis_pairs loses its foreign key to analyses; a trigger keeps its ON DELETE CASCADE. The key
-- was checked once per row: a 1,000-wallet analysis copies 499,500 rows in the transaction that
-- completes it, and the checks were about a third of that COPY in PostgreSQL (measured on those rows:
-- 4.6 s with the key, 2.9 s without). Its other half, "no pairs of an analysis that does not exist",
-- is kept by the only code that writes these rows (src/store/analysis-pairs.ts, storeAnalysisPairs):
-- its transaction first locks the analysis's row FOR KEY SHARE (the lock a key check takes) and fails
-- when there is none, so the row cannot be deleted before that transaction ends, and a deletion after
-- it removes the pairs through this trigger. analysis_wallet_ranks (a thousand rows an analysis)
-- keeps its key.
ALTER TABLE analysis_pairs DROP CONSTRAINT analysis_pairs_analysis_id_fkey;

CREATE FUNCTION analysis_pairs_of_deleted_analyses() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM analysis_pairs p USING deleted d WHERE p.analysis_id = d.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER analyses_delete_pairs
  AFTER DELETE ON analyses
  REFERENCING OLD TABLE AS deleted
  FOR EACH STATEMENT EXECUTE FUNCTION analysis_pairs_of_deleted_analyses();

-- Down Migration
DROP TRIGGER analyses_delete_pairs ON analyses;
DROP FUNCTION analysis_pairs_of_deleted_analyses();
DELETE FROM analysis_pairs p WHERE NOT EXISTS (SELECT 1 FROM analyses a WHERE a.id = p.analysis_id);
ALTER TABLE analysis_pairs ADD CONSTRAINT analysis_pairs_analysis_id_fkey FOREIGN KEY (analysis_id) REFERENCES analyses(id) ON DELETE CASCADE;
