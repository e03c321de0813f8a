package store_test

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// budgetCommitterAllocs bounds the Go allocations the Committer itself
// makes for one signature signed alone (a batch of one), whatever the
// engine — 0 when measured: requests and their result channels are
// reused (3 before: the request, the channel and its buffer; 7 while each
// batch made a deadline context and timer of its own).
// The engines' own budgets are in their budget_internal_test.go. Lower it
// when the Committer gets cheaper; a change that needs more must say why.
const budgetCommitterAllocs = 0

// nopStore stores nothing and allocates nothing: what AllocsPerRun counts
// through it is the Committer's own.
type nopStore struct {
	store.Store // unused methods panic
	results     []error
}

func (s *nopStore) AddSignatures(_ context.Context, sigs []*signing.Signature) ([]error, error) {
	return s.results[:len(sigs)], nil
}

// TestCommitterBudget: the Committer's allocations per signature stay
// within budgetCommitterAllocs.
func TestCommitterBudget(t *testing.T) {
	if raceEnabled {
		t.Log("allocations differ under the race detector: counted by the run without -race (.ci/run: signing budgets)")
		return
	}
	c := store.NewCommitter(&nopStore{results: make([]error, 512)}, store.CommitterOptions{})
	defer c.Close()
	ctx := context.Background()
	s := &signing.Signature{Email: "a@example.org"}
	allocs := testing.AllocsPerRun(1000, func() {
		if err := c.Sign(ctx, s); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%.0f allocations per signature in the Committer (budget %d)", allocs, budgetCommitterAllocs)
	if allocs > budgetCommitterAllocs {
		t.Errorf("the Committer makes %.0f allocations per signature signed alone; budget %d", allocs, budgetCommitterAllocs)
	}
}
