package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestRenames runs the renamed-campaign suite on real SQLite files.
func TestRenames(t *testing.T) {
	storetest.RunRenames(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// TestMoveNothingWritesNothing: serve moves every redirect at every load,
// and most old names hold nothing any more; such a move only reads, seen
// in the write-ahead log, which no write leaves the same size.
func TestMoveNothingWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "new", "ann@example.org")}); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	start := time.Now()
	const n = 1000
	for i := range n {
		r, err := db.MoveCampaign(ctx, "o", fmt.Sprintf("gone-%d", i), "new")
		if err != nil || r.Moved() {
			t.Fatalf("MoveCampaign of a name holding nothing: %+v, %v", r, err)
		}
	}
	t.Logf("%d moves of names holding nothing: %v", n, time.Since(start)) // for the record, not asserted
	if after := size(); after != before {
		t.Errorf("the write-ahead log went from %d to %d bytes: a move of nothing wrote", before, after)
	}
}

// TestRemovals runs the removed-campaign suite on real SQLite files.
func TestRemovals(t *testing.T) {
	storetest.RunRemovals(t, func(t *testing.T) store.Store { return openTemp(t) })
}
