-- Permission to be contacted later is a choice of its own, separate from
-- the consent to process the signature (consent_text, consent_at): the
-- exact sentence the signer ticked and when; '' and NULL when the form
-- offered no such box or the signer left it unticked.
ALTER TABLE signatures ADD COLUMN contact_text text NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN contact_at timestamptz;

-- ANALYZE (autovacuum runs it on its own) copies sample values of each
-- column into pg_statistic, a catalog an erasure cannot reach. Collect no
-- statistics on what signers typed; the planner needs none to use the
-- indexes. (Samples gathered before this migration stay until a superuser
-- deletes signatures' rows from pg_statistic; see docs/security.md.)
ALTER TABLE signatures
	ALTER COLUMN name SET STATISTICS 0,
	ALTER COLUMN email SET STATISTICS 0,
	ALTER COLUMN postcode SET STATISTICS 0,
	ALTER COLUMN phone SET STATISTICS 0,
	ALTER COLUMN comment SET STATISTICS 0,
	ALTER COLUMN organisation SET STATISTICS 0,
	ALTER COLUMN role SET STATISTICS 0;
