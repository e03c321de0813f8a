package mail_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestWaitedEmailKeepsItsInboxTurn: a paced email (here an unconfirmed
// signer's thank-you) that waited for a free connection under the
// Sender's cap until its attempt's time ran out was never sent, so it
// gives its inbox's turn in the shared pace back. It was given back
// under the attempt's context — which had just ended, that being why it
// stopped waiting — so giving it back always failed: each wait spent a
// turn, and after PaceBurst waits the inbox had none, the email held
// back (or, for a confirmation, given up unsent at its deadline) though
// nothing had ever reached it. Failed before: after five waits the inbox
// had no turn left.
func TestWaitedEmailKeepsItsInboxTurn(t *testing.T) {
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
	clock := time.Now().Truncate(time.Microsecond)
	d := &mail.Deliverer{Renderer: r, Sender: s,
		Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: func() time.Time { return clock }}}
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants",
		Campaign: "tell-the-courier", To: "ada@example.org"})
	for i := range 5 {
		// The outbox bounds each attempt (its Timeout).
		actx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		err := d.Deliver(actx, m)
		cancel()
		if !mail.NoConnection(err) {
			t.Fatalf("attempt %d with the only connection busy: %v, want the wait for a connection", i+1, err)
		}
	}
	secret, err := db.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, took, err := db.MailTurn(ctx, store.PaceHash(secret, "ada@example.org"), mail.PaceEvery, mail.PaceBurst, clock); err != nil || !took {
		t.Errorf("after five waits for a connection, none of which sent anything, the inbox has no turn left (%v): each wait spent one", err)
	}
}
