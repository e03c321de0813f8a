-- Confirmations given up unsent (store.MailPace.NoteUnsent): the outbox's
-- email deliverer holds a signature's confirmation while its inbox has no
-- turn under the shared pace, until the signature's own deadline, and
-- then counts it here, per organisation and campaign, for the console's
-- dashboard and placard stats. Counts only: no address, no hash, no time.
CREATE TABLE mail_unsent (
	org TEXT NOT NULL,
	campaign TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (org, campaign)
) WITHOUT ROWID;
