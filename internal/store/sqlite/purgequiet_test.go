package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestPurgeQuiet: a purge that finds nothing of its campaign leaves other
// campaigns' bundles alone and runs no TRUNCATE checkpoint, seen in the
// -wal file's size: signing left frames in it, which only that
// checkpoint (not the background PASSIVE ones) cuts to zero bytes.
func TestPurgeQuiet(t *testing.T) {
	storetest.RunPurgeQuiet(t, func(t *testing.T) storetest.Quiet {
		path := filepath.Join(t.TempDir(), "placard.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		walSize := func(t *testing.T) int64 {
			t.Helper()
			fi, err := os.Stat(path + "-wal")
			if err != nil {
				t.Fatal(err)
			}
			return fi.Size()
		}
		return storetest.Quiet{
			Store: db,
			Bundles: func(t *testing.T) int {
				var n int
				if err := raw.QueryRow(`SELECT count(*) FROM outbox_bundles`).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			},
			Wiped: func(t *testing.T) func(t *testing.T) bool {
				if walSize(t) == 0 {
					t.Fatal("the -wal file is empty before the purge: the test shows nothing")
				}
				return func(t *testing.T) bool { return walSize(t) == 0 }
			},
		}
	})
}
