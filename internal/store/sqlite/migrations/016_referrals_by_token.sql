-- A personal link's private page finds its link by the public token (which
-- the private key names: attribution.TokenOf) and compares the stored hash
-- of the key in constant time, so the hash needs no index of its own. That
-- UNIQUE index put every new link at a random place of a second b-tree:
-- a batch of links wrote about twice the pages a batch of signatures does.
-- SQLite cannot drop a constraint, so the table is copied without it.
CREATE TABLE referrals_016 (
	token       TEXT PRIMARY KEY,
	org         TEXT NOT NULL,
	campaign    TEXT NOT NULL,
	-- SHA-256 of the private key shown once to the supporter; the key
	-- itself is never stored.
	secret_hash BLOB NOT NULL,
	signatures  INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO referrals_016 (token, org, campaign, secret_hash, signatures)
SELECT token, org, campaign, secret_hash, signatures FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_016 RENAME TO referrals;
CREATE INDEX referrals_top ON referrals (org, campaign, signatures) WHERE signatures > 0;
