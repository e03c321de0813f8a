package mail_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
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

// TestSharedPaceConfirmationWaits: a signature's own confirmation whose
// inbox has no turn within the hour is held — past the outbox's maximum
// age too — until its signature's deadline, not left out with nothing
// telling anyone (its signature then silently never confirmed); a copy
// queued again by a repeat of the signature is still left out past the
// hour, so repeats typed by anyone never pile up ahead of it; held
// together at one turn, the signature's own goes first; and one whose
// inbox never has a turn before the deadline is given up and counted
// for its campaign.
func TestSharedPaceConfirmationWaits(t *testing.T) {
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
	s := &recordingSender{}
	d := &mail.Deliverer{Renderer: r, Sender: s, Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: now}}
	const org, camp = "northgate-tenants", "tell-the-courier"
	confirm := func(to string, again bool) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: org, Campaign: camp,
			To: to, Days: 7, Signed: t0.UnixMicro(), Again: again})
	}
	// spend takes every turn of ada's inbox until at least until, as
	// someone typing her address over and over on other instances would.
	spend := func(until time.Time) {
		inbox := store.PaceHash(must(db.Secret(ctx)), "ada@example.org")
		for at := clock; ; {
			next, took, err := db.MailTurn(ctx, inbox, mail.PaceEvery, mail.PaceBurst, at)
			if err != nil {
				t.Fatal(err)
			}
			if !took && !next.Before(until) {
				return
			}
			if !took {
				at = next
			}
		}
	}
	ob := store.Outbox(db)
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{signing.MessageEmail: d}, outbox.Options{Now: now, MaxAge: 48 * time.Hour})
	pending := func() []store.OutboxEntry {
		t.Helper()
		es, err := ob.List(ctx, store.OutboxPending)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	// due makes the held messages due by the outbox's own clock (its
	// claims read the real time; this test's clock runs ahead).
	due := func() {
		t.Helper()
		at := time.Now()
		for _, e := range pending() {
			if err := ob.Retry(ctx, e.ID, at, e.LastError); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Held together at one turn, the signature's own confirmation goes
	// before a repeat's copy queued after it.
	own := confirm("ada@example.org", false)
	rep := confirm("ada+r@example.org", true)
	if err := ob.Enqueue(ctx, []signing.Message{own, rep}); err != nil {
		t.Fatal(err)
	}
	spend(t0.Add(mail.PaceEvery / 2))
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if es := pending(); len(es) != 2 || len(s.sent) != 0 {
		t.Fatalf("with no turn for minutes: pending %+v, %d sent; want both held", es, len(s.sent))
	}
	clock = pending()[0].NotBefore
	due()
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 1 || s.sent[0].ID != own.ID {
		t.Fatalf("at the turn: sent %d (%+v), want the signature's own confirmation", len(s.sent), s.sent)
	}

	// With no turn for two hours the signature's own is held, not left
	// out; a repeat's copy in the same plight is left out.
	own = confirm("ada@example.org", false)
	if err := ob.Enqueue(ctx, []signing.Message{own}); err != nil {
		t.Fatal(err)
	}
	spend(clock.Add(2 * mail.PaceHorizon))
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if es := pending(); len(es) != 2 || es[1].ID != own.ID {
		t.Fatalf("the signature's own confirmation with no turn for two hours: pending %+v; want it held, not left out", es)
	}
	if err := d.Deliver(ctx, confirm("ada+again@example.org", true)); err != nil || len(s.sent) != 1 {
		t.Fatalf("a repeat's copy with no turn within the hour: %v, %d sent; want it left out (nil, nothing sent)", err, len(s.sent)-1)
	}

	// Three days on, past the outbox's maximum age, the inbox spent
	// again: still held; at its turn it goes, saying the days its
	// signature has left.
	clock = t0.Add(72 * time.Hour)
	spend(clock.Add(mail.PaceEvery / 2))
	due()
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	es := pending()
	if len(es) != 1 || es[0].ID != own.ID {
		t.Fatalf("three days on (the maximum age 48 h): pending %+v; want the signature's own held, not dead", es)
	}
	clock = es[0].NotBefore
	due()
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if len(s.sent) != 2 || s.sent[1].ID != own.ID {
		t.Fatalf("at its turn three days on: %d sent; want it sent", len(s.sent)-1)
	}
	if got := s.sent[1].Text; !strings.Contains(got, "erased in 4 days") {
		t.Errorf("sent three days late, its note: %q; want the 4 days its signature has left", got)
	}

	// Another signature's confirmation whose inbox has no turn before
	// its signature's seven days are over is given up, and counted.
	clock = t0.Add(6*24*time.Hour + 23*time.Hour)
	spend(t0.Add(8 * 24 * time.Hour))
	before := len(s.sent)
	if err := d.Deliver(ctx, confirm("ada@example.org", false)); err != nil || len(s.sent) != before {
		t.Fatalf("no turn before the deadline: %v, %d sent; want it given up (nil, nothing sent)", err, len(s.sent)-before)
	}
	if got, err := db.UnsentCounts(ctx, org); err != nil || got[camp] != 1 || len(got) != 1 {
		t.Fatalf("UnsentCounts: %v, %v; want %s: 1", got, err, camp)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestDataLinkPaceAcrossInstances: the data-page link, which anyone may
// have sent to any address through the data page's form, is paced one
// per inbox and organisation every ten minutes across all instances: the
// second instance's link to the same inbox within ten minutes is left
// out (no error: asking again sends it), another organisation's goes,
// and ten minutes on the inbox has its link again. A link whose send
// failed gives its turn back. Failed before: each instance kept its own
// pace, and two instances sent two links at once.
func TestDataLinkPaceAcrossInstances(t *testing.T) {
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
	link := func(org, to string) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateData, Lang: "en", Org: org, To: to})
	}
	sent := func() int { return len(s1.sent) + len(s2.sent) }

	s1.err = errors.New("connection refused")
	if err := d1.Deliver(ctx, link("northgate-tenants", "ada@example.org")); err == nil || sent() != 0 {
		t.Fatalf("with the relay down: %v, %d sent; want its error", err, sent())
	}
	s1.err = nil
	if err := d1.Deliver(ctx, link("northgate-tenants", "ada@example.org")); err != nil || sent() != 1 {
		t.Fatalf("the first link (the failed one gave its turn back): %v, %d sent; want it sent", err, sent())
	}
	if err := d2.Deliver(ctx, link("northgate-tenants", "ada+x@example.org")); err != nil || sent() != 1 {
		t.Fatalf("another instance's link to the same inbox at once: %v, %d sent; want it left out, no error", err, sent()-1)
	}
	if err := d2.Deliver(ctx, link("shared-shore", "ada@example.org")); err != nil || sent() != 2 {
		t.Fatalf("another organisation's link: %v, %d sent; want it sent", err, sent()-1)
	}
	clock = t0.Add(mail.DataLinkEvery)
	if err := d2.Deliver(ctx, link("northgate-tenants", "ada@example.org")); err != nil || sent() != 3 {
		t.Fatalf("ten minutes on: %v, %d sent; want it sent", err, sent()-2)
	}
}

// TestSharedPaceHeldConfirmationSurvivesAFailure: a signature's own
// confirmation held for its inbox's turn past the outbox's maximum age
// (outbox.Until) that meets a passing failure at its turn — here a real
// loopback relay answering 451 — is tried again, not marked dead. Failed
// before: held 72 h (maximum age 48 h), its first ordinary failure took
// the worker's aging rule and marked it dead, so the valid signature
// silently never confirmed, and was not even counted as unsent.
func TestSharedPaceHeldConfirmationSurvivesAFailure(t *testing.T) {
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
	server, err := mail.ParseServer("smtp://" + refusingRelay(t, "250 2.1.0 ok", "451 4.3.0 try again later") + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	d := &mail.Deliverer{Renderer: r, Sender: mail.NewSender(server, from, mail.SenderOptions{}),
		Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: now}}
	ob := store.Outbox(db)
	w := outbox.NewWorker(ob, map[string]outbox.Deliverer{signing.MessageEmail: d}, outbox.Options{Now: now, MaxAge: 48 * time.Hour})
	list := func(status store.OutboxStatus) []store.OutboxEntry {
		t.Helper()
		es, err := ob.List(ctx, status)
		if err != nil {
			t.Fatal(err)
		}
		return es
	}
	own := mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: "northgate-tenants",
		Campaign: "tell-the-courier", To: "ada@example.org", Days: 7, Signed: t0.UnixMicro()})
	if err := ob.Enqueue(ctx, []signing.Message{own}); err != nil {
		t.Fatal(err)
	}
	// Three days on, ada's inbox had its turns spent by someone else.
	clock = t0.Add(72 * time.Hour)
	inbox := store.PaceHash(must(db.Secret(ctx)), "ada@example.org")
	for {
		_, took, err := db.MailTurn(ctx, inbox, mail.PaceEvery, mail.PaceBurst, clock)
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
	es := list(store.OutboxPending)
	if len(es) != 1 {
		t.Fatalf("three days on with no turn: pending %+v; want it held", es)
	}
	// Its turn comes, and the relay answers 451 this once.
	clock = es[0].NotBefore
	if err := ob.Retry(ctx, es[0].ID, time.Now(), es[0].LastError); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	if dead := list(store.OutboxDead); len(dead) != 0 {
		t.Fatalf("held three days, then a 451 at its turn: marked dead (%s); want it tried again while its signature waits", dead[0].LastError)
	}
	if es := list(store.OutboxPending); len(es) != 1 || es[0].ID != own.ID {
		t.Fatalf("after a 451 at its turn: pending %+v; want the confirmation", es)
	}
}

