package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestRenames runs the renamed-campaign suite on a real PostgreSQL.
func TestRenames(t *testing.T) {
	storetest.RunRenames(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}

// TestMoveNothingCheap: a move whose old name holds nothing (most of the
// redirects serve moves at every load) is one read; its time for many
// redirects is logged for the record, not asserted.
func TestMoveNothingCheap(t *testing.T) {
	ctx := context.Background()
	db := open(t, migrated(t))
	start := time.Now()
	const n = 1000
	for i := range n {
		r, err := db.MoveCampaign(ctx, "o", fmt.Sprintf("gone-%d", i), "new")
		if err != nil || r.Moved() {
			t.Fatalf("MoveCampaign of a name holding nothing: %+v, %v", r, err)
		}
	}
	t.Logf("%d moves of names holding nothing: %v", n, time.Since(start))
}

// TestRemovals runs the removed-campaign suite on a real PostgreSQL.
func TestRemovals(t *testing.T) {
	storetest.RunRemovals(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
}
