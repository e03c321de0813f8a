package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestErasuresTogether: two erasures at once (serve's daily purge and its
// expiry of unconfirmed signatures, or two instances' purges) must both
// succeed, one after the other. Each takes lockSigning and then deletes
// signatures; with a lock that two erasures could share, each then waited
// for the other's lock to delete, and PostgreSQL aborted one as a
// deadlock (TestServePurges failed so now and then: "retention: erasing
// the signatures of a closed campaign failed; trying again tomorrow"). Here one erasure holds the lock, as between its lock and its
// first deletion, while a Purge starts; once the Purge waits, the first
// deletes and commits.
func TestErasuresTogether(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db := openDB(ctx, t, dsn)
	if _, err := db.AddSignatures(ctx, []*signing.Signature{
		storetest.Sig("o", "closed", "ada@example.org"), storetest.Sig("o", "other", "grace@example.org"),
	}); err != nil {
		t.Fatal(err)
	}
	watch := connect(ctx, t, dsn)
	first := connect(ctx, t, dsn)

	tx, err := first.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := lockSigning(ctx, tx); err != nil {
		t.Fatal(err)
	}
	purged := make(chan error, 1)
	go func() {
		_, err := db.Purge(ctx, "o", "closed")
		purged <- err
	}()
	// Until the Purge waits for a lock (or has finished).
	deadline := time.Now().Add(30 * time.Second)
	for waiting := false; !waiting; {
		if time.Now().After(deadline) {
			t.Fatal("the purge neither finished nor waited for a lock within 30 s")
		}
		select {
		case err := <-purged:
			purged <- err
			waiting = true
			continue
		default:
		}
		if err := watch.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND datname = current_database())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // polling pg_stat_activity, not waiting for a result
	}
	if _, err := tx.Exec(ctx, `DELETE FROM signatures WHERE org = 'o' AND campaign = 'other'`); err != nil {
		t.Fatalf("the first erasure's deletion: %v", err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("the first erasure's commit: %v", err)
	}
	if err := <-purged; err != nil {
		t.Fatalf("the purge beside it: %v", err)
	}
}
