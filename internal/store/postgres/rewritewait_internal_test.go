package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestRewriteBehindReader: an erasure's VACUUM FULL waits for its ACCESS
// EXCLUSIVE lock behind a long reader of signatures, and every signer
// queues behind it meanwhile (PostgreSQL grants locks in order). With no
// lock_timeout the erasure did not return, and signing stalled, for as
// long as the reader read: here, until the test's 60-second deadline —
// both failed with "context deadline exceeded". Now the rewrite gives up
// after rewriteLockTimeout, the erasure returns (the rows are gone), the
// signing in the meantime goes through while the reader still reads,
// and the rewrite stays owed until it is paid once the reader is done.
func TestRewriteBehindReader(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db := openDB(ctx, t, dsn)
	if _, err := db.AddSignatures(ctx, []*signing.Signature{
		storetest.Sig("o", "c", "ada@example.org"), storetest.Sig("o", "c", "grace@example.org"),
	}); err != nil {
		t.Fatal(err)
	}
	watch := connect(ctx, t, dsn)
	reader := connect(ctx, t, dsn)
	tx, err := reader.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM signatures`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// Deadlines so the old behaviour fails instead of hanging the test.
	dctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	erased := runUntilLocked(ctx, t, watch, `query LIKE 'VACUUM%'`, func() error {
		n, err := db.Erase(dctx, "ada@example.org")
		if err == nil && n != 1 {
			t.Errorf("Erase erased %d signatures, want 1", n)
		}
		return err
	})
	// While the rewrite waits (or has given up), a signer signs.
	signed := make(chan error, 1)
	go func() {
		errs, err := db.AddSignatures(dctx, []*signing.Signature{storetest.Sig("o", "c", "linus@example.org")})
		if err == nil && errs[0] != nil {
			err = errs[0]
		}
		signed <- err
	}()
	if err := <-erased; err != nil {
		t.Fatalf("Erase behind a long reader: %v, want it to return, its rewrite owed", err)
	}
	if err := <-signed; err != nil {
		t.Fatalf("signing while an erasure's rewrite waited behind a long reader: %v", err)
	}
	// The reader is still reading: the rewrite is owed.
	var owed int
	if err := watch.QueryRow(ctx, `SELECT count(*) FROM rewrites_owed WHERE tbl = 'signatures'`).Scan(&owed); err != nil || owed != 1 {
		t.Fatalf("rewrites owed on signatures while the reader reads: %d, %v, want 1", owed, err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// Every table the erasure owed is made now: the reader's snapshot,
	// older than the erasure, held back not only signatures' rewrite
	// (its lock) but every other (VACUUM FULL would have kept the
	// erased rows for it: heldBack, TestEraseBehindAnOldSnapshot).
	paid, left, err := db.PayRewrites(ctx, true)
	if err != nil || paid < 1 || left != 0 {
		t.Fatalf("PayRewrites once the reader is done: %d made, %d owed, %v, want signatures' among them, 0, nil", paid, left, err)
	}
	// The settings the rewrite set are not left on the pool's connections.
	for range 4 {
		var lt string
		if err := db.pool.QueryRow(ctx, `SHOW lock_timeout`).Scan(&lt); err != nil || lt != "0" {
			t.Fatalf("a pool connection after a rewrite has lock_timeout %q, %v, want 0", lt, err)
		}
	}
}
