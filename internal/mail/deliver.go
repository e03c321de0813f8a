package mail

import (
	"context"
	"errors"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
)

// Sending is what a Deliverer sends through; *Sender is one.
type Sending interface {
	Send(ctx context.Context, m Message) error
}

// Deliverer delivers the outbox's email messages (signing.MessageEmail):
// it reads the payload, checks the organisation's suppression list,
// renders the message as the campaign files say now, and sends it.
type Deliverer struct {
	Renderer *Renderer
	Sender   Sending
	// Suppressed reports whether email asked org for no more email
	// (store.Mail.Suppressed of its store.AddressHash).
	Suppressed func(ctx context.Context, org, email string) (bool, error)
}

// Deliver sends m (outbox.Deliverer). A message to an address that
// unsubscribed is delivered by sending nothing. An unreadable payload, a
// campaign no longer published and a refusal by the mail server are
// permanent; a server that cannot be reached is tried again. Errors name
// no address.
func (d *Deliverer) Deliver(ctx context.Context, m signing.Message) error {
	if cp, ok := decodeContact(m.Payload); ok {
		return d.deliverContact(ctx, cp, m.ID) // contact.go
	}
	p, err := DecodePayload(m.Payload)
	if err != nil {
		return outbox.Permanent(err)
	}
	// A supporter who asks for their data page gets it even after
	// unsubscribing: they asked for that one message. Everything else
	// stops at the suppression list.
	if p.Template != TemplateData && d.Suppressed != nil {
		off, err := d.Suppressed(ctx, p.Org, p.To)
		if err != nil {
			return err
		}
		if off {
			return nil
		}
	}
	msg, err := d.Renderer.Render(p, m.ID)
	if errors.Is(err, ErrGone) {
		return outbox.Permanent(err)
	}
	if err != nil {
		return err
	}
	if err := d.Sender.Send(ctx, msg); err != nil {
		if IsPermanent(err) {
			return outbox.Permanent(err)
		}
		return err
	}
	return nil
}

// NewMessage is the outbox message that sends p.
func NewMessage(p Payload) signing.Message {
	return signing.Message{
		ID: signing.NewMessageID(), Kind: signing.MessageEmail,
		Email: p.To, Org: p.Org, Campaign: p.Campaign, Payload: p.Encode(),
	}
}
