-- Personal links are no longer stored ahead of need: a link's public token
-- is a keyed hash of its private key (the link secret, in settings), and
-- its row is made by the first batch of credits it brings, with the count.
-- Every stored link cost the signing path a row at a random place of the
-- table and its key, and most never brought anyone.
--
-- Rows are keyed by campaign and token: the private page and the credits
-- both know the campaign, and a made-up token credited on one campaign
-- makes no row elsewhere. secret_hash is now NULL for the rows credits
-- make; the links made before keep theirs, which their private page still
-- checks (attribution.LegacyToken). The table is copied in key order, so
-- its rows' physical order (ctid) still follows the keys, never the order
-- rows came (as migration 004 made it).
CREATE TABLE referrals_020 (
	org         text NOT NULL,
	campaign    text NOT NULL,
	token       text NOT NULL,
	-- SHA-256 of a legacy link's private key (the key itself was never
	-- stored); NULL for links keyed by the link secret.
	secret_hash bytea,
	signatures  bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign, token)
);
INSERT INTO referrals_020 (org, campaign, token, secret_hash, signatures)
SELECT org, campaign, token, secret_hash, signatures FROM referrals
ORDER BY org COLLATE "C", campaign COLLATE "C", token COLLATE "C";
DROP TABLE referrals;
ALTER TABLE referrals_020 RENAME TO referrals;
ALTER INDEX referrals_020_pkey RENAME TO referrals_pkey;
CREATE INDEX referrals_top ON referrals (org, campaign, signatures) WHERE signatures > 0;
