package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestSignsAgain: a bundled message left behind by an erasure that did
// not look in outbox_bundles (a placard from before them, run beside
// this one) is never sent, even once the same address has signed again.
func TestSignsAgain(t *testing.T) {
	storetest.RunSignsAgain(t, func(t *testing.T) storetest.Behind {
		path := filepath.Join(t.TempDir(), "placard.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		exec := func(t *testing.T, q string, args ...any) {
			t.Helper()
			if _, err := raw.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return storetest.Behind{
			Store: db,
			Erase: func(t *testing.T, email string) {
				var bundles int
				if err := raw.QueryRow(`SELECT count(*) FROM outbox_bundles`).Scan(&bundles); err != nil || bundles == 0 {
					t.Fatalf("the messages are not bundled (%d bundles, %v): the test shows nothing", bundles, err)
				}
				exec(t, `DELETE FROM signatures WHERE email = ?`, email)
				exec(t, `DELETE FROM outbox WHERE email = ?`, email)
			},
			Unmark: func(t *testing.T) { exec(t, `UPDATE outbox_bundles SET signatures = NULL`) },
			UnmarkNewest: func(t *testing.T) {
				exec(t, `UPDATE outbox_bundles SET signatures = NULL WHERE seq = (SELECT max(seq) FROM outbox_bundles)`)
			},
		}
	})
}
