package mail_test

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
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

// paceRig is what every shared-pace test starts from: a real SQLite
// database, a test clock that starts at t0 and moves only when the test
// sets it, and the example campaigns' renderer. Each test moves clock
// itself; deliverers and outbox workers made here read it.
type paceRig struct {
	t     *testing.T
	ctx   context.Context
	db    *sqlite.DB
	r     *mail.Renderer
	t0    time.Time
	clock time.Time
}

func newPaceRig(t *testing.T) *paceRig {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	t0 := time.Now().Truncate(time.Microsecond)
	r, _ := renderer(t)
	return &paceRig{t: t, ctx: ctx, db: db, r: r, t0: t0, clock: t0}
}

func (p *paceRig) now() time.Time { return p.clock }

// renderOnClock makes the renderer's clock (the days a confirmation says
// its signature has left) the test's clock too.
func (p *paceRig) renderOnClock() { p.r.Now = p.now }

// deliverer is one instance's deliverer: its own sender, the database's
// shared pace on the test clock.
func (p *paceRig) deliverer(s mail.Sending) *mail.Deliverer {
	return &mail.Deliverer{Renderer: p.r, Sender: s, Pace: &mail.SharedPace{Store: p.db, Secret: p.db.Secret, Now: p.now}}
}

// recording is an instance whose sender records what it sends.
func (p *paceRig) recording() (*mail.Deliverer, *recordingSender) {
	s := &recordingSender{}
	return p.deliverer(s), s
}

// worker is an outbox worker delivering email through d on the test clock.
func (p *paceRig) worker(d *mail.Deliverer, o outbox.Options) *outbox.Worker {
	o.Now = p.now
	return outbox.NewWorker(store.Outbox(p.db), map[string]outbox.Deliverer{signing.MessageEmail: d}, o)
}

func (p *paceRig) enqueue(ms ...signing.Message) {
	p.t.Helper()
	if err := store.Outbox(p.db).Enqueue(p.ctx, ms); err != nil {
		p.t.Fatal(err)
	}
}

func (p *paceRig) once(w *outbox.Worker) {
	p.t.Helper()
	if _, err := w.Once(p.ctx); err != nil {
		p.t.Fatal(err)
	}
}

func (p *paceRig) list(status store.OutboxStatus) []store.OutboxEntry {
	p.t.Helper()
	es, err := store.Outbox(p.db).List(p.ctx, status)
	if err != nil {
		p.t.Fatal(err)
	}
	return es
}

// due makes the held messages due by the outbox's own clock (its claims
// read the real time; the test's clock runs ahead).
func (p *paceRig) due() {
	p.t.Helper()
	at := time.Now()
	for _, e := range p.list(store.OutboxPending) {
		if err := store.Outbox(p.db).Retry(p.ctx, e.ID, at, e.LastError); err != nil {
			p.t.Fatal(err)
		}
	}
}

