-- Email to signers (issue 14 §2, §3).
--
-- 1. A signature may wait for its signer to confirm their address: status
-- 'unconfirmed', counted nowhere (tally.Of), listed nowhere (the public
-- and organisation indexes name 'approved'), and erased after the
-- campaign's unconfirmed_days. SQLite cannot change a CHECK constraint in
-- place, so the table is rebuilt with the same columns, rows, ids and
-- indexes. The AUTOINCREMENT counter is carried over from the old table,
-- so an id erased before the rebuild is still never reused.
CREATE TABLE signatures_012 (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	org          TEXT NOT NULL,
	campaign     TEXT NOT NULL,
	action       TEXT NOT NULL,
	kind         TEXT NOT NULL CHECK (kind IN ('individual', 'organisation')),
	status       TEXT NOT NULL CHECK (status IN ('approved', 'pending', 'rejected', 'unconfirmed')),
	name         TEXT NOT NULL,
	email        TEXT NOT NULL,
	postcode     TEXT NOT NULL DEFAULT '',
	country      TEXT NOT NULL DEFAULT '',
	phone        TEXT NOT NULL DEFAULT '',
	comment      TEXT NOT NULL DEFAULT '',
	organisation TEXT NOT NULL DEFAULT '',
	role         TEXT NOT NULL DEFAULT '',
	public       INTEGER NOT NULL CHECK (public IN (0, 1)),
	consent_text TEXT NOT NULL,
	consent_at   TEXT NOT NULL,
	lang         TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL,
	contact_text TEXT NOT NULL DEFAULT '',
	contact_at   TEXT NOT NULL DEFAULT '',
	UNIQUE (email, org, campaign)
) STRICT;
INSERT INTO signatures_012 (id, org, campaign, action, kind, status, name, email, postcode, country,
	phone, comment, organisation, role, public, consent_text, consent_at, lang, created_at, contact_text, contact_at)
SELECT id, org, campaign, action, kind, status, name, email, postcode, country,
	phone, comment, organisation, role, public, consent_text, consent_at, lang, created_at, contact_text, contact_at
FROM signatures;
DELETE FROM sqlite_sequence WHERE name = 'signatures_012';
INSERT INTO sqlite_sequence (name, seq) SELECT 'signatures_012', seq FROM sqlite_sequence WHERE name = 'signatures';
DROP TABLE signatures;
ALTER TABLE signatures_012 RENAME TO signatures;
CREATE INDEX signatures_campaign_id ON signatures (org, campaign, id);
CREATE INDEX signatures_public ON signatures (org, campaign, id)
	WHERE public = 1 AND status = 'approved';
CREATE INDEX signatures_approved_orgs ON signatures (org, campaign, id)
	WHERE kind = 'organisation' AND status = 'approved';
-- The daily erasure of signatures nobody confirmed reads only those.
CREATE INDEX signatures_unconfirmed ON signatures (created_at)
	WHERE status = 'unconfirmed';

-- 2. The suppression list: who asked an organisation for no more email.
-- An address is kept only as a keyed hash (store.AddressHash), which can
-- answer "did this address unsubscribe?" but not be read back; with the
-- time it was recorded. Erase removes an address's rows too.
CREATE TABLE mail_suppressions (
	org          TEXT NOT NULL,
	address_hash BLOB NOT NULL,
	created_at   TEXT NOT NULL,
	PRIMARY KEY (org, address_hash)
) STRICT, WITHOUT ROWID;
CREATE INDEX mail_suppressions_address ON mail_suppressions (address_hash);
