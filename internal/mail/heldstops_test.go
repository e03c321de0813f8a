package mail_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestHeldConfirmationStops: the held confirmation's retry paths
// (outbox.Until while its inbox has no turn, outbox.Kept through a
// passing failure) end for a campaign no longer published and for an
// erased person. The removed campaign's is given up at once (it can
// never be written): dead, no pace turn taken, not counted as never sent.
// The erased person's held one is gone with the erasure: the worker's
// next rounds send nothing, keep no row with the address, and count
// nothing. (The store's side — a worker's report on a message erased
// while it held it — is storetest ErasedWhileClaimed, both engines.)
func TestHeldConfirmationStops(t *testing.T) {
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
	r.Now = now
	relay, delivered := fakeRelay(t, false, nil)
	server, err := mail.ParseServer("smtp://" + relay + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{}),
		Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: now}}
	ob := store.Outbox(db)
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{signing.MessageEmail: d}, outbox.Options{Now: now, MaxAge: 48 * time.Hour})
	confirm := func(campaign, to string) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: "northgate-tenants",
			Campaign: campaign, To: to, Days: 7, Signed: t0.UnixMicro()})
	}
	ada := confirm("tell-the-courier", "ada@example.org")
	gone := confirm("a-letter-since-removed", "bob@example.org")
	if err := ob.Enqueue(ctx, []signing.Message{ada, gone}); err != nil {
		t.Fatal(err)
	}
	// Three days on, ada's inbox had its turns spent by someone else.
	clock = t0.Add(72 * time.Hour)
	secret := must(db.Secret(ctx))
	for {
		_, took, err := db.MailTurn(ctx, store.PaceHash(secret, "ada@example.org"), mail.PaceEvery, mail.PaceBurst, clock)
		if err != nil {
			t.Fatal(err)
		}
		if !took {
			break
		}
	}
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	pending, err := ob.List(ctx, store.OutboxPending)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 1 || pending[0].ID != ada.ID {
		t.Fatalf("pending %+v; want ada's confirmation held for its turn", pending)
	}
	dead, err := ob.List(ctx, store.OutboxDead)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].ID != gone.ID {
		t.Fatalf("dead %+v; want the removed campaign's confirmation given up at once", dead)
	}
	// The removed campaign's took none of bob's turns.
	for i := range mail.PaceBurst {
		if _, took, err := db.MailTurn(ctx, store.PaceHash(secret, "bob@example.org"), mail.PaceEvery, mail.PaceBurst, clock); err != nil || !took {
			t.Fatalf("bob's turn %d: %v, %v; want his inbox's turns whole", i+1, took, err)
		}
	}
	// Held, ada is erased; her turn then comes.
	if _, err := db.Erase(ctx, "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	clock = pending[0].NotBefore.Add(time.Minute)
	for range 3 {
		if _, err := w.Once(ctx); err != nil {
			t.Fatal(err)
		}
		clock = clock.Add(mail.PaceEvery)
	}
	all, err := ob.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.Email == "ada@example.org" {
			t.Errorf("an outbox row keeps the erased address after the worker's rounds: %+v", e)
		}
	}
	if n := delivered.Load(); n != 0 {
		t.Errorf("the relay had %d messages; want none (one erased, one of a removed campaign)", n)
	}
	unsent, err := db.UnsentCounts(ctx, "northgate-tenants")
	if err != nil {
		t.Fatal(err)
	}
	if len(unsent) != 0 {
		t.Errorf("confirmations counted as never sent: %v; want none (neither was given up for want of a turn)", unsent)
	}
}
