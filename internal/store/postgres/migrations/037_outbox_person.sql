-- placard: no transaction
-- One person's CRM events are delivered in the order they happened
-- (store.OutboxOrder.Earlier): before each webhook or Action Network
-- attempt, the deliverer asks whether an earlier message to the same
-- receiver about the same address is still pending. Without an index it
-- read every pending message (a sequential scan: ids compare in the "C"
-- collation, which the primary key does not use), and a receiver that was
-- down during a burst leaves tens of thousands of them, each asking before
-- each attempt: delivering a backlog of n cost n² rows. This index holds
-- only webhook and Action Network rows (not the emails, the bulk of the
-- outbox), keyed by address and receiver, so Earlier reads the person's
-- own messages and the erasure notices to that receiver, filed under no
-- address. The signing statement writes no row of outbox (its messages go
-- in one bundle, migration 018): the index is written when a claim takes
-- a bundle apart, and on the messages queued outside signing. An erasure's
-- VACUUM FULL of outbox rebuilds it. Built CONCURRENTLY, as 027's, so an
-- upgrade does not stop the claims and the confirmations that write the
-- outbox while it reads the table.
CREATE INDEX CONCURRENTLY IF NOT EXISTS outbox_person ON outbox (email, target)
	WHERE kind IN ('webhook', 'osdi');
