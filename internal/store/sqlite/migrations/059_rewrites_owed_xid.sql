-- The transaction that last owed each rewrite (rev31b): PostgreSQL's
-- VACUUM FULL keeps rows an older snapshot may still see, so there a
-- rewrite waits until no snapshot predates it. SQLite's TRUNCATE
-- checkpoint already fails while an older reader lasts (the rewrite
-- stays owed), so it records none; the column keeps both engines'
-- tables alike.
ALTER TABLE rewrites_owed ADD COLUMN xid INTEGER;
