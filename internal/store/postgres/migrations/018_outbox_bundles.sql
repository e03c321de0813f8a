-- A batch's messages are one row (issue 14: signing with the outbox on
-- within 5% of signing without it).
--
-- Until now every message a signature sends was a row of outbox of its
-- own, written by the signing statement: a heap tuple repeating the
-- address, organisation and campaign, two index entries, and nine arrays
-- to unpack per batch. That cost a signature about 14% of the CPU and
-- 550 bytes of WAL. Now the signing statement writes ONE row per batch
-- here: the batch's messages packed by placard into one value (which
-- PostgreSQL compresses, and moves out of line when it is large), and
-- the places in the batch of the signatures actually inserted, because
-- only their messages are ever sent (a duplicate's never are).
--
-- A bundle is taken apart into ordinary outbox rows, every message under
-- its own id (the idempotency key of every attempt), by the delivery
-- worker's claim (which waits while signing is busy) and by everything
-- that reads or removes messages: list, retry, drop, and every erasure
-- before it deletes — so they all reach a bundled message as they reach
-- any other, and an erasure's VACUUM FULL rewrites this table too.
CREATE TABLE outbox_bundles (
	seq        bigserial PRIMARY KEY,
	created_at timestamptz NOT NULL,
	inserted   bigint[] NOT NULL,
	messages   bytea NOT NULL
);
-- As for signatures and outbox: ANALYZE must not copy sample values into
-- pg_statistic, where no erasure reaches.
ALTER TABLE outbox_bundles
	ALTER COLUMN inserted SET STATISTICS 0,
	ALTER COLUMN messages SET STATISTICS 0;
-- lz4 compresses a bundle in about half the time pglz takes, to the same
-- size, and the signing statement compresses one per batch. A server
-- built without lz4 (or older than PostgreSQL 14) keeps pglz.
DO $$
BEGIN
	EXECUTE 'ALTER TABLE outbox_bundles ALTER COLUMN messages SET COMPRESSION lz4';
EXCEPTION WHEN OTHERS THEN
	NULL;
END $$;
