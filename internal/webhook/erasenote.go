package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// MessageErasure is the kind of an erasure note: what an erasure made
// without the organisation's settings (placard signatures erase with no
// usable campaigns folder) leaves in the outbox so that its CRMs are
// still told. placard serve, which has the settings, turns each note
// into the notices Erasure would have queued (NoteDeliverer) and deletes
// it.
const MessageErasure = "erasure"

// erasureNote is a note's payload: no more than the notices need. It
// names the address under "erased", never under "address", so nothing
// that looks for an erasure notice naming an address
// (store.ErasedAddress) mistakes it for one.
type erasureNote struct {
	// Email is the erased address as the erasure was given it.
	Email string `json:"erased"`
	// At is when the erasure happened (RFC 3339), the notices' time.
	At string `json:"at"`
	// Unsubscribe is the signature whose Action Network unsubscribe goes
	// (unsubscribable), if any: its campaign and stored address, which
	// its identifier is made from.
	Unsubscribe *noteSignature `json:"unsubscribe,omitempty"`
}

type noteSignature struct {
	Campaign string `json:"campaign"`
	Email    string `json:"email"`
}

// ErasureNotes returns the store.TellErased of an erasure of email made
// without the settings of the organisations it reaches: for each
// organisation whose erased signatures include one that is not
// unconfirmed (as Erasure), and which skip does not take (the caller
// tells those itself; nil skips none), one note — kind MessageErasure,
// filed under no address, so a later erasure cannot delete it before it
// is turned into its notices. An organisation gets one note however many
// erasures the returned function serves.
func ErasureNotes(email string, at time.Time, skip func(slug string) bool) func([]signing.Signature) ([]signing.Message, error) {
	told := map[string]bool{}
	return func(erased []signing.Signature) ([]signing.Message, error) {
		var msgs []signing.Message
		for i := range erased {
			s := &erased[i]
			if told[s.Org] || s.Status == signing.StatusUnconfirmed || skip != nil && skip(s.Org) {
				continue
			}
			told[s.Org] = true
			n := erasureNote{Email: email, At: timeText(at)}
			if b := unsubscribable(s.Org, erased); b != nil {
				n.Unsubscribe = &noteSignature{Campaign: b.Campaign, Email: b.Email}
			}
			msgs = append(msgs, signing.Message{
				ID: signing.NewMessageID(), Kind: MessageErasure, Org: s.Org, Payload: mustJSON(n),
			})
		}
		return msgs, nil
	}
}

// FromNote returns the notices an erasure note m tells o: what Erasure
// queues for o (signature.erased to its webhooks that want it, the
// Action Network unsubscribe), made from the note. Nil when o is nil (the
// organisation is gone: nothing is left to tell) or has neither. Each
// notice's id is the note's and a number, the same however often the
// note is turned (an outbox ignores an id it holds), and sorting right
// after the note's, so before anything made after the erasure: a
// re-signature's signature.created still waits for it (store.OutboxOrder).
func FromNote(o *campaign.Org, m signing.Message) ([]signing.Message, error) {
	var n erasureNote
	if err := json.Unmarshal(m.Payload, &n); err != nil || n.Email == "" {
		return nil, errors.New("not an erasure note")
	}
	if o == nil || len(o.Webhooks) == 0 && o.OSDI == nil {
		return nil, nil
	}
	at, err := time.Parse(time.RFC3339, n.At)
	if err != nil {
		return nil, errors.New("an erasure note without its time")
	}
	var erased []signing.Signature
	if u := n.Unsubscribe; u != nil {
		erased = append(erased, signing.Signature{Org: o.Slug, Campaign: u.Campaign, Email: u.Email,
			Status: signing.StatusApproved, ContactAt: at})
	}
	msgs := erasedFor(o, n.Email, at, erased)
	for i := range msgs {
		msgs[i].ID = fmt.Sprintf("%s-%02d", m.ID, i)
	}
	return msgs, nil
}

// NoteDeliverer turns erasure notes (MessageErasure) into their notices,
// queued in the outbox (FromNote), with the organisation's settings as
// they are now. Delivered, the note is deleted with the address it held.
type NoteDeliverer struct {
	// Org returns an organisation's current settings by slug (nil when it
	// is gone: the note then waits, see Deliver).
	Org func(slug string) *campaign.Org
	// Enqueue adds messages to the outbox (store.Outbox.Enqueue).
	Enqueue func(ctx context.Context, msgs []signing.Message) error
}

