-- The rewrites an erasure owes the disk (store.Rewrites): every deletion
-- of what names a person records here, in its own transaction, the tables
-- whose files still hold the deleted rows' bytes until VACUUM FULL
-- rewrites them. The rewrite deletes its row once made; a failed one
-- (lock timeout, cancelled, server shutting down) stays, and placard
-- serve tries it again, later each time (next_at). seq tells a row owed
-- again since the rewrite began from the one it paid. Table names only.
CREATE TABLE rewrites_owed (
	tbl text PRIMARY KEY,
	seq bigint NOT NULL DEFAULT 1,
	since timestamptz NOT NULL DEFAULT now(),
	tries integer NOT NULL DEFAULT 0,
	next_at timestamptz NOT NULL DEFAULT now()
);
