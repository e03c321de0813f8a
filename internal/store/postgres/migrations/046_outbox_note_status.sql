-- Erasure notes (outbox kind 'erasure': an erasure made without the
-- campaign files leaves one for placard serve to turn into the CRM
-- notices) get a status of their own, 'note', which no claim of an older
-- placard selects: an older serve claims only status 'pending', did not
-- know the kind, tried it again every hour and after 48 hours marked it
-- dead, keeping the erased address in a dead row and never telling the
-- CRM. This placard claims notes on their own (store.Outbox.Claim) and
-- reports them as pending. A note an older serve already marked dead is
-- made a note again, due at once: the next serve of this version tells
-- the CRMs and deletes it, and the address with it. Only notes change,
-- found through outbox_notes (043). No signer data is added.
UPDATE outbox SET status = 'note'
	WHERE kind = 'erasure' AND status <> 'note';
