-- The organisers' console (internal/accounts). No secret is stored: tokens
-- and sessions are keyed by the SHA-256 of the value handed out.

-- One row per person per organisation; a site admin has org ''.
CREATE TABLE organisers (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	org        TEXT NOT NULL,
	email      TEXT NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('editor', 'viewer', 'site-admin')),
	created_at TEXT NOT NULL,
	UNIQUE (org, email)
) STRICT;
-- Erase finds an address in every organisation.
CREATE INDEX organisers_email ON organisers (email);

-- Invitations, emailed sign-in links and passkey ceremonies: single use
-- (deleted when taken) and expiring.
CREATE TABLE organiser_tokens (
	hash         BLOB PRIMARY KEY,
	purpose      TEXT NOT NULL,
	organiser_id INTEGER NOT NULL DEFAULT 0,
	data         BLOB NOT NULL DEFAULT x'',
	expires_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE organiser_sessions (
	hash         BLOB PRIMARY KEY,
	organiser_id INTEGER NOT NULL,
	created_at   TEXT NOT NULL,
	last_seen    TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX organiser_sessions_organiser ON organiser_sessions (organiser_id);

-- Passkeys: data is the WebAuthn library's record (public key, counters).
CREATE TABLE organiser_credentials (
	id           BLOB PRIMARY KEY,
	organiser_id INTEGER NOT NULL,
	data         BLOB NOT NULL,
	created_at   TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX organiser_credentials_organiser ON organiser_credentials (organiser_id);

-- What organisers did. detail never holds a supporter's address or name.
CREATE TABLE audit_log (
	id     INTEGER PRIMARY KEY AUTOINCREMENT,
	org    TEXT NOT NULL,
	actor  TEXT NOT NULL,
	action TEXT NOT NULL,
	detail TEXT NOT NULL,
	at     TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_org ON audit_log (org, id);
CREATE INDEX audit_log_actor ON audit_log (actor);
