package sqlite

import (
	"context"
	"fmt"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestOutboxBudget states what messages add to a batch of signatures:
// one INSERT of the batch's bundle (bundle.go) in the same transaction,
// nothing prepared anew, and at most budgetAllocsPerMessage allocations
// per signature that carries one (measured: 3.1 as a bundle, against 2.9
// without messages; 12.4 when each message was a row). Signatures without
// messages cost exactly budgetStatements (TestSigningBudget).
func TestOutboxBudget(t *testing.T) {
	ctx := context.Background()
	db, c := openCounted(t)
	n := 0
	batch := func(withMessage bool) []*signing.Signature {
		sigs := make([]*signing.Signature, batchSize)
		for i := range sigs {
			n++
			email := fmt.Sprintf("o%d@example.org", n)
			sigs[i] = storetest.Sig("o", "c", email)
			if withMessage {
				sigs[i].Outbox = []signing.Message{storetest.Msg("o", "c", email)}
			}
		}
		return sigs
	}
	for _, with := range []bool{false, true} { // warm up: prepares
		if _, err := db.AddSignatures(ctx, batch(with)); err != nil {
			t.Fatal(err)
		}
	}
	c.take()
	if _, err := db.AddSignatures(ctx, batch(false)); err != nil {
		t.Fatal(err)
	}
	if got := c.take(); got != budgetStatements {
		t.Errorf("a batch without messages: %+v, want %+v", got, budgetStatements)
	}
	if _, err := db.AddSignatures(ctx, batch(true)); err != nil {
		t.Fatal(err)
	}
	want := counts{execs: budgetStatements.execs + 1}
	if got := c.take(); got != want {
		t.Errorf("a batch of %d signatures with one message each: %+v, want %+v", batchSize, got, want)
	}
	if raceEnabled {
		return
	}
	const runs = 20
	pre := make([][]*signing.Signature, runs+1)
	for i := range pre {
		pre[i] = batch(true)
	}
	i := 0
	allocs := testing.AllocsPerRun(runs, func() {
		if _, err := db.AddSignatures(ctx, pre[i]); err != nil {
			t.Fatal(err)
		}
		i++
	})
	t.Logf("%.1f allocations per signature with one message in a batch of %d (without: budget %d)", allocs/batchSize, batchSize, budgetAllocsPerBatched)
	if per := allocs / batchSize; per > budgetAllocsPerMessage {
		t.Errorf("a signature with one message in a batch makes %.1f allocations; budget %d", per, budgetAllocsPerMessage)
	}
}

// budgetAllocsPerMessage bounds the allocations per signature with one
// message in a batch of batchSize through AddSignatures.
const budgetAllocsPerMessage = 4
