package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
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
	// is gone).
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
	msgs, err := FromNote(d.Org(m.Org), m)
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

// noteRetry is how long a note whose notices could not be queued waits
// before it is tried again.
const noteRetry = time.Minute
