-- A message costs an append (issue 14: signing with the outbox on within
-- 5% of signing without it).
--
-- The outbox was a WITHOUT ROWID table keyed by a random id, with two
-- more indexes keyed by the address and by the campaign: every new
-- message landed on a page of its own in each, and a batch of 64
-- signatures with their thank-you emails wrote about 230 pages more than
-- without them. Now rows are stored in the order they come (an integer
-- key that only grows: SQLite appends to the last page), message ids sort
-- by the time they were made (signing.NewMessageID), so their index
-- grows at its end too, and the address and campaign indexes are gone.
-- Erase, the supporter's own erasure, an unsubscription and Purge read
-- the whole outbox instead, which is small: a delivered message leaves
-- it, so it holds only what is due, being retried or dead.
--
-- Every row is copied with its id, so a message queued before this
-- migration is still delivered under the same id (idempotency).
CREATE TABLE outbox_017 (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	kind       TEXT NOT NULL,
	target     TEXT NOT NULL DEFAULT '',
	email      TEXT NOT NULL DEFAULT '',
	org        TEXT NOT NULL DEFAULT '',
	campaign   TEXT NOT NULL DEFAULT '',
	payload    BLOB NOT NULL,
	status     TEXT NOT NULL DEFAULT 'pending',
	attempts   INTEGER NOT NULL DEFAULT 0,
	not_before TEXT NOT NULL,
	claimed_by TEXT NOT NULL DEFAULT '',
	last_error TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL
);
INSERT INTO outbox_017 (id, kind, target, email, org, campaign, payload, status, attempts,
	not_before, claimed_by, last_error, created_at)
SELECT id, kind, target, email, org, campaign, payload, status, attempts,
	not_before, claimed_by, last_error, created_at
FROM outbox ORDER BY created_at, id;
DROP TABLE outbox;
ALTER TABLE outbox_017 RENAME TO outbox;
-- Claim reads the due pending messages in due order.
CREATE INDEX outbox_due ON outbox (status, not_before);
