package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestOutboxRefusedBatch: a batch the database refuses stores none of its
// messages either, and when the committer stores the rest of a batch
// without the refused signature, only their messages are kept — once.
func TestOutboxRefusedBatch(t *testing.T) {
	ctx := context.Background()
	db := open(t, migrated(t))
	withMsg := func(email string) *signing.Signature {
		s := storetest.Sig("o", "c", email)
		s.Outbox = []signing.Message{storetest.Msg("o", "c", email)}
		return s
	}
	bad := withMsg("bad@example.org")
	bad.Name = "nul\x00byte"
	if _, err := db.AddSignatures(ctx, []*signing.Signature{withMsg("good@example.org"), bad}); err == nil {
		t.Fatal("AddSignatures with a NUL byte: got nil error, want the batch refused")
	}
	if es, err := db.List(ctx, ""); err != nil || len(es) != 0 {
		t.Fatalf("outbox after a refused batch: got %d messages, %v, want none", len(es), err)
	}

	c := store.NewCommitter(db, store.CommitterOptions{})
	var wg sync.WaitGroup
	sigs := make([]*signing.Signature, 40)
	for i := range sigs {
		sigs[i] = withMsg(fmt.Sprintf("s%d@example.org", i))
		if i == 17 {
			sigs[i].Comment = "poison\x00"
		}
		wg.Go(func() { c.Sign(ctx, sigs[i]) })
	}
	wg.Wait()
	c.Close()
	es, err := db.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range es {
		got[e.Email]++
	}
	if len(es) != 39 || got["s17@example.org"] != 0 {
		t.Errorf("outbox: got %d messages (%d for the refused signature), want 39, none for it", len(es), got["s17@example.org"])
	}
	for email, n := range got {
		if n != 1 {
			t.Errorf("%s: %d messages, want 1", email, n)
		}
	}
}
