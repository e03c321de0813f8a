-- Signer safety (PostgreSQL's 004 rewrites referrals and sources so no row
-- keeps a signature's transaction id or signing order). SQLite keeps no
-- transaction id on a row, and both tables are WITHOUT ROWID, stored in key
-- order; a transaction's pages stay together only in the write-ahead log,
-- which checkpoints overwrite. Nothing to rewrite: this version keeps the
-- two engines' numbering alike.
SELECT 1;
