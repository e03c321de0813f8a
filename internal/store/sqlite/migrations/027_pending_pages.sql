-- The console reads the moderation queue a page at a time, by id
-- (store.Paging): an organisation's whole queue oldest first, or one
-- campaign's. Pending signatures are few beside the approved ones, and a
-- page must cost its own rows, not a walk past every approved signature
-- signed since the oldest one waiting; these indexes hold only the
-- pending rows, so campaigns without moderation write nothing to them.
CREATE INDEX signatures_pending_org ON signatures (org, id)
	WHERE status = 'pending';
CREATE INDEX signatures_pending ON signatures (org, campaign, id)
	WHERE status = 'pending';
