-- A damaged bundle is set aside instead of stopping the outbox.
--
-- Until now one bundle of outbox_bundles (migration 019) that could not
-- be read (damaged bytes, a truncated list of signatures, a bundle
-- written by a newer placard) failed every statement that takes bundles
-- apart: every delivery claim, every listing and, worst, every erasure
-- and purge, so an erasure request could not be carried out by anyone
-- until an operator edited the database by hand. Now such a bundle is
-- moved here, as it was, and the rest of the outbox goes on: a claim
-- delivers the other bundles' messages, and never retries this one.
--
-- Privacy wins over delivery: every erasure deletes, in its own
-- transaction, each bundle here whose bytes hold the erased address,
-- and a purge each one holding the purged campaign's name, since
-- nothing shows they hold nothing of it. secure_delete zeroes the bytes.
-- The others stay until the operator retries or drops them
-- (docs/email.md: placard outbox retry|drop --quarantined).
CREATE TABLE outbox_quarantine (
	id             INTEGER PRIMARY KEY,
	created_at     TEXT NOT NULL,
	quarantined_at TEXT NOT NULL,
	messages       BLOB NOT NULL,
	signatures     BLOB
);
