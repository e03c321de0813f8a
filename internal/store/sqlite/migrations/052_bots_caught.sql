-- Sign forms caught by the form's trap, the honeypot (store.Traps): a
-- bot's form is answered as a signature and stored nowhere; it is counted
-- here, per organisation and campaign, in the transaction of the
-- committer's batch it rode, so it costs what a signature costs. The
-- console's dashboard and placard stats show it as bots turned away.
-- Counts only: nothing the form sent, no address, no time.
CREATE TABLE bots_caught (
	org TEXT NOT NULL,
	campaign TEXT NOT NULL,
	count INTEGER NOT NULL,
	PRIMARY KEY (org, campaign)
) WITHOUT ROWID;
