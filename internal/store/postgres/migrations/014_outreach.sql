-- Outreach: calls and emails to decision-makers, counted per hour. There is
-- no row per call and nothing about the supporter: a count per campaign,
-- action, target, kind (call, email), outcome and hour, so no row can be
-- lined up with a signature made at the same moment.
CREATE TABLE outreach (
	org      text NOT NULL,
	campaign text NOT NULL,
	action   text NOT NULL,
	target   text NOT NULL,
	kind     text NOT NULL,
	outcome  text NOT NULL,
	hour     timestamptz NOT NULL,
	n        bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign, action, target, kind, outcome, hour)
);

-- send: server. Who has written to which target, so nobody writes to one
-- target twice in a campaign: the address only as a keyed hash
-- (store.SenderHash), which Erase removes with the address's messages.
CREATE TABLE outreach_senders (
	org      text NOT NULL,
	campaign text NOT NULL,
	target   text NOT NULL,
	sender   bytea NOT NULL,
	PRIMARY KEY (org, campaign, target, sender)
);
CREATE INDEX outreach_senders_sender ON outreach_senders (sender);

-- The drip: each target's latest slot (the hour it starts and how many
-- messages it holds), so at most per_hour reach it an hour.
CREATE TABLE outreach_drip (
	org      text NOT NULL,
	campaign text NOT NULL,
	target   text NOT NULL,
	hour     timestamptz NOT NULL,
	n        integer NOT NULL,
	PRIMARY KEY (org, campaign, target)
);

-- ANALYZE would copy sampled hashes into pg_statistic, where no erasure
-- reaches (as migrations 005 and 010 do for signatures).
ALTER TABLE outreach_senders ALTER COLUMN sender SET STATISTICS 0;
