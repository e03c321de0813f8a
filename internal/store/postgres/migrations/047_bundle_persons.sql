-- A bundle names the people its messages are about, for an exact,
-- indexed look-up.
--
-- Earlier (outbox.go) asks, before each webhook or Action Network
-- attempt, whether a message made before it about the same person is
-- still inside a bundle another instance is taking apart. Until now it
-- answered by searching every bundle's packed bytes for the address: a
-- sequential scan of the table, decompressing each bundle, per attempt —
-- slow with a backlog — and inexact, as an address found inside a longer
-- one (da@example.org inside ada@example.org) held a stranger's message
-- back. Now the signing statement also records, per bundle, a hash of
-- the address of each signature inserted (hashtextextended, the stable
-- hash PostgreSQL partitions by), and a GIN index finds the bundles
-- naming one. A hash that two addresses share only ever holds a message
-- back a little longer; it never lets one pass.
--
-- Bundles without it (written before this migration, or by an older
-- placard during a rolling upgrade, or requeued from quarantine) are
-- still searched by their bytes, through the partial index below, which
-- is empty once they are gone.
ALTER TABLE outbox_bundles ADD COLUMN persons bigint[];
-- As for the other columns: no samples in pg_statistic.
ALTER TABLE outbox_bundles ALTER COLUMN persons SET STATISTICS 0;
CREATE INDEX outbox_bundles_persons ON outbox_bundles USING gin (persons);
CREATE INDEX outbox_bundles_unmarked ON outbox_bundles (created_at) WHERE persons IS NULL;
