-- The organisers' console (internal/accounts). No secret is stored: tokens
-- and sessions are keyed by the SHA-256 of the value handed out.

-- One row per person per organisation; a site admin has org ''.
CREATE TABLE organisers (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	org        text NOT NULL,
	email      text NOT NULL,
	role       text NOT NULL CHECK (role IN ('editor', 'viewer', 'site-admin')),
	created_at timestamptz NOT NULL,
	UNIQUE (org, email)
);
-- Erase finds an address in every organisation.
CREATE INDEX organisers_email ON organisers (email);

-- Invitations, emailed sign-in links and passkey ceremonies: single use
-- (deleted when taken) and expiring.
CREATE TABLE organiser_tokens (
	hash         bytea PRIMARY KEY,
	purpose      text NOT NULL,
	organiser_id bigint NOT NULL DEFAULT 0,
	data         bytea NOT NULL DEFAULT '',
	expires_at   timestamptz NOT NULL
);

CREATE TABLE organiser_sessions (
	hash         bytea PRIMARY KEY,
	organiser_id bigint NOT NULL,
	created_at   timestamptz NOT NULL,
	last_seen    timestamptz NOT NULL
);
CREATE INDEX organiser_sessions_organiser ON organiser_sessions (organiser_id);

-- Passkeys: data is the WebAuthn library's record (public key, counters).
CREATE TABLE organiser_credentials (
	id           bytea PRIMARY KEY,
	organiser_id bigint NOT NULL,
	data         bytea NOT NULL,
	created_at   timestamptz NOT NULL
);
CREATE INDEX organiser_credentials_organiser ON organiser_credentials (organiser_id);

-- What organisers did. detail never holds a supporter's address or name.
CREATE TABLE audit_log (
	id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	org    text NOT NULL,
	actor  text NOT NULL,
	action text NOT NULL,
	detail text NOT NULL,
	at     timestamptz NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org, id);
CREATE INDEX audit_log_actor ON audit_log (actor);

-- As for signatures (migration 010): ANALYZE must copy no address into
-- pg_statistic, where no erasure reaches.
ALTER TABLE organisers ALTER COLUMN email SET STATISTICS 0;
ALTER TABLE audit_log ALTER COLUMN actor SET STATISTICS 0, ALTER COLUMN detail SET STATISTICS 0;
