-- The outbox: messages (emails, webhook calls) waiting to be delivered,
-- written in the same transaction as the signature that causes them.
-- A delivered message is deleted. Times are stored like every other time
-- here (fixed-width UTC text), so text order is time order.
CREATE TABLE outbox (
	id         TEXT PRIMARY KEY,
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
) WITHOUT ROWID;
-- Claim reads the due pending messages in due order.
CREATE INDEX outbox_due ON outbox (status, not_before);
-- Erase finds an address's messages; Purge a campaign's.
CREATE INDEX outbox_email ON outbox (email) WHERE email <> '';
CREATE INDEX outbox_campaign ON outbox (org, campaign);
