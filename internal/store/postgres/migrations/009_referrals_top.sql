-- Personal links are made ahead of need, a pool batch at a time, and most
-- never bring anyone. Indexing every one by campaign made each batch write
-- a third b-tree at random places; only the links that brought someone are
-- ever listed (Referrals: signatures > 0), so only they are indexed.
DROP INDEX referrals_campaign;
CREATE INDEX referrals_top ON referrals (org, campaign, signatures) WHERE signatures > 0;
