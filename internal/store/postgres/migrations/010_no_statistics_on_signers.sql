-- Migration 005 stopped ANALYZE from sampling what signers type into
-- pg_statistic, where no erasure reaches. The other columns a signer fills
-- in or that describe their signature are kept out too: their country,
-- their consent and contact-permission sentences, their page's language
-- and when they signed. Tallies never needed these statistics.
ALTER TABLE signatures
	ALTER COLUMN country SET STATISTICS 0,
	ALTER COLUMN consent_text SET STATISTICS 0,
	ALTER COLUMN consent_at SET STATISTICS 0,
	ALTER COLUMN contact_text SET STATISTICS 0,
	ALTER COLUMN contact_at SET STATISTICS 0,
	ALTER COLUMN lang SET STATISTICS 0,
	ALTER COLUMN created_at SET STATISTICS 0;
