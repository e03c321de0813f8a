package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
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
	// Suppressed reports whether email asked org for no more email, under
	// any spelling it may have been recorded in (store.SuppressedAddress).
	Suppressed func(ctx context.Context, org, email string) (bool, error)
	// Connections is how many connections to the mail server one batch
	// may use side by side (default 4); each carries its share of the
	// batch one message after another. One connection per message costs a
	// TLS handshake and a login each; one per batch sends a slow relay's
	// batch at the pace of a single conversation.
	Connections int
	// Pace, when set, is the pace of paced emails every instance shares
	// (sharedpace.go), taken just before one is sent.
	Pace *SharedPace
	// Waiting, when set, reports whether email's signature on org made
	// at signed (its CreatedAt, to the microsecond) under one of
	// campaigns' names still waits for its confirmation (WaitingIn). A
	// signature's own confirmation that Pace held past PaceHorizon asks
	// it before it goes or is counted as never sent: held for days, its
	// signature may have been confirmed meanwhile (through a repeat's
	// copy), and it then asked a confirmed signer to confirm again, its
	// signature "erased in N days", or was counted as never sent.
	Waiting func(ctx context.Context, org, email string, signed time.Time, campaigns ...string) (bool, error)
}

// WaitingIn is a Deliverer.Waiting reading the signer's signatures in st
// (store.Mail.Supporter).
func WaitingIn(st store.Mail) func(ctx context.Context, org, email string, signed time.Time, campaigns ...string) (bool, error) {
	return func(ctx context.Context, org, email string, signed time.Time, campaigns ...string) (bool, error) {
		sigs, err := st.Supporter(ctx, org, email)
		if err != nil {
			return false, err
		}
		for _, sg := range sigs {
			if sg.Status == signing.StatusUnconfirmed && sg.CreatedAt.UnixMicro() == signed.UnixMicro() && slices.Contains(campaigns, sg.Campaign) {
				return true, nil
			}
		}
		return false, nil
	}
}

// DefaultConnections is Deliverer.Connections' default.
const DefaultConnections = 4

// ManySending is a Sending that also sends several messages over one
// connection (*Sender is one); DeliverBatch uses it when it can.
type ManySending interface {
	Sending
	SendMany(ctx context.Context, ms []Message) []error
}

// Deliver sends m (outbox.Deliverer). A message to an address that
// unsubscribed is delivered by sending nothing. An unreadable payload, a
// campaign no longer published and a refusal by the mail server are
// permanent; a server that cannot be reached is tried again. Errors name
// no address.
func (d *Deliverer) Deliver(ctx context.Context, m signing.Message) error {
	return d.DeliverBatch(ctx, []signing.Message{m})[0]
}

// DeliverBatch delivers ms as Deliver does each (outbox.BatchDeliverer),
// but sends all the emails it writes over one connection to the mail
// server when its Sender can (ManySending): one TLS handshake and login
// for a batch instead of one per message. It returns one error per
// message, in order.
func (d *Deliverer) DeliverBatch(ctx context.Context, ms []signing.Message) []error {
	errs := make([]error, len(ms))
	var out []Message
	var places []int
	var paced []*turn // per email in out: the shared turn it took, if any
	for i, m := range ms {
		msg, send, took, err := d.prepare(ctx, m)
		if err != nil || !send {
			errs[i] = err
			continue
		}
		out = append(out, msg)
		places = append(places, i)
		paced = append(paced, took)
	}
	var sent []error
	if many, ok := d.Sender.(ManySending); ok && len(out) > 0 {
		sent = sendSpread(ctx, many, out, d.Connections)
	} else {
		for _, msg := range out {
			sent = append(sent, d.Sender.Send(ctx, msg))
		}
	}
	for j, err := range sent {
		if err != nil && paced[j] != nil && !MaybeSent(err) {
			// Not sent: its turn goes back, or a relay down for a while
			// spends the inbox's turns on attempts that sent nothing
			// and the email is left out for want of one. One the relay
			// may have taken (MaybeSent) keeps it: given back, each
			// retry of a relay that takes messages and then times out
			// sent the inbox another copy, unpaced.
			d.Pace.give(ctx, paced[j])
		}
		if NoConnection(err) {
			// It waited for a connection under the Sender's cap and was
			// never tried: back in its place, no failure, no backoff,
			// the attempt not counted.
			now := time.Now()
			if d.Pace != nil {
				now = d.Pace.now()
			}
			err = waited(err, paced[j], now)
		} else if IsPermanent(err) {
			err = outbox.Permanent(err)
		} else if paced[j] != nil {
			// A signature's own confirmation, held maybe past the
			// outbox's maximum age, is tried again while its
			// signature waits.
			err = keep(err, paced[j].until, d.Pace.now())
		}
		errs[places[j]] = err
	}
	return errs
}

// waited is the outbox's answer for an email that waited for a free
// connection until its time limit (NoConnection): Untried, put back due
// when it was due before its claim, not counted as an attempt — due
// "now", a confirmation, thank-you or organiser's email went behind
// every message queued after it, the same person's later ones included
// (TestWaitedEmailKeepsItsPlace). A signature's own confirmation held
// past the maximum age (its turn t keeps its own deadline) is also Kept:
// not aged out for the wait.
func waited(err error, t *turn, now time.Time) error {
	if t != nil && !t.until.IsZero() && now.Before(t.until) {
		return outbox.Untried(outbox.Kept(err))
	}
	return outbox.Untried(err)
}