var _ outbox.Deliverer = (*NoteDeliverer)(nil)

// Deliver queues the notices of the note m.
func (d *NoteDeliverer) Deliver(ctx context.Context, m signing.Message) error {
	if m.Kind != MessageErasure {
		return outbox.Permanent(fmt.Errorf("not an erasure note (%q)", m.Kind))
	}
	o := d.Org(m.Org)
	if o == nil {
		// The organisation is not served (removed from the campaigns
		// folder, or not there yet): its CRMs cannot be told without its
		// settings, yet they still hold the person erased here. Deleting
		// the note told no one; it now waits, tried again hourly, until
		// the organisation is served again or the operator, told at
		// every start and reload and on the console (NoteFigures,
		// UnservedNotes), erases the people in the CRM by hand and drops
		// the notes (placard outbox drop --erasure-notes) — or, at the
		// latest, until serve deletes it UnservedNoteKeep after it was
		// made and after its organisation was first seen unserved
		// (store.NoteExpiry): the address is not kept for good.
		if _, err := FromNote(nil, m); err != nil {
			return outbox.Permanent(err)
		}
		return outbox.Until(time.Now().Add(unservedRetry), fmt.Errorf(
			"organisation %s is no longer served, so its CRM cannot be told of this erasure: serve it again, or erase the person in its CRM by hand and run placard outbox drop --erasure-notes %s", m.Org, m.Org))
	}
	msgs, err := FromNote(o, m)
	if err != nil {
		return outbox.Permanent(err)
	}
	if len(msgs) == 0 {
		return nil
	}
	if err := d.Enqueue(ctx, msgs); err != nil {
		// Never given up for its age: the note is the only record that
		// the CRMs must still hear of the erasure, and it may be older
		// than the outbox's maximum age when first turned (migration 046
		// revives the notes an older serve marked dead; an erasure may
		// run days before serve does). Dead would delete it, and the
		// CRMs would never be told (TestErasureNoteOutlivesAFailedQueue).
		return outbox.Until(time.Now().Add(noteRetry), fmt.Errorf("queueing an erasure's notices: %v", err))
	}
	return nil
}

// unservedRetry is how long a note of an organisation not served waits
// before it is looked at again: a reload that serves it again is seen
// within the hour, and a kept note costs a claim an hour.
const unservedRetry = time.Hour

// noteRetry is how long a note whose notices could not be queued waits
// before it is tried again.
const noteRetry = time.Minute

// UnservedNotes returns, sorted, the organisations of notes (erasure
// notes by organisation, store.NoteFigures) that site does not serve, and
// how many notes they hold together. Their notices cannot be made
// without the organisation's settings: the notes wait for it to be
// served again, or to be dropped by hand (placard outbox drop
// --erasure-notes).
func UnservedNotes(site *campaign.Site, notes map[string]int) (orgs []string, n int) {
	for slug, k := range notes {
		if site != nil && site.Org(slug) != nil {
			continue
		}
		orgs = append(orgs, slug)
		n += k
	}
	slices.Sort(orgs)
	return orgs, n
}

// UnservedNoteKeep is how long an erasure note of an organisation placard
// serve does not serve keeps the erased address: serve deletes it once
// it was made that long ago and the organisation was first seen
// unserved that long ago (store.NoteExpiry), whichever is later. Counted
// from the moment serve saw the organisation unserved, not from the note
// alone: an erasure made while serve was stopped, or an organisation
// left out of the campaigns folder for a moment, must not lose a note at
// once. 30 days: long enough for an operator told at every start, reload
// and day (serve's log, placard outbox list, the console) to serve the
// organisation again or to clean its CRM by hand; short enough that an
// address erased here is not kept for good.
const UnservedNoteKeep = 30 * 24 * time.Hour

// NoteDropDates returns when serve deletes the first and the last of u's
// notes if u's organisation stays unserved (UnservedNoteKeep), at its
// first daily round from then.
func NoteDropDates(u store.UnservedNotes) (first, last time.Time) {
	return later(u.Since, u.Oldest).Add(UnservedNoteKeep), later(u.Since, u.Newest).Add(UnservedNoteKeep)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
