package storetest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Damage is a way a bundle of signed messages can be damaged on disk.
// Each engine's test writes it with its own SQL (Damaged.Damage).
type Damage string

// The damages RunQuarantine tries.
const (
	// DamageVersion: the bundle says it was written by a newer placard
	// (its version byte is 9).
	DamageVersion Damage = "version"
	// DamageTruncated: the bundle's last 5 bytes are cut off.
	DamageTruncated Damage = "truncated"
	// DamageMessage: the first message does not parse (its first field
	// claims to repeat a message before it; byte 2 is 0).
	DamageMessage Damage = "message"
	// DamageIDs: the bundle's list of signatures is cut short (SQLite:
	// it ends in the middle of a number; PostgreSQL: one id is missing).
	DamageIDs Damage = "ids"
	// DamageDue: the last message is due before the year 1 (its last
	// byte, a NotBefore of 0, becomes the varint of math.MinInt64
	// microseconds: ff ff ff ff ff ff ff ff ff 01), which no engine
	// stores.
	DamageDue Damage = "due"
	// DamageText: a byte of the first message's id is not text (byte 3,
	// the id's first, is 0xff), which PostgreSQL's text columns refuse.
	DamageText Damage = "text"
)

// Damages are every Damage, in the order RunQuarantine tries them.
var Damages = []Damage{DamageVersion, DamageTruncated, DamageMessage, DamageIDs, DamageDue, DamageText}

// Damaged is one fresh store for RunQuarantine with the engine's way of
// damaging its bundles.
type Damaged struct {
	Store store.Store
	// Damage damages, with real UPDATEs, every waiting bundle whose bytes
	// hold marker, as how says. It fails the test when none does.
	Damage func(t *testing.T, how Damage, marker string)
}

// RunQuarantine checks that one damaged bundle of signed messages stops
// neither delivery nor erasure (store.Quarantine): a claim sets it aside
// and delivers the other bundles' messages, never retrying it; Erase,
// EraseIn, EraseUnconfirmed and Purge succeed, deleting in the same
// transaction each damaged bundle that holds what they erase, and leave
// those that do not; the operator sees the count and can drop them.
func RunQuarantine(t *testing.T, open func(t *testing.T) Damaged) {
	for _, how := range Damages {
		t.Run(string(how), func(t *testing.T) {
			t.Run("ClaimSkips", func(t *testing.T) { testQuarantineClaim(t, open(t), how) })
			t.Run("ListSkips", func(t *testing.T) { testQuarantineList(t, open(t), how) })
			t.Run("Erase", func(t *testing.T) { testQuarantineErase(t, open(t), how) })
			t.Run("Purge", func(t *testing.T) { testQuarantinePurge(t, open(t), how) })
		})
	}
	t.Run("EraseIn", func(t *testing.T) { testQuarantineEraseIn(t, open(t)) })
	t.Run("EraseInScoped", func(t *testing.T) { testQuarantineEraseInScoped(t, open(t)) })
	t.Run("PurgeScoped", func(t *testing.T) { testQuarantinePurgeScoped(t, open(t)) })
	t.Run("PurgeKeptApart", func(t *testing.T) { testQuarantinePurgeKeptApart(t, open(t)) })
	t.Run("EraseUnconfirmed", func(t *testing.T) { testQuarantineUnconfirmed(t, open(t)) })
	t.Run("EraseSupporter", func(t *testing.T) { testQuarantineSupporter(t, open(t)) })
	t.Run("Drop", func(t *testing.T) { testQuarantineDrop(t, open(t)) })
	t.Run("Requeue", func(t *testing.T) { testQuarantineRequeue(t, open(t)) })
}

// quarantineLog records what the store tells of quarantines.
type quarantineLog struct {
	mu     sync.Mutex
	events []store.QuarantineEvent
}

func (l *quarantineLog) add(ev store.QuarantineEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, ev)
}

