package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
)

// TestEraseBesideTheCheckpointer: an erasure's TRUNCATE checkpoint must not
// fail because the background checkpointer of the same process happens to
// be checkpointing at that moment. The checkpointer is played by a goroutine
// calling its tick as fast as it can; before the two shared a lock, Erase
// returned "another reader kept the write-ahead log from being emptied"
// within a few rounds (seen once in CI at the normal 200 ms pace).
func TestEraseBesideTheCheckpointer(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
				db.passiveCheckpoint()
			}
		}
	}()
	defer func() { close(stop); wg.Wait() }()
	for i := range 200 {
		sig := &signing.Signature{Org: "o", Campaign: "c", Action: "sign", Kind: signing.KindIndividual,
			Status: signing.StatusApproved, Name: "Ana", Email: "ana@example.org",
			ConsentText: "I agree", ConsentAt: time.Unix(1700000000, 0), CreatedAt: time.Unix(1700000000, 0)}
		if errs, err := db.AddSignatures(ctx, []*signing.Signature{sig}); err != nil || errs[0] != nil {
			t.Fatalf("round %d: signing: %v %v", i, err, errs)
		}
		if _, err := db.Erase(ctx, "ana@example.org"); err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
	}
}
