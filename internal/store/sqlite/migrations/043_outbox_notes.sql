-- Erasure notes (outbox kind 'erasure': an erasure made without the
-- campaign files leaves one for placard serve, which turns it into the
-- CRM notices) hold back the erased person's later events as the notices
-- do (store.OutboxOrder.Earlier, rev27a): until serve turns the note its
-- notices do not exist, and a re-signature's signature.created in the
-- same claim reached the CRM first. Earlier asks before every webhook
-- attempt; this index holds only the notes, keyed by organisation, so it
-- reads a handful of rows, never the outbox.
CREATE INDEX outbox_notes ON outbox (org) WHERE kind = 'erasure';
