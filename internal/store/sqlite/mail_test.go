package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

func TestMail(t *testing.T) {
	storetest.RunMail(t, func(t *testing.T) storetest.MailStore { return openTemp(t).(storetest.MailStore) })
}

// TestMailWipe: the supporter's erasure, the erasure of unconfirmed
// signatures and the suppression list leave no byte behind on disk.
func TestMailWipe(t *testing.T) {
	storetest.RunMailWipe(t, func(t *testing.T) storetest.WipeDisk {
		path := filepath.Join(t.TempDir(), "placard.db")
		return storetest.WipeDisk{
			Open:  func() (store.Store, error) { return sqlite.Open(context.Background(), path) },
			Files: func(*testing.T) []string { return []string{path, path + "-wal", path + "-shm"} },
		}
	})
}

func TestConfirming(t *testing.T) {
	storetest.RunConfirming(t, func(t *testing.T) storetest.ConfirmingStore { return openTemp(t).(storetest.ConfirmingStore) })
}
