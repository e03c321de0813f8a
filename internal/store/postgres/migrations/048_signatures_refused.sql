-- Signatures the database refused (store.Refusals.NoteRefused): a row
-- store.CheckSignature finds the tables cannot hold is not stored and
-- the signer is asked to change it; it is counted here, per organisation
-- and campaign, for the console's dashboard and placard stats, so an
-- operator sees it. Counts only: no address, no field value, no time.
CREATE TABLE signatures_refused (
	org text NOT NULL,
	campaign text NOT NULL,
	count bigint NOT NULL,
	PRIMARY KEY (org, campaign)
);
