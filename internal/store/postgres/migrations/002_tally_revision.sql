-- revision goes up with every change to a campaign's signatures (insert,
-- moderation, erasure), even one that leaves every count as it was — an
-- erased public signer and a new signature in the same second — so a page
-- showing recent signers knows to re-read them.
ALTER TABLE tallies ADD COLUMN revision bigint NOT NULL DEFAULT 0;