func (l *quarantineLog) got() []store.QuarantineEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// quarantineOf returns s's Quarantine with a log of what it tells.
func quarantineOf(t *testing.T, s store.Store) (store.Quarantine, *quarantineLog) {
	t.Helper()
	q, ok := s.(store.Quarantine)
	if !ok {
		t.Fatal("the store has no store.Quarantine")
	}
	l := &quarantineLog{}
	q.OnQuarantine(l.add)
	t.Cleanup(func() { q.OnQuarantine(nil) })
	return q, l
}

// signWithMessage stores one signature of email on org's campaign with
// one message, in a batch (so a bundle) of its own.
func signWithMessage(t *testing.T, s store.Store, org, campaign, email string) {
	t.Helper()
	sig := Sig(org, campaign, email)
	sig.Outbox = []signing.Message{Msg(org, campaign, email)}
	add(t, s, sig)
}

// checkQuarantined fails unless q holds want bundles.
func checkQuarantined(t *testing.T, q store.Quarantine, after string, want int) {
	t.Helper()
	n, err := q.Quarantined(context.Background())
	if err != nil {
		t.Fatalf("Quarantined after %s: %v", after, err)
	}
	if n != want {
		t.Errorf("Quarantined after %s: got %d, want %d", after, n, want)
	}
}

// claimedEmails claims every due message, one at a time so the damaged
// bundle, oldest, is met first, and returns their addresses, sorted.
func claimedEmails(t *testing.T, ob store.Outbox) []string {
	t.Helper()
	var got []string
	for range 10 {
		es, err := ob.Claim(context.Background(), "w", 1, time.Hour)
		if err != nil {
			t.Fatalf("Claim with a damaged bundle: %v, want the other bundles' messages", err)
		}
		if len(es) == 0 {
			break
		}
		for _, e := range es {
			got = append(got, e.Email)
		}
	}
	slices.Sort(got)
	return got
}

// testQuarantineClaim: the oldest bundle is damaged; claims set it
// aside once, tell of it once, and deliver the two others' messages.
func testQuarantineClaim(t *testing.T, d Damaged, how Damage) {
	s := d.Store
	q, log := quarantineOf(t, s)
	const alice, bob, carol = "alice@example.org", "bob@example.org", "carol@example.org"
	signWithMessage(t, s, "o", "c", bob)
	signWithMessage(t, s, "o", "c", alice)
	signWithMessage(t, s, "o", "c", carol)
	d.Damage(t, how, bob)
	ob := s.(store.Outbox)
	if got, want := claimedEmails(t, ob), []string{alice, carol}; !slices.Equal(got, want) {
		t.Errorf("claimed: got %v, want %v (never the damaged bundle's)", got, want)
	}
	checkQuarantined(t, q, "claiming", 1)
	// Never retried: claiming again finds nothing and tells nothing more.
	if es, err := ob.Claim(context.Background(), "w", 10, time.Hour); err != nil || len(es) != 0 {
		t.Errorf("Claim again: got %d messages, %v, want none, nil", len(es), err)
	}
	if got, want := log.got(), []store.QuarantineEvent{{Quarantined: 1}}; !slices.Equal(got, want) {
		t.Errorf("told: got %+v, want %+v", got, want)
	}
	checkQuarantined(t, q, "claiming again", 1)
}

// testQuarantineList: listing (and so the console's figures, retry and
// drop) sets a damaged bundle aside instead of failing.
func testQuarantineList(t *testing.T, d Damaged, how Damage) {
	s := d.Store
	q, log := quarantineOf(t, s)
	signWithMessage(t, s, "o", "c", "alice@example.org")
	signWithMessage(t, s, "o", "c", "bob@example.org")
	d.Damage(t, how, "alice@example.org")
	checkOutboxLeft(t, s, "listing with a damaged bundle", "o/bob@example.org")
	checkQuarantined(t, q, "listing", 1)
	if got := log.got(); len(got) != 1 || got[0].Quarantined != 1 {
		t.Errorf("told: got %+v, want one event of 1 quarantined", got)
	}
}

