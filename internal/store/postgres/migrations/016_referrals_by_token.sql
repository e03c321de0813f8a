-- A personal link's private page finds its link by the public token (which
-- the private key names: attribution.TokenOf) and compares the stored hash
-- of the key in constant time, so the hash needs no index of its own. That
-- UNIQUE index put every new link at a random place of a second b-tree:
-- a batch of links wrote about twice the pages a batch of signatures does.
ALTER TABLE referrals DROP CONSTRAINT referrals_secret_hash_key;
