-- A damaged bundle is set aside instead of stopping the outbox.
--
-- Until now one bundle of outbox_bundles (migration 018) that could not
-- be read (damaged bytes, a list of signatures that does not match its
-- places, a bundle written by a newer placard) failed every statement
-- that takes bundles apart: every delivery claim, every listing and,
-- worst, every erasure and purge, so an erasure request could not be
-- carried out by anyone until an operator edited the database by hand.
-- Now such a bundle is moved here, as it was, and the rest of the
-- outbox goes on: a claim delivers the other bundles' messages, and
-- never retries this one.
--
-- Privacy wins over delivery: every erasure deletes, in its own
-- transaction, each bundle here whose bytes hold the erased address,
-- and a purge each one holding the purged campaign's name, since
-- nothing shows they hold nothing of it; its VACUUM FULL rewrites this
-- table too. The others stay until the operator retries or drops them
-- (docs/email.md: placard outbox retry|drop --quarantined).
CREATE TABLE outbox_quarantine (
	id             bigserial PRIMARY KEY,
	created_at     timestamptz NOT NULL,
	quarantined_at timestamptz NOT NULL,
	inserted       bigint[] NOT NULL,
	signatures     bigint[],
	messages       bytea NOT NULL
);
-- As for outbox_bundles: ANALYZE must not copy sample values into
-- pg_statistic, where no erasure reaches.
ALTER TABLE outbox_quarantine
	ALTER COLUMN inserted SET STATISTICS 0,
	ALTER COLUMN signatures SET STATISTICS 0,
	ALTER COLUMN messages SET STATISTICS 0;
