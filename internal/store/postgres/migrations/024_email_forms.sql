-- Addresses in one form (signing.NormaliseEmail decodes IDNA since this
-- version: "a@xn--bcher-kva.example" is stored as "a@bücher.example").
-- SQL cannot decode IDNA, so this only asks for the rewrite: Open runs
-- RenormaliseEmails (emailforms.go) while this row is here, and the
-- rewrite deletes it in its own transaction, under the erasures' lock.
-- An older placard refuses a database that has this migration, so none
-- can store the old spellings again.
INSERT INTO settings (key, value) VALUES ('renormalise_emails', '\x31'::bytea)
	ON CONFLICT (key) DO NOTHING;
