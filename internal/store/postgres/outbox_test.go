package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// TestOutboxRefusedBatch: a signature the tables would refuse (a NUL
// byte) is refused alone with none of its messages, the rest of its batch
// stored with theirs (store.CheckSignature; the whole batch failed
// before), and through the committer only the stored signatures'
// messages are kept — once.
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
	if res, err := db.AddSignatures(ctx, []*signing.Signature{withMsg("good@example.org"), bad}); err != nil ||
		res[0] != nil || !errors.Is(res[1], store.ErrInvalidSignature) {
		t.Fatalf("AddSignatures with a NUL byte: got %v, %v; want the good one stored, the other refused alone", res, err)
	}
	if es, err := db.List(ctx, ""); err != nil || len(es) != 1 || es[0].Email != "good@example.org" {
		t.Fatalf("outbox after a refused row: got %+v, %v; want the good signature's message only", es, err)
	}
	// Only the refused row carries messages: no bundle at all.
	if res, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", "plain@example.org"), bad}); err != nil ||
		res[0] != nil || !errors.Is(res[1], store.ErrInvalidSignature) {
		t.Fatalf("AddSignatures, plain beside refused: got %v, %v", res, err)
	}
	if es, err := db.List(ctx, ""); err != nil || len(es) != 1 {
		t.Fatalf("outbox after a refused row with messages: got %d, %v; want still 1", len(es), err)
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
	if len(es) != 40 || got["s17@example.org"] != 0 {
		t.Errorf("outbox: got %d messages (%d for the refused signature), want 40 (39 and good@), none for it", len(es), got["s17@example.org"])
	}
	for email, n := range got {
		if n != 1 {
			t.Errorf("%s: %d messages, want 1", email, n)
		}
	}
}
