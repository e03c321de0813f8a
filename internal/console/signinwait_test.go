package console

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/mail/mailtest"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// loopbackSender is a Sender, one connection at most, to a real SMTP
// relay on loopback.
func loopbackSender(t *testing.T) (*mailtest.Server, *mail.Sender) {
	t.Helper()
	srv := mailtest.StartLocalRelay(t)
	server, err := mail.ParseServer("smtp://" + mailtest.User + ":" + strings.NewReplacer(":", "%3A", "@", "%40").Replace(mailtest.Password) +
		"@" + srv.Addr + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("Riverside Coalition <hello@riverside.example>")
	return srv, mail.NewSender(server, from, mail.SenderOptions{MaxConnections: 1})
}

// openSQLite is a real SQLite store in the test's folder.
func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

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
	srv, s := loopbackSender(t)
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

	db := openSQLite(t)
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
	w := outbox.NewWorker(db, map[string]outbox.Deliverer{MessageSignIn: SignInDeliverer(s.Send, nil)},
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

// TestSignInLinkGivenUpWithItsLife: the mail server refuses for a while
// (451), and the outbox retries a sign-in email as any email, for up to
// 48 hours, although its link works for accounts.LinkTTL. Failed before:
// once the server took mail again, 16 minutes on, the email went out
// carrying a dead link. Now it is given up (dead, unsent) once less
// than LinkMargin of the link's life is left; one whose link still
// works goes as before. The clock is the test's: the worker's and the
// deliverer's, set an hour back so that every retry is due at once.
func TestSignInLinkGivenUpWithItsLife(t *testing.T) {
	ctx := context.Background()
	srv, s := loopbackSender(t)
	db := openSQLite(t)
	clock := time.Now().Add(-time.Hour)
	now := func() time.Time { return clock }
	w := outbox.NewWorker(db, map[string]outbox.Deliverer{MessageSignIn: SignInDeliverer(s.Send, now)},
		outbox.Options{Batch: 1, Timeout: 10 * time.Second, Now: now})
	for _, c := range []struct {
		to    string
		later time.Duration // when the server takes mail again
		sent  bool
	}{{"late@o.example", accounts.LinkTTL + time.Minute, false}, {"edge@o.example", accounts.LinkTTL - LinkMargin, false}, {"soon@o.example", 5 * time.Minute, true}} {
		start := clock
		if err := OutboxMailer(db, nil)(ctx, Letter{To: c.to, Lang: "en", Subject: "Sign in", Body: "Your link", Expires: start.Add(accounts.LinkTTL)}); err != nil {
			t.Fatal(err)
		}
		srv.Refuse(451)
		if n, err := w.Once(ctx); err != nil || n != 1 {
			t.Fatalf("%s: Once: %d, %v", c.to, n, err)
		}
		srv.Refuse(0)
		clock = start.Add(c.later)
		if n, err := w.Once(ctx); err != nil || n != 1 {
			t.Fatalf("%s: Once again: %d, %v", c.to, n, err)
		}
		got := false
		for _, m := range srv.Mails() {
			got = got || slices.Contains(m.To, c.to)
		}
		if got != c.sent {
			t.Errorf("%s, the server back %v after the link was made: sent %v, want %v", c.to, c.later, got, c.sent)
		}
		pending, err := db.List(ctx, store.OutboxPending)
		if err != nil || len(pending) != 0 {
			t.Errorf("%s: %d still pending (%v), want none: sent or given up", c.to, len(pending), err)
		}
	}
	dead, err := db.List(ctx, store.OutboxDead)
	if err != nil || len(dead) != 2 {
		t.Fatalf("%d given up (%v), want 2", len(dead), err)
	}
	for _, e := range dead {
		if !strings.Contains(e.LastError, "expired") {
			t.Errorf("given up with %q, want the link's expiry named", e.LastError)
		}
	}
}

// TestSignInLetterCarriesLinkLife: the sign-in email is queued with its
// link's expiry, which SignInDeliverer keeps to; the note about a new
// passkey, whose link does not expire, carries none.
func TestSignInLetterCarriesLinkLife(t *testing.T) {
	e := newEnv(t, nil)
	b := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	b.addKey(t)
	e.c.sending.Wait()
	all := e.mail.all()
	if len(all) != 1 || !all[0].expires.IsZero() {
		t.Fatalf("the note about a new passkey: %+v, want one without an expiry", all)
	}
	e.signInByEmail("sam@example.org")
	all = e.mail.all()
	if got, want := all[len(all)-1].expires, e.clock.now().Add(accounts.LinkTTL); !got.Equal(want) {
		t.Errorf("the sign-in email's link expires %v, want %v (its token's)", got, want)
	}
}
