package outbox

import "time"

// DeadKeep is how long a message the outbox gave up on (dead: refused for
// good, its decision-maker gone (mail.ErrTargetGone), or still failing
// after its 48 hours of tries) is kept: placard serve deletes it, and
// rewrites the outbox's files (store.Outbox.Drop), DeadDrop after it was
// made. Every dead message holds a person's data — a signer's address in
// a confirmation or thank-you email or a CRM event, a supporter's name,
// address and words in a letter — so none is kept for good. Within that
// time the operator sees it in 'placard outbox list --status dead' and
// the console and can retry it ('placard outbox retry').
//
// One period for every kind, the same 30 days as a dead erasure notice
// (webhook.DeadNoticeKeep): a shorter one for kinds whose content goes
// stale (a sign-in link, a confirmation link) would save little — the
// address is the same whatever the kind — and would cut short the
// operator's month to notice a broken mail relay or CRM, retry the
// letters and CRM events that still matter, and read the docs' one
// period.
const DeadKeep = 30 * 24 * time.Hour

// DeadDrop returns when placard serve deletes a dead message made at
// created (at its first daily round from then): DeadKeep after its last
// try could have been made (Options.MaxAge's default), so it is kept dead
// at least that long.
func DeadDrop(created time.Time) time.Time {
	return created.Add(defaultMaxAge + DeadKeep)
}

// defaultMaxAge is Options.MaxAge's default.
const defaultMaxAge = 48 * time.Hour
