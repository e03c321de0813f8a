-- How each console session signed in (store.Sessions): 'passkey' with the
-- passkey's credential id, 'link' (an emailed link) or 'invitation'.
-- Sessions opened before this migration keep '' (not recorded), and
-- removing any of their organiser's passkeys ends them, since it may have
-- been the one. Nothing else about the browser is stored: no address, no
-- user agent.
ALTER TABLE organiser_sessions ADD COLUMN method text NOT NULL DEFAULT '';
ALTER TABLE organiser_sessions ADD COLUMN credential_id bytea NOT NULL DEFAULT '';
