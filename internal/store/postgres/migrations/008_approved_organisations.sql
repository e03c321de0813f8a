-- A letter lists its approved organisations on every rendering of its
-- page, re-rendered whenever its tally changes: an index of only those
-- rows makes that read cost the organisations, not every signature.
CREATE INDEX signatures_approved_orgs ON signatures (org, campaign, id)
	WHERE kind = 'organisation' AND status = 'approved';
