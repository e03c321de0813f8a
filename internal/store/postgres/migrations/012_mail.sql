-- Email to signers (issue 14 §2, §3).
--
-- 1. A signature may wait for its signer to confirm their address: status
-- 'unconfirmed', counted nowhere (tally.Of), listed nowhere (the public
-- and organisation indexes name 'approved'), and erased after the
-- campaign's unconfirmed_days.
ALTER TABLE signatures DROP CONSTRAINT signatures_status_check;
ALTER TABLE signatures ADD CONSTRAINT signatures_status_check
	CHECK (status IN ('approved', 'pending', 'rejected', 'unconfirmed'));
-- The daily erasure of signatures nobody confirmed reads only those.
CREATE INDEX signatures_unconfirmed ON signatures (created_at)
	WHERE status = 'unconfirmed';

-- 2. The suppression list: who asked an organisation for no more email.
-- An address is kept only as a keyed hash (store.AddressHash), which can
-- answer "did this address unsubscribe?" but not be read back; with the
-- time it was recorded. Erase removes an address's rows too (and rewrites
-- the table, as it does signatures).
CREATE TABLE mail_suppressions (
	org          text NOT NULL,
	address_hash bytea NOT NULL,
	created_at   timestamptz NOT NULL,
	PRIMARY KEY (org, address_hash)
);
CREATE INDEX mail_suppressions_address ON mail_suppressions (address_hash);
-- No statistics: ANALYZE would copy sample hashes into pg_statistic,
-- where no erasure reaches.
ALTER TABLE mail_suppressions
	ALTER COLUMN address_hash SET STATISTICS 0,
	ALTER COLUMN created_at SET STATISTICS 0;
