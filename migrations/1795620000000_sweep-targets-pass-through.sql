-- Up Migration

-- Exchange deposit addresses (docs/analytics.md, "Sweep chains", engine 2.7.0): an address that two
-- group wallets sent SOL to and that passes all of it on to an exchange is one exchange account's
-- deposit address. The similarity step reads such an address's newest transactions, as it does a
-- fresh one's, and keeps whether they show it passing on all of its SOL to the collector and trading
-- nothing: true or false; null for a row stored before this migration (read again by the next step).
ALTER TABLE sweep_targets ADD COLUMN pass_through boolean;

-- Down Migration

ALTER TABLE sweep_targets DROP COLUMN pass_through;
