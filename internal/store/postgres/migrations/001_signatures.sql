-- Signatures: one row per person or organisation per campaign. Nothing here
-- is derived from an IP address.
CREATE TABLE signatures (
	-- An identity column never reuses an id after an erase, so a moderation
	-- command naming an old id cannot hit someone else's signature.
	id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	org          text NOT NULL,
	campaign     text NOT NULL,
	action       text NOT NULL,
	kind         text NOT NULL CHECK (kind IN ('individual', 'organisation')),
	status       text NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
	name         text NOT NULL,
	-- email is normalised by the caller; with org and campaign it is the key
	-- that turns a second signature into "already signed".
	email        text NOT NULL,
	postcode     text NOT NULL DEFAULT '',
	country      text NOT NULL DEFAULT '',
	phone        text NOT NULL DEFAULT '',
	comment      text NOT NULL DEFAULT '',
	organisation text NOT NULL DEFAULT '',
	role         text NOT NULL DEFAULT '',
	public       boolean NOT NULL,
	consent_text text NOT NULL,
	-- timestamptz keeps microseconds; the SQLite engine keeps the same.
	consent_at   timestamptz NOT NULL,
	lang         text NOT NULL DEFAULT '',
	created_at   timestamptz NOT NULL,
	-- email first: the same index that makes a second signature a duplicate
	-- also finds one person's signatures on every campaign for Erase, so
	-- each insert updates one index keyed by a random email, not two.
	UNIQUE (email, org, campaign)
);

-- Exports and moderation lists read one campaign in id order.
CREATE INDEX signatures_campaign_id ON signatures (org, campaign, id);
-- Recent public signers: only the rows a page may show, newest first.
CREATE INDEX signatures_public ON signatures (org, campaign, id)
	WHERE public AND status = 'approved';

-- Tallies: one row per campaign that has ever had a signature, updated in
-- the same transaction as every insert, status change and erase, so Counts
-- reads a row per campaign instead of counting signatures.
CREATE TABLE tallies (
	org           text NOT NULL,
	campaign      text NOT NULL,
	signatures    bigint NOT NULL DEFAULT 0,
	organisations bigint NOT NULL DEFAULT 0,
	pending       bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign)
);

-- Settings: installation-wide values such as the form-token secret, shared
-- by every instance using this database.
CREATE TABLE settings (
	key   text PRIMARY KEY,
	value bytea NOT NULL
);
