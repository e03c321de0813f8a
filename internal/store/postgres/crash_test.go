package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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

// TestServerRestartSameHandle (attack8): the PostgreSQL server crashes
// and comes back while signers sign through a Committer and a worker
// holds outbox claims, and nothing is reopened — as `placard serve`
// lives through a database restart or failover. Every signature
// acknowledged before, during or after is stored; the signers whose
// batch died were told so (an error), and signing works again on the
// same pool once the server is back; the claims taken before the crash
// come back once their lease runs out, none lost.
func TestServerRestartSameHandle(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.NewCluster(t)
	dsn := cl.Database(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	msgs := map[string]bool{}
	for i := range 20 {
		email := fmt.Sprintf("m%d@example.org", i)
		sig := storetest.Sig("o", "m", email)
		sig.Outbox = []signing.Message{storetest.Msg("o", "m", email)}
		msgs[sig.Outbox[0].ID] = true
		if _, err := db.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
			t.Fatal(err)
		}
	}
	const lease = time.Second
	held, err := db.Claim(ctx, "before", 10, lease)
	if err != nil || len(held) != 10 {
		t.Fatalf("Claim: %d, %v; want 10", len(held), err)
	}

	c := store.NewCommitter(db, store.CommitterOptions{CommitTimeout: 10 * time.Second})
	defer c.Close()
	var mu sync.Mutex
	acked := map[string]bool{}
	var acks, failures atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 16 {
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
					time.Sleep(20 * time.Millisecond) // a signer pressing again in a moment
					continue
				}
				mu.Lock()
				acked[email] = true
				mu.Unlock()
				acks.Add(1)
			}
		})
	}
	for acks.Load() < 300 {
		time.Sleep(time.Millisecond)
	}
	cl.Crash(t)
	for failures.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	cl.Start(t)
	after := acks.Load()
	deadline := time.Now().Add(60 * time.Second)
	for acks.Load() < after+300 {
		if time.Now().After(deadline) {
			close(stop)
			wg.Wait()
			t.Fatalf("60 s after the restart only %d more signatures were acknowledged (failures %d): the pool did not recover", acks.Load()-after, failures.Load())
		}
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()

	stored := map[string]bool{}
	if err := db.Signatures(ctx, "o", "c", "", func(s *signing.Signature) error {
		stored[s.Email] = true
		return nil
	}); err != nil {
		t.Fatalf("Signatures after the restart: %v", err)
	}
	lost := 0
	for e := range acked {
		if !stored[e] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged signatures lost across the restart, want 0", lost, len(acked))
	}
	if err := db.Ready(ctx); err != nil {
		t.Errorf("Ready after the restart: %v", err)
	}

	time.Sleep(lease) // the claims held across the crash run out
	got := map[string]bool{}
	for {
		es, err := db.Claim(ctx, "after", 100, time.Hour)
		if err != nil {
			t.Fatalf("Claim after the restart: %v", err)
		}
		if len(es) == 0 {
			break
		}
		ids := make([]string, len(es))
		for i, e := range es {
			got[e.ID], ids[i] = true, e.ID
		}
		if err := db.Done(ctx, ids...); err != nil {
			t.Fatalf("Done after the restart: %v", err)
		}
	}
	for id := range msgs {
		if !got[id] {
			t.Errorf("outbox message %s not claimable after the restart", id)
		}
	}
	t.Logf("acknowledged %d (%d after the restart), stored %d, failures %d", len(acked), acks.Load()-after, len(stored), failures.Load())
}

// TestSignsAfterSessionsEnd (attack8): every session of the store's pool
// ends under it — a failover, a restart, an operator's
// pg_terminate_backend — while the database itself is up. The next
// signatures are stored at their first try: a signer is not told "not
// recorded" because a pooled connection was dead. (Before, the first
// signature after it failed with "FATAL: terminating connection due to
// administrator command (SQLSTATE 57P01)". The pool pings a connection
// idle for more than a second before handing it out, so the test signs
// at once, as signers do on a busy site.)
func TestSignsAfterSessionsEnd(t *testing.T) {
	ctx := context.Background()
	dsn := migrated(t)
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Several connections open in the pool.
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", fmt.Sprintf("warm%d@example.org", i))}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	for round := range 2 {
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			sig := storetest.Sig("o", "c", fmt.Sprintf("after%d-%d@example.org", round, i))
			res, err := db.AddSignatures(ctx, []*signing.Signature{sig})
			if err != nil || res[0] != nil {
				t.Fatalf("round %d, signature %d after the sessions ended: %v %v; want it stored at its first try", round, i, err, res)
			}
		}
	}
}
