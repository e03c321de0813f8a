-- A passkey's signature counter in a column of its own (store.Accounts
-- UpdateCredential), so a sign-in stores its counter only if it is ahead
-- of the stored one: two sign-ins finishing in either order (two
-- instances, two tabs) can no longer move it back. Filled from the
-- stored record (go-webauthn's JSON, authenticator.signCount; absent
-- when 0); a record that is not JSON counts as 0.
ALTER TABLE organiser_credentials ADD COLUMN sign_count INTEGER NOT NULL DEFAULT 0;
UPDATE organiser_credentials SET sign_count = json_extract(CAST(data AS TEXT), '$.authenticator.signCount')
	WHERE CASE WHEN json_valid(CAST(data AS TEXT))
		THEN json_type(CAST(data AS TEXT), '$.authenticator.signCount') = 'integer' ELSE 0 END;
