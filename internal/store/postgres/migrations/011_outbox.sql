-- The outbox: messages (emails, webhook calls) waiting to be delivered,
-- written in the same transaction as the signature that causes them.
-- A delivered message is deleted.
CREATE TABLE outbox (
	id         text PRIMARY KEY,
	kind       text NOT NULL,
	target     text NOT NULL DEFAULT '',
	email      text NOT NULL DEFAULT '',
	org        text NOT NULL DEFAULT '',
	campaign   text NOT NULL DEFAULT '',
	payload    bytea NOT NULL,
	status     text NOT NULL DEFAULT 'pending',
	attempts   integer NOT NULL DEFAULT 0,
	not_before timestamptz NOT NULL,
	claimed_by text NOT NULL DEFAULT '',
	last_error text NOT NULL DEFAULT '',
	created_at timestamptz NOT NULL
);
-- Claim reads the due pending messages in due order.
CREATE INDEX outbox_due ON outbox (status, not_before);
-- Erase finds an address's messages; Purge a campaign's.
CREATE INDEX outbox_email ON outbox (email) WHERE email <> '';
CREATE INDEX outbox_campaign ON outbox (org, campaign);
-- As for signatures (migrations 005 and 010): ANALYZE must not copy
-- sample addresses or payloads into pg_statistic, where no erasure
-- reaches.
ALTER TABLE outbox
	ALTER COLUMN email SET STATISTICS 0,
	ALTER COLUMN payload SET STATISTICS 0,
	ALTER COLUMN target SET STATISTICS 0,
	ALTER COLUMN last_error SET STATISTICS 0;
