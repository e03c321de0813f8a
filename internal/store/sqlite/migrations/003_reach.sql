-- Reach: counts of where supporters came from and what personal share links
-- brought. Nothing here names or points at a signature: sources are counts
-- per campaign, and a personal link is a random token with the hash of its
-- private key and a count, so no row ties a signer to whoever referred them.

-- One row per campaign and share source ('' for signatures made from a
-- page reached without one): page views that arrived with the source, and
-- new signatures from such pages.
CREATE TABLE sources (
	org        TEXT NOT NULL,
	campaign   TEXT NOT NULL,
	source     TEXT NOT NULL,
	arrivals   INTEGER NOT NULL DEFAULT 0,
	signatures INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign, source)
) STRICT, WITHOUT ROWID;

-- Personal share links. WITHOUT ROWID keyed by the random token: rows are
-- kept in token order, not insertion order, so even the file's layout does
-- not line a link up with the signature made at the same moment. No time
-- is recorded for the same reason.
CREATE TABLE referrals (
	token       TEXT PRIMARY KEY,
	org         TEXT NOT NULL,
	campaign    TEXT NOT NULL,
	-- SHA-256 of the private key shown once to the supporter; the key
	-- itself is never stored.
	secret_hash BLOB NOT NULL UNIQUE,
	signatures  INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

-- The organisers' top links of a campaign.
CREATE INDEX referrals_campaign ON referrals (org, campaign, signatures);
