package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

func TestOutreach(t *testing.T) {
	storetest.RunOutreach(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestTargetMail(t *testing.T) {
	storetest.RunTargetMail(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// TestTargetMailWipe: after an erasure no byte of the supporter's keyed
// hash or address is left in the database file, its WAL or its index.
func TestTargetMailWipe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "placard.db")
	storetest.RunTargetMailWipe(t, func(t *testing.T) storetest.WipeDisk {
		return storetest.WipeDisk{
			Open:  func() (store.Store, error) { return sqlite.Open(context.Background(), path) },
			Files: func(*testing.T) []string { return []string{path, path + "-wal", path + "-shm"} },
		}
	})
}
