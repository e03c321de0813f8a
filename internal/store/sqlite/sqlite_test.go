package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

func openTemp(t *testing.T) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, openTemp)
	storetest.RunReopen(t, func(t *testing.T) func() (store.Store, error) {
		path := filepath.Join(t.TempDir(), "placard.db")
		return func() (store.Store, error) { return sqlite.Open(context.Background(), path) }
	})
}
