-- Up Migration

-- The watch run an analysis belongs to, found by the analysis: the API asks it of a run's analysis
-- whose workflow Temporal does not have yet (src/api/analysis-view.ts: the run starts it as its
-- child when the run's workflow task runs, which may wait for a worker), and PostgreSQL checks
-- watch_runs.analysis_id by it when an analysis is deleted (the foreign key).
CREATE INDEX watch_runs_by_analysis ON watch_runs (analysis_id);

-- Down Migration

DROP INDEX watch_runs_by_analysis;
