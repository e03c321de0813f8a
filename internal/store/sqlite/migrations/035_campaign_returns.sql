-- When a removed campaign last came back with the title it was removed
-- with (store.Removals.KeepApart): its removal record is deleted and its
-- rows stay with it, but without this an instance still serving files
-- read before the return (a rolling deploy, or the daily purge's settling
-- on the files of its last load) found the campaign missing and recorded
-- the removal again. RecordRemoved records nothing from files loaded
-- before returned_at. Only names and a time: no signer's detail.
CREATE TABLE campaign_returns (
	org         TEXT NOT NULL,
	campaign    TEXT NOT NULL,
	returned_at TEXT NOT NULL,
	PRIMARY KEY (org, campaign)
) STRICT, WITHOUT ROWID;
