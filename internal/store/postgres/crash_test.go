package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/storetest"
)

// TestServerCrashWhileSigning crashes the PostgreSQL server (immediate
// shutdown: no flush, no checkpoint) while 64 signers sign through a
// Committer, restarts it, and checks that every signature acknowledged
// before the crash is present after WAL replay — and that signers whose
// batch died with the server were told it failed, never that it counted.
func TestServerCrashWhileSigning(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.NewCluster(t)
	dsn := cl.Database(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	c := store.NewCommitter(db, store.CommitterOptions{CommitTimeout: 10 * time.Second})

	var mu sync.Mutex
	acked := map[string]bool{}
	var ackCount atomic.Int64
	var failures atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range storetest.Signers {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				email := fmt.Sprintf("w%d-%d@example.org", w, i)
				if err := c.Sign(ctx, storetest.Sig("o", "c", email)); err != nil {
					failures.Add(1)
					// The server is down; stop this signer.
					return
				}
				mu.Lock()
				acked[email] = true
				mu.Unlock()
				ackCount.Add(1)
			}
		})
	}
	for ackCount.Load() < 3000 {
		time.Sleep(time.Millisecond)
	}
	cl.Crash(t)
	close(stop)
	wg.Wait()
	c.Close()
	db.Close()
	if failures.Load() == 0 {
		t.Logf("no signer saw the crash (all were between signatures)")
	}

	cl.Start(t)
	db2, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("reopen after crash: %v", err)
	}
	defer db2.Close()
	stored := map[string]bool{}
	if err := db2.Signatures(ctx, "o", "c", "", func(s *signing.Signature) error {
		stored[s.Email] = true
		return nil
	}); err != nil {
		t.Fatalf("Signatures after crash: %v", err)
	}
	lost := 0
	for e := range acked {
		if !stored[e] {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged signature %s missing after the crash", e)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged signatures lost, want 0", lost, len(acked))
	}
	counts, err := db2.Counts(ctx)
	if err != nil || len(counts) != 1 || counts[0].Signatures != len(stored) {
		t.Errorf("tally after crash: got %+v, %v, want %d signatures (the rows present)", counts, err, len(stored))
	}
	t.Logf("acknowledged %d, stored %d, signers told of failure %d", len(acked), len(stored), failures.Load())
}
