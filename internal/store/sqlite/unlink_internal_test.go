package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	msqlite "modernc.org/sqlite"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// touched records, for the writer connection under test, the tables each
// committed transaction wrote. Triggers call placard_test_touch(table)
// (they fire for WITHOUT ROWID tables too, unlike SQLite's update hooks)
// and the writer's commit hook closes the transaction's set.
type touched struct {
	mu   sync.Mutex
	cur  map[string]bool
	txns []map[string]bool
}

var (
	watchOnce sync.Once
	watching  struct {
		sync.Mutex
		t *touched
	}
)

func watchCommits(t *testing.T, db *DB) *touched {
	t.Helper()
	watchOnce.Do(func() {
		msqlite.MustRegisterScalarFunction("placard_test_touch", 1, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
			watching.Lock()
			w := watching.t
			watching.Unlock()
			if w != nil {
				w.mu.Lock()
				if w.cur == nil {
					w.cur = map[string]bool{}
				}
				w.cur[fmt.Sprint(args[0])] = true
				w.mu.Unlock()
			}
			return nil, nil
		})
	})
	// The function is known to connections opened after it was registered:
	// start the writer's afresh.
	db.w.SetMaxIdleConns(0)
	db.w.SetMaxIdleConns(1)
	w := &touched{}
	watching.Lock()
	watching.t = w
	watching.Unlock()
	t.Cleanup(func() {
		watching.Lock()
		watching.t = nil
		watching.Unlock()
	})
	ctx := context.Background()
	for _, table := range []string{"signatures", "referrals", "sources"} {
		for _, op := range []string{"INSERT", "UPDATE", "DELETE"} {
			if _, err := db.w.ExecContext(ctx, fmt.Sprintf(`CREATE TRIGGER watch_%s_%s AFTER %s ON %s
				BEGIN SELECT placard_test_touch('%s'); END`, table, op, op, table, table)); err != nil {
				t.Fatal(err)
			}
		}
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = conn.Raw(func(c any) error {
		c.(msqlite.HookRegisterer).RegisterCommitHook(func() int32 {
			w.mu.Lock()
			if w.cur != nil {
				w.txns = append(w.txns, w.cur)
				w.cur = nil
			}
			w.mu.Unlock()
			return 0
		})
		return nil
	})
	conn.Close()
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestSignersUnlinkableSQLite: SQLite keeps no transaction id on a row, but
// its write-ahead log holds each transaction's pages together until the
// next checkpoint, so a transaction that writes a signature and a
// referrals or sources row ties them as surely as PostgreSQL's xmin.
// Signing the way the web server does — links made on the spot and stored
// nowhere, signatures through the group Committer, credits (which make a
// link's row) flushed later — no
// committed transaction writes a signature together with a referrals or
// sources row.
func TestSignersUnlinkableSQLite(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	w := watchCommits(t, db)

	signChain(t, db, 24)

	w.mu.Lock()
	defer w.mu.Unlock()
	var sigTxns int
	for i, tx := range w.txns {
		if !tx["signatures"] {
			continue
		}
		sigTxns++
		if tx["referrals"] || tx["sources"] {
			t.Errorf("transaction %d wrote a signature together with %v", i, slices.Sorted(mapKeys(tx)))
		}
	}
	if sigTxns == 0 {
		t.Fatalf("no transaction wrote a signature: the watch saw %v", w.txns)
	}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// signChain signs n signatures, each following the previous signer's
// personal link, as the web server does: the links made on the spot and
// stored nowhere, the signatures through the group Committer, the credits
// (which make each link's row) flushed afterwards.
func signChain(t *testing.T, db *DB, n int) {
	t.Helper()
	ctx := context.Background()
	c := store.NewCommitter(db, store.CommitterOptions{})
	defer c.Close()
	var credits []signing.Credit
	prev := ""
	for i := range n {
		if err := c.Sign(ctx, storetest.Sig("o", "c", fmt.Sprintf("s%d@example.org", i))); err != nil {
			t.Fatal(err)
		}
		credits = append(credits, signing.Credit{Org: "o", Campaign: "c", Source: "x", Referrer: prev, Count: 1})
		prev = fmt.Sprintf("tok%07d", i)
	}
	if err := db.AddCredits(ctx, credits); err != nil {
		t.Fatal(err)
	}
	top, err := db.Referrals(ctx, "o", "c", n)
	if err != nil || len(top) != n-1 {
		t.Fatalf("Referrals: %d links credited, want %d (%v)", len(top), n-1, err)
	}
}
