-- Each letter waiting in a decision-maker's queue, by its sender's inbox
-- (store.TargetMail, letters2).
--
-- outreach_drip_domains counts waiting letters per email domain, but an
-- erasure could not tell which of those counts was the erased person's,
-- so their share stayed until its hour passed. outreach_waiting keeps,
-- while a letter waits, its sender's inbox (keyed hash, store.InboxHash),
-- the domain it was counted under (keyed hash, store.DomainHash) and its
-- slot hour: an erasure of the address deletes its rows and takes each
-- letter out of its domain's count. A row goes once its hour has passed,
-- with the domain counts of that hour (at the next letter, and by serve's
-- sweep); a purge of the campaign deletes its rows.
CREATE TABLE outreach_waiting (
	org TEXT NOT NULL,
	campaign TEXT NOT NULL,
	target TEXT NOT NULL,
	sender BLOB NOT NULL,
	domain BLOB NOT NULL,
	hour INTEGER NOT NULL,
	PRIMARY KEY (org, campaign, target, sender)
) WITHOUT ROWID;
CREATE INDEX outreach_waiting_sender ON outreach_waiting (sender);
CREATE INDEX outreach_waiting_hour ON outreach_waiting (hour);
