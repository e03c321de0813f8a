-- Campaigns whose file was removed while rows stood under their name
-- (store.Removals). Without this record a later campaign given the same
-- slug took over the old one's signatures: its counts and, worse, its
-- public signers list showed people who had signed a different letter.
--
-- name is where the rows stand now: the slug itself until a campaign of
-- that slug is loaded again, then a name no campaign file can have
-- (<slug>~removed-YYYYMMDD), to which the rows were moved in the same
-- transaction as kept_apart_at was set. retention_days (0: none) counts
-- from removed_at, for the retention purge. fingerprint is the SHA-256
-- (hex) of the campaign's title as last loaded ('' when unknown): a
-- campaign back with the same one is the same campaign returning, and its
-- record is dropped with its rows left in place. Only names, times and a
-- title's hash: no signer's detail is here.
CREATE TABLE removed_campaigns (
	org            text NOT NULL,
	name           text NOT NULL,
	campaign       text NOT NULL,
	removed_at     timestamptz NOT NULL,
	retention_days integer NOT NULL DEFAULT 0,
	kept_apart_at  timestamptz,
	fingerprint    text NOT NULL DEFAULT '',
	PRIMARY KEY (org, name)
);
CREATE INDEX removed_campaigns_campaign ON removed_campaigns (org, campaign);
