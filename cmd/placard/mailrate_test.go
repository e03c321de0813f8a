package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/console"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestSignInMailKeepsToMailRate: --mail-rate is the operator's promise to
// their relay, but the console's sign-in emails went through a sender of
// their own with a pace of its own, so with both kinds waiting Placard
// sent up to twice the rate. Now every email serve sends takes its turn
// from one pace. With one turn every 1,000 seconds and a supporter's email
// just sent, a sign-in email has no turn within its 2-second limit (it is
// tried again later), and the relay has one email. Real SMTP on loopback.
// Failed before: the sign-in email went out at once beside the other.
func TestSignInMailKeepsToMailRate(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	relay := mailtest.Start(t)
	server, err := mail.ParseServer(relay.URL())
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("O <hello@o.example>")
	m := &mailConfig{server: server, from: from, rate: 0.001, tls: relay.ClientTLS}
	if err := m.prepare(ctx, st, "https://act.example.org", nil, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	site := campaigntest.Site(t, campaigntest.Files{
		"o/org.yaml": "name: O\n",
		"o/c.yaml":   "title: C\nsummary: S\ndate: 2026-01-01\nactions:\n  - kind: petition\n    target: T\n    text: X\n",
	})
	email := m.deliverer(&outboxRunner{site: func() *campaign.Site { return site }})
	signIn := m.signInDeliverer()

	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := email.Deliver(dctx, mail.NewMessage(mail.Payload{Template: mail.TemplateData, Lang: "en", Org: "o", To: "ada@example.org"})); err != nil {
		t.Fatalf("the supporter's email: %v", err)
	}
	letter, _ := json.Marshal(map[string]string{"to": "organiser@o.example", "lang": "en", "subject": "Sign in", "body": "Your link"})
	sctx, cancel2 := context.WithTimeout(ctx, 2*time.Second)
	defer cancel2()
	err = signIn.Deliver(sctx, signing.Message{ID: signing.NewMessageID(), Kind: console.MessageSignIn, Email: "organiser@o.example", Payload: letter})
	if err == nil {
		t.Fatal("the sign-in email went out at once, beside the supporter's email's turn: two paces, twice --mail-rate")
	}
	if n := len(relay.Mails()); n != 1 {
		t.Errorf("the relay has %d emails, want 1", n)
	}
}
