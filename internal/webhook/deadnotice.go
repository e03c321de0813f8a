package webhook

import (
	"time"

	"github.com/placard/placard/internal/signing"
)

// ErasureNotice reports whether m is an erasure's notice to a CRM: a
// signature.erased webhook or an Action Network unsubscribe, filed under
// no address (Erased). Its payload holds the erased address, which the
// CRM needs to find the person.
func ErasureNotice(m signing.Message) bool { return erasureNotice(m) }

// DeadNoticeKeep is how long an erasure notice the outbox gave up on
// (dead: refused, or still failing after its 48 hours of tries) keeps the
// erased address: placard serve deletes it, and rewrites the outbox's
// files, DeadNoticeDrop after it was made. Within that time the operator
// sees it in 'placard outbox list --status dead' and the console, can
// retry it ('placard outbox retry') or read which CRM to clean by hand;
// after it, the address erased here is not kept for good. 30 days, as
// UnservedNoteKeep, for one period operators can read in the docs.
const DeadNoticeKeep = 30 * 24 * time.Hour

// noticeTries is the outbox's longest retry of a message (outbox.Options
// MaxAge's default): a notice is dead at the latest this long after it
// was made.
const noticeTries = 48 * time.Hour

// DeadNoticeDrop returns when placard serve deletes a dead erasure notice
// made at created (at its first daily round from then): DeadNoticeKeep
// after its last try could have been made, so it is kept dead at least
// that long.
func DeadNoticeDrop(created time.Time) time.Time {
	return created.Add(noticeTries + DeadNoticeKeep)
}
