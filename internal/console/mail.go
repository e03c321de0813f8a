package console

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Emailed sign-in links go through the outbox like every other email: the
// request stores a message (Enqueue) and answers at once, and serve's
// delivery worker sends it, retrying while the mail server is away. They
// have a message kind of their own, because they are not one of the
// signers' emails internal/mail renders from the campaign files: the
// console writes the whole text. The payload holds the link, so it is in
// the database only until it is delivered (a delivered message is deleted)
// and works for accounts.LinkTTL at most.

// MessageSignIn is the outbox kind of a console sign-in email.
const MessageSignIn = "console-signin"

// Letter is one sign-in email.
type Letter struct {
	To, Lang, Subject, Body string
	// Expires is when the link the letter carries stops working (a
	// sign-in link's accounts.LinkTTL); zero for a letter whose link
	// does not expire (the note about a new passkey). SignInDeliverer
	// gives the letter up, unsent, once too little of that life is left.
	Expires time.Time
}

// letterPayload is a Letter as the outbox keeps it.
type letterPayload struct {
	To      string    `json:"to"`
	Lang    string    `json:"lang"`
	Subject string    `json:"subject"`
	Body    string    `json:"body"`
	Expires time.Time `json:"expires,omitzero"`
}

// LinkMargin is how much of a link's life must be left for its email to
// go: an attempt may still wait for its turn and a connection (bounded
// by the outbox's attempt time limit, 30 s), and the organiser needs
// a moment to open it.
const LinkMargin = time.Minute

// errLinkExpired gives up an email whose link would arrive dead.
var errLinkExpired = errors.New("console: the sign-in link expired before its email could go; the organiser can ask for a new one on the sign-in page")

// signInDue is the NotBefore of every sign-in email: long past, so the
// outbox, which claims the messages due longest first, takes it before
// any email or webhook queued since — a sign-in link works for
// accounts.LinkTTL, and a campaign's burst of thank-yous at --mail-rate
// could outlast that. It still takes its turn under --mail-rate like
// every email (serve shares one sender). A failed attempt is put off as
// any message's is.
var signInDue = time.Unix(0, 0).UTC()

// OutboxMailer is a Mailer that enqueues each letter in ob for
// SignInDeliverer, then calls wake (the worker's Wake; nil for none).
func OutboxMailer(ob store.Outbox, wake func()) Mailer {
	return func(ctx context.Context, l Letter) error {
		b, err := json.Marshal(letterPayload(l))
		if err != nil {
			return err
		}
		err = ob.Enqueue(ctx, []signing.Message{{ID: signing.NewMessageID(), Kind: MessageSignIn, Email: l.To, Payload: b, NotBefore: signInDue}})
		if err == nil && wake != nil {
			wake()
		}
		return err
	}
}

// SignInDeliverer sends the outbox's sign-in emails through send (a
// mail.Sender's Send): plain text, in the organiser's language. A payload
// that cannot be read, and a refusal by the mail server, are permanent;
// so is a letter whose link expires within LinkMargin at now (nil:
// time.Now), however it got late (the mail server away, a backlog):
// given up unsent rather than retried for the outbox's 48 hours and
// delivered with a dead link.
func SignInDeliverer(send func(context.Context, mail.Message) error, now func() time.Time) outbox.Deliverer {
	if now == nil {
		now = time.Now
	}
	return outbox.DelivererFunc(func(ctx context.Context, m signing.Message) error {
		var p letterPayload
		if err := json.Unmarshal(m.Payload, &p); err != nil || p.To == "" {
			return outbox.Permanent(errors.New("console: unreadable sign-in email"))
		}
		if !p.Expires.IsZero() && !now().Before(p.Expires.Add(-LinkMargin)) {
			return outbox.Permanent(errLinkExpired)
		}
		err := send(ctx, mail.Message{ID: m.ID, To: p.To, Lang: p.Lang, Subject: p.Subject, Text: p.Body})
		if err != nil && mail.IsPermanent(err) {
			return outbox.Permanent(err)
		}
		if mail.NoConnection(err) {
			// It waited for a free connection (the sender's cap) and was
			// never tried: due again at once and in its place before any
			// backlog (its Due, signInDue), not a failure nor an attempt
			// — due "now", it would wait behind every email queued
			// before it and expire (TestSignInWaitKeepsItsPlace).
			return outbox.Untried(err)
		}
		return err
	})
}
