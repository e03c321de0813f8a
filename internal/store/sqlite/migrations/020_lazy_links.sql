-- Personal links are no longer stored ahead of need: a link's public token
-- is a keyed hash of its private key (the link secret, in settings), and
-- its row is made by the first batch of credits it brings, with the count.
-- Every stored link cost the signing path a page of the write-ahead log
-- (a random token lands at a random leaf), and most never brought anyone.
--
-- Rows are keyed by campaign and token: the private page and the credits
-- both know the campaign, and a made-up token credited on one campaign
-- makes no row elsewhere. secret_hash is now NULL for the rows credits
-- make; the links made before keep theirs, which their private page still
-- checks (attribution.LegacyToken). SQLite cannot change a key or a
-- constraint, so the table is copied; WITHOUT ROWID keeps it in key order,
-- never in the order rows came.
CREATE TABLE referrals_020 (
	org         TEXT NOT NULL,
	campaign    TEXT NOT NULL,
	token       TEXT NOT NULL,
	-- SHA-256 of a legacy link's private key (the key itself was never
	-- stored); NULL for links keyed by the link secret.
	secret_hash BLOB,
	signatures  INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign, token)
) STRICT, WITHOUT ROWID;
INSERT INTO referrals_020 (org, campaign, token, secret_hash, signatures)
SELECT org, campaign, token, secret_hash, signatures FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_020 RENAME TO referrals;
CREATE INDEX referrals_top ON referrals (org, campaign, signatures) WHERE signatures > 0;
