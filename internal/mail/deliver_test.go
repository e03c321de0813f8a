package mail_test

import (
	"context"
	"errors"
	"testing"

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
