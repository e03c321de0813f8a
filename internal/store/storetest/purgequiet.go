package storetest

import (
	"context"
	"slices"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Quiet is one fresh store for RunPurgeQuiet with the engine's views of
// what a purge wrote.
type Quiet struct {
	Store store.Store
	// Bundles counts the bundles of signed messages not yet taken apart
	// into outbox rows.
	Bundles func(t *testing.T) int
	// Wiped starts watching for the store's wipe after an erasure
	// (SQLite's TRUNCATE checkpoint, PostgreSQL's VACUUM FULL) and
	// returns whether one has run since, observed in the database's
	// files or catalog, never timed.
	Wiped func(t *testing.T) func(t *testing.T) bool
}

// RunPurgeQuiet checks that Purge does only the work its campaign needs.
// The purge command goes over every closed campaign, most of them
// holding nothing any more: a purge that finds nothing of its campaign
// changes nothing — it leaves other campaigns' bundled messages bundled
// and does not wipe (a wipe stalls signing, and on SQLite rewrites the
// write-ahead log) — and one that does find some takes apart only the
// bundles holding its campaign's messages, then wipes.
func RunPurgeQuiet(t *testing.T, open func(t *testing.T) Quiet) {
	t.Run("NothingToPurge", func(t *testing.T) { testPurgeQuiet(t, open(t), false) })
	t.Run("OwnBundlesOnly", func(t *testing.T) { testPurgeQuiet(t, open(t), true) })
}

func testPurgeQuiet(t *testing.T, q Quiet, purged bool) {
	ctx := context.Background()
	// Two batches, so two bundles: one on campaign c, one on d.
	c, d := Sig("o", "c", "c@example.org"), Sig("o", "d", "d@example.org")
	c.Outbox = []signing.Message{Msg("o", "c", c.Email)}
	d.Outbox = []signing.Message{Msg("o", "d", d.Email)}
	for _, s := range []*signing.Signature{c, d} {
		if _, err := q.Store.AddSignatures(ctx, []*signing.Signature{s}); err != nil {
			t.Fatal(err)
		}
	}
	if n := q.Bundles(t); n != 2 {
		t.Fatalf("%d bundles after two signing batches with messages, want 2: the test shows nothing", n)
	}
	wiped := q.Wiped(t)
	campaign, wantN, want := "empty", 0, []string{c.Outbox[0].ID, d.Outbox[0].ID}
	if purged {
		campaign, wantN, want = "c", 1, []string{d.Outbox[0].ID}
	}
	if n, err := q.Store.Purge(ctx, "o", campaign); err != nil || n != wantN {
		t.Fatalf("Purge(o, %s): got %d, %v, want %d, nil", campaign, n, err, wantN)
	}
	if n := q.Bundles(t); n != 1 && purged {
		t.Errorf("purging c left %d bundles, want 1: d's bundle holds nothing of c and stays bundled", n)
	} else if n != 2 && !purged {
		t.Errorf("purging a campaign that holds nothing left %d bundles, want 2: it took other campaigns' bundles apart", n)
	}
	if w := wiped(t); w != purged {
		t.Errorf("Purge(o, %s) wiped: %v, want %v (a wipe only when something of the campaign went)", campaign, w, purged)
	}
	got := outboxIDs(t, q.Store.(store.Outbox), "")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("outbox after Purge(o, %s): got %v, want %v", campaign, got, want)
	}
}
