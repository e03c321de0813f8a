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
