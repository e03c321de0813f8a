-- Signatures: one row per person or organisation per campaign. Nothing here
-- is derived from an IP address.
CREATE TABLE signatures (
	-- AUTOINCREMENT: an id is never reused after an erase, so a moderation
	-- command naming an old id cannot hit someone else's signature.
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	org          TEXT NOT NULL,
	campaign     TEXT NOT NULL,
	action       TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('individual', 'organisation')),
	status       TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected')),
	name         TEXT NOT NULL,
	-- email is normalised by the caller; with org and campaign it is the key
	-- that turns a second signature into "already signed".
	email        TEXT NOT NULL,
	postcode     TEXT NOT NULL DEFAULT '',
	country      TEXT NOT NULL DEFAULT '',
	phone        TEXT NOT NULL DEFAULT '',
	comment      TEXT NOT NULL DEFAULT '',
	organisation TEXT NOT NULL DEFAULT '',
	role         TEXT NOT NULL DEFAULT '',
	public       INTEGER NOT NULL CHECK (public IN (0, 1)),
	consent_text TEXT NOT NULL,
	-- Times are UTC text, 2006-01-02T15:04:05.000000Z: fixed width so they
	-- sort as text, readable in the sqlite3 shell, microsecond precision like
	-- PostgreSQL's timestamptz so both engines keep the same value.
	consent_at   TEXT NOT NULL,
	lang         TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	-- email first: the same index that makes a second signature a duplicate
	-- also finds one person's signatures on every campaign for Erase, so
	-- each insert updates one index keyed by a random email, not two.
	UNIQUE (email, org, campaign)
) STRICT;

-- Exports and moderation lists read one campaign in id order.
CREATE INDEX signatures_campaign_id ON signatures (org, campaign, id);
-- Recent public signers: only the rows a page may show, newest first.
CREATE INDEX signatures_public ON signatures (org, campaign, id)
	WHERE public = 1 AND status = 'approved';

-- Tallies: one row per campaign that has ever had a signature, updated in
-- the same transaction as every insert, status change and erase, so Counts
-- reads a row per campaign instead of counting signatures.
CREATE TABLE tallies (
	org           TEXT NOT NULL,
	campaign      TEXT NOT NULL,
	signatures    INTEGER NOT NULL DEFAULT 0,
	organisations INTEGER NOT NULL DEFAULT 0,
	pending       INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (org, campaign)
) STRICT, WITHOUT ROWID;

-- Settings: installation-wide values such as the form-token secret.
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT, WITHOUT ROWID;
