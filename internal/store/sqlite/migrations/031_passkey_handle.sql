-- The user handle a passkey was made with, when it is not its organiser's
-- id: two accounts of one organisation holding two spellings of one
-- address are merged by the address rewrite (emailforms.go), and the
-- passkeys of the account that goes move to the one that stays. The
-- authenticator keeps presenting the handle it was given (the id of the
-- account that went), so sign-in checks it against this. Empty for every
-- other passkey: the handle is the organiser's id, as before.
ALTER TABLE organiser_credentials ADD COLUMN user_handle BLOB NOT NULL DEFAULT x'';
