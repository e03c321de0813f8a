package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestAddSignaturesIDs: every signature stored gets the id of its own row,
// whether all of a batch went in, some were already stored (between and
// around the new ones), or a batch spans several INSERT chunks; a
// signature not stored gets none.
func TestAddSignaturesIDs(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "ids.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sig := func(campaign string, n int) *signing.Signature {
		return storetest.Sig("o", campaign, fmt.Sprintf("p%d@example.org", n))
	}
	check := func(name string, sigs []*signing.Signature, res []error, wantStored []bool) {
		t.Helper()
		for i, s := range sigs {
			if stored := res[i] == nil; stored != wantStored[i] || !stored && !errors.Is(res[i], store.ErrAlreadySigned) {
				t.Errorf("%s: signature %d: result %v, want stored %v", name, i, res[i], wantStored[i])
				continue
			}
			if !wantStored[i] {
				if s.ID != 0 {
					t.Errorf("%s: signature %d not stored but has id %d", name, i, s.ID)
				}
				continue
			}
			var email, campaign string
			if err := db.r.QueryRowContext(ctx, `SELECT email, campaign FROM signatures WHERE id = ?`, s.ID).Scan(&email, &campaign); err != nil {
				t.Fatalf("%s: signature %d: id %d: %v", name, i, s.ID, err)
			}
			if email != s.Email || campaign != s.Campaign {
				t.Errorf("%s: signature %d (%s on %s) has id %d, the row of %s on %s", name, i, s.Email, s.Campaign, s.ID, email, campaign)
			}
		}
	}
	add := func(name string, sigs []*signing.Signature, wantStored []bool) {
		t.Helper()
		res, err := db.AddSignatures(ctx, sigs)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		check(name, sigs, res, wantStored)
	}

	add("all new", []*signing.Signature{sig("c", 1), sig("d", 2), sig("c", 3)}, []bool{true, true, true})
	// 1 and 3 are stored already; 4 comes twice in the batch.
	add("some stored", []*signing.Signature{sig("c", 4), sig("c", 1), sig("c", 5), sig("d", 1), sig("c", 3), sig("c", 4), sig("c", 6)},
		[]bool{true, false, true, true, false, false, true})
	add("none new", []*signing.Signature{sig("c", 5), sig("c", 6)}, []bool{false, false})
	// More than insertChunk: several statements, the second with stored ones.
	var big []*signing.Signature
	var want []bool
	for n := 100; n < 100+insertChunk+40; n++ {
		big = append(big, sig("c", n))
		want = append(want, true)
	}
	big = append(big, sig("c", 2), sig("d", 2), sig("c", 1))
	want = append(want, true, false, false)
	add("chunks", big, want)
}
