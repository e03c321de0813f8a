-- The transaction that last owed each rewrite (store.Rewrites, rev31b).
-- VACUUM FULL copies into the new files every deleted row a snapshot may
-- still see: a session whose transaction began before the erasure
-- committed (an idle transaction, a report, a backup) keeps the erased
-- rows' bytes through the rewrite without holding any lock it waits for.
-- xid is the deleting transaction's (txid_current, 64-bit): a rewrite is
-- made only once no session, prepared transaction or replication slot
-- holds a snapshot that old, and stays owed meanwhile. NULL for the rows
-- owed before: rewritten as before.
ALTER TABLE rewrites_owed ADD COLUMN xid bigint;
