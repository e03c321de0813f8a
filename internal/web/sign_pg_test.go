package web

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
)

// openPostgres opens a fresh PostgreSQL database for t: a throwaway cluster
// pgtest starts (or PLACARD_TEST_POSTGRES). Without one the test skips,
// or fails under CI=true.
func openPostgres(t *testing.T) store.Store {
	t.Helper()
	dsn := pgtest.DSN(t)
	db, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("opening PostgreSQL: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
