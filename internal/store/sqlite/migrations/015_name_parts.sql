-- The given and family names of a signer who typed them apart
-- (name_fields: split), so exports and CRMs get them without guessing
-- where one ends; '' for both on a one-field form. name still holds them
-- joined ("Given Family"), which lists and letters show.
ALTER TABLE signatures ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
