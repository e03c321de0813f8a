package mail_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestWaitedEmailKeepsItsPlace: a signer's confirmation that waited for
// a free connection under the Sender's cap (--mail-connections) until
// its time limit was never tried. It must go again before the messages
// queued after it — here the same signer's thank-you — and its wait must
// not count as an attempt (attempts set the backoff and read as failures
// in `placard outbox list`). Failed before: the deliverer made it due
// "now" (outbox.Later), so the next claim took the thank-you queued after
// it, and the confirmation came back on its second attempt.
func TestWaitedEmailKeepsItsPlace(t *testing.T) {
	ctx := context.Background()
	srv, s := localRelay(t, 1)
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
	r, _ := renderer(t)
	confirm := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
		To: "ada@example.org", Confirmed: true})
	if err := db.Enqueue(ctx, []signing.Message{confirm}); err != nil {
		t.Fatal(err)
	}
	later := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
		To: "ada@example.org", Confirmed: true})
	if err := db.Enqueue(ctx, []signing.Message{later}); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWorker(db, map[string]outbox.Deliverer{signing.MessageEmail: &mail.Deliverer{Renderer: r, Sender: s}},
		outbox.Options{Batch: 1, Timeout: 200 * time.Millisecond})
	if n, err := w.Once(ctx); err != nil || n != 1 {
		t.Fatalf("Once: %d, %v", n, err)
	}
	es, err := db.Claim(ctx, "w2", 1, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != confirm.ID {
		t.Fatalf("after the first email waited for a connection, the next claim took %d message(s), not it: it lost its place to one queued after it", len(es))
	}
	if es[0].Attempts != 1 {
		t.Errorf("the email that waited is on attempt %d at its next claim, want 1: the wait counted as an attempt", es[0].Attempts)
	}
	if !strings.Contains(es[0].LastError, "--mail-connections") {
		t.Errorf("its last error is %q, want the wait for a connection", es[0].LastError)
	}
}