// TestSharedPaceGivenUpUnderItsCampaignsName: a confirmation queued
// before its campaign was renamed (org.yaml redirects) and given up after
// is counted under the campaign's name now, the one the dashboard and
// placard stats read. Failed before: it was counted under the old name,
// which no page shows.
func TestSharedPaceGivenUpUnderItsCampaignsName(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Now().Truncate(time.Microsecond)
	clock := t0.Add(6*24*time.Hour + 23*time.Hour)
	now := func() time.Time { return clock }
	r, _ := renderer(t)
	r.Now = now
	const org = "northgate-tenants"
	o := r.Site().Org(org)
	o.Redirects = append(o.Redirects, campaign.Redirect{From: "the-courier", To: "tell-the-courier"})
	s := &recordingSender{}
	d := &mail.Deliverer{Renderer: r, Sender: s, Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: now}}
	inbox := store.PaceHash(must(db.Secret(ctx)), "ada@example.org")
	for at := clock; at.Before(t0.Add(8 * 24 * time.Hour)); {
		next, took, err := db.MailTurn(ctx, inbox, mail.PaceEvery, mail.PaceBurst, at)
		if err != nil {
			t.Fatal(err)
		}
		if !took {
			at = next
		}
	}
	m := mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: org, Campaign: "the-courier",
		To: "ada@example.org", Days: 7, Signed: t0.UnixMicro()})
	if err := d.Deliver(ctx, m); err != nil || len(s.sent) != 0 {
		t.Fatalf("no turn before the deadline: %v, %d sent; want it given up", err, len(s.sent))
	}
	if got, err := db.UnsentCounts(ctx, org); err != nil || len(got) != 1 || got["tell-the-courier"] != 1 {
		t.Fatalf("UnsentCounts: %v, %v; want tell-the-courier: 1 (the campaign's name now)", got, err)
	}
}

