package web

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
)

// openPostgres opens a fresh PostgreSQL database for t: a throwaway cluster
// pgtest starts (or PLACARD_TEST_POSTGRES). Without one the test skips,
// or fails under CI=true.
func openPostgres(t *testing.T) store.Store {
	t.Helper()
	dsn := migratedtest.DSN(t)
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestClaimOnceAcrossServers: two servers on one PostgreSQL database (two
// instances behind a load balancer). The thank-you address opened on A,
// then on B, then on A again shows the private address once in all.
func TestClaimOnceAcrossServers(t *testing.T) {
	dsn := migratedtest.DSN(t)
	open := func() store.Store {
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("opening PostgreSQL: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := newSignEnv(t, open(), nil), newSignEnv(t, open(), nil)
	res := a.signVia(t, libraryPage, "eve@example.org")
	wantStatus(t, res, 303)
	thanks := res.Header.Get("Location")
	shown := 0
	for i, e := range []*signEnv{a, b, a, b} {
		res := get(t, e.s, "GET", thanks, nil)
		wantStatus(t, res, 200)
		d := doc(t, res)
		if d.Find("#personal-link").Length() != 1 {
			t.Errorf("look %d: the thank-you page has no personal link", i+1)
		}
		shown += d.Find("#private-link").Length()
	}
	if shown != 1 {
		t.Errorf("the private address was shown %d times on two servers, want once", shown)
	}
}
