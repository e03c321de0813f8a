-- Reach: counts of where supporters came from and what personal share links
-- brought. Nothing here names or points at a signature: sources are counts
-- per campaign, and a personal link is a random token with the hash of its
-- private key and a count, so no row ties a signer to whoever referred them.
-- No time is recorded on a link, so it cannot be lined up with the
-- signature made at the same moment.

CREATE TABLE sources (
	org        text NOT NULL,
	campaign   text NOT NULL,
	source     text NOT NULL,
	arrivals   bigint NOT NULL DEFAULT 0,
	signatures bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign, source)
);

CREATE TABLE referrals (
	token       text PRIMARY KEY,
	org         text NOT NULL,
	campaign    text NOT NULL,
	-- SHA-256 of the private key shown once to the supporter.
	secret_hash bytea NOT NULL UNIQUE,
	signatures  bigint NOT NULL DEFAULT 0
);

CREATE INDEX referrals_campaign ON referrals (org, campaign, signatures);
