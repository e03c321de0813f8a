package mail_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestSharedPaceAcrossInstances: two instances' deliverers on one
// database give one inbox its three emails at once between them — each
// instance's own pace let it three, six in all — then hold the next until
// its turn, the exact time the outbox keeps, and leave out one whose turn
// is more than an hour after it was queued. The thank-you once its
// signer confirmed is not paced.
func TestSharedPaceAcrossInstances(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Now().Truncate(time.Microsecond)
	clock := t0
	now := func() time.Time { return clock }
	r, _ := renderer(t)
	instance := func() (*mail.Deliverer, *recordingSender) {
		s := &recordingSender{}
		return &mail.Deliverer{Renderer: r, Sender: s, Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: now}}, s
	}
	d1, s1 := instance()
	d2, s2 := instance()
	thanks := func(to string, confirmed bool) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
			To: to, Confirmed: confirmed})
	}
	sent := func() int { return len(s1.sent) + len(s2.sent) }
	for i, d := range []*mail.Deliverer{d1, d2, d1, d2, d1, d2} {
		err := d.Deliver(ctx, thanks("ada+"+string(rune('a'+i))+"@example.org", false))
		if i < 3 && err != nil {
			t.Fatalf("email %d of the burst: %v", i+1, err)
		}
		if i >= 3 && (err == nil || outbox.IsPermanent(err)) {
			t.Fatalf("email %d past the burst: %v, want it held (a temporary answer)", i+1, err)
		}
	}
	if sent() != 3 {
		t.Fatalf("two instances sent %d emails to one inbox at once, want 3", sent())
	}
	if err := d2.Deliver(ctx, thanks("ada@example.org", true)); err != nil || sent() != 4 {
		t.Fatalf("the thank-you once confirmed: %v, %d sent; want it sent, unpaced", err, sent())
	}

	// Through the outbox: held until exactly its turn, ten minutes on.
	ob := store.Outbox(db)
	held := thanks("ada+held@example.org", false)
	if err := ob.Enqueue(ctx, []signing.Message{held}); err != nil {
		t.Fatal(err)
	}
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{signing.MessageEmail: d1}, outbox.Options{Now: now})
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := ob.List(ctx, store.OutboxPending)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != held.ID || !es[0].NotBefore.Equal(t0.Add(mail.PaceEvery)) {
		t.Fatalf("held: %+v, want it pending until %v", es, t0.Add(mail.PaceEvery))
	}
	clock = t0.Add(mail.PaceEvery)
	if err := d2.Deliver(ctx, held); err != nil || sent() != 5 {
		t.Fatalf("at its turn: %v, %d sent; want it sent", err, sent())
	}

	// 65 minutes on, the inbox is spent again; one more, queued at t0,
	// has its turn 75 minutes after it was queued: left out.
	clock = t0.Add(65 * time.Minute)
	for i := range 3 {
		if err := d1.Deliver(ctx, thanks("ada+late"+string(rune('a'+i))+"@example.org", false)); err != nil {
			t.Fatalf("a fresh burst: %v", err)
		}
	}
	before := sent()
	if err := d2.Deliver(ctx, thanks("ada+dropped@example.org", false)); err != nil || sent() != before {
		t.Fatalf("past the hour: %v, %d sent; want nothing sent and no error (the message leaves the outbox)", err, sent()-before)
	}
}

// TestSharedPaceRelayOutage: an email whose send fails gives its inbox's
// turn back, so a relay down for over an hour does not spend the inbox's
// turns on attempts that sent nothing and then leave the email out as
// "no turn within the hour" — a confirmation lost that way leaves its
// signature waiting until it expires, its signer never told. Attempts a
// minute apart for 70 minutes all fail with the relay's error (none is
// taken for delivered), and the first once the relay is back sends it.
func TestSharedPaceRelayOutage(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Now().Truncate(time.Microsecond)
	clock := t0
	r, _ := renderer(t)
	s := &recordingSender{err: errors.New("connection refused")}
	d := &mail.Deliverer{Renderer: r, Sender: s, Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: func() time.Time { return clock }}}
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: "northgate-tenants", Campaign: "tell-the-courier",
		To: "ada@example.org"})
	for i := 0; i <= 70; i++ {
		clock = t0.Add(time.Duration(i) * time.Minute)
		if err := d.Deliver(ctx, m); err == nil {
			t.Fatalf("attempt at minute %d with the relay down: delivered (nothing was sent), want the relay's error so it is tried again", i)
		}
	}
	s.err = nil
	clock = t0.Add(71 * time.Minute)
	if err := d.Deliver(ctx, m); err != nil || len(s.sent) != 1 {
		t.Fatalf("relay back: %v, %d sent; want the email sent", err, len(s.sent))
	}
}
