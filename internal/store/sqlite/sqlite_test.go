package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

func openTemp(t testing.TB) store.Store {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
	storetest.RunReopen(t, func(t *testing.T) func() (store.Store, error) {
		path := filepath.Join(t.TempDir(), "placard.db")
		return func() (store.Store, error) { return sqlite.Open(context.Background(), path) }
	})
}

// TestFilesPrivate: a new database and its WAL are readable by their owner
// only, since they hold signers' personal data.
func TestFilesPrivate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "placard.db")
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddSignatures(context.Background(), []*signing.Signature{storetest.Sig("o", "c", "x@example.org")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"placard.db", "placard.db-wal"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s mode: got %o, want 600", name, mode)
		}
	}
}

// TestOpenMissingFolder: a path in a folder that does not exist fails with
// an error naming the path, rather than creating folders silently.
func TestOpenMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope", "placard.db")
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open in a missing folder: got %v, want an error naming %s", err, path)
	}
}
