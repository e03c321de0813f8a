-- When each passkey last signed in, for the organiser's passkeys page
-- (store.Passkeys). NULL until it is first used. The column is in the
-- passkey's own row, so removing the passkey or its organiser (and Erase)
-- removes it too.
ALTER TABLE organiser_credentials ADD COLUMN last_used_at timestamptz;
