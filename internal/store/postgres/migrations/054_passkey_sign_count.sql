-- A passkey's signature counter in a column of its own (store.Accounts
-- UpdateCredential), so a sign-in stores its counter only if it is ahead
-- of the stored one: two sign-ins finishing in either order (two
-- instances, two tabs) can no longer move it back. Filled from the
-- stored record (go-webauthn's JSON, authenticator.signCount; absent
-- when 0). The record is read as text without parsing it (escape
-- encoding never fails), so a record that is not JSON counts as 0
-- rather than stopping the migration; only the authenticator's counter
-- is named signCount in it (byte fields are base64).
ALTER TABLE organiser_credentials ADD COLUMN sign_count bigint NOT NULL DEFAULT 0;
UPDATE organiser_credentials
	SET sign_count = substring(encode(data, 'escape') FROM '"signCount":([0-9]{1,10})[,}]')::bigint
	WHERE encode(data, 'escape') ~ '"signCount":[0-9]{1,10}[,}]';
