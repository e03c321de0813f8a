-- The given and family names of a signer who typed them apart
-- (name_fields: split), so exports and CRMs get them without guessing
-- where one ends; '' for both on a one-field form. name still holds them
-- joined ("Given Family"), which lists and letters show.
ALTER TABLE signatures ADD COLUMN given_name text NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN family_name text NOT NULL DEFAULT '';

-- No statistics on what signers typed (as 010 for the other columns): a
-- sample in pg_statistic is out of an erasure's reach.
ALTER TABLE signatures
	ALTER COLUMN given_name SET STATISTICS 0,
	ALTER COLUMN family_name SET STATISTICS 0;
