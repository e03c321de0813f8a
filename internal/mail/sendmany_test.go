package mail_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
)

// TestSendManyOneConnection sends a batch over ONE connection to a real
// SMTP server (STARTTLS, password) and keeps each message's own outcome:
// the recipient refused for good fails its own message only, a passing
// refusal is not permanent, the others arrive with their own Message-ID,
// and no error names an address.
func TestSendManyOneConnection(t *testing.T) {
	srv := mailtest.Start(t)
	server, err := mail.ParseServer(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	s := mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})
	var ms []mail.Message
	for i := range 5 {
		ms = append(ms, mail.Message{ID: fmt.Sprintf("evt%d", i), To: fmt.Sprintf("signer%d@example.net", i),
			Subject: "Thank you", Text: "t", HTML: "<p>h</p>"})
	}
	srv.RefuseAddress("signer1@example.net", 550)
	srv.RefuseAddress("signer3@example.net", 451)
	errs := s.SendMany(context.Background(), ms)
	if len(errs) != len(ms) {
		t.Fatalf("%d errors for %d messages", len(errs), len(ms))
	}
	for i, err := range errs {
		switch i {
		case 1:
			if err == nil || !mail.IsPermanent(err) {
				t.Errorf("message 1 (550): %v; want a permanent error", err)
			}
		case 3:
			if err == nil || mail.IsPermanent(err) {
				t.Errorf("message 3 (451): %v; want a passing error", err)
			}
		default:
			if err != nil {
				t.Errorf("message %d: %v", i, err)
			}
		}
		if err != nil && strings.Contains(err.Error(), "@example.net") {
			t.Errorf("message %d's error names the address: %v", i, err)
		}
	}
	got := srv.Wait(t, 3)
	if len(got) != 3 {
		t.Fatalf("server got %d messages; want 3", len(got))
	}
	for j, i := range []int{0, 2, 4} {
		if got[j].To[0] != ms[i].To || got[j].Header.Get("Message-Id") != "<"+ms[i].ID+"@riverside.example>" {
			t.Errorf("mail %d: to %v, id %q; want %s, %s", j, got[j].To, got[j].Header.Get("Message-Id"), ms[i].To, ms[i].ID)
		}
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("%d connections for a batch of %d; want 1", n, len(ms))
	}
}

// TestSendManyNoServer fails every message of a batch, as one to try
// again, when the server cannot be reached.
func TestSendManyNoServer(t *testing.T) {
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	// Not trusting the test's certificate: no connection can be made.
	s := mail.NewSender(server, from, mail.SenderOptions{})
	errs := s.SendMany(context.Background(), []mail.Message{
		{To: "a@example.net", Subject: "s", Text: "t", HTML: "h"},
		{To: "b@example.net", Subject: "s", Text: "t", HTML: "h"},
	})
	for i, err := range errs {
		if err == nil || mail.IsPermanent(err) {
			t.Errorf("message %d: %v; want an error to try again", i, err)
		}
	}
	if n := len(srv.Mails()); n != 0 {
		t.Errorf("server got %d messages", n)
	}
}

// TestDeliverBatchOneConnection: the email deliverer sends a batch's
// emails over one connection to a real SMTP server and answers one
// outcome per message — a suppressed address is delivered by sending
// nothing, an unreadable payload is permanent, the rest arrive.
func TestDeliverBatchOneConnection(t *testing.T) {
	r, _ := renderer(t)
	srv := mailtest.Start(t)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS}),
		Suppressed:  func(_ context.Context, org, email string) (bool, error) { return email == "gone@example.net", nil },
		Connections: 1}
	var ms []signing.Message
	for _, to := range []string{"a@example.net", "gone@example.net", "b@example.net", "bad", "c@example.net"} {
		ms = append(ms, mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en",
			Org: "northgate-tenants", Campaign: "tell-the-courier", To: to}))
	}
	ms[3].Payload = []byte("{not json")
	errs := d.DeliverBatch(context.Background(), ms)
	for i, err := range errs {
		if (i == 3) != outbox.IsPermanent(err) || (i != 3 && err != nil) {
			t.Errorf("message %d: %v", i, err)
		}
	}
	got := srv.Wait(t, 3)
	if len(got) != 3 || got[0].To[0] != "a@example.net" || got[2].To[0] != "c@example.net" {
		t.Errorf("server got %d messages: %+v", len(got), got)
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("%d connections for one batch; want 1", n)
	}
	var _ outbox.BatchDeliverer = d
}

// TestDeliverBatchSpreadsOverConnections: a batch goes out over a few
// connections side by side (the default, 4), never one per message, and
// every message keeps its own outcome in order — a refused recipient fails
// only its own message, wherever in the batch it falls.
func TestDeliverBatchSpreadsOverConnections(t *testing.T) {
	r, _ := renderer(t)
	srv := mailtest.Start(t)
	srv.RefuseAddress("refused@example.net", 550)
	server, _ := mail.ParseServer(srv.URL())
	from, _ := mail.ParseFrom("hello@riverside.example")
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{TLS: srv.ClientTLS})}
	var ms []signing.Message
	for i := range 10 {
		to := fmt.Sprintf("s%d@example.net", i)
		if i == 6 {
			to = "refused@example.net"
		}
		ms = append(ms, mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en",
			Org: "northgate-tenants", Campaign: "tell-the-courier", To: to}))
	}
	errs := d.DeliverBatch(context.Background(), ms)
	for i, err := range errs {
		if (i == 6) != (err != nil) {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if !outbox.IsPermanent(errs[6]) {
		t.Errorf("refused recipient: %v, want a permanent error", errs[6])
	}
	got := srv.Wait(t, 9)
	seen := map[string]bool{}
	for _, m := range got {
		seen[m.To[0]] = true
	}
	for i := range 10 {
		if to := fmt.Sprintf("s%d@example.net", i); i != 6 && !seen[to] {
			t.Errorf("%s not delivered", to)
		}
	}
	if n := srv.Connections(); n != mail.DefaultConnections {
		t.Errorf("%d connections for a batch of 10; want %d", n, mail.DefaultConnections)
	}
}
