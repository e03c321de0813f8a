-- Nonces of the thank-you claims already opened, so that a new signer's
-- private address is shown once across every instance (store.ClaimOnce).
-- A nonce is random and says nothing about anyone. UNLOGGED: no WAL is
-- written for it (cheap, and nothing of it reaches WAL archives or
-- replicas); a crash of the database server empties it, which at worst
-- shows a private address a second time within the claim's half hour.
-- Rows are deleted some time after expires.

CREATE UNLOGGED TABLE claimed (
	nonce   bytea PRIMARY KEY,
	expires timestamptz NOT NULL
);

CREATE INDEX claimed_expires ON claimed (expires);
