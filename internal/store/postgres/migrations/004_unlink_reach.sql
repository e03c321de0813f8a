-- Signer safety: until this version a signature's transaction also created
-- the signer's personal link and credited the link and source it came
-- through, so those rows carried the signature's transaction id (xmin) and
-- sat in signing order (ctid). Give every row a new version written by
-- this migration's transaction (CLUSTER alone keeps the old xmin), then
-- rewrite both tables in key order, so the physical order is the random
-- token's (referrals) or the source name's (sources). The old row versions
-- go with the old files; WAL archives and backups taken before keep them.
UPDATE referrals SET signatures = signatures;
UPDATE sources SET signatures = signatures;
CLUSTER referrals USING referrals_pkey;
CLUSTER sources USING sources_pkey;
