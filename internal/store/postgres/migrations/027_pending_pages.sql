-- placard: no transaction
-- The console reads the moderation queue a page at a time, by id
-- (store.Paging): an organisation's whole queue oldest first, or one
-- campaign's. Pending signatures are few beside the approved ones, and a
-- page must cost its own rows, not a walk past every approved signature
-- signed since the oldest one waiting; these indexes hold only the
-- pending rows, so campaigns without moderation write nothing to them.
--
-- Built CONCURRENTLY, outside any transaction (the mark above): a plain
-- CREATE INDEX locks signatures against every insert while it reads the
-- whole table, so upgrading a large installation stopped signing, on
-- every instance, for as long as the build took. A build a crash cut short
-- leaves an INVALID index of the same name; the runner drops it before
-- running the statement again (postgres.go, runAlone). Installations that
-- ran this migration's first text (a plain CREATE INDEX)
-- have it recorded in schema_migrations and never run it again: the
-- indexes are the same.
CREATE INDEX CONCURRENTLY IF NOT EXISTS signatures_pending_org ON signatures (org, id)
	WHERE status = 'pending';
CREATE INDEX CONCURRENTLY IF NOT EXISTS signatures_pending ON signatures (org, campaign, id)
	WHERE status = 'pending';
