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