// TestSharedPaceHeldConfirmationOfAConfirmedSignature: a signature's own
// confirmation held past the hour (its inbox had no turn) whose signature
// was confirmed meanwhile — through a repeat's copy that did go — is not
// sent days later asking to confirm again, nor counted as never sent
// when its deadline comes. Failed before: sent at its turn two days on
// ("erased in 5 days" to a signer already confirmed), and counted on the
// dashboard as a confirmation never sent.
func TestSharedPaceHeldConfirmationOfAConfirmedSignature(t *testing.T) {
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
	const org, camp = "northgate-tenants", "tell-the-courier"
	s := &recordingSender{}
	d := &mail.Deliverer{Renderer: r, Sender: s, Pace: &mail.SharedPace{Store: db, Secret: db.Secret, Now: now},
		Waiting: mail.WaitingIn(db)}
	sig := func(email string) *signing.Signature {
		return &signing.Signature{Org: org, Campaign: camp, Action: "sign", Kind: signing.KindIndividual,
			Status: signing.StatusUnconfirmed, Name: "Ada", Email: email, ConsentText: "I agree.",
			ConsentAt: t0, Lang: "en", CreatedAt: t0}
	}
	if _, err := db.AddSignatures(ctx, []*signing.Signature{sig("ada@example.org"), sig("bea@example.org")}); err != nil {
		t.Fatal(err)
	}
	confirm := func(to string) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: org, Campaign: camp,
			To: to, Days: 7, Signed: t0.UnixMicro()})
	}
	if _, err := db.Confirm(ctx, org, camp, "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	// Two days on, ada's turn comes: her signature is confirmed.
	clock = t0.Add(48 * time.Hour)
	if err := d.Deliver(ctx, confirm("ada@example.org")); err != nil || len(s.sent) != 0 {
		t.Fatalf("held two days, its signature confirmed meanwhile: %v, %d sent; want nothing sent", err, len(s.sent))
	}
	// bea's still waits: hers goes.
	if err := d.Deliver(ctx, confirm("bea@example.org")); err != nil || len(s.sent) != 1 {
		t.Fatalf("held two days, its signature still waiting: %v, %d sent; want it sent", err, len(s.sent))
	}
	// At the deadline with no turn, a confirmed signature's is not
	// counted as never sent.
	clock = t0.Add(6*24*time.Hour + 23*time.Hour)
	inbox := store.PaceHash(must(db.Secret(ctx)), "ada@example.org")
	for at := clock; at.Before(t0.Add(8 * 24 * time.Hour)); {
		next, took, err := db.MailTurn(ctx, inbox, mail.PaceEvery, mail.PaceBurst, at)
		if err != nil {
			t.Fatal(err)
		}
		if !took {
			at = next
		}
	}
	if err := d.Deliver(ctx, confirm("ada@example.org")); err != nil || len(s.sent) != 1 {
		t.Fatalf("at the deadline: %v, %d sent; want nothing sent", err, len(s.sent)-1)
	}
	if got, err := db.UnsentCounts(ctx, org); err != nil || len(got) != 0 {
		t.Fatalf("UnsentCounts: %v, %v; want none (the signature was confirmed)", got, err)
	}
}
