package mail_test

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/signing"
)

// TestResendSameMessageID: the outbox delivers at least once — a worker
// that dies, or a connection lost, after the relay took a message and
// before the outbox recorded it, sends it again when its lease ends — so
// every sending of one outbox message, one by one or in a batch, carries
// the same Message-ID, made of the message's id, for receivers and CRMs
// to drop the repeat. Through a real SMTP server on loopback.
func TestResendSameMessageID(t *testing.T) {
	srv := mailtest.Start(t)
	server, err := mail.ParseServer(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	r, _ := renderer(t)
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS, Rate: 1000})}
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants",
		Campaign: "tell-the-courier", To: "twice@example.net"})
	if err := d.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	// Sent again, as the outbox does once the lease of a claim whose
	// Done was lost has ended: the same stored message, by itself and
	// in a batch.
	if err := d.Deliver(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if errs := d.DeliverBatch(context.Background(), []signing.Message{m}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	got := srv.Wait(t, 3)
	want := "<" + m.ID + "@riverside.example>"
	for i, g := range got {
		if id := g.Header.Get("Message-Id"); id != want {
			t.Errorf("sending %d: Message-ID %q, want %q on every sending of the message", i+1, id, want)
		}
	}
}
