-- The rewrites an erasure owes the disk (store.Rewrites): every deletion
-- of what names a person records here, in its own transaction, that the
-- write-ahead log still holds the deleted rows' bytes (tbl 'wal') until
-- a TRUNCATE checkpoint empties it. The checkpoint deletes the row once
-- made; a failed one (a reader it must wait for, cancelled) stays, and
-- placard serve tries it again, later each time (next_at). seq tells a
-- row owed again since the checkpoint began from the one it paid.
CREATE TABLE rewrites_owed (
	tbl TEXT PRIMARY KEY,
	seq INTEGER NOT NULL DEFAULT 1,
	since TEXT NOT NULL,
	tries INTEGER NOT NULL DEFAULT 0,
	next_at TEXT NOT NULL
) WITHOUT ROWID;
