package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestEraseHoldsTheWriteLock: SQLite has no gap in which a signing batch
// could commit between an erasure's deletion of the signatures and that of
// their messages (PostgreSQL had one: TestEraseSigningRace there). At that
// point another connection to the file — another process's batch — cannot
// even begin a write: the erasure's one transaction holds the single
// writer's lock from before the signatures go until the messages have.
func TestEraseHoldsTheWriteLock(t *testing.T) {
	for _, c := range []struct {
		name  string
		erase func(ctx context.Context, db *DB, email string) (int, error)
	}{
		{"Erase", func(ctx context.Context, db *DB, email string) (int, error) { return db.Erase(ctx, email) }},
		{"EraseSupporter", func(ctx context.Context, db *DB, email string) (int, error) {
			return db.EraseSupporter(ctx, "o", email)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "placard.db")
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			const email = "ada@example.org"
			s := storetest.Sig("o", "c", email)
			s.Outbox = []signing.Message{storetest.Msg("o", "c", email)}
			if _, err := db.AddSignatures(ctx, []*signing.Signature{s}); err != nil {
				t.Fatal(err)
			}
			other, err := sql.Open(driverName, "file:"+path+"?_pragma=busy_timeout(0)&_txlock=immediate")
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			// Outside an erasure it can: the refusal below is the erasure's.
			if tx, err := other.BeginTx(ctx, nil); err != nil {
				t.Fatalf("another connection beginning a write: %v", err)
			} else {
				tx.Rollback()
			}
			ran := false
			erasing = func() {
				ran = true
				tx, err := other.BeginTx(ctx, nil)
				if err == nil {
					tx.Rollback()
					t.Error("another connection began a write between the erasure's steps")
					return
				}
				var se *sqlite.Error
				if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY {
					t.Errorf("another connection's write between the erasure's steps: got %v, want SQLITE_BUSY", err)
				}
			}
			defer func() { erasing = nil }()
			if n, err := c.erase(ctx, db, email); err != nil || n != 1 {
				t.Fatalf("%s: got %d, %v, want 1, nil", c.name, n, err)
			}
			if !ran {
				t.Fatal("the hook between the erasure's steps never ran")
			}
		})
	}
}
