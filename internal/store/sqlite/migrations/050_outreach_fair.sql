-- A decision-maker's queue shared fairly (store.TargetMail, dripfair).
--
-- outreach_drip_domains counts the letters waiting in each target's queue
-- per sender's email domain and slot hour, the domain only as a keyed hash
-- (store.DomainHash): once a queue is half full, no one domain may take
-- more than half of what waits (store.DomainOverShare), so one person
-- with a catch-all domain cannot fill a day. A row goes once its hour has
-- passed (its letters have left the queue): the next letter to the target
-- deletes it.
CREATE TABLE outreach_drip_domains (
	org TEXT NOT NULL,
	campaign TEXT NOT NULL,
	target TEXT NOT NULL,
	domain BLOB NOT NULL,
	hour INTEGER NOT NULL,
	n INTEGER NOT NULL,
	PRIMARY KEY (org, campaign, target, domain, hour)
) WITHOUT ROWID;

-- outreach_held remembers, for store.HeldFor, which inboxes (keyed hash,
-- store.InboxHash) were turned away from which target, so a supporter
-- pressing Send again counts as one letter held back, not many. Rows
-- older than that go at the next letter queued or held anywhere; erasing
-- the address deletes its rows at once.
CREATE TABLE outreach_held (
	org TEXT NOT NULL,
	campaign TEXT NOT NULL,
	target TEXT NOT NULL,
	sender BLOB NOT NULL,
	hour INTEGER NOT NULL,
	PRIMARY KEY (org, campaign, target, sender)
) WITHOUT ROWID;
CREATE INDEX outreach_held_sender ON outreach_held (sender);
CREATE INDEX outreach_held_hour ON outreach_held (hour);
