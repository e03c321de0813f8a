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

// Erasure returns the store.TellErased of an erasure of email (in any of
// its spellings): for each organisation (org(slug); nil skips it) whose
// erased signatures include one that is not unconfirmed — an unconfirmed
// one never left Placard, and its address may be a stranger's typing —
// signature.erased to each of its webhooks that want it (Erased), and,
// when one of those signatures counts and carried permission to be
// contacted, the Action Network record that unsubscribes the person
// (Action Network has them: the record was sent when it began to count;
// a pending or rejected one's address may be a stranger's, and an
// erasure, unlike the data page, does not prove it). Both are filed under no
// address, so a later erasure cannot delete them before they go. An
// organisation is told once however many erasures the returned function
// serves (an address's several spellings are erased one after another).
func Erasure(org func(slug string) *campaign.Org, email string, at time.Time) func([]signing.Signature) ([]signing.Message, error) {
	told := map[string]bool{}
	return func(erased []signing.Signature) ([]signing.Message, error) {
		var msgs []signing.Message
		for i := range erased {
			s := &erased[i]
			if told[s.Org] || s.Status == signing.StatusUnconfirmed {
				continue
			}
			o := org(s.Org)
			if o == nil {
				continue
			}
			told[s.Org] = true
			msgs = append(msgs, erasedFor(o, email, at, erased)...)
		}
		return msgs, nil
	}
}

// erasedFor is what an erasure of email tells o (Erasure): its webhooks'
// signature.erased, and the Action Network unsubscribe when one of o's
// erased signatures counts and carried permission to be contacted; all
// filed under no address.
func erasedFor(o *campaign.Org, email string, at time.Time, erased []signing.Signature) []signing.Message {
	msgs := Erased(o, email, at)
	if b := unsubscribable(o.Slug, erased); b != nil {
		for _, m := range Unsubscribed(o, b) {
			m.Email = "" // filed under no address, as Erased's
			msgs = append(msgs, m)
		}
	}
	return msgs
}

// unsubscribable is the first of org's erased signatures that counts and
// carried permission to be contacted (Action Network had it), or nil.
func unsubscribable(org string, erased []signing.Signature) *signing.Signature {
	for j := range erased {
		if b := &erased[j]; b.Org == org && Counts(b) && !b.ContactAt.IsZero() {
			return b
		}
	}
	return nil
}
