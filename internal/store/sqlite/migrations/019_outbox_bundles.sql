-- A batch's messages are one row (issue 14: signing with the outbox on
-- within 5% of signing without it), as on PostgreSQL (its migration 018).
--
-- Until now every message a signature sends (its thank-you email, its
-- webhooks) was a row of outbox of its own, written in the signature's
-- transaction: about 200 bytes repeating the address, organisation and
-- campaign, and an entry in the index of ids, so a batch of 64
-- signatures with their emails wrote 17 pages more than without them.
-- Now the signing transaction writes ONE row per batch here: the
-- messages of the signatures actually inserted, packed by placard
-- (store/internal/bundle: a field equal to the previous message's is one
-- byte), each message with its own id.
--
-- A bundle is taken apart into ordinary outbox rows, every message under
-- its own id (the idempotency key of every attempt) and with the bundle's
-- created_at (its maximum age counts from its signature), by the delivery
-- worker's claim (which waits while signing is busy) and by everything
-- that reads or removes messages: list, retry, drop, and every erasure
-- before it deletes — so they all reach a bundled message as they reach
-- any other, and secure_delete zeroes the bundle's bytes, its overflow
-- pages included, when it is taken apart.
--
-- Messages already in outbox stay there and are delivered as before.
CREATE TABLE outbox_bundles (
	seq        INTEGER PRIMARY KEY,
	created_at TEXT NOT NULL,
	messages   BLOB NOT NULL
);
