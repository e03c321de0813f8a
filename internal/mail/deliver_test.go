package mail_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
)

type recordingSender struct {
	sent []mail.Message
	err  error
}

func (r *recordingSender) Send(_ context.Context, m mail.Message) error {
	if r.err != nil {
		return r.err
	}
	r.sent = append(r.sent, m)
	return nil
}

// TestDeliver: the suppression list stops every email but the data-page
// link the supporter asked for; what can never be sent is permanent.
func TestDeliver(t *testing.T) {
	r, _ := renderer(t)
	off := map[string]bool{"northgate-tenants/gone@example.net": true}
	send := &recordingSender{}
	d := &mail.Deliverer{Renderer: r, Sender: send, Suppressed: func(_ context.Context, org, email string) (bool, error) {
		return off[org+"/"+email], nil
	}}
	msg := func(p mail.Payload) signing.Message { return mail.NewMessage(p) }
	thanks := mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier", To: "gone@example.net"}
	if err := d.Deliver(context.Background(), msg(thanks)); err != nil || len(send.sent) != 0 {
		t.Fatalf("to an unsubscribed address: err %v, %d sent; want nothing sent and no error", err, len(send.sent))
	}
	data := mail.Payload{Template: mail.TemplateData, Lang: "en", Org: "northgate-tenants", To: "gone@example.net"}
	if err := d.Deliver(context.Background(), msg(data)); err != nil || len(send.sent) != 1 {
		t.Fatalf("the data link asked for: err %v, %d sent; want it sent", err, len(send.sent))
	}
	m := msg(thanks)
	m.Payload = []byte("{not json")
	if err := d.Deliver(context.Background(), m); !outbox.IsPermanent(err) {
		t.Errorf("unreadable payload: %v, want permanent", err)
	}
	gone := thanks
	gone.To, gone.Campaign = "a@example.net", "no-such-campaign"
	if err := d.Deliver(context.Background(), msg(gone)); !outbox.IsPermanent(err) {
		t.Errorf("campaign gone: %v, want permanent", err)
	}
	send.err = errors.New("connection refused")
	thanks.To = "a@example.net"
	if err := d.Deliver(context.Background(), msg(thanks)); err == nil || outbox.IsPermanent(err) {
		t.Errorf("server unreachable: %v, want a temporary error", err)
	}
}

// TestMessagePayloadShort: a message's payload leaves out what the
// message itself holds (address, organisation, campaign) — the outbox
// keeps each once, and signing writes less — and the email still goes
// to that address about that campaign; a payload written with them (an
// older one in the outbox) still delivers as it says.
func TestMessagePayloadShort(t *testing.T) {
	r, _ := renderer(t)
	send := &recordingSender{}
	d := &mail.Deliverer{Renderer: r, Sender: send}
	ref, _ := attribution.NewLinks(make([]byte, 32)).New()
	thanks := mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
		To: "short@example.net", Ref: ref}
	m := mail.NewMessage(thanks)
	if m.Email != thanks.To || m.Org != thanks.Org || m.Campaign != thanks.Campaign {
		t.Errorf("message %+v: not the payload's address, organisation and campaign", m)
	}
	for _, s := range []string{thanks.To, thanks.Org, thanks.Campaign} {
		if bytes.Contains(m.Payload, []byte(s)) {
			t.Errorf("payload %s holds %q, which the message holds already", m.Payload, s)
		}
	}
	old := m
	old.ID, old.Payload = signing.NewMessageID(), thanks.Encode()
	for _, msg := range []signing.Message{m, old} {
		send.sent = nil
		if err := d.Deliver(context.Background(), msg); err != nil || len(send.sent) != 1 {
			t.Fatalf("payload %s: err %v, %d sent", msg.Payload, err, len(send.sent))
		}
		if got := send.sent[0]; got.To != thanks.To || got.ID != msg.ID || !strings.Contains(got.Text, "tell-the-courier?ref="+ref) {
			t.Errorf("payload %s: sent to %q as %q, text without the personal link:\n%s", msg.Payload, got.To, got.ID, got.Text)
		}
	}
}
