package storetest

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testCaughtCounts: sign forms caught by the trap (store.Traps, migration
// 052) are counted per organisation and campaign in the batch's own
// transaction: alone (a transaction writing only the counts), beside
// signatures (which are stored as ever, and a repeat still answered
// already signed), and beside a batch of nothing to insert. A rename
// carries the count to the new name; a campaign holding only such a
// count is a stored name (store.Removals.StoredCampaigns), so a removed
// one's count is kept apart from a later campaign of its slug; a purge
// deletes it, as it does the
// refused signatures' count; other campaigns and organisations keep
// theirs. Nothing but the counts is kept: the campaign's signatures are
// only the real ones.
func testCaughtCounts(t *testing.T, s store.Store) {
	ctx := context.Background()
	tr, ok := s.(store.Traps)
	if !ok {
		t.Fatal("the store does not count forms caught by the trap (store.Traps)")
	}
	want := func(org string, w map[string]int) {
		t.Helper()
		got, err := tr.CaughtCounts(ctx, org)
		if err != nil {
			t.Fatalf("CaughtCounts(%s): %v", org, err)
		}
		if !maps.Equal(got, w) {
			t.Errorf("forms caught of %s: %v; want %v", org, got, w)
		}
	}
	want("o", map[string]int{})
	batch := func(sigs []*signing.Signature, caught ...store.Caught) []error {
		t.Helper()
		res, err := tr.AddBatch(ctx, sigs, caught)
		if err != nil {
			t.Fatalf("AddBatch: %v", err)
		}
		if len(res) != len(sigs) {
			t.Fatalf("AddBatch: %d results for %d signatures", len(res), len(sigs))
		}
		return res
	}
	// Alone.
	batch(nil, store.Caught{Org: "o", Campaign: "old", N: 1})
	// Beside a signature, in two campaigns and another organisation's.
	ann := Sig("o", "old", "ann@example.org")
	if res := batch([]*signing.Signature{ann}, store.Caught{Org: "o", Campaign: "old", N: 2},
		store.Caught{Org: "o", Campaign: "kept", N: 1}, store.Caught{Org: "p", Campaign: "old", N: 4}); res[0] != nil || ann.ID == 0 {
		t.Fatalf("the signature beside caught forms: %v, id %d; want stored", res[0], ann.ID)
	}
	// Beside a repeat: nothing to insert, the counts still written.
	if res := batch([]*signing.Signature{Sig("o", "old", "ann@example.org")}, store.Caught{Org: "o", Campaign: "old", N: 1}); res[0] != store.ErrAlreadySigned {
		t.Errorf("a repeat beside a caught form: %v, want ErrAlreadySigned", res[0])
	}
	// With none caught, AddBatch is AddSignatures.
	batch([]*signing.Signature{Sig("o", "kept", "bob@example.org")})
	want("o", map[string]int{"old": 4, "kept": 1})
	want("p", map[string]int{"old": 4})
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "kept", Signatures: 1}, signing.Count{Org: "o", Campaign: "old", Signatures: 1})

	// A rename carries the count, adding to the new name's.
	batch(nil, store.Caught{Org: "o", Campaign: "new", N: 1})
	move(t, s, "old", "new")
	want("o", map[string]int{"new": 5, "kept": 1})
	// A campaign holding only caught forms' counts is a stored name: once
	// its file is gone, its count is kept apart from a later campaign of
	// that slug like any other row (store.Removals).
	batch(nil, store.Caught{Org: "q", Campaign: "bots-only", N: 1})
	names, err := s.(store.Removals).StoredCampaigns(ctx)
	if err != nil {
		t.Fatalf("StoredCampaigns: %v", err)
	}
	if !slices.Contains(names, store.CampaignName{Org: "q", Campaign: "bots-only"}) {
		t.Errorf("StoredCampaigns: %v; want q/bots-only, which holds only a count of caught forms", names)
	}
	// A purge deletes it; the other campaign and organisation keep theirs.
	if _, err := s.Purge(ctx, "o", "new"); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	want("o", map[string]int{"kept": 1})
	want("p", map[string]int{"old": 4})
}