// spend takes every turn of an inbox from the clock on until the next
// one is at or after until, as someone typing that address over and over
// on other instances would.
func (p *paceRig) spend(email string, until time.Time) {
	p.t.Helper()
	inbox := store.PaceHash(must(p.db.Secret(p.ctx)), email)
	for at := p.clock; ; {
		next, took, err := p.db.MailTurn(p.ctx, inbox, mail.PaceEvery, mail.PaceBurst, at)
		if err != nil {
			p.t.Fatal(err)
		}
		if !took && !next.Before(until) {
			return
		}
		if !took {
			at = next
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Every message these tests send goes to one campaign of the example
// organisation (or, for the data-page link, to an organisation only).
const paceOrg, paceCamp = "northgate-tenants", "tell-the-courier"

func paceThanks(to string, confirmed bool) signing.Message {
	return mail.NewMessage(mail.Payload{Template: mail.TemplateThanks, Lang: "en", Org: paceOrg, Campaign: paceCamp,
		To: to, Confirmed: confirmed})
}

// paceConfirm is a signature's confirmation, signed at signed with seven
// days to confirm; again marks a repeat's copy.
func paceConfirm(campaign, to string, signed time.Time, again bool) signing.Message {
	return mail.NewMessage(mail.Payload{Template: mail.TemplateConfirm, Lang: "en", Org: paceOrg, Campaign: campaign,
		To: to, Days: 7, Signed: signed.UnixMicro(), Again: again})
}

// TestSharedPaceAcrossInstances: two instances' deliverers on one
// database give one inbox its three emails at once between them — each
// instance's own pace let it three, six in all — then hold the next until
// its turn, the exact time the outbox keeps, and leave out one whose turn
// is more than an hour after it was queued. The thank-you once its
// signer confirmed is not paced.
func TestSharedPaceAcrossInstances(t *testing.T) {
	p := newPaceRig(t)
	ctx, t0 := p.ctx, p.t0
	d1, s1 := p.recording()
	d2, s2 := p.recording()
	sent := func() int { return len(s1.sent) + len(s2.sent) }
	for i, d := range []*mail.Deliverer{d1, d2, d1, d2, d1, d2} {
		err := d.Deliver(ctx, paceThanks("ada+"+string(rune('a'+i))+"@example.org", false))
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
	if err := d2.Deliver(ctx, paceThanks("ada@example.org", true)); err != nil || sent() != 4 {
		t.Fatalf("the thank-you once confirmed: %v, %d sent; want it sent, unpaced", err, sent())
	}

	// Through the outbox: held until exactly its turn, ten minutes on.
	held := paceThanks("ada+held@example.org", false)
	p.enqueue(held)
	p.once(p.worker(d1, outbox.Options{}))
	if es := p.list(store.OutboxPending); len(es) != 1 || es[0].ID != held.ID || !es[0].NotBefore.Equal(t0.Add(mail.PaceEvery)) {
		t.Fatalf("held: %+v, want it pending until %v", es, t0.Add(mail.PaceEvery))
	}
	p.clock = t0.Add(mail.PaceEvery)
	if err := d2.Deliver(ctx, held); err != nil || sent() != 5 {
		t.Fatalf("at its turn: %v, %d sent; want it sent", err, sent())
	}

	// 65 minutes on, the inbox is spent again; one more, queued at t0,
	// has its turn 75 minutes after it was queued: left out.
	p.clock = t0.Add(65 * time.Minute)
	for i := range 3 {
		if err := d1.Deliver(ctx, paceThanks("ada+late"+string(rune('a'+i))+"@example.org", false)); err != nil {
			t.Fatalf("a fresh burst: %v", err)
		}
	}
	before := sent()
	if err := d2.Deliver(ctx, paceThanks("ada+dropped@example.org", false)); err != nil || sent() != before {
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
	p := newPaceRig(t)
	ctx, t0 := p.ctx, p.t0
	d, s := p.recording()
	s.err = errors.New("connection refused")
	m := paceThanks("ada@example.org", false)
	for i := 0; i <= 70; i++ {
		p.clock = t0.Add(time.Duration(i) * time.Minute)
		if err := d.Deliver(ctx, m); err == nil {
			t.Fatalf("attempt at minute %d with the relay down: delivered (nothing was sent), want the relay's error so it is tried again", i)
		}
	}
	s.err = nil
	p.clock = t0.Add(71 * time.Minute)
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
	p := newPaceRig(t)
	p.renderOnClock()
	ctx, t0 := p.ctx, p.t0
	d, s := p.recording()
	confirm := func(to string, again bool) signing.Message { return paceConfirm(paceCamp, to, t0, again) }
	w := p.worker(d, outbox.Options{MaxAge: 48 * time.Hour})
	pending := func() []store.OutboxEntry { t.Helper(); return p.list(store.OutboxPending) }

	// Held together at one turn, the signature's own confirmation goes
	// before a repeat's copy queued after it.
	own := confirm("ada@example.org", false)
	rep := confirm("ada+r@example.org", true)
	p.enqueue(own, rep)
	p.spend("ada@example.org", t0.Add(mail.PaceEvery/2))
	p.once(w)
	if es := pending(); len(es) != 2 || len(s.sent) != 0 {
		t.Fatalf("with no turn for minutes: pending %+v, %d sent; want both held", es, len(s.sent))
	}
	p.clock = pending()[0].NotBefore
	p.due()
	p.once(w)
	if len(s.sent) != 1 || s.sent[0].ID != own.ID {
		t.Fatalf("at the turn: sent %d (%+v), want the signature's own confirmation", len(s.sent), s.sent)
	}

	// With no turn for two hours the signature's own is held, not left
	// out; a repeat's copy in the same plight is left out.
	own = confirm("ada@example.org", false)
	p.enqueue(own)
	p.spend("ada@example.org", p.clock.Add(2*mail.PaceHorizon))
	p.once(w)
	if es := pending(); len(es) != 2 || es[1].ID != own.ID {
		t.Fatalf("the signature's own confirmation with no turn for two hours: pending %+v; want it held, not left out", es)
	}
	// The shared pace never holds an inbox past a turn from now (a row
	// further ahead is brought back: storetest's MailPaceClockBack), so
	// "no turn within the hour" is counted from when the copy was queued:
	// one queued two hours ago and still waiting is left out.
	again := confirm("ada+again@example.org", true)
	again.ID = messageIDAt(p.clock.Add(-2 * mail.PaceHorizon))
	if err := d.Deliver(ctx, again); err != nil || len(s.sent) != 1 {
		t.Fatalf("a repeat's copy with no turn within the hour: %v, %d sent; want it left out (nil, nothing sent)", err, len(s.sent)-1)
	}

	// Three days on, past the outbox's maximum age, the inbox spent
	// again: still held; at its turn it goes, saying the days its
	// signature has left.
	p.clock = t0.Add(72 * time.Hour)
	p.spend("ada@example.org", p.clock.Add(mail.PaceEvery/2))
	p.due()
	p.once(w)
	es := pending()
	if len(es) != 1 || es[0].ID != own.ID {
		t.Fatalf("three days on (the maximum age 48 h): pending %+v; want the signature's own held, not dead", es)
	}
	p.clock = es[0].NotBefore
	p.due()
	p.once(w)
	if len(s.sent) != 2 || s.sent[1].ID != own.ID {
		t.Fatalf("at its turn three days on: %d sent; want it sent", len(s.sent)-1)
	}
	if got := s.sent[1].Text; !strings.Contains(got, "erased in 4 days") {
		t.Errorf("sent three days late, its note: %q; want the 4 days its signature has left", got)
	}

	// Another signature's confirmation whose inbox has no turn before
	// its signature's seven days are over is given up, and counted: five
	// minutes before them, the inbox's next turn ten minutes off.
	p.clock = t0.Add(7*24*time.Hour - 5*time.Minute)
	p.spend("ada@example.org", t0.Add(8*24*time.Hour))
	before := len(s.sent)
	if err := d.Deliver(ctx, confirm("ada@example.org", false)); err != nil || len(s.sent) != before {
		t.Fatalf("no turn before the deadline: %v, %d sent; want it given up (nil, nothing sent)", err, len(s.sent)-before)
	}
	if got, err := p.db.UnsentCounts(ctx, paceOrg); err != nil || got[paceCamp] != 1 || len(got) != 1 {
		t.Fatalf("UnsentCounts: %v, %v; want %s: 1", got, err, paceCamp)
	}
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
	p := newPaceRig(t)
	ctx, t0 := p.ctx, p.t0
	d1, s1 := p.recording()
	d2, s2 := p.recording()
	link := func(org, to string) signing.Message {
		return mail.NewMessage(mail.Payload{Template: mail.TemplateData, Lang: "en", Org: org, To: to})
	}
	sent := func() int { return len(s1.sent) + len(s2.sent) }

	s1.err = errors.New("connection refused")
	if err := d1.Deliver(ctx, link(paceOrg, "ada@example.org")); err == nil || sent() != 0 {
		t.Fatalf("with the relay down: %v, %d sent; want its error", err, sent())
	}
	s1.err = nil
	if err := d1.Deliver(ctx, link(paceOrg, "ada@example.org")); err != nil || sent() != 1 {
		t.Fatalf("the first link (the failed one gave its turn back): %v, %d sent; want it sent", err, sent())
	}
	if err := d2.Deliver(ctx, link(paceOrg, "ada+x@example.org")); err != nil || sent() != 1 {
		t.Fatalf("another instance's link to the same inbox at once: %v, %d sent; want it left out, no error", err, sent()-1)
	}
	if err := d2.Deliver(ctx, link("shared-shore", "ada@example.org")); err != nil || sent() != 2 {
		t.Fatalf("another organisation's link: %v, %d sent; want it sent", err, sent()-1)
	}
	p.clock = t0.Add(mail.DataLinkEvery)
	if err := d2.Deliver(ctx, link(paceOrg, "ada@example.org")); err != nil || sent() != 3 {
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
	p := newPaceRig(t)
	p.renderOnClock()
	ctx, t0 := p.ctx, p.t0
	server, err := mail.ParseServer("smtp://" + refusingRelay(t, "250 2.1.0 ok", "451 4.3.0 try again later") + "?tls=off")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := mail.ParseFrom("hello@riverside.example")
	d := p.deliverer(mail.NewSender(server, from, mail.SenderOptions{}))
	w := p.worker(d, outbox.Options{MaxAge: 48 * time.Hour})
	own := paceConfirm(paceCamp, "ada@example.org", t0, false)
	p.enqueue(own)
	// Three days on, ada's inbox had its turns spent by someone else.
	p.clock = t0.Add(72 * time.Hour)
	p.spend("ada@example.org", p.clock)
	p.once(w)
	es := p.list(store.OutboxPending)
	if len(es) != 1 {
		t.Fatalf("three days on with no turn: pending %+v; want it held", es)
	}
	// Its turn comes, and the relay answers 451 this once.
	p.clock = es[0].NotBefore
	if err := store.Outbox(p.db).Retry(ctx, es[0].ID, time.Now(), es[0].LastError); err != nil {
		t.Fatal(err)
	}
	p.once(w)
	if dead := p.list(store.OutboxDead); len(dead) != 0 {
		t.Fatalf("held three days, then a 451 at its turn: marked dead (%s); want it tried again while its signature waits", dead[0].LastError)
	}
	if es := p.list(store.OutboxPending); len(es) != 1 || es[0].ID != own.ID {
		t.Fatalf("after a 451 at its turn: pending %+v; want the confirmation", es)
	}
}

// TestSharedPaceGivenUpUnderItsCampaignsName: a confirmation queued
// before its campaign was renamed (org.yaml redirects) and given up after
// is counted under the campaign's name now, the one the dashboard and
// placard stats read. Failed before: it was counted under the old name,
// which no page shows.
func TestSharedPaceGivenUpUnderItsCampaignsName(t *testing.T) {
	p := newPaceRig(t)
	p.renderOnClock()
	ctx, t0 := p.ctx, p.t0
	p.clock = t0.Add(7*24*time.Hour - 5*time.Minute) // the inbox's next turn is ten minutes off
	o := p.r.Site().Org(paceOrg)
	o.Redirects = append(o.Redirects, campaign.Redirect{From: "the-courier", To: paceCamp})
	d, s := p.recording()
	p.spend("ada@example.org", t0.Add(8*24*time.Hour))
	m := paceConfirm("the-courier", "ada@example.org", t0, false)
	if err := d.Deliver(ctx, m); err != nil || len(s.sent) != 0 {
		t.Fatalf("no turn before the deadline: %v, %d sent; want it given up", err, len(s.sent))
	}
	if got, err := p.db.UnsentCounts(ctx, paceOrg); err != nil || len(got) != 1 || got["tell-the-courier"] != 1 {
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
	p := newPaceRig(t)
	p.renderOnClock()
	ctx, t0 := p.ctx, p.t0
	d, s := p.recording()
	d.Waiting = mail.WaitingIn(p.db)
	sig := func(email string) *signing.Signature {
		return &signing.Signature{Org: paceOrg, Campaign: paceCamp, Action: "sign", Kind: signing.KindIndividual,
			Status: signing.StatusUnconfirmed, Name: "Ada", Email: email, ConsentText: "I agree.",
			ConsentAt: t0, Lang: "en", CreatedAt: t0}
	}
	if _, err := p.db.AddSignatures(ctx, []*signing.Signature{sig("ada@example.org"), sig("bea@example.org")}); err != nil {
		t.Fatal(err)
	}
	confirm := func(to string) signing.Message { return paceConfirm(paceCamp, to, t0, false) }
	if _, err := p.db.Confirm(ctx, paceOrg, paceCamp, "ada@example.org"); err != nil {
		t.Fatal(err)
	}
	// Two days on, ada's turn comes: her signature is confirmed.
	p.clock = t0.Add(48 * time.Hour)
	if err := d.Deliver(ctx, confirm("ada@example.org")); err != nil || len(s.sent) != 0 {
		t.Fatalf("held two days, its signature confirmed meanwhile: %v, %d sent; want nothing sent", err, len(s.sent))
	}
	// bea's still waits: hers goes.
	if err := d.Deliver(ctx, confirm("bea@example.org")); err != nil || len(s.sent) != 1 {
		t.Fatalf("held two days, its signature still waiting: %v, %d sent; want it sent", err, len(s.sent))
	}
	// At the deadline with no turn, a confirmed signature's is not
	// counted as never sent.
	p.clock = t0.Add(6*24*time.Hour + 23*time.Hour)
	p.spend("ada@example.org", t0.Add(8*24*time.Hour))
	if err := d.Deliver(ctx, confirm("ada@example.org")); err != nil || len(s.sent) != 1 {
		t.Fatalf("at the deadline: %v, %d sent; want nothing sent", err, len(s.sent)-1)
	}
	if got, err := p.db.UnsentCounts(ctx, paceOrg); err != nil || len(got) != 0 {
		t.Fatalf("UnsentCounts: %v, %v; want none (the signature was confirmed)", got, err)
	}
}

// messageIDAt is a message id as signing.NewMessageID makes them, made
// at 'at': its first 6 bytes the time in milliseconds, the count 0, the
// rest random.
func messageIDAt(at time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(at.UnixMilli())<<16)
	rand.Read(b[8:])
	return strings.ToLower(base32.NewEncoding("0123456789ABCDEFGHIJKLMNOPQRSTUV").WithPadding(base32.NoPadding).EncodeToString(b[:]))
}
