package tallywatch

import (
	"context"
	"errors"
	"maps"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// recorder keeps what a watcher delivers.
type recorder struct {
	mu  sync.Mutex
	got []map[string]*Tally
}

func (r *recorder) deliver(changed map[string]*Tally) error {
	r.mu.Lock()
	r.got = append(r.got, maps.Clone(changed))
	r.mu.Unlock()
	return nil
}

// take returns what was delivered since the last take.
func (r *recorder) take() []map[string]*Tally {
	r.mu.Lock()
	defer r.mu.Unlock()
	got := r.got
	r.got = nil
	return got
}

func openSQLite(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func add(t *testing.T, st store.Store, sigs ...*signing.Signature) {
	t.Helper()
	res, err := st.AddSignatures(context.Background(), sigs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range res {
		if e != nil {
			t.Fatal(e)
		}
	}
}

// TestPollDeliversChangedCampaigns: a poll delivers each campaign whose
// revision moved, with its recent public signers, and the organisations
// only of campaigns that list them; a poll with nothing new delivers
// nothing; a change that leaves the counts as they were is still delivered.
func TestPollDeliversChangedCampaigns(t *testing.T) {
	ctx := context.Background()
	db := openSQLite(t)
	rec := &recorder{}
	w := New(Config{
		Store: db, Recent: 2, Deliver: rec.deliver,
		ListsOrgs: func(key string) bool { return key == "o/letter" },
	})

	pub := storetest.Sig("o", "petition", "a@example.org")
	pub.Public = true
	org := func(campaign, email string) *signing.Signature {
		s := storetest.Sig("o", campaign, email)
		s.Kind, s.Organisation = signing.KindOrganisation, "Org "+email
		return s
	}
	add(t, db, pub, org("letter", "l@example.org"), org("petition", "p@example.org"))
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	got := rec.take()
	if len(got) != 1 || len(got[0]) != 2 {
		t.Fatalf("first poll delivered %v, want both campaigns at once", got)
	}
	p, l := got[0]["o/petition"], got[0]["o/letter"]
	if p == nil || p.Signatures != 2 || len(p.Recent) != 1 || p.Recent[0].Name != pub.Name || p.Orgs != nil {
		t.Fatalf("petition: got %+v, want 2 signatures, its public signer and no organisations", p)
	}
	if l == nil || len(l.Orgs) != 1 || l.Orgs[0].Organisation != "Org l@example.org" {
		t.Fatalf("letter: got %+v, want its organisation", l)
	}

	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); got != nil {
		t.Fatalf("a poll with nothing new delivered %v", got)
	}

	// The public signer leaves and another signs: the same count, a new
	// revision.
	if err := db.SetStatus(ctx, pub.ID, signing.StatusRejected); err != nil {
		t.Fatal(err)
	}
	add(t, db, storetest.Sig("o", "petition", "b@example.org"))
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	got = rec.take()
	if len(got) != 1 || len(got[0]) != 1 || got[0]["o/petition"] == nil || got[0]["o/petition"].Recent != nil {
		t.Fatalf("after a rejection and a signature: delivered %v, want the petition without its public signer", got)
	}
}

// flaky is a Store whose tallies and recent signers are set by the test.
type flaky struct {
	tallies []store.Tally
	signErr error
	store.Store
}

func (f *flaky) Tallies(context.Context) ([]store.Tally, error) { return f.tallies, nil }
func (f *flaky) PublicSigners(context.Context, string, string, int) ([]signing.PublicSigner, error) {
	return nil, f.signErr
}

// TestPollRetriesAndForgets: a campaign whose signers could not be read is
// not delivered and is tried again by the next poll; one that leaves the
// store's tallies is delivered as nil, once.
func TestPollRetriesAndForgets(t *testing.T) {
	ctx := context.Background()
	tally := func(campaign string, rev int64) store.Tally {
		return store.Tally{Count: signing.Count{Org: "o", Campaign: campaign, Signatures: 1}, Revision: rev}
	}
	f := &flaky{tallies: []store.Tally{tally("a", 1), tally("b", 1)}, signErr: errors.New("down")}
	rec := &recorder{}
	w := New(Config{Store: f, Recent: 10, Deliver: rec.deliver})
	if err := w.Poll(ctx); err == nil {
		t.Fatal("Poll: no error while the signers could not be read")
	}
	if got := rec.take(); got != nil {
		t.Fatalf("delivered %v while nothing could be read", got)
	}
	f.signErr = nil
	if err := w.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); len(got) != 1 || !slices.Equal(slices.Sorted(maps.Keys(got[0])), []string{"o/a", "o/b"}) {
		t.Fatalf("after recovering: delivered %v, want both campaigns", got)
	}
	f.tallies = f.tallies[:1]
	for range 2 {
		if err := w.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := rec.take(); len(got) != 1 || len(got[0]) != 1 || got[0]["o/b"] != nil {
		t.Fatalf("after o/b left: delivered %v, want o/b as nil once", got)
	} else if _, ok := got[0]["o/b"]; !ok {
		t.Fatalf("after o/b left: delivered %v, want o/b", got)
	}
}

// TestRunFlushesAtStop: Run flushes while it runs and once more, final,
// when its context ends.
func TestRunFlushesAtStop(t *testing.T) {
	db := openSQLite(t)
	var mu sync.Mutex
	var flushes []bool
	w := New(Config{Store: db, Interval: time.Hour, Flush: func(_ context.Context, final bool) error {
		mu.Lock()
		flushes = append(flushes, final)
		mu.Unlock()
		return nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(flushes, []bool{false, true}) {
		t.Fatalf("flushes (final?): got %v, want [false true]", flushes)
	}
}
