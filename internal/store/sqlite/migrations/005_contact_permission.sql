-- Permission to be contacted later is a choice of its own, separate from
-- the consent to process the signature (consent_text, consent_at): the
-- exact sentence the signer ticked and when, or '' for both when the form
-- offered no such box or the signer left it unticked.
ALTER TABLE signatures ADD COLUMN contact_text TEXT NOT NULL DEFAULT '';
ALTER TABLE signatures ADD COLUMN contact_at TEXT NOT NULL DEFAULT '';
