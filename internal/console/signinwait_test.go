package console

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestSignInWaitKeepsItsPlace: a sign-in email that waited for a free
// connection under the Sender's cap (--mail-connections) until its time
// limit was not tried; it must go again before the backlog of emails
// queued earlier, as it did before it waited (signInDue), or it expires
// behind a campaign's thank-yous; and the wait is not an attempt.
// Failed before: SignInDeliverer made it due "now", and the next claim
// took a thank-you queued before it (fixed in rev29a); then, with its
// place kept (outbox.Later(signInDue)), it came back on attempt 2.
func TestSignInWaitKeepsItsPlace(t *testing.T) {
	ctx := context.Background()
	srv := mailtest.StartLocalRelay(t)
	server, err := mail.ParseServer("smtp://" + mailtest.User + ":" + strings.NewReplacer(":", "%3A", "@", "%40").Replace(mailtest.Password) +
		"@" + srv.Addr + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	s := mail.NewSender(server, from, mail.SenderOptions{MaxConnections: 1})
	release := srv.HoldData()
	defer release()
	first := make(chan error, 1)
	go func() {
		first <- s.Send(context.Background(), mail.Message{ID: "first", To: "first@example.net", Subject: "s", Text: "t"})
	}()
	defer func() { release(); <-first }()
	for deadline := time.Now().Add(20 * time.Second); srv.MaxOpen() < 1; {
		if time.Now().After(deadline) {
			t.Fatal("the first send never connected")
		}
		time.Sleep(time.Millisecond)
	}

	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var backlog []signing.Message
	for range 5 {
		backlog = append(backlog, signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageEmail,
			Email: "signer@example.org", Org: "o", Campaign: "c", Payload: []byte(`{"template":"thanks"}`)})
	}
	if err := db.Enqueue(ctx, backlog); err != nil {
		t.Fatal(err)
	}
	if err := OutboxMailer(db, nil)(ctx, Letter{To: "organiser@o.example", Lang: "en", Subject: "Sign in", Body: "Your link"}); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWorker(db, map[string]outbox.Deliverer{MessageSignIn: SignInDeliverer(s.Send)},
		outbox.Options{Batch: 1, Timeout: 200 * time.Millisecond})
	if n, err := w.Once(ctx); err != nil || n != 1 {
		t.Fatalf("Once: %d, %v", n, err)
	}
	es, err := db.Claim(ctx, "w2", 1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Kind != MessageSignIn {
		t.Fatalf("after waiting for a connection, the next claim took %+v, not the sign-in email", es)
	}
	if es[0].Attempts != 1 {
		t.Errorf("the sign-in email is on attempt %d at its next claim, want 1: its wait for a connection counted as an attempt", es[0].Attempts)
	}
	if !strings.Contains(es[0].LastError, "--mail-connections") {
		t.Errorf("the sign-in email's last error is %q, want the wait for a connection", es[0].LastError)
	}
}
