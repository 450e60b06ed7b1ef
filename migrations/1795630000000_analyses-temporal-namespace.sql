-- Up Migration

-- The Temporal namespace whose workflow runs an analysis (src/api/analysis-starts.ts): deployments
-- with namespaces of their own may share one database, and an API's sweep of rows left pending
-- starts only its own namespace's (it used to start every pending row, another namespace's in its
-- own), as its reconcile repairs only its own namespace's running rows (another namespace's workflow
-- is missing from its own). Null: a row stored before this migration, any namespace's, as before.
ALTER TABLE analyses ADD COLUMN temporal_namespace text;

-- Down Migration

ALTER TABLE analyses DROP COLUMN temporal_namespace;
