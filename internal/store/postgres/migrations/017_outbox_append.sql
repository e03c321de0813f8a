-- A message costs an append (issue 14: signing with the outbox on within
-- 5% of signing without it).
--
-- Message ids now sort by the time they were made (signing.NewMessageID),
-- so the primary key's b-tree grows at its right edge instead of taking a
-- random page per message. The indexes keyed by the address and by the
-- campaign took one more random page each per message; they go. Erase,
-- the supporter's own erasure, an unsubscription and Purge read the whole
-- outbox instead, which is small: a delivered message leaves it, so it
-- holds only what is due, being retried or dead. Rows keep their ids, so
-- a message queued before this migration is delivered under the same id.
DROP INDEX outbox_email;
DROP INDEX outbox_campaign;
