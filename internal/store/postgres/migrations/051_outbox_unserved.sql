-- Erasure notes (outbox kind 'erasure') of an organisation placard serve
-- does not serve cannot be turned into their CRM notices: they waited,
-- holding the erased person's address, without a time limit. serve now
-- records since when it has seen each organisation with notes unserved
-- (store.NoteExpiry.MarkUnserved) and deletes notes that have waited the
-- retention period both since they were made and since that moment. The
-- record is an organisation's slug and a time: no signer data.
CREATE TABLE outbox_unserved (
	org   text PRIMARY KEY,
	since timestamptz NOT NULL
);