// testQuarantineErase: Erase succeeds with damaged bundles waiting,
// deletes the one holding the erased address, damaged or set aside
// before, and leaves the one that does not hold it set aside.
func testQuarantineErase(t *testing.T, d Damaged, how Damage) {
	ctx := context.Background()
	s := d.Store
	q, log := quarantineOf(t, s)
	const alice, bob, carol = "alice@example.org", "bob@example.org", "carol@example.org"
	signWithMessage(t, s, "o", "c", alice)
	signWithMessage(t, s, "o", "c", bob)
	signWithMessage(t, s, "o", "c", carol)
	d.Damage(t, how, alice)
	d.Damage(t, how, bob)
	if n, err := s.Erase(ctx, alice); err != nil || n != 1 {
		t.Fatalf("Erase with damaged bundles: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "erasing alice", 1) // bob's, which does not hold alice
	if got, want := log.got(), []store.QuarantineEvent{{Quarantined: 2, Removed: 1}}; !slices.Equal(got, want) {
		t.Errorf("told: got %+v, want %+v", got, want)
	}
	checkOutboxLeft(t, s, "erasing alice", "o/"+carol)
	// A bundle set aside before (by the listing above) goes with its
	// address's erasure too.
	if n, err := s.Erase(ctx, bob); err != nil || n != 1 {
		t.Fatalf("Erase of the set-aside bundle's address: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "erasing bob", 0)
	checkOutboxLeft(t, s, "erasing bob", "o/"+carol)
}

// testQuarantinePurge: Purge succeeds with damaged bundles waiting,
// deletes the one holding the purged campaign, and leaves another
// campaign's set aside; a purge that finds nothing changes nothing.
func testQuarantinePurge(t *testing.T, d Damaged, how Damage) {
	ctx := context.Background()
	s := d.Store
	q, _ := quarantineOf(t, s)
	const alice, bob, carol = "alice@example.org", "bob@example.org", "carol@example.org"
	signWithMessage(t, s, "o", "gone-campaign", alice)
	signWithMessage(t, s, "o", "kept-campaign", bob)
	signWithMessage(t, s, "o", "kept-campaign", carol)
	d.Damage(t, how, alice)
	d.Damage(t, how, bob)
	if n, err := s.Purge(ctx, "o", "gone-campaign"); err != nil || n != 1 {
		t.Fatalf("Purge with damaged bundles: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "purging", 0) // bob's is still waiting, unread
	checkOutboxLeft(t, s, "purging", "o/"+carol)
	checkQuarantined(t, q, "listing", 1) // bob's, set aside by the listing
	if n, err := s.Purge(ctx, "o", "gone-campaign"); err != nil || n != 0 {
		t.Fatalf("Purge again: got %d, %v, want 0, nil", n, err)
	}
	checkQuarantined(t, q, "purging again", 1)
	if n, err := s.Purge(ctx, "o", "kept-campaign"); err != nil || n != 2 {
		t.Fatalf("Purge of the set-aside bundle's campaign: got %d, %v, want 2, nil", n, err)
	}
	checkQuarantined(t, q, "purging its campaign", 0)
}

// testQuarantineEraseIn: an organisation's erasure of an address
// (store.Accounts) deletes a damaged bundle holding it.
func testQuarantineEraseIn(t *testing.T, d Damaged) {
	s := d.Store
	acc, ok := s.(store.Accounts)
	if !ok {
		t.Fatal("the store has no store.Accounts")
	}
	q, _ := quarantineOf(t, s)
	signWithMessage(t, s, "o", "c", "alice@example.org")
	signWithMessage(t, s, "o", "c", "bob@example.org")
	d.Damage(t, DamageVersion, "alice@example.org")
	if n, err := acc.EraseIn(context.Background(), "o", "alice@example.org"); err != nil || n != 1 {
		t.Fatalf("EraseIn with a damaged bundle: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "EraseIn", 0)
	checkOutboxLeft(t, s, "EraseIn", "o/bob@example.org")
}

// testQuarantineEraseInScoped: an organisation's erasure deletes no
// set-aside bundle of another organisation, nor one of an address that
// merely contains the erased one (joann@ holds ann@): the bundles are
// matched by whole fields, the organisation's among them, so an
// organiser can neither destroy another organisation's messages nor
// learn, from the server's count going down, that they held an address.
// The erasure everywhere (Erase) then takes the other organisation's,
// and still not joann's.
func testQuarantineEraseInScoped(t *testing.T, d Damaged) {
	ctx := context.Background()
	s := d.Store
	acc, ok := s.(store.Accounts)
	if !ok {
		t.Fatal("the store has no store.Accounts")
	}
	q, log := quarantineOf(t, s)
	const ann, joann = "ann@example.org", "joann@example.org"
	signWithMessage(t, s, "p", "c", ann)
	signWithMessage(t, s, "o", "c", joann)
	d.Damage(t, DamageVersion, ann) // both: ann's bytes are in joann's
	checkOutboxLeft(t, s, "listing")
	checkQuarantined(t, q, "listing", 2)
	if n, err := acc.EraseIn(ctx, "o", ann); err != nil || n != 0 {
		t.Fatalf("EraseIn of an address organisation o never had: got %d, %v, want 0, nil", n, err)
	}
	checkQuarantined(t, q, "EraseIn in o of "+ann, 2)
	for _, ev := range log.got() {
		if ev.Removed != 0 {
			t.Errorf("told %+v: EraseIn in o removed another organisation's or another address's bundle", ev)
		}
	}
	if n, err := s.Erase(ctx, ann); err != nil || n != 1 {
		t.Fatalf("Erase: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "Erase of "+ann, 1) // joann's
}

// testQuarantinePurgeScoped: purging a campaign deletes no set-aside
// bundle of another organisation's campaign of the same name, nor of a
// campaign whose name contains it.
func testQuarantinePurgeScoped(t *testing.T, d Damaged) {
	ctx := context.Background()
	s := d.Store
	q, _ := quarantineOf(t, s)
	signWithMessage(t, s, "o", "letter", "alice@example.org")
	signWithMessage(t, s, "p", "letter", "bob@example.org")
	signWithMessage(t, s, "o", "letter-two", "carol@example.org")
	for _, e := range []string{"alice@example.org", "bob@example.org", "carol@example.org"} {
		d.Damage(t, DamageVersion, e)
	}
	checkOutboxLeft(t, s, "listing")
	checkQuarantined(t, q, "listing", 3)
	if n, err := s.Purge(ctx, "o", "letter"); err != nil || n != 1 {
		t.Fatalf("Purge: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "purging o/letter", 2) // p/letter's and o/letter-two's
}

// testQuarantineUnconfirmed: the sweep of unconfirmed signatures
// (store.Mail) deletes a damaged bundle holding one of their addresses
// and leaves one holding a confirmed signer's.
func testQuarantineUnconfirmed(t *testing.T, d Damaged) {
	s := d.Store
	m, ok := s.(store.Mail)
	if !ok {
		t.Fatal("the store has no store.Mail")
	}
	q, _ := quarantineOf(t, s)
	old := Sig("o", "c", "alice@example.org")
	old.Status, old.Outbox = signing.StatusUnconfirmed, []signing.Message{Msg("o", "c", "alice@example.org")}
	add(t, s, old)
	signWithMessage(t, s, "o", "c", "bob@example.org")
	d.Damage(t, DamageVersion, "alice@example.org")
	d.Damage(t, DamageVersion, "bob@example.org")
	n, err := m.EraseUnconfirmed(context.Background(), "", "", base.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("EraseUnconfirmed with damaged bundles: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "EraseUnconfirmed", 1) // bob's
}

// testQuarantineSupporter: a supporter's own erasure (store.Mail, the
// data page) deletes a damaged bundle holding the address.
func testQuarantineSupporter(t *testing.T, d Damaged) {
	s := d.Store
	m, ok := s.(store.Mail)
	if !ok {
		t.Fatal("the store has no store.Mail")
	}
	q, _ := quarantineOf(t, s)
	signWithMessage(t, s, "o", "c", "alice@example.org")
	signWithMessage(t, s, "o", "c", "bob@example.org")
	d.Damage(t, DamageIDs, "alice@example.org")
	d.Damage(t, DamageIDs, "bob@example.org")
	if n, err := m.EraseSupporter(context.Background(), "o", "alice@example.org"); err != nil || n != 1 {
		t.Fatalf("EraseSupporter with damaged bundles: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "EraseSupporter", 1) // bob's
}

// testQuarantineDrop: the operator drops what is set aside.
func testQuarantineDrop(t *testing.T, d Damaged) {
	ctx := context.Background()
	s := d.Store
	q, _ := quarantineOf(t, s)
	signWithMessage(t, s, "o", "c", "alice@example.org")
	signWithMessage(t, s, "o", "c", "bob@example.org")
	d.Damage(t, DamageTruncated, "alice@example.org")
	checkOutboxLeft(t, s, "listing", "o/bob@example.org")
	if n, err := q.DropQuarantined(ctx); err != nil || n != 1 {
		t.Fatalf("DropQuarantined: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "dropping", 0)
	checkOutboxLeft(t, s, "dropping", "o/bob@example.org")
}

// testQuarantineRequeue: the operator puts set-aside bundles back among
// the waiting ones (a newer placard may read them); one still unreadable
// is set aside again, once, by the next listing.
func testQuarantineRequeue(t *testing.T, d Damaged) {
	ctx := context.Background()
	s := d.Store
	q, log := quarantineOf(t, s)
	signWithMessage(t, s, "o", "c", "alice@example.org")
	signWithMessage(t, s, "o", "c", "bob@example.org")
	d.Damage(t, DamageVersion, "alice@example.org")
	checkOutboxLeft(t, s, "listing", "o/bob@example.org")
	if n, err := q.RequeueQuarantined(ctx); err != nil || n != 1 {
		t.Fatalf("RequeueQuarantined: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "requeueing", 0)
	checkOutboxLeft(t, s, "requeueing", "o/bob@example.org")
	checkQuarantined(t, q, "listing again", 1)
	if got, want := log.got(), []store.QuarantineEvent{{Quarantined: 1}, {Quarantined: 1}}; !slices.Equal(got, want) {
		t.Errorf("told: got %+v, want %+v", got, want)
	}
	// Back among the waiting, it is erased as any other bundle.
	if n, err := q.RequeueQuarantined(ctx); err != nil || n != 1 {
		t.Fatalf("RequeueQuarantined again: got %d, %v, want 1, nil", n, err)
	}
	if n, err := s.Erase(ctx, "alice@example.org"); err != nil || n != 1 {
		t.Fatalf("Erase: got %d, %v, want 1, nil", n, err)
	}
	checkQuarantined(t, q, "erasing", 0)
}

// testQuarantinePurgeKeptApart: the retention purge of a removed
// campaign, by the name its rows were kept apart under (store.Removals),
// deletes its signers' set-aside bundles, which name its slug as it was
// when they were written, and leaves those of another campaign. It failed
// before: the purge looked for the kept-apart name, which no bundle
// holds, and left the removed campaign's set-aside messages, addresses
// and all, after its signatures were erased.
func testQuarantinePurgeKeptApart(t *testing.T, d Damaged) {
	ctx := context.Background()
	s := d.Store
	q, _ := quarantineOf(t, s)
	signWithMessage(t, s, "o", "x", "alice@example.org")
	signWithMessage(t, s, "o", "y", "bob@example.org")
	d.Damage(t, DamageVersion, "alice@example.org")
	d.Damage(t, DamageVersion, "bob@example.org")
	checkOutboxLeft(t, s, "listing")
	checkQuarantined(t, q, "listing", 2)
	rm := removals(s)
	now, err := rm.Now(ctx)
	if err != nil {
		t.Fatalf("Now: %v", err)
	}
	if !recordRemoved(t, s, "x", now, 30, now) {
		t.Fatal("RecordRemoved: not recorded")
	}
	k := keepApart(t, s, "x", now.Add(time.Second), now.Add(time.Second))
	if k.Name == "" {
		t.Fatalf("KeepApart: %+v, want the rows moved", k)
	}
	if n, err := s.Purge(ctx, "o", k.Name); err != nil || n != 1 {
		t.Fatalf("Purge of %s: got %d, %v, want 1, nil", k.Name, n, err)
	}
	checkQuarantined(t, q, "purging "+k.Name, 1) // y's
}
