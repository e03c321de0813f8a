package webhook

import (
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/signing"
)

// Counts reports whether s counts — approved — and so whether the
// organisation's systems have heard of it: a CRM hears of a signature
// only once it counts, never while it waits for its signer to confirm
// their address (unconfirmed) or for the organisers to approve it
// (pending), and never of one that did not (rejected). A signature that
// counts at once is told at signing; one that waited, when it starts to
// count (confirmed, approved).
func Counts(s *signing.Signature) bool { return s.Status == signing.StatusApproved }

// Changes returns what the changes an organiser or a supporter made to
// signatures of o tell o's webhooks and Action Network (changes of
// other organisations are skipped; o nil, or with neither, tells
// nothing), queued in the change's own transaction (store.Tell):
//
//   - a signature that starts to count (approved by the organisers):
//     what one that counts at once sends at signing — signature.created,
//     and the Action Network record when its signer gave permission to
//     be contacted;
//   - a signature that stops counting (rejected after being approved):
//     signature.updated, with its status;
//   - a signature that counts and whose signer withdrew their permission
//     to be contacted or hid their name: signature.updated with the
//     choices;
//   - a withdrawn permission on any signature but an unconfirmed one
//     (Action Network may have had it: approved then rejected, or a
//     pending sign-on sent before this version): the Action Network
//     record that unsubscribes them, once per change;
//   - anything else — a signature that never counted, approved or
//     rejected from pending, a hidden name on one still waiting —
//     nothing: the CRM never had it.
//
// The Action Network record that subscribes is sent only while the
// signer's permission still holds and the signature still counts
// (Deliverer.Consent, read again at delivery).
func Changes(o *campaign.Org, changes []signing.Change, at time.Time, base string) []signing.Message {
	if o == nil || len(o.Webhooks) == 0 && o.OSDI == nil {
		return nil
	}
	var msgs []signing.Message
	unsubscribed := false
	for i := range changes {
		b, a := &changes[i].Before, &changes[i].After
		if a.Org != o.Slug {
			continue
		}
		c := o.Campaign(a.Campaign)
		switch {
		case !Counts(b) && Counts(a):
			msgs = append(msgs, Messages(o, c, a, Occasion{
				Event: campaign.EventSignatureCreated, Final: true, At: at, BaseURL: base,
			})...)
		case Counts(b) && (!Counts(a) || b.Public != a.Public || b.ContactAt.IsZero() != a.ContactAt.IsZero()):
			msgs = append(msgs, Updated(o, c, a, at, base)...)
		}
		// A withdrawal reaches Action Network from any signature it may
		// have had, not only from one that counts now: one approved and
		// later rejected (placard signatures reject), or a sign-on sent
		// while pending before this version, put the person on the list
		// all the same. The record holds only the identifier and an
		// address its owner has just proved (the data page is reached by
		// a mailed link); an unconfirmed signature's never left Placard.
		if !unsubscribed && b.Status != signing.StatusUnconfirmed && !b.ContactAt.IsZero() && a.ContactAt.IsZero() {
			msgs = append(msgs, Unsubscribed(o, b)...)
			unsubscribed = true
		}
	}
	return msgs
}