// sendSpread sends ms over up to conns connections side by side (0: the
// default), each taking a run of consecutive messages, and returns one
// error per message, in order.
func sendSpread(ctx context.Context, many ManySending, ms []Message, conns int) []error {
	if conns <= 0 {
		conns = DefaultConnections
	}
	conns = min(conns, len(ms))
	if conns == 1 {
		return many.SendMany(ctx, ms)
	}
	errs := make([]error, len(ms))
	per := (len(ms) + conns - 1) / conns
	var wg sync.WaitGroup
	for lo := 0; lo < len(ms); lo += per {
		hi := min(lo+per, len(ms))
		wg.Go(func() { copy(errs[lo:hi], many.SendMany(ctx, ms[lo:hi])) })
	}
	wg.Wait()
	return errs
}

// prepare reads m and writes the email it sends. It reports send false
// when there is nothing to send: the address unsubscribed. took is the
// turn under the shared pace the email took (nil when it took none), to
// be given back should the email not be sent.
func (d *Deliverer) prepare(ctx context.Context, m signing.Message) (_ Message, send bool, took *turn, _ error) {
	if cp, ok := decodeContact(m.Payload); ok {
		msg, send, err := d.prepareContact(ctx, cp, m.ID) // contact.go
		if send && err == nil && Paced(cp.Template, false) {
			send, took, err = d.Pace.take(ctx, m, cp.Template, cp.To, time.Time{})
		}
		return msg, send, took, err
	}
	p, err := decodeMessage(m)
	if err != nil {
		return Message{}, false, nil, outbox.Permanent(err)
	}
	// A supporter who asks for their data page gets it even after
	// unsubscribing: they asked for that one message. Everything else
	// stops at the suppression list.
	if p.Template != TemplateData && d.Suppressed != nil {
		off, err := d.Suppressed(ctx, p.Org, p.To)
		if err != nil {
			return Message{}, false, nil, err
		}
		if off {
			return Message{}, false, nil, nil
		}
	}
	msg, err := d.Renderer.Render(p, m.ID)
	if errors.Is(err, ErrGone) {
		return Message{}, false, nil, d.Renderer.gone(m.ID, err)
	}
	if err != nil {
		return Message{}, false, nil, err
	}
	// Last, once the email is written and about to go, the inbox's turn
	// under the pace every instance shares: a turn is spent only on an
	// email that is sent.
	if Paced(p.Template, p.Confirmed) {
		// A signature's own confirmation waits for its inbox's turn as
		// long as the signature waits (SharedPace.take).
		var until time.Time
		m.Org, m.Campaign = p.Org, p.Campaign // as the counts name them
		if p.Template == TemplateConfirm && !p.Again {
			// Counted under the campaign's name now, the one the
			// dashboard and placard stats read.
			if until, m.Campaign, send = d.Renderer.deadline(p, m.ID); !send {
				return Message{}, false, nil, d.Renderer.gone(m.ID, ErrGone)
			}
			// Held past the hour, it may be for a signature confirmed
			// since (Waiting); within the hour, as before, no read.
			if queued, ok := signing.MessageTime(m.ID); d.Waiting != nil && d.Pace != nil && p.Signed != 0 &&
				(!ok || d.Pace.now().Sub(queued) > PaceHorizon) {
				waits, err := d.Waiting(ctx, p.Org, p.To, time.UnixMicro(p.Signed), p.Campaign, m.Campaign)
				if err != nil {
					return Message{}, false, nil, keep(err, until, d.Pace.now())
				}
				if !waits {
					return Message{}, false, nil, nil
				}
			}
		}
		send, took, err := d.Pace.take(ctx, m, p.Template, p.To, until)
		return msg, send, took, err
	}
	if p.Template == TemplateData {
		m.Org = p.Org
		send, took, err := d.Pace.takeDataLink(ctx, m, p.Org, p.To)
		return msg, send, took, err
	}
	return msg, true, nil, nil
}

// NewMessage is the outbox message that sends p. The recipient,
// organisation and campaign are the message's own Email, Org and
// Campaign, so its payload leaves them out rather than hold them twice
// (decodeMessage puts them back): a signature's thank-you is written
// with it, and the smaller it is the less signing writes.
func NewMessage(p Payload) signing.Message {
	m := signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: p.To, Org: p.Org, Campaign: p.Campaign}
	p.To, p.Org, p.Campaign = "", "", ""
	m.Payload = p.Encode()
	return m
}

// decodeMessage reads m's payload as DecodePayload does, taking the
// recipient, organisation and campaign from m where the payload leaves
// them out (NewMessage); a payload that names them (written before it
// left them out) keeps its own.
func decodeMessage(m signing.Message) (Payload, error) {
	var p Payload
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return p, fmt.Errorf("mail: unreadable payload: %w", err)
	}
	if p.To == "" && p.Org == "" && p.Campaign == "" {
		p.To, p.Org, p.Campaign = m.Email, m.Org, m.Campaign
	}
	return p, checkPayload(p)
}

// gone is the outbox's error for message id, whose organisation or
// campaign the files lack (err, ErrGone): permanent, unless the files
// may be older than the message (Loaded).
func (r *Renderer) gone(id string, err error) error {
	if r.Loaded == nil {
		return outbox.Permanent(err)
	}
	queued, ok := signing.MessageTime(id)
	now := time.Now()
	if r.Now != nil {
		now = r.Now()
	}
	if ok && queued.After(r.Loaded().Add(-loadSlack)) && now.Sub(queued) < NotLoadedFor {
		return ErrNotLoaded
	}
	return outbox.Permanent(err)
}
