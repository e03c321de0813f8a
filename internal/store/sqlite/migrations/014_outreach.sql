-- Outreach: calls and emails to decision-makers, counted per hour. There is
-- no row per call and nothing about the supporter: a count per campaign,
-- action, target, kind (call, email), outcome and hour, so no row can be
-- lined up with a signature made at the same moment. WITHOUT ROWID keeps
-- the table in key order, not in the order calls came.
CREATE TABLE outreach (
	org      TEXT NOT NULL,
	campaign TEXT NOT NULL,
	action   TEXT NOT NULL,
	target   TEXT NOT NULL,
	kind     TEXT NOT NULL,
	outcome  TEXT NOT NULL,
	hour     INTEGER NOT NULL, -- Unix seconds of the hour (UTC)
	n        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign, action, target, kind, outcome, hour)
) WITHOUT ROWID;

-- send: server. Who has written to which target, so nobody writes to one
-- target twice in a campaign: the address only as a keyed hash
-- (store.SenderHash), which Erase removes with the address's messages.
CREATE TABLE outreach_senders (
	org      TEXT NOT NULL,
	campaign TEXT NOT NULL,
	target   TEXT NOT NULL,
	sender   BLOB NOT NULL,
	PRIMARY KEY (org, campaign, target, sender)
) WITHOUT ROWID;
CREATE INDEX outreach_senders_sender ON outreach_senders (sender);

-- The drip: each target's latest slot (the hour it starts, Unix seconds,
-- and how many messages it holds), so at most per_hour reach it an hour.
CREATE TABLE outreach_drip (
	org      TEXT NOT NULL,
	campaign TEXT NOT NULL,
	target   TEXT NOT NULL,
	hour     INTEGER NOT NULL,
	n        INTEGER NOT NULL,
	PRIMARY KEY (org, campaign, target)
) WITHOUT ROWID;
