-- One inbox's pace shared by every instance (store.MailPace): the keyed
-- hash of the inbox (store.PaceHash, never the address) and when its
-- budget is whole again, in microseconds since 1970. Written by the
-- outbox's email deliverer just before it sends a paced email, never by
-- the signing transaction; rows whole again are purged, and an erasure
-- deletes the erased address's row.
CREATE TABLE mail_pace (
	inbox BLOB PRIMARY KEY,
	whole INTEGER NOT NULL
) WITHOUT ROWID;
