-- placard: no transaction
-- A claim around busy lanes (store.OutboxLanes.ClaimAround) found the
-- due messages of the lanes it may take by reading the outbox's due
-- messages oldest first and passing over every one of a busy lane: with
-- a backlog of 100,000 in one full lane (one organisation's email, or a
-- slow webhook), every claim read them all. This index holds the pending
-- messages by lane (organisation, kind, target), each lane oldest due
-- first: the claim steps from lane to lane (one seek each, a busy lane's
-- backlog passed over at once) and reads at most as many of each lane's
-- due messages as it claims. Partial (status 'pending'): dead messages
-- and erasure notes are not in it. Built CONCURRENTLY, as 037's and
-- 043's: the build holds SHARE UPDATE EXCLUSIVE on outbox, which lets
-- every claim, insert and delivery's update go on while it reads the
-- table (it only keeps VACUUM and other schema changes waiting), and it
-- cannot run in a transaction (the migration runs alone; a build cut
-- short is dropped and started again: runAlone).
CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_lane_due ON outbox (org, kind, target, not_before)
	WHERE status = 'pending';
